import type { PeerView } from '@qual-meet/protocol';
import { useCallback, useRef } from 'react';
import type { CallQuality, PeerQuality } from '../quality/call-quality';
import { tileWords } from '../quality/tile-words';
import { useViewReport } from '../quality/use-view-report';

interface TileQualityProps {
  userId: string;
  name: string;
  peer: PeerQuality | undefined;
  quality: Pick<CallQuality, 'setView'>;
}

/**
 * A remote tile's link health (route, round trip, loss, a "Poor connection" badge naming whose
 * connection limits) and the "Video paused to keep audio" notices, over the whole tile, whose
 * size it reports as what we show of this person's video.
 */
export function TileQuality({ userId, name, peer, quality }: TileQualityProps) {
  const ref = useRef<HTMLDivElement>(null);
  const report = useCallback(
    (view: PeerView | null) => quality.setView(userId, view),
    [quality, userId],
  );
  useViewReport(ref, report);
  const words = tileWords(name, peer);
  return (
    <div ref={ref} className="tile__quality">
      <div className="tile__link">
        {words.poor ? <span className="tile__badge tile__badge--poor">{words.poor}</span> : null}
        {words.summary ? <span className="tile__link-summary">{words.summary}</span> : null}
      </div>
      {/* Always there, so screen readers announce a notice as it appears. */}
      <div role="status" className="tile__notices">
        {words.notices.map((notice) => (
          <p key={notice} className="tile__notice">
            {notice}
          </p>
        ))}
      </div>
    </div>
  );
}
