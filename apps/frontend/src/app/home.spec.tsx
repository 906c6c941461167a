/** @jest-environment jsdom */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeCallEnvironment } from '../features/call/test-support/fake-call-environment';
import { FakeFetch, reply, USER } from '../test-support/fake-fetch';
import { renderApp } from '../test-support/render-app';

const room = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  hostId: USER.id,
  isActive: true,
  maxParticipants: 4,
  createdAt: '2025-01-01T10:00:00.000Z',
  ...overrides,
});
const ID_1 = '00000000-0000-4000-8000-0000000000f1';
const ID_2 = '00000000-0000-4000-8000-0000000000f2';

function backend() {
  return new FakeFetch().on('GET /api/rooms?mine=true', reply.json(200, { rooms: [] }));
}

describe('home page', () => {
  it('creates a meeting of the chosen size and opens it', async () => {
    const http = backend()
      .on('POST /api/rooms', reply.json(201, room(ID_1, { maxParticipants: 6 })))
      .on(`GET /api/rooms/${ID_1}`, reply.json(200, room(ID_1, { maxParticipants: 6 })));
    const { pathname } = renderApp({ path: '/', http, call: fakeCallEnvironment().environment });
    const user = userEvent.setup();
    const size = screen.getByLabelText('Meeting size') as HTMLSelectElement;
    expect(size.value).toBe('4');
    await user.selectOptions(size, '6');
    await user.click(screen.getByRole('button', { name: 'New meeting' }));
    expect(await screen.findByRole('heading', { name: 'Ready to join?' })).toBeTruthy();
    expect(pathname()).toBe(`/room/${ID_1}`);
    expect(http.calls('POST /api/rooms')[0]?.body).toEqual({ maxParticipants: 6 });
  });

  it('says when a meeting cannot be created', async () => {
    const http = backend().on('POST /api/rooms', new TypeError('offline'));
    renderApp({ path: '/', http });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'New meeting' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Could not create the meeting. Cannot reach QUAL_MEET/,
    );
  });

  it('joins by a pasted invite link', async () => {
    const http = backend().on(`GET /api/rooms/${ID_2}`, reply.error(404, 'ROOM_NOT_FOUND'));
    const { pathname } = renderApp({ path: '/', http });
    const user = userEvent.setup();
    await user.type(
      screen.getByLabelText('Meeting link or ID'),
      `http://localhost:8080/room/${ID_2}`,
    );
    await user.click(screen.getByRole('button', { name: 'Join' }));
    expect(await screen.findByRole('heading', { name: 'Meeting not found' })).toBeTruthy();
    expect(pathname()).toBe(`/room/${ID_2}`);
  });

  it('explains what to paste when the text is no meeting link', async () => {
    const { pathname } = renderApp({ path: '/', http: backend() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Meeting link or ID'), 'tomorrow at 10');
    await user.click(screen.getByRole('button', { name: 'Join' }));
    expect(screen.getByRole('alert').textContent).toMatch(/not a meeting link or ID/);
    expect(pathname()).toBe('/');
  });

  it('lists recent meetings newest first, with invite links for open ones', async () => {
    const http = new FakeFetch().on(
      'GET /api/rooms?mine=true',
      reply.json(200, {
        rooms: [
          room(ID_1, { createdAt: '2025-01-01T10:00:00.000Z', isActive: false }),
          room(ID_2, { createdAt: '2025-02-01T10:00:00.000Z' }),
        ],
      }),
    );
    renderApp({ path: '/', http });
    const list = await screen.findByRole('list', { name: 'Recent meetings' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => within(item).getByRole('link').getAttribute('href'))).toEqual([
      `/room/${ID_2}`,
      `/room/${ID_1}`,
    ]);
    expect(
      within(items[0] as HTMLElement).queryByRole('button', { name: 'Copy invite link' }),
    ).toBeTruthy();
    expect(
      within(items[1] as HTMLElement).queryByRole('button', { name: 'Copy invite link' }),
    ).toBeNull();
    expect(items[1]?.textContent).toMatch(/Ended/);
  });

  it('copies the invite link to the clipboard', async () => {
    const http = new FakeFetch().on(
      'GET /api/rooms?mine=true',
      reply.json(200, { rooms: [room(ID_1)] }),
    );
    renderApp({ path: '/', http });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Copy invite link' }));
    await expect(navigator.clipboard.readText()).resolves.toBe(`http://localhost/room/${ID_1}`);
    expect(screen.getByText(/Invite link copied/)).toBeTruthy();
  });

  it('shows the link to copy by hand when the clipboard is refused', async () => {
    const http = new FakeFetch().on(
      'GET /api/rooms?mine=true',
      reply.json(200, { rooms: [room(ID_1)] }),
    );
    renderApp({ path: '/', http });
    const user = userEvent.setup();
    jest.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('NotAllowedError'));
    await user.click(await screen.findByRole('button', { name: 'Copy invite link' }));
    const field = (await screen.findByLabelText(/did not allow copying/)) as HTMLInputElement;
    expect(field.value).toBe(`http://localhost/room/${ID_1}`);
  });
});
