/**
 * Count one `join_room` of a user in a fixed window.
 *
 * Invariant: the counter and its expiry are set together, so a counter never outlives its window
 * (a crash between INCR and PEXPIRE would otherwise leave one that never resets).
 *
 * KEYS: 1 signaling_user_joins:{userId}
 * ARGV: 1 window (ms)
 * Returns the count in the current window, this join included.
 */
export const COUNT_JOIN_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1])) end
return count
`;
