import { canRetry, type LocalMedia, type LocalMediaSnapshot } from '../media/local-media';

/**
 * Mute/Unmute and Turn camera off/on. The name says what a press does. A device that did not
 * work (missing, blocked, busy) shows as off, and turning it on asks for it again; where the
 * page cannot use devices at all the buttons stay disabled (the problem notice says why).
 */
export function MediaToggles({ media, state }: { media: LocalMedia; state: LocalMediaSnapshot }) {
  const microphoneOn = state.microphone === 'ok' && !state.muted;
  const cameraOn = state.camera === 'ok' && !state.cameraOff;
  const usable = (status: LocalMediaSnapshot['camera']) =>
    !state.acquiring && (status === 'ok' || canRetry(status));
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={!usable(state.microphone)}
        onClick={() => (microphoneOn ? media.setMuted(true) : void media.turnOn('audio'))}
      >
        {microphoneOn ? 'Mute' : 'Unmute'}
      </button>
      <button
        type="button"
        className="button"
        disabled={!usable(state.camera)}
        onClick={() => (cameraOn ? media.setCameraOff(true) : void media.turnOn('video'))}
      >
        {cameraOn ? 'Turn camera off' : 'Turn camera on'}
      </button>
    </>
  );
}

/** Why our own tile shows no picture, or null when it does. */
export function noVideoNote(state: LocalMediaSnapshot): string | null {
  if (state.acquiring) return 'Starting camera…';
  if (state.camera !== 'ok') return 'No camera';
  return state.cameraOff ? 'Camera off' : null;
}
