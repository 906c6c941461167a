import type { RelayType, ServerMessage, TargetedClientMessage } from '@qual-meet/protocol';
import { encodeRelay } from './bus-events';
import { isOnNode } from './connection-id';
import type { FrameWriter } from './frame-writer';
import { RELAY_LATENCY_SAMPLING, type SignalingMetrics } from './metrics';
import type { RoomBus } from './room-bus';
import type { Session, SessionIn } from './session';

export interface RelayOptions {
  nodeId: string;
  bus: RoomBus;
  metrics: SignalingMetrics;
  writer: FrameWriter;
  /** This node's open session of a connection id. */
  sessionOf: (connection: string) => Session | undefined;
  /** A target whose unsent output is past this gets no more relays. */
  targetBufferLimitBytes: number;
  /** Relays published and not yet answered by Redis; past this, relays are refused. */
  publishPendingLimitBytes: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Carries frames from a member to one peer in its room — negotiation (offer, answer, ICE
 * candidate) and the host's `mute_request`: straight to the peer's socket when it is on this
 * node, else through the room's channel.
 *
 * A flood is stopped at its sender, never by cutting off its target (DESIGN §4.11): offers are
 * limited per target, a target that is not reading gets no more relays (its local senders are
 * refused, which counts toward their close), and relays waiting for Redis are bounded.
 */
export class Relay {
  private readonly delivered = { local: 0, bus: 0 };
  private pendingPublishBytes = 0;

  constructor(private readonly options: RelayOptions) {}

  /** Sends a member's frame on to its target, stamped with the authenticated sender. */
  forward(session: SessionIn<'joined'>, message: TargetedClientMessage): void {
    if (message.type === 'offer' && session.state.view.has(message.targetUserId)) {
      const decision = session.limiter.takeOffer(message.targetUserId);
      if (this.options.writer.refused(session, decision)) return;
    }
    const frame: ServerMessage =
      message.type === 'ice_candidate'
        ? { type: message.type, senderUserId: session.userId, candidate: message.candidate }
        : { type: message.type, senderUserId: session.userId, sdp: message.sdp };
    this.toPeer(session, message.targetUserId, message.type, frame);
  }

  /** Sends `frame` to a peer in the member's room (`peer_not_found` for anyone else). */
  toPeer(
    session: SessionIn<'joined'>,
    targetUserId: string,
    type: RelayType,
    frame: ServerMessage,
  ): void {
    const { room, view } = session.state;
    const { writer, nodeId, metrics } = this.options;
    const peer = view.get(targetUserId);
    if (!peer) return writer.sendError(session, 'peer_not_found');
    const sentAt = now();
    const data = JSON.stringify(frame);
    if (isOnNode(peer.connection, nodeId)) {
      const target = this.options.sessionOf(peer.connection);
      if (!target || target.room !== room) {
        metrics.relayDropped.inc({ reason: 'target_gone' });
        return;
      }
      if (!this.deliver(target, type, data, sentAt, 'local')) {
        writer.refused(session, session.limiter.strike());
      }
      return;
    }
    const envelope = encodeRelay(type, session.userId, targetUserId, data, sentAt);
    this.publish(session, room.id, envelope);
  }

  private publish(session: Session, roomId: string, envelope: string): void {
    const { metrics, publishPendingLimitBytes } = this.options;
    const size = envelope.length;
    if (this.pendingPublishBytes + size > publishPendingLimitBytes) {
      // Redis is not keeping up: refuse rather than queue without bound. Not the sender's fault,
      // so no strike against it.
      metrics.relayDropped.inc({ reason: 'bus_backlog' });
      this.options.writer.sendError(session, 'rate_limited', 'Signaling is busy: try again');
      return;
    }
    this.pendingPublishBytes += size;
    this.options.bus.publish(roomId, envelope).then(
      () => {
        this.pendingPublishBytes -= size;
        metrics.busMessages.add('out');
      },
      () => {
        this.pendingPublishBytes -= size;
        metrics.relayDropped.inc({ reason: 'bus_unavailable' });
      },
    );
  }

  /**
   * Hands a relayed frame to a local session, or holds it back until its `room_joined`; false
   * when the target is not reading its socket and gets nothing more for now.
   */
  deliver(
    target: Session,
    type: string,
    data: string,
    sentAt: number,
    path: 'local' | 'bus',
  ): boolean {
    if (target.socket.bufferedAmount > this.options.targetBufferLimitBytes) {
      this.options.metrics.relayDropped.inc({ reason: 'slow_consumer' });
      return false;
    }
    if (target.isJoined()) {
      const sent = this.options.writer.sendRaw(target, type, data);
      if (sent && this.delivered[path]++ % RELAY_LATENCY_SAMPLING === 0) {
        this.options.metrics.relayLatency.observe({ path }, (now() - sentAt) / 1000);
      }
    } else if (target.isJoining()) {
      target.state.heldBack.push({ kind: 'frame', type, data, sentAt, path });
    }
    return true;
  }
}
