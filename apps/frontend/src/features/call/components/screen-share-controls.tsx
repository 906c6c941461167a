import { Notice } from '../../../components/notice';
import { useSnapshot } from '../../../lib/use-snapshot';
import type { ScreenShare, ScreenShareNotice } from '../media/screen-share';

/**
 * **Share screen** / **Stop sharing**. Hidden where the browser cannot share a screen (most
 * phones); the camera keeps going beside the share.
 */
export function ScreenShareButton({ screen }: { screen: ScreenShare }) {
  const state = useSnapshot(screen);
  if (!screen.supported) return null;
  const sharing = state.status === 'sharing';
  return (
    <button
      type="button"
      className="button"
      disabled={state.status === 'starting'}
      onClick={() => (sharing ? screen.stop() : void screen.start())}
    >
      {sharing ? 'Stop sharing' : 'Share screen'}
    </button>
  );
}

const noticeText: Record<ScreenShareNotice, string> = {
  not_started:
    'Screen sharing did not start: it was cancelled, or this browser does not let the page share your screen (check its screen-sharing permission).',
  failed:
    'Your screen could not be shared. Press Share screen to try again, or pick another window or tab.',
  reload_ended:
    'Your screen share ended when the page reloaded, and the others no longer see it. Press Share screen to share again.',
};

/** Why the share is not running, when the person should know. */
export function ScreenShareNotice({ screen }: { screen: ScreenShare }) {
  const state = useSnapshot(screen);
  if (state.status !== 'off' || !state.notice) return null;
  return (
    <Notice tone="warning">
      <p>{noticeText[state.notice]}</p>
      <button type="button" className="button" onClick={() => screen.dismissNotice()}>
        Dismiss
      </button>
    </Notice>
  );
}
