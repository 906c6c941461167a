import { jestPreset } from './jest.preset.js';

/**
 * Integration tests against real servers (PostgreSQL, Redis, coturn) started once per run by
 * the shared harness in libs/testing; each suite gets its own database and Redis db.
 */
export default {
  ...jestPreset,
  testMatch: ['**/*.int-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
