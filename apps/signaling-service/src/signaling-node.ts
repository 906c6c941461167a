import { createHash, randomBytes } from 'node:crypto';
import {
  CloseCode,
  displayNameOf,
  Limits,
  emailDomainOf,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ClientMessage,
  type SignalingErrorCode,
} from '@qual-meet/protocol';
import type { AccessTokenVerifier } from '@qual-meet/server-kit';
import type { MemberEvent } from './bus-events';
import { BusInbox } from './bus-inbox';
import { FrameWriter } from './frame-writer';
import { parseClientFrame } from './frames';
import { LocalRooms } from './local-rooms';
import type { SignalingLogger } from './logger';
import { MeetingControls } from './meeting-controls';
import type { MeetingStore } from './membership/meeting-store';
import type {
  JoinOutcome,
  LeaveAnnouncement,
  MeetingSnapshot,
  MembershipStore,
} from './membership/membership-store';
import type { SignalingMetrics } from './metrics';
import { NodeLiveness } from './node-liveness';
import type { UserQuotas } from './quotas/user-quotas';
import type { RateLimitOptions } from './rate-limiter';
import { Relay } from './relay';
import { RoomLookupError, type RoomDirectory } from './room-directory';
import type { RoomBus } from './room-bus';
import {
  CLOSED,
  Session,
  type CorkableStream,
  type JoinedState,
  type JoiningState,
  type KnownPeer,
  type LocalRoom,
  type MeetingView,
  type ResumeRight,
  type SessionIn,
  type SessionUser,
  type SignalingSocket,
} from './session';

export type { SignalingLogger } from './logger';

/** Frames a busy session may queue (a join in flight); more are refused as `rate_limited`. */
const MAX_BACKLOG = 256;
/** The longest delay `setTimeout` takes; a token valid for longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The error a refused join is answered with. */
const REFUSALS: Record<Exclude<JoinOutcome['status'], 'joined'>, SignalingErrorCode> = {
  full: 'room_full',
  taken: 'room_full',
  locked: 'room_locked',
  removed: 'removed',
};

/** A fresh resume token (24 random bytes, base64url: {@link Limits.resumeTokenChars} characters). */
function newResumeRight(): ResumeRight {
  const token = randomBytes((Limits.resumeTokenChars * 3) / 4).toString('base64url');
  return { token, hash: hashOf(token) };
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A member's view of the meeting, starting from its join's snapshot. */
function meetingViewOf(snapshot: MeetingSnapshot | undefined): MeetingView {
  return {
    locked: snapshot?.locked ?? false,
    hands: new Map((snapshot?.hands ?? []).map((hand) => [hand.userId, hand.raisedAt])),
  };
}

export interface SignalingNodeOptions {
  nodeId: string;
  verifyAccessToken: AccessTokenVerifier;
  rooms: RoomDirectory;
  bus: RoomBus;
  membership: MembershipStore;
  quotas: UserQuotas;
  /** Lock, removals and raised hands of meetings (DESIGN §4.12). */
  meetings: MeetingStore;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  authTimeoutMs: number;
  /** How long past its token's `exp` a socket stays open without a fresh `auth`. */
  tokenExpiryGraceMs?: number;
  rateLimit: RateLimitOptions;
  /** Concurrent sockets of one user across all nodes (DESIGN §4.11). */
  maxSocketsPerUser?: number;
  /** `join_room` frames of one user per minute, across all nodes. */
  joinsPerMinute?: number;
  /** A target whose unsent output is past this gets no more relays. */
  relayTargetBufferLimitBytes?: number;
  /** Relays published and not yet answered by Redis; past this, relays are refused. */
  publishPendingLimitBytes?: number;
  /** Chat, hand and host-control frames of one socket, on top of `rateLimit`. */
  meetingRateLimit: RateLimitOptions;
  presenceTtlSeconds: number;
  nodeTimeoutMs: number;
  pingIntervalMs: number;
  sendBufferLimitBytes: number;
  shutdownGraceMs: number;
  /** How long a join waits for its own announcement on the bus before trusting the snapshot. */
  joinAnnouncementTimeoutMs?: number;
}

/**
 * One signaling node: authenticates sockets, dispatches their frames, and takes them into and out
 * of rooms. Liveness ({@link NodeLiveness}), output ({@link FrameWriter}), relaying
 * ({@link Relay}) and the room channels ({@link BusInbox}) live in modules of their own.
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
  private readonly options: Required<SignalingNodeOptions>;
  private readonly writer: FrameWriter;
  private readonly rooms: LocalRooms;
  private readonly relay: Relay;
  private readonly liveness: NodeLiveness;
  private readonly meeting: MeetingControls;
  private stopping = false;
  private drained: (() => void) | undefined;

  constructor(options: SignalingNodeOptions) {
    this.options = {
      joinAnnouncementTimeoutMs: 1_000,
      tokenExpiryGraceMs: 5_000,
      maxSocketsPerUser: 8,
      joinsPerMinute: 20,
      relayTargetBufferLimitBytes: 1024 * 1024,
      publishPendingLimitBytes: 4 * 1024 * 1024,
      ...options,
    };
    const { metrics, log, bus } = options;
    this.writer = new FrameWriter(metrics, options.sendBufferLimitBytes);
    this.rooms = new LocalRooms(bus, metrics, log);
    this.relay = new Relay({
      nodeId: options.nodeId,
      bus,
      metrics,
      writer: this.writer,
      sessionOf: (connection) => this.sessions.get(connection),
      targetBufferLimitBytes: this.options.relayTargetBufferLimitBytes,
      publishPendingLimitBytes: this.options.publishPendingLimitBytes,
    });
    this.liveness = new NodeLiveness(options, {
      sessions: () => this.sessions.values(),
      reassert: (session) => this.reassert(session),
      expire: (session) => this.expire(session),
    });
    this.meeting = new MeetingControls({
      nodeId: options.nodeId,
      store: options.meetings,
      bus,
      writer: this.writer,
      relay: this.relay,
      rateLimit: options.meetingRateLimit,
      metrics,
      log,
      dropFromRoom: (session) => this.dropFromRoom(session),
    });
    const inbox = new BusInbox(
      this.rooms,
      this.relay,
      {
        memberEvent: (room, event) => this.onMemberEvent(room, event),
        roomEnded: (room) => this.endRoom(room),
        meetingEvent: (room, event) => this.meeting.onBusEvent(room, event),
      },
      metrics,
      log,
    );
    bus.onMessage((roomId, message) => inbox.receive(roomId, message));
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
    return this.liveness.registered;
  }

  /** Open sockets, for tests and metrics. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Starts the liveness timers (see {@link NodeLiveness.start}). */
  start(): Promise<void> {
    return this.liveness.start();
  }

  /** Redis is back: register, or re-assert seats, at once. */
  onStoreReconnected(): void {
    this.liveness.onStoreReconnected();
  }

  /**
   * Takes a new socket. The transport then reports its events with {@link receive},
   * {@link pong} and {@link closed}. `stream`, the byte stream under the socket, lets the node
   * gather the frames of one event-loop turn into one write.
   */
  accept(socket: SignalingSocket, stream?: CorkableStream): Session {
    const session = new Session(socket, this.options.nodeId, this.options.rateLimit, stream, {
      timeoutMs: this.options.authTimeoutMs,
      onTimeout: (late) => this.refuse(late, 'no auth frame in time'),
    });
    this.sessions.set(session.connection, session);
    this.options.metrics.connections.inc();
    this.options.metrics.connectionsOpened.inc();
    return session;
  }

  /** A frame arrived on a session's socket; `undefined` for a binary frame. */
  receive(session: Session, text: string | undefined): void {
    if (!session.open) return;
    const { metrics } = this.options;
    if (this.writer.refused(session, session.limiter.take(text?.length ?? 0))) {
      metrics.framesIn.add('dropped');
      return;
    }
    const frame = parseClientFrame(text);
    // Labels stay bounded: a valid frame's type is one of the protocol's few.
    metrics.framesIn.add(frame.ok ? frame.message.type : 'invalid');
    if (session.state.phase === 'authenticating' && !session.busy) {
      if (frame.ok && frame.message.type === 'auth') this.dispatch(session, frame.message);
      else this.refuse(session, 'first frame was not auth');
      return;
    }
    if (!frame.ok) {
      this.writer.sendError(session, 'invalid_message', `Invalid frame: ${frame.reason}`);
      return;
    }
    if (session.backlog) {
      if (session.backlog.length >= MAX_BACKLOG) this.writer.sendError(session, 'rate_limited');
      else session.backlog.push(frame.message);
      return;
    }
    this.dispatch(session, frame.message);
  }

  /** The socket answered a protocol ping. */
  pong(session: Session): void {
    session.alive = true;
  }

  /** The socket closed, for whatever reason. */
  closed(session: Session): void {
    if (session.lifecycle === 'closed') return;
    session.lifecycle = 'closed';
    const { state } = session;
    if (state.phase === 'authenticating') clearTimeout(state.timer);
    else clearTimeout(state.user.expiry);
    clearTimeout(session.heartbeatAckTimer);
    if (state.phase === 'joining') clearTimeout(state.timer);
    this.sessions.delete(session.connection);
    this.options.metrics.connections.dec();
    if (session.backlog) session.backlog.push(CLOSED);
    else this.exclusive(session, () => this.cleanUp(session));
    if (this.sessions.size === 0) this.drained?.();
  }

  /**
   * Graceful stop: refuse new sockets, give up this node's seats (the others hear `user_left`
   * now rather than when the sweeper notices), close every socket with 1001 so clients reconnect
   * elsewhere, and wait for them a little.
   */
  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.liveness.stop();
    for (const session of this.sessions.values()) this.exitRoom(session);
    try {
      await this.options.membership.sweepNode(this.options.nodeId, true);
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not release seats on shutdown');
    }
    if (this.sessions.size === 0) return;
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    for (const session of this.sessions.values()) {
      const { state } = session;
      clearTimeout(state.phase === 'authenticating' ? state.timer : state.user.expiry);
      this.writer.close(session, CloseCode.GOING_AWAY, 'server shutting down');
    }
    let grace: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      grace = setTimeout(resolve, this.options.shutdownGraceMs);
    });
    await Promise.race([drained, timeout]);
    clearTimeout(grace);
    for (const session of this.sessions.values()) session.socket.terminate();
  }

  private dispatch(session: Session, message: ClientMessage): void {
    switch (message.type) {
      case 'auth':
        this.exclusive(session, () =>
          this.authenticate(session, message.token, message.protocolVersion ?? 1),
        );
        return;
      case 'join_room':
        this.exclusive(session, () => this.join(session, message.roomId, message.resume));
        return;
      case 'leave_room':
        if (!session.room) this.writer.sendError(session, 'not_in_room');
        else this.exclusive(session, () => this.leave(session, 'if-removed'));
        return;
      case 'heartbeat':
        this.heartbeat(session);
        return;
      case 'offer':
      case 'answer':
      case 'ice_candidate':
        if (!session.isJoined()) this.writer.sendError(session, 'not_in_room');
        else this.relay.forward(session, message);
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
   * socket must name the same user; it replaces the token kept for room lookups and moves the
   * socket's end to the new token's expiry (DESIGN §4.10). A client of a protocol version this
   * server does not speak is told so before its token is even looked at.
   */
  private async authenticate(session: Session, token: string, version: number): Promise<void> {
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      this.writer.closeWithError(
        session,
        CloseCode.UNSUPPORTED_VERSION,
        'unsupported_version',
        `Protocol version ${version} is not supported (this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
        'unsupported version',
      );
      return;
    }
    let claims;
    try {
      claims = this.options.verifyAccessToken(token);
    } catch (error) {
      this.refuse(session, (error as Error).message);
      return;
    }
    const { state } = session;
    const deadline = claims.expiresAtMs + this.options.tokenExpiryGraceMs;
    if (state.phase === 'authenticating') {
      if (!(await this.claimSocket(session, claims.userId))) return;
      clearTimeout(state.timer);
      session.state = {
        phase: 'lobby',
        user: {
          userId: claims.userId,
          displayName: displayNameOf(claims.email),
          domain: emailDomainOf(claims.email),
          token,
          expiry: this.expiryTimer(session, deadline),
        },
      };
    } else if (state.user.userId !== claims.userId) {
      this.refuse(session, 'token of another user');
      return;
    } else {
      clearTimeout(state.user.expiry);
      state.user.token = token;
      state.user.expiry = this.expiryTimer(session, deadline);
    }
    this.writer.send(session, { type: 'authenticated', userId: claims.userId });
  }

  /**
   * Takes one of the user's socket slots across all nodes; false (and the socket refused) when
   * the user has too many, or the store cannot say.
   */
  private async claimSocket(session: Session, userId: string): Promise<boolean> {
    const { quotas, maxSocketsPerUser } = this.options;
    let taken;
    try {
      taken = await quotas.claimSocket(
        userId,
        session.connection,
        this.liveness.runId,
        maxSocketsPerUser,
      );
    } catch (error) {
      // Redis is away: the sockets of this node alone are counted until it is back, so an
      // outage neither locks everyone out nor lifts the limit.
      this.options.log.debug({ err: error }, 'socket slots unavailable: counting locally');
      taken = this.localSocketsOf(userId) < maxSocketsPerUser;
    }
    if (taken && session.open) return true;
    if (taken) {
      // Closed or refused (auth timeout) while the slot was being taken: give it back.
      await this.releaseSocket(userId, session.connection);
      return false;
    }
    this.writer.closeWithError(
      session,
      CloseCode.RATE_LIMITED,
      'rate_limited',
      `At most ${maxSocketsPerUser} connections per user: close one first`,
      'too many connections',
    );
    return false;
  }

  private localSocketsOf(userId: string): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.userId === userId) count += 1;
    return count;
  }

  private async releaseSocket(userId: string, connection: string): Promise<void> {
    const { quotas } = this.options;
    await quotas
      .releaseSocket(userId, connection)
      .catch(() => this.liveness.retryLater(() => quotas.releaseSocket(userId, connection)));
  }

  /** What a closed socket leaves behind: its seat and its socket slot. */
  private async cleanUp(session: Session): Promise<void> {
    await this.leave(session, 'if-removed');
    if (session.state.phase !== 'authenticating') {
      await this.releaseSocket(session.userId, session.connection);
    }
  }

  /** Refuses the session at `deadline` (its token's expiry plus the grace). */
  private expiryTimer(session: Session, deadline: number): NodeJS.Timeout {
    const delay = Math.min(Math.max(0, deadline - Date.now()), MAX_TIMER_MS);
    return setTimeout(() => {
      const { state } = session;
      if (state.phase === 'authenticating') return;
      if (Date.now() < deadline) state.user.expiry = this.expiryTimer(session, deadline);
      else this.refuse(session, 'token expired', 'token expired');
    }, delay);
  }

  /** `error unauthorized`, then close 4401. */
  private refuse(session: Session, why: string, message?: string): void {
    if (!session.open) return;
    this.options.log.debug({ connection: session.connection, why }, 'unauthorized');
    const { state } = session;
    clearTimeout(state.phase === 'authenticating' ? state.timer : state.user.expiry);
    this.writer.closeWithError(
      session,
      CloseCode.UNAUTHORIZED,
      'unauthorized',
      message,
      'unauthorized',
    );
  }

  /** Runs an asynchronous step of a session alone; frames arriving meanwhile wait their turn. */
  private exclusive(session: Session, step: () => Promise<void>): void {
    session.backlog = [];
    step()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'session step failed'))
      .finally(() => this.drain(session));
  }

  /** Handles the frames that waited for a step, until one of them starts another. */
  private drain(session: Session): void {
    const waiting = session.backlog ?? [];
    session.backlog = undefined;
    while (waiting.length > 0) {
      const next = waiting.shift()!;
      if (next === CLOSED) this.exclusive(session, () => this.cleanUp(session));
      else if (this.acceptsFrames(session)) this.dispatch(session, next);
      if (session.busy) {
        session.requeue(waiting);
        return;
      }
    }
  }

  /** Frames that waited are handled only while the socket is open and authenticated. */
  private acceptsFrames(session: Session): boolean {
    return session.open && session.state.phase !== 'authenticating';
  }

  private userOf(session: Session): SessionUser {
    if (session.state.phase === 'authenticating') throw new Error('session not authenticated');
    return session.state.user;
  }

  /** A plain join, or with `resume` (a token of an earlier `room_joined`) a silent takeover. */
  private async join(session: Session, roomId: string, resume?: string): Promise<void> {
    if (session.isJoined() && session.state.room.id === roomId) {
      this.sendRoomJoined(session, session.state, false);
      return;
    }
    const user = this.userOf(session);
    if (!(await this.mayJoin(session, user))) return;
    await this.leave(session, 'if-removed');

    let room;
    try {
      room = await this.options.rooms.lookup(roomId, user.token);
    } catch (error) {
      if (error instanceof RoomLookupError && error.reason === 'unauthorized') {
        this.refuse(session, error.message);
      } else {
        this.tryAgainLater(session, error);
      }
      return;
    }
    if (session.gone) return;
    if (!room) return this.writer.sendError(session, 'room_not_found');
    if (!room.isActive) return this.writer.sendError(session, 'room_inactive');
    // Seats taken before registration could be swept by it (it clears a previous run's seats).
    if (!this.liveness.registered)
      return this.tryAgainLater(session, new Error('node not registered yet'));

    const local = this.rooms.enter(session, room);
    const joining: JoiningState = {
      phase: 'joining',
      user,
      room: local,
      snapshot: undefined,
      meeting: undefined,
      announced: false,
      heldBack: [],
      timer: undefined,
      resume: newResumeRight(),
      resumed: false,
    };
    session.state = joining;
    let outcome;
    try {
      await local.subscribed;
      outcome = await this.options.membership.join({
        roomId,
        userId: user.userId,
        connection: session.connection,
        displayName: user.displayName,
        domain: user.domain,
        maxParticipants: room.maxParticipants,
        isHost: room.hostId === user.userId,
        mode: resume === undefined ? 'join' : 'resume',
        tokenHash: joining.resume.hash,
        ...(resume === undefined ? {} : { presentedTokenHash: hashOf(resume) }),
      });
    } catch (error) {
      this.exitRoom(session);
      this.tryAgainLater(session, error);
      return;
    }
    if (session.state !== joining) {
      // The room ended while the seat was being taken: give it back.
      if (outcome.status === 'joined') await this.releaseSeat(roomId, session, 'if-removed');
      return;
    }
    if (outcome.status !== 'joined') {
      this.exitRoom(session);
      this.writer.sendError(session, REFUSALS[outcome.status]);
      return;
    }
    if (session.gone) return;
    joining.snapshot = outcome.members;
    joining.meeting = outcome.meeting;
    joining.resumed = outcome.resumed;
    if (!this.activate(session)) {
      // Normally our own announcement is already here or a moment away; if the subscriber
      // connection dropped it, the snapshot alone is still a correct start.
      joining.timer = setTimeout(
        () => this.activate(session, true),
        this.options.joinAnnouncementTimeoutMs,
      );
    }
  }

  /** At most `joinsPerMinute` joins per user, across nodes: a flood of room ids goes no further. */
  private async mayJoin(session: Session, user: SessionUser): Promise<boolean> {
    let count;
    try {
      count = await this.options.quotas.countJoin(user.userId);
    } catch (error) {
      this.tryAgainLater(session, error);
      return false;
    }
    if (count <= this.options.joinsPerMinute) return true;
    this.writer.sendError(session, 'rate_limited', 'Too many joins: wait a minute');
    return false;
  }

  /**
   * Completes a join once both the snapshot and the session's own announcement are in: sends
   * `room_joined`, then whatever was held back meanwhile.
   */
  private activate(session: Session, force = false): boolean {
    const joining = session.state;
    if (session.gone || joining.phase !== 'joining') return false;
    if (!joining.snapshot || (!joining.announced && !force)) return false;
    clearTimeout(joining.timer);
    const view = new Map<string, KnownPeer>();
    for (const member of joining.snapshot) {
      if (member.userId === session.userId) continue;
      const { connection, displayName, domain } = member;
      view.set(member.userId, { connection, displayName, domain });
    }
    const joined: JoinedState = {
      phase: 'joined',
      user: joining.user,
      room: joining.room,
      view,
      meeting: meetingViewOf(joining.meeting),
      lastHeartbeatAt: Date.now(),
      resume: joining.resume,
    };
    session.state = joined;
    this.sendRoomJoined(session, joined, joining.resumed);
    for (const item of joining.heldBack) {
      if (item.kind === 'event') this.applyToView(session, joined, item.event);
      else if (item.kind === 'meeting') {
        if (session.isJoined()) this.meeting.apply(session, item.event);
      } else this.relay.deliver(session, item.type, item.data, item.sentAt, item.path);
    }
    return true;
  }

  private sendRoomJoined(session: Session, state: JoinedState, resumed: boolean): void {
    const peers = [...state.view].map(([userId, peer]) => ({
      userId,
      displayName: peer.displayName,
      domain: peer.domain,
    }));
    this.writer.send(session, {
      type: 'room_joined',
      roomId: state.room.id,
      existingPeers: peers.map((peer) => peer.userId),
      peers,
      ...this.meeting.roomJoinedFields(state),
      resumeToken: state.resume.token,
      resumed,
    });
  }

  /** Takes a session out of its room on this node only: back to the lobby. */
  private exitRoom(session: Session): void {
    const { state } = session;
    if (state.phase !== 'joining' && state.phase !== 'joined') return;
    if (state.phase === 'joining') clearTimeout(state.timer);
    session.state = { phase: 'lobby', user: state.user };
    session.limiter.forgetTargets();
    this.rooms.exit(session, state.room);
  }

  /** The host removed this member: out of the room here; its seat is already gone. */
  private dropFromRoom(session: Session): void {
    const room = session.room;
    if (!room) return;
    this.exitRoom(session);
    void this.releaseSeat(room.id, session, 'never');
  }

  private async leave(session: Session, announce: LeaveAnnouncement): Promise<void> {
    const room = session.room;
    if (!room) return;
    this.exitRoom(session);
    await this.releaseSeat(room.id, session, announce);
  }

  /** Gives a seat back in the store; if Redis is away, retried when it returns. */
  private async releaseSeat(
    roomId: string,
    session: Session,
    announce: LeaveAnnouncement,
  ): Promise<void> {
    try {
      await this.options.membership.leave(roomId, session.userId, session.connection, announce);
    } catch {
      const { membership } = this.options;
      const { userId, connection } = session;
      this.liveness.retryLater(() => membership.leave(roomId, userId, connection, 'always'));
    }
  }

  private tryAgainLater(session: Session, error: unknown): void {
    this.options.log.warn(
      { err: error, connection: session.connection },
      'join failed: dependency unavailable',
    );
    this.writer.close(session, CloseCode.TRY_AGAIN_LATER, 'try again later');
  }

  /**
   * Answers with `heartbeat_ack` and extends the member's presence, at most once per
   * {@link Limits.heartbeatAckIntervalMs}: a flood of heartbeats costs neither replies nor Redis
   * writes beyond that, and a heartbeat that came too soon is still answered, late.
   */
  private heartbeat(session: Session): void {
    const sinceLast = Date.now() - session.lastHeartbeatAckAt;
    if (sinceLast >= Limits.heartbeatAckIntervalMs) {
      this.answerHeartbeat(session);
    } else if (!session.heartbeatAckTimer) {
      // Too soon: one answer, once the interval is up, for however many come meanwhile.
      session.heartbeatAckTimer = setTimeout(() => {
        session.heartbeatAckTimer = undefined;
        if (session.open) this.answerHeartbeat(session);
      }, Limits.heartbeatAckIntervalMs - sinceLast);
    }
  }

  private answerHeartbeat(session: Session): void {
    session.lastHeartbeatAckAt = Date.now();
    this.writer.send(session, { type: 'heartbeat_ack' });
    if (!session.isJoined()) return;
    const { state } = session;
    state.lastHeartbeatAt = Date.now();
    this.options.membership
      .refresh(state.room.id, session.userId, session.connection)
      .then((held) => {
        if (!held && session.state === state) this.reassert(session);
      })
      .catch((error: unknown) => this.options.log.debug({ err: error }, 'heartbeat not stored'));
  }

  /**
   * Restores a member's seat that the store lost (Redis restarted, or this node was taken for
   * dead and swept). A newer connection of the user wins; a room filled meanwhile refuses.
   */
  private reassert(session: SessionIn<'joined'>): void {
    if (session.busy) return;
    const state = session.state;
    this.exclusive(session, async () => {
      if (session.state !== state) return;
      const outcome = await this.options.membership.join({
        roomId: state.room.id,
        userId: session.userId,
        connection: session.connection,
        displayName: state.user.displayName,
        domain: state.user.domain,
        maxParticipants: state.room.maxParticipants,
        isHost: state.room.hostId === session.userId,
        mode: 'reassert',
        tokenHash: state.resume.hash,
      });
      if (session.state !== state) return;
      if (outcome.status === 'taken') this.replaced(session);
      // The host removed it while this node was not listening.
      if (outcome.status === 'removed') {
        this.meeting.apply(session, { kind: 'participant_removed', userId: session.userId });
      }
      if (outcome.status === 'full') {
        await this.leave(session, 'always');
        this.writer.sendError(session, 'room_full');
      }
    });
  }

  /** Members that stopped heartbeating for the presence TTL no longer hold their seat. */
  private expire(session: SessionIn<'joined'>): void {
    this.exclusive(session, async () => {
      await this.leave(session, 'if-removed');
      this.writer.sendError(session, 'not_in_room', 'No heartbeat: you left the room, join again');
    });
  }

  /** Another connection of the same user took the seat: this one is closed with 4409. */
  private replaced(session: Session): void {
    this.exitRoom(session);
    this.writer.close(session, CloseCode.REPLACED, 'joined from another connection');
  }

  private onMemberEvent(room: LocalRoom, event: MemberEvent): void {
    for (const session of [...room.sessions]) {
      const { state } = session;
      if (state.phase !== 'joining' && state.phase !== 'joined') continue;
      if (session.connection === event.connection) {
        if (event.kind === 'member_joined' && state.phase === 'joining') {
          state.announced = true;
          this.activate(session);
        } else if (event.kind === 'member_left' && session.isJoined()) {
          // Our seat was taken from us (swept or pruned) although the socket is fine.
          this.reassert(session);
        }
        continue;
      }
      if (event.kind === 'member_joined' && session.userId === event.userId) {
        // A newer connection of this user took the seat: unless ours is still on its way.
        if (state.phase === 'joined' || state.announced) this.replaced(session);
        continue;
      }
      if (state.phase === 'joining') {
        if (state.announced) state.heldBack.push({ kind: 'event', event });
        continue;
      }
      this.applyToView(session, state, event);
    }
  }

  /**
   * Tells a client about a membership change it has not seen yet. Keyed by connection, so
   * repeated announcements (a seat re-asserted after a Redis restart) change nothing.
   */
  private applyToView(session: Session, state: JoinedState, event: MemberEvent): void {
    const { view } = state;
    if (event.userId === session.userId) return;
    const known = view.get(event.userId);
    if (event.kind === 'member_left') {
      if (known?.connection !== event.connection) return;
      view.delete(event.userId);
      this.writer.send(session, { type: 'user_left', userId: event.userId });
      return;
    }
    if (known?.connection === event.connection) return;
    const { connection, displayName, domain } = event;
    view.set(event.userId, { connection, displayName, domain });
    if (known && event.resumed) {
      // The same person took their seat back from a new socket: the links stay.
      this.writer.send(session, { type: 'user_resumed', userId: event.userId });
      return;
    }
    if (known) this.writer.send(session, { type: 'user_left', userId: event.userId });
    this.writer.send(session, { type: 'user_joined', userId: event.userId, displayName, domain });
  }

  /** room-service ended the meeting: everyone here gets `room_ended` and is out. */
  private endRoom(room: LocalRoom): void {
    for (const session of [...room.sessions]) {
      this.exitRoom(session);
      this.writer.send(session, { type: 'room_ended', roomId: room.id });
      void this.releaseSeat(room.id, session, 'never');
    }
  }
}
