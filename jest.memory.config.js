/**
 * The memory check (`npm run test:memory`): issue 11's "RSS back within 10% after the abuse suite", against a
 * built gateway, run alone (one worker, no other suite beside it): a memory reading beside other test files
 * measures them too. `npm test` leaves test/memory/ to this config; CI runs it after the other suites.
 */
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/memory'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
