import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  useBrowser,
  remoteAudioState,
  type Person,
} from '@qual-meet/browser-testing';
import { people, tile, twoInACall } from './support/meeting';
import { signalingNodesInRoom } from './support/platform';

const browser = useBrowser();

it('lets three people see and hear each other across both signaling nodes; a fourth is told it is full; a leaver disappears', async () => {
  const [host, bob, carol, dave] = (await people(browser(), 4)) as [Person, Person, Person, Person];
  const roomId = await createMeeting(host, 3);
  await joinMeeting(host, roomId);
  await joinMeeting(bob, roomId);
  await joinMeeting(carol, roomId);

  const trio = [host, bob, carol];
  await Promise.all(
    trio.flatMap((viewer) =>
      trio.filter((o) => o !== viewer).map((other) => expectVideoFlowing(viewer, other)),
    ),
  );
  for (const viewer of trio) {
    for (const other of trio.filter((o) => o !== viewer)) {
      expect(await remoteAudioState(viewer, other)).toBe('live');
    }
  }
  expect((await signalingNodesInRoom(roomId)).size).toBe(2);

  await dave.page.goto(`/room/${roomId}`);
  await dave.page.getByRole('button', { name: 'Join', exact: true }).click();
  await dave.page.getByRole('heading', { name: 'This meeting is full' }).waitFor();

  await carol.page.getByRole('button', { name: 'Leave', exact: true }).click();
  await carol.page.getByRole('heading', { name: 'You left the meeting' }).waitFor();
  await tile(host, carol).waitFor({ state: 'detached', timeout: 5_000 });
  await tile(bob, carol).waitFor({ state: 'detached', timeout: 5_000 });
  await expectVideoFlowing(host, bob);

  await Promise.all([host, bob, carol, dave].map((p) => p.context.close()));
});

it('brings a person back into the meeting after a reload without a ghost tile, and tells everyone when the host ends it', async () => {
  const [host, bob] = await twoInACall(browser(), 4);

  await bob.page.reload();
  await bob.page.getByRole('region', { name: 'Call controls' }).waitFor();
  await expectVideoFlowing(bob, host);
  await expectVideoFlowing(host, bob);
  expect(await tile(host, bob).count()).toBe(1);

  await host.page.getByRole('button', { name: 'End meeting for all' }).click();
  await bob.page.getByRole('heading', { name: 'This meeting has ended' }).waitFor();
  await host.page.getByRole('heading', { name: 'This meeting has ended' }).waitFor();

  await Promise.all([host, bob].map((p) => p.context.close()));
});

it('keeps a person on screen when they pick another camera mid-call, and shows the others when they mute or turn the camera off', async () => {
  const [host, bob] = await twoInACall(browser(), 2);

  // Picking the camera reopens it: the track the host was receiving is stopped, so the host's
  // tile keeps playing only if the new one was put in its place.
  const previewTrack = () =>
    bob.page.evaluate(() => {
      const video = document.querySelector('video[aria-label="Your video"]') as HTMLVideoElement;
      const [track] = (video.srcObject as MediaStream | null)?.getVideoTracks() ?? [];
      return track ? { id: track.id, live: track.readyState === 'live' } : null;
    });
  const before = await previewTrack();
  await bob.page.getByText('Devices', { exact: true }).first().click();
  await bob.page.getByRole('combobox', { name: 'Camera' }).selectOption({ index: 1 });
  await bob.page.waitForFunction((oldId) => {
    const video = document.querySelector('video[aria-label="Your video"]') as HTMLVideoElement;
    const [track] = (video.srcObject as MediaStream | null)?.getVideoTracks() ?? [];
    return track !== undefined && track.id !== oldId && track.readyState === 'live';
  }, before?.id);
  expect((await previewTrack())?.live).toBe(true);
  await expectVideoFlowing(host, bob);
  await expectVideoFlowing(bob, host);

  // Mute and camera-off reach the host peer to peer (the media-state data channel).
  const bobTile = tile(host, bob);
  await bob.page.getByRole('button', { name: 'Mute', exact: true }).click();
  await bobTile.getByText('Muted', { exact: true }).waitFor();
  await bob.page.getByRole('button', { name: 'Turn camera off', exact: true }).click();
  await bobTile.getByText('Camera off', { exact: true }).waitFor();
  await bob.page.getByRole('button', { name: 'Unmute', exact: true }).click();
  await bobTile.getByText('Muted', { exact: true }).waitFor({ state: 'detached' });

  await Promise.all([host, bob].map((p) => p.context.close()));
});
