import type { LocalSecrets } from './secrets';

/** Where the servers and services of the local stack listen; every port can be overridden. */
export interface StackPorts {
  http: number;
  postgres: number;
  redis: number;
  coturn: number;
  auth: number;
}

export interface StackContext {
  ports: StackPorts;
  secrets: LocalSecrets;
  databaseUrl: string;
  redisUrl: string;
}

/** One Node service of the stack: its bundle and its environment. */
export interface ServiceSpec {
  name: string;
  /** Nx project root; the bundle is `dist/<projectRoot>/main.mjs`. */
  projectRoot: string;
  port: number;
  env: Record<string, string>;
}

/**
 * The services `npm start` runs, in start order. Adding a service is one entry here: its bundle,
 * its port and the environment its config schema reads.
 */
export function stackServices(ctx: StackContext): ServiceSpec[] {
  const common = { HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  return [
    {
      name: 'auth-service',
      projectRoot: 'apps/auth-service',
      port: ctx.ports.auth,
      env: {
        ...common,
        PORT: String(ctx.ports.auth),
        DATABASE_URL: ctx.databaseUrl,
        JWT_PRIVATE_KEY: ctx.secrets.JWT_PRIVATE_KEY,
        // http://localhost is a secure context for browsers but not HTTPS: no Secure cookies.
        COOKIE_SECURE: 'false',
      },
    },
  ];
}
