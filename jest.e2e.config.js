/** Browser end-to-end tests (`npm run test:e2e`): need Chromium, so they are not part of `npm test`. */
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/e2e/**/*.e2e.ts'],
  // test/e2e/clients/* are the browser apps (own package.json and node_modules), not tests.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/test/e2e/clients/'],
  maxWorkers: 1,
};
