import { useEffect, useId, useRef } from 'react';
import type { Shortcut } from './shortcuts';

const keyName = (key: string) => (key === '?' ? '?' : key.toUpperCase());

/** The list of keyboard shortcuts; Escape or Close shuts it. */
export function ShortcutsDialog({
  shortcuts,
  onClose,
}: {
  shortcuts: readonly Shortcut[];
  onClose(): void;
}) {
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement;
    close.current?.focus();
    return () => {
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);
  return (
    <div
      role="dialog"
      aria-labelledby={titleId}
      className="shortcuts"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <h2 id={titleId}>Keyboard shortcuts</h2>
      <dl className="shortcuts__list">
        {shortcuts.map((shortcut) => (
          <div key={shortcut.key} className="shortcuts__item">
            <dt>
              <kbd>{keyName(shortcut.key)}</kbd>
            </dt>
            <dd>{shortcut.label}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">They do nothing while you type in a text box.</p>
      <button ref={close} type="button" className="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
