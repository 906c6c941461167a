import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { CloseCode, Limits, serverMessageSchema } from '@qual-meet/protocol';
import { seedRoom } from './test-support/fixtures';
import { expectUnauthorized, useSignalingSuite } from './test-support/signaling-suite';

// Every inbound frame validated (DESIGN §4): what a client may send, and what it gets otherwise.
const suite = useSignalingSuite();
const { connect, signIn, joined } = suite;

describe('frames', () => {
  it.each<[string, string]>([
    ['invalid JSON', '{"type":'],
    ['a JSON array', '[1,2]'],
    ['a bare string', '"join_room"'],
    ['an unknown type', JSON.stringify({ type: 'mute', targetUserId: randomUUID() })],
    ['a missing type', JSON.stringify({ roomId: randomUUID() })],
    ['a number where a room id goes', JSON.stringify({ type: 'join_room', roomId: 42 })],
    ['a room id that is no UUID', JSON.stringify({ type: 'join_room', roomId: 'lobby' })],
    [
      'an sdp that is no string',
      JSON.stringify({ type: 'offer', targetUserId: randomUUID(), sdp: 1 }),
    ],
    [
      'a candidate of the wrong shape',
      JSON.stringify({ type: 'ice_candidate', targetUserId: randomUUID(), candidate: 'x' }),
    ],
    ['an unknown field', JSON.stringify({ type: 'heartbeat', senderUserId: randomUUID() })],
  ])('answers %s with invalid_message and keeps the socket usable', async (_case, raw) => {
    const { client } = await signIn(suite.nodeA);
    client.sendRaw(raw);
    const error = await client.next();
    expect(error).toEqual({ type: 'error', code: 'invalid_message', message: expect.any(String) });
    client.send({ type: 'leave_room' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not_in_room' });
  });

  it('answers a binary frame with invalid_message', async () => {
    const { client } = await signIn(suite.nodeB);
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'heartbeat' })), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
  });

  it('accepts a frame just under 64 KiB and closes with 1009 on one over it', async () => {
    const { client } = await signIn(suite.nodeA);
    const filler = (bytes: number) => 'a'.repeat(bytes - 40);
    client.sendRaw(JSON.stringify({ type: 'heartbeat', pad: filler(Limits.signalingFrameBytes) }));
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    client.sendRaw(
      JSON.stringify({ type: 'heartbeat', pad: filler(Limits.signalingFrameBytes + 100) }),
    );
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('rate-limits a flooding socket (warns once, then closes 4429) without starving others', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeA, room.id);
    const b = await joined(suite.nodeA, room.id);
    await a.client.take('user_joined');
    const flooder = await signIn(suite.nodeA);
    for (let i = 0; i < 520; i += 1) flooder.client.send({ type: 'heartbeat' });
    // Meanwhile a pair on the same node still gets through.
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 during flood' });
    expect(await b.client.take('offer')).toMatchObject({ sdp: 'v=0 during flood' });

    await flooder.client.error('rate_limited');
    expect((await flooder.client.closed).code).toBe(CloseCode.RATE_LIMITED);
    const warnings = flooder.client.received.filter(
      (frame) => frame.type === 'error' && frame.code === 'rate_limited',
    );
    // One warning per flood (a refill between frames may start a new one), never one per frame.
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.length).toBeLessThan(10);
  });

  it('never crashes on fuzzed frames and only ever answers valid server frames', async () => {
    const frameLike = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          {
            type: fc.constantFrom(
              'join_room',
              'leave_room',
              'offer',
              'answer',
              'ice_candidate',
              'heartbeat',
              'auth',
              '__proto__',
              'constructor',
            ),
            roomId: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
            targetUserId: fc.oneof(fc.uuid(), fc.string(), fc.constant(null)),
            sdp: fc.oneof(fc.string(), fc.integer(), fc.object()),
            candidate: fc.oneof(fc.object(), fc.string()),
            token: fc.string(),
          },
          { requiredKeys: ['type'] },
        )
        .map((frame) => JSON.stringify(frame)),
    );
    await fc.assert(
      fc.asyncProperty(frameLike, async (raw) => {
        const { client } = await signIn(suite.nodeB);
        client.sendRaw(raw);
        // A marker: once its answer is here, the fuzzed frame has been handled.
        client.send({ type: 'leave_room' });
        const marker = await Promise.race([
          client.error('not_in_room'),
          client.closed.then(() => undefined),
        ]);
        for (const frame of client.received) expect(serverMessageSchema.parse(frame)).toBeTruthy();
        if (!marker) expect((await client.closed).code).toBe(CloseCode.UNAUTHORIZED);
        await client.close();
      }),
      { numRuns: 60 },
    );
    const probe = await signIn(suite.nodeB);
    expect(probe.user.userId).toBeTruthy();
  });

  it('closes idle unauthenticated sockets but never an authenticated idle one early', async () => {
    const { client } = await signIn(suite.nodeA);
    const pending = await connect(suite.nodeA);
    await expectUnauthorized(pending);
    client.send({ type: 'heartbeat' });
    client.send({ type: 'leave_room' });
    expect(await client.next()).toEqual({ type: 'heartbeat_ack' });
    expect(await client.next()).toMatchObject({ code: 'not_in_room' });
  });
});
