/**
 * The Redis store of lead import jobs (src/state/redis/leadImports.ts, issue 18) against the contract every
 * `LeadImportStore` passes (test/support/leadImportContract.ts), on a real Redis (REDIS_URL, default
 * redis://127.0.0.1:6379), and what only a shared store shows: its keys, the expiry of finished jobs, and two
 * replicas asking for one lease at once. Each case has a key prefix of its own, and its keys are deleted after it.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { validateConfig } from '../../src/config/load';
import { createLogger } from '../../src/logger';
import { openStateStore } from '../../src/state';
import { RedisConnection } from '../../src/state/redis/connection';
import { FINISHED_IMPORT_TTL_MS } from '../../src/state/leadImports';
import { RedisLeadImports } from '../../src/state/redis/leadImports';
import { JOB_A, JOB_B, leadImportJob, leadImportStoreContract } from '../support/leadImportContract';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const silent = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

const opened: RedisConnection[] = [];
async function connect(keyPrefix = `sbtest:${randomUUID()}:`): Promise<RedisConnection> {
  const conn = new RedisConnection({ url: REDIS_URL, keyPrefix, commandTimeoutMs: 1_000, logger: silent });
  opened.push(conn);
  if (!(await conn.waitUp(5_000))) throw new Error(`no Redis answers at ${REDIS_URL}: start one (redis-server) or set REDIS_URL`);
  return conn;
}

/** Every key under the connection's prefix, sorted, with the prefix cut off. */
async function keysOf(conn: RedisConnection): Promise<string[]> {
  const keys = await conn.client.keys(`${conn.keyPrefix}*`);
  return keys.map((k) => k.slice(conn.keyPrefix.length)).sort();
}

afterEach(async () => {
  for (const conn of opened) {
    const keys = await conn.client.keys(`${conn.keyPrefix}*`);
    if (keys.length > 0) await conn.client.del(...keys);
  }
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

leadImportStoreContract('Redis', async () => ({ store: new RedisLeadImports(await connect()), close: () => undefined }));

describe('Redis lead import jobs, what a fleet adds', () => {
  it("keeps every key of a job under the prefix and the job's tenant; the active list alone spans tenants", async () => {
    const conn = await connect();
    const store = new RedisLeadImports(conn);
    await store.create(leadImportJob());
    expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
    const errors = [
      { rowNumber: 3, outcome: 'FAILED' as const, reason: 'no phone', values: ['Ana'] },
      { rowNumber: 4, outcome: 'UNCERTAIN' as const, reason: 'lost', values: ['Bo'] },
    ];
    expect(await store.save(leadImportJob({ status: 'RUNNING' }), errors, 'worker-1')).toBe(true);
    expect(await keysOf(conn)).toEqual([
      '_imports:active',
      `t:import:${JOB_A}`,
      `t:import:${JOB_A}:errors`,
      `t:import:${JOB_A}:errors:ALL`,
      `t:import:${JOB_A}:errors:FAILED`,
      `t:import:${JOB_A}:errors:UNCERTAIN`,
      `t:import:${JOB_A}:lease`,
      't:imports:active',
    ]);
    expect(await conn.client.smembers(`${conn.keyPrefix}_imports:active`)).toEqual([`t:${JOB_A}`]);
  });

  it('lets the keys of a finished job expire after FINISHED_IMPORT_TTL_MS; an unfinished job never expires', async () => {
    const conn = await connect();
    const store = new RedisLeadImports(conn);
    await store.create(leadImportJob());
    expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
    expect(await store.save(leadImportJob({ status: 'RUNNING' }), [{ rowNumber: 3, outcome: 'FAILED', reason: 'no phone', values: [] }], 'worker-1')).toBe(true);
    const job = `${conn.keyPrefix}t:import:${JOB_A}`;
    const data = [job, `${job}:errors`, `${job}:errors:ALL`, `${job}:errors:FAILED`];
    expect(await Promise.all(data.map((k) => conn.client.pttl(k)))).toEqual([-1, -1, -1, -1]);
    expect(await store.save(leadImportJob({ status: 'FINISHED' }), [], 'worker-1')).toBe(true);
    for (const ttl of await Promise.all(data.map((k) => conn.client.pttl(k)))) {
      expect(ttl).toBeGreaterThan(FINISHED_IMPORT_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(FINISHED_IMPORT_TTL_MS);
    }
    expect(FINISHED_IMPORT_TTL_MS).toBe(30 * 24 * 3_600_000);
    // A cancel asked for after the end keeps the expiry.
    expect((await store.requestCancel('t', JOB_A))?.status).toBe('FINISHED');
    expect(await conn.client.pttl(job)).toBeGreaterThan(FINISHED_IMPORT_TTL_MS - 60_000);
  });

  it('of two replicas (two connections) asking for one lease at the same moment, exactly one gets it', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const one = new RedisLeadImports(await connect(prefix));
    const two = new RedisLeadImports(await connect(prefix));
    await one.create(leadImportJob({ id: JOB_A }));
    await one.create(leadImportJob({ id: JOB_B }));
    for (const id of [JOB_A, JOB_B]) {
      const won = await Promise.all([one.lease('t', id, 'replica-1', 60_000), two.lease('t', id, 'replica-2', 60_000)]);
      expect(won.filter(Boolean)).toEqual([true]);
    }
    expect(await two.get('t', JOB_A)).toEqual(leadImportJob({ id: JOB_A }));
  });

  it("is the fleet state store's `leadImports`, under `state.redis.keyPrefix`", async () => {
    const keyPrefix = `sbtest:${randomUUID()}:`;
    const config = validateConfig({ tenants: [{ id: 'acme', apiKeys: ['tenant-key-0123456789-abcdef'] }], state: { redis: { url: REDIS_URL, keyPrefix } } });
    const state = await openStateStore(config, silent);
    const conn = await connect(keyPrefix); // to look at (and delete) the keys
    try {
      await state.leadImports.create(leadImportJob({ tenantId: 'acme' }));
      expect(await keysOf(conn)).toEqual(['_imports:active', `acme:import:${JOB_A}`, 'acme:imports:active']);
      expect(await new RedisLeadImports(conn).get('acme', JOB_A)).toEqual(leadImportJob({ tenantId: 'acme' }));
    } finally {
      await state.close();
    }
  });
});
