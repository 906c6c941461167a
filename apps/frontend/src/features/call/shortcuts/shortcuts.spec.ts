/** @jest-environment jsdom */
import { meetingShortcuts, shortcutFor } from './shortcuts';

const noop = () => {};
const base = { toggleChat: noop, toggleHand: noop, showShortcuts: noop };
const press = (key: string, target: EventTarget | null = document.body, extra = {}) => ({
  key,
  target,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  repeat: false,
  ...extra,
});

describe('meeting shortcuts', () => {
  it('binds S only when there is a share action, and M/V only with a working device', () => {
    expect(meetingShortcuts(base).map((s) => s.key)).toEqual(['c', 'h', '?']);
    const all = meetingShortcuts({
      ...base,
      toggleMicrophone: noop,
      toggleCamera: noop,
      toggleShare: noop,
    });
    expect(all.map((s) => s.key)).toEqual(['m', 'v', 's', 'c', 'h', '?']);
  });

  it('matches either case, never in text fields, editable content, or with modifiers', () => {
    const shortcuts = meetingShortcuts({ ...base, toggleMicrophone: noop });
    expect(shortcutFor(press('M'), shortcuts)?.key).toBe('m');
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    for (const tag of ['input', 'textarea', 'select']) {
      expect(shortcutFor(press('m', document.createElement(tag)), shortcuts)).toBeUndefined();
    }
    expect(shortcutFor(press('m', editable), shortcuts)).toBeUndefined();
    expect(shortcutFor(press('m', document.body, { metaKey: true }), shortcuts)).toBeUndefined();
    expect(shortcutFor(press('m', document.body, { repeat: true }), shortcuts)).toBeUndefined();
    expect(shortcutFor(press('x'), shortcuts)).toBeUndefined();
  });
});
