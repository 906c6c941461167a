import {
  chatEventSchema,
  handChangedEventSchema,
  lockChangedEventSchema,
  MeetingEventType,
  participantRemovedEventSchema,
  type BusEnvelope,
  type ChatEvent,
  type ChatMessage,
} from '@qual-meet/protocol';

/**
 * The meeting-feature events on `room_events:{roomId}` (protocol `*EventSchema`): hands, lock and
 * removals as the Lua scripts publish them, chat as the sender's node does.
 */
export type MeetingEvent =
  | { kind: 'hand_changed'; userId: string; raised: boolean; raisedAt: number | undefined }
  | { kind: 'lock_changed'; locked: boolean }
  | { kind: 'participant_removed'; userId: string }
  /** `frame`: the chat frame as JSON, checked; `node` already delivered it to its members. */
  | { kind: 'chat'; node: string; frame: string };

/** Decodes a meeting event; `undefined` when the envelope is none (or not a valid one). */
export function decodeMeetingEvent(envelope: BusEnvelope): MeetingEvent | undefined {
  switch (envelope.type) {
    case MeetingEventType.handChanged: {
      const event = handChangedEventSchema.safeParse(envelope);
      if (!event.success) return undefined;
      const { userId, raised, raisedAt } = event.data.data;
      return { kind: 'hand_changed', userId, raised, raisedAt: raised ? raisedAt : undefined };
    }
    case MeetingEventType.lockChanged: {
      const event = lockChangedEventSchema.safeParse(envelope);
      return event.success ? { kind: 'lock_changed', locked: event.data.data.locked } : undefined;
    }
    case MeetingEventType.participantRemoved: {
      const event = participantRemovedEventSchema.safeParse(envelope);
      return event.success ? { kind: 'participant_removed', userId: event.data.to } : undefined;
    }
    case MeetingEventType.chat: {
      const event = chatEventSchema.safeParse(envelope);
      if (!event.success) return undefined;
      // Re-rendered from the checked object: only the frame's own fields reach a client.
      return {
        kind: 'chat',
        node: event.data.data.node,
        frame: JSON.stringify(event.data.data.frame),
      };
    }
    default:
      return undefined;
  }
}

/** The envelope of a chat message for the other nodes of the room. */
export function encodeChatEvent(node: string, frame: ChatMessage): string {
  const envelope: ChatEvent = {
    type: MeetingEventType.chat,
    from: frame.senderUserId,
    data: { node, frame },
  };
  return JSON.stringify(envelope);
}
