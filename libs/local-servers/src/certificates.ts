import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './system';

export interface Certificate {
  certificate: string;
  certificateKey: string;
}

/**
 * A self-signed certificate (ECDSA P-256, one year) for the given DNS names and IP addresses,
 * made with the openssl command once and kept in `dir`. For tests and the local HTTPS opt-in
 * only; production brings its own certificate.
 */
export async function selfSignedCertificate(
  dir: string,
  names: string[],
  ips: string[] = [],
): Promise<Certificate> {
  await mkdir(dir, { recursive: true });
  const certificate = join(dir, 'certificate.pem');
  const certificateKey = join(dir, 'key.pem');
  if (existsSync(certificate) && existsSync(certificateKey)) return { certificate, certificateKey };
  const san = [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    certificateKey,
    '-out',
    certificate,
    '-days',
    '365',
    '-subj',
    `/CN=${names[0] ?? ips[0] ?? 'localhost'}`,
    '-addext',
    `subjectAltName=${san}`,
  ]);
  return { certificate, certificateKey };
}
