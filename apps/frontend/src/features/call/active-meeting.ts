/**
 * Remembers, for this tab only, the meeting the person is in, so a reload (or a crash of the
 * page) brings them straight back into it instead of the pre-join step. Cleared when the call is
 * over for any reason, so leaving and then reloading shows the pre-join step again.
 */
const KEY = 'qm.activeMeeting';
const STATE_KEY = 'qm.activeMeeting.state';

/** What the person had switched when the page went away, restored after a reload. */
export interface SavedCallState {
  muted: boolean;
  cameraOff: boolean;
  /** A share cannot restart without a click: after a reload the person is told it ended. */
  sharing: boolean;
}

function readState(roomId: string): SavedCallState | null {
  try {
    const value: unknown = JSON.parse(storage()?.getItem(STATE_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { room, muted, cameraOff, sharing } = value as Record<string, unknown>;
    return room === roomId &&
      typeof muted === 'boolean' &&
      typeof cameraOff === 'boolean' &&
      typeof sharing === 'boolean'
      ? { muted, cameraOff, sharing }
      : null;
  } catch {
    return null;
  }
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export const activeMeeting = {
  is: (roomId: string) => storage()?.getItem(KEY) === roomId,
  set: (roomId: string) => storage()?.setItem(KEY, roomId),
  clear: () => {
    storage()?.removeItem(KEY);
    storage()?.removeItem(STATE_KEY);
  },
  /** Mute, camera and share state of the meeting in progress (DECISIONS: state after a reload). */
  saveState: (roomId: string, state: SavedCallState) =>
    storage()?.setItem(STATE_KEY, JSON.stringify({ room: roomId, ...state })),
  savedState: readState,
};
