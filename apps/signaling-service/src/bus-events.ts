import {
  busEnvelopeSchema,
  memberJoinedEventSchema,
  memberLeftEventSchema,
  MemberEventType,
  parseJsonAs,
  RELAY_TO_OFFSET,
  RELAY_TYPE_OFFSET,
  RelayLayout,
  RelayTypes,
  roomEndedEventSchema,
  USER_ID_LENGTH,
  type BusEnvelope,
  type MemberJoinedEvent,
  type MemberLeftEvent,
  type RelayType,
} from '@qual-meet/protocol';
import { decodeMeetingEvent, type MeetingEvent } from './meeting-events';

/**
 * What signaling nodes say to each other on `room_events:{roomId}`, inside the protocol's bus
 * envelope `{type, from, to?, data}`. Membership events are published by the Lua scripts
 * (atomically with the change they announce); relays by the node that received the frame.
 */
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
 * Laid out by the protocol's {@link RelayLayout} rather than by `JSON.stringify`: `frame`
 * (already JSON, from a validated client frame) goes in as JSON rather than as a string, so a
 * 4 KB SDP is neither escaped again here nor parsed again on the other side, and a receiving node
 * reads the head at fixed offsets ({@link readRelayHead}). `type` is one of four words and
 * `from`/`to` are validated user ids, so nothing here needs escaping.
 */
export function encodeRelay(
  type: RelayType,
  from: string,
  to: string,
  frame: string,
  sentAtMs: number,
): string {
  const L = RelayLayout;
  return `${L.beforeTo}${to}${L.beforeType}${type}${L.beforeFrom}${from}${L.beforeSentAt}${sentAtMs}${L.beforeFrame}${frame}${L.end}`;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const BEFORE_TO = latin1(RelayLayout.beforeTo);
const BEFORE_TYPE = latin1(RelayLayout.beforeType);
/** Each type with what follows it up to the sender, by the type's first byte. */
const TYPE_TAILS = new Map<number, { type: RelayType; tail: Buffer }>(
  RelayTypes.map((type) => [
    type.charCodeAt(0),
    { type, tail: latin1(`${type}${RelayLayout.beforeFrom}`) },
  ]),
);
const BEFORE_SENT_AT = latin1(RelayLayout.beforeSentAt);
/** What precedes the frame, with the frame's own opening brace: a frame is an object. */
const BEFORE_FRAME = latin1(`${RelayLayout.beforeFrame}{`);
const END = latin1(RelayLayout.end);
/** The frame, an object, ends with a `}` of its own before {@link END}. */
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
  if (!hasAt(raw, 0, BEFORE_TO)) return undefined;
  if (!hasAt(raw, RELAY_TO_OFFSET + USER_ID_LENGTH, BEFORE_TYPE)) return undefined;
  const typed = TYPE_TAILS.get(raw[RELAY_TYPE_OFFSET] ?? 0);
  if (!typed || !hasAt(raw, RELAY_TYPE_OFFSET, typed.tail)) return undefined;
  const sentAtStart =
    RELAY_TYPE_OFFSET + typed.tail.length + USER_ID_LENGTH + BEFORE_SENT_AT.length;
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
    to: raw.toString('latin1', RELAY_TO_OFFSET, RELAY_TO_OFFSET + USER_ID_LENGTH),
    sentAt,
    // The frame starts at the `{` that ends BEFORE_FRAME.
    frameStart: sentAtEnd + BEFORE_FRAME.length - 1,
  };
}

/**
 * The frame of a relay whose head was read: the bytes between the head and the envelope's
 * {@link RelayLayout} end (the frame, an object, ends with a `}` of its own; a message cut short
 * fails that check).
 * Not parsed again: the node that published it built it from a frame it had validated, and only
 * signaling nodes and room-service can publish on the room channels.
 */
export function relayFrameOf(raw: Buffer, head: RelayHead): string | undefined {
  const end = raw.length - END.length;
  const closed = end > head.frameStart && raw[end - 1] === CLOSE_BRACE && hasAt(raw, end, END);
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
