/**
 * Gateway overhead: `GET /api/rooms/:id` (a cached room) straight at room-service versus through
 * api-gateway (token check, rate limit, forwarding), same platform, same run. Prints, for both,
 * req/s and p50/p99 at saturation (autocannon, 50 connections) and p50/p99 at an equal offered
 * load well below saturation (where added latency is the gateway's work, not queueing), and the
 * ratios. In the same run it measures the floor of any gateway here: a bare node:http → undici
 * forwarder that checks nothing (`bare-forwarder.ts`), i.e. the cost of the second loopback hop
 * alone. Targets: the gateway ≥ 0.7× the floor's throughput and ≤ 1 ms added p50.
 *
 * Usage: npm run bench:gateway   (loopback only; each measurement runs DURATION seconds)
 */
import autocannon from 'autocannon';
import { freePort, startProcess, waitUntilReady, workspaceRoot } from '@qual-meet/local-servers';
import { buildApps, generateStackSecrets, startPlatform } from '@qual-meet/stack';
import { Agent, get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fmt, percentile, printTable } from '../lib/stats';

const DURATION_SECONDS = 10;
const CONNECTIONS = 50;

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU (user + system) the measured process spent per request, in µs. */
  cpuUsPerRequest: number;
}

/** CPU time a process has used so far, in µs (Linux /proc, clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Saturation throughput and latency, and the CPU `pid` spent per request: on a shared, noisy
 * machine throughput follows whatever else runs, CPU per request much less.
 */
async function measure(url: string, authorization: string, pid: number): Promise<Measurement> {
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { authorization },
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    cpuUsPerRequest: (cpuMicros(pid) - cpuBefore) / Math.max(1, result.requests.total),
  };
}

/** Latency of `count` requests sent at `rate` per second over keep-alive connections, in ms. */
async function latencyAtRate(
  url: string,
  authorization: string,
  rate: number,
  count: number,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const samples: number[] = [];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      get(url, { agent, headers: { authorization } }, (res) => {
        res.resume();
        res.on('end', () => {
          samples.push(performance.now() - started);
          resolve();
        });
      }).on('error', reject);
    });
  const inFlight: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const due = startedAt + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  agent.destroy();
  return samples;
}

async function main(): Promise<void> {
  buildApps();
  const platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    signalingNodes: 0,
    secrets: generateStackSecrets(),
    // The limiter still counts every request (its cost is part of what is measured);
    // only its ceiling is raised so the benchmark is not throttled.
    envByService: { 'api-gateway': { RATE_LIMIT_USER_PER_MINUTE: '100000000' } },
  });
  try {
    const gateway = `http://127.0.0.1:${platform.ports.gateway}`;
    const signup = await fetch(`${gateway}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench password 1' }),
    });
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const authorization = `Bearer ${accessToken}`;
    const created = await fetch(`${gateway}/api/rooms`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    const { id } = (await created.json()) as { id: string };
    const path = `/api/rooms/${id}`;

    const barePort = await freePort();
    const bare = startProcess({
      name: 'bare-forwarder',
      command: process.execPath,
      args: ['--import', 'tsx', join(workspaceRoot(), 'tools/bench/gateway/bare-forwarder.ts')],
      env: {
        PATH: process.env.PATH ?? '',
        TSX_TSCONFIG_PATH: join(workspaceRoot(), 'tools/tsconfig.json'),
        PORT: String(barePort),
        TARGET: `http://127.0.0.1:${platform.ports.rooms}`,
      },
      logFile: join(platform.runtimeDir, 'logs', 'bare-forwarder.log'),
      cwd: workspaceRoot(),
    });
    let floor: Measurement;
    try {
      await waitUntilReady(
        bare,
        async () => (await fetch(`http://127.0.0.1:${barePort}/healthz`)).ok,
      );
      const barePid = bare.child.pid!;
      await measure(`http://127.0.0.1:${barePort}${path}`, authorization, barePid); // warm-up
      floor = await measure(`http://127.0.0.1:${barePort}${path}`, authorization, barePid);
    } finally {
      await bare.stop();
    }

    const pidOf = (name: string) => platform.services.byName(name).process.child.pid!;
    const roomsUrl = `http://127.0.0.1:${platform.ports.rooms}${path}`;
    await measure(roomsUrl, authorization, pidOf('room-service')); // warm-up
    const direct = await measure(roomsUrl, authorization, pidOf('room-service'));
    await measure(`${gateway}${path}`, authorization, pidOf('api-gateway')); // warm-up
    const proxied = await measure(`${gateway}${path}`, authorization, pidOf('api-gateway'));

    const rate = 500;
    const directUrl = `http://127.0.0.1:${platform.ports.rooms}${path}`;
    await latencyAtRate(directUrl, authorization, rate, 200); // warm-up
    const directAtRate = await latencyAtRate(directUrl, authorization, rate, 2_000);
    const proxiedAtRate = await latencyAtRate(`${gateway}${path}`, authorization, rate, 2_000);

    process.stdout.write(
      `\nGET /api/rooms/:id at saturation (${CONNECTIONS} connections, ${DURATION_SECONDS} s each)\n\n`,
    );
    printTable(
      ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req (itself)'],
      [
        [
          'baseline: room-service direct',
          fmt(direct.rps, 0),
          fmt(direct.p50),
          fmt(direct.p99),
          direct.errors,
          fmt(direct.cpuUsPerRequest, 0),
        ],
        [
          'through api-gateway',
          fmt(proxied.rps, 0),
          fmt(proxied.p50),
          fmt(proxied.p99),
          proxied.errors,
          fmt(proxied.cpuUsPerRequest, 0),
        ],
        [
          'floor: bare forwarder, no checks',
          fmt(floor.rps, 0),
          fmt(floor.p50),
          fmt(floor.p99),
          floor.errors,
          fmt(floor.cpuUsPerRequest, 0),
        ],
      ],
    );
    process.stdout.write(`\nGET /api/rooms/:id at ${rate} req/s offered (2000 requests each)\n\n`);
    printTable(
      ['target', 'p50 ms', 'p99 ms'],
      [
        [
          'baseline: room-service direct',
          fmt(percentile(directAtRate, 50), 2),
          fmt(percentile(directAtRate, 99), 2),
        ],
        [
          'through api-gateway',
          fmt(percentile(proxiedAtRate, 50), 2),
          fmt(percentile(proxiedAtRate, 99), 2),
        ],
      ],
    );
    const toFloor = proxied.rps / floor.rps;
    const addedP50 = percentile(proxiedAtRate, 50) - percentile(directAtRate, 50);
    process.stdout.write(
      `\ngateway / floor ${fmt(toFloor, 2)} (target ≥ 0.7: ${toFloor >= 0.7 ? 'met' : 'missed'}), ` +
        `added p50 at equal load ${fmt(addedP50, 2)} ms (target ≤ 1 ms: ${addedP50 <= 1 ? 'met' : 'missed'}); ` +
        `of direct: the gateway ${fmt(proxied.rps / direct.rps, 2)}, the bare forwarder ${fmt(floor.rps / direct.rps, 2)}; ` +
        `CPU per request, floor / gateway ${fmt(floor.cpuUsPerRequest / proxied.cpuUsPerRequest, 2)}\n`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
