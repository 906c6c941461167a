import { memo, useId } from 'react';
import type { AutoplayGuard } from '../media/autoplay-guard';
import type { ParticipantView } from '../mesh/mesh-session';
import type { PeerStatus } from '../mesh/peer-link';
import { LocalVideo, RemoteVideo } from './media-video';

export const statusText: Record<PeerStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  unreachable: 'Unreachable',
};

/** What to do about a peer we cannot reach. */
export function unreachableText(name: string): string {
  return `Cannot connect to ${name}: the connection failed even after retrying. A firewall on either side may be blocking calls. Ask ${name} to leave and rejoin, or try another network.`;
}

/** The raised-hand mark in a tile's caption. */
function HandMark({ raised }: { raised: boolean | undefined }) {
  return raised ? <span className="tile__status tile__status--hand">✋ Hand raised</span> : null;
}

function Avatar({ name, note }: { name: string; note: string }) {
  return (
    <div className="tile__avatar" aria-hidden="true">
      <span className="tile__initial">{name.slice(0, 1).toUpperCase()}</span>
      <span className="tile__note">{note}</span>
    </div>
  );
}

interface SelfTileProps {
  name: string;
  stream: MediaStream | null;
  /** Why there is no picture, if there is none. */
  noVideoNote: string | null;
  muted: boolean;
  handRaised?: boolean;
}

/** Our own tile: mirrored, never played back to us. */
export function SelfTile({ name, stream, noVideoNote, muted, handRaised }: SelfTileProps) {
  const statusId = useId();
  return (
    <div
      role="group"
      aria-label={`You (${name})`}
      aria-describedby={statusId}
      className="tile tile--self"
    >
      <LocalVideo stream={stream} label="Your video" />
      {noVideoNote ? <Avatar name={name} note={noVideoNote} /> : null}
      <div className="tile__caption">
        <span className="tile__name">You ({name})</span>
        <span id={statusId} className="tile__status">
          {muted ? 'Muted' : 'Microphone on'}
        </span>
        <HandMark raised={handRaised} />
      </div>
    </div>
  );
}

interface RemoteTileProps {
  participant: ParticipantView;
  guard: AutoplayGuard;
  speakerId: string | null;
  handRaised?: boolean;
}

/**
 * A remote participant: name, video (with sound), connection state, and whether they muted or
 * turned their camera off (as they told us over the connection).
 */
export const RemoteTile = memo(function RemoteTile({
  participant,
  guard,
  speakerId,
  handRaised,
}: RemoteTileProps) {
  const { displayName, status, stream, muted, cameraOff } = participant;
  const statusId = useId();
  const mutedId = useId();
  return (
    <div
      role="group"
      aria-label={displayName}
      aria-describedby={muted ? `${statusId} ${mutedId}` : statusId}
      className="tile"
      data-status={status}
    >
      <RemoteVideo
        stream={stream}
        label={`Video of ${displayName}`}
        guard={guard}
        speakerId={speakerId}
      />
      {stream && !cameraOff ? null : (
        <Avatar name={displayName} note={stream ? 'Camera off' : 'Waiting for video…'} />
      )}
      <div className="tile__caption">
        <span className="tile__name">{displayName}</span>
        {muted ? (
          <span id={mutedId} className="tile__status tile__status--muted">
            Muted
          </span>
        ) : null}
        <span id={statusId} className={`tile__status tile__status--${status}`}>
          {statusText[status]}
        </span>
        <HandMark raised={handRaised} />
      </div>
      {status === 'unreachable' ? (
        <p role="alert" className="tile__alert">
          {unreachableText(displayName)}
        </p>
      ) : null}
    </div>
  );
});
