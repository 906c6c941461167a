import type { RaisedHand } from '@qual-meet/protocol';

interface RaisedHandsProps {
  hands: readonly RaisedHand[];
  selfUserId: string | null;
  nameOf(userId: string): string;
  /** Given to the host: lowers someone else's hand. */
  onLower?: (userId: string) => void;
}

/** Who has a hand up, in the order they raised it; the host can lower anyone's. */
export function RaisedHands({ hands, selfUserId, nameOf, onLower }: RaisedHandsProps) {
  if (hands.length === 0) return null;
  return (
    <section className="hands" aria-label="Raised hands">
      <span className="hands__title" aria-hidden="true">
        ✋
      </span>
      <ol className="hands__list">
        {hands.map(({ userId }) => {
          const self = userId === selfUserId;
          const name = nameOf(userId);
          return (
            <li key={userId} className="hands__item">
              <span>{self ? 'You' : name}</span>
              {onLower && !self ? (
                <button
                  type="button"
                  className="tile-button"
                  aria-label={`Lower ${name}'s hand`}
                  onClick={() => onLower(userId)}
                >
                  Lower
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** **Raise hand** / **Lower hand** for ourselves. */
export function HandButton({
  raised,
  onChange,
}: {
  raised: boolean;
  onChange(raised: boolean): void;
}) {
  return (
    <button
      type="button"
      className="button"
      aria-keyshortcuts="H"
      onClick={() => onChange(!raised)}
    >
      {raised ? 'Lower hand' : 'Raise hand'}
    </button>
  );
}
