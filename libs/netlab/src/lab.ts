import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inNamespace, ip, ipIn, nftIn, sysctlIn } from './commands';
import { LAB_SERVER, prepareLabCore } from './core';
import { firewallRules, OPEN, type Firewall } from './firewall';
import { natRules, type NatKind } from './nat';
import { tbfArgs, type UplinkShape } from './shaping';

export const CHROMIUM = '/usr/lib/chromium/chromium';

export interface LabClientSpec {
  /** For names and logs: "alice". */
  name: string;
  nat: NatKind;
  firewall?: Firewall;
}

/** A person's machine in the lab: a namespace behind its own router. */
export interface LabClient {
  readonly name: string;
  /** The client's network namespace (Chromium runs there). */
  readonly namespace: string;
  /** Its router's namespace (NAT, firewall). */
  readonly router: string;
  /** The router's outside address: where the client's traffic appears to come from. */
  readonly outsideAddress: string;
  /** The client's own (inside) address, now. */
  address: string;
  /** An executable that runs Chromium inside the client's namespace (Playwright's `executablePath`). */
  readonly chromium: string;
  /** Swaps the router's firewall for another one, at once. */
  setFirewall(firewall: Firewall): Promise<void>;
  /**
   * Moves the client to another address on its network (Wi-Fi to mobile, a DHCP renewal): the
   * new address is added and the old one removed, so every flow of the old one breaks and the
   * router maps the new one afresh. Returns the new address.
   */
  changeAddress(): Promise<string>;
  /**
   * Caps what the client sends (its uplink: `tc tbf` on its own interface's egress), replacing
   * an earlier cap. The cap goes with the namespace at teardown.
   */
  shapeUplink(shape: UplinkShape): Promise<void>;
  /** Takes the uplink cap off again. */
  clearUplink(): Promise<void>;
}

export interface Lab {
  /** The per-run part of every name. */
  readonly id: string;
  /** The platform's address. */
  readonly server: string;
  addClient(spec: LabClientSpec): Promise<LabClient>;
  /** Ends everything running in the lab's namespaces and deletes them; safe to call twice. */
  teardown(): Promise<void>;
}

/** Addresses of client `n`: its router's link to the core (198.18.n.0/24) and its LAN (198.19.n.0/24). */
function plan(n: number) {
  return {
    coreSide: `198.18.${n}.1`,
    outside: `198.18.${n}.2`,
    routerLan: `198.19.${n}.1`,
    client: (host: number) => `198.19.${n}.${host}`,
  };
}

/** Kills what runs in `ns` and deletes it, synchronously (also from an exit handler). */
function destroyNamespace(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  spawnSync('ip', ['netns', 'delete', ns]);
}

/**
 * A network lab around the current namespace (the core, holding the platform at
 * {@link LAB_SERVER}): each client gets a namespace behind a router namespace with NAT and a
 * firewall, joined by veth pairs, all in 198.18.0.0/15. Traffic to addresses nobody owns (a
 * peer's private address) goes to a namespace that drops it, as the internet would: without a
 * route coturn's send fails with ENETUNREACH and it closes the whole allocation.
 */
export async function createLab(server = LAB_SERVER): Promise<Lab> {
  await prepareLabCore(server);
  const id = randomBytes(3).toString('hex').slice(0, 4);
  const prefix = `qm-${id}`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const namespaces: string[] = [];
  let clients = 0;
  let tornDown = false;

  const teardownSync = () => {
    if (tornDown) return;
    tornDown = true;
    for (const ns of [...namespaces].reverse()) destroyNamespace(ns);
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies half-way must not leave namespaces behind.
  process.once('exit', teardownSync);

  const addNamespace = async (name: string) => {
    const ns = `${prefix}-${name}`;
    await ip('netns', 'add', ns);
    namespaces.push(ns);
    await ipIn(ns, 'link', 'set', 'lo', 'up');
    // IPv4 in 198.18.0.0/15 only: no link-local IPv6 candidates nobody could use anyway.
    await sysctlIn(ns, 'net.ipv6.conf.all.disable_ipv6', '1');
    await sysctlIn(ns, 'net.ipv6.conf.default.disable_ipv6', '1');
    return ns;
  };

  try {
    const sink = await addNamespace('void');
    const coreToSink = `qm${id}v`;
    await ip('link', 'add', coreToSink, 'type', 'veth', 'peer', 'name', 'void', 'netns', sink);
    await ip('addr', 'add', '198.18.255.1/30', 'dev', coreToSink);
    await ip('link', 'set', coreToSink, 'up');
    await ipIn(sink, 'addr', 'add', '198.18.255.2/30', 'dev', 'void');
    await ipIn(sink, 'link', 'set', 'void', 'up');
    await ip('route', 'replace', 'default', 'via', '198.18.255.2');
  } catch (error) {
    teardownSync();
    throw error;
  }

  async function addClient(spec: LabClientSpec): Promise<LabClient> {
    const n = ++clients;
    const addresses = plan(n);
    const router = await addNamespace(`r${n}`);
    const namespace = await addNamespace(`c${n}`);
    const coreSide = `qm${id}r${n}`;
    await ip('link', 'add', coreSide, 'type', 'veth', 'peer', 'name', 'wan', 'netns', router);
    await ip('addr', 'add', `${addresses.coreSide}/24`, 'dev', coreSide);
    await ip('link', 'set', coreSide, 'up');
    await ipIn(router, 'addr', 'add', `${addresses.outside}/24`, 'dev', 'wan');
    await ipIn(router, 'link', 'set', 'wan', 'up');
    await ipIn(router, 'route', 'add', 'default', 'via', addresses.coreSide);
    await ipIn(
      router,
      'link',
      'add',
      'lan',
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      namespace,
    );
    await ipIn(router, 'addr', 'add', `${addresses.routerLan}/24`, 'dev', 'lan');
    await ipIn(router, 'link', 'set', 'lan', 'up');
    await sysctlIn(router, 'net.ipv4.ip_forward', '1');
    if (spec.nat === 'none') {
      await ip('route', 'add', `198.19.${n}.0/24`, 'via', addresses.outside);
    }
    const rules = natRules(spec.nat) + firewallRules(spec.firewall ?? OPEN);
    await nftIn(router, rules);

    let host = 2;
    let address = addresses.client(host);
    // Deleting the primary address then promotes the new one and keeps the default route.
    await sysctlIn(namespace, 'net.ipv4.conf.all.promote_secondaries', '1');
    await sysctlIn(namespace, 'net.ipv4.conf.eth0.promote_secondaries', '1');
    await ipIn(namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    await ipIn(namespace, 'link', 'set', 'eth0', 'up');
    await ipIn(namespace, 'route', 'add', 'default', 'via', addresses.routerLan);

    const chromium = join(dir, `chromium-${spec.name}`);
    writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${namespace} ${CHROMIUM} "$@"\n`);
    chmodSync(chromium, 0o755);

    const client: LabClient = {
      name: spec.name,
      namespace,
      router,
      outsideAddress: addresses.outside,
      address,
      chromium,
      async setFirewall(firewall) {
        await nftIn(router, `delete table inet firewall\n${firewallRules(firewall)}`);
      },
      async changeAddress() {
        const old = address;
        address = addresses.client(++host);
        await ipIn(namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        await ipIn(namespace, 'addr', 'del', `${old}/24`, 'dev', 'eth0');
        client.address = address;
        return address;
      },
      async shapeUplink(shape) {
        await inNamespace(namespace, 'tc', tbfArgs('eth0', shape));
      },
      async clearUplink() {
        await inNamespace(namespace, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
      },
    };
    return client;
  }

  return {
    id,
    server,
    addClient,
    // The core keeps its server address; its routes into the lab go with the veth pairs.
    async teardown() {
      process.removeListener('exit', teardownSync);
      teardownSync();
    },
  };
}
