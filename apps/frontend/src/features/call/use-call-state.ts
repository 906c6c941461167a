import { useEffect } from 'react';
import { useSnapshot } from '../../lib/use-snapshot';
import { activeMeeting } from './active-meeting';
import type { LocalMediaSnapshot } from './media/local-media';
import type { ScreenShare } from './media/screen-share';
import type { MeshSession } from './mesh/mesh-session';

/**
 * Keeps the session sending our shared screen (or nothing), and remembers mute, camera and
 * share for a reload of this tab (see `activeMeeting`).
 */
export function useScreenAndSavedState(
  roomId: string,
  session: MeshSession,
  screen: ScreenShare,
  media: LocalMediaSnapshot,
): void {
  const share = useSnapshot(screen);
  const stream = share.status === 'sharing' ? share.stream : null;
  useEffect(() => session.setScreenStream(stream), [session, stream]);

  const { muted, cameraOff } = media;
  const sharing = stream !== null;
  useEffect(() => {
    if (activeMeeting.is(roomId)) activeMeeting.saveState(roomId, { muted, cameraOff, sharing });
  }, [roomId, muted, cameraOff, sharing]);
}
