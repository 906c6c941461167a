import type { Browser, Page } from 'playwright-core';
import {
  displayName,
  launchBrowser,
  newPerson,
  recordPeerConnections,
  signUp,
  type Person,
} from '@qual-meet/browser-testing';
import {
  describeSupervisorEvent,
  type LocalServer,
  type SupervisorEvent,
} from '@qual-meet/local-servers';
import { generateStackSecrets, startPlatform, type Platform } from '@qual-meet/stack';

/** A platform of one suite's own, supervised, that the suite may break. */
export interface FaultPlatform {
  platform: Platform;
  events: SupervisorEvent[];
  /** Resolves at the next event of this type for this part (`signaling-1`, `redis`…). */
  next(type: SupervisorEvent['type'], name: string): Promise<SupervisorEvent>;
  /** SIGKILLs the current process of a service or server; the supervisor restarts it. */
  kill(name: string): void;
  person(browser: Browser, name: string): Promise<Person>;
  stop(): Promise<void>;
}

/**
 * Fault suites kill parts of the platform, so each starts its own (the shared one of the global
 * setup stays whole for the other suites) with the supervisor of `npm start`. Its first restart
 * waits a second, so what people see while a part is down can be looked at.
 */
export async function startFaultPlatform(): Promise<FaultPlatform> {
  const events: SupervisorEvent[] = [];
  const waiters: {
    match: (e: SupervisorEvent) => boolean;
    resolve: (e: SupervisorEvent) => void;
  }[] = [];
  const platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
    supervision: {
      policy: { initialDelayMs: 1_000 },
      onEvent(event) {
        events.push(event);
        // The console of a test run shows what the supervisor saw, as `npm start` would.
        process.stdout.write(`[fault-platform] ${describeSupervisorEvent(event)}\n`);
        for (const waiter of waiters.filter((w) => w.match(event))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      },
    },
  });
  const servers: Record<string, LocalServer> = {
    postgres: platform.postgres,
    redis: platform.redis,
    coturn: platform.coturn,
    nginx: platform.nginx,
  };
  return {
    platform,
    events,
    next: (type, name) =>
      new Promise((resolve) =>
        waiters.push({ match: (e) => e.type === type && e.name === name, resolve }),
      ),
    kill(name) {
      const target = servers[name]?.process ?? platform.services.byName(name).process;
      target.child.kill('SIGKILL');
    },
    async person(browser, name) {
      const person = await newPerson(browser, platform.url, { name });
      await recordPeerConnections(person.context);
      await signUp(person);
      return person;
    },
    stop: () => platform.stop(),
  };
}

/** What a fault suite's tests use; see {@link faultSuite}. */
export interface FaultSuite {
  readonly browser: Browser;
  readonly faults: FaultPlatform;
  /** New people, signed up; their browser contexts are closed after each test. */
  people(...names: string[]): Promise<Person[]>;
}

/** Registers the hooks of a fault suite: its own platform and browser, people per test. */
export function faultSuite(): FaultSuite {
  let browser: Browser | undefined;
  let faults: FaultPlatform | undefined;
  let people: Person[] = [];
  beforeAll(async () => {
    [browser, faults] = await Promise.all([launchBrowser(), startFaultPlatform()]);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(people.map((p) => p.context.close()));
    people = [];
  });
  afterAll(async () => {
    await browser?.close();
    await faults?.stop();
  });
  const suite: FaultSuite = {
    get browser() {
      return browser!;
    },
    get faults() {
      return faults!;
    },
    async people(...names) {
      const list = await Promise.all(names.map((name) => suite.faults.person(suite.browser, name)));
      people.push(...list);
      return list;
    },
  };
  return suite;
}

/** The tile of `of` on `viewer`'s screen. */
export const tileOf = (viewer: Person, of: Person) =>
  viewer.page.getByRole('group', { name: displayName(of), exact: true });

/** Every peer connection the page ever made, by the state it is in now. */
export function peerConnectionStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections.map(
      (pc) => pc.connectionState,
    ),
  );
}
