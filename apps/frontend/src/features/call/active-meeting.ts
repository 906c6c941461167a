/**
 * Remembers, for this tab only, the meeting the person is in, so a reload (or a crash of the
 * page) brings them straight back into it instead of the pre-join step. Cleared when the call is
 * over for any reason, so leaving and then reloading shows the pre-join step again.
 */
const KEY = 'qm.activeMeeting';

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
  clear: () => storage()?.removeItem(KEY),
};
