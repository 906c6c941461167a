import { MeetingEventType, ParticipantRemovedField as F } from '@qual-meet/protocol';
import { LUA_HELPERS } from './lua-helpers';

/**
 * Remove a participant from a meeting (host only; the node checks who asks).
 *
 * Invariant: once it returns, the user is in `room_removed:{roomId}` (so the join script refuses
 * them on every node until the room empties), out of the lock's list, without a raised hand, and
 * holds no seat; their node's room index is kept as the leave script keeps it. The seat's end is
 * announced as `participant_removed` to the user first — so their node lets go of them rather than
 * re-asserting a seat it sees vanish — then as `user_left` to everyone.
 *
 * KEYS: 1 room_members:{roomId}, 2 room_lock:{roomId}, 3 room_removed:{roomId},
 *       4 room_hands:{roomId}
 * ARGV: 1 room_events:{roomId}, 2 hostId, 3 userId, 4 roomId, and key templates with `\1` for the
 *       room (or node) id and `\2` for the user id: 5 presence, 6 signaling_node_rooms
 * Returns 1 when a seat was taken away, 0 when the user held none, -1 when the host holds no seat.
 */
export const REMOVE_PARTICIPANT_LUA = `${LUA_HELPERS}
local members_key, lock_key, removed_key, hands_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local channel, host_id, user_id, room_id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HEXISTS', members_key, host_id) == 0 then return -1 end

redis.call('SADD', removed_key, user_id)
redis.call('SREM', lock_key, user_id)
redis.call('HDEL', hands_key, user_id)
local value = redis.call('HGET', members_key, user_id)
if not value then return 0 end

local connection = connection_of(value)
redis.call('HDEL', members_key, user_id)
local presence_key = fill(ARGV[5], room_id, user_id)
if redis.call('GET', presence_key) == connection then redis.call('DEL', presence_key) end
local node_id = string.sub(connection, 1, string.find(connection, ':', 1, true) - 1)
local prefix = node_id .. ':'
local still_there = false
for _, v in ipairs(redis.call('HVALS', members_key)) do
  if string.sub(v, 1, #prefix) == prefix then still_there = true break end
end
if not still_there then redis.call('SREM', fill(ARGV[6], node_id), room_id) end

redis.call('PUBLISH', channel, cjson.encode({
  type = '${MeetingEventType.participantRemoved}', from = host_id, to = user_id,
  data = { ${F.roomId} = room_id },
}))
announce_left(channel, user_id, connection)
return 1
`;
