import type { IceCandidate } from '@qual-meet/protocol';
import type { TimerHandle, Timers } from '../../../lib/timers';
import type { PeerConnectionLike } from './types';

/** A description for the peer, sent through signaling. */
export interface OutgoingDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface NegotiationOptions {
  pc: PeerConnectionLike;
  /**
   * The polite side yields when both offer at once: it takes its own offer back and answers.
   * Fixed per pair (the session compares user ids), so exactly one side yields.
   */
  polite: boolean;
  /**
   * Whether we may offer before the peer's first offer. DESIGN §4.9: members already in the room
   * offer to the newcomer, who only answers until that first exchange is done.
   */
  offersFirst: boolean;
  send(description: OutgoingDescription): void;
  timers: Timers;
  /**
   * An offer still unanswered after this long is sent again (0: never). Only the impolite side
   * offers once connected, so an offer dropped by a rate limit or lost with a dead socket would
   * otherwise leave the connection in `have-local-offer` for good.
   */
  offerResendMs: number;
  /**
   * Polite side, after the first exchange: asks the peer for an offer instead of making one
   * (see the class comment).
   */
  requestOffer(): void;
  /** A description could not be applied: this connection is broken for good. */
  onFailure(): void;
}

/**
 * One connection's offer/answer exchange, after the W3C "perfect negotiation" example: every
 * change (a track added or removed, `restartIce`) asks for an offer through `negotiationneeded`;
 * an offer that crosses ours is glare, which the impolite side ignores and the polite side
 * resolves by rolling its own offer back and answering. The polite side's change is then still
 * pending, so the browser asks again once the connection is stable.
 *
 * Glare is avoided after the first exchange, though: a rollback makes Chromium stop delivering
 * the polite side's received video (frames are decoded, no element ever shows them). So from
 * then on only the impolite side offers; the polite side's `negotiationneeded` asks it for an
 * offer (`requestOffer`), which the impolite side makes once stable (`offerRequested`). The
 * rollback stays for the one glare left: two people who both believed they were there first.
 *
 * Every step runs on one promise chain, so descriptions and candidates apply in arrival order;
 * an offer is only made from `stable`, and the state a step sees is the browser's own
 * `signalingState` (stable / have-local-offer / …), not a copy of it. Candidates that arrive
 * before the first remote description are held and applied right after it.
 */
export class Negotiation {
  private chain: Promise<void> = Promise.resolve();
  private hasRemoteDescription = false;
  /** DTLS fingerprint of the peer's connection we negotiated with, once known. */
  private remoteFingerprint: string | null = null;
  private heldCandidates: IceCandidate[] = [];
  /** Remote descriptions taken up; an offer request from before the last one is stale. */
  private exchanges = 0;
  /** The peer asked for an offer that we could not make yet (ours was out). */
  private offerWanted = false;
  /** Our offer is out: when to send it again if no answer came. */
  private answerWait: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly options: NegotiationOptions) {}

  /** Whether a first offer/answer exchange has completed on our side. */
  get established(): boolean {
    return this.hasRemoteDescription;
  }

  /**
   * Whether an offer comes from another connection of the peer than the one we negotiated with
   * (its certificate differs): the peer started over, so renegotiating this one cannot work.
   */
  isFromAnotherConnection(sdp: string): boolean {
    const fingerprint = fingerprintOf(sdp);
    return (
      this.remoteFingerprint !== null &&
      fingerprint !== null &&
      fingerprint !== this.remoteFingerprint
    );
  }

  /**
   * `negotiationneeded` fired (or the first offer is due): offers when it is our turn. A request
   * overtaken by a remote description is dropped: that exchange may already carry the change, and
   * if it did not, the browser asks again once stable.
   */
  negotiationNeeded(): void {
    const exchanges = this.exchanges;
    this.enqueue(async () => {
      if (exchanges !== this.exchanges) return;
      if (this.options.polite && this.hasRemoteDescription) this.options.requestOffer();
      else await this.offer();
    });
  }

  /**
   * The peer asked for an offer: made now, or once our own offer was answered. Only the impolite
   * side offers on request (the polite side is never asked); `prepare` first adds what the offer
   * must carry.
   */
  offerRequested(prepare: () => void): void {
    if (this.options.polite) return;
    prepare();
    this.offerWanted = true;
    this.enqueue(() => this.offer());
  }

  /**
   * Sends our offer again if it still awaits its answer: it went out while our signaling (or the
   * peer's) was dead, so it may never have arrived.
   */
  resendPendingOffer(): void {
    this.enqueue(async () => {
      const { pc } = this.options;
      const offer = pc.localDescription;
      if (pc.signalingState === 'have-local-offer' && offer?.type === 'offer') {
        this.send({ type: 'offer', sdp: offer.sdp ?? '' });
      }
    });
  }

  /** Applies the peer's offer or answer; an offer is answered. */
  receiveDescription(description: OutgoingDescription): void {
    this.enqueue(() =>
      description.type === 'offer'
        ? this.receiveOffer(description.sdp)
        : this.receiveAnswer(description.sdp),
    );
  }

  /** Applies a remote candidate now, or holds it until the first remote description is set. */
  addRemoteCandidate(candidate: IceCandidate): void {
    this.enqueue(async () => {
      if (!this.hasRemoteDescription) this.heldCandidates.push(candidate);
      else await this.addCandidate(candidate);
    });
  }

  /** Nothing runs or is sent afterwards. */
  close(): void {
    this.closed = true;
    this.heldCandidates = [];
    this.clearAnswerWait();
  }

  private async offer(): Promise<void> {
    const { pc } = this.options;
    if (!this.options.offersFirst && !this.hasRemoteDescription) return;
    // Not stable: our offer awaits its answer. The browser asks again once stable if still needed.
    if (pc.signalingState !== 'stable') return;
    this.offerWanted = false;
    const offer = await pc.createOffer();
    if (this.closed) return;
    await pc.setLocalDescription(offer);
    this.send({ type: 'offer', sdp: offer.sdp ?? '' });
  }

  private async receiveOffer(sdp: string): Promise<void> {
    const { pc, polite } = this.options;
    const glare = pc.signalingState !== 'stable';
    // Impolite: ours stands, the peer rolls back and answers it. The ignored offer's candidates
    // then fail to apply, which `addCandidate` tolerates.
    if (glare && !polite) return;
    this.exchanges += 1;
    if (glare) await pc.setLocalDescription({ type: 'rollback' });
    await this.applyRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    if (this.closed) return;
    await pc.setLocalDescription(answer);
    this.send({ type: 'answer', sdp: answer.sdp ?? '' });
  }

  private async receiveAnswer(sdp: string): Promise<void> {
    // An answer to an offer we no longer have (a duplicate, or one from before a reconnect).
    const { pc } = this.options;
    if (pc.signalingState !== 'have-local-offer') return;
    // A late answer to an offer of ours that was sent again and then followed by a newer one:
    // an answer has exactly the media sections of the offer it answers.
    if (mediaSections(sdp) !== mediaSections(pc.localDescription?.sdp ?? '')) return;
    this.exchanges += 1;
    this.clearAnswerWait();
    await this.applyRemoteDescription({ type: 'answer', sdp });
    // The peer's request came while our offer was out; that offer may not have what it needs.
    if (this.offerWanted) await this.offer();
  }

  private async applyRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await this.options.pc.setRemoteDescription(description);
    this.hasRemoteDescription = true;
    this.remoteFingerprint = fingerprintOf(description.sdp ?? '') ?? this.remoteFingerprint;
    const held = this.heldCandidates;
    this.heldCandidates = [];
    for (const candidate of held) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: IceCandidate): Promise<void> {
    try {
      await this.options.pc.addIceCandidate(candidate);
    } catch {
      // One unusable candidate (from an ignored offer, or from before an ICE restart) must not
      // stop the others.
    }
  }

  private send(description: OutgoingDescription): void {
    if (this.closed) return;
    this.options.send(description);
    if (description.type === 'offer') this.awaitAnswer();
  }

  /** Sends the pending offer again in `offerResendMs` unless it was answered by then. */
  private awaitAnswer(): void {
    this.clearAnswerWait();
    const { timers, offerResendMs } = this.options;
    if (offerResendMs === 0) return;
    this.answerWait = timers.setTimeout(() => {
      this.answerWait = null;
      this.resendPendingOffer();
    }, offerResendMs);
  }

  private clearAnswerWait(): void {
    if (this.answerWait === null) return;
    this.options.timers.clearTimeout(this.answerWait);
    this.answerWait = null;
  }

  /** Runs `step` after every earlier step; a description that cannot be applied is fatal. */
  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.closed ? undefined : step()))
      .catch(() => {
        if (!this.closed) this.options.onFailure();
      });
  }
}

/** How many media sections (`m=` lines) an SDP has. */
function mediaSections(sdp: string): number {
  return sdp.match(/^m=/gm)?.length ?? 0;
}

/** The `a=fingerprint:` of an SDP (every media section of one connection carries the same). */
function fingerprintOf(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
}
