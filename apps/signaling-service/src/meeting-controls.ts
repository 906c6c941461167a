import {
  emailDomainOf,
  type ChatMessage,
  type ClientMessage,
  type RaisedHand,
  type ServerMessage,
  type ServerMessageOf,
  type SignalingErrorCode,
} from '@qual-meet/protocol';
import type { RelayType } from './bus-events';
import { encodeChatEvent, type MeetingEvent } from './meeting-events';
import { sortHands, type MeetingSnapshot } from './membership/membership-store';
import type { MeetingStore } from './membership/meeting-store';
import { RateLimiter, type RateDecision, type RateLimitOptions } from './rate-limiter';
import type { RoomBus } from './room-bus';
import type { LocalRoom, Session } from './session';

/** The frames of the meeting features (DESIGN §4.12). */
export type MeetingClientMessage = Extract<
  ClientMessage,
  {
    type:
      'chat' | 'set_hand' | 'lock_room' | 'remove_participant' | 'mute_participant' | 'lower_hand';
  }
>;

/** What the meeting features need of the node they run in. */
export interface MeetingNode {
  readonly nodeId: string;
  send(session: Session, message: ServerMessage): void;
  sendRaw(session: Session, type: string, data: string): boolean;
  sendError(session: Session, code: SignalingErrorCode, message?: string): void;
  /** What the node does with a frame over a rate limit (warn once, then close 4429). */
  limited(session: Session, decision: Exclude<RateDecision, 'accept'>): void;
  /** Sends a frame to one peer of the sender's room, the way offers travel. */
  relayTo(session: Session, targetUserId: string, type: RelayType, frame: ServerMessage): void;
  /** Takes a session out of its room on this node; its seat, if any is left, goes quietly. */
  dropFromRoom(session: Session): void;
}

export interface MeetingControlsOptions {
  store: MeetingStore;
  bus: RoomBus;
  /** Meeting frames of one socket (chat, hands, host controls), on top of the frame limit. */
  rateLimit: RateLimitOptions;
  onPublishFailed: () => void;
  log: { warn: (details: object, message?: string) => void };
}

/** The meeting's state as one member's client was told it (for `room_joined` again). */
interface MeetingView {
  locked: boolean;
  hands: Map<string, number>;
}

/**
 * Chat, raised hands and the host's controls on one node. Chat is relayed, never stored: straight
 * to this node's members and published once for the others. Hands, lock and removals are changed
 * in Redis by scripts that announce each change on the room channel, so every member on every
 * node sees them in the same order as joins and leaves; the host is the meeting's `hostId`, and
 * every host frame from anyone else is refused with `not_host`.
 */
export class MeetingControls {
  /** Per socket, across rooms: a chat flood is refused long before the frame limit. */
  private readonly limiters = new WeakMap<Session, RateLimiter>();
  /** Per socket in a room: what it was told, starting from its join's snapshot. */
  private readonly views = new WeakMap<Session, MeetingView>();

  constructor(
    private readonly node: MeetingNode,
    private readonly options: MeetingControlsOptions,
  ) {}

  handle(session: Session, message: MeetingClientMessage): void {
    let limiter = this.limiters.get(session);
    if (!limiter) {
      limiter = new RateLimiter(this.options.rateLimit);
      this.limiters.set(session, limiter);
    }
    const decision = limiter.take();
    if (decision !== 'accept') return this.node.limited(session, decision);
    const room = session.room;
    if (!room || !session.joined) return this.node.sendError(session, 'not_in_room');
    switch (message.type) {
      case 'chat':
        return this.chat(session, room, message.text);
      case 'set_hand':
        return this.run(session, this.setHand(session, room, message.raised));
    }
    if (session.userId !== room.hostId) return this.node.sendError(session, 'not_host');
    if (message.type === 'lock_room') {
      return this.run(session, this.lock(session, room, message.locked));
    }
    const target = message.targetUserId;
    const isPeer = session.view?.has(target) ?? false;
    // The host may lower their own hand with `lower_hand` too; every other target is a peer.
    if (!isPeer && !(message.type === 'lower_hand' && target === session.userId)) {
      return this.node.sendError(session, 'peer_not_found');
    }
    switch (message.type) {
      case 'remove_participant':
        return this.run(session, this.remove(session, room, target));
      case 'mute_participant':
        return this.node.relayTo(session, target, 'mute_request', {
          type: 'mute_request',
          senderUserId: session.userId,
        });
      case 'lower_hand':
        return this.run(session, this.lowerHand(session, room, target));
    }
  }

  /** A member's join went through: its view of the meeting starts from the store's snapshot. */
  joining(session: Session, snapshot: MeetingSnapshot): void {
    this.views.set(session, {
      locked: snapshot.locked,
      hands: new Map(snapshot.hands.map((hand) => [hand.userId, hand.raisedAt])),
    });
  }

  /** The meeting fields of `room_joined`. */
  roomJoinedFields(
    session: Session,
  ): Pick<ServerMessageOf<'room_joined'>, 'hostId' | 'locked' | 'hands'> {
    const view = this.views.get(session);
    const hands: RaisedHand[] = [...(view?.hands ?? [])].map(([userId, raisedAt]) => ({
      userId,
      raisedAt,
    }));
    return { hostId: session.room?.hostId, locked: view?.locked ?? false, hands: sortHands(hands) };
  }

  /**
   * A meeting event from the room channel. Like membership events, it reaches a member in the
   * room; a member still joining has it folded into what its `room_joined` will say if it came
   * after the member's seat was taken, and ignores it otherwise (its snapshot has it already).
   */
  onBusEvent(room: LocalRoom, event: MeetingEvent): void {
    if (event.kind === 'chat') {
      if (event.node !== this.node.nodeId) this.toRoom(room, 'chat', event.frame);
      return;
    }
    for (const session of [...room.sessions]) {
      if (!session.joined && !session.announced) continue;
      if (event.kind === 'participant_removed') {
        if (session.userId !== event.userId) continue;
        this.node.dropFromRoom(session);
        this.node.send(session, { type: 'removed', roomId: room.id });
        continue;
      }
      const view = this.views.get(session);
      if (!view) continue;
      if (event.kind === 'lock_changed') {
        view.locked = event.locked;
        if (session.joined) this.node.send(session, { type: 'lock_changed', locked: event.locked });
        continue;
      }
      if (event.raisedAt === undefined) view.hands.delete(event.userId);
      else view.hands.set(event.userId, event.raisedAt);
      if (session.joined) this.node.send(session, handChanged(event.userId, event.raisedAt));
    }
  }

  /** To every member, the sender included: this node's members now, the others' nodes by bus. */
  private chat(session: Session, room: LocalRoom, text: string): void {
    const frame: ChatMessage = {
      type: 'chat',
      senderUserId: session.userId,
      displayName: session.displayName,
      domain: emailDomainOf(session.claims?.email ?? ''),
      text,
      sentAt: Date.now(),
    };
    this.toRoom(room, 'chat', JSON.stringify(frame));
    this.options.bus
      .publish(room.id, encodeChatEvent(this.node.nodeId, frame))
      .catch(this.options.onPublishFailed);
  }

  /** A frame for every member of the room on this node; one still joining gets it afterwards. */
  private toRoom(room: LocalRoom, type: string, data: string): void {
    for (const session of room.sessions) {
      if (session.joined) this.node.sendRaw(session, type, data);
      else if (session.announced) {
        session.heldBack?.push({ kind: 'frame', type, data, sentAt: Date.now(), path: 'bus' });
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
    if (outcome.status === 'not_member') return this.node.sendError(session, 'not_in_room');
    // A change reaches everyone, the sender too, from the bus; no change is told to the sender.
    if (outcome.status === 'unchanged') {
      this.node.send(session, handChanged(session.userId, outcome.raisedAt));
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
    if (outcome.status === 'not_member') return this.node.sendError(session, 'peer_not_found');
    if (outcome.status === 'unchanged') this.node.send(session, handChanged(userId, undefined));
  }

  private async lock(session: Session, room: LocalRoom, locked: boolean): Promise<void> {
    const changed = await this.options.store.setLock(room.id, session.userId, locked);
    if (changed === 'not_in_room') return this.node.sendError(session, 'not_in_room');
    if (!changed) this.node.send(session, { type: 'lock_changed', locked });
  }

  private async remove(session: Session, room: LocalRoom, userId: string): Promise<void> {
    const removed = await this.options.store.remove(room.id, session.userId, userId);
    if (removed === 'not_in_room') this.node.sendError(session, 'not_in_room');
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
