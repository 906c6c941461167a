import type { Browser } from 'playwright-core';
import { createLab, type Lab, type LabClient, type LabClientSpec } from '@qual-meet/netlab';
import { launchBrowser, newPerson, recordPeerConnections, type Person } from './people';

/** A participant on a machine of the network lab: its own Chromium, in its own namespace. */
export interface LabPerson extends Person {
  browser: Browser;
  client: LabClient;
}

export interface LabPersonSpec extends LabClientSpec {
  /**
   * Where the person opens the app: `https` (the default) or `http` (the plain-HTTP port, made a
   * secure context by a switch so camera and microphone work).
   */
  origin?: 'https' | 'http';
  /** Force TURN relaying (the SPA's test-only switch). */
  relayOnly?: boolean;
  /** A Y4M clip the machine's fake camera plays (see `LaunchOptions.videoFile`). */
  videoFile?: string;
}

/** The platform's origins on the lab's server address. */
export interface LabOrigins {
  https: string;
  http: string;
  /** The server address, when not the lab's usual one (a second platform). */
  server?: string;
}

/** A lab whose people's browsers are closed with it. */
export interface LabSession {
  lab: Lab;
  person(spec: LabPersonSpec): Promise<LabPerson>;
  /**
   * Several people on one machine: one Chromium in one namespace, a browser context each (their
   * own cookies and storage), so a meeting of many costs fewer browser processes. They share
   * the machine's network, as people on one home connection do.
   */
  people(spec: LabPersonSpec, names: readonly string[]): Promise<LabPerson[]>;
  close(): Promise<void>;
}

/** Starts a lab around the platform at `origins` (this namespace is the lab's core). */
export async function openLab(origins: LabOrigins): Promise<LabSession> {
  const lab = await createLab(origins.server);
  const browsers: Browser[] = [];
  const people = async (spec: LabPersonSpec, names: readonly string[]) => {
    const client = await lab.addClient(spec);
    const origin = spec.origin === 'http' ? origins.http : origins.https;
    const browser = await launchBrowser({
      executablePath: client.chromium,
      ...(spec.videoFile ? { videoFile: spec.videoFile } : {}),
      args: [
        // Host candidates as addresses, not mDNS names nobody in the lab resolves.
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        // The platform's certificate is self-signed (HTTPS, wss and TURN over TLS).
        '--ignore-certificate-errors',
        ...(spec.origin === 'http' ? [`--unsafely-treat-insecure-origin-as-secure=${origin}`] : []),
      ],
    });
    browsers.push(browser);
    const everyone: LabPerson[] = [];
    for (const name of names) {
      const person = await newPerson(browser, origin, {
        name,
        ...(spec.relayOnly ? { relayOnly: true } : {}),
      });
      await recordPeerConnections(person.context);
      everyone.push({ ...person, browser, client });
    }
    return everyone;
  };
  return {
    lab,
    async person(spec) {
      const [person] = await people(spec, [spec.name]);
      return person!;
    },
    people,
    async close() {
      await Promise.allSettled(browsers.map((browser) => browser.close()));
      await lab.teardown();
    },
  };
}
