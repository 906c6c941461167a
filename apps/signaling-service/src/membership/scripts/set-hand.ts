import { HandChangedField as F, MeetingEventType } from '@qual-meet/protocol';
import { LUA_HELPERS } from './lua-helpers';

/**
 * Raise or lower a member's hand.
 *
 * Invariant: `room_hands:{roomId}` only ever holds members of the room (the leave, sweep and
 * remove scripts take a leaver's hand along), each with the Redis time its hand went up — later
 * than every hand already up, by a millisecond if need be — so every node lists hands in the order
 * they were raised. A change and its `hand_changed` announcement are one step; asking for
 * the state a hand is already in changes and announces nothing.
 *
 * KEYS: 1 room_members:{roomId}, 2 room_hands:{roomId}
 * ARGV: 1 room_events:{roomId}, 2 userId, 3 raised (`1` | `0`), 4 connection that must hold the
 *       seat (empty: any, a host lowering someone's hand), 5 who asked
 * Returns `{'changed' | 'unchanged', raisedAt?}` or `{'not_member'}`.
 */
export const SET_HAND_LUA = `${LUA_HELPERS}
local members_key, hands_key = KEYS[1], KEYS[2]
local channel, user_id, raised, connection = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4]
local value = redis.call('HGET', members_key, user_id)
if not value or (connection ~= '' and connection_of(value) ~= connection) then
  return { 'not_member' }
end

local current = redis.call('HGET', hands_key, user_id)
if raised then
  if current then return { 'unchanged', current } end
  local time = redis.call('TIME')
  local at = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  for _, other in ipairs(redis.call('HVALS', hands_key)) do
    if tonumber(other) >= at then at = tonumber(other) + 1 end
  end
  at = string.format('%.0f', at)
  redis.call('HSET', hands_key, user_id, at)
  redis.call('PUBLISH', channel, cjson.encode({
    type = '${MeetingEventType.handChanged}', from = ARGV[5],
    data = { ${F.userId} = user_id, ${F.raised} = true, ${F.raisedAt} = tonumber(at) },
  }))
  return { 'changed', at }
end
if not current then return { 'unchanged' } end
redis.call('HDEL', hands_key, user_id)
redis.call('PUBLISH', channel, cjson.encode({
  type = '${MeetingEventType.handChanged}', from = ARGV[5],
  data = { ${F.userId} = user_id, ${F.raised} = false },
}))
return { 'changed' }
`;
