import type { PeerSendLimit } from '@qual-meet/protocol';
import type { PeerQuality } from './call-quality';
import { limitNotice, linkWords } from './link-health';

/** What a remote tile says about its link, in words (never colour alone). */
export interface TileWords {
  /** "Direct over UDP, 50 ms, 0 % loss"; null before a candidate pair. */
  summary: string | null;
  /** "Poor connection — bob's connection", naming who limits where we know it. */
  poor: string | null;
  /** "Video paused to keep audio — …" for what we receive and what we send them. */
  notices: string[];
}

type Whose = { self: true } | { self: false; name: string };

/** A limit as its sender told it, seen from our side: whose connection forces it. */
function whoseLimit(limit: PeerSendLimit, weSend: boolean, name: string): Whose {
  const senderIsUs = weSend;
  const bySender = limit.by === 'sender';
  return bySender === senderIsUs ? { self: true } : { self: false, name };
}

function noticeOf(limit: PeerSendLimit, weSend: boolean, name: string): string | null {
  const whose = whoseLimit(limit, weSend, name);
  return limitNotice(whose.self ? 'self' : 'peer', limit.paused, whose);
}

const lowerFirst = (text: string) => text.slice(0, 1).toLowerCase() + text.slice(1);

export function tileWords(name: string, quality: PeerQuality | undefined): TileWords {
  if (!quality) return { summary: null, poor: null, notices: [] };
  const { health, sending, receiving } = quality;
  const notices: string[] = [];
  const received = receiving ? noticeOf(receiving, false, name) : null;
  if (received) notices.push(received);
  const sent = sending ? noticeOf(sending, true, name) : null;
  if (sent) notices.push(`Your video to ${name}: ${lowerFirst(sent)}`);

  const words = linkWords(health);
  const summary = words ? words.slice(0, 1).toUpperCase() + words.slice(1) : null;

  const limit = receiving ?? sending;
  let poor: string | null = null;
  if (health.poor) {
    const whose = limit ? whoseLimit(limit, limit === sending, name) : null;
    poor = whose
      ? `Poor connection — ${whose.self ? 'your connection' : `${name}'s connection`}`
      : `Poor connection to ${name}`;
  }
  return { summary, poor, notices };
}
