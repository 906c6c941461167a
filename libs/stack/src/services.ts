/** Secrets every stack shares between its services. */
export interface StackSecrets {
  /** RS256 signing key of auth-service (PEM). */
  jwtPrivateKey: string;
  /** Its public key (PEM), for every verifier. */
  jwtPublicKey: string;
  /** coturn REST API secret, shared by coturn and turn-credential-service. */
  turnSecret: string;
}

/** Where the backing servers are. */
export interface StackBackends {
  databaseUrl: string;
  redisUrl: string;
  /** coturn: its address, plain port (UDP and TCP), and TLS ports advertised as `turns:`. */
  turn: { host: string; port: number; tlsPorts?: number[] };
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
 * Every QUAL_MEET service with the environment its config schema reads, in start order
 * (upstreams before the gateway). Adding a service to every stack is one entry here.
 */
export function serviceSpecs(input: ServiceSpecInput): ServiceSpec[] {
  const { ports, secrets, backends } = input;
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    JWT_PUBLIC_KEY: secrets.jwtPublicKey,
    ...input.env,
  };
  const specs: ServiceSpec[] = [
    {
      name: 'auth-service',
      projectRoot: 'apps/auth-service',
      port: ports.auth,
      env: {
        ...common,
        DATABASE_URL: backends.databaseUrl,
        JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
        COOKIE_SECURE: String(!input.local),
      },
    },
    {
      name: 'room-service',
      projectRoot: 'apps/room-service',
      port: ports.rooms,
      env: { ...common, DATABASE_URL: backends.databaseUrl, REDIS_URL: backends.redisUrl },
    },
    {
      name: 'turn-credential-service',
      projectRoot: 'apps/turn-credential-service',
      port: ports.turn,
      env: {
        ...common,
        REDIS_URL: backends.redisUrl,
        TURN_SECRET: secrets.turnSecret,
        STUN_URLS: `stun:${backends.turn.host}:${backends.turn.port}`,
        TURN_URLS: [
          ...['udp', 'tcp'].map(
            (t) => `turn:${backends.turn.host}:${backends.turn.port}?transport=${t}`,
          ),
          ...(backends.turn.tlsPorts ?? []).map(
            (port) => `turns:${backends.turn.host}:${port}?transport=tcp`,
          ),
        ].join(','),
      },
    },
    ...ports.signaling.map((port, i) => ({
      name: `signaling-${i + 1}`,
      projectRoot: 'apps/signaling-service',
      port,
      env: {
        ...common,
        NODE_ID: `signaling-${i + 1}`,
        REDIS_URL: backends.redisUrl,
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
        REDIS_URL: backends.redisUrl,
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
