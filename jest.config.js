import { jestPreset } from './jest.preset.js';

/** Unit tests: beside the code, no servers. */
export default {
  ...jestPreset,
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx'],
};
