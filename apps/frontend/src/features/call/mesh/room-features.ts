import {
  chatTextSchema,
  type ClientMessage,
  type RaisedHand,
  type ServerMessageOf,
} from '@qual-meet/protocol';
import { Store } from '../../../lib/store';

/** One chat message as it arrived; only in this tab's memory, never stored anywhere. */
export interface ChatMessage {
  /** Unique within this session, for list keys. */
  readonly id: number;
  readonly senderUserId: string;
  readonly displayName: string;
  readonly text: string;
  /** Server time, ms since the epoch. */
  readonly sentAt: number;
}

/** The host asked us to mute; a new object per request, so each one is seen. */
export interface MuteRequest {
  readonly senderUserId: string;
}

/** What the room is doing beyond media: host, lock, hands, chat. Immutable, new on change. */
export interface RoomFeaturesSnapshot {
  /** The meeting's host as signaling told us; null until it does. */
  readonly hostId: string | null;
  readonly locked: boolean;
  /** Raised hands, earliest first. */
  readonly hands: readonly RaisedHand[];
  readonly chat: readonly ChatMessage[];
  readonly muteRequest: MuteRequest | null;
  /** The server refused a host control (`not_host`): we are not the host after all. */
  readonly refusedNotHost: boolean;
}

/** A flood must not grow the tab's memory without end; older messages scroll away. */
export const CHAT_HISTORY_LIMIT = 500;

type FeatureMessage = ServerMessageOf<'chat' | 'hand_changed' | 'lock_changed' | 'mute_request'>;

/**
 * The meeting features signaling relays (DESIGN §4.12): chat, raised hands, the lock and host
 * requests. Owned by a `MeshSession`, which hands it the frames and the way to send; the UI
 * subscribes to it apart from the media state, so a chat message never re-renders the tiles.
 */
export class RoomFeatures {
  private readonly store = new Store<RoomFeaturesSnapshot>({
    hostId: null,
    locked: false,
    hands: [],
    chat: [],
    muteRequest: null,
    refusedNotHost: false,
  });
  private nextMessageId = 1;

  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  /** `send` returns whether the frame went out (false while reconnecting). */
  constructor(
    private readonly send: (frame: ClientMessage) => boolean,
    private readonly now: () => number,
  ) {}

  /**
   * Sends a chat message; false when it is empty or the connection is down (the caller keeps
   * the draft). It appears when the server relays it back, with the server's time.
   */
  sendChat(text: string): boolean {
    const parsed = chatTextSchema.safeParse(text);
    return parsed.success && this.send({ type: 'chat', text: parsed.data });
  }

  setHand(raised: boolean): boolean {
    return this.send({ type: 'set_hand', raised });
  }

  // Host controls; the server checks, and answers anyone else with `not_host`.
  lock(locked: boolean): boolean {
    return this.send({ type: 'lock_room', locked });
  }

  remove(targetUserId: string): boolean {
    return this.send({ type: 'remove_participant', targetUserId });
  }

  mute(targetUserId: string): boolean {
    return this.send({ type: 'mute_participant', targetUserId });
  }

  lowerHand(targetUserId: string): boolean {
    return this.send({ type: 'lower_hand', targetUserId });
  }

  /** (Back) in the room: the server's view of host, lock and hands replaces ours; chat stays. */
  joined(message: ServerMessageOf<'room_joined'>): void {
    const hands = [...(message.hands ?? [])].sort((a, b) => a.raisedAt - b.raisedAt);
    this.store.update((s) => ({
      ...s,
      hostId: message.hostId ?? s.hostId,
      locked: message.locked ?? false,
      hands,
    }));
  }

  /** A participant left: their hand goes with them. */
  left(userId: string): void {
    if (!this.getSnapshot().hands.some((hand) => hand.userId === userId)) return;
    this.store.update((s) => ({ ...s, hands: s.hands.filter((hand) => hand.userId !== userId) }));
  }

  notHost(): void {
    this.store.update((s) => ({ ...s, refusedNotHost: true }));
  }

  receive(message: FeatureMessage): void {
    switch (message.type) {
      case 'chat': {
        const { senderUserId, displayName, text, sentAt } = message;
        const entry: ChatMessage = {
          id: this.nextMessageId++,
          senderUserId,
          displayName,
          text,
          sentAt,
        };
        this.store.update((s) => ({ ...s, chat: [...s.chat, entry].slice(-CHAT_HISTORY_LIMIT) }));
        break;
      }
      case 'hand_changed':
        this.handChanged(message.userId, message.raised, message.raisedAt);
        break;
      case 'lock_changed':
        this.store.update((s) => ({ ...s, locked: message.locked }));
        break;
      case 'mute_request':
        this.store.update((s) => ({ ...s, muteRequest: { senderUserId: message.senderUserId } }));
        break;
    }
  }

  private handChanged(userId: string, raised: boolean, raisedAt: number | undefined): void {
    this.store.update((s) => {
      const others = s.hands.filter((hand) => hand.userId !== userId);
      if (!raised) return { ...s, hands: others };
      // Without the server's time, a hand counts as raised now, after every earlier one.
      const latest = Math.max(this.now(), ...others.map((h) => h.raisedAt));
      const hand = { userId, raisedAt: raisedAt ?? latest };
      return { ...s, hands: [...others, hand].sort((a, b) => a.raisedAt - b.raisedAt) };
    });
  }
}
