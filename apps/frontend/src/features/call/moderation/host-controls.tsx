import { useState } from 'react';

/** **Lock meeting** / **Unlock meeting** (host only). */
export function LockButton({
  locked,
  onChange,
}: {
  locked: boolean;
  onChange(locked: boolean): void;
}) {
  return (
    <button type="button" className="button" onClick={() => onChange(!locked)}>
      {locked ? 'Unlock meeting' : 'Lock meeting'}
    </button>
  );
}

interface ParticipantHostActionsProps {
  name: string;
  onMute(): void;
  onRemove(): void;
}

/**
 * The host's **Mute <name>** and **Remove <name>** on a tile. Removing asks first: the person
 * cannot come back to this meeting.
 */
export function ParticipantHostActions({ name, onMute, onRemove }: ParticipantHostActionsProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button type="button" className="tile-button" aria-label={`Mute ${name}`} onClick={onMute}>
        Mute
      </button>
      <button
        type="button"
        className="tile-button tile-button--danger"
        aria-label={`Remove ${name}`}
        onClick={() => setConfirming(true)}
      >
        Remove
      </button>
      {confirming ? (
        <div role="alertdialog" aria-label={`Remove ${name}?`} className="tile-confirm">
          <p>Remove {name}? They cannot come back to this meeting.</p>
          <div className="toolbar">
            <button
              type="button"
              className="button button--small button--danger"
              onClick={() => {
                setConfirming(false);
                onRemove();
              }}
            >
              Remove
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </>
  );
}
