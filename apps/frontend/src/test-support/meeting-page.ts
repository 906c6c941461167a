import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  fakeCallEnvironment,
  type FakeDevices,
} from '../features/call/test-support/fake-call-environment';
import { FakeFetch, reply, USER } from './fake-fetch';
import { renderApp } from './render-app';

export const ROOM_ID = '00000000-0000-4000-8000-0000000000f1';
export const OTHER_HOST = '00000000-0000-4000-8000-0000000000ff';

/** The meeting record as room-service returns it; hosted by someone else unless overridden. */
export const room = (overrides: Record<string, unknown> = {}) => ({
  id: ROOM_ID,
  hostId: OTHER_HOST,
  isActive: true,
  maxParticipants: 4,
  createdAt: '2025-01-01T10:00:00.000Z',
  ...overrides,
});

const ICE = { iceServers: [{ urls: ['stun:turn.test:3478'] }], ttl: 600 };

/** The HTTP side of a meeting page: the room and ICE servers. */
export function backend(roomOverrides: Record<string, unknown> = {}) {
  return new FakeFetch()
    .on(`GET /api/rooms/${ROOM_ID}`, reply.json(200, room(roomOverrides)))
    .on('GET /api/ice-servers', reply.json(200, ICE));
}

/** Opens the meeting page and waits for the pre-join step. */
export async function openMeeting(options: { devices?: FakeDevices; http?: FakeFetch } = {}) {
  const call = fakeCallEnvironment(options.devices);
  const app = renderApp({
    path: `/room/${ROOM_ID}`,
    http: options.http ?? backend(),
    call: call.environment,
  });
  await screen.findByRole('heading', { name: 'Ready to join?' });
  await waitFor(() =>
    expect((screen.getByRole('button', { name: 'Join' }) as HTMLButtonElement).disabled).toBe(
      false,
    ),
  );
  return { ...app, ...call, user: userEvent.setup() };
}

export type MeetingHarness = Awaited<ReturnType<typeof openMeeting>>;

/**
 * Joins, and plays the server accepting us into the room with `peers` present; `room` adds
 * `room_joined` fields (hostId, locked, hands).
 */
export async function joinWith(
  harness: MeetingHarness,
  peers: { userId: string; displayName: string }[],
  roomJoined: Record<string, unknown> = {},
) {
  await harness.user.click(screen.getByRole('button', { name: 'Join' }));
  await waitFor(() => expect(harness.sockets.sockets).toHaveLength(1));
  const socket = harness.sockets.last;
  act(() => {
    socket.authenticate(USER.id);
    socket.receive({
      type: 'room_joined',
      roomId: ROOM_ID,
      existingPeers: peers.map((p) => p.userId),
      peers,
      ...roomJoined,
    });
  });
  return socket;
}
