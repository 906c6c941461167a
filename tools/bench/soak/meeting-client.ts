import WebSocket from 'ws';

/** What a soak participant counts of its socket's traffic. */
export interface TrafficCounts {
  sent: number;
  received: number;
  /** Error frames from the server, by code. */
  errors: Map<string, number>;
}

type Frame = { type: string; [field: string]: unknown };

const REPLY_TIMEOUT_MS = 15_000;

/**
 * One participant's signaling socket (DESIGN §4): auth, join, the negotiation frames, chat,
 * hands, heartbeats, leave. Answers offers it receives, as a browser does; everything else it
 * receives is only counted.
 */
export class MeetingClient {
  readonly counts: TrafficCounts = { sent: 0, received: 0, errors: new Map() };
  private readonly socket: WebSocket;
  private readonly waiters: { type: string; resolve: (frame: Frame) => void }[] = [];
  private readonly opened: Promise<void>;
  private readonly closedPromise: Promise<void>;

  constructor(url: string) {
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closedPromise = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => undefined);
    this.socket.on('message', (data) => this.onFrame(JSON.parse(String(data)) as Frame));
  }

  /** Opens the socket and authenticates; resolves with the user id the server assigned. */
  async authenticate(token: string): Promise<string> {
    await this.opened;
    const reply = this.reply('authenticated');
    this.send({ type: 'auth', token });
    return String((await reply).userId);
  }

  /** Joins a room; resolves with the peers already in it. */
  async join(roomId: string): Promise<string[]> {
    const reply = this.reply('room_joined');
    this.send({ type: 'join_room', roomId });
    return (await reply).existingPeers as string[];
  }

  offer(targetUserId: string, sdp: string): void {
    this.send({ type: 'offer', targetUserId, sdp });
  }

  candidate(targetUserId: string, candidate: string): void {
    this.send({
      type: 'ice_candidate',
      targetUserId,
      candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 },
    });
  }

  chat(text: string): void {
    this.send({ type: 'chat', text });
  }

  setHand(raised: boolean): void {
    this.send({ type: 'set_hand', raised });
  }

  heartbeat(): void {
    this.send({ type: 'heartbeat' });
  }

  leave(): void {
    this.send({ type: 'leave_room' });
  }

  /** Closes the socket: politely, or cut off as a browser tab that is killed. */
  close(abruptly = false): Promise<void> {
    if (abruptly) this.socket.terminate();
    else this.socket.close(1000);
    return this.closedPromise;
  }

  private send(frame: Frame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(frame));
    this.counts.sent += 1;
  }

  private reply(type: string): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      this.waiters.push({
        type,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  private onFrame(frame: Frame): void {
    this.counts.received += 1;
    if (frame.type === 'error') {
      const code = String(frame.code);
      this.counts.errors.set(code, (this.counts.errors.get(code) ?? 0) + 1);
    }
    if (frame.type === 'offer' && typeof frame.senderUserId === 'string') {
      this.send({ type: 'answer', targetUserId: frame.senderUserId, sdp: String(frame.sdp) });
    }
    const waiter = this.waiters.findIndex((w) => w.type === frame.type);
    if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(frame);
  }
}
