import type { Redis } from 'ioredis';

/** The part of a pino logger this needs (a Fastify instance's `log`, or a child of it). */
export interface RedisErrorLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  info(msg: string): void;
}

/**
 * Sends a client's errors to the service's JSON log. Without an `error` listener ioredis prints
 * each failed reconnect as a raw stack trace on stderr; with one, an outage is one `warn` line
 * (the repeats at `debug`) and its end one `info` line.
 */
export function logRedisErrors(redis: Redis, log: RedisErrorLogger, client = 'redis'): void {
  let failing = false;
  redis.on('error', (error: Error) => {
    if (failing) log.debug({ err: error, client }, 'redis still unreachable');
    else log.warn({ err: error, client }, 'redis unreachable; reconnecting');
    failing = true;
  });
  redis.on('ready', () => {
    if (failing) log.info(`${client}: connection restored`);
    failing = false;
  });
}
