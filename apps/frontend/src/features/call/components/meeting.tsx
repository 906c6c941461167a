import { displayNameOf, emailDomainOf, type Room } from '@qual-meet/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../../../lib/api-context';
import { useSnapshot } from '../../../lib/use-snapshot';
import { useCurrentUser } from '../../auth/use-session';
import { roomKeys } from '../../rooms/api/room-keys';
import { activeMeeting } from '../active-meeting';
import { useCallEnvironment } from '../call-environment';
import { LocalMedia, outgoingMediaState, type LocalMediaSnapshot } from '../media/local-media';
import { ScreenShare } from '../media/screen-share';
import { useScreenAndSavedState } from '../use-call-state';
import type { MeshSession } from '../mesh/mesh-session';
import { CallOutcome } from './call-outcome';
import { CallView } from './call-view';
import { PreJoin } from './pre-join';

/**
 * One visit to a meeting: pre-join (preview, devices) → call → outcome. Our camera and
 * microphone are opened here once and released when the call is over or the page is left.
 */
export function Meeting({ room }: { room: Room }) {
  const user = useCurrentUser();
  const environment = useCallEnvironment();
  const [media] = useState(() => new LocalMedia(environment.mediaDevices));
  const [screen] = useState(() => new ScreenShare(environment.displayMedia));
  const mediaState = useSnapshot(media);
  const [session, setSession] = useState<MeshSession | null>(null);

  useEffect(() => {
    let current = true;
    const saved = activeMeeting.is(room.id) ? activeMeeting.savedState(room.id) : null;
    if (saved) {
      // Back from a reload: as muted and as camera-off as before, so others see no change.
      media.setMuted(saved.muted);
      media.setCameraOff(saved.cameraOff);
      if (saved.sharing) screen.reportReloadEnded();
    }
    void media.acquire().then(() => {
      // Back from a reload mid-call: straight into the meeting once the devices are open.
      if (current && activeMeeting.is(room.id)) join(media.getSnapshot().stream);
    });
    return () => {
      current = false;
      media.stop();
    };
    // Runs once per visit: `join` only reads the room and the environment, fixed for the visit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [media]);

  // Navigating away (or replacing the session) leaves the meeting and closes every connection.
  useEffect(() => () => session?.leave(), [session]);

  const selfName = displayNameOf(user.email);
  const isHost = room.hostId === user.id;

  function join(localStream = mediaState.stream) {
    const next = environment.createSession({
      roomId: room.id,
      localStream,
      selfDomain: emailDomainOf(user.email),
    });
    activeMeeting.set(room.id);
    setSession(next);
    void next.join();
  }

  function rejoin() {
    setSession(null);
    void media.acquire();
  }

  if (!session) {
    return (
      <PreJoin
        room={room}
        selfName={selfName}
        isHost={isHost}
        media={media}
        state={mediaState}
        canSelectSpeaker={environment.canSelectSpeaker}
        onJoin={() => join()}
      />
    );
  }
  return (
    <InCall
      room={room}
      session={session}
      media={media}
      mediaState={mediaState}
      screen={screen}
      selfName={selfName}
      isHost={isHost}
      onRejoin={rejoin}
    />
  );
}

interface InCallProps {
  room: Room;
  session: MeshSession;
  media: LocalMedia;
  mediaState: LocalMediaSnapshot;
  screen: ScreenShare;
  selfName: string;
  isHost: boolean;
  onRejoin(): void;
}

function InCall({ room, session, media, onRejoin, ...rest }: InCallProps) {
  const snapshot = useSnapshot(session);
  useScreenAndSavedState(room.id, session, rest.screen, rest.mediaState);
  const { stream } = rest.mediaState;
  const { muted, cameraOff } = outgoingMediaState(rest.mediaState);
  const api = useApi();
  const queryClient = useQueryClient();
  const { phase, failure } = snapshot;
  const over = phase === 'left' || phase === 'ended' || phase === 'failed';

  useEffect(() => {
    if (!over) return;
    activeMeeting.clear();
    media.stop();
    rest.screen.stop();
    if (failure === 'unauthorized') api.endSession();
    if (phase === 'ended')
      void queryClient.invalidateQueries({ queryKey: roomKeys.detail(room.id) });
  }, [over, phase, failure, media, rest.screen, api, queryClient, room.id]);

  // Another camera or microphone chosen mid-call: the peers get its tracks in place of the old.
  useEffect(() => {
    if (stream && !over) session.replaceLocalStream(stream);
  }, [session, stream, over]);

  useEffect(() => {
    if (!over) session.setLocalMediaState({ muted, cameraOff });
  }, [session, muted, cameraOff, over]);

  if (over) return <CallOutcome phase={phase} failure={failure} onRejoin={onRejoin} />;
  return <CallView room={room} session={session} snapshot={snapshot} media={media} {...rest} />;
}
