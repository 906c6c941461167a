import type { Room } from '@qual-meet/protocol';
import type { SignalingLogger } from './logger';
import type { SignalingMetrics } from './metrics';
import type { RoomBus } from './room-bus';
import type { LocalRoom, Session } from './session';

/**
 * The rooms this node holds members of. The node is subscribed to a room's channel exactly while
 * it holds a joining or joined member there.
 */
export class LocalRooms {
  private readonly rooms = new Map<string, LocalRoom>();

  constructor(
    private readonly bus: RoomBus,
    private readonly metrics: SignalingMetrics,
    private readonly log: SignalingLogger,
  ) {}

  get(roomId: string): LocalRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Adds a session to the room, subscribing to the room's channel if it is the first. */
  enter(session: Session, record: Pick<Room, 'id' | 'maxParticipants' | 'hostId'>): LocalRoom {
    let room = this.rooms.get(record.id);
    if (!room) {
      const subscribed = this.bus.subscribe(record.id);
      subscribed.catch(() => undefined);
      const { id, maxParticipants, hostId } = record;
      room = { id, maxParticipants, hostId, sessions: new Set(), subscribed };
      this.rooms.set(record.id, room);
      this.metrics.rooms.set(this.rooms.size);
    }
    room.sessions.add(session);
    return room;
  }

  /** Takes a session out of the room; the last one out unsubscribes. */
  exit(session: Session, room: LocalRoom): void {
    room.sessions.delete(session);
    if (room.sessions.size > 0 || this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room.id);
    this.metrics.rooms.set(this.rooms.size);
    this.bus
      .unsubscribe(room.id)
      .catch((error: unknown) => this.log.warn({ err: error }, 'unsubscribe failed'));
  }
}
