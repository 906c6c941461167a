import { VERDICT_TEXT, type ServerProbe } from './verdict';
import type { ConnectionCheckState } from './use-connection-check';

const SCHEME_NAME: Record<ServerProbe['scheme'], string> = {
  stun: 'Address lookup (STUN)',
  turn: 'Relay (TURN)',
  turns: 'Relay over TLS (TURN)',
};

const OUTCOME_TEXT: Record<ServerProbe['outcome'], string> = {
  reached: 'reached',
  refused: 'refused our credentials',
  unreachable: 'not reachable',
};

function describeProbe(probe: ServerProbe): string {
  return `${SCHEME_NAME[probe.scheme]}, ${probe.transport.toUpperCase()} port ${probe.port}: ${OUTCOME_TEXT[probe.outcome]}`;
}

/** What this network lets through for calls, shown beside the camera preview. */
export function ConnectionCheck(props: { check: ConnectionCheckState }) {
  const { check } = props;
  return (
    <section className="connection-check" aria-labelledby="connection-check-title">
      <h2 id="connection-check-title" className="connection-check__title">
        Connection check
      </h2>
      <p role="status" className="connection-check__verdict">
        {check.phase === 'checking'
          ? 'Checking your network…'
          : check.phase === 'done'
            ? VERDICT_TEXT[check.verdict]
            : 'The connection check is not available here'}
      </p>
      {check.phase === 'done' && check.probes.length > 0 ? (
        <ul className="connection-check__probes">
          {check.probes.map((probe) => (
            <li key={probe.url}>{describeProbe(probe)}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
