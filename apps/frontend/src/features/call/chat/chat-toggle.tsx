import { useId, useState } from 'react';
import type { ChatMessage } from '../mesh/room-features';

/**
 * Whether the chat is open, and how many messages from others arrived while it was closed:
 * everything up to the last message counts as read when the panel opens or closes.
 */
export function useChatPanel(messages: readonly ChatMessage[], selfUserId: string | null) {
  const [open, setOpen] = useState(false);
  const [readUpTo, setReadUpTo] = useState(0);
  const lastId = messages.at(-1)?.id ?? 0;
  const unread = open
    ? 0
    : messages.filter((m) => m.id > readUpTo && m.senderUserId !== selfUserId).length;
  function setOpenAndRead(next: boolean) {
    setReadUpTo(lastId);
    setOpen(next);
  }
  return { open, unread, setOpen: setOpenAndRead, toggle: () => setOpenAndRead(!open) };
}

interface ChatToggleProps {
  panelId: string;
  open: boolean;
  unread: number;
  onToggle(): void;
}

/** The **Chat** button; its unread count is a badge (and its description, for screen readers). */
export function ChatToggle({ panelId, open, unread, onToggle }: ChatToggleProps) {
  const descriptionId = useId();
  return (
    <>
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-describedby={unread > 0 ? descriptionId : undefined}
        aria-keyshortcuts="C"
        onClick={onToggle}
      >
        Chat
        {unread > 0 ? (
          <span className="badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {unread > 0 ? (
        <span id={descriptionId} className="visually-hidden">
          {unread === 1 ? '1 unread message' : `${unread} unread messages`}
        </span>
      ) : null}
    </>
  );
}
