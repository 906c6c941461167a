/** @jest-environment jsdom */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeStream } from '../features/call/mesh/test-support/mesh-fakes';
import { USER } from '../test-support/fake-fetch';
import { joinWith, openMeeting, ROOM_ID } from '../test-support/meeting-page';

const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';
const PEERS = [
  { userId: BOB, displayName: 'bob' },
  { userId: CAROL, displayName: 'carol' },
];

beforeEach(() => {
  window.sessionStorage.clear();
  jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => jest.restoreAllMocks());

const button = (name: string) => screen.getByRole('button', { name });
const chatFrom = (senderUserId: string, displayName: string, text: string) => ({
  type: 'chat',
  senderUserId,
  displayName,
  text,
  sentAt: Date.UTC(2025, 0, 1, 10, 30),
});

/** In the meeting with bob and carol; `hostId` says who hosts (someone else by default). */
async function inMeeting(roomJoined: Record<string, unknown> = {}) {
  const harness = await openMeeting();
  const socket = await joinWith(harness, PEERS, roomJoined);
  return { ...harness, socket };
}

describe('chat', () => {
  it('sends with Enter, shows what the server relays with name and time, and says it is not kept', async () => {
    const { user, socket } = await inMeeting();
    const toggle = button('Chat');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    const panel = screen.getByRole('region', { name: 'Chat' });
    expect(panel.textContent).toMatch(/people who join later do not see earlier messages/);
    const box = within(panel).getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(box);

    await user.type(box, 'first line{Shift>}{Enter}{/Shift}second{Enter}');
    expect(socket.framesOf('chat')).toEqual([{ type: 'chat', text: 'first line\nsecond' }]);
    expect((box as HTMLTextAreaElement).value).toBe('');

    act(() => socket.receive(chatFrom(USER.id, 'alice', 'first line\nsecond')));
    act(() => socket.receive(chatFrom(BOB, 'bob', '<b>bold</b> https://evil.test/x')));
    const log = within(panel).getByRole('log');
    const items = within(log).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.chat__sender')?.textContent)).toEqual([
      'You',
      'bob',
    ]);
    expect(items[1]?.textContent).toContain('<b>bold</b> https://evil.test/x');
    expect(log.querySelector('b, a')).toBeNull();
    expect(items[1]?.querySelector('time')?.getAttribute('dateTime')).toBe(
      '2025-01-01T10:30:00.000Z',
    );
  });

  it('counts messages from others while the chat is closed, and clears the count on opening', async () => {
    const { user, socket } = await inMeeting();
    act(() => {
      socket.receive(chatFrom(BOB, 'bob', 'one'));
      socket.receive(chatFrom(CAROL, 'carol', 'two'));
      socket.receive(chatFrom(USER.id, 'alice', 'mine'));
    });
    const toggle = button('Chat');
    const description = () =>
      document.getElementById(toggle.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(description()).toBe('2 unread messages');
    expect(toggle.querySelector('.badge')?.textContent).toBe('2');

    await user.click(toggle);
    expect(toggle.getAttribute('aria-describedby')).toBeNull();
    act(() => socket.receive(chatFrom(BOB, 'bob', 'seen at once')));
    await user.click(screen.getByRole('button', { name: 'Close chat' }));
    expect(toggle.getAttribute('aria-describedby')).toBeNull();
    act(() => socket.receive(chatFrom(BOB, 'bob', 'later')));
    expect(description()).toBe('1 unread message');
  });

  it('keeps the draft and says so when the message cannot go out', async () => {
    const { user, socket } = await inMeeting();
    await user.click(button('Chat'));
    act(() => socket.drop(1006));
    const box = screen.getByRole('textbox', { name: 'Message' });
    await user.type(box, 'hello?');
    await user.click(button('Send'));
    expect(screen.getByRole('alert').textContent).toMatch(/^Not sent/);
    expect((box as HTMLTextAreaElement).value).toBe('hello?');
  });
});

describe('hands', () => {
  it('raises and lowers our hand, marks tiles, and lists hands in the order raised', async () => {
    const { user, socket } = await inMeeting({ hands: [{ userId: CAROL, raisedAt: 5 }] });
    await user.click(button('Raise hand'));
    expect(socket.framesOf('set_hand')).toEqual([{ type: 'set_hand', raised: true }]);
    act(() => {
      socket.receive({ type: 'hand_changed', userId: USER.id, raised: true, raisedAt: 30 });
      socket.receive({ type: 'hand_changed', userId: BOB, raised: true, raisedAt: 20 });
    });
    const list = screen.getByRole('region', { name: 'Raised hands' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['carol', 'bob', 'You']);
    expect(within(screen.getByRole('group', { name: 'You (alice)' })).getByText(/Hand raised/));
    expect(within(screen.getByRole('group', { name: 'bob' })).getByText(/Hand raised/));
    // Only the host lowers other people's hands.
    expect(screen.queryByRole('button', { name: "Lower bob's hand" })).toBeNull();

    await user.click(button('Lower hand'));
    expect(socket.framesOf('set_hand').at(-1)).toEqual({ type: 'set_hand', raised: false });
    act(() => socket.receive({ type: 'hand_changed', userId: USER.id, raised: false }));
    expect(button('Raise hand')).toBeTruthy();
  });
});

describe('host controls', () => {
  it('are not offered to anyone but the host, who still see that the meeting is locked', async () => {
    const { socket } = await inMeeting({ hands: [{ userId: BOB, raisedAt: 1 }] });
    for (const name of ['Lock meeting', 'Mute bob', 'Remove bob', "Lower bob's hand"]) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
    act(() => socket.receive({ type: 'lock_changed', locked: true }));
    expect(screen.getByText(/^The host locked this meeting/).getAttribute('role')).toBe('status');
  });

  it('lock and unlock the meeting, and everyone sees that it is locked', async () => {
    const { user, socket } = await inMeeting({ hostId: USER.id });
    await user.click(button('Lock meeting'));
    expect(socket.framesOf('lock_room')).toEqual([{ type: 'lock_room', locked: true }]);
    act(() => socket.receive({ type: 'lock_changed', locked: true }));
    expect(screen.getByText(/^You locked this meeting/).getAttribute('role')).toBe('status');
    await user.click(button('Unlock meeting'));
    expect(socket.framesOf('lock_room').at(-1)).toEqual({ type: 'lock_room', locked: false });
  });

  it('mute someone, lower their hand, and remove them after asking', async () => {
    const { user, socket } = await inMeeting({
      hostId: USER.id,
      hands: [{ userId: BOB, raisedAt: 1 }],
    });
    await user.click(button('Mute bob'));
    expect(socket.framesOf('mute_participant')).toEqual([
      { type: 'mute_participant', targetUserId: BOB },
    ]);
    await user.click(button("Lower bob's hand"));
    expect(socket.framesOf('lower_hand')).toEqual([{ type: 'lower_hand', targetUserId: BOB }]);

    await user.click(button('Remove bob'));
    const confirm = screen.getByRole('alertdialog', { name: 'Remove bob?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(socket.framesOf('remove_participant')).toEqual([]);
    await user.click(button('Remove bob'));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove' }),
    );
    expect(socket.framesOf('remove_participant')).toEqual([
      { type: 'remove_participant', targetUserId: BOB },
    ]);
  });

  it('says so when the server refuses a host control', async () => {
    const { user, socket } = await inMeeting({ hostId: USER.id });
    await user.click(button('Lock meeting'));
    act(() => socket.receive({ type: 'error', code: 'not_host', message: 'not the host' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Only the host/);
  });
});

describe('when the host acts on us', () => {
  it('mutes our microphone on a mute request, tells us, and lets only us unmute', async () => {
    const { user, socket, pcs } = await inMeeting();
    const channel = pcs.created[0]!.channel!;
    act(() => {
      pcs.created[0]!.emitTrack(fakeStream('audio', 'video'));
      channel.open();
    });
    act(() => socket.receive({ type: 'mute_request', senderUserId: BOB }));
    expect(button('Unmute')).toBeTruthy();
    expect(screen.getByText(/The host muted your microphone/)).toBeTruthy();
    await waitFor(() =>
      expect(JSON.parse(channel.sent.at(-1) ?? '{}')).toEqual({
        muted: true,
        cameraOff: false,
        screenStreamId: null,
      }),
    );
    await user.click(button('Unmute'));
    expect(screen.queryByText(/The host muted your microphone/)).toBeNull();
    expect(button('Mute')).toBeTruthy();
  });

  it('says the host removed us, closes the call, and offers no way back in', async () => {
    const { socket, pcs } = await inMeeting();
    act(() => socket.receive({ type: 'removed', roomId: ROOM_ID }));
    expect(
      await screen.findByRole('heading', { name: 'The host removed you from this meeting' }),
    ).toBeTruthy();
    expect(pcs.created.every((pc) => pc.closed)).toBe(true);
    expect(screen.queryByRole('button', { name: /Rejoin|Try again/ })).toBeNull();
  });

  it('says a locked meeting is locked', async () => {
    const harness = await openMeeting();
    await harness.user.click(button('Join'));
    await waitFor(() => expect(harness.sockets.sockets).toHaveLength(1));
    act(() => {
      harness.sockets.last.authenticate(USER.id);
      harness.sockets.last.receive({ type: 'error', code: 'room_locked', message: 'locked' });
    });
    expect(await screen.findByRole('heading', { name: 'This meeting is locked' })).toBeTruthy();
    expect(button('Try again')).toBeTruthy();
  });
});

describe('layout', () => {
  it('pins a tile to the large place and unpins it', async () => {
    const { user } = await inMeeting();
    const bobTile = () => screen.getByRole('group', { name: 'bob' });
    expect(bobTile().closest('.stage__main')).toBeNull();
    await user.click(button('Pin bob'));
    expect(bobTile().closest('.stage__main')).not.toBeNull();
    expect(screen.getByRole('group', { name: 'carol' }).closest('.stage__strip')).not.toBeNull();
    await user.click(button('Unpin bob'));
    expect(bobTile().closest('.stage__main')).toBeNull();
  });

  it('shows a tile full screen where the browser can', async () => {
    Object.defineProperty(document, 'fullscreenEnabled', { value: true, configurable: true });
    const request = jest.fn().mockResolvedValue(undefined);
    HTMLElement.prototype.requestFullscreen = request;
    try {
      const { user } = await inMeeting();
      await user.click(button('Full screen bob'));
      expect(request).toHaveBeenCalledTimes(1);
      expect(request.mock.contexts[0]).toBe(
        screen.getByRole('group', { name: 'bob' }).parentElement,
      );
    } finally {
      Reflect.deleteProperty(document, 'fullscreenEnabled');
      Reflect.deleteProperty(HTMLElement.prototype, 'requestFullscreen');
    }
  });
});

describe('keyboard shortcuts', () => {
  it('M, V, C and H work the controls; ? lists them; none fire while typing', async () => {
    const { user, socket } = await inMeeting();
    await user.keyboard('m');
    expect(button('Unmute')).toBeTruthy();
    await user.keyboard('v');
    expect(button('Turn camera on')).toBeTruthy();
    await user.keyboard('h');
    expect(socket.framesOf('set_hand')).toEqual([{ type: 'set_hand', raised: true }]);

    await user.keyboard('c');
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(box);
    await user.type(box, 'mvh');
    expect(button('Unmute')).toBeTruthy();
    expect(socket.framesOf('set_hand')).toHaveLength(1);
    box.blur();
    await user.keyboard('c');
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();

    await user.keyboard('?');
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    const keys = [...dialog.querySelectorAll('kbd')].map((kbd) => kbd.textContent);
    expect(keys).toEqual(['M', 'V', 'S', 'C', 'H', '?']);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('ignores keys pressed with Ctrl, Alt or Meta', async () => {
    const { user } = await inMeeting();
    await user.keyboard('{Control>}m{/Control}{Alt>}m{/Alt}');
    expect(button('Mute')).toBeTruthy();
  });
});
