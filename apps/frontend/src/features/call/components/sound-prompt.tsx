import { Notice } from '../../../components/notice';
import { useSnapshot } from '../../../lib/use-snapshot';
import type { AutoplayGuard } from '../media/autoplay-guard';

/** Asks for the click the browser requires before it plays the others' sound. */
export function SoundPrompt({ guard }: { guard: AutoplayGuard }) {
  const blocked = useSnapshot(guard);
  if (!blocked) return null;
  return (
    <Notice tone="warning">
      <p>Your browser is holding back the others’ sound until you click.</p>
      <button type="button" className="button button--primary" onClick={() => guard.unmuteAll()}>
        Turn on sound
      </button>
    </Notice>
  );
}
