/** Jest runs TypeScript through ts-jest in transpile-only mode (tsconfig `isolatedModules`); `npm run typecheck` does the type-checking. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite runs on its own (`npm run test:faults`, jest.faults.config.js); CI runs both.
  testPathIgnorePatterns: ['/node_modules/', '/test/faults/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30_000,
  // Integration suites start real servers; two workers match the 2-core machines CI runs on.
  maxWorkers: 2,
};
