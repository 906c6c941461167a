import type { QualitySnapshot } from '../quality/call-quality';
import { describeLink } from '../quality/link-health';
import { tileWords } from '../quality/tile-words';

interface ConnectionToggleProps {
  panelId: string;
  open: boolean;
  onToggle(): void;
}

/** The **Connection** button: shows or hides how every link is doing. */
export function ConnectionToggle({ panelId, open, onToggle }: ConnectionToggleProps) {
  return (
    <button
      type="button"
      className="button"
      aria-expanded={open}
      aria-controls={panelId}
      onClick={onToggle}
    >
      Connection
    </button>
  );
}

interface ConnectionPanelProps {
  id: string;
  open: boolean;
  participants: readonly { userId: string; displayName: string }[];
  quality: QualitySnapshot;
}

const MEGABIT = 1_000_000;

/**
 * Every link in words ("Bob ↔ you: relayed over TCP, 180 ms, 2 % loss"), for people helping
 * each other find whose connection is the problem.
 */
export function ConnectionPanel({ id, open, participants, quality }: ConnectionPanelProps) {
  return (
    <section id={id} className="connection" aria-label="Connection" hidden={!open}>
      <h2 className="connection__title">Connection</h2>
      {participants.length === 0 ? (
        <p className="muted connection__note">Nobody else is connected.</p>
      ) : (
        <ul className="connection__links">
          {participants.map(({ userId, displayName }) => {
            const peer = quality.peers.get(userId);
            const words = tileWords(displayName, peer);
            return (
              <li key={userId}>
                {peer ? describeLink(displayName, peer.health) : `${displayName} ↔ you: connecting`}
                {words.poor ? <strong className="connection__poor"> — {words.poor}</strong> : null}
                {words.notices.map((notice) => (
                  <p key={notice} className="connection__notice">
                    {notice}
                  </p>
                ))}
              </li>
            );
          })}
        </ul>
      )}
      {quality.uplinkBps > 0 ? (
        <p className="muted connection__note">
          Your upload, as estimated: {(quality.uplinkBps / MEGABIT).toFixed(1)} Mbit/s
        </p>
      ) : null}
    </section>
  );
}
