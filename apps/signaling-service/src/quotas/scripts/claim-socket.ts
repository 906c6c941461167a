import { LUA_HELPERS } from '../../membership/scripts/lua-helpers';

/**
 * Take one of a user's socket slots.
 *
 * Invariant: a user never holds more than `limit` slots of live node runs, however many nodes
 * race (the script runs alone). A slot counts only while the node run that took it is the one
 * recorded alive (`signaling_node:{nodeId}` holds its run id), so a dead node's sockets, and those
 * of a previous run under the same node id, stop counting without anyone sweeping them.
 *
 * KEYS: 1 signaling_user_sockets:{userId}
 * ARGV: 1 connection (`<nodeId>:<socketId>`), 2 run id, 3 limit, 4 the node alive key with `\1`
 *       for the node id, 5 TTL of the hash (s)
 * Returns 1 when the slot was taken, 0 when the user is at the limit.
 */
export const CLAIM_SOCKET_LUA = `${LUA_HELPERS}
local sockets_key = KEYS[1]
local connection, run_id, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local entries = redis.call('HGETALL', sockets_key)
local runs = {}
local live = 0
for i = 1, #entries, 2 do
  local held, held_run = entries[i], entries[i + 1]
  local colon = string.find(held, ':', 1, true)
  local node = colon and string.sub(held, 1, colon - 1) or held
  if runs[node] == nil then runs[node] = redis.call('GET', fill(ARGV[4], node)) or '' end
  if runs[node] == held_run and held ~= connection then
    live = live + 1
  else
    redis.call('HDEL', sockets_key, held)
  end
end
if live >= limit then return 0 end
redis.call('HSET', sockets_key, connection, run_id)
redis.call('EXPIRE', sockets_key, tonumber(ARGV[5]))
return 1
`;
