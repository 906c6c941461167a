import { useSnapshot } from '../../../lib/use-snapshot';
import type { StageTile } from '../layout/call-layout';
import type { AutoplayGuard } from '../media/autoplay-guard';
import type { ScreenShare } from '../media/screen-share';
import type { ParticipantView } from '../mesh/mesh-session';
import { ScreenTile, SelfScreenTile } from './screen-tile';

interface ScreenTilesOptions {
  participants: readonly ParticipantView[];
  screen: ScreenShare;
  guard: AutoplayGuard;
  speakerId: string | null;
}

/** Every shared screen as a stage tile, first: the others' featured (large), ours small. */
export function useScreenTiles({
  participants,
  screen,
  guard,
  speakerId,
}: ScreenTilesOptions): StageTile[] {
  const share = useSnapshot(screen);
  const tiles: StageTile[] = participants.flatMap((participant) =>
    participant.screen
      ? [
          {
            key: `screen-${participant.userId}`,
            name: `${participant.displayName}'s screen`,
            featured: true,
            content: (
              <ScreenTile
                name={participant.displayName}
                stream={participant.screen}
                guard={guard}
                speakerId={speakerId}
              />
            ),
          },
        ]
      : [],
  );
  if (share.status === 'sharing') {
    tiles.push({
      key: 'screen-self',
      name: 'your screen',
      content: <SelfScreenTile stream={share.stream} />,
    });
  }
  return tiles;
}
