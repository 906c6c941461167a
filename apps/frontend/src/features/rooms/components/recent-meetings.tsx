import type { Room } from '@qual-meet/protocol';
import { Link } from 'react-router';
import { Notice } from '../../../components/notice';
import { describeError } from '../../../lib/describe-error';
import { useMyRooms } from '../api/list-my-rooms';
import { roomPath } from '../utils/room-links';
import { CopyInviteButton } from './copy-invite-button';

const started = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Meetings we host, newest first. */
export function RecentMeetings() {
  const rooms = useMyRooms();
  if (rooms.isPending) return <p role="status">Loading your meetings…</p>;
  if (rooms.isError) {
    return (
      <Notice tone="error">
        Could not load your meetings. {describeError(rooms.error)}{' '}
        <button type="button" className="button button--link" onClick={() => void rooms.refetch()}>
          Try again
        </button>
      </Notice>
    );
  }
  if (rooms.data.length === 0) {
    return <p>No meetings yet. Start one above and it will be listed here.</p>;
  }
  const newestFirst = [...rooms.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <ul className="meeting-list" aria-label="Recent meetings">
      {newestFirst.map((room) => (
        <MeetingItem key={room.id} room={room} />
      ))}
    </ul>
  );
}

function MeetingItem({ room }: { room: Room }) {
  const when = started.format(new Date(room.createdAt));
  return (
    <li className="meeting-list__item">
      <div>
        <Link to={roomPath(room.id)}>Meeting of {when}</Link>
        <p className="meeting-list__meta">
          {room.isActive ? 'Open' : 'Ended'} · up to {room.maxParticipants} people
        </p>
      </div>
      {room.isActive ? <CopyInviteButton roomId={room.id} /> : null}
    </li>
  );
}
