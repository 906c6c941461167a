import {
  CloseCode,
  displayNameOf,
  emailDomainOf,
  type ClientMessage,
  type ServerMessage,
  type SignalingErrorCode,
  type TargetedClientMessage,
} from '@qual-meet/protocol';
import type { AccessTokenVerifier } from '@qual-meet/server-kit';
import {
  encodeRelay,
  parseBusEvent,
  readRelayHead,
  relayFrameOf,
  type MemberEvent,
  type RelayType,
} from './bus-events';
import { isOnNode } from './connection-id';
import { errorFrame, parseClientFrame } from './frames';
import { MeetingControls, type MeetingNode } from './meeting-controls';
import type { MeetingStore } from './membership/meeting-store';
import type { MembershipStore } from './membership/membership-store';
import { RELAY_LATENCY_SAMPLING, type SignalingMetrics } from './metrics';
import type { RateDecision, RateLimitOptions } from './rate-limiter';
import { RoomLookupError, type RoomDirectory } from './room-directory';
import type { RoomBus } from './room-bus';
import {
  CLOSED,
  Session,
  type CorkableStream,
  type KnownPeer,
  type LocalRoom,
  type SignalingSocket,
} from './session';

/** Frames a busy session may queue (a join in flight); more are refused as `rate_limited`. */
const MAX_BACKLOG = 256;

type LogFn = (details: object, message?: string) => void;

/** The logger the node writes to (pino's fits). */
export interface SignalingLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface SignalingNodeOptions {
  nodeId: string;
  verifyAccessToken: AccessTokenVerifier;
  rooms: RoomDirectory;
  bus: RoomBus;
  membership: MembershipStore;
  /** Lock, removals and hands of meetings (DESIGN §4.12). */
  meetings: MeetingStore;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  authTimeoutMs: number;
  rateLimit: RateLimitOptions;
  /** Chat, hand and host frames of one socket, on top of `rateLimit`. */
  meetingRateLimit: RateLimitOptions;
  presenceTtlSeconds: number;
  nodeTimeoutMs: number;
  pingIntervalMs: number;
  sendBufferLimitBytes: number;
  shutdownGraceMs: number;
  /** How long a join waits for its own announcement on the bus before trusting the snapshot. */
  joinAnnouncementTimeoutMs?: number;
}

const now = () => performance.timeOrigin + performance.now();

/** The error a refused join is answered with. */
const REFUSALS = {
  full: 'room_full',
  taken: 'room_full',
  locked: 'room_locked',
  removed: 'removed',
} as const satisfies Record<string, SignalingErrorCode>;

/**
 * One signaling node: authenticates sockets, keeps their rooms, and relays negotiation between
 * peers, locally or through the room's bus channel.
 *
 * Ordering: every membership change is announced on the room channel by the same atomic script
 * that made it, so each node sees changes in one global order. A joining client's view starts
 * from the store's snapshot at its own seat-taking, and only changes announced after its own
 * `user_joined` are applied on top — so "existing peer" (it gets `room_joined` listing the other)
 * and "newcomer" (it gets `user_joined`) are never both or neither for a pair.
 */
export class SignalingNode {
  /** Open sessions, by connection id (what views and the store name a member's socket by). */
  private readonly sessions = new Map<string, Session>();
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly pendingLeaves: { roomId: string; userId: string; connection: string }[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly options: Required<SignalingNodeOptions>;
  private corked: Session[] = [];
  private readonly relaysDelivered = { local: 0, bus: 0 };
  private isRegistered = false;
  private ticking = false;
  private stopping = false;
  private drained: (() => void) | undefined;
  private readonly meeting: MeetingControls;

  constructor(options: SignalingNodeOptions) {
    this.options = { joinAnnouncementTimeoutMs: 1_000, ...options };
    options.bus.onMessage((roomId, message) => this.onBusMessage(roomId, message));
    const node: MeetingNode = {
      nodeId: options.nodeId,
      send: (session, message) => this.send(session, message),
      sendRaw: (session, type, data) => this.sendRaw(session, type, data),
      sendError: (session, code, message) => this.sendError(session, code, message),
      limited: (session, decision) => this.limited(session, decision),
      relayTo: (session, target, type, frame) => this.sendToPeer(session, target, type, frame),
      dropFromRoom: (session) => this.dropFromRoom(session),
    };
    this.meeting = new MeetingControls(node, {
      store: options.meetings,
      bus: options.bus,
      rateLimit: options.meetingRateLimit,
      onPublishFailed: this.notPublished,
      log: options.log,
    });
  }

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** False once shutdown has begun: the transport then refuses new sockets. */
  get accepting(): boolean {
    return !this.stopping;
  }

  /** Registered in the membership store: until then joins are answered "try again later". */
  get registered(): boolean {
    return this.isRegistered;
  }

  /** Open sockets, for tests and metrics. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /**
   * Starts the liveness, sweeping and ping timers, and registers the node now if the store is
   * reachable — else at the first liveness step that reaches it (see {@link tick}); until then
   * joins are answered "try again later".
   */
  async start(): Promise<void> {
    const { nodeTimeoutMs, pingIntervalMs } = this.options;
    await this.tick();
    this.timers.push(setInterval(() => void this.tick(), Math.max(50, nodeTimeoutMs / 3)));
    this.timers.push(setInterval(() => this.pingAll(), pingIntervalMs));
  }

  /**
   * Runs the liveness step now: after Redis comes back, seats may need re-asserting at once (or,
   * if Redis was down at start, the node registers).
   */
  onStoreReconnected(): void {
    if (this.isRegistered) this.options.metrics.redisReconnects.inc();
    void this.tick();
  }

  /**
   * Takes a new socket. The transport then reports its events with {@link receive},
   * {@link pong} and {@link closed}. `stream`, the byte stream under the socket, lets the node
   * gather the frames of one event-loop turn into one write.
   */
  accept(socket: SignalingSocket, stream?: CorkableStream): Session {
    const session = new Session(socket, this.options.nodeId, this.options.rateLimit, stream);
    this.sessions.set(session.connection, session);
    this.options.metrics.connections.inc();
    this.options.metrics.connectionsOpened.inc();
    session.authTimer = setTimeout(
      () => this.refuse(session, 'no auth frame in time'),
      this.options.authTimeoutMs,
    );
    return session;
  }

  /** A frame arrived on a session's socket; `undefined` for a binary frame. */
  receive(session: Session, text: string | undefined): void {
    this.onFrame(session, text);
  }

  /** The socket answered a protocol ping. */
  pong(session: Session): void {
    session.alive = true;
  }

  /** The socket closed, for whatever reason. */
  closed(session: Session): void {
    this.onClosed(session);
  }

  /**
   * Graceful stop: refuse new sockets, give up this node's seats (the others hear `user_left`
   * now rather than when the sweeper notices), close every socket with 1001 so clients reconnect
   * elsewhere, and wait for them a little.
   */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const session of this.sessions.values()) this.exitRoom(session);
    try {
      await this.options.membership.sweepNode(this.options.nodeId, true);
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not release seats on shutdown');
    }
    if (this.sessions.size === 0) return;
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    for (const session of this.sessions.values()) {
      clearTimeout(session.authTimer);
      session.finished = true;
      session.socket.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    let grace: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      grace = setTimeout(resolve, this.options.shutdownGraceMs);
    });
    await Promise.race([drained, timeout]);
    clearTimeout(grace);
    for (const session of this.sessions.values()) session.socket.terminate();
  }

  // ── Frames ────────────────────────────────────────────────────────────────────────────────

  private onFrame(session: Session, text: string | undefined): void {
    if (session.finished) return;
    const { metrics } = this.options;
    const decision = session.limiter.take();
    if (decision !== 'accept') {
      metrics.framesIn.add('dropped');
      this.limited(session, decision);
      return;
    }
    const frame = parseClientFrame(text);
    // Labels stay bounded: a valid frame's type is one of the protocol's few.
    metrics.framesIn.add(frame.ok ? frame.message.type : 'invalid');
    if (!session.claims) {
      if (frame.ok && frame.message.type === 'auth')
        this.authenticate(session, frame.message.token);
      else this.refuse(session, 'first frame was not auth');
      return;
    }
    if (!frame.ok) {
      this.sendError(session, 'invalid_message', `Invalid frame: ${frame.reason}`);
      return;
    }
    if (session.busy) {
      session.backlog ??= [];
      if (session.backlog.length >= MAX_BACKLOG) this.sendError(session, 'rate_limited');
      else session.backlog.push(frame.message);
      return;
    }
    this.handle(session, frame.message);
  }

  /** A frame over a limit: dropped, the first of a flood answered, a long flood closed 4429. */
  private limited(session: Session, decision: Exclude<RateDecision, 'accept'>): void {
    if (decision === 'warn') this.sendError(session, 'rate_limited');
    if (decision === 'close') {
      session.finished = true;
      this.sendError(session, 'rate_limited', 'Too many messages: disconnected');
      session.socket.close(CloseCode.RATE_LIMITED, 'rate limited');
    }
  }

  private handle(session: Session, message: ClientMessage): void {
    switch (message.type) {
      case 'auth':
        this.authenticate(session, message.token);
        return;
      case 'join_room':
        this.exclusive(session, () => this.join(session, message.roomId));
        return;
      case 'leave_room':
        if (!session.room) this.sendError(session, 'not_in_room');
        else this.exclusive(session, () => this.leave(session, 'if-removed'));
        return;
      case 'heartbeat':
        this.heartbeat(session);
        return;
      case 'offer':
      case 'answer':
      case 'ice_candidate':
        this.relay(session, message);
        return;
      case 'chat':
      case 'set_hand':
      case 'lock_room':
      case 'remove_participant':
      case 'mute_participant':
      case 'lower_hand':
        this.meeting.handle(session, message);
        return;
    }
  }

  /**
   * Verifies a token with the shared RS256 verifier. A later `auth` frame on an authenticated
   * socket refreshes the token kept for room lookups, but must name the same user.
   */
  private authenticate(session: Session, token: string): void {
    let claims;
    try {
      claims = this.options.verifyAccessToken(token);
    } catch (error) {
      this.refuse(session, (error as Error).message);
      return;
    }
    if (session.claims && session.claims.userId !== claims.userId) {
      this.refuse(session, 'token of another user');
      return;
    }
    clearTimeout(session.authTimer);
    session.authTimer = undefined;
    session.claims = claims;
    session.token = token;
    session.displayName = displayNameOf(claims.email);
    this.send(session, { type: 'authenticated', userId: claims.userId });
  }

  /** `error unauthorized`, then close 4401. */
  private refuse(session: Session, why: string): void {
    if (session.finished) return;
    this.options.log.debug({ connection: session.connection, why }, 'unauthorized');
    clearTimeout(session.authTimer);
    this.sendError(session, 'unauthorized');
    session.finished = true;
    session.socket.close(CloseCode.UNAUTHORIZED, 'unauthorized');
  }

  /** Runs an asynchronous step of a session alone; frames arriving meanwhile wait their turn. */
  private exclusive(session: Session, step: () => Promise<void>): void {
    session.busy = true;
    step()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'session step failed'))
      .finally(() => {
        session.busy = false;
        this.drain(session);
      });
  }

  private drain(session: Session): void {
    while (!session.busy) {
      const next = session.backlog?.shift();
      if (next === undefined) return;
      if (next === CLOSED) {
        this.exclusive(session, () => this.cleanUp(session));
      } else if (!session.closed) {
        this.handle(session, next);
      }
    }
  }

  private onClosed(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    session.finished = true;
    clearTimeout(session.authTimer);
    clearTimeout(session.joinTimer);
    this.sessions.delete(session.connection);
    this.options.metrics.connections.dec();
    session.backlog = [CLOSED];
    this.drain(session);
    if (this.sessions.size === 0) this.drained?.();
  }

  private async cleanUp(session: Session): Promise<void> {
    if (session.room) await this.leave(session, 'if-removed');
  }

  // ── Rooms ─────────────────────────────────────────────────────────────────────────────────

  private async join(session: Session, roomId: string): Promise<void> {
    if (session.room?.id === roomId && session.joined) {
      this.sendRoomJoined(session);
      return;
    }
    if (session.room) await this.leave(session, 'if-removed');

    let room;
    try {
      room = await this.options.rooms.lookup(roomId, session.token);
    } catch (error) {
      if (error instanceof RoomLookupError && error.reason === 'unauthorized') {
        this.refuse(session, error.message);
      } else {
        this.tryAgainLater(session, error);
      }
      return;
    }
    if (session.closed) return;
    if (!room) return this.sendError(session, 'room_not_found');
    if (!room.isActive) return this.sendError(session, 'room_inactive');
    // Seats taken before registration could be swept by it (it clears a previous run's seats).
    if (!this.isRegistered)
      return this.tryAgainLater(session, new Error('node not registered yet'));

    const local = this.enterRoom(session, roomId, room.maxParticipants, room.hostId);
    let outcome;
    try {
      await local.subscribed;
      outcome = await this.options.membership.join({
        roomId,
        userId: session.userId,
        connection: session.connection,
        displayName: session.displayName,
        domain: emailDomainOf(session.claims?.email ?? ''),
        maxParticipants: room.maxParticipants,
        isHost: room.hostId === session.userId,
        mode: 'join',
      });
    } catch (error) {
      this.exitRoom(session);
      this.tryAgainLater(session, error);
      return;
    }
    if (session.room !== local) {
      // The room ended while the seat was being taken: give it back.
      if (outcome.status === 'joined') await this.releaseSeat(roomId, session, 'if-removed');
      return;
    }
    if (outcome.status !== 'joined') {
      this.exitRoom(session);
      this.sendError(session, REFUSALS[outcome.status]);
      return;
    }
    if (session.closed) return;
    session.snapshot = outcome.members;
    this.meeting.joining(session, outcome.meeting);
    if (!this.activate(session)) {
      // Normally our own announcement is already here or a moment away; if the subscriber
      // connection dropped it, the snapshot alone is still a correct start.
      session.joinTimer = setTimeout(
        () => this.activate(session, true),
        this.options.joinAnnouncementTimeoutMs,
      );
    }
  }

  /**
   * Completes a join once both the snapshot and the session's own announcement are in: sends
   * `room_joined`, then whatever was held back meanwhile.
   */
  private activate(session: Session, force = false): boolean {
    if (session.closed || session.joined || !session.room || !session.snapshot) return false;
    if (!session.announced && !force) return false;
    clearTimeout(session.joinTimer);
    session.joinTimer = undefined;
    const view = new Map<string, KnownPeer>();
    for (const member of session.snapshot) {
      if (member.userId === session.userId) continue;
      view.set(member.userId, {
        connection: member.connection,
        displayName: member.displayName,
        domain: member.domain,
      });
    }
    session.snapshot = undefined;
    session.view = view;
    session.lastHeartbeatAt = Date.now();
    this.sendRoomJoined(session);
    const heldBack = session.heldBack ?? [];
    session.heldBack = undefined;
    for (const item of heldBack) {
      if (item.kind === 'event') this.applyToView(session, item.event);
      else this.deliver(session, item.type, item.data, item.sentAt, item.path);
    }
    return true;
  }

  private sendRoomJoined(session: Session): void {
    const peers = [...(session.view ?? [])].map(([userId, peer]) => ({
      userId,
      displayName: peer.displayName,
      domain: peer.domain,
    }));
    this.send(session, {
      type: 'room_joined',
      roomId: session.room?.id ?? '',
      existingPeers: peers.map((peer) => peer.userId),
      peers,
      ...this.meeting.roomJoinedFields(session),
    });
  }

  private enterRoom(
    session: Session,
    roomId: string,
    maxParticipants: number,
    hostId: string,
  ): LocalRoom {
    let room = this.rooms.get(roomId);
    if (!room) {
      const subscribed = this.options.bus.subscribe(roomId);
      subscribed.catch(() => undefined);
      room = { id: roomId, maxParticipants, hostId, sessions: new Set(), subscribed };
      this.rooms.set(roomId, room);
      this.options.metrics.rooms.set(this.rooms.size);
    }
    room.sessions.add(session);
    session.room = room;
    session.view = undefined;
    session.announced = false;
    session.snapshot = undefined;
    session.heldBack = [];
    return room;
  }

  /** Takes a session out of its room on this node only; the last one out unsubscribes. */
  private exitRoom(session: Session): void {
    const room = session.room;
    if (!room) return;
    room.sessions.delete(session);
    session.room = undefined;
    session.view = undefined;
    session.snapshot = undefined;
    session.heldBack = undefined;
    clearTimeout(session.joinTimer);
    session.joinTimer = undefined;
    if (room.sessions.size === 0 && this.rooms.get(room.id) === room) {
      this.rooms.delete(room.id);
      this.options.metrics.rooms.set(this.rooms.size);
      this.options.bus
        .unsubscribe(room.id)
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'unsubscribe failed'));
    }
  }

  /** The host removed this member: out of the room here, its seat (already gone) not announced. */
  private dropFromRoom(session: Session): void {
    const room = session.room;
    if (!room) return;
    this.exitRoom(session);
    void this.releaseSeat(room.id, session, 'never');
  }

  private async leave(
    session: Session,
    announce: 'if-removed' | 'always' | 'never',
  ): Promise<void> {
    const room = session.room;
    if (!room) return;
    this.exitRoom(session);
    await this.releaseSeat(room.id, session, announce);
  }

  /** Gives a seat back in the store; if Redis is away, retried when it returns. */
  private async releaseSeat(
    roomId: string,
    session: Session,
    announce: 'if-removed' | 'always' | 'never',
  ): Promise<void> {
    try {
      await this.options.membership.leave(roomId, session.userId, session.connection, announce);
    } catch {
      this.pendingLeaves.push({ roomId, userId: session.userId, connection: session.connection });
    }
  }

  private tryAgainLater(session: Session, error: unknown): void {
    this.options.log.warn(
      { err: error, connection: session.connection },
      'join failed: dependency unavailable',
    );
    if (session.finished) return;
    session.finished = true;
    session.socket.close(CloseCode.TRY_AGAIN_LATER, 'try again later');
  }

  private heartbeat(session: Session): void {
    const room = session.room;
    if (!room || !session.joined) return;
    session.lastHeartbeatAt = Date.now();
    this.options.membership
      .refresh(room.id, session.userId, session.connection)
      .then((held) => {
        if (!held && session.room === room && session.joined) this.reassert(session);
      })
      .catch((error: unknown) => this.options.log.debug({ err: error }, 'heartbeat not stored'));
  }

  /**
   * Restores a member's seat that the store lost (Redis restarted, or this node was taken for
   * dead and swept). A newer connection of the user wins; a room filled meanwhile refuses.
   */
  private reassert(session: Session): void {
    if (session.busy || !session.room || !session.joined) return;
    const room = session.room;
    this.exclusive(session, async () => {
      if (session.room !== room || !session.joined) return;
      const outcome = await this.options.membership.join({
        roomId: room.id,
        userId: session.userId,
        connection: session.connection,
        displayName: session.displayName,
        domain: emailDomainOf(session.claims?.email ?? ''),
        maxParticipants: room.maxParticipants,
        isHost: room.hostId === session.userId,
        mode: 'reassert',
      });
      if (session.room !== room) return;
      if (outcome.status === 'taken') this.replaced(session);
      if (outcome.status === 'removed') {
        // The host removed it while this node was not listening.
        this.exitRoom(session);
        this.send(session, { type: 'removed', roomId: room.id });
      }
      if (outcome.status === 'full') {
        await this.leave(session, 'always');
        this.sendError(session, 'room_full');
      }
    });
  }

  /** Another connection of the same user took the seat: this one is closed with 4409. */
  private replaced(session: Session): void {
    this.exitRoom(session);
    session.finished = true;
    session.socket.close(CloseCode.REPLACED, 'joined from another connection');
  }

  // ── Relay ─────────────────────────────────────────────────────────────────────────────────

  private relay(session: Session, message: TargetedClientMessage): void {
    const frame: ServerMessage =
      message.type === 'ice_candidate'
        ? { type: message.type, senderUserId: session.userId, candidate: message.candidate }
        : { type: message.type, senderUserId: session.userId, sdp: message.sdp };
    this.sendToPeer(session, message.targetUserId, message.type, frame);
  }

  /** Delivers a frame to one peer of the sender's room: directly if it is here, else by bus. */
  private sendToPeer(
    session: Session,
    targetUserId: string,
    type: RelayType,
    frame: ServerMessage,
  ): void {
    const room = session.room;
    if (!room || !session.joined) return this.sendError(session, 'not_in_room');
    const peer = session.view?.get(targetUserId);
    if (!peer) return this.sendError(session, 'peer_not_found');
    const sentAt = now();
    const data = JSON.stringify(frame);
    if (isOnNode(peer.connection, this.options.nodeId)) {
      const target = this.sessions.get(peer.connection);
      if (!target || target.room !== room) {
        this.options.metrics.relayDropped.inc({ reason: 'target_gone' });
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
  private deliver(
    target: Session,
    type: string,
    data: string,
    sentAt: number,
    path: 'local' | 'bus',
  ): void {
    if (target.joined) {
      const sent = this.sendRaw(target, type, data);
      if (sent && this.relaysDelivered[path]++ % RELAY_LATENCY_SAMPLING === 0) {
        this.options.metrics.relayLatency.observe({ path }, (now() - sentAt) / 1000);
      }
    } else if (target.heldBack) {
      target.heldBack.push({ kind: 'frame', type, data, sentAt, path });
    }
  }

  // ── Bus ───────────────────────────────────────────────────────────────────────────────────

  private onBusMessage(roomId: string, message: Buffer): void {
    this.options.metrics.busMessages.add('in');
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
          this.options.log.warn({ roomId }, 'ignored a truncated relay');
          return;
        }
        this.deliver(session, head.type, frame, head.sentAt, 'bus');
      }
      return;
    }
    const event = parseBusEvent(message.toString());
    if (!event) {
      this.options.log.warn({ roomId }, 'ignored a malformed bus message');
      return;
    }
    switch (event.kind) {
      case 'relay':
        this.deliverRelay(room, event.type, event.to, event.frame, event.sentAt);
        return;
      case 'member_joined':
      case 'member_left':
        this.onMemberEvent(room, event);
        return;
      case 'room_ended':
        this.endRoom(room);
        return;
      case 'hand_changed':
      case 'lock_changed':
      case 'participant_removed':
      case 'chat':
        this.meeting.onBusEvent(room, event);
        return;
    }
  }

  /** Hands a frame relayed through the bus to the target's sessions in the room on this node. */
  private deliverRelay(
    room: LocalRoom,
    type: RelayType,
    to: string,
    frame: string,
    sentAt: number,
  ): void {
    for (const session of room.sessions) {
      if (session.userId === to) this.deliver(session, type, frame, sentAt, 'bus');
    }
  }

  private onMemberEvent(room: LocalRoom, event: MemberEvent): void {
    for (const session of [...room.sessions]) {
      if (session.connection === event.connection) {
        if (event.kind === 'member_joined' && !session.joined) {
          session.announced = true;
          this.activate(session);
        } else if (event.kind === 'member_left' && session.joined) {
          // Our seat was taken from us (swept or pruned) although the socket is fine.
          this.reassert(session);
        }
        continue;
      }
      if (event.kind === 'member_joined' && session.userId === event.userId) {
        // A newer connection of this user took the seat: unless ours is still on its way.
        if (session.joined || session.announced) this.replaced(session);
        continue;
      }
      if (!session.joined) {
        if (session.announced) session.heldBack?.push({ kind: 'event', event });
        continue;
      }
      this.applyToView(session, event);
    }
  }

  /**
   * Tells a client about a membership change it has not seen yet. Keyed by connection, so
   * repeated announcements (a seat re-asserted after a Redis restart) change nothing.
   */
  private applyToView(session: Session, event: MemberEvent): void {
    const view = session.view;
    if (!view || event.userId === session.userId) return;
    const known = view.get(event.userId);
    if (event.kind === 'member_left') {
      if (known?.connection !== event.connection) return;
      view.delete(event.userId);
      this.send(session, { type: 'user_left', userId: event.userId });
      return;
    }
    if (known?.connection === event.connection) return;
    if (known) this.send(session, { type: 'user_left', userId: event.userId });
    view.set(event.userId, {
      connection: event.connection,
      displayName: event.displayName,
      domain: event.domain,
    });
    this.send(session, {
      type: 'user_joined',
      userId: event.userId,
      displayName: event.displayName,
      domain: event.domain,
    });
  }

  /** room-service ended the meeting: everyone here gets `room_ended` and is out. */
  private endRoom(room: LocalRoom): void {
    for (const session of [...room.sessions]) {
      this.exitRoom(session);
      this.send(session, { type: 'room_ended', roomId: room.id });
      void this.releaseSeat(room.id, session, 'never');
    }
  }

  // ── Liveness ──────────────────────────────────────────────────────────────────────────────

  /**
   * The periodic step: register the node the first time the store is reachable (clearing seats a
   * previous run under the same node id may have left), refresh its liveness (re-asserting every
   * seat when the store had given the node up or lost its data), retry leaves Redis missed, sweep
   * dead nodes, and let go of members whose heartbeats stopped.
   */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    const { membership, nodeId, log } = this.options;
    try {
      if (!this.isRegistered) await membership.sweepNode(nodeId, true);
      const wasAlive = await membership.markAlive(nodeId, this.options.nodeTimeoutMs);
      if (!wasAlive && this.isRegistered) {
        log.warn({ nodeId }, 'membership store had lost this node: re-asserting its seats');
        for (const session of this.sessions.values()) if (session.joined) this.reassert(session);
      }
      this.isRegistered = true;
      while (this.pendingLeaves.length > 0) {
        const leave = this.pendingLeaves[0]!;
        await membership.leave(leave.roomId, leave.userId, leave.connection, 'always');
        this.pendingLeaves.shift();
      }
      for (const dead of await membership.deadNodes(nodeId)) {
        const removed = await membership.sweepNode(dead, false);
        if (removed >= 0) log.info({ deadNode: dead, removed }, 'swept a dead node');
      }
    } catch (error) {
      log.warn({ err: error }, 'liveness step failed');
    } finally {
      this.ticking = false;
    }
    this.expireSilentMembers();
  }

  /** Members that stopped heartbeating for the presence TTL no longer hold their seat. */
  private expireSilentMembers(): void {
    const deadline = Date.now() - this.options.presenceTtlSeconds * 1000;
    for (const session of this.sessions.values()) {
      if (!session.joined || session.busy || session.lastHeartbeatAt >= deadline) continue;
      this.exclusive(session, async () => {
        await this.leave(session, 'if-removed');
        this.sendError(session, 'not_in_room', 'No heartbeat: you left the room, join again');
      });
    }
  }

  /** Protocol pings: a socket that did not answer the previous one is dead. */
  private pingAll(): void {
    for (const session of this.sessions.values()) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }

  // ── Output ────────────────────────────────────────────────────────────────────────────────

  private send(session: Session, message: ServerMessage): void {
    this.sendRaw(session, message.type, JSON.stringify(message));
  }

  private sendError(session: Session, code: SignalingErrorCode, message?: string): void {
    this.options.metrics.errors.inc({ code });
    this.send(session, errorFrame(code, message));
  }

  /**
   * Writes a frame unless the socket is gone. A peer that lets its output pile up past the limit
   * is cut off, so one slow client cannot hold the node's memory.
   */
  /**
   * Holds a socket's output until the current I/O callback is done (one read can carry many
   * frames, and so can a Redis reply), so the frames it produces for one client leave in one
   * write instead of one system call each — about a quarter less CPU per relayed frame.
   */
  private cork(session: Session): void {
    session.stream!.cork();
    session.corked = true;
    this.corked.push(session);
    if (this.corked.length === 1) process.nextTick(this.uncorkAll);
  }

  private readonly uncorkAll = (): void => {
    const corked = this.corked;
    this.corked = [];
    for (const session of corked) {
      session.corked = false;
      session.stream!.uncork();
    }
  };

  private sendRaw(session: Session, type: string, data: string): boolean {
    if (session.closed) return false;
    if (session.socket.bufferedAmount > this.options.sendBufferLimitBytes) {
      this.options.metrics.relayDropped.inc({ reason: 'slow_consumer' });
      session.finished = true;
      session.socket.terminate();
      return false;
    }
    if (session.stream && !session.corked) this.cork(session);
    session.socket.send(data);
    this.options.metrics.framesOut.add(type);
    return true;
  }
}
