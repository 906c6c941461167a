import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { roomCacheCodec, type Room } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import { claimsFor, signTestToken, type TestKeyPair } from '@qual-meet/testing';
import { buildApp, type SignalingApp } from '../app';
import { signalingConfigSchema } from '../config';
import { createSignalingRedis } from '../redis-clients';

/** A person with a valid access token. */
export interface TestUser {
  userId: string;
  email: string;
  displayName: string;
  token: string;
}

let people = 0;

/** A fresh user whose token `keys` signed, as auth-service would issue it. */
export function testUser(keys: TestKeyPair, name = `person${++people}`): TestUser {
  const userId = randomUUID();
  const email = `${name}@example.com`;
  const token = signTestToken(keys, claimsFor(userId, email));
  return { userId, email, displayName: name, token };
}

/** A meeting record: active, 4 seats, some host, unless `overrides` say otherwise. */
export function roomRecord(overrides: Partial<Room> = {}): Room {
  return {
    id: randomUUID(),
    hostId: randomUUID(),
    isActive: true,
    maxParticipants: 4,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Every host-only frame (DESIGN §4.12), aimed at `targetUserId` where it takes a target. */
export function hostFrames(targetUserId: string): object[] {
  return [
    { type: 'lock_room', locked: true },
    { type: 'remove_participant', targetUserId },
    { type: 'mute_participant', targetUserId },
    { type: 'lower_hand', targetUserId },
  ];
}

/** Writes `room:{id}` as room-service's write-through cache would. */
export async function seedRoom(redis: Redis, overrides: Partial<Room> = {}): Promise<Room> {
  const room = roomRecord(overrides);
  await redis.set(RedisKeys.room(room.id), roomCacheCodec.encode(room));
  return room;
}

/** A node listening on 127.0.0.1 with a port of its own. */
export interface TestNode {
  app: SignalingApp;
  nodeId: string;
  /** `ws://127.0.0.1:<port>/ws` */
  url: string;
  close(): Promise<void>;
}

/** Builds and starts a node; `env` is what its environment would hold. */
export async function startNode(env: Record<string, string>): Promise<TestNode> {
  const config = signalingConfigSchema.parse({ HOST: '127.0.0.1', PORT: '0', ...env });
  const app = await buildApp(config, createSignalingRedis(config));
  await app.listen({ host: config.host, port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    nodeId: config.nodeId,
    url: `ws://127.0.0.1:${port}/ws`,
    close: () => app.close(),
  };
}
