import { Notice } from '../../../components/notice';
import type { LocalMediaSnapshot } from '../media/local-media';
import { describeMediaProblems } from '../media/media-messages';

/** Explains every camera/microphone problem, and that joining still works. */
export function MediaProblems({ media }: { media: LocalMediaSnapshot }) {
  if (media.acquiring) return null;
  const problems = describeMediaProblems(media.camera, media.microphone);
  if (problems.length === 0) return null;
  return (
    <Notice tone="warning">
      {problems.map((problem) => (
        <p key={problem.device}>{problem.text}</p>
      ))}
    </Notice>
  );
}
