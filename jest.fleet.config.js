/**
 * The fleet suite (`npm run test:fleet`, issue 14): several built gateway processes sharing one Redis (or one
 * SQLite file across a restart) against the simulators, killed, restarted and cut off from Redis on purpose,
 * and the Redis store's contract tests on a real Redis.
 * Not part of `npm test`: it needs a Redis server on 127.0.0.1:6379 (or REDIS_URL) and the `redis-server`
 * binary, and its tests are measured in tens of seconds (30 s of polling, a 10 s outage, an 8 s lease). CI
 * runs it after the memory check, having started Redis when none answered (.ci/run).
 *
 * One worker: the tests time the vendor's requests to the millisecond (gaps of 950 ms or more), and three
 * gateways plus a hundred clients already fill the 2-core machines CI runs on.
 */
const base = require('./jest.config');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/fleet'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 180_000,
};
