import { CloseCode, type ServerMessage, type SignalingErrorCode } from '@qual-meet/protocol';
import { errorFrame } from './frames';
import type { SignalingMetrics } from './metrics';
import type { RateDecision } from './rate-limiter';
import type { Session } from './session';

/**
 * Everything a node writes to its sockets goes through here: frames, error frames, closes, and
 * the guard against a reader that lets its output pile up.
 */
export class FrameWriter {
  private corked: Session[] = [];
  private readonly isCorked = new WeakSet<Session>();

  constructor(
    private readonly metrics: SignalingMetrics,
    private readonly sendBufferLimitBytes: number,
  ) {}

  send(session: Session, message: ServerMessage): void {
    this.sendRaw(session, message.type, JSON.stringify(message));
  }

  sendError(session: Session, code: SignalingErrorCode, message?: string): void {
    this.metrics.errors.inc({ code });
    this.send(session, errorFrame(code, message));
  }

  /** Closes the socket (once): later frames of the session are ignored. */
  close(session: Session, code: number, reason: string): void {
    if (session.lifecycle !== 'open') return;
    session.lifecycle = 'closing';
    session.socket.close(code, reason);
  }

  /** An error frame, then the close. */
  closeWithError(
    session: Session,
    code: number,
    error: SignalingErrorCode,
    message: string | undefined,
    reason: string,
  ): void {
    if (session.lifecycle !== 'open') return;
    this.sendError(session, error, message);
    this.close(session, code, reason);
  }

  /**
   * Carries out a limiter's decision on a sender's frame: true when the frame is refused. The
   * first refusal of a flood is answered `rate_limited`; a flood that goes on closes with 4429.
   */
  refused(session: Session, decision: RateDecision): boolean {
    if (decision === 'accept') return false;
    if (decision === 'warn') this.sendError(session, 'rate_limited');
    if (decision === 'close') {
      this.closeWithError(
        session,
        CloseCode.RATE_LIMITED,
        'rate_limited',
        'Too many messages: disconnected',
        'rate limited',
      );
    }
    return true;
  }

  /**
   * Writes a frame (already JSON) unless the socket is gone; false when it was not written. A
   * peer that lets its output pile up past the limit is cut off, so one slow client cannot hold
   * the node's memory.
   */
  sendRaw(session: Session, type: string, data: string): boolean {
    if (session.lifecycle === 'closed') return false;
    if (session.socket.bufferedAmount > this.sendBufferLimitBytes) {
      this.metrics.relayDropped.inc({ reason: 'slow_consumer' });
      session.lifecycle = 'closing';
      session.socket.terminate();
      return false;
    }
    if (session.stream && !this.isCorked.has(session)) this.cork(session);
    session.socket.send(data);
    this.metrics.framesOut.add(type);
    return true;
  }

  /**
   * Holds a socket's output until the current I/O callback is done (one read can carry many
   * frames, and so can a Redis reply), so the frames it produces for one client leave in one
   * write instead of one system call each.
   */
  private cork(session: Session): void {
    session.stream!.cork();
    this.isCorked.add(session);
    this.corked.push(session);
    if (this.corked.length === 1) process.nextTick(this.uncorkAll);
  }

  private readonly uncorkAll = (): void => {
    const corked = this.corked;
    this.corked = [];
    for (const session of corked) {
      this.isCorked.delete(session);
      session.stream!.uncork();
    }
  };
}
