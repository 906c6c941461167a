import type { ServerMessage, ServerMessageOf, ServerMessageType } from '@qual-meet/protocol';
import type { SignalingNode } from '../signaling-node';
import type { Session, SignalingSocket } from '../session';

/**
 * A socket without a network for unit tests of the room logic: the node writes frames into it,
 * the test sends frames through the node's callbacks and awaits what comes back.
 */
export class FakeSocket implements SignalingSocket {
  readonly received: ServerMessage[] = [];
  bufferedAmount = 0;
  pings = 0;
  closeCode: number | undefined;
  private unread: ServerMessage[] = [];
  private wake: (() => void) | undefined;
  private node!: SignalingNode;
  private session!: Session;
  readonly closed: Promise<number>;
  private resolveClosed!: (code: number) => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Connects a new fake socket to `node`. */
  static open(node: SignalingNode): FakeSocket {
    const socket = new FakeSocket();
    socket.node = node;
    socket.session = node.accept(socket);
    return socket;
  }

  send(data: string): void {
    const frame = JSON.parse(data) as ServerMessage;
    this.received.push(frame);
    this.unread.push(frame);
    this.wake?.();
  }

  close(code: number): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    // Like ws: the close event comes after the handshake, not inside the call.
    queueMicrotask(() => this.finish(code));
  }

  terminate(): void {
    if (this.closeCode === undefined) this.closeCode = 1006;
    this.finish(this.closeCode);
  }

  ping(): void {
    this.pings += 1;
  }

  /** The client sends a frame (objects are JSON-encoded). */
  deliver(frame: unknown): void {
    this.node.receive(this.session, typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  pong(): void {
    this.node.pong(this.session);
  }

  /** The client goes away. */
  disconnect(): void {
    this.terminate();
  }

  /** The next unread frame (of `type`, when given). */
  async take<T extends ServerMessageType>(
    type?: T,
    timeoutMs = 2_000,
  ): Promise<ServerMessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.unread.findIndex((frame) => type === undefined || frame.type === type);
      if (index >= 0) return this.unread.splice(index, 1)[0] as ServerMessageOf<T>;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`no ${type ?? ''} frame; unread ${JSON.stringify(this.unread)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Frames received and not yet taken. */
  get pending(): readonly ServerMessage[] {
    return this.unread;
  }

  private finish(code: number): void {
    if (this.session && !this.finished) {
      this.finished = true;
      this.node.closed(this.session);
      this.resolveClosed(code);
    }
  }

  private finished = false;
}
