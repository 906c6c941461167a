import { setTimeout as delay } from 'node:timers/promises';
import { MeetingClient, type TrafficCounts } from './meeting-client';

/** A person of the soak: an account on the platform. */
export interface Account {
  email: string;
  password: string;
}

/** Where the soak's people go: the platform's public origin and its signaling nodes. */
export interface Venue {
  /** nginx's origin: every HTTP call goes through it and the gateway, as the SPA's do. */
  origin: string;
  /** WebSocket URL of each signaling node; members of a meeting alternate between them. */
  signalingUrls: string[];
}

/** How a meeting goes: its length, and how busy its members are meanwhile. */
export interface MeetingPlan {
  talkMs: [min: number, max: number];
  /** Each member sends a candidate to a random peer this often (ms). */
  candidateEveryMs: number;
  /** Someone renegotiates (a fresh offer, answered) this often (ms). */
  renegotiateEveryMs: number;
  /** Someone chats this often (ms). */
  chatEveryMs: number;
}

/** What the soak adds up over all meetings. */
export interface MeetingTally {
  meetings: number;
  failed: number;
  framesSent: number;
  framesReceived: number;
  errors: Map<string, number>;
  /** The first few failures, for the report. */
  failures: string[];
}

export const newTally = (): MeetingTally => ({
  meetings: 0,
  failed: 0,
  framesSent: 0,
  framesReceived: 0,
  errors: new Map(),
  failures: [],
});

const SDP = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n${'a=soak-filler-line-for-a-realistic-size\r\n'.repeat(90)}`;
const CANDIDATES_PER_PAIR = 10;
const HEARTBEAT_MS = 10_000;

async function api<T>(
  venue: Venue,
  path: string,
  body: unknown,
  token?: string,
  expected = [200, 201],
): Promise<T> {
  const response = await fetch(`${venue.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!expected.includes(response.status)) {
    throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** Signs an account up (once, at the start). */
export async function signUp(venue: Venue, account: Account): Promise<void> {
  await api(venue, '/api/auth/signup', account);
}

async function logIn(venue: Venue, account: Account): Promise<string> {
  const { accessToken } = await api<{ accessToken: string }>(venue, '/api/auth/login', account);
  return accessToken;
}

async function iceServers(venue: Venue, token: string): Promise<void> {
  const response = await fetch(`${venue.origin}/api/ice-servers`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
}

const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

interface Member {
  client: MeetingClient;
  userId: string;
}

/**
 * One meeting from start to end, as people have it: each logs in, the host creates the room,
 * everyone fetches ICE servers, opens a socket (alternating nodes), joins and sets up the mesh
 * with every peer already there (offer, answer, candidates); then a while of talking —
 * candidates, renegotiations, chat, a hand raised and lowered, heartbeats — and everyone leaves:
 * some with `leave_room`, some by closing, some cut off; half the hosts end the meeting at the
 * end, the others leave it to empty.
 */
export async function runMeeting(
  venue: Venue,
  accounts: Account[],
  plan: MeetingPlan,
  tally: MeetingTally,
): Promise<void> {
  const members: Member[] = [];
  try {
    const tokens = await Promise.all(accounts.map((account) => logIn(venue, account)));
    const room = await api<{ id: string }>(
      venue,
      '/api/rooms',
      { maxParticipants: Math.max(2, accounts.length) },
      tokens[0],
    );
    for (const [i, token] of tokens.entries()) {
      await iceServers(venue, token);
      const client = new MeetingClient(venue.signalingUrls[i % venue.signalingUrls.length]!);
      const member = { client, userId: await client.authenticate(token) };
      members.push(member);
      const peers = await client.join(room.id);
      for (const peer of peers) {
        client.offer(peer, SDP);
        for (let c = 0; c < CANDIDATES_PER_PAIR; c += 1) client.candidate(peer, `candidate:${c}`);
      }
    }
    await talk(members, plan);
    await leave(members);
    if (Math.random() < 0.5) await api(venue, `/api/rooms/${room.id}/end`, {}, tokens[0]);
    tally.meetings += 1;
  } catch (error) {
    tally.failed += 1;
    if (tally.failures.length < 5) tally.failures.push((error as Error).message);
    await Promise.all(members.map((member) => member.client.close(true)));
  } finally {
    for (const { client } of members) add(tally, client.counts);
  }
}

async function talk(members: Member[], plan: MeetingPlan): Promise<void> {
  const until = Date.now() + between(plan.talkMs);
  const timers = [
    setInterval(() => {
      for (const member of members) {
        const peer = pick(members.filter((m) => m !== member));
        member.client.candidate(peer.userId, `candidate:${Date.now()}`);
      }
    }, plan.candidateEveryMs),
    setInterval(() => {
      const [a, b] = [pick(members), pick(members)];
      if (a !== b) a.client.offer(b.userId, SDP);
    }, plan.renegotiateEveryMs),
    setInterval(
      () => pick(members).client.chat('soak: hello from the other side'),
      plan.chatEveryMs,
    ),
    setInterval(() => members.forEach((member) => member.client.heartbeat()), HEARTBEAT_MS),
  ];
  const raiser = pick(members);
  raiser.client.setHand(true);
  try {
    await delay(Math.max(0, until - Date.now()) / 2);
    raiser.client.setHand(false);
    await delay(Math.max(0, until - Date.now()));
  } finally {
    for (const timer of timers) clearInterval(timer);
  }
}

async function leave(members: Member[]): Promise<void> {
  await Promise.all(
    members.map(async ({ client }, i) => {
      if (i % 3 === 0) {
        client.leave();
        await client.close();
      } else await client.close(i % 3 === 2);
    }),
  );
}

function add(tally: MeetingTally, counts: TrafficCounts): void {
  tally.framesSent += counts.sent;
  tally.framesReceived += counts.received;
  for (const [code, n] of counts.errors) tally.errors.set(code, (tally.errors.get(code) ?? 0) + n);
}
