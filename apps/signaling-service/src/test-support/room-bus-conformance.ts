import { randomUUID } from 'node:crypto';
import { eventually } from '@qual-meet/testing';
import type { RoomBus } from '../room-bus';

/** Buses on one shared medium (one Redis, one in-memory hub), as a conformance run gets them. */
export interface BusesUnderTest {
  /** A bus of a node of its own. */
  connect(): Promise<RoomBus>;
  close(): Promise<void>;
}

/** A bus with what it received, as `<roomId> <message>`. */
async function listening(buses: BusesUnderTest) {
  const bus = await buses.connect();
  const received: string[] = [];
  bus.onMessage((roomId, message) => {
    expect(Buffer.isBuffer(message)).toBe(true);
    received.push(`${roomId} ${message.toString()}`);
  });
  return { bus, received };
}

/** A bus to publish on and another that records what it receives. */
async function publisherAndListener(buses: BusesUnderTest) {
  return { publisher: await buses.connect(), ...(await listening(buses)) };
}

/**
 * One suite for every {@link RoomBus}: the in-memory hub of the unit tests must deliver as Redis
 * Pub/Sub does. "Nothing else arrived" is shown by a marker published after it on the same bus:
 * one publisher's messages arrive in order, so once the marker is in, the rest would be too.
 */
export function describeRoomBus(name: string, create: () => Promise<BusesUnderTest>) {
  describe(`${name} as a RoomBus`, () => {
    let buses: BusesUnderTest;
    beforeAll(async () => {
      buses = await create();
    });
    afterAll(() => buses.close());

    const until = (received: string[], line: string) =>
      eventually(
        `"${line}" arrived`,
        async () => [...received],
        (all) => all.includes(line),
      );

    it('delivers to every subscriber of the room, the publisher included, in order', async () => {
      const roomId = randomUUID();
      const a = await listening(buses);
      const b = await listening(buses);
      await a.bus.subscribe(roomId);
      await b.bus.subscribe(roomId);
      const sent = Array.from({ length: 50 }, (_, i) => `message ${i} ✓`);
      await Promise.all(sent.map((message) => a.bus.publish(roomId, message)));
      const expected = sent.map((message) => `${roomId} ${message}`);
      await until(b.received, expected.at(-1)!);
      await until(a.received, expected.at(-1)!);
      expect(b.received).toEqual(expected);
      expect(a.received).toEqual(expected);
    });

    it('delivers only the rooms a bus subscribed to, and only from the subscription on', async () => {
      const [joined, other] = [randomUUID(), randomUUID()];
      const { publisher, bus, received } = await publisherAndListener(buses);
      await publisher.publish(joined, 'before');
      await bus.subscribe(joined);
      await publisher.publish(other, 'elsewhere');
      await publisher.publish(joined, 'marker');
      await until(received, `${joined} marker`);
      expect(received).toEqual([`${joined} marker`]);
    });

    it('stops delivering a room once unsubscribed', async () => {
      const [left, kept] = [randomUUID(), randomUUID()];
      const { publisher, bus, received } = await publisherAndListener(buses);
      await bus.subscribe(left);
      await bus.subscribe(kept);
      await bus.unsubscribe(left);
      await publisher.publish(left, 'after leaving');
      await publisher.publish(kept, 'marker');
      await until(received, `${kept} marker`);
      expect(received).toEqual([`${kept} marker`]);
    });

    it('hands every message to the one listener set last', async () => {
      const roomId = randomUUID();
      const bus = await buses.connect();
      const first: string[] = [];
      const last: string[] = [];
      bus.onMessage((_roomId, message) => first.push(message.toString()));
      bus.onMessage((_roomId, message) => last.push(message.toString()));
      await bus.subscribe(roomId);
      await bus.publish(roomId, 'hello');
      await until(last, 'hello');
      expect(first).toEqual([]);
    });
  });
}
