import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createSql, type Sql } from '@qual-meet/db';
import { bearerFor, connectFailFastRedis, type TestKeyPair } from '@qual-meet/testing';
import { buildApp } from '../app';
import { roomConfigSchema } from '../config';

/** The service's config for a suite, as `main.ts` would parse it from the environment. */
function roomTestConfig(urls: { databaseUrl: string; redisUrl: string }, keys: TestKeyPair) {
  return roomConfigSchema.parse({
    DATABASE_URL: urls.databaseUrl,
    REDIS_URL: urls.redisUrl,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    LOG_LEVEL: 'silent',
  });
}

export type RoomServiceApp = Awaited<ReturnType<typeof buildApp>>;

/**
 * room-service in-process, configured and wired as `main.ts` does, on the given database and
 * Redis (`sql` for a suite that needs its own client settings). `app.redis` is its client.
 */
export async function startRoomService(
  urls: { databaseUrl: string; redisUrl: string },
  keys: TestKeyPair,
  sql: Sql = createSql(urls.databaseUrl),
): Promise<RoomServiceApp> {
  return buildApp(roomTestConfig(urls, keys), {
    sql,
    redis: await connectFailFastRedis(urls.redisUrl),
  });
}

export interface TestUser {
  id: string;
  email: string;
  /** `Bearer <access token>` for this user. */
  authorization: string;
}

/** An account row (meetings reference their host) and a valid token for it. */
export async function createUser(sql: Sql, keys: TestKeyPair): Promise<TestUser> {
  const email = `host-${randomUUID()}@example.com`;
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO users (email, password_hash) VALUES (${email}, 'unused') RETURNING id`;
  if (!row) throw new Error('user insert returned no row');
  return { id: row.id, email, authorization: bearerFor(keys, row.id, email) };
}

/**
 * Records what a real Redis subscriber receives on some channels. `drain` publishes a marker
 * after everything under test has finished: Redis delivers messages to a subscriber in the order
 * it executed the PUBLISHes, so once the marker arrives nothing earlier is still in flight.
 */
export class ChannelRecorder {
  private readonly received: { channel: string; message: string }[] = [];
  private waiting?: { marker: string; resolve: () => void };

  private constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, message: string) => {
      if (message === this.waiting?.marker) this.waiting.resolve();
      else this.received.push({ channel, message });
    });
  }

  static async open(url: string, channels: string[]): Promise<ChannelRecorder> {
    const subscriber = new Redis(url);
    await subscriber.subscribe(...channels);
    return new ChannelRecorder(subscriber);
  }

  /** Every message received so far on the recorded channels, parsed; `channel` carries the marker. */
  async drain(publisher: Redis, channel: string): Promise<{ channel: string; event: unknown }[]> {
    const marker = `marker-${randomUUID()}`;
    const arrived = new Promise<void>((resolve) => (this.waiting = { marker, resolve }));
    await publisher.publish(channel, marker);
    await arrived;
    return this.received.map((r) => ({ channel: r.channel, event: JSON.parse(r.message) }));
  }

  async close(): Promise<void> {
    await this.subscriber.quit();
  }
}
