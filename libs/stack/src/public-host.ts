import { ipv4ToNumber } from '@qual-meet/local-servers';

/** Ports of the platform on a public host (DESIGN §6 "A real address"). */
export interface PublicHostPorts {
  /** Plain HTTP (`QM_HTTP_PORT`), on loopback and on the host. */
  http: number;
  /** HTTPS and TURN over TLS, one port (`QM_HTTPS_PORT`), on the host. */
  https: number;
  /** coturn's plain port (UDP and TCP) and its own TLS port. */
  turn: number;
  turnTls: number;
}

/** An origin as browsers send it: the default port of the scheme is left out. */
export function browserOrigin(scheme: 'http' | 'https', host: string, port: number): string {
  return new URL(`${scheme}://${host}:${port}`).origin;
}

/**
 * Every origin the platform is served from: loopback always (plain HTTP), and on a public host
 * its plain-HTTP and HTTPS origins. Signaling accepts exactly these; the CSP names them.
 */
export function platformOrigins(
  httpPort: number,
  publicHost?: { host: string; ports: PublicHostPorts },
): string[] {
  return [
    browserOrigin('http', '127.0.0.1', httpPort),
    browserOrigin('http', 'localhost', httpPort),
    ...(publicHost
      ? [
          browserOrigin('http', publicHost.host, publicHost.ports.http),
          browserOrigin('https', publicHost.host, publicHost.ports.https),
        ]
      : []),
  ];
}

/** Checks `QM_PUBLIC_HOST`: a dotted IPv4 address other than loopback or "any". */
export function parsePublicHost(value: string): string {
  const number = ipv4ToNumber(value);
  if (number === null) throw new Error(`QM_PUBLIC_HOST must be an IPv4 address, got "${value}"`);
  if (number === 0 || value.startsWith('127.'))
    throw new Error(`QM_PUBLIC_HOST must be an address other browsers reach, not ${value}`);
  return value;
}
