import { randomUUID } from 'node:crypto';
import {
  handChangedEventSchema,
  lockChangedEventSchema,
  MeetingEventType,
  MemberEventType,
  memberJoinedEventSchema,
  memberLeftEventSchema,
  participantRemovedEventSchema,
  RelayTypes,
  ROOM_SERVICE_SENDER,
} from '@qual-meet/protocol';
import {
  encodeMemberEvent,
  encodeRelay,
  parseBusEvent,
  readRelayHead,
  relayFrameOf,
} from './bus-events';
import type { z } from 'zod';
import { JOIN_ROOM_LUA } from './membership/scripts/join-room';
import { LEAVE_ROOM_LUA } from './membership/scripts/leave-room';
import { LOCK_ROOM_LUA } from './membership/scripts/lock-room';
import { LUA_HELPERS } from './membership/scripts/lua-helpers';
import { REFRESH_PRESENCE_LUA } from './membership/scripts/refresh-presence';
import { REMOVE_PARTICIPANT_LUA } from './membership/scripts/remove-participant';
import { SET_HAND_LUA } from './membership/scripts/set-hand';
import { SWEEP_NODE_LUA } from './membership/scripts/sweep-node';
import { CLAIM_SOCKET_LUA } from './quotas/scripts/claim-socket';

describe('bus events', () => {
  const alice = randomUUID();
  const bob = randomUUID();

  // An SDP with what JSON must escape, and text beyond Latin-1.
  const frame = JSON.stringify({
    type: 'offer',
    senderUserId: alice,
    sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns="Zoë\'s call" 📞\r\n',
  });

  it('encodes a relay as a bus envelope with the frame as JSON in data', () => {
    const raw = encodeRelay('offer', alice, bob, frame, 1732512345678.25);
    expect(JSON.parse(raw)).toEqual({
      type: 'offer',
      from: alice,
      to: bob,
      data: { sentAt: 1732512345678.25, frame: JSON.parse(frame) },
    });
  });

  it('reads a relay’s head and frame without parsing it, byte-exact', () => {
    const raw = Buffer.from(encodeRelay('ice_candidate', alice, bob, frame, 12.5));
    const head = readRelayHead(raw);
    expect(head).toMatchObject({ type: 'ice_candidate', to: bob, sentAt: 12.5 });
    expect(relayFrameOf(raw, head!)).toBe(frame);
  });

  it.each(RelayTypes)('round-trips a %s relay through its head and frame', (type) => {
    const raw = Buffer.from(encodeRelay(type, alice, bob, frame, 1732512345678.25));
    const head = readRelayHead(raw);
    expect(head).toMatchObject({ type, to: bob, sentAt: 1732512345678.25 });
    expect(relayFrameOf(raw, head!)).toBe(frame);
  });

  it.each([1, 2, 3, 40])('refuses the frame of a relay cut %p bytes short', (missing) => {
    const raw = Buffer.from(encodeRelay('offer', alice, bob, frame, 1));
    const truncated = raw.subarray(0, raw.length - missing);
    expect(relayFrameOf(truncated, readRelayHead(truncated)!)).toBeUndefined();
  });

  it('round-trips membership events through the parser', () => {
    const joined = {
      userId: alice,
      displayName: 'alice',
      domain: 'x.example',
      connection: 'n1:s1',
    };
    expect(parseBusEvent(encodeMemberEvent('user_joined', joined))).toEqual({
      kind: 'member_joined',
      ...joined,
    });
  });

  it('reads room-service’s room_ended', () => {
    const roomId = randomUUID();
    const raw = JSON.stringify({ type: 'room_ended', from: ROOM_SERVICE_SENDER, data: { roomId } });
    expect(parseBusEvent(raw)).toEqual({ kind: 'room_ended', roomId });
  });

  it('reads the head only of relays laid out as this node writes them', () => {
    const left = encodeMemberEvent('user_left', { userId: alice, connection: 'n:s' });
    expect(readRelayHead(Buffer.from(left))).toBeUndefined();
    const reordered = JSON.stringify({
      type: 'offer',
      from: alice,
      to: bob,
      data: { sentAt: 1, frame: JSON.parse(frame) },
    });
    expect(readRelayHead(Buffer.from(reordered))).toBeUndefined();
    // Only encodeRelay writes relays: any other layout is not one.
    expect(parseBusEvent(reordered)).toBeUndefined();
  });

  it.each([
    ['an unknown type', (raw: string) => raw.replace('"type":"offer"', '"type":"other"')],
    ['a type cut short', (raw: string) => raw.replace('"type":"offer"', '"type":"off"')],
    ['a sender of another length', (raw: string) => raw.replace(alice, `${alice}0`)],
    ['no time', (raw: string) => raw.replace('"sentAt":12.5', '"sentAt":')],
    [
      'a time that is not a number',
      (raw: string) => raw.replace('"sentAt":12.5', '"sentAt":1.2.5'),
    ],
    ['a frame that is not an object', (raw: string) => raw.replace('"frame":{', '"frame":[{')],
    ['only the head', (raw: string) => raw.slice(0, raw.indexOf('"sentAt"'))],
  ])('reads no head from a relay with %s', (_case, spoil) => {
    const raw = spoil(encodeRelay('offer', alice, bob, frame, 12.5));
    expect(readRelayHead(Buffer.from(raw))).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['no envelope', JSON.stringify({ type: 'offer' })],
    [
      'a relay without a target',
      JSON.stringify({ type: 'offer', from: alice, data: { sdp: 'x' } }),
    ],
    [
      'room_ended from a user',
      JSON.stringify({ type: 'room_ended', from: alice, data: { roomId: randomUUID() } }),
    ],
    ['an unknown type', JSON.stringify({ type: 'kick', from: alice, data: {} })],
    [
      'a relay whose frame is a string',
      JSON.stringify({ type: 'offer', from: alice, to: bob, data: { sentAt: 1, frame: '{}' } }),
    ],
  ])('ignores %s', (_case, raw) => {
    expect(parseBusEvent(raw)).toBeUndefined();
  });
});

describe('events the Lua scripts publish', () => {
  const alice = randomUUID();
  const schemas: Record<string, z.ZodObject<{ to: z.ZodType; data: z.ZodObject }>> = {
    [MemberEventType.joined]: memberJoinedEventSchema,
    [MemberEventType.left]: memberLeftEventSchema,
    [MeetingEventType.handChanged]: handChangedEventSchema,
    [MeetingEventType.lockChanged]: lockChangedEventSchema,
    [MeetingEventType.participantRemoved]: participantRemovedEventSchema,
  };
  const withHelpers = {
    JOIN_ROOM_LUA,
    LEAVE_ROOM_LUA,
    REFRESH_PRESENCE_LUA,
    SWEEP_NODE_LUA,
    SET_HAND_LUA,
    LOCK_ROOM_LUA,
    REMOVE_PARTICIPANT_LUA,
    CLAIM_SOCKET_LUA,
  };
  // Each script is read without the helpers it starts with: they are read once, on their own.
  const scripts = {
    LUA_HELPERS,
    ...Object.fromEntries(
      Object.entries(withHelpers).map(([name, lua]) => [name, lua.slice(LUA_HELPERS.length)]),
    ),
  };
  const keysIn = (table: string) => [...table.matchAll(/(\w+) =/g)].map(([, key]) => key!);
  /** Each `cjson.encode({type = '…', …, data = {…}})` of a script: its keys and type. */
  const published = (lua: string) =>
    [...lua.matchAll(/cjson\.encode\(\{([^]*?)data = \{([^}]*)\}/g)].map(([, head, data]) => ({
      type: /type = '(\w+)'/.exec(head!)?.[1] ?? '',
      head: keysIn(head!).sort(),
      data: keysIn(data!),
    }));
  const optional = (field: z.ZodType) => field.safeParse(undefined).success;

  it.each(Object.entries(withHelpers))('%s starts with the helpers', (_name, lua) => {
    expect(lua.startsWith(LUA_HELPERS)).toBe(true);
  });

  it('publish from every script the events it is documented to', () => {
    const types = Object.fromEntries(
      Object.entries(scripts).map(([name, lua]) => {
        const events = published(lua);
        // Every cjson.encode is an envelope read here: none escapes the checks below.
        expect(events).toHaveLength(lua.split('cjson.encode(').length - 1);
        return [name, events.map(({ type }) => type)];
      }),
    );
    expect(types).toEqual({
      LUA_HELPERS: [MemberEventType.left],
      JOIN_ROOM_LUA: [MemberEventType.joined],
      LEAVE_ROOM_LUA: [],
      REFRESH_PRESENCE_LUA: [],
      SWEEP_NODE_LUA: [],
      SET_HAND_LUA: [MeetingEventType.handChanged, MeetingEventType.handChanged],
      LOCK_ROOM_LUA: [MeetingEventType.lockChanged],
      REMOVE_PARTICIPANT_LUA: [MeetingEventType.participantRemoved],
      CLAIM_SOCKET_LUA: [],
    });
  });

  it.each(Object.entries(scripts))(
    '%s publishes exactly the fields of the protocol schemas, so the two cannot drift',
    (_name, lua) => {
      for (const { type, head, data } of published(lua)) {
        const schema = schemas[type]!;
        expect(schema).toBeDefined();
        expect(head).toEqual(optional(schema.shape.to) ? ['from', 'type'] : ['from', 'to', 'type']);
        const fields = schema.shape.data.shape;
        const required = Object.keys(fields).filter((key) => !optional(fields[key]!));
        expect(Object.keys(fields)).toEqual(expect.arrayContaining(data));
        expect(data).toEqual(expect.arrayContaining(required));
      }
    },
  );

  it('are what the in-memory store publishes too', () => {
    const joined = {
      userId: alice,
      displayName: 'alice',
      domain: 'example.com',
      connection: 'n:s',
    };
    expect(
      memberJoinedEventSchema.parse(JSON.parse(encodeMemberEvent('user_joined', joined))),
    ).toMatchObject({ data: joined });
    expect(
      memberLeftEventSchema.parse(JSON.parse(encodeMemberEvent('user_left', joined))).data,
    ).toEqual({ userId: alice, connection: 'n:s' });
  });
});
