import type { Redis } from '@qual-meet/redis';

type ScriptArg = string | number;
/** A Lua script as a function of its keys and arguments. */
export type Script = (keys: string[], args: ScriptArg[]) => Promise<unknown>;

/** Registers a Lua script with `defineCommand` (EVALSHA, falling back to EVAL) and types it. */
export function defineScript(
  redis: Redis,
  name: string,
  numberOfKeys: number,
  lua: string,
): Script {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<unknown>>)[
    name
  ];
  if (!command) throw new Error(`script ${name} was not defined`);
  return (keys, args) => command.call(redis, ...keys, ...args);
}

// Placeholders the scripts replace with a room, user or node id (Lua `fill`), so that key names
// are still spelled only by RedisKeys.
export const ROOM = '\x01';
export const USER = '\x02';
