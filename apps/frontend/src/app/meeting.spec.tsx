/** @jest-environment jsdom */
import { CloseCode } from '@qual-meet/protocol';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  fakeCallEnvironment,
  type FakeDevices,
} from '../features/call/test-support/fake-call-environment';
import { fakeStream } from '../features/call/mesh/test-support/mesh-fakes';
import { FakeFetch, reply, USER } from '../test-support/fake-fetch';
import { backend, joinWith, openMeeting, room, ROOM_ID } from '../test-support/meeting-page';
import { renderApp } from '../test-support/render-app';

const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';

let play: jest.SpyInstance;
beforeEach(() => {
  window.sessionStorage.clear();
  // jsdom has no media playback; this stands in for a browser that allows autoplay.
  play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('meeting page before joining', () => {
  it('says when the meeting does not exist', async () => {
    const http = new FakeFetch().on(
      `GET /api/rooms/${ROOM_ID}`,
      reply.error(404, 'ROOM_NOT_FOUND'),
    );
    renderApp({ path: `/room/${ROOM_ID}`, http, call: fakeCallEnvironment().environment });
    expect(await screen.findByRole('heading', { name: 'Meeting not found' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Check that you copied the whole link/);
  });

  it('says "not found" for a malformed id without asking the server', async () => {
    const http = new FakeFetch();
    renderApp({ path: '/room/not-a-room', http });
    expect(await screen.findByRole('heading', { name: 'Meeting not found' })).toBeTruthy();
    expect(http.requests).toEqual([]);
  });

  it('says when the meeting has ended', async () => {
    renderApp({ path: `/room/${ROOM_ID}`, http: backend({ isActive: false }) });
    expect(await screen.findByRole('heading', { name: 'This meeting has ended' })).toBeTruthy();
  });

  it('previews the camera, mirrored and muted, with device choices', async () => {
    await openMeeting();
    const self = screen.getByRole('group', { name: `You (alice)` });
    const video = within(self).getByLabelText('Your video') as HTMLVideoElement;
    expect(video.muted).toBe(true);
    expect(video.className).toMatch(/mirrored/);
    expect(video.hasAttribute('playsinline')).toBe(true);
    expect(screen.getByLabelText('Camera')).toBeTruthy();
    expect(screen.getByLabelText('Microphone')).toBeTruthy();
    expect(screen.getByLabelText('Speaker')).toBeTruthy();
  });

  it('explains a blocked camera and still lets the person join with the microphone', async () => {
    const harness = await openMeeting({ devices: { audio: null, video: 'NotAllowedError' } });
    expect(screen.getByText(/^Camera blocked/)).toBeTruthy();
    // Off, and a press asks for the camera again (the person may have allowed it meanwhile).
    expect(
      (screen.getByRole('button', { name: 'Turn camera on' }) as HTMLButtonElement).disabled,
    ).toBe(false);
    await joinWith(harness, []);
    expect(harness.pcs.created).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Leave' })).toBeTruthy();
  });

  it('joins receive-only when there is neither camera nor microphone', async () => {
    const harness = await openMeeting({
      devices: { audio: 'NotFoundError', video: 'NotFoundError' },
    });
    expect(screen.getByText(/receive-only/)).toBeTruthy();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    expect(harness.pcs.last.tracks).toEqual([]);
  });
});

describe('in the meeting', () => {
  it('shows a tile per participant with name, video and connection state', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const bob = screen.getByRole('group', { name: 'bob' });
    const video = within(bob).getByLabelText('Video of bob') as HTMLVideoElement;
    expect(video.tagName).toBe('VIDEO');
    expect(video.hasAttribute('playsinline')).toBe(true);
    expect(within(bob).getByText('Connecting…')).toBeTruthy();

    const stream = fakeStream('audio', 'video');
    act(() => {
      harness.pcs.last.emitTrack(stream);
      harness.pcs.last.emitIceState('connected');
    });
    expect(within(bob).getByText('Connected')).toBeTruthy();
    expect(video.srcObject).toBe(stream);
    await waitFor(() => expect(play).toHaveBeenCalled());

    act(() => socket.receive({ type: 'user_joined', userId: CAROL, displayName: 'carol' }));
    expect(screen.getByRole('group', { name: 'carol' })).toBeTruthy();
    act(() => socket.receive({ type: 'user_left', userId: BOB }));
    expect(screen.queryByRole('group', { name: 'bob' })).toBeNull();
  });

  it('says when a peer cannot be reached', async () => {
    const harness = await openMeeting();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    act(() => harness.pcs.last.emitIceState('failed'));
    act(() => harness.clock.advance(15_000));
    const bob = screen.getByRole('group', { name: 'bob' });
    expect(within(bob).getByText('Unreachable')).toBeTruthy();
    expect(within(bob).getByRole('alert').textContent).toMatch(/Cannot connect to bob/);
  });

  it('mutes and turns the camera off, naming what the next press does', async () => {
    const harness = await openMeeting();
    await joinWith(harness, []);
    const { user } = harness;
    await user.click(screen.getByRole('button', { name: 'Mute' }));
    expect(screen.getByRole('button', { name: 'Unmute' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Turn camera off' }));
    expect(screen.getByRole('button', { name: 'Turn camera on' })).toBeTruthy();
    expect(screen.getByText('Camera off')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unmute' }));
    expect(screen.getByRole('button', { name: 'Mute' })).toBeTruthy();
  });

  it('shows when a peer muted or turned the camera off, and tells peers when we do', async () => {
    const harness = await openMeeting();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const channel = harness.pcs.last.channel!;
    act(() => {
      harness.pcs.last.emitTrack(fakeStream('audio', 'video'));
      channel.open();
    });
    act(() => channel.receive(JSON.stringify({ muted: true, cameraOff: true })));
    const bob = screen.getByRole('group', { name: 'bob' });
    expect(within(bob).getByText('Muted')).toBeTruthy();
    expect(within(bob).getByText('Camera off')).toBeTruthy();

    await harness.user.click(screen.getByRole('button', { name: 'Mute' }));
    expect(channel.sent.map((m) => JSON.parse(m)).at(-1)).toEqual({
      muted: true,
      cameraOff: false,
      screenStreamId: null,
    });
  });

  it('switches camera mid-call: the peers get the new tracks, with no new negotiation', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const pc = harness.pcs.last;
    const before = [...pc.sending];
    await harness.user.click(screen.getByText('Devices', { selector: 'summary' }));
    await harness.user.selectOptions(screen.getByLabelText('Camera'), 'USB camera');

    const preview = screen.getByLabelText('Your video') as HTMLVideoElement;
    await waitFor(() => expect(preview.srcObject).not.toBeNull());
    await waitFor(() => expect(pc.sending).toEqual((preview.srcObject as MediaStream).getTracks()));
    expect(before.every((track) => track?.readyState === 'ended')).toBe(true);
    expect(socket.framesOf('offer')).toEqual([]);
    expect((screen.getByLabelText('Camera') as HTMLSelectElement).value).toBe('cam-2');
  });

  it('tells the person the connection was lost while reconnecting', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, []);
    act(() => socket.drop(1006));
    expect(screen.getByText(/Connection lost. Reconnecting…/)).toBeTruthy();
  });

  it('offers a click to unmute when the browser blocks sound', async () => {
    const harness = await openMeeting();
    play.mockImplementation(function (this: HTMLMediaElement) {
      return this.muted
        ? Promise.resolve()
        : Promise.reject(Object.assign(new Error('blocked'), { name: 'NotAllowedError' }));
    });
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    act(() => harness.pcs.last.emitTrack(fakeStream('audio', 'video')));
    const button = await screen.findByRole('button', { name: 'Turn on sound' });
    const video = screen.getByLabelText('Video of bob') as HTMLVideoElement;
    expect(video.muted).toBe(true);
    play.mockResolvedValue(undefined);
    await harness.user.click(button);
    expect(video.muted).toBe(false);
    expect(screen.queryByRole('button', { name: 'Turn on sound' })).toBeNull();
  });

  it('leaves: the server is told, connections close, the camera is released', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const local = harness.pcs.last.tracks[0]?.stream;
    expect(local?.getTracks().map((t) => t.readyState)).toEqual(['live', 'live']);
    await harness.user.click(screen.getByRole('button', { name: 'Leave' }));
    expect(await screen.findByRole('heading', { name: 'You left the meeting' })).toBeTruthy();
    expect(socket.framesOf('leave_room')).toHaveLength(1);
    expect(harness.pcs.last.closed).toBe(true);
    expect(harness.clock.pendingCount).toBe(0);
    expect(local?.getTracks().map((t) => t.readyState)).toEqual(['ended', 'ended']);
    await harness.user.click(screen.getByRole('button', { name: 'Rejoin' }));
    expect(await screen.findByRole('heading', { name: 'Ready to join?' })).toBeTruthy();
  });

  it('comes straight back into the meeting after a reload, and not after leaving', async () => {
    const first = await openMeeting();
    await joinWith(first, [{ userId: BOB, displayName: 'bob' }]);
    first.unmount();

    // The reload: same tab (sessionStorage kept), a fresh page.
    const call = fakeCallEnvironment();
    const reloaded = renderApp({
      path: `/room/${ROOM_ID}`,
      http: backend(),
      call: call.environment,
    });
    await waitFor(() => expect(call.sockets.sockets).toHaveLength(1));
    expect(screen.queryByRole('heading', { name: 'Ready to join?' })).toBeNull();
    act(() => call.sockets.last.authenticate(USER.id));
    expect(call.sockets.last.framesOf('join_room')).toEqual([
      { type: 'join_room', roomId: ROOM_ID },
    ]);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Leave' }));
    reloaded.unmount();

    await openMeeting();
    expect(screen.getByRole('heading', { name: 'Ready to join?' })).toBeTruthy();
  });

  it('says the meeting is full', async () => {
    const harness = await openMeeting();
    await harness.user.click(screen.getByRole('button', { name: 'Join' }));
    await waitFor(() => expect(harness.sockets.sockets).toHaveLength(1));
    act(() => {
      harness.sockets.last.authenticate(USER.id);
      harness.sockets.last.receive({ type: 'error', code: 'room_full', message: 'full' });
    });
    expect(await screen.findByRole('heading', { name: 'This meeting is full' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('says when this tab was replaced by another one (4409)', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, []);
    act(() => socket.drop(CloseCode.REPLACED));
    expect(
      await screen.findByRole('heading', { name: 'You joined from another tab' }),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Rejoin here' })).toBeTruthy();
  });

  it('says when the host ended the meeting', async () => {
    const harness = await openMeeting();
    const socket = await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    act(() => socket.receive({ type: 'room_ended', roomId: ROOM_ID }));
    expect(await screen.findByRole('heading', { name: 'This meeting has ended' })).toBeTruthy();
    expect(harness.pcs.last.closed).toBe(true);
  });
});

describe('the host', () => {
  it('is the only one offered "End meeting for all"', async () => {
    const harness = await openMeeting();
    await joinWith(harness, []);
    expect(screen.queryByRole('button', { name: 'End meeting for all' })).toBeNull();
  });

  it('ends the meeting for everyone', async () => {
    const http = backend({ hostId: USER.id }).on(
      `POST /api/rooms/${ROOM_ID}/end`,
      reply.json(200, room({ hostId: USER.id, isActive: false })),
    );
    const harness = await openMeeting({ http });
    await joinWith(harness, []);
    await harness.user.click(screen.getByRole('button', { name: 'End meeting for all' }));
    expect(await screen.findByRole('heading', { name: 'This meeting has ended' })).toBeTruthy();
    expect(http.calls(`POST /api/rooms/${ROOM_ID}/end`)).toHaveLength(1);
    expect(harness.clock.pendingCount).toBe(0);
  });
});

describe('media added mid-call, screen share, names, reloads', () => {
  it('sends a camera turned on after joining without one, without a rejoin', async () => {
    const devices: FakeDevices = { audio: null, video: 'NotFoundError' };
    const harness = await openMeeting({ devices });
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const pc = harness.pcs.last;
    expect(pc.tracks.map((t) => t.kind)).toEqual(['audio']);

    devices.video = null; // the person plugged a camera in
    await harness.user.click(screen.getByRole('button', { name: 'Turn camera on' }));
    await waitFor(() => expect(pc.tracks.map((t) => t.kind)).toEqual(['audio', 'video']));
    expect(pc.tracks[1]?.stream).toBe(pc.tracks[0]?.stream);
    expect(screen.getByRole('button', { name: 'Turn camera off' })).toBeTruthy();
    expect(harness.pcs.created).toHaveLength(1);
  });

  it('shares the screen to every peer beside the camera, and stops it', async () => {
    const harness = await openMeeting();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const pc = harness.pcs.last;
    await harness.user.click(screen.getByRole('button', { name: 'Share screen' }));
    await screen.findByRole('button', { name: 'Stop sharing' });
    expect(pc.tracks.map((t) => t.kind)).toEqual(['audio', 'video', 'video', 'audio']);
    expect(screen.getByRole('group', { name: 'Your screen' })).toBeTruthy();
    expect(screen.getByLabelText('Your video')).toBeTruthy();

    await harness.user.click(screen.getByRole('button', { name: 'Stop sharing' }));
    expect(pc.log.filter((l) => l.startsWith('remove-track'))).toHaveLength(2);
    expect(screen.queryByRole('group', { name: 'Your screen' })).toBeNull();
    const shared = pc.tracks[2]?.stream;
    expect(shared?.getTracks().map((t) => t.readyState)).toEqual(['ended', 'ended']);
  });

  it('stops sharing when the browser’s own stop ends the capture', async () => {
    const harness = await openMeeting();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    await harness.user.click(screen.getByRole('button', { name: 'Share screen' }));
    await screen.findByRole('button', { name: 'Stop sharing' });
    const shared = harness.pcs.last.tracks[2]?.stream;
    act(() => (shared?.getVideoTracks()[0] as unknown as { end(): void }).end());
    expect(await screen.findByRole('button', { name: 'Share screen' })).toBeTruthy();
    expect(harness.pcs.last.log.filter((l) => l.startsWith('remove-track'))).toHaveLength(2);
  });

  it('shows a peer’s screen in a featured tile of its own', async () => {
    const harness = await openMeeting();
    await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
    const pc = harness.pcs.last;
    const camera = fakeStream('audio', 'video');
    const shared = fakeStream('video');
    act(() => {
      pc.emitTrack(camera);
      pc.emitTrack(shared);
      pc.channel!.open();
      pc.channel!.receive(
        JSON.stringify({ muted: false, cameraOff: false, screenStreamId: shared.id }),
      );
    });
    const tile = screen.getByRole('group', { name: "bob's screen" });
    expect(tile.getAttribute('data-featured')).toBe('true');
    expect((within(tile).getByLabelText('Screen of bob') as HTMLVideoElement).srcObject).toBe(
      shared,
    );
    const bob = screen.getByRole('group', { name: 'bob' });
    expect((within(bob).getByLabelText('Video of bob') as HTMLVideoElement).srcObject).toBe(camera);

    act(() =>
      pc.channel!.receive(JSON.stringify({ muted: false, cameraOff: false, screenStreamId: null })),
    );
    expect(screen.queryByRole('group', { name: "bob's screen" })).toBeNull();
  });

  it('names a participant from another domain with that domain', async () => {
    const harness = await openMeeting();
    await harness.user.click(screen.getByRole('button', { name: 'Join' }));
    await waitFor(() => expect(harness.sockets.sockets).toHaveLength(1));
    act(() => {
      harness.sockets.last.authenticate(USER.id);
      harness.sockets.last.receive({
        type: 'room_joined',
        roomId: ROOM_ID,
        existingPeers: [BOB, CAROL],
        peers: [
          { userId: BOB, displayName: 'alice', domain: 'evil.example' },
          { userId: CAROL, displayName: 'carol', domain: 'example.com' },
        ],
      });
    });
    expect(screen.getByRole('group', { name: 'alice (evil.example)' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'carol' })).toBeTruthy();
  });

  it('after a reload, is as muted and camera-off as before, and says a share ended', async () => {
    const first = await openMeeting();
    await joinWith(first, [{ userId: BOB, displayName: 'bob' }]);
    await first.user.click(screen.getByRole('button', { name: 'Mute' }));
    await first.user.click(screen.getByRole('button', { name: 'Turn camera off' }));
    await first.user.click(screen.getByRole('button', { name: 'Share screen' }));
    await screen.findByRole('button', { name: 'Stop sharing' });
    first.unmount();

    const call = fakeCallEnvironment();
    renderApp({ path: `/room/${ROOM_ID}`, http: backend(), call: call.environment });
    await waitFor(() => expect(call.sockets.sockets).toHaveLength(1));
    act(() => {
      call.sockets.last.authenticate(USER.id);
      call.sockets.last.receive({
        type: 'room_joined',
        roomId: ROOM_ID,
        existingPeers: [BOB],
        peers: [{ userId: BOB, displayName: 'bob' }],
      });
    });
    expect(await screen.findByRole('button', { name: 'Unmute' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Turn camera on' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Share screen' })).toBeTruthy();
    expect(screen.getByText(/Your screen share ended when the page reloaded/)).toBeTruthy();
    const channel = call.pcs.last.channel!;
    act(() => channel.open());
    expect(JSON.parse(channel.sent.at(-1)!)).toEqual({
      muted: true,
      cameraOff: true,
      screenStreamId: null,
    });
    const local = call.pcs.last.tracks.map((t) => t.stream.getTracks().map((x) => x.enabled));
    expect(local[0]).toEqual([false, false]);
  });
});
