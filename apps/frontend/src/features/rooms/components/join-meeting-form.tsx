import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { parseRoomInput, roomPath } from '../utils/room-links';

export const NOT_A_MEETING_LINK =
  'That is not a meeting link or ID. Paste the whole link you were sent (it ends in /room/ and a long ID), or just the ID.';

/** Opens a meeting from a pasted link or id. */
export function JoinMeetingForm() {
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const navigate = useNavigate();
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const roomId = parseRoomInput(value);
    setInvalid(roomId === null);
    if (roomId) void navigate(roomPath(roomId));
  }

  return (
    <form onSubmit={submit} className="inline-form" noValidate>
      <div className="field field--grow">
        <label htmlFor={id}>Meeting link or ID</label>
        <input
          id={id}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-error` : undefined}
        />
        {invalid ? (
          <p id={`${id}-error`} className="field__error" role="alert">
            {NOT_A_MEETING_LINK}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button">
        Join
      </button>
    </form>
  );
}
