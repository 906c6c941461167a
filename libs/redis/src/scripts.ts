import type { Redis } from 'ioredis';

export type ScriptArg = string | number;

/** A Lua script bound to a client: keys, then arguments. */
export type RedisScript<R> = (keys: string[], args: ScriptArg[]) => Promise<R>;

export interface ScriptDefinition {
  /**
   * How many of the call's leading values are keys (Redis checks each against the ACL). Omitted
   * for a script that takes any number of keys: each call then passes as many as it has.
   */
  numberOfKeys?: number;
  lua: string;
}

/**
 * The one way QUAL_MEET registers a Lua script: ioredis `defineCommand` (EVALSHA, falling back to
 * EVAL when Redis lost its script cache), once per client and name, returned as a typed function.
 * `R` is the script's reply, as its file documents it.
 */
export function defineScript<R>(
  redis: Redis,
  name: string,
  definition: ScriptDefinition,
): RedisScript<R> {
  const commands = redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<R>>;
  if (!commands[name]) redis.defineCommand(name, definition);
  const command = commands[name];
  if (!command) throw new Error(`script ${name} was not defined`);
  if (definition.numberOfKeys === undefined) {
    return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
  }
  return (keys, args) => command.call(redis, ...keys, ...args);
}
