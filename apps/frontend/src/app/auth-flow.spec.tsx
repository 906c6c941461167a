/** @jest-environment jsdom */
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { authSession, FakeFetch, reply, USER } from '../test-support/fake-fetch';
import { renderApp } from '../test-support/render-app';

const ROOM_ID = '00000000-0000-4000-8000-0000000000f1';
const ROOM = {
  id: ROOM_ID,
  hostId: USER.id,
  isActive: true,
  maxParticipants: 4,
  createdAt: '2025-01-01T10:00:00.000Z',
};

async function fillCredentials(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  return user;
}

describe('logging in', () => {
  it('sends logged-out visitors of a meeting to the login page and back to the meeting', async () => {
    const http = new FakeFetch()
      .on('POST /api/auth/login', reply.json(200, authSession()))
      .on(`GET /api/rooms/${ROOM_ID}`, reply.json(200, { ...ROOM, isActive: false }));
    const { pathname } = renderApp({ path: `/room/${ROOM_ID}`, http, session: 'signed-out' });
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(pathname()).toBe('/login');

    const user = await fillCredentials('Alice@Example.com ', 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('heading', { name: 'This meeting has ended' })).toBeTruthy();
    expect(pathname()).toBe(`/room/${ROOM_ID}`);
    expect(http.calls('POST /api/auth/login')[0]?.body).toEqual({
      email: 'alice@example.com',
      password: 'correct horse',
    });
  });

  it('says so when the email or password is wrong', async () => {
    const http = new FakeFetch().on(
      'POST /api/auth/login',
      reply.error(401, 'INVALID_CREDENTIALS', 'Invalid email or password'),
    );
    renderApp({ path: '/login', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Wrong email or password/);
  });

  it('says plainly when logging in is unavailable (database down), and works when tried again', async () => {
    let down = true;
    const http = new FakeFetch().on('POST /api/auth/login', () =>
      down
        ? reply.error(503, 'DATABASE_UNAVAILABLE', 'Database unavailable')
        : reply.json(200, authSession()),
    );
    renderApp({ path: '/login', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'QUAL_MEET is unavailable right now. Try again in a minute.',
    );
    down = false;
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('button', { name: 'New meeting' })).toBeTruthy();
    expect(http.calls('POST /api/auth/login')).toHaveLength(2);
  });

  it('checks the fields before sending anything', async () => {
    const http = new FakeFetch();
    renderApp({ path: '/login', http, session: 'signed-out' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter your password.')).toBeTruthy();
    expect(http.requests).toEqual([]);
  });

  it('says when the server cannot be reached', async () => {
    const http = new FakeFetch().on('POST /api/auth/login', new TypeError('Failed to fetch'));
    renderApp({ path: '/login', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'whatever1');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Cannot reach QUAL_MEET/);
  });
});

describe('signing up', () => {
  it('creates the account and opens the home page', async () => {
    const http = new FakeFetch()
      .on('POST /api/auth/signup', reply.json(201, authSession()))
      .on('GET /api/rooms?mine=true', reply.json(200, { rooms: [] }));
    const { pathname } = renderApp({ path: '/signup', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'long enough');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByRole('heading', { name: 'Video meetings' })).toBeTruthy();
    expect(pathname()).toBe('/');
  });

  it('says when the email is already registered', async () => {
    const http = new FakeFetch().on('POST /api/auth/signup', reply.error(409, 'EMAIL_TAKEN'));
    renderApp({ path: '/signup', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'long enough');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/already registered/);
  });

  it('asks for a longer password without calling the server', async () => {
    const http = new FakeFetch();
    renderApp({ path: '/signup', http, session: 'signed-out' });
    const user = await fillCredentials('alice@example.com', 'short');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Use 8 to 128 characters/)).toBeTruthy();
    expect(http.requests).toEqual([]);
  });
});

describe('the session', () => {
  it('logs out on the server and in the tab, then shows the login page', async () => {
    const http = new FakeFetch()
      .on('GET /api/rooms?mine=true', reply.json(200, { rooms: [] }))
      .on('POST /api/auth/logout', reply.empty());
    const { api } = renderApp({ path: '/', http });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(http.calls('POST /api/auth/logout')).toHaveLength(1);
    expect(api.accessToken()).toBeNull();
  });

  it('goes to the login page when a 401 cannot be cured by a refresh', async () => {
    const http = new FakeFetch()
      .on('GET /api/rooms?mine=true', reply.error(401, 'UNAUTHORIZED'))
      .on('POST /api/auth/refresh', reply.error(401, 'INVALID_REFRESH_TOKEN'));
    renderApp({ path: '/', http });
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(1);
  });

  it('waits for the session to be restored before deciding', async () => {
    const http = new FakeFetch()
      .on('POST /api/auth/refresh', reply.json(200, authSession()))
      .on('GET /api/rooms?mine=true', reply.json(200, { rooms: [] }));
    const { api } = renderApp({ path: '/', http, session: 'restoring' });
    expect(screen.getByRole('heading', { name: 'Loading…' })).toBeTruthy();
    expect(http.requests).toEqual([]);
    await act(() => api.refresh());
    expect(await screen.findByRole('heading', { name: 'Video meetings' })).toBeTruthy();
  });
});
