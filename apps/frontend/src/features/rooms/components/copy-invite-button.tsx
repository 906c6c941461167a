import { useId, useState } from 'react';
import { inviteLink } from '../utils/room-links';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * "Copy invite link": puts the meeting link on the clipboard. Where the browser refuses
 * (no clipboard permission, insecure page), the link is shown selected to copy by hand.
 */
export function CopyInviteButton({ roomId, className }: { roomId: string; className?: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const id = useId();
  const link = inviteLink(window.location.origin, roomId);

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setState('copied');
    } catch {
      setState('manual');
    }
  }

  return (
    <div className={`copy-invite ${className ?? ''}`}>
      <button type="button" className="button" onClick={() => void copy()}>
        Copy invite link
      </button>
      <div role="status" className="copy-invite__status">
        {state === 'copied'
          ? 'Invite link copied. Paste it to the people you want to invite.'
          : null}
        {state === 'manual' ? (
          <>
            <label htmlFor={id}>Your browser did not allow copying. Copy this link yourself:</label>
            <input
              id={id}
              readOnly
              value={link}
              onFocus={(e) => e.currentTarget.select()}
              className="copy-invite__link"
            />
          </>
        ) : null}
      </div>
    </div>
  );
}
