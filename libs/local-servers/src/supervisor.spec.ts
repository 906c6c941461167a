import type { ChildProcess } from 'node:child_process';
import type { ManagedProcess } from './process';
import {
  describeSupervisorEvent,
  restartDelay,
  supervise,
  DEFAULT_RESTART_POLICY,
  type SupervisorClock,
  type SupervisorEvent,
} from './supervisor';

/** A process whose death the test decides. */
function fakeProcess(name: string) {
  let die: (code: number | null) => void = () => undefined;
  const child = { exitCode: null as number | null, signalCode: null as string | null };
  const exited = new Promise<number | null>((resolve) => (die = resolve));
  const process: ManagedProcess & { stopped: boolean } = {
    name,
    child: child as unknown as ChildProcess,
    logFile: '/nonexistent/qm-supervisor-spec.log',
    exited,
    stopped: false,
    async stop() {
      this.stopped = true;
      child.signalCode = 'SIGTERM';
      die(null);
      await exited;
    },
  };
  return {
    process,
    crash(signal = 'SIGKILL') {
      child.signalCode = signal;
      die(null);
    },
  };
}

/** A clock that moves only when told, running the timers that fall due. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; callback: () => void; handle: number }[] = [];
  let next = 0;
  const clock: SupervisorClock = {
    now: () => now,
    setTimeout(callback, ms) {
      timers.push({ at: now + ms, callback, handle: ++next });
      return next;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.handle !== handle);
    },
  };
  return {
    clock,
    pending: () => timers.map((t) => t.at - now),
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.callback();
    },
  };
}

/** Lets the promise callbacks that the supervisor chains settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: { failLaunches?: number } = {}) {
  const launched: ReturnType<typeof fakeProcess>[] = [];
  const events: SupervisorEvent[] = [];
  let waiter: { count: number; resolve: () => void } | null = null;
  /** Resolves once `count` events have come (the crash report reads the log first). */
  const eventCount = (count: number) =>
    new Promise<void>((resolve) => {
      if (events.length >= count) resolve();
      else waiter = { count, resolve };
    });
  const time = fakeClock();
  let failures = options.failLaunches ?? 0;
  let first = true;
  const start = () =>
    supervise({
      name: 'signaling-1',
      stopSignal: 'SIGTERM',
      clock: time.clock,
      onEvent(event) {
        events.push(event);
        if (waiter && events.length >= waiter.count) waiter.resolve();
      },
      async launch() {
        if (!first && failures > 0) {
          failures -= 1;
          throw new Error('signaling-1 exited; last log lines:\nEADDRINUSE');
        }
        first = false;
        const fake = fakeProcess('signaling-1');
        launched.push(fake);
        return fake.process;
      },
    });
  return { start, launched, events, eventCount, time };
}

describe('restartDelay', () => {
  it('doubles from the first wait up to the cap', () => {
    const delays = [1, 2, 3, 4, 10, 20].map((n) => restartDelay(DEFAULT_RESTART_POLICY, n));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 30_000, 30_000]);
  });
});

describe('supervise', () => {
  it('restarts a crashed process after the first wait, says what crashed and that it is back', async () => {
    const { start, launched, events, eventCount, time } = setup();
    const supervised = await start();
    launched[0]!.crash();
    await eventCount(1);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'crashed',
        name: 'signaling-1',
        exit: 'signal SIGKILL',
        crashes: 1,
        crashLoop: false,
        restartInMs: 250,
      }),
    ]);
    expect(time.pending()).toEqual([250]);
    time.advance(250);
    await settle();
    expect(launched).toHaveLength(2);
    expect(supervised.process).toBe(launched[1]!.process);
    expect(events[1]).toEqual({ type: 'restarted', name: 'signaling-1', crashes: 1 });
    await supervised.stop();
  });

  it('backs off when it keeps crashing, calls it a crash loop, and forgets once it ran long enough', async () => {
    const { start, launched, events, eventCount, time } = setup();
    const supervised = await start();
    for (const [i, wait] of [250, 500, 1_000].entries()) {
      time.advance(1_000);
      launched.at(-1)!.crash();
      await eventCount(2 * i + 1);
      expect(time.pending()).toEqual([wait]);
      time.advance(wait);
      await eventCount(2 * i + 2);
    }
    const crashes = events.filter((e) => e.type === 'crashed');
    expect(crashes.map((e) => e.crashLoop)).toEqual([false, false, true]);
    expect(describeSupervisorEvent(crashes[2]!)).toContain(
      'signaling-1 keeps crashing (3 times in a row): backing off, restarting signaling-1 in 1.0 s',
    );

    time.advance(DEFAULT_RESTART_POLICY.stableAfterMs);
    launched.at(-1)!.crash();
    await eventCount(7);
    expect(events.at(-1)).toMatchObject({ type: 'crashed', crashes: 1, restartInMs: 250 });
    await supervised.stop();
  });

  it('keeps trying, longer each time, when the restart itself fails', async () => {
    const { start, launched, events, eventCount, time } = setup({ failLaunches: 2 });
    const supervised = await start();
    launched[0]!.crash();
    await eventCount(1);
    time.advance(250);
    await eventCount(2);
    expect(events.at(-1)).toMatchObject({ type: 'restart-failed', crashes: 2, restartInMs: 500 });
    expect(describeSupervisorEvent(events.at(-1)!)).toContain('EADDRINUSE');
    time.advance(500);
    await eventCount(3);
    time.advance(1_000);
    await eventCount(4);
    expect(events.map((e) => e.type)).toEqual([
      'crashed',
      'restart-failed',
      'restart-failed',
      'restarted',
    ]);
    expect(supervised.process).toBe(launched[1]!.process);
    await supervised.stop();
  });

  it('does not restart what was stopped or halted, and cancels a pending restart on stop', async () => {
    const { start, launched, events, eventCount, time } = setup();
    const supervised = await start();
    await supervised.halt();
    await settle();
    expect(time.pending()).toEqual([]);
    await supervised.resume();
    expect(launched).toHaveLength(2);

    launched[1]!.crash();
    await eventCount(1);
    expect(time.pending()).toEqual([250]);
    await supervised.stop();
    expect(time.pending()).toEqual([]);
    time.advance(10_000);
    await settle();
    expect(launched).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['crashed']);
  });

  it('ends a process that was restarting when stop came', async () => {
    const { start, launched, eventCount, time } = setup();
    const supervised = await start();
    launched[0]!.crash();
    await eventCount(1);
    time.advance(250);
    const stopping = supervised.stop();
    await stopping;
    expect(launched).toHaveLength(2);
    expect(launched[1]!.process.stopped).toBe(true);
  });
});
