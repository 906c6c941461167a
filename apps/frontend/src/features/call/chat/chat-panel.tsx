import { CHAT_MAX_CHARS } from '@qual-meet/protocol';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChatMessage } from '../mesh/room-features';

export const CHAT_NOT_KEPT =
  'Messages go only to the people in the meeting now: people who join later do not see earlier messages, and nothing is kept after the meeting.';
export const CHAT_NOT_SENT =
  'Not sent: the connection to the meeting is down. Your message is still here; send it again once you are reconnected.';

interface ChatPanelProps {
  id: string;
  /** Closed, it stays in the page (hidden), so a draft survives closing it. */
  open: boolean;
  messages: readonly ChatMessage[];
  selfUserId: string | null;
  /** Whether it went out. */
  onSend(text: string): boolean;
  onClose(): void;
}

const timeOf = (sentAt: number) =>
  new Date(sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * The meeting's chat: relayed by signaling to the people in the meeting now, kept only in this
 * tab. Text only — React renders it as text, so a link or markup stays what was typed.
 */
export function ChatPanel({ id, open, messages, selfUserId, onSend, onClose }: ChatPanelProps) {
  const titleId = useId();
  const [draft, setDraft] = useState('');
  const [notSent, setNotSent] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const field = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (open) field.current?.focus();
  }, [open]);

  // Opening shows the latest; new messages scroll into view unless the person scrolled up to
  // read older ones (their own always do).
  const count = messages.length;
  const lastFromSelf = messages.at(-1)?.senderUserId === selfUserId;
  useEffect(() => {
    if (open && log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [open]);
  useEffect(() => {
    const element = log.current;
    if (!element) return;
    const nearBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 120;
    if (nearBottom || lastFromSelf) element.scrollTop = element.scrollHeight;
  }, [count, lastFromSelf]);

  function send(event?: FormEvent) {
    event?.preventDefault();
    if (!draft.trim()) return;
    const sent = onSend(draft);
    setNotSent(!sent);
    if (sent) setDraft('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends, Shift+Enter starts a new line; an input method composing text keeps Enter.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  }

  return (
    <section id={id} className="chat" aria-labelledby={titleId} hidden={!open}>
      <div className="chat__header">
        <h2 id={titleId}>Chat</h2>
        <button type="button" className="button button--small" onClick={onClose}>
          Close chat
        </button>
      </div>
      <p className="chat__note muted">{CHAT_NOT_KEPT}</p>
      <div ref={log} role="log" aria-label="Chat messages" className="chat__log">
        {messages.length === 0 ? <p className="muted">No messages yet.</p> : null}
        <ol className="chat__messages">
          {messages.map((message) => (
            <li key={message.id} className="chat__message">
              <p className="chat__meta">
                <span className="chat__sender">
                  {message.senderUserId === selfUserId ? 'You' : message.displayName}
                </span>{' '}
                <time dateTime={new Date(message.sentAt).toISOString()}>
                  {timeOf(message.sentAt)}
                </time>
              </p>
              <p className="chat__text">{message.text}</p>
            </li>
          ))}
        </ol>
      </div>
      <form className="chat__form" onSubmit={send}>
        <textarea
          ref={field}
          aria-label="Message"
          className="chat__field"
          rows={2}
          maxLength={CHAT_MAX_CHARS}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button--primary" disabled={!draft.trim()}>
          Send
        </button>
      </form>
      {notSent ? (
        <p role="alert" className="field__error">
          {CHAT_NOT_SENT}
        </p>
      ) : null}
    </section>
  );
}
