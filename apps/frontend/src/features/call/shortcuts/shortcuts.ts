/** A key that does what a control bar button does. */
export interface Shortcut {
  /** `event.key`, lower-cased (`?` for the list itself). */
  key: string;
  /** What it does, as the list of shortcuts says it. */
  label: string;
  run(): void;
}

/** What the meeting's shortcuts can reach; an action that does not exist gets no key. */
export interface ShortcutActions {
  toggleMicrophone?: () => void;
  toggleCamera?: () => void;
  toggleShare?: () => void;
  toggleChat: () => void;
  toggleHand: () => void;
  showShortcuts: () => void;
}

/** The meeting's keys, for the actions that exist. */
export function meetingShortcuts(actions: ShortcutActions): Shortcut[] {
  const entries: [string, string, (() => void) | undefined][] = [
    ['m', 'Mute or unmute your microphone', actions.toggleMicrophone],
    ['v', 'Turn your camera off or on', actions.toggleCamera],
    ['s', 'Share your screen or stop sharing', actions.toggleShare],
    ['c', 'Open or close the chat', actions.toggleChat],
    ['h', 'Raise or lower your hand', actions.toggleHand],
    ['?', 'Show these shortcuts', actions.showShortcuts],
  ];
  return entries.flatMap(([key, label, run]) => (run ? [{ key, label, run }] : []));
}

/** Where a key press is typing, so it must never trigger a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The shortcut a key press asks for, if any: no modifier keys, not while typing. */
export function shortcutFor(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target' | 'repeat'>,
  shortcuts: readonly Shortcut[],
): Shortcut | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return undefined;
  if (isTypingTarget(event.target)) return undefined;
  const key = event.key.toLowerCase();
  return shortcuts.find((shortcut) => shortcut.key === key);
}
