import type { Browser } from 'playwright-core';
import {
  launchBrowser,
  newPerson,
  recordPeerConnections,
  type Person,
} from '@qual-meet/browser-testing';
import { createLab, type Lab, type LabClient, type LabClientSpec } from '@qual-meet/netlab';
import { platform } from './platform';

/** A participant on a machine of the network lab: its own Chromium, in its own namespace. */
export interface LabPerson extends Person {
  browser: Browser;
  client: LabClient;
}

export interface LabPersonSpec extends LabClientSpec {
  /**
   * Where the person opens the app: `https` (https://198.18.0.1, the default) or `http` (the
   * plain-HTTP port, treated as a secure context by a switch so camera and microphone work).
   */
  origin?: 'https' | 'http';
}

/** A lab whose people are closed with it. */
export interface LabSession {
  lab: Lab;
  person(spec: LabPersonSpec): Promise<LabPerson>;
  close(): Promise<void>;
}

/**
 * The verdict of the pre-join connection check of `roomId`, once it has one (the page is then on
 * the pre-join step).
 */
export async function connectionVerdict(person: Person, roomId: string): Promise<string> {
  const { page } = person;
  if (!page.url().endsWith(`/room/${roomId}`)) await page.goto(`/room/${roomId}`);
  const verdict = page
    .getByRole('region', { name: 'Connection check' })
    .getByRole('status')
    .filter({ hasNotText: 'Checking' });
  await verdict.waitFor({ timeout: 30_000 });
  return (await verdict.textContent()) ?? '';
}

/** Starts a lab around this run's platform (the e2e namespace is its core). */
export async function openLab(): Promise<LabSession> {
  const lab = await createLab();
  const browsers: Browser[] = [];
  return {
    lab,
    async person(spec) {
      const client = await lab.addClient(spec);
      const { httpsUrl, publicUrl } = platform();
      const origin = spec.origin === 'http' ? publicUrl : httpsUrl;
      const browser = await launchBrowser({
        executablePath: client.chromium,
        args: [
          // Host candidates as addresses, not mDNS names nobody in the lab resolves.
          '--disable-features=WebRtcHideLocalIpsWithMdns',
          // The platform's certificate is self-signed (HTTPS, wss and TURN over TLS).
          '--ignore-certificate-errors',
          ...(spec.origin === 'http'
            ? [`--unsafely-treat-insecure-origin-as-secure=${origin}`]
            : []),
        ],
      });
      browsers.push(browser);
      const person = await newPerson(browser, origin, { name: spec.name });
      await recordPeerConnections(person.context);
      return { ...person, browser, client };
    },
    async close() {
      await Promise.allSettled(browsers.map((browser) => browser.close()));
      await lab.teardown();
    },
  };
}
