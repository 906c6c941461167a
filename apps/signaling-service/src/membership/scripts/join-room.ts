import { MemberEventField as F, MemberEventType } from '@qual-meet/protocol';
import { LUA_HELPERS } from './lua-helpers';

/**
 * Join (or re-assert, or resume) a member, enforcing capacity across every node.
 *
 * Invariant: `room_members:{roomId}` never holds more than `maxParticipants` members whose
 * presence key exists. Members whose presence expired (their node died, or they stopped
 * heartbeating) are pruned and announced as left before counting, so they stop taking seats.
 * A user already present keeps one seat: joining again replaces the old connection.
 * A user the host removed never gets a seat; while the meeting is locked only its host and those
 * in it when it was locked do (a re-assert of a seat held is not a new join).
 *
 * A resume takes a seat over silently (its `user_joined` says `resumed`) only when the presented
 * token is the latest issued to the seat and the seat is still held by the connection it was
 * issued to; anything else is a plain join. Every join writes the seat's new token, so a token
 * resumes at most once and never outlives its seat by more than the presence TTL.
 *
 * Because a script runs alone, the count, the add and the `user_joined` announcement happen at
 * one instant: two clients racing for the last seat on different nodes cannot both get it, and
 * every node hears of members in the order the seats were taken.
 *
 * KEYS: 1 room_members:{roomId}, 2 presence:{roomId}:{userId}, 3 signaling_node_rooms:{nodeId},
 *       4 room_lock:{roomId}, 5 room_removed:{roomId}, 6 room_hands:{roomId},
 *       7 resume_token:{roomId}:{userId}
 * ARGV: 1 presence key template, `\1` standing for the room id and `\2` for a user id,
 *       2 room_events:{roomId}, 3 userId, 4 connection, 5 displayName, 6 maxParticipants,
 *       7 presence TTL (s), 8 roomId, 9 mode (`join` | `reassert` | `resume`), 10 domain,
 *       11 is host (`1`), 12 hash of the seat's new resume token, 13 hash of the presented one
 * Returns `{'joined', {userId, value, …}, locked (0 | 1), {userId, raisedAt, …}, resumed (0 | 1)}`
 * (the members after the join, the lock and the hands at that instant), or `{'full'}`,
 * `{'taken'}`, `{'locked'}`, `{'removed'}`.
 */
export const JOIN_ROOM_LUA = `${LUA_HELPERS}
local members_key, presence_key, node_rooms_key = KEYS[1], KEYS[2], KEYS[3]
local lock_key, removed_key, hands_key = KEYS[4], KEYS[5], KEYS[6]
local channel, user_id, connection = ARGV[2], ARGV[3], ARGV[4]
local max, ttl, room_id, mode = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]

local entries = redis.call('HGETALL', members_key)
-- The members in the reply: the others still present, then the joiner.
local result = {}
local previous = false
for i = 1, #entries, 2 do
  local uid, value = entries[i], entries[i + 1]
  if uid == user_id then
    previous = value
  elseif redis.call('EXISTS', fill(ARGV[1], room_id, uid)) == 0 then
    redis.call('HDEL', members_key, uid)
    redis.call('HDEL', hands_key, uid)
    announce_left(channel, uid, connection_of(value))
  else
    result[#result + 1] = uid
    result[#result + 1] = value
  end
end
local others = #result / 2
forget_meeting_if_empty(members_key, lock_key, removed_key, hands_key)

if redis.call('SISMEMBER', removed_key, user_id) == 1 then
  return { 'removed' }
end
-- true when this join takes the seat over silently (nil leaves the field out of the event)
local took_over = nil
if mode == 'resume' then
  local right = redis.call('GET', KEYS[7])
  if previous and connection_of(previous) ~= connection
      and right == ARGV[13] .. ':' .. connection_of(previous) then
    took_over = true
  else
    mode = 'join'
  end
end
if mode == 'join' and ARGV[11] ~= '1' and redis.call('EXISTS', lock_key) == 1
    and redis.call('SISMEMBER', lock_key, user_id) == 0 then
  return { 'locked' }
end
if previous and connection_of(previous) ~= connection and mode == 'reassert' then
  return { 'taken' }
end
if not previous and others >= max then
  return { 'full' }
end

local value = connection .. ':' .. ARGV[5] .. '@' .. ARGV[10]
redis.call('HSET', members_key, user_id, value)
redis.call('SET', presence_key, connection, 'EX', ttl)
redis.call('SET', KEYS[7], ARGV[12] .. ':' .. connection, 'EX', ttl)
redis.call('SADD', node_rooms_key, room_id)
redis.call('PUBLISH', channel, cjson.encode({
  type = '${MemberEventType.joined}', from = user_id,
  data = {
    ${F.userId} = user_id, ${F.displayName} = ARGV[5], ${F.domain} = ARGV[10],
    ${F.connection} = connection, ${F.resumed} = took_over,
  },
}))
result[#result + 1] = user_id
result[#result + 1] = value
return {
  'joined', result, redis.call('EXISTS', lock_key), redis.call('HGETALL', hands_key), took_over and 1 or 0,
}
`;
