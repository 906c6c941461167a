// Placeholders the scripts replace with a room, user or node id (Lua `fill`), so that key names
// are still spelled only by RedisKeys.
export const ROOM = '\x01';
export const USER = '\x02';
