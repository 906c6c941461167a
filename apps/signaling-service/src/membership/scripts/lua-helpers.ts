import { MemberEventField as F, MemberEventType } from '@qual-meet/protocol';

/**
 * Lua shared by the membership scripts. Member values are `<nodeId>:<socketId>:<displayName>`;
 * node and socket ids never contain `:` (config and socket ids guarantee it), the display name
 * may. The meeting's lock, removals and hands live exactly as long as the room has a member.
 * Events are published in the protocol's bus envelope `{type, from, data}`.
 */
export const LUA_HELPERS = `
local function connection_of(value)
  local first = string.find(value, ':', 1, true)
  local second = first and string.find(value, ':', first + 1, true)
  if second then return string.sub(value, 1, second - 1) end
  return value
end

local function announce_left(channel, user_id, connection)
  redis.call('PUBLISH', channel, cjson.encode({
    type = '${MemberEventType.left}', from = user_id,
    data = { ${F.userId} = user_id, ${F.connection} = connection },
  }))
end

-- A room nobody is in any more starts afresh: its lock, removals and hands go with its last member.
local function forget_meeting_if_empty(members_key, lock_key, removed_key, hands_key)
  if redis.call('EXISTS', members_key) == 0 then
    redis.call('DEL', lock_key, removed_key, hands_key)
  end
end

local function fill(template, a, b)
  local s = string.gsub(template, '\\1', function() return a end)
  if b then s = string.gsub(s, '\\2', function() return b end) end
  return s
end
`;
