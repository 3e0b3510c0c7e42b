/** Jest runs TypeScript through ts-jest in transpile-only mode (tsconfig `isolatedModules`); `npm run typecheck` does the type-checking. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite, the memory check and the fleet suite run on their own (`npm run test:faults`,
  // `npm run test:memory`, `npm run test:fleet`, which needs Redis); CI runs all.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/', '/test/memory/', '/test/fleet/'],
  // The browser apps of the e2e suite are npm projects of their own (test/e2e/clients/*, bundled by esbuild):
  // their node_modules are not ours to crawl or resolve from.
  modulePathIgnorePatterns: ['<rootDir>/test/e2e/clients/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30_000,
  // Integration suites start real servers; two workers match the 2-core machines CI runs on.
  maxWorkers: 2,
};
