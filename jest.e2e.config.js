import { jestPreset } from './jest.preset.js';

/**
 * Browser tests: real Chromium (Playwright) against the whole platform started once by the
 * global setup. Run inside a loopback-only network namespace (tools/scripts/e2e.ts), so WebRTC
 * never touches the machine's real interfaces.
 */
export default {
  ...jestPreset,
  testMatch: ['<rootDir>/apps/frontend-e2e/src/**/*.e2e.ts'],
  globalSetup: '<rootDir>/apps/frontend-e2e/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/apps/frontend-e2e/src/support/global-teardown.ts',
  testTimeout: 90_000,
  maxWorkers: 1,
};
