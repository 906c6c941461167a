import type { Browser } from 'playwright-core';
import {
  newPerson as newPersonAt,
  type Person,
  type PersonOptions,
} from '@qual-meet/browser-testing';
import { signalingNodesInRoom as nodesInRoom } from '@qual-meet/browser-testing';
import { PLATFORM_VARIABLE } from './global-setup';

export interface E2ePlatform {
  url: string;
  /** On the network lab's server address: https://198.18.0.1 and http://198.18.0.1:<port>. */
  httpsUrl: string;
  publicUrl: string;
  runtimeDir: string;
  signaling: number[];
  redisUrl: string;
}

/** The platform the global setup started. */
export function platform(): E2ePlatform {
  const raw = process.env[PLATFORM_VARIABLE];
  if (!raw)
    throw new Error(
      `${PLATFORM_VARIABLE} is not set: run with jest.e2e.config.js (tools/scripts/e2e.ts)`,
    );
  return JSON.parse(raw) as E2ePlatform;
}

/** A participant of this run's platform. */
export const newPerson = (browser: Browser, options: PersonOptions = {}): Promise<Person> =>
  newPersonAt(browser, platform().url, options);

/** The signaling nodes holding the members of a room of this run's platform. */
export const signalingNodesInRoom = (roomId: string) => nodesInRoom(platform().redisUrl, roomId);
