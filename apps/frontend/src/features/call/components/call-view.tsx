import type { Room } from '@qual-meet/protocol';
import { useState } from 'react';
import { Notice } from '../../../components/notice';
import { describeError } from '../../../lib/describe-error';
import { useEndRoom } from '../../rooms/api/end-room';
import { CopyInviteButton } from '../../rooms/components/copy-invite-button';
import { useCallEnvironment } from '../call-environment';
import { AutoplayGuard } from '../media/autoplay-guard';
import { outgoingMediaState, type LocalMedia, type LocalMediaSnapshot } from '../media/local-media';
import type { ScreenShare } from '../media/screen-share';
import type { MeshSession, MeshSnapshot } from '../mesh/mesh-session';
import { ConnectionBanner } from './connection-banner';
import { DevicePickers } from './device-pickers';
import { MediaProblems } from './media-problems';
import { MediaToggles, noVideoNote } from './media-toggles';
import { RemoteTile, SelfTile } from './participant-tile';
import { ScreenShareButton, ScreenShareNotice } from './screen-share-controls';
import { ScreenTiles } from './screen-tiles';
import { SoundPrompt } from './sound-prompt';

interface CallViewProps {
  room: Room;
  session: MeshSession;
  snapshot: MeshSnapshot;
  media: LocalMedia;
  mediaState: LocalMediaSnapshot;
  screen: ScreenShare;
  selfName: string;
  isHost: boolean;
}

/** The meeting itself: a tile per person and the controls. */
export function CallView(props: CallViewProps) {
  const { room, session, snapshot, media, mediaState } = props;
  const [guard] = useState(() => new AutoplayGuard());
  const { canSelectSpeaker } = useCallEnvironment();
  const endRoom = useEndRoom();
  const alone = snapshot.phase === 'joined' && snapshot.participants.length === 0;

  function endForAll() {
    endRoom.mutate(room.id, { onSuccess: () => session.leave('ended') });
  }

  return (
    <section className="call" aria-labelledby="call-title">
      <h1 id="call-title" className="visually-hidden">
        Meeting
      </h1>
      <ConnectionBanner phase={snapshot.phase} />
      <SoundPrompt guard={guard} />
      <MediaProblems media={mediaState} />
      <ScreenShareNotice screen={props.screen} />
      <div className="grid" data-count={snapshot.participants.length + 1}>
        <ScreenTiles
          participants={snapshot.participants}
          screen={props.screen}
          guard={guard}
          speakerId={mediaState.speakerId}
        />
        <SelfTile
          name={props.selfName}
          stream={mediaState.stream}
          noVideoNote={noVideoNote(mediaState)}
          muted={outgoingMediaState(mediaState).muted}
        />
        {snapshot.participants.map((participant) => (
          <RemoteTile
            key={participant.userId}
            participant={participant}
            guard={guard}
            speakerId={mediaState.speakerId}
          />
        ))}
      </div>
      {alone ? (
        <p className="muted call__waiting">
          Nobody else is here yet. Copy the invite link and send it to the people you are meeting.
        </p>
      ) : null}
      {endRoom.isError ? (
        <Notice tone="error">Could not end the meeting. {describeError(endRoom.error)}</Notice>
      ) : null}
      <section className="call__controls" aria-label="Call controls">
        <MediaToggles media={media} state={mediaState} />
        <ScreenShareButton screen={props.screen} />
        <details className="call__devices">
          <summary className="button">Devices</summary>
          <DevicePickers media={media} state={mediaState} canSelectSpeaker={canSelectSpeaker} />
        </details>
        <CopyInviteButton roomId={room.id} />
        {props.isHost ? (
          <button
            type="button"
            className="button button--danger"
            disabled={endRoom.isPending}
            onClick={endForAll}
          >
            End meeting for all
          </button>
        ) : null}
        <button type="button" className="button button--danger" onClick={() => session.leave()}>
          Leave
        </button>
      </section>
    </section>
  );
}
