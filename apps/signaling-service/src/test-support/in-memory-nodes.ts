import type { Room } from '@qual-meet/protocol';
import { createAccessTokenVerifier } from '@qual-meet/server-kit';
import type { TestKeyPair } from '@qual-meet/testing';
import { InMemoryMembershipStore } from '../membership/in-memory-membership-store';
import { createSignalingMetrics } from '../metrics';
import { InMemoryUserQuotas } from '../quotas/in-memory-user-quotas';
import { InMemoryBusHub } from '../room-bus';
import { SignalingNode, type SignalingNodeOptions } from '../signaling-node';
import { FakeSocket } from './fake-socket';
import { roomRecord, testUser, type TestUser } from './fixtures';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Signaling nodes in one process for unit tests: fake sockets, an in-memory bus and one in-memory
 * store standing in for Redis. The same behaviour is checked on Redis by the int-specs.
 */
export class InMemoryNodes {
  readonly hub = new InMemoryBusHub();
  readonly store = new InMemoryMembershipStore(this.hub.connect());
  readonly quotas = new InMemoryUserQuotas(this.store);
  /** The meeting records the nodes look rooms up in. */
  readonly rooms = new Map<string, Room>();
  private readonly nodes: SignalingNode[] = [];
  private readonly verifyAccessToken;

  constructor(private readonly keys: TestKeyPair) {
    this.verifyAccessToken = createAccessTokenVerifier({
      publicKeys: [keys.publicKeyPem],
      issuer: 'qual-meet',
      audience: 'qual-meet',
    });
  }

  /** A meeting record (active, 4 seats, some host unless given). */
  room(overrides: Partial<Room> = {}): Room {
    const value = roomRecord(overrides);
    this.rooms.set(value.id, value);
    return value;
  }

  async startNode(overrides: Partial<SignalingNodeOptions> = {}): Promise<SignalingNode> {
    const nodeId = `node-${this.nodes.length + 1}`;
    const node = new SignalingNode({
      nodeId,
      verifyAccessToken: this.verifyAccessToken,
      rooms: { lookup: async (id) => this.rooms.get(id) ?? null },
      bus: this.hub.connect(),
      membership: this.store,
      meetings: this.store,
      quotas: this.quotas,
      metrics: createSignalingMetrics(nodeId),
      log: silent,
      authTimeoutMs: 1_000,
      rateLimit: { perSecond: 100, burst: 100, maxDrops: 20 },
      meetingRateLimit: { perSecond: 100, burst: 100, maxDrops: 20 },
      presenceTtlSeconds: 30,
      nodeTimeoutMs: 60_000,
      pingIntervalMs: 60_000,
      sendBufferLimitBytes: 1024 * 1024,
      shutdownGraceMs: 200,
      ...overrides,
    });
    this.nodes.push(node);
    await node.start();
    return node;
  }

  /** An authenticated fake socket of a fresh user (or of `user`). */
  async signIn(node: SignalingNode, user: TestUser = testUser(this.keys)) {
    const socket = FakeSocket.open(node);
    socket.deliver({ type: 'auth', token: user.token });
    await socket.take('authenticated');
    return { socket, user };
  }

  /** Signs in and joins; resolves once `room_joined` arrived. */
  async joined(node: SignalingNode, roomId: string, user?: TestUser) {
    const member = await this.signIn(node, user);
    member.socket.deliver({ type: 'join_room', roomId });
    return { ...member, frame: await member.socket.take('room_joined') };
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((node) => node.shutdown()));
  }
}
