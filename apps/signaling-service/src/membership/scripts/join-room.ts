import { LUA_HELPERS } from './lua-helpers';

/**
 * Join (or re-assert) a member, enforcing capacity across every node.
 *
 * Invariant: `room_members:{roomId}` never holds more than `maxParticipants` members whose
 * presence key exists. Members whose presence expired (their node died, or they stopped
 * heartbeating) are pruned and announced as left before counting, so they stop taking seats.
 * A user already present keeps one seat: joining again replaces the old connection.
 *
 * Because a script runs alone, the count, the add and the `user_joined` announcement happen at
 * one instant: two clients racing for the last seat on different nodes cannot both get it, and
 * every node hears of members in the order the seats were taken.
 *
 * KEYS: 1 room_members:{roomId}, 2 presence:{roomId}:{userId}, 3 signaling_node_rooms:{nodeId}
 * ARGV: 1 presence key template, `\1` standing for the room id and `\2` for a user id,
 *       2 room_events:{roomId}, 3 userId, 4 connection, 5 displayName, 6 maxParticipants,
 *       7 presence TTL (s), 8 roomId, 9 mode (`join` | `reassert`)
 * Returns `{'joined', userId, value, …}` (the members after the join), `{'full'}` or `{'taken'}`.
 */
export const JOIN_ROOM_LUA = `${LUA_HELPERS}
local members_key, presence_key, node_rooms_key = KEYS[1], KEYS[2], KEYS[3]
local channel, user_id, connection = ARGV[2], ARGV[3], ARGV[4]
local max, ttl, room_id, mode = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]

local entries = redis.call('HGETALL', members_key)
-- The reply: 'joined', then the members (the others still present, then the joiner).
local result = { 'joined' }
local previous = false
for i = 1, #entries, 2 do
  local uid, value = entries[i], entries[i + 1]
  if uid == user_id then
    previous = value
  elseif redis.call('EXISTS', fill(ARGV[1], room_id, uid)) == 0 then
    redis.call('HDEL', members_key, uid)
    announce_left(channel, uid, connection_of(value))
  else
    result[#result + 1] = uid
    result[#result + 1] = value
  end
end
local others = (#result - 1) / 2

if previous and connection_of(previous) ~= connection and mode == 'reassert' then
  return { 'taken' }
end
if not previous and others >= max then
  return { 'full' }
end

local value = connection .. ':' .. ARGV[5]
redis.call('HSET', members_key, user_id, value)
redis.call('SET', presence_key, connection, 'EX', ttl)
redis.call('SADD', node_rooms_key, room_id)
redis.call('PUBLISH', channel, cjson.encode({
  type = 'user_joined', from = user_id,
  data = { userId = user_id, displayName = ARGV[5], connection = connection },
}))
result[#result + 1] = user_id
result[#result + 1] = value
return result
`;
