import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/lib/chromium/chromium';

export interface LaunchOptions {
  /** Fake camera and microphone that are granted without a prompt (the default). */
  fakeMedia?: boolean;
  /**
   * Another Chromium executable: the network lab's wrapper that starts it inside a client's
   * network namespace. There loopback candidates are off, as on a person's machine.
   */
  executablePath?: string;
  /**
   * A Y4M clip the fake camera plays (looped) instead of Chromium's nearly static pattern, e.g.
   * from `writeSyntheticCamera`: a busy picture needs real bitrate.
   */
  videoFile?: string;
  /** More command-line switches. */
  args?: string[];
}

/**
 * Debian's Chromium, headless, with fake media devices. Loopback ICE candidates are allowed: the
 * tests run in a loopback-only network namespace, so WebRTC never uses a real interface.
 */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const fakeMedia = options.fakeMedia ?? true;
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      ...(options.executablePath ? [] : ['--allow-loopback-in-peer-connection']),
      ...(fakeMedia
        ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']
        : []),
      ...(options.videoFile ? [`--use-file-for-fake-video-capture=${options.videoFile}`] : []),
      ...(options.args ?? []),
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  email: string;
  password: string;
}

let people = 0;

export interface PersonOptions {
  /** Force TURN relaying (the SPA's test-only switch). */
  relayOnly?: boolean;
  /** Grant camera and microphone (default true). */
  media?: boolean;
  name?: string;
}

/** A new browser context (its own cookies and storage) for one participant of the platform at `baseUrl`. */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  options: PersonOptions = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    permissions: options.media === false ? [] : ['camera', 'microphone'],
    viewport: { width: 1000, height: 700 },
  });
  if (options.relayOnly) {
    await context.addInitScript(() =>
      window.localStorage.setItem('qm.iceTransportPolicy', 'relay'),
    );
  }
  const page = await context.newPage();
  const email = `${options.name ?? 'person'}${++people}.${Date.now()}@example.com`;
  return { context, page, email, password: 'correct horse battery' };
}

/** Signs up through the UI, as a person would, and lands on the home page. */
export async function signUp(person: Person): Promise<void> {
  const { page } = person;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('button', { name: 'New meeting' }).waitFor();
}

/**
 * Keeps every RTCPeerConnection of the page's calls in `window.__qmPeerConnections`, so a test can
 * read `getStats()` (frames decoded, the selected candidate pair) without the app exposing them.
 * A connection is recorded when it first takes a remote description: the pre-join connection
 * check's probes, which never reach a peer, are left out.
 */
export async function recordPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const recorded: RTCPeerConnection[] = [];
    (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections =
      recorded;
    window.RTCPeerConnection = class extends Native {
      override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
        if (!recorded.includes(this)) recorded.push(this);
        return super.setRemoteDescription(description);
      }
    };
  });
}

/** Creates a meeting from the home page and returns its id (the page is then on its pre-join step). */
export async function createMeeting(person: Person, size: number): Promise<string> {
  const { page } = person;
  await page.getByLabel('Meeting size').selectOption(String(size));
  await page.getByRole('button', { name: 'New meeting' }).click();
  await page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop()!;
}

/**
 * Opens the meeting and joins it from the pre-join step. `query` ("?uploadBudget=off") goes on
 * the meeting's address, for the SPA's test switches.
 */
export async function joinMeeting(person: Person, roomId: string, query = ''): Promise<void> {
  const { page } = person;
  const path = `/room/${roomId}${query}`;
  if (!page.url().endsWith(path)) await page.goto(path);
  const join = page.getByRole('button', { name: 'Join', exact: true });
  await join.waitFor();
  await page.waitForFunction(() => {
    const button = [...document.querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === 'Join',
    );
    return button !== undefined && !button.disabled;
  });
  await join.click();
  await page.getByRole('region', { name: 'Call controls' }).waitFor();
}

/** The display name a person's tile carries: the part of the email before @. */
export const displayName = (person: Person) => person.email.split('@')[0]!;

/** Resolves once the video labelled `label` on this page has decoded frames and keeps decoding. */
export async function expectFramesFlowing(
  person: Person,
  label: string,
  timeoutMs = 30_000,
): Promise<void> {
  await person.page.getByLabel(label, { exact: true }).waitFor({ timeout: timeoutMs });
  await person.page.evaluate((name) => {
    const counts = ((window as unknown as { __qmFrames?: Record<string, unknown> }).__qmFrames ??=
      {});
    delete counts[name];
  }, label);
  // Frames decoded since the wait began; a reload of the element (its counter starts again) is
  // taken as a new start rather than as frames going backwards.
  await person.page.waitForFunction(
    (name) => {
      const element = document.querySelector(
        `video[aria-label="${name}"]`,
      ) as HTMLVideoElement | null;
      if (!element) return false;
      const frames = element.getVideoPlaybackQuality().totalVideoFrames;
      const counts = (
        window as unknown as { __qmFrames: Record<string, { base: number; last: number }> }
      ).__qmFrames;
      const count = (counts[name] ??= { base: frames, last: frames });
      if (frames < count.last) count.base = frames;
      count.last = frames;
      return frames > 0 && frames - count.base > 5;
    },
    label,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Resolves once the remote video of `other` on this page has decoded frames and keeps decoding. */
export const expectVideoFlowing = (person: Person, other: Person, timeoutMs = 30_000) =>
  expectFramesFlowing(person, `Video of ${displayName(other)}`, timeoutMs);

/** Resolves once the screen `other` shares is playing on this page, frames still arriving. */
export const expectScreenFlowing = (person: Person, other: Person, timeoutMs = 60_000) =>
  expectFramesFlowing(person, `Screen of ${displayName(other)}`, timeoutMs);

/**
 * Makes the page's camera missing (`getUserMedia` with video fails with `NotFoundError`) until
 * {@link plugInCamera} — a person who joins without a camera and connects one later.
 */
export async function withoutCamera(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const native = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints?: MediaStreamConstraints) =>
      constraints?.video && !(window as unknown as { __qmCamera?: boolean }).__qmCamera
        ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
        : native(constraints);
  });
}

/** The camera {@link withoutCamera} held back is now connected. */
export async function plugInCamera(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __qmCamera?: boolean }).__qmCamera = true;
  });
}

/** How many RTCPeerConnections the page's calls made (needs {@link recordPeerConnections}). */
export function peerConnectionCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections
        .length,
  );
}

/** The ready state of the audio track in `other`'s remote stream on this page. */
export function remoteAudioState(person: Person, other: Person): Promise<string | undefined> {
  return person.page
    .getByLabel(`Video of ${displayName(other)}`, { exact: true })
    .evaluate(
      (element) =>
        ((element as HTMLVideoElement).srcObject as MediaStream | null)?.getAudioTracks()[0]
          ?.readyState,
    );
}
