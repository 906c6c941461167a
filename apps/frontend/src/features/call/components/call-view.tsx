import type { Room } from '@qual-meet/protocol';
import { useId, useState } from 'react';
import { Notice } from '../../../components/notice';
import { describeError } from '../../../lib/describe-error';
import { useSnapshot } from '../../../lib/use-snapshot';
import { useEndRoom } from '../../rooms/api/end-room';
import { CopyInviteButton } from '../../rooms/components/copy-invite-button';
import { useCallEnvironment } from '../call-environment';
import { ChatPanel } from '../chat/chat-panel';
import { ChatToggle, useChatPanel } from '../chat/chat-toggle';
import { CallLayout, type StageTile } from '../layout/call-layout';
import { AutoplayGuard } from '../media/autoplay-guard';
import { outgoingMediaState, type LocalMedia, type LocalMediaSnapshot } from '../media/local-media';
import type { ScreenShare } from '../media/screen-share';
import type { MeshSession, MeshSnapshot } from '../mesh/mesh-session';
import { ParticipantHostActions, LockButton } from '../moderation/host-controls';
import { HandButton, RaisedHands } from '../moderation/raised-hands';
import { useHostMute } from '../moderation/use-host-mute';
import { meetingShortcuts } from '../shortcuts/shortcuts';
import { ShortcutsDialog } from '../shortcuts/shortcuts-dialog';
import { useShortcuts } from '../shortcuts/use-shortcuts';
import { ConnectionBanner } from './connection-banner';
import { DevicePickers } from './device-pickers';
import { MediaProblems } from './media-problems';
import { MediaToggles, noVideoNote } from './media-toggles';
import { RemoteTile, SelfTile } from './participant-tile';
import { ScreenShareButton, ScreenShareNotice } from './screen-share-controls';
import { ScreenTile, SelfScreenTile } from './screen-tile';
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

/** The meeting itself: a tile per person, chat, hands, and the controls. */
export function CallView(props: CallViewProps) {
  const { room, session, snapshot, media, mediaState, selfName } = props;
  const [guard] = useState(() => new AutoplayGuard());
  const { canSelectSpeaker } = useCallEnvironment();
  const endRoom = useEndRoom();
  const features = useSnapshot(session.features);
  const share = useSnapshot(props.screen);
  const chatPanelId = useId();
  const chat = useChatPanel(features.chat, snapshot.selfUserId);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const { selfUserId, participants } = snapshot;
  // Signaling names the host once we are in; the meeting record until then.
  const isHost = features.hostId !== null ? features.hostId === selfUserId : props.isHost;
  const raised = new Set(features.hands.map((hand) => hand.userId));
  const selfHandRaised = selfUserId !== null && raised.has(selfUserId);
  const outgoing = outgoingMediaState(mediaState);
  const mutedByHost = useHostMute(features.muteRequest, media, mediaState.muted);
  const alone = snapshot.phase === 'joined' && participants.length === 0;

  const shortcuts = meetingShortcuts({
    toggleMicrophone:
      mediaState.microphone === 'ok' ? () => media.setMuted(!mediaState.muted) : undefined,
    toggleCamera:
      mediaState.camera === 'ok' ? () => media.setCameraOff(!mediaState.cameraOff) : undefined,
    toggleShare: props.screen.supported
      ? () => (share.status === 'sharing' ? props.screen.stop() : void props.screen.start())
      : undefined,
    toggleChat: chat.toggle,
    toggleHand: () => session.features.setHand(!selfHandRaised),
    showShortcuts: () => setShortcutsOpen((open) => !open),
  });
  useShortcuts(shortcuts);

  function nameOf(userId: string): string {
    if (userId === selfUserId) return selfName;
    return participants.find((p) => p.userId === userId)?.displayName ?? 'Someone';
  }

  function endForAll() {
    endRoom.mutate(room.id, { onSuccess: () => session.leave('ended') });
  }

  // Shared screens come first and are featured: large unless someone pinned another tile.
  const screenTiles: StageTile[] = participants.flatMap((participant) =>
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
                speakerId={mediaState.speakerId}
              />
            ),
          },
        ]
      : [],
  );
  if (share.status === 'sharing') {
    screenTiles.push({
      key: 'screen-self',
      name: 'your screen',
      content: <SelfScreenTile stream={share.stream} />,
    });
  }

  const tiles: StageTile[] = [
    ...screenTiles,
    {
      key: 'self',
      name: selfName,
      content: (
        <SelfTile
          name={selfName}
          stream={mediaState.stream}
          noVideoNote={noVideoNote(mediaState)}
          muted={outgoing.muted}
          handRaised={selfHandRaised}
        />
      ),
    },
    ...participants.map((participant) => ({
      key: participant.userId,
      name: participant.displayName,
      content: (
        <RemoteTile
          participant={participant}
          guard={guard}
          speakerId={mediaState.speakerId}
          handRaised={raised.has(participant.userId)}
        />
      ),
      actions: isHost ? (
        <ParticipantHostActions
          name={participant.displayName}
          onMute={() => session.features.mute(participant.userId)}
          onRemove={() => session.features.remove(participant.userId)}
        />
      ) : undefined,
    })),
  ];

  return (
    <section className="call" aria-labelledby="call-title">
      <h1 id="call-title" className="visually-hidden">
        Meeting
      </h1>
      <ConnectionBanner phase={snapshot.phase} />
      <SoundPrompt guard={guard} />
      <MediaProblems media={mediaState} />
      <ScreenShareNotice screen={props.screen} />
      {mutedByHost ? (
        <Notice tone="warning">
          The host muted your microphone. Only you can unmute it: press Unmute when you want to
          speak.
        </Notice>
      ) : null}
      {features.locked ? (
        <p role="status" className="call__locked">
          {isHost
            ? 'You locked this meeting: nobody new can join until you unlock it.'
            : 'The host locked this meeting: nobody new can join.'}
        </p>
      ) : null}
      {features.refusedNotHost ? (
        <Notice tone="error">Only the host of this meeting can do that.</Notice>
      ) : null}
      <div className="call__body" data-chat={chat.open ? 'open' : 'closed'}>
        <div className="call__stage">
          <RaisedHands
            hands={features.hands}
            selfUserId={selfUserId}
            nameOf={nameOf}
            onLower={isHost ? (userId) => session.features.lowerHand(userId) : undefined}
          />
          <CallLayout tiles={tiles} />
          {alone ? (
            <p className="muted call__waiting">
              Nobody else is here yet. Copy the invite link and send it to the people you are
              meeting.
            </p>
          ) : null}
        </div>
        <ChatPanel
          id={chatPanelId}
          open={chat.open}
          messages={features.chat}
          selfUserId={selfUserId}
          onSend={(text) => session.features.sendChat(text)}
          onClose={() => chat.setOpen(false)}
        />
      </div>
      {endRoom.isError ? (
        <Notice tone="error">Could not end the meeting. {describeError(endRoom.error)}</Notice>
      ) : null}
      <section className="call__controls" aria-label="Call controls">
        <MediaToggles media={media} state={mediaState} />
        <ScreenShareButton screen={props.screen} />
        <HandButton raised={selfHandRaised} onChange={(up) => session.features.setHand(up)} />
        <ChatToggle
          panelId={chatPanelId}
          open={chat.open}
          unread={chat.unread}
          onToggle={chat.toggle}
        />
        <details className="call__devices">
          <summary className="button">Devices</summary>
          <DevicePickers media={media} state={mediaState} canSelectSpeaker={canSelectSpeaker} />
        </details>
        <CopyInviteButton roomId={room.id} />
        {isHost ? (
          <LockButton locked={features.locked} onChange={(lock) => session.features.lock(lock)} />
        ) : null}
        <button
          type="button"
          className="button call__shortcuts-button"
          aria-label="Keyboard shortcuts"
          aria-keyshortcuts="?"
          title="Keyboard shortcuts (?)"
          onClick={() => setShortcutsOpen(true)}
        >
          ?
        </button>
        {isHost ? (
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
      {shortcutsOpen ? (
        <ShortcutsDialog shortcuts={shortcuts} onClose={() => setShortcutsOpen(false)} />
      ) : null}
    </section>
  );
}
