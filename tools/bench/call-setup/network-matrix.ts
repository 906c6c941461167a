import type { Page } from 'playwright-core';
import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  openLab,
  signUp,
  videoFlowsBothWays,
  type LabOrigins,
} from '@qual-meet/browser-testing';
import { LAB_SERVER, onlyTcpTo, UDP_BLOCKED, type LabClientSpec } from '@qual-meet/netlab';

/** The lab cases 1–4 of docs/NETWORKS.md, as the guest's and the host's machines. */
export const NETWORK_CASES: { name: string; host: LabClientSpec; guest: LabClientSpec }[] = [
  {
    name: 'both behind endpoint-independent NAT (direct)',
    host: { name: 'host', nat: 'endpoint-independent' },
    guest: { name: 'guest', nat: 'endpoint-independent' },
  },
  {
    name: 'both behind symmetric NAT (relayed over UDP)',
    host: { name: 'host', nat: 'symmetric' },
    guest: { name: 'guest', nat: 'symmetric' },
  },
  {
    name: 'guest with UDP blocked (relayed over TCP)',
    host: { name: 'host', nat: 'endpoint-independent' },
    guest: { name: 'guest', nat: 'endpoint-independent', firewall: UDP_BLOCKED },
  },
  {
    name: 'guest with only TCP 443 to the server (TLS)',
    host: { name: 'host', nat: 'endpoint-independent' },
    guest: {
      name: 'guest',
      nat: 'endpoint-independent',
      firewall: onlyTcpTo(LAB_SERVER, [443]),
    },
  },
];

/**
 * Join → first remote frame of the guest in each lab case, `rounds` times: the host waits in
 * the meeting, the guest joins it (a fresh page, so nothing of the last round is reused).
 */
export async function measureNetworkCase(
  origins: LabOrigins,
  spec: (typeof NETWORK_CASES)[number],
  rounds: number,
  timedJoin: (page: Page, remotes: number) => Promise<{ firstFrameMs: number }>,
): Promise<number[]> {
  const session = await openLab(origins);
  try {
    const host = await session.person(spec.host);
    const guest = await session.person(spec.guest);
    await signUp(host);
    await signUp(guest);
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await host.page.goto('/');
      const roomId = await createMeeting(host, 2);
      await host.page.getByRole('button', { name: 'Join', exact: true }).click();
      await host.page.getByRole('region', { name: 'Call controls' }).waitFor();
      await guest.page.goto(`/room/${roomId}`);
      samples.push((await timedJoin(guest.page, 1)).firstFrameMs);
      await Promise.all([host.page.goto('/'), guest.page.goto('/')]);
    }
    return samples;
  } finally {
    await session.close();
  }
}

/**
 * Case 5: the guest's address changes mid-call; time from the move until both sides decoded ten
 * more frames of the other, `rounds` times (each a fresh meeting).
 */
export async function measureAddressChange(origins: LabOrigins, rounds: number): Promise<number[]> {
  const session = await openLab(origins);
  try {
    const host = await session.person({ name: 'host', nat: 'endpoint-independent' });
    const guest = await session.person({ name: 'guest', nat: 'endpoint-independent' });
    await signUp(host);
    await signUp(guest);
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const roomId = await createMeeting(host, 2);
      await joinMeeting(host, roomId);
      await joinMeeting(guest, roomId);
      await expectVideoFlowing(host, guest);
      await expectVideoFlowing(guest, host);
      const movedAt = performance.now();
      await guest.client.changeAddress();
      await videoFlowsBothWays(host, guest);
      samples.push(performance.now() - movedAt);
      await Promise.all([host.page.goto('/'), guest.page.goto('/')]);
    }
    return samples;
  } finally {
    await session.close();
  }
}
