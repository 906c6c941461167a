import { roomIdSchema } from '@qual-meet/protocol';
import { Link, useParams } from 'react-router';
import { PageMessage } from '../../components/page-message';
import { ApiError } from '../../lib/api-client';
import { describeError, RETRYING } from '../../lib/describe-error';
import { Meeting } from '../../features/call/components/meeting';
import { outcomeMessages } from '../../features/call/components/call-outcome';
import { useRoom } from '../../features/rooms/api/get-room';

const home = (
  <Link className="button" to="/">
    Back to home
  </Link>
);

function NotFound() {
  return (
    <PageMessage title={outcomeMessages.room_not_found.title} actions={home}>
      <p role="alert">{outcomeMessages.room_not_found.text}</p>
    </PageMessage>
  );
}

/** `/room/:id`: the meeting, once we know it exists and is still open. */
export function RoomRoute() {
  const { id = '' } = useParams();
  const roomId = roomIdSchema.safeParse(id.toLowerCase());
  if (!roomId.success) return <NotFound />;
  return <RoomGate key={roomId.data} roomId={roomId.data} />;
}

function RoomGate({ roomId }: { roomId: string }) {
  const room = useRoom(roomId);
  if (room.isPending) {
    return (
      <PageMessage title="Loading the meeting…">
        {room.failureCount > 0 ? <p role="status">{RETRYING}</p> : null}
      </PageMessage>
    );
  }
  if (room.isError) {
    const error = room.error;
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
      return <NotFound />;
    }
    return (
      <PageMessage
        title="Could not open the meeting"
        actions={
          <>
            <button
              type="button"
              className="button button--primary"
              onClick={() => void room.refetch()}
            >
              Try again
            </button>
            {home}
          </>
        }
      >
        <p role="alert">{describeError(error)}</p>
      </PageMessage>
    );
  }
  if (!room.data.isActive) {
    return (
      <PageMessage title={outcomeMessages.ended.title} actions={home}>
        <p role="alert">{outcomeMessages.ended.text}</p>
      </PageMessage>
    );
  }
  return <Meeting room={room.data} />;
}
