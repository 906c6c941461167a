import { useSnapshot } from '../../../lib/use-snapshot';
import type { AutoplayGuard } from '../media/autoplay-guard';
import type { ScreenShare } from '../media/screen-share';
import type { ParticipantView } from '../mesh/mesh-session';
import { ScreenTile, SelfScreenTile } from './screen-tile';

interface ScreenTilesProps {
  participants: readonly ParticipantView[];
  screen: ScreenShare;
  guard: AutoplayGuard;
  speakerId: string | null;
}

/** Every shared screen, first in the grid: the others' featured, ours small. */
export function ScreenTiles({ participants, screen, guard, speakerId }: ScreenTilesProps) {
  const share = useSnapshot(screen);
  return (
    <>
      {participants.map((participant) =>
        participant.screen ? (
          <ScreenTile
            key={`screen-${participant.userId}`}
            name={participant.displayName}
            stream={participant.screen}
            guard={guard}
            speakerId={speakerId}
          />
        ) : null,
      )}
      {share.status === 'sharing' ? <SelfScreenTile stream={share.stream} /> : null}
    </>
  );
}
