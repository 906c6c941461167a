import type {
  ChatMessage,
  ClientMessage,
  ServerMessage,
  ServerMessageOf,
} from '@qual-meet/protocol';
import type { FrameWriter } from './frame-writer';
import type { SignalingLogger } from './logger';
import { encodeChatEvent, type MeetingEvent } from './meeting-events';
import type { MeetingStore } from './membership/meeting-store';
import { sortHands } from './membership/membership-store';
import type { SignalingMetrics } from './metrics';
import { RateLimiter, type RateLimitOptions } from './rate-limiter';
import type { Relay } from './relay';
import type { RoomBus } from './room-bus';
import type { JoinedState, LocalRoom, Session, SessionIn } from './session';

/** The frames of the meeting features (DESIGN §4.12). */
export type MeetingClientMessage = Extract<
  ClientMessage,
  {
    type:
      'chat' | 'set_hand' | 'lock_room' | 'remove_participant' | 'mute_participant' | 'lower_hand';
  }
>;

export interface MeetingControlsOptions {
  nodeId: string;
  store: MeetingStore;
  bus: RoomBus;
  writer: FrameWriter;
  relay: Relay;
  /** Meeting frames of one socket (chat, hands, host controls), on top of the frame limit. */
  rateLimit: RateLimitOptions;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  /** Takes a session out of its room on this node; its seat, if any is left, goes quietly. */
  dropFromRoom: (session: Session) => void;
}

/**
 * Chat, raised hands and the host's controls on one node. Chat is relayed, never stored: straight
 * to this node's members and published once for the others. Hands, lock and removals are changed
 * in Redis by scripts that announce each change on the room channel, so every member on every
 * node sees them in the same order as joins and leaves. The host is the meeting's `hostId`; every
 * host frame from anyone else is refused with `not_host`.
 */
export class MeetingControls {
  /** Per socket, across rooms: a chat flood is refused long before the frame limit. */
  private readonly limiters = new WeakMap<Session, RateLimiter>();
  private readonly writer: FrameWriter;

  constructor(private readonly options: MeetingControlsOptions) {
    this.writer = options.writer;
  }

  handle(session: Session, message: MeetingClientMessage): void {
    let limiter = this.limiters.get(session);
    if (!limiter) {
      limiter = new RateLimiter(this.options.rateLimit);
      this.limiters.set(session, limiter);
    }
    if (this.writer.refused(session, limiter.take())) return;
    if (!session.isJoined()) return this.writer.sendError(session, 'not_in_room');
    const { room, view } = session.state;
    switch (message.type) {
      case 'chat':
        return this.chat(session, message.text);
      case 'set_hand':
        return this.run(session, this.setHand(session, room, message.raised));
    }
    if (session.userId !== room.hostId) return this.writer.sendError(session, 'not_host');
    if (message.type === 'lock_room') {
      return this.run(session, this.lock(session, room, message.locked));
    }
    const target = message.targetUserId;
    // The host may lower their own hand with `lower_hand` too; every other target is a peer.
    if (!view.has(target) && !(message.type === 'lower_hand' && target === session.userId)) {
      return this.writer.sendError(session, 'peer_not_found');
    }
    switch (message.type) {
      case 'remove_participant':
        return this.run(session, this.remove(session, room, target));
      case 'mute_participant':
        return this.options.relay.toPeer(session, target, 'mute_request', {
          type: 'mute_request',
          senderUserId: session.userId,
        });
      case 'lower_hand':
        return this.run(session, this.lowerHand(session, room, target));
    }
  }

  /** The meeting fields of `room_joined`, from what the member was told. */
  roomJoinedFields(
    state: JoinedState,
  ): Pick<ServerMessageOf<'room_joined'>, 'hostId' | 'locked' | 'hands'> {
    const hands = [...state.meeting.hands].map(([userId, raisedAt]) => ({ userId, raisedAt }));
    return { hostId: state.room.hostId, locked: state.meeting.locked, hands: sortHands(hands) };
  }

  /**
   * A meeting event from the room channel. Like membership events it reaches the members in the
   * room; one still joining gets it after its `room_joined` if it came after the member's seat was
   * taken, and ignores it otherwise (the join's snapshot has it already).
   */
  onBusEvent(room: LocalRoom, event: MeetingEvent): void {
    if (event.kind === 'chat') {
      if (event.node !== this.options.nodeId) this.toRoom(room, event.frame);
      return;
    }
    for (const session of [...room.sessions]) {
      if (session.isJoined()) this.apply(session, event);
      else if (session.isJoining() && session.state.announced) {
        if (event.kind !== 'participant_removed') {
          session.state.heldBack.push({ kind: 'meeting', event });
        } else if (event.userId === session.userId) {
          this.removed(session, room);
        }
      }
    }
  }

  /** Tells a member of a change of the meeting, and keeps it for a later `room_joined`. */
  apply(session: SessionIn<'joined'>, event: MeetingEvent): void {
    const { meeting, room } = session.state;
    switch (event.kind) {
      case 'participant_removed':
        if (event.userId === session.userId) this.removed(session, room);
        return;
      case 'lock_changed':
        meeting.locked = event.locked;
        this.writer.send(session, { type: 'lock_changed', locked: event.locked });
        return;
      case 'hand_changed':
        if (event.raisedAt === undefined) meeting.hands.delete(event.userId);
        else meeting.hands.set(event.userId, event.raisedAt);
        this.writer.send(session, handChanged(event.userId, event.raisedAt));
        return;
      case 'chat':
        this.writer.sendRaw(session, 'chat', event.frame);
    }
  }

  private removed(session: Session, room: LocalRoom): void {
    this.options.dropFromRoom(session);
    this.writer.send(session, { type: 'removed', roomId: room.id });
  }

  /** To every member, the sender included: this node's members now, the others' nodes by bus. */
  private chat(session: SessionIn<'joined'>, text: string): void {
    const { user, room } = session.state;
    const frame: ChatMessage = {
      type: 'chat',
      senderUserId: user.userId,
      displayName: user.displayName,
      domain: user.domain,
      text,
      sentAt: Date.now(),
    };
    this.toRoom(room, JSON.stringify(frame));
    const { bus, metrics, nodeId } = this.options;
    bus.publish(room.id, encodeChatEvent(nodeId, frame)).then(
      () => metrics.busMessages.add('out'),
      () => metrics.relayDropped.inc({ reason: 'bus_unavailable' }),
    );
  }

  /** A chat frame for every member of the room on this node; one still joining gets it after. */
  private toRoom(room: LocalRoom, data: string): void {
    for (const session of room.sessions) {
      if (session.isJoined()) this.writer.sendRaw(session, 'chat', data);
      else if (session.isJoining() && session.state.announced) {
        const sentAt = Date.now();
        session.state.heldBack.push({ kind: 'frame', type: 'chat', data, sentAt, path: 'bus' });
      }
    }
  }

  private async setHand(session: Session, room: LocalRoom, raised: boolean): Promise<void> {
    const outcome = await this.options.store.setHand({
      roomId: room.id,
      userId: session.userId,
      raised,
      connection: session.connection,
      from: session.userId,
    });
    if (outcome.status === 'not_member') return this.writer.sendError(session, 'not_in_room');
    // A change reaches everyone, the sender too, from the bus; no change is told to the sender.
    if (outcome.status === 'unchanged') {
      this.writer.send(session, handChanged(session.userId, outcome.raisedAt));
    }
  }

  private async lowerHand(session: Session, room: LocalRoom, userId: string): Promise<void> {
    const outcome = await this.options.store.setHand({
      roomId: room.id,
      userId,
      raised: false,
      connection: undefined,
      from: session.userId,
    });
    if (outcome.status === 'not_member') return this.writer.sendError(session, 'peer_not_found');
    if (outcome.status === 'unchanged') this.writer.send(session, handChanged(userId, undefined));
  }

  private async lock(session: Session, room: LocalRoom, locked: boolean): Promise<void> {
    const changed = await this.options.store.setLock(room.id, session.userId, locked);
    if (changed === 'not_in_room') return this.writer.sendError(session, 'not_in_room');
    if (!changed) this.writer.send(session, { type: 'lock_changed', locked });
  }

  private async remove(session: Session, room: LocalRoom, userId: string): Promise<void> {
    const removed = await this.options.store.remove(room.id, session.userId, userId);
    if (removed === 'not_in_room') this.writer.sendError(session, 'not_in_room');
  }

  /**
   * Runs a store step. While Redis is away the change is not made and not announced, so no
   * client shows a state others do not see; the sender's control simply does not change.
   */
  private run(session: Session, step: Promise<void>): void {
    step.catch((error: unknown) =>
      this.options.log.warn(
        { err: error, connection: session.connection },
        'meeting change not stored',
      ),
    );
  }
}

function handChanged(userId: string, raisedAt: number | undefined): ServerMessage {
  return raisedAt === undefined
    ? { type: 'hand_changed', userId, raised: false }
    : { type: 'hand_changed', userId, raised: true, raisedAt };
}
