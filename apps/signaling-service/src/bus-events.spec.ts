import { randomUUID } from 'node:crypto';
import {
  MemberEventType,
  memberJoinedEventSchema,
  memberLeftEventSchema,
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
import { JOIN_ROOM_LUA } from './membership/scripts/join-room';
import { LUA_HELPERS } from './membership/scripts/lua-helpers';

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

describe('membership events in the Lua scripts', () => {
  const alice = randomUUID();
  /** Each `cjson.encode({type = '…', …, data = {…}})` of a script: its type and data keys. */
  const published = (lua: string) =>
    [...lua.matchAll(/cjson\.encode\(\{\s*type = '(\w+)'[^]*?data = \{([^}]*)\}/g)].map(
      ([, type, data]) => ({ type, keys: [...data!.matchAll(/(\w+) =/g)].map(([, key]) => key) }),
    );
  const keysOf = (schema: typeof memberJoinedEventSchema | typeof memberLeftEventSchema) =>
    Object.keys(schema.shape.data.shape);

  it('publish exactly the fields of the protocol schemas, so the two cannot drift', () => {
    // The join script starts with the helpers: each is read once.
    const joinOnly = JOIN_ROOM_LUA.slice(LUA_HELPERS.length);
    const events = [...published(joinOnly), ...published(LUA_HELPERS)].filter(({ type }) =>
      [MemberEventType.joined, MemberEventType.left].includes(type as never),
    );
    expect(events).toEqual([
      { type: MemberEventType.joined, keys: keysOf(memberJoinedEventSchema) },
      { type: MemberEventType.left, keys: keysOf(memberLeftEventSchema) },
    ]);
  });

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
