/** Jest runs TypeScript through ts-jest in transpile-only mode (tsconfig `isolatedModules`); `npm run typecheck` does the type-checking. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite and the memory check run on their own (`npm run test:faults`, `npm run test:memory`); CI runs all.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/', '/test/memory/'],
  // The browser apps of the e2e suite are npm projects of their own (test/e2e/clients/*, bundled by esbuild):
  // their node_modules are not ours to crawl or resolve from.
  modulePathIgnorePatterns: ['<rootDir>/test/e2e/clients/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30_000,
  // Integration suites start real servers; two workers match the 2-core machines CI runs on.
  maxWorkers: 2,
};
