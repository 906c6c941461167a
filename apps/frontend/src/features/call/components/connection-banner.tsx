import { Notice } from '../../../components/notice';
import type { MeshPhase } from '../mesh/mesh-session';

export const CONNECTION_LOST =
  'Connection lost. Reconnecting… You will rejoin automatically; the others’ video may freeze until then.';

/** Tells the person whether we are still connected to the meeting server. */
export function ConnectionBanner({ phase }: { phase: MeshPhase }) {
  if (phase === 'connecting') return <Notice>Connecting to the meeting…</Notice>;
  if (phase === 'reconnecting') return <Notice tone="warning">{CONNECTION_LOST}</Notice>;
  return null;
}
