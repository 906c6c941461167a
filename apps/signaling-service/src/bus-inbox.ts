import { parseBusEvent, readRelayHead, relayFrameOf, type MemberEvent } from './bus-events';
import type { LocalRooms } from './local-rooms';
import type { MeetingEvent } from './meeting-events';
import type { SignalingLogger } from './logger';
import type { SignalingMetrics } from './metrics';
import type { Relay } from './relay';
import type { LocalRoom } from './session';

/** What the node does with the room events the inbox decodes. */
export interface RoomEventHandler {
  memberEvent(room: LocalRoom, event: MemberEvent): void;
  roomEnded(room: LocalRoom): void;
  meetingEvent(room: LocalRoom, event: MeetingEvent): void;
}

/**
 * Decodes the messages of the room channels this node is subscribed to and delivers them:
 * relays to their target's sessions here, membership, room and meeting events to their handlers.
 */
export class BusInbox {
  constructor(
    private readonly rooms: LocalRooms,
    private readonly relay: Relay,
    private readonly handler: RoomEventHandler,
    private readonly metrics: SignalingMetrics,
    private readonly log: SignalingLogger,
  ) {}

  receive(roomId: string, message: Buffer): void {
    this.metrics.busMessages.add('in');
    const room = this.rooms.get(roomId);
    if (!room) return;
    const head = readRelayHead(message);
    if (head) {
      // Most relays on a room's channel are for someone elsewhere: skipped without decoding.
      let frame: string | undefined;
      for (const session of room.sessions) {
        if (session.userId !== head.to) continue;
        frame ??= relayFrameOf(message, head);
        if (frame === undefined) {
          this.log.warn({ roomId }, 'ignored a truncated relay');
          return;
        }
        this.relay.deliver(session, head.type, frame, head.sentAt, 'bus');
      }
      return;
    }
    const event = parseBusEvent(message.toString());
    if (!event) {
      this.log.warn({ roomId }, 'ignored a malformed bus message');
      return;
    }
    if (event.kind === 'room_ended') this.handler.roomEnded(room);
    else if (event.kind === 'member_joined' || event.kind === 'member_left') {
      this.handler.memberEvent(room, event);
    } else this.handler.meetingEvent(room, event);
  }
}
