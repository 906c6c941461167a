import { randomUUID } from 'node:crypto';
import { eventually } from '@qual-meet/testing';
import { parseBusEvent, type BusEvent } from '../bus-events';
import { connectionOf, newSocketId } from '../connection-id';
import type { HandOutcome, MeetingStore } from '../membership/meeting-store';
import type { JoinRequest, MembershipStore } from '../membership/membership-store';
import type { RoomBus } from '../room-bus';

const raisedAtOf = (outcome: HandOutcome) =>
  outcome.status === 'not_member' ? undefined : outcome.raisedAt;

/** A membership and meeting store as a conformance run gets it, with what it needs around it. */
export interface StoreUnderTest {
  membership: MembershipStore;
  meetings: MeetingStore;
  /** A bus that hears what the store publishes. */
  bus: RoomBus;
  /** Lets a member's presence lapse, as if it had missed its heartbeats for the TTL. */
  expirePresence(roomId: string, userId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One suite for every {@link MembershipStore} and {@link MeetingStore}: the in-memory fake of the
 * unit tests must behave as the Lua scripts on Redis do, or the unit tests prove nothing.
 */
export function describeMembershipStore(name: string, create: () => Promise<StoreUnderTest>) {
  describe(`${name} as a MembershipStore and MeetingStore`, () => {
    let under: StoreUnderTest;
    let membership: MembershipStore;
    let meetings: MeetingStore;
    const heard = new Map<string, BusEvent[]>();

    beforeAll(async () => {
      under = await create();
      ({ membership, meetings } = under);
      under.bus.onMessage((roomId, message) => {
        const event = parseBusEvent(message.toString());
        if (event) heard.get(roomId)?.push(event);
      });
    });
    afterAll(() => under.close());

    /** A fresh room whose bus messages are recorded from now on. */
    async function newRoom(): Promise<string> {
      const roomId = randomUUID();
      heard.set(roomId, []);
      await under.bus.subscribe(roomId);
      return roomId;
    }
    const connection = (nodeId = 'node-a') => connectionOf(nodeId, newSocketId());
    const request = (roomId: string, over: Partial<JoinRequest> = {}): JoinRequest => ({
      roomId,
      userId: randomUUID(),
      connection: connection(),
      displayName: 'someone',
      domain: 'example.com',
      maxParticipants: 4,
      isHost: false,
      mode: 'join',
      tokenHash: randomUUID(),
      ...over,
    });
    /** Seats two people in a fresh room. */
    async function pairIn(roomId: string): Promise<[JoinRequest, JoinRequest]> {
      const [alice, bob] = [request(roomId), request(roomId)];
      await membership.join(alice);
      await membership.join(bob);
      return [alice, bob];
    }
    /** Every event heard in the room once `count` arrived (a marker event ends each step). */
    const heardIn = (roomId: string, count: number) =>
      eventually(
        `${count} events in the room`,
        async () => [...heard.get(roomId)!],
        (events) => events.length >= count,
      );
    const kinds = (events: BusEvent[]) => events.map((event) => event.kind);

    it('seats a joiner, lists it last and announces it', async () => {
      const roomId = await newRoom();
      const first = request(roomId);
      const second = request(roomId, { displayName: 'zoë', domain: 'x.example' });
      await membership.join(first);
      const outcome = await membership.join(second);
      expect(outcome).toEqual({
        status: 'joined',
        members: [
          expect.objectContaining({ userId: first.userId }),
          {
            userId: second.userId,
            connection: second.connection,
            displayName: 'zoë',
            domain: 'x.example',
          },
        ],
        meeting: { locked: false, hands: [] },
        resumed: false,
      });
      expect((await heardIn(roomId, 2))[1]).toEqual({
        kind: 'member_joined',
        userId: second.userId,
        connection: second.connection,
        displayName: 'zoë',
        domain: 'x.example',
      });
    });

    it('keeps one seat for a user who joins again, listed last, on the new connection', async () => {
      const roomId = await newRoom();
      const [alice, bob] = await pairIn(roomId);
      const again = { ...alice, connection: connection('node-b') };
      const outcome = await membership.join(again);
      expect(outcome.status === 'joined' && outcome.members).toEqual([
        expect.objectContaining({ userId: bob.userId }),
        expect.objectContaining({ userId: alice.userId, connection: again.connection }),
      ]);
    });

    it('refuses the seat past capacity, but not to someone already seated', async () => {
      const roomId = await newRoom();
      const seated = request(roomId, { maxParticipants: 2 });
      await membership.join(seated);
      await membership.join(request(roomId, { maxParticipants: 2 }));
      expect(await membership.join(request(roomId, { maxParticipants: 2 }))).toEqual({
        status: 'full',
      });
      const rejoined = await membership.join({ ...seated, connection: connection() });
      expect(rejoined.status).toBe('joined');
    });

    it('never lets a reassert take a seat over from a newer connection', async () => {
      const roomId = await newRoom();
      const alice = request(roomId);
      await membership.join(alice);
      await membership.join({ ...alice, connection: connection('node-b') });
      expect(await membership.join({ ...alice, mode: 'reassert' })).toEqual({ status: 'taken' });
    });

    it('prunes a member whose presence lapsed, announced as left, so it takes no seat', async () => {
      const roomId = await newRoom();
      const stale = request(roomId, { maxParticipants: 1 });
      await membership.join(stale);
      await under.expirePresence(roomId, stale.userId);
      const newcomer = request(roomId, { maxParticipants: 1 });
      const outcome = await membership.join(newcomer);
      expect(outcome.status === 'joined' && outcome.members.map((m) => m.userId)).toEqual([
        newcomer.userId,
      ]);
      expect(await heardIn(roomId, 3)).toEqual([
        expect.objectContaining({ kind: 'member_joined', userId: stale.userId }),
        { kind: 'member_left', userId: stale.userId, connection: stale.connection },
        expect.objectContaining({ kind: 'member_joined', userId: newcomer.userId }),
      ]);
    });

    it('refreshes the presence of the seat holder only', async () => {
      const roomId = await newRoom();
      const alice = request(roomId, { maxParticipants: 1 });
      await membership.join(alice);
      await under.expirePresence(roomId, alice.userId);
      expect(await membership.refresh(roomId, alice.userId, connection())).toBe(false);
      expect(await membership.refresh(roomId, randomUUID(), alice.connection)).toBe(false);
      expect(await membership.refresh(roomId, alice.userId, alice.connection)).toBe(true);
      // Present again: she still holds the only seat.
      expect((await membership.join(request(roomId, { maxParticipants: 1 }))).status).toBe('full');
    });

    it('lets a seat go only to its connection, announcing as asked', async () => {
      const roomId = await newRoom();
      const alice = request(roomId);
      await membership.join(alice);
      expect(await membership.leave(roomId, alice.userId, connection(), 'if-removed')).toBe(false);
      expect(await membership.leave(roomId, alice.userId, connection(), 'never')).toBe(false);
      expect(await membership.leave(roomId, alice.userId, alice.connection, 'never')).toBe(true);
      const ghost = connection();
      expect(await membership.leave(roomId, alice.userId, ghost, 'always')).toBe(false);
      expect(kinds(await heardIn(roomId, 2))).toEqual(['member_joined', 'member_left']);
      expect(heard.get(roomId)![1]).toEqual({
        kind: 'member_left',
        userId: alice.userId,
        connection: ghost,
      });
      const bob = request(roomId);
      await membership.join(bob);
      expect(await membership.leave(roomId, bob.userId, bob.connection, 'if-removed')).toBe(true);
      expect(kinds(await heardIn(roomId, 4)).slice(2)).toEqual(['member_joined', 'member_left']);
    });

    it('tells whether a node was alive and lists the lapsed ones', async () => {
      const [self, lapsing, alive] = ['self', 'lapsing', 'alive'].map(
        (n) => `${n}-${randomUUID()}`,
      );
      expect(await membership.markAlive(lapsing!, 'run-1', 50)).toBe(false);
      expect(await membership.markAlive(alive!, 'run-1', 60_000)).toBe(false);
      expect(await membership.markAlive(alive!, 'run-1', 60_000)).toBe(true);
      await membership.markAlive(self!, 'run-1', 50);
      const dead = await eventually(
        'the short-lived node lapsed',
        () => membership.deadNodes(self!),
        (nodes) => nodes.includes(lapsing!),
      );
      expect(dead).not.toContain(alive);
      expect(dead).not.toContain(self);
      // Swept, a dead node is no longer listed.
      expect(await membership.sweepNode(lapsing!, false)).toBe(0);
      expect(await membership.deadNodes(self!)).not.toContain(lapsing);
    });

    it('sweeps a node’s members only once it is dead, or when forced', async () => {
      const roomId = await newRoom();
      const nodeId = `swept-${randomUUID()}`;
      await membership.markAlive(nodeId, 'run-1', 60_000);
      const gone = request(roomId, { connection: connection(nodeId) });
      const stays = request(roomId);
      await membership.join(gone);
      await membership.join(stays);
      expect(await membership.sweepNode(nodeId, false)).toBe(-1);
      expect(await membership.sweepNode(nodeId, true)).toBe(1);
      expect(await heardIn(roomId, 3)).toEqual([
        expect.objectContaining({ kind: 'member_joined' }),
        expect.objectContaining({ kind: 'member_joined' }),
        { kind: 'member_left', userId: gone.userId, connection: gone.connection },
      ]);
      const outcome = await membership.join({ ...stays, mode: 'reassert' });
      expect(outcome.status === 'joined' && outcome.members.map((m) => m.userId)).toEqual([
        stays.userId,
      ]);
    });

    it('locks a meeting to those in it, the host and only while the host is seated', async () => {
      const roomId = await newRoom();
      const host = request(roomId, { isHost: true });
      const member = request(roomId);
      expect(await meetings.setLock(roomId, host.userId, true)).toBe('not_in_room');
      await membership.join(host);
      await membership.join(member);
      expect(await meetings.setLock(roomId, host.userId, true)).toBe(true);
      expect(await meetings.setLock(roomId, host.userId, true)).toBe(false);
      expect(await membership.join(request(roomId))).toEqual({ status: 'locked' });
      await membership.leave(roomId, member.userId, member.connection, 'if-removed');
      const back = await membership.join({ ...member, connection: connection() });
      expect(back.status === 'joined' && back.meeting.locked).toBe(true);
      await membership.leave(roomId, host.userId, host.connection, 'if-removed');
      expect((await membership.join({ ...host, connection: connection() })).status).toBe('joined');
      expect(await meetings.setLock(roomId, host.userId, false)).toBe(true);
      expect((await membership.join(request(roomId))).status).toBe('joined');
      const events = await heardIn(roomId, 9);
      expect(events.filter((event) => event.kind === 'lock_changed')).toEqual([
        { kind: 'lock_changed', locked: true },
        { kind: 'lock_changed', locked: false },
      ]);
    });

    it('removes a participant: told first, then left, and refused from then on', async () => {
      const roomId = await newRoom();
      const host = request(roomId, { isHost: true });
      const target = request(roomId);
      await membership.join(host);
      expect(await meetings.remove(roomId, randomUUID(), target.userId)).toBe('not_in_room');
      await membership.join(target);
      expect(await meetings.remove(roomId, host.userId, target.userId)).toBe(true);
      expect((await heardIn(roomId, 4)).slice(2)).toEqual([
        { kind: 'participant_removed', userId: target.userId },
        { kind: 'member_left', userId: target.userId, connection: target.connection },
      ]);
      expect(await membership.join({ ...target, connection: connection() })).toEqual({
        status: 'removed',
      });
      const absent = randomUUID();
      expect(await meetings.remove(roomId, host.userId, absent)).toBe(false);
      expect(await membership.join(request(roomId, { userId: absent }))).toEqual({
        status: 'removed',
      });
    });

    it('orders hands as raised and changes each only once', async () => {
      const roomId = await newRoom();
      const [alice, bob] = await pairIn(roomId);
      const hand = (who: JoinRequest, raised: boolean, via: string | undefined = who.connection) =>
        meetings.setHand({ roomId, userId: who.userId, raised, connection: via, from: who.userId });
      const first = await hand(bob, true);
      const second = await hand(alice, true);
      expect(first).toEqual({ status: 'changed', raisedAt: expect.any(Number) });
      expect(raisedAtOf(second)).toBeGreaterThan(raisedAtOf(first)!);
      expect(await hand(bob, true)).toEqual({ status: 'unchanged', raisedAt: raisedAtOf(first) });
      expect(await hand(bob, true, connection())).toEqual({ status: 'not_member' });
      expect(await hand(request(roomId), true)).toEqual({ status: 'not_member' });
      const joined = await membership.join(request(roomId));
      expect(joined.status === 'joined' && joined.meeting.hands).toEqual([
        { userId: bob.userId, raisedAt: raisedAtOf(first) },
        { userId: alice.userId, raisedAt: raisedAtOf(second) },
      ]);
      // A host lowers someone's hand without being its seat.
      expect(await hand(bob, false, undefined)).toEqual({ status: 'changed', raisedAt: undefined });
      expect(await hand(bob, false)).toEqual({ status: 'unchanged', raisedAt: undefined });
      await membership.leave(roomId, alice.userId, alice.connection, 'if-removed');
      const later = await membership.join(request(roomId));
      expect(later.status === 'joined' && later.meeting.hands).toEqual([]);
      const changes = (await heardIn(roomId, 8)).filter((event) => event.kind === 'hand_changed');
      expect(changes).toEqual([
        { kind: 'hand_changed', userId: bob.userId, raised: true, raisedAt: raisedAtOf(first) },
        { kind: 'hand_changed', userId: alice.userId, raised: true, raisedAt: raisedAtOf(second) },
        { kind: 'hand_changed', userId: bob.userId, raised: false, raisedAt: undefined },
      ]);
    });

    it('forgets a meeting’s lock and removals with its last member', async () => {
      const roomId = await newRoom();
      const host = request(roomId, { isHost: true });
      const removed = request(roomId);
      await membership.join(host);
      await membership.join(removed);
      await meetings.remove(roomId, host.userId, removed.userId);
      await meetings.setLock(roomId, host.userId, true);
      await membership.leave(roomId, host.userId, host.connection, 'if-removed');
      const fresh = await membership.join({ ...removed, connection: connection() });
      expect(fresh.status === 'joined' && fresh.meeting).toEqual({ locked: false, hands: [] });
    });
  });
}
