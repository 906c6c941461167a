import { randomUUID } from 'node:crypto';
import { connectionOf, newSocketId } from '../connection-id';
import type { MembershipStore } from '../membership/membership-store';
import type { UserQuotas } from '../quotas/user-quotas';

/** Quotas as a conformance run gets them, with the store that records which node runs live. */
export interface QuotasUnderTest {
  quotas: UserQuotas;
  membership: MembershipStore;
  close(): Promise<void>;
}

/** One suite for every {@link UserQuotas}: the in-memory one must count as the scripts do. */
export function describeUserQuotas(name: string, create: () => Promise<QuotasUnderTest>) {
  describe(`${name} as UserQuotas`, () => {
    let under: QuotasUnderTest;
    beforeAll(async () => {
      under = await create();
    });
    afterAll(() => under.close());

    /** A node run recorded alive, and a socket of it. */
    async function liveNode() {
      const nodeId = `node-${randomUUID()}`;
      const runId = randomUUID();
      await under.membership.markAlive(nodeId, runId, 60_000);
      return { runId, socket: () => connectionOf(nodeId, newSocketId()) };
    }

    it('gives a user at most `limit` slots, and one back for each released', async () => {
      const userId = randomUUID();
      const node = await liveNode();
      const [first, second, third] = [node.socket(), node.socket(), node.socket()];
      expect(await under.quotas.claimSocket(userId, first, node.runId, 2)).toBe(true);
      expect(await under.quotas.claimSocket(userId, second, node.runId, 2)).toBe(true);
      expect(await under.quotas.claimSocket(userId, third, node.runId, 2)).toBe(false);
      // Another user's slots are their own.
      expect(await under.quotas.claimSocket(randomUUID(), third, node.runId, 2)).toBe(true);
      await under.quotas.releaseSocket(userId, first);
      expect(await under.quotas.claimSocket(userId, third, node.runId, 2)).toBe(true);
    });

    it('counts a connection that claims again once', async () => {
      const userId = randomUUID();
      const node = await liveNode();
      const socket = node.socket();
      expect(await under.quotas.claimSocket(userId, socket, node.runId, 1)).toBe(true);
      expect(await under.quotas.claimSocket(userId, socket, node.runId, 1)).toBe(true);
    });

    it('stops counting the slots of a node run that is not the live one', async () => {
      const userId = randomUUID();
      const node = await liveNode();
      const staleRun = randomUUID();
      expect(await under.quotas.claimSocket(userId, node.socket(), staleRun, 1)).toBe(true);
      // The slot above belongs to a run the store does not record alive: it takes no slot.
      expect(await under.quotas.claimSocket(userId, node.socket(), node.runId, 1)).toBe(true);
      expect(await under.quotas.claimSocket(userId, node.socket(), node.runId, 1)).toBe(false);
      const unknownNode = connectionOf(`gone-${randomUUID()}`, newSocketId());
      const other = randomUUID();
      expect(await under.quotas.claimSocket(other, unknownNode, node.runId, 1)).toBe(true);
      expect(await under.quotas.claimSocket(other, node.socket(), node.runId, 1)).toBe(true);
    });

    it('counts each user’s joins in the current window', async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];
      expect(await under.quotas.countJoin(alice)).toBe(1);
      expect(await under.quotas.countJoin(alice)).toBe(2);
      expect(await under.quotas.countJoin(bob)).toBe(1);
      expect(await under.quotas.countJoin(alice)).toBe(3);
    });
  });
}
