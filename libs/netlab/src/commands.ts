import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs a command and returns its stdout; a failure names the command and carries its stderr. */
export async function command(bin: string, args: string[], input?: string): Promise<string> {
  const child = exec(bin, args, { maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    return (await child).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`${bin} ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** `ip …` in the current network namespace. */
export const ip = (...args: string[]) => command('ip', args);

/** `ip …` inside namespace `ns`. */
export const ipIn = (ns: string, ...args: string[]) => command('ip', ['-n', ns, ...args]);

/** Any command inside namespace `ns`. */
export const inNamespace = (ns: string, bin: string, args: string[], input?: string) =>
  command('ip', ['netns', 'exec', ns, bin, ...args], input);

/** Loads an nftables script inside namespace `ns` (atomically: all of it or nothing). */
export const nftIn = (ns: string, script: string) => inNamespace(ns, 'nft', ['-f', '-'], script);

/** Sets a sysctl inside namespace `ns`. */
export const sysctlIn = (ns: string, key: string, value: string) =>
  inNamespace(ns, 'sysctl', ['-qw', `${key}=${value}`]);
