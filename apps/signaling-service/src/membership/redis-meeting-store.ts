import { defineScript, RedisKeys, type Redis, type RedisScript } from '@qual-meet/redis';
import { ROOM, USER } from './key-templates';
import type { HandOutcome, MeetingStore } from './meeting-store';
import { LOCK_ROOM_LUA } from './scripts/lock-room';
import { REMOVE_PARTICIPANT_LUA } from './scripts/remove-participant';
import { SET_HAND_LUA } from './scripts/set-hand';

const outcomeOf = (reply: number): boolean | 'not_in_room' =>
  reply < 0 ? 'not_in_room' : reply === 1;

/**
 * {@link MeetingStore} on Redis: `room_lock`, `room_removed` and `room_hands` of a room, changed
 * only by the Lua scripts in `./scripts` (joins, leaves and sweeps read and clear them too).
 */
export class RedisMeetingStore implements MeetingStore {
  private readonly lockScript: RedisScript<unknown>;
  private readonly removeScript: RedisScript<unknown>;
  private readonly handScript: RedisScript<unknown>;

  constructor(redis: Redis) {
    this.lockScript = defineScript(redis, 'qmLockRoom', { numberOfKeys: 2, lua: LOCK_ROOM_LUA });
    this.removeScript = defineScript(redis, 'qmRemoveParticipant', {
      numberOfKeys: 4,
      lua: REMOVE_PARTICIPANT_LUA,
    });
    this.handScript = defineScript(redis, 'qmSetHand', { numberOfKeys: 2, lua: SET_HAND_LUA });
  }

  async setLock(roomId: string, hostId: string, locked: boolean) {
    const reply = await this.lockScript(
      [RedisKeys.roomMembers(roomId), RedisKeys.roomLock(roomId)],
      [RedisKeys.roomEvents(roomId), hostId, locked ? '1' : '0'],
    );
    return outcomeOf(Number(reply));
  }

  async remove(roomId: string, hostId: string, userId: string) {
    const reply = await this.removeScript(
      [
        RedisKeys.roomMembers(roomId),
        RedisKeys.roomLock(roomId),
        RedisKeys.roomRemoved(roomId),
        RedisKeys.roomHands(roomId),
      ],
      [
        RedisKeys.roomEvents(roomId),
        hostId,
        userId,
        roomId,
        RedisKeys.presence(ROOM, USER),
        RedisKeys.nodeRooms(ROOM),
      ],
    );
    return outcomeOf(Number(reply));
  }

  async setHand(request: Parameters<MeetingStore['setHand']>[0]): Promise<HandOutcome> {
    const { roomId } = request;
    const [status, raisedAt] = (await this.handScript(
      [RedisKeys.roomMembers(roomId), RedisKeys.roomHands(roomId)],
      [
        RedisKeys.roomEvents(roomId),
        request.userId,
        request.raised ? '1' : '0',
        request.connection ?? '',
        request.from,
      ],
    )) as [HandOutcome['status'], string?];
    if (status === 'not_member') return { status };
    return { status, raisedAt: raisedAt === undefined ? undefined : Number(raisedAt) };
  }
}
