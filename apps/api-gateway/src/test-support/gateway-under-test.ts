import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@qual-meet/local-servers';
import { createFailFastRedis, type RedisServiceUser } from '@qual-meet/redis';
import { runServices, serviceSpecs, type RunningServices } from '@qual-meet/stack';
import {
  claimRedisDatabase,
  createTestDatabase,
  generateTestKeyPair,
  liveView,
  testServers,
  type TestDatabase,
  type TestKeyPair,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import { buildApp } from '../app';
import { gatewayConfigSchema } from '../config';

type Upstream = 'auth-service' | 'room-service' | 'turn-credential-service';

export interface GatewayUnderTestOptions {
  /** Services to run for real, each as its own process; the others' ports refuse connections. */
  upstreams: Upstream[];
  /** Redis of the gateway and the services, each logging in as its own user. */
  redis: { urlFor(service: RedisServiceUser): string };
  /** Gateway settings on top of the stack's (limits, for instance). */
  gatewayEnv?: Record<string, string>;
}

export interface GatewayUnderTest {
  /** The gateway, in-process: tests drive it with `inject`. */
  app: Awaited<ReturnType<typeof buildApp>>;
  services: RunningServices;
  keys: TestKeyPair;
  db: TestDatabase;
  /** How often a running service has answered `method route`, from its own metrics. */
  callsSeenBy(service: Upstream, method: string, route: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The gateway configured exactly as the stack configures it, in front of real upstream services
 * on the harness's PostgreSQL, Redis and coturn.
 */
export async function startGatewayUnderTest(
  options: GatewayUnderTestOptions,
): Promise<GatewayUnderTest> {
  const keys = generateTestKeyPair();
  const db = await createTestDatabase();
  const deadPort = await freePort();
  const portOf = async (name: Upstream) =>
    options.upstreams.includes(name) ? freePort() : deadPort;
  const { coturn } = testServers();
  const specs = serviceSpecs({
    ports: {
      gateway: 0,
      auth: await portOf('auth-service'),
      rooms: await portOf('room-service'),
      turn: await portOf('turn-credential-service'),
      signaling: [],
    },
    secrets: {
      jwtPrivateKey: keys.privateKeyPem,
      jwtPublicKey: keys.publicKeyPem,
      turnSecret: coturn.secret,
    },
    backends: {
      databaseUrl: (service) => db.urlFor(service),
      redisUrl: (service) => options.redis.urlFor(service),
      turn: coturn,
    },
    env: { LOG_LEVEL: 'warn' },
    local: false,
    publicOrigins: [],
  });
  const services = await runServices({
    specs: specs.filter((s) => (options.upstreams as string[]).includes(s.name)),
    mode: 'source',
    logDir: mkdtempSync(join(tmpdir(), 'gateway-under-test-')),
  });
  const config = gatewayConfigSchema.parse({
    ...specs.find((s) => s.name === 'api-gateway')!.env,
    LOG_LEVEL: 'silent',
    ...options.gatewayEnv,
  });
  const app = await buildApp(config, { redis: createFailFastRedis(config.redisUrl) });
  return {
    app,
    services,
    keys,
    db,
    async callsSeenBy(service, method, route) {
      const text = await (await fetch(`${services.byName(service).url}/metrics`)).text();
      const prefix = `http_request_duration_seconds_count{method="${method}",route="${route}",status="`;
      return text
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    async close() {
      await app.close();
      await services.stop();
      await db.drop();
    },
  };
}

/** What a suite sets its gateway up with; its Redis is a database of its own. */
export type SuiteGatewayOptions = Omit<GatewayUnderTestOptions, 'redis'>;

/**
 * The gateway suites' set-up: before the suite's tests, a Redis database of its own and the
 * gateway under test on it; after them, both gone. `options` may be a function, run then (for
 * settings that name a stand-in the suite starts first). The handle reads the running gateway.
 */
export function useGatewayUnderTest(
  options: SuiteGatewayOptions | (() => Promise<SuiteGatewayOptions>),
  timeoutMs = 60_000,
): Omit<GatewayUnderTest, 'close'> {
  let redis: TestRedisDatabase | undefined;
  let gateway: GatewayUnderTest | undefined;
  beforeAll(async () => {
    const chosen = typeof options === 'function' ? await options() : options;
    redis = await claimRedisDatabase();
    gateway = await startGatewayUnderTest({ ...chosen, redis });
  }, timeoutMs);
  afterAll(async () => {
    await gateway?.close();
    await redis?.release();
  });
  const running = () => {
    if (!gateway) throw new Error('the gateway under test starts in beforeAll');
    return gateway;
  };
  return Object.assign(liveView(running, ['app', 'services', 'keys', 'db'] as const), {
    callsSeenBy: (service: Upstream, method: string, route: string) =>
      running().callsSeenBy(service, method, route),
  });
}
