import {
  busEnvelopeSchema,
  memberJoinedEventSchema,
  memberLeftEventSchema,
  MemberEventType,
  parseJsonAs,
  roomEndedEventSchema,
  type BusEnvelope,
  type MemberJoinedEvent,
  type MemberLeftEvent,
} from '@qual-meet/protocol';
import { decodeMeetingEvent, type MeetingEvent } from './meeting-events';

/**
 * What signaling nodes say to each other on `room_events:{roomId}`, inside the protocol's bus
 * envelope `{type, from, to?, data}`. Membership events are published by the Lua scripts
 * (atomically with the change they announce); relays by the node that received the frame.
 */
/** Frames to one peer; `mute_request` is the host's, the others carry WebRTC negotiation. */
export type RelayType = 'offer' | 'answer' | 'ice_candidate' | 'mute_request';

/** A change of a room's membership, as announced on the bus. */
export type MemberEvent =
  | {
      kind: 'member_joined';
      userId: string;
      displayName: string;
      domain: string;
      connection: string;
      /** The member resumed its seat from this new connection: the others keep their links. */
      resumed?: true;
    }
  | { kind: 'member_left'; userId: string; connection: string };

/** A bus message, decoded and checked. */
export type BusEvent = MemberEvent | { kind: 'room_ended'; roomId: string } | MeetingEvent;

/**
 * Decodes one bus message other than a relay (relays are read by {@link readRelayHead});
 * `undefined` when it is not JSON or not an event this node knows.
 */
export function parseBusEvent(raw: string): BusEvent | undefined {
  const envelope = parseJsonAs(busEnvelopeSchema, raw);
  return envelope && decode(envelope);
}

function decode(envelope: BusEnvelope): BusEvent | undefined {
  switch (envelope.type) {
    case MemberEventType.joined: {
      const event = memberJoinedEventSchema.safeParse(envelope);
      return event.success ? { kind: 'member_joined', ...event.data.data } : undefined;
    }
    case MemberEventType.left: {
      const event = memberLeftEventSchema.safeParse(envelope);
      return event.success ? { kind: 'member_left', ...event.data.data } : undefined;
    }
    case 'room_ended': {
      const event = roomEndedEventSchema.safeParse(envelope);
      return event.success ? { kind: 'room_ended', roomId: event.data.data.roomId } : undefined;
    }
    default:
      return decodeMeetingEvent(envelope);
  }
}

/**
 * A relay envelope for one peer: published once, delivered only by the node that holds `to`.
 * Written by hand rather than by `JSON.stringify`, for two reasons: `frame` (already JSON, from a
 * validated client frame) goes in as JSON rather than as a string, so a 4 KB SDP is neither
 * escaped again here nor parsed again on the other side; and the keys come in a fixed order, the
 * target first and the frame last, so a receiving node reads the head at fixed offsets
 * ({@link readRelayHead}) and takes the frame as a slice. `type` is one of four words and
 * `from`/`to` are validated user ids, so nothing here needs escaping.
 */
export function encodeRelay(
  type: RelayType,
  from: string,
  to: string,
  frame: string,
  sentAtMs: number,
): string {
  return `{"to":"${to}","type":"${type}","from":"${from}","data":{"sentAt":${sentAtMs},"frame":${frame}}}`;
}

// The layout encodeRelay writes, in bytes: `{"to":"` then the 36-character target, then
// `","type":"` and the type, `","from":"` and the 36-character sender, then the data up to the frame.
const UUID_LENGTH = 36;
const TO_AT = 7;
const TYPE_AT = TO_AT + UUID_LENGTH + 10;
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const HEAD_START = latin1('{"to":"');
const AFTER_TO = latin1('","type":"');
/** Each type with what follows it up to the sender, by the type's first byte. */
const TYPE_TAILS = new Map<number, { type: RelayType; tail: Buffer }>(
  (['offer', 'answer', 'ice_candidate', 'mute_request'] as const).map((type) => [
    type.charCodeAt(0),
    { type, tail: latin1(`${type}","from":"`) },
  ]),
);
const BEFORE_SENT_AT = latin1('","data":{"sentAt":');
const BEFORE_FRAME = latin1(',"frame":{');
const CLOSE_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;

/** What a node needs of a relay to route it, read without parsing the frame. */
export interface RelayHead {
  type: RelayType;
  to: string;
  sentAt: number;
  /** Offset of the frame's first byte in the message. */
  frameStart: number;
}

function hasAt(raw: Buffer, offset: number, expected: Buffer): boolean {
  if (offset + expected.length > raw.length) return false;
  for (let i = 0; i < expected.length; i += 1) {
    if (raw[offset + i] !== expected[i]) return false;
  }
  return true;
}

/**
 * The head of a relay envelope laid out by {@link encodeRelay}, read at fixed offsets: every node
 * subscribed to a room receives every relay of that room, and most are for someone elsewhere, so
 * they are skipped after comparing a few bytes, without decoding a 4 KB SDP. `undefined` when the
 * message is not laid out that way (then it is not a relay).
 */
export function readRelayHead(raw: Buffer): RelayHead | undefined {
  if (!hasAt(raw, 0, HEAD_START) || !hasAt(raw, TO_AT + UUID_LENGTH, AFTER_TO)) return undefined;
  const typed = TYPE_TAILS.get(raw[TYPE_AT] ?? 0);
  if (!typed || !hasAt(raw, TYPE_AT, typed.tail)) return undefined;
  const sentAtStart = TYPE_AT + typed.tail.length + UUID_LENGTH + BEFORE_SENT_AT.length;
  if (!hasAt(raw, sentAtStart - BEFORE_SENT_AT.length, BEFORE_SENT_AT)) return undefined;
  let sentAtEnd = sentAtStart;
  for (let byte = raw[sentAtEnd]; byte !== undefined; byte = raw[++sentAtEnd]) {
    if ((byte < DIGIT_0 || byte > DIGIT_9) && byte !== DOT) break;
  }
  const sentAt = Number(raw.toString('latin1', sentAtStart, sentAtEnd));
  if (sentAtEnd === sentAtStart || !Number.isFinite(sentAt)) return undefined;
  if (!hasAt(raw, sentAtEnd, BEFORE_FRAME)) return undefined;
  return {
    type: typed.type,
    to: raw.toString('latin1', TO_AT, TO_AT + UUID_LENGTH),
    sentAt,
    // The frame starts at the `{` that ends BEFORE_FRAME.
    frameStart: sentAtEnd + BEFORE_FRAME.length - 1,
  };
}

/**
 * The frame of a relay whose head was read: the bytes between the head and the envelope's closing
 * `}}` (the frame, an object, ends with a `}` of its own; a message cut short fails that check).
 * Not parsed again: the node that published it built it from a frame it had validated, and only
 * signaling nodes and room-service can publish on the room channels.
 */
export function relayFrameOf(raw: Buffer, head: RelayHead): string | undefined {
  const end = raw.length - 2;
  const closed =
    end > head.frameStart &&
    raw[end - 1] === CLOSE_BRACE &&
    raw[end] === CLOSE_BRACE &&
    raw[end + 1] === CLOSE_BRACE;
  return closed ? raw.toString('utf8', head.frameStart, end) : undefined;
}

/** The envelope of a membership change, as the Lua scripts publish it (in-memory store uses it). */
export function encodeMemberEvent(
  type: 'user_joined' | 'user_left',
  member: {
    userId: string;
    connection: string;
    displayName?: string;
    domain?: string;
    resumed?: boolean;
  },
): string {
  const { userId, connection } = member;
  const envelope: MemberJoinedEvent | MemberLeftEvent =
    type === MemberEventType.joined
      ? {
          type,
          from: userId,
          data: {
            userId,
            displayName: member.displayName ?? '',
            domain: member.domain ?? '',
            connection,
            ...(member.resumed ? { resumed: true as const } : {}),
          },
        }
      : { type: MemberEventType.left, from: userId, data: { userId, connection } };
  return JSON.stringify(envelope);
}
