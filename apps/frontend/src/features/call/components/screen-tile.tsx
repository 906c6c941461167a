import { memo } from 'react';
import type { AutoplayGuard } from '../media/autoplay-guard';
import { LocalVideo, RemoteVideo } from './media-video';

interface ScreenTileProps {
  /** Whose screen, as their tile names them. */
  name: string;
  stream: MediaStream;
  guard: AutoplayGuard;
  speakerId: string | null;
  /** Large (a full row of the grid); shared screens are, unless the layout decides otherwise. */
  featured?: boolean;
}

/** A participant's shared screen, in a tile of its own beside their camera, with its sound. */
export const ScreenTile = memo(function ScreenTile({
  name,
  stream,
  guard,
  speakerId,
  featured = true,
}: ScreenTileProps) {
  const label = `${name}'s screen`;
  return (
    <div
      role="group"
      aria-label={label}
      className={featured ? 'tile tile--screen tile--featured' : 'tile tile--screen'}
      data-featured={featured}
    >
      <RemoteVideo
        stream={stream}
        label={`Screen of ${name}`}
        guard={guard}
        speakerId={speakerId}
      />
      <div className="tile__caption">
        <span className="tile__name">{label}</span>
      </div>
    </div>
  );
});

/** What we share, small: the others see it large. */
export function SelfScreenTile({ stream }: { stream: MediaStream }) {
  return (
    <div role="group" aria-label="Your screen" className="tile tile--screen">
      <LocalVideo stream={stream} label="Your shared screen" mirrored={false} />
      <div className="tile__caption">
        <span className="tile__name">You are sharing your screen</span>
      </div>
    </div>
  );
}
