import { LUA_HELPERS } from './lua-helpers';

/**
 * Remove a member's seat, but only the seat of this connection.
 *
 * Invariant: a connection can only ever remove itself — never a newer connection of the same
 * user that replaced it — and the node stays listed in `signaling_node_rooms:{nodeId}` for the
 * room exactly while it still holds a member there, so the sweeper finds every seat of a node.
 * A member who leaves takes their raised hand along; the last one out takes the meeting's lock and
 * removals too.
 *
 * KEYS: 1 room_members:{roomId}, 2 presence:{roomId}:{userId}, 3 signaling_node_rooms:{nodeId},
 *       4 room_lock:{roomId}, 5 room_removed:{roomId}, 6 room_hands:{roomId}
 * ARGV: 1 userId, 2 connection, 3 room_events:{roomId}, 4 roomId, 5 nodeId,
 *       6 announce (`if-removed` | `always` | `never`)
 * Returns 1 when the seat was removed, else 0.
 */
export const LEAVE_ROOM_LUA = `${LUA_HELPERS}
local members_key, presence_key, node_rooms_key = KEYS[1], KEYS[2], KEYS[3]
local user_id, connection, channel, room_id, node_id, announce =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]

local removed = 0
local value = redis.call('HGET', members_key, user_id)
if value and connection_of(value) == connection then
  redis.call('HDEL', members_key, user_id)
  redis.call('HDEL', KEYS[6], user_id)
  removed = 1
end
forget_meeting_if_empty(members_key, KEYS[4], KEYS[5], KEYS[6])
if redis.call('GET', presence_key) == connection then
  redis.call('DEL', presence_key)
end

local prefix = node_id .. ':'
local still_here = false
for _, v in ipairs(redis.call('HVALS', members_key)) do
  if string.sub(v, 1, #prefix) == prefix then still_here = true break end
end
if not still_here then redis.call('SREM', node_rooms_key, room_id) end

if announce == 'always' or (announce == 'if-removed' and removed == 1) then
  announce_left(channel, user_id, connection)
end
return removed
`;
