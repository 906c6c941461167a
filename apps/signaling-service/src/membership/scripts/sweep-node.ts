import { LUA_HELPERS } from './lua-helpers';

/**
 * Remove every seat of a dead node (or of this node, shutting down) and announce each as left.
 *
 * Invariant: once it returns, the node holds no seat in any room listed for it and is no longer
 * registered; each seat is announced exactly once, because the script runs alone and a second
 * sweeper finds nothing left. Unless forced, a node whose liveness key reappeared (it was only
 * slow) is left untouched.
 *
 * KEYS: 1 signaling_node:{nodeId}, 2 signaling_node_rooms:{nodeId}, 3 signaling_nodes
 * ARGV: 1 nodeId, 2 force (`1` | `0`), and key templates with `\1` for the room id and `\2`
 *       for the user id: 3 room_members, 4 presence, 5 room_events, 6 room_lock, 7 room_removed,
 *       8 room_hands (a swept member's hand goes with it; so does the meeting's state when the
 *       room is left empty)
 * Returns the number of seats removed, or -1 when the node is alive.
 */
export const SWEEP_NODE_LUA = `${LUA_HELPERS}
local alive_key, node_rooms_key, nodes_key = KEYS[1], KEYS[2], KEYS[3]
local node_id, force = ARGV[1], ARGV[2]
if force ~= '1' and redis.call('EXISTS', alive_key) == 1 then
  return -1
end

local prefix = node_id .. ':'
local removed = 0
for _, room_id in ipairs(redis.call('SMEMBERS', node_rooms_key)) do
  local members_key = fill(ARGV[3], room_id)
  local channel = fill(ARGV[5], room_id)
  local hands_key = fill(ARGV[8], room_id)
  local entries = redis.call('HGETALL', members_key)
  for i = 1, #entries, 2 do
    local uid, value = entries[i], entries[i + 1]
    if string.sub(value, 1, #prefix) == prefix then
      local connection = connection_of(value)
      redis.call('HDEL', members_key, uid)
      redis.call('HDEL', hands_key, uid)
      local presence_key = fill(ARGV[4], room_id, uid)
      if redis.call('GET', presence_key) == connection then redis.call('DEL', presence_key) end
      announce_left(channel, uid, connection)
      removed = removed + 1
    end
  end
  forget_meeting_if_empty(members_key, fill(ARGV[6], room_id), fill(ARGV[7], room_id), hands_key)
end
redis.call('DEL', node_rooms_key)
redis.call('SREM', nodes_key, node_id)
if force == '1' then redis.call('DEL', alive_key) end
return removed
`;
