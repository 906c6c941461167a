import type { DatabaseService } from '@qual-meet/db';
import type { RedisServiceUser } from '@qual-meet/redis';

/** Secrets every stack shares between its services. */
export interface StackSecrets {
  /** RS256 signing key of auth-service (PEM). */
  jwtPrivateKey: string;
  /** Its public key (PEM), for every verifier. */
  jwtPublicKey: string;
  /** coturn REST API secret, shared by coturn and turn-credential-service. */
  turnSecret: string;
}

/** Where the backing servers are, as each service logs in to them (its own role and ACL user). */
export interface StackBackends {
  databaseUrl: (service: DatabaseService) => string;
  redisUrl: (service: RedisServiceUser) => string;
  turn: { host: string; port: number };
}

export interface ServicePorts {
  gateway: number;
  auth: number;
  rooms: number;
  turn: number;
  /** One port per signaling node. */
  signaling: number[];
}

export interface ServiceSpec {
  name: string;
  /** Nx project root of the service. */
  projectRoot: string;
  port: number;
  env: Record<string, string>;
}

export interface ServiceSpecInput {
  ports: ServicePorts;
  secrets: StackSecrets;
  backends: StackBackends;
  /** Extra variables for every service (e.g. LOG_LEVEL), then per service by name. */
  env?: Record<string, string>;
  envByService?: Record<string, Record<string, string>>;
  /** Plain http://localhost: cookies cannot be Secure, per-IP limits are lifted. */
  local: boolean;
  /** Origins the browser app is served from; the only ones allowed to open a signaling socket. */
  publicOrigins: string[];
}

/**
 * Every QUAL_MEET service with the environment its config schema reads, and nothing else (no
 * service sees another's secrets or database login), in start order (upstreams before the
 * gateway). Adding a service to every stack is one entry here.
 */
export function serviceSpecs(input: ServiceSpecInput): ServiceSpec[] {
  const { ports, secrets, backends } = input;
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const listener = { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...input.env };
  // auth-service derives its public key from its private key; every other service verifies.
  const common = { ...listener, JWT_PUBLIC_KEY: secrets.jwtPublicKey };
  const specs: ServiceSpec[] = [
    {
      name: 'auth-service',
      projectRoot: 'apps/auth-service',
      port: ports.auth,
      env: {
        ...listener,
        DATABASE_URL: backends.databaseUrl('auth-service'),
        JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
        COOKIE_SECURE: String(!input.local),
      },
    },
    {
      name: 'room-service',
      projectRoot: 'apps/room-service',
      port: ports.rooms,
      env: {
        ...common,
        DATABASE_URL: backends.databaseUrl('room-service'),
        REDIS_URL: backends.redisUrl('room-service'),
      },
    },
    {
      name: 'turn-credential-service',
      projectRoot: 'apps/turn-credential-service',
      port: ports.turn,
      env: {
        ...common,
        REDIS_URL: backends.redisUrl('turn-credential-service'),
        TURN_SECRET: secrets.turnSecret,
        STUN_URLS: `stun:${backends.turn.host}:${backends.turn.port}`,
        TURN_URLS: ['udp', 'tcp']
          .map((t) => `turn:${backends.turn.host}:${backends.turn.port}?transport=${t}`)
          .join(','),
      },
    },
    ...ports.signaling.map((port, i) => ({
      name: `signaling-${i + 1}`,
      projectRoot: 'apps/signaling-service',
      port,
      env: {
        ...common,
        NODE_ID: `signaling-${i + 1}`,
        REDIS_URL: backends.redisUrl('signaling-service'),
        ROOM_SERVICE_URL: url(ports.rooms),
        ALLOWED_ORIGINS: input.publicOrigins.join(','),
      },
    })),
    {
      name: 'api-gateway',
      projectRoot: 'apps/api-gateway',
      port: ports.gateway,
      env: {
        ...common,
        REDIS_URL: backends.redisUrl('api-gateway'),
        AUTH_SERVICE_URL: url(ports.auth),
        ROOM_SERVICE_URL: url(ports.rooms),
        TURN_SERVICE_URL: url(ports.turn),
        IP_RATE_LIMITS: String(!input.local),
      },
    },
  ];
  return specs.map((spec) => ({
    ...spec,
    env: { ...spec.env, PORT: String(spec.port), ...input.envByService?.[spec.name] },
  }));
}
