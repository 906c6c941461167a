import { execFile } from 'node:child_process';

/** A TURN server address as written in an ICE URL (`turn:host:port?transport=udp`). */
export interface TurnEndpoint {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

/** The endpoint of a `turn:` URL; transport UDP unless the URL says otherwise. */
export function turnEndpointOf(url: string): TurnEndpoint {
  const match = /^turn:([^:?]+):(\d+)(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!match) throw new Error(`not a plain turn: URL: ${url}`);
  return { host: match[1]!, port: Number(match[2]), transport: match[3] === 'tcp' ? 'tcp' : 'udp' };
}

export interface AllocationAttempt {
  allocated: boolean;
  exitCode: number | null;
  output: string;
}

/**
 * Asks a TURN server for a relay allocation with coturn's own client, `turnutils_uclient`: one
 * allocation, no media (`-n 0`), no RTCP pair (`-c`), verbose so the relay address is printed.
 * Wrong or expired credentials make it exit non-zero with "Cannot complete Allocation".
 */
export function tryAllocate(
  endpoint: TurnEndpoint,
  username: string,
  password: string,
): Promise<AllocationAttempt> {
  const args = ['-v', '-c', '-n', '0', '-e', '127.0.0.1', '-u', username, '-w', password];
  if (endpoint.transport === 'tcp') args.push('-t');
  args.push('-p', String(endpoint.port), endpoint.host);
  return new Promise((resolve) => {
    execFile('turnutils_uclient', args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const output = `${stdout}${stderr}`;
      resolve({
        allocated: exitCode === 0 && /Received relay addr/.test(output),
        exitCode,
        output,
      });
    });
  });
}
