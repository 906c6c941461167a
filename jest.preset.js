// Shared Jest settings: TypeScript through SWC (CommonJS for Jest's module system), with the
// workspace's `@qual-meet/*` aliases resolved onto each lib's public `src/index.ts`.
export const jestPreset = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          // Rewritten at compile time, so the aliases also work in global setup, which runs
          // outside Jest's module registry.
          baseUrl: import.meta.dirname,
          paths: { '@qual-meet/*': ['libs/*/src/index.ts'] },
          target: 'es2022',
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // content-disposition 3 (under @fastify/static, under @fastify/swagger-ui) is ESM only, which
  // Jest's CommonJS runtime cannot require on Node 20 (Node itself can): compile it like ours.
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.runtime/'],
  watchPathIgnorePatterns: ['/.runtime/'],
};
