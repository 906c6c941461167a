import type { LocalMedia, LocalMediaSnapshot } from '../media/local-media';

/**
 * Mute/Unmute and Turn camera off/on. The name says what a press does; a device that is not
 * available leaves its button disabled (the problem notice says why).
 */
export function MediaToggles({ media, state }: { media: LocalMedia; state: LocalMediaSnapshot }) {
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={state.microphone !== 'ok'}
        onClick={() => media.setMuted(!state.muted)}
      >
        {state.muted ? 'Unmute' : 'Mute'}
      </button>
      <button
        type="button"
        className="button"
        disabled={state.camera !== 'ok'}
        onClick={() => media.setCameraOff(!state.cameraOff)}
      >
        {state.cameraOff ? 'Turn camera on' : 'Turn camera off'}
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
