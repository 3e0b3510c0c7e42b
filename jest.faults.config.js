/**
 * The fault suite (`npm run test:faults`): every vendor under every simulator fault switch, the retry
 * policy, the circuit breaker and cancellation, over real sockets. Same transform and worker count as
 * `npm test`, which leaves test/faults/ to this config (CI runs both).
 *
 * Each file names its Jest environment in a `@jest-environment` docblock (test/faults/support/environment.ts,
 * for the process-level guard).
 */
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
