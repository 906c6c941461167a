import { command, ip } from './commands';

/** The platform's address in the lab: a public server, as browsers see it. */
export const LAB_SERVER = '198.18.0.1';

/**
 * Interfaces of the current namespace that are neither loopback nor the lab's own veth pairs
 * (`qm…`): a real network the lab must stay away from.
 */
export async function foreignInterfaces(): Promise<string[]> {
  const links = await ip('-o', 'link', 'show');
  return links
    .split('\n')
    .map((line) => line.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((name) => name !== '' && name !== 'lo' && !name.startsWith('qm'));
}

/**
 * Makes the current network namespace the lab's core, "the internet" with the platform in it:
 * the server address on loopback (the `dummy` link type is missing here) and forwarding on, so
 * routers reach each other through it. Call before the platform starts (nginx and coturn bind
 * the address). Refuses a namespace with real interfaces (the machine's): the lab never touches
 * a real network.
 */
export async function prepareLabCore(server = LAB_SERVER): Promise<void> {
  const foreign = await foreignInterfaces();
  if (foreign.length > 0)
    throw new Error(
      `the network lab runs only in a network namespace of its own (tools/scripts/e2e.ts makes one), not beside ${foreign.join(', ')}`,
    );
  const existing = await ip('-4', '-o', 'addr', 'show', 'dev', 'lo');
  if (!existing.includes(` ${server}/`)) await ip('addr', 'add', `${server}/32`, 'dev', 'lo');
  await command('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
}
