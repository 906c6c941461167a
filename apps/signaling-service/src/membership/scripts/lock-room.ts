import { LockChangedField as F, MeetingEventType } from '@qual-meet/protocol';
import { LUA_HELPERS } from './lua-helpers';

/**
 * Lock or unlock a meeting (host only; the node checks who asks).
 *
 * Invariant: `room_lock:{roomId}` exists exactly while the meeting is locked and then holds the
 * host and everyone seated at the moment it was locked — the only users the join script lets in
 * meanwhile, so a member who reloads or reconnects comes back, a newcomer does not. A lock is only
 * taken while the host holds a seat, so the last member out (leave, sweep) always takes it along.
 * The change and its `lock_changed` announcement are one step: every node sees it at the same
 * point among the joins.
 *
 * KEYS: 1 room_members:{roomId}, 2 room_lock:{roomId}
 * ARGV: 1 room_events:{roomId}, 2 hostId, 3 locked (`1` | `0`)
 * Returns 1 when it changed, 0 when it already was so, -1 when the host holds no seat.
 */
export const LOCK_ROOM_LUA = `${LUA_HELPERS}
local members_key, lock_key = KEYS[1], KEYS[2]
local channel, host_id, locked = ARGV[1], ARGV[2], ARGV[3] == '1'
if redis.call('HEXISTS', members_key, host_id) == 0 then return -1 end

if locked then
  if redis.call('EXISTS', lock_key) == 1 then return 0 end
  redis.call('SADD', lock_key, host_id, unpack(redis.call('HKEYS', members_key)))
elseif redis.call('DEL', lock_key) == 0 then
  return 0
end
redis.call('PUBLISH', channel, cjson.encode({
  type = '${MeetingEventType.lockChanged}', from = host_id, data = { ${F.locked} = locked },
}))
return 1
`;
