// Shared Jest settings: TypeScript through SWC (CommonJS for Jest's module system) and the
// workspace's `@qual-meet/*` aliases mapped onto each lib's public `src/index.ts`.
export const jestPreset = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  moduleNameMapper: { '^@qual-meet/(.*)$': '<rootDir>/libs/$1/src/index.ts' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.runtime/'],
  watchPathIgnorePatterns: ['/.runtime/'],
};
