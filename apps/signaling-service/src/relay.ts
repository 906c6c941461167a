import type { ServerMessage, TargetedClientMessage } from '@qual-meet/protocol';
import { encodeRelay, type RelayType } from './bus-events';
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
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Carries frames from a member to one peer in its room — negotiation (offer, answer, ICE
 * candidate) and the host's `mute_request`: straight to the peer's socket when it is on this node, else through the room's channel.
 */
export class Relay {
  private readonly delivered = { local: 0, bus: 0 };

  constructor(private readonly options: RelayOptions) {}

  /** Sends a member's frame on to its target, stamped with the authenticated sender. */
  forward(session: SessionIn<'joined'>, message: TargetedClientMessage): void {
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
      this.deliver(target, type, data, sentAt, 'local');
      return;
    }
    const envelope = encodeRelay(type, session.userId, targetUserId, data, sentAt);
    this.options.bus.publish(room.id, envelope).then(this.published, this.notPublished);
  }

  // Bound once, not per relay.
  private readonly published = (): void => this.options.metrics.busMessages.add('out');
  private readonly notPublished = (): void =>
    this.options.metrics.relayDropped.inc({ reason: 'bus_unavailable' });

  /** Hands a relayed frame to a local session, or holds it back until its `room_joined`. */
  deliver(
    target: Session,
    type: string,
    data: string,
    sentAt: number,
    path: 'local' | 'bus',
  ): void {
    if (target.isJoined()) {
      const sent = this.options.writer.sendRaw(target, type, data);
      if (sent && this.delivered[path]++ % RELAY_LATENCY_SAMPLING === 0) {
        this.options.metrics.relayLatency.observe({ path }, (now() - sentAt) / 1000);
      }
    } else if (target.isJoining()) {
      target.state.heldBack.push({ kind: 'frame', type, data, sentAt, path });
    }
  }
}
