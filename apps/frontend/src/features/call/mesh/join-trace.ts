/**
 * Where a join spends its time, for `npm run bench:call-setup` (docs/BENCHMARKS.md): each step
 * of the join path as a `performance.mark` named `qm:<step>` (with the peer in `detail`), which
 * the bench reads back from the page. Off unless the page asks (`localStorage['qm.joinTrace'] ===
 * 'on'`): a meeting then costs one no-op call per step.
 */
export type JoinStep =
  | 'ice-servers-requested'
  | 'ice-servers-received'
  | 'socket-opened'
  | 'authenticated'
  | 'room-joined'
  | 'user-joined'
  | 'offer-sent'
  | 'offer-received'
  | 'answer-sent'
  | 'answer-received'
  | 'first-candidate-sent'
  | 'first-candidate-received'
  | 'ice-connected';

/** Records one step; `peer` is the remote user the step concerns, if any. */
export type JoinTrace = (step: JoinStep, peer?: string) => void;

/** Records nothing. */
export const noTrace: JoinTrace = () => undefined;

const SWITCH_KEY = 'qm.joinTrace';

/** The page's trace: `performance.mark`s when the test switch is on, otherwise {@link noTrace}. */
export function joinTraceFrom(
  storage: Pick<Storage, 'getItem'> | null,
  performance: Pick<Performance, 'mark'>,
): JoinTrace {
  let on = false;
  try {
    on = storage?.getItem(SWITCH_KEY) === 'on';
  } catch {
    // Storage can be disabled; the switch is then off.
  }
  return on ? (step, peer) => void performance.mark(`qm:${step}`, { detail: { peer } }) : noTrace;
}

/**
 * Traces only the first occurrence of each step per peer (the join, not every later candidate
 * or renegotiation).
 */
export function firstOnly(trace: JoinTrace): JoinTrace {
  if (trace === noTrace) return noTrace;
  const seen = new Set<string>();
  return (step, peer) => {
    const key = `${step}:${peer ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    trace(step, peer);
  };
}
