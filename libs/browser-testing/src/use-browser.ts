import type { Browser } from 'playwright-core';
import { launchBrowser, type LaunchOptions } from './people';

/**
 * A browser suite's Chromium: launched before the suite's tests, closed after them. Returns the
 * running browser's accessor (it exists once `beforeAll` ran).
 */
export function useBrowser(options: LaunchOptions = {}, timeoutMs?: number): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(options);
  }, timeoutMs);
  afterAll(() => browser?.close());
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
}
