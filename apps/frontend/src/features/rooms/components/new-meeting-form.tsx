import { Limits } from '@qual-meet/protocol';
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Notice } from '../../../components/notice';
import { describeError, RETRYING } from '../../../lib/describe-error';
import { useCreateRoom } from '../api/create-room';
import { roomPath } from '../utils/room-links';

const sizes = Array.from(
  { length: Limits.maxParticipants - Limits.minParticipants + 1 },
  (_, i) => Limits.minParticipants + i,
);

/** Creates a meeting for 2–6 people and opens it. */
export function NewMeetingForm() {
  const [size, setSize] = useState<number>(Limits.defaultParticipants);
  const createRoom = useCreateRoom();
  const navigate = useNavigate();
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    createRoom.mutate(
      { maxParticipants: size },
      { onSuccess: (room) => void navigate(roomPath(room.id)) },
    );
  }

  return (
    <form onSubmit={submit} className="inline-form">
      <div className="field">
        <label htmlFor={id}>Meeting size</label>
        <select id={id} value={size} onChange={(e) => setSize(Number(e.target.value))}>
          {sizes.map((n) => (
            <option key={n} value={n}>
              Up to {n} people
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button--primary" disabled={createRoom.isPending}>
        New meeting
      </button>
      {createRoom.isPending && createRoom.failureCount > 0 ? (
        <Notice tone="warning">{RETRYING}</Notice>
      ) : null}
      {createRoom.isError ? (
        <Notice tone="error">
          Could not create the meeting. {describeError(createRoom.error)}
        </Notice>
      ) : null}
    </form>
  );
}
