import { useDedicatedRedisNodes } from './test-support/dedicated-redis-nodes';
import { seedRoom, type TestNode } from './test-support/fixtures';

// Relays published to Redis are bounded (DESIGN §4.11): while Redis does not answer (here a
// Redis of this suite's own, its writes paused with CLIENT PAUSE), a node refuses relays past
// PUBLISH_PENDING_LIMIT_BYTES with rate_limited instead of queueing them without end.
const PENDING_LIMIT = 64 * 1024;
const suite = useDedicatedRedisNodes({ PUBLISH_PENDING_LIMIT_BYTES: String(PENDING_LIMIT) });

it('refuses relays past the pending-publish limit while Redis does not answer, then recovers', async () => {
  const [one, two] = suite.nodes as [TestNode, TestNode];
  const room = await seedRoom(suite.redis);
  const sender = await suite.joined(one, room.id);
  const target = await suite.joined(two, room.id);
  await sender.client.take('user_joined');

  await suite.redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
  const sdp = (n: number) => `v=0 ${n} ${'a'.repeat(10 * 1024)}`;
  // Answers are not limited per target; 20 of 10 KB are well within the sender's byte budget.
  for (let i = 0; i < 20; i += 1) {
    sender.client.send({ type: 'answer', targetUserId: target.user.userId, sdp: sdp(i) });
  }
  const refused = await sender.client.error('rate_limited');
  expect(refused.message).toBe('Signaling is busy: try again');
  await suite.redis.call('CLIENT', 'UNPAUSE');

  // What was accepted arrives, in order; nothing past the limit does.
  sender.client.send({ type: 'answer', targetUserId: target.user.userId, sdp: 'v=0 after' });
  const delivered: string[] = [];
  for (;;) {
    const { sdp: received } = await target.client.take('answer');
    if (received === 'v=0 after') break;
    delivered.push(received.split(' ', 2)[1]!);
  }
  expect(delivered.length).toBeGreaterThan(0);
  expect(delivered.length).toBeLessThan(20);
  expect(delivered).toEqual(delivered.map((_, i) => String(i)));
  expect(sender.client.socket.readyState).toBe(sender.client.socket.OPEN);
});
