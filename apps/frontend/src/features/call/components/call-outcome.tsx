import { Link } from 'react-router';
import { PageMessage } from '../../../components/page-message';
import type { MeshFailure, MeshPhase } from '../mesh/mesh-session';

export const outcomeMessages = {
  left: { title: 'You left the meeting', text: 'You can rejoin while it is still open.' },
  ended: {
    title: 'This meeting has ended',
    text: 'The host ended it for everyone. Start a new meeting from the home page.',
  },
  room_full: {
    title: 'This meeting is full',
    text: 'Every place in this meeting is taken. Try again when someone leaves, or ask the host to start a bigger meeting.',
  },
  room_not_found: {
    title: 'Meeting not found',
    text: 'There is no meeting at this link. Check that you copied the whole link, or start a new meeting.',
  },
  replaced: {
    title: 'You joined from another tab',
    text: 'You joined this meeting from another tab or window, so this tab left it. Continue there, or rejoin here (the other tab will leave).',
  },
  room_locked: {
    title: 'This meeting is locked',
    text: 'The host has locked this meeting, so nobody new can join. Ask the host to unlock it, then try again.',
  },
  removed: {
    title: 'The host removed you from this meeting',
    text: 'You cannot rejoin this meeting. If you think this was a mistake, ask the host to start a new meeting and send you its link.',
  },
  unauthorized: {
    title: 'Your session has expired',
    text: 'Log in again to rejoin the meeting.',
  },
} as const;

interface CallOutcomeProps {
  phase: Extract<MeshPhase, 'left' | 'ended' | 'failed'>;
  failure: MeshFailure | null;
  onRejoin(): void;
}

/** Why the call is over, and what the person can do now. */
export function CallOutcome({ phase, failure, onRejoin }: CallOutcomeProps) {
  const key = phase === 'failed' ? (failure ?? 'room_not_found') : phase;
  const message = outcomeMessages[key];
  const rejoinLabel = {
    left: 'Rejoin',
    room_full: 'Try again',
    room_locked: 'Try again',
    replaced: 'Rejoin here',
  } as const;
  const canRejoin =
    key === 'left' || key === 'room_full' || key === 'room_locked' || key === 'replaced';
  return (
    <PageMessage
      title={message.title}
      actions={
        <>
          {canRejoin ? (
            <button type="button" className="button button--primary" onClick={onRejoin}>
              {rejoinLabel[key]}
            </button>
          ) : null}
          <Link className="button" to="/">
            Back to home
          </Link>
        </>
      }
    >
      <p role={phase === 'failed' ? 'alert' : undefined}>{message.text}</p>
    </PageMessage>
  );
}
