import { z } from 'zod';
import {
  busEnvelopeSchema,
  Limits,
  roomEndedEventSchema,
  userIdSchema,
  type BusEnvelope,
} from '@qual-meet/protocol';

/**
 * What signaling nodes say to each other on `room_events:{roomId}`, inside the protocol's bus
 * envelope `{type, from, to?, data}`. Membership events are published by the Lua scripts
 * (atomically with the change they announce); relays by the node that received the frame.
 */
const memberJoinedData = z.object({
  userId: userIdSchema,
  displayName: z.string(),
  connection: z.string().min(3),
});
const memberLeftData = z.object({ userId: userIdSchema, connection: z.string().min(3) });
/**
 * A relay carries the frame exactly as the target will receive it, rendered once by the node
 * that took it in (from a frame it validated), so the node holding the target sends it as is.
 * `sentAt` is when the first node took the frame in, for the relay latency metric.
 */
const relayData = z.object({
  frame: z.string().max(Limits.signalingFrameBytes * 2),
  sentAt: z.number(),
});

export type RelayType = 'offer' | 'answer' | 'ice_candidate';

/** A change of a room's membership, as announced on the bus. */
export type MemberEvent =
  | { kind: 'member_joined'; userId: string; displayName: string; connection: string }
  | { kind: 'member_left'; userId: string; connection: string };

/** A bus message, decoded and checked. */
export type BusEvent =
  | MemberEvent
  | { kind: 'relay'; type: RelayType; from: string; to: string; frame: string; sentAt: number }
  | { kind: 'room_ended'; roomId: string };

/** Decodes one bus message; `undefined` when it is not JSON or not an event this node knows. */
export function parseBusEvent(raw: string): BusEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const envelope = busEnvelopeSchema.safeParse(json);
  if (!envelope.success) return undefined;
  return decode(envelope.data);
}

function decode(envelope: BusEnvelope): BusEvent | undefined {
  switch (envelope.type) {
    case 'user_joined': {
      const data = memberJoinedData.safeParse(envelope.data);
      return data.success ? { kind: 'member_joined', ...data.data } : undefined;
    }
    case 'user_left': {
      const data = memberLeftData.safeParse(envelope.data);
      return data.success ? { kind: 'member_left', ...data.data } : undefined;
    }
    case 'offer':
    case 'answer':
    case 'ice_candidate': {
      const data = relayData.safeParse(envelope.data);
      if (!data.success || !envelope.to) return undefined;
      const { frame, sentAt } = data.data;
      return {
        kind: 'relay',
        type: envelope.type,
        from: envelope.from,
        to: envelope.to,
        frame,
        sentAt,
      };
    }
    case 'room_ended': {
      const event = roomEndedEventSchema.safeParse(envelope);
      return event.success ? { kind: 'room_ended', roomId: event.data.data.roomId } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A relay envelope for one peer: published once, delivered only by the node that holds `to`.
 * Its keys come in a fixed order, so that {@link relayTargetOf} can read `to` without parsing.
 */
export function encodeRelay(
  type: RelayType,
  from: string,
  to: string,
  frame: string,
  sentAtMs: number,
): string {
  const envelope: BusEnvelope = { type, from, to, data: { sentAt: sentAtMs, frame } };
  return JSON.stringify(envelope);
}

const RELAY_HEAD =
  /^\{"type":"(?:offer|answer|ice_candidate)","from":"[0-9a-fA-F-]{36}","to":"([0-9a-fA-F-]{36})"/;

/**
 * The target of a relay envelope as {@link encodeRelay} lays it out, read from the first bytes:
 * every node subscribed to a room receives every relay of that room, and most are for someone
 * elsewhere, so they are skipped without parsing a 4 KB SDP. `undefined` when the message is not
 * laid out that way (then it is parsed in full).
 */
export function relayTargetOf(raw: string): string | undefined {
  return RELAY_HEAD.exec(raw)?.[1];
}

/** The envelope of a membership change, as the Lua scripts publish it (in-memory store uses it). */
export function encodeMemberEvent(
  type: 'user_joined' | 'user_left',
  data: { userId: string; connection: string; displayName?: string },
): string {
  const envelope: BusEnvelope = { type, from: data.userId, data };
  return JSON.stringify(envelope);
}
