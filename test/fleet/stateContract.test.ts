/**
 * The Redis implementations of the state store (src/state/redis/) against the shared contract
 * (test/support/stateContract.ts), on a real Redis (REDIS_URL, default redis://127.0.0.1:6379; .ci/run
 * starts one when none answers), and what only a shared store does: single-flight across processes and a
 * lease that ends for a record whose replica died. Each case has a key prefix of its own.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { RedisApqCache } from '../../src/state/redis/apq';
import { RedisSlots } from '../../src/state/redis/budget';
import { RedisConnection } from '../../src/state/redis/connection';
import { RedisIdempotencyRecords, STORE_UNREACHABLE_MESSAGE } from '../../src/state/redis/idempotency';
import { RedisResponses, SettledChannel } from '../../src/state/redis/responses';
import { RedisCrmSessions } from '../../src/state/redis/crmSessions';
import { RedisAgentLegs } from '../../src/state/redis/agentLegs';
import { crmSessionHash, newCrmSessionId } from '../../src/state/crmSessions';
import { waitUntil } from '../support/wait';
import { agentLegsContract, apqContract, crmSessionsContract, idempotencyRecordsContract, POLICY, slotBudgetContract } from '../support/stateContract';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const silent = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

const opened: RedisConnection[] = [];
async function connect(url = REDIS_URL, keyPrefix = `sbtest:${randomUUID()}:`): Promise<RedisConnection> {
  const conn = new RedisConnection({ url, keyPrefix, commandTimeoutMs: 1_000, logger: silent });
  opened.push(conn);
  if (url === REDIS_URL && !(await conn.waitUp(5_000))) throw new Error(`no Redis answers at ${REDIS_URL}: start one (redis-server) or set REDIS_URL`);
  return conn;
}
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

idempotencyRecordsContract('Redis', async () => {
  const clock = { now: Date.now() };
  const conn = await connect();
  return { records: new RedisIdempotencyRecords(conn, { policyFor: () => POLICY, leaseMs: 30_000, now: () => clock.now }), clock, close: () => undefined };
});

slotBudgetContract('Redis (RedisSlots)', async (intervalMs) => {
  const conn = await connect();
  return new RedisSlots(conn, `${conn.keyPrefix}t:c:budget`, intervalMs);
});

apqContract('Redis (RedisApqCache)', async () => new RedisApqCache(await connect()));

crmSessionsContract('Redis', async () => {
  const clock = { now: Date.now() };
  return { sessions: new RedisCrmSessions(await connect(), { now: () => clock.now }), clock, close: () => undefined };
});

agentLegsContract('Redis', async () => {
  const clock = { now: Date.now() };
  return { legs: new RedisAgentLegs(await connect(), { now: () => clock.now }), clock, close: () => undefined };
});

describe('Redis agent legs, what a fleet adds', () => {
  it('a leg one replica records, another reads (two connections, one prefix)', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const one = new RedisAgentLegs(await connect(REDIS_URL, prefix));
    const two = new RedisAgentLegs(await connect(REDIS_URL, prefix));
    await one.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
    expect(await two.find('t', 'c', 'agent1')).toMatchObject({ legId: 'leg-1', sessionId: 'sess-1' });
  });
});

describe('Redis CRM sessions, what the stored value holds', () => {
  it("keeps the tenant CRM's own session id sealed, and reads a value from before it as having none", async () => {
    const conn = await connect();
    const sessions = new RedisCrmSessions(conn);
    const issued = await sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1', upstreamSessionId: 'their-crm-session-0001' }, { ttlMs: 60_000, maxPerTenant: 10 });
    if (issued.kind !== 'issued') throw new Error('expected a session');
    const raw = await conn.client.get(`${conn.keyPrefix}t:crmsess:${crmSessionHash(issued.id)}`);
    expect(raw).toEqual(expect.stringContaining('"u":"agent1"'));
    expect(raw).not.toContain('their-crm-session-0001');
    expect(await sessions.find('t', 'c', issued.id)).toMatchObject({ upstreamSessionId: 'their-crm-session-0001' });

    // A session written before the field: {c, u, e} only.
    const id = newCrmSessionId();
    const hash = crmSessionHash(id);
    const expiresAtMs = Date.now() + 60_000;
    await conn.client.set(`${conn.keyPrefix}t:crmsess:${hash}`, JSON.stringify({ c: 'c', u: 'agent0', e: expiresAtMs }), 'PX', 60_000);
    await conn.client.zadd(`${conn.keyPrefix}t:crmsess`, expiresAtMs, hash);
    expect(await sessions.find('t', 'c', id)).toEqual({ tenantId: 't', connectionId: 'c', userId: 'agent0', expiresAtMs, upstreamSessionId: null });
    expect(await sessions.end('t', 'c', id)).toEqual({ tenantId: 't', connectionId: 'c', userId: 'agent0', expiresAtMs, upstreamSessionId: null });
    expect(await conn.client.zscore(`${conn.keyPrefix}t:crmsess`, hash)).toBeNull();
  });
});

describe('Redis idempotency records, what a fleet adds', () => {
  it('two replicas (two connections) see one record: the second claim is in progress', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const one = new RedisIdempotencyRecords(await connect(REDIS_URL, prefix), { policyFor: () => POLICY, leaseMs: 30_000 });
    const two = new RedisIdempotencyRecords(await connect(REDIS_URL, prefix), { policyFor: () => POLICY, leaseMs: 30_000 });
    expect(await one.claim('t', 'dial', 'f')).toEqual({ kind: 'claimed' });
    expect(await two.claim('t', 'dial', 'f')).toEqual({ kind: 'inProgress' });
  });

  it('a record still running after its lease (its replica died) answers "may have been sent", never runs again', async () => {
    const clock = { now: Date.now() };
    const records = new RedisIdempotencyRecords(await connect(), { policyFor: () => POLICY, leaseMs: 8_000, now: () => clock.now });
    expect(await records.claim('t', 'dial', 'f')).toEqual({ kind: 'claimed' });
    clock.now += 7_999;
    expect(await records.claim('t', 'dial', 'f')).toEqual({ kind: 'inProgress' });
    clock.now += 1;
    expect(await records.claim('t', 'dial', 'f')).toMatchObject({
      kind: 'replay',
      outcome: {
        ok: false,
        error: { code: 'IDEMPOTENCY_CONFLICT', message: 'the first request with this idempotencyKey was in progress when the gateway stopped: it may have been sent; check before sending again' },
      },
    });
  });

  it('with Redis unreachable a claim is refused as retryable and not sent; nothing throws elsewhere', async () => {
    const conn = await connect('redis://127.0.0.1:1');
    const records = new RedisIdempotencyRecords(conn, { policyFor: () => POLICY, leaseMs: 8_000 });
    await expect(records.claim('t', 'dial', 'f')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: STORE_UNREACHABLE_MESSAGE, facts: { retryable: true, notSent: true } });
    await expect(records.complete('t', 'dial', { ok: true, value: 1 })).resolves.toBeUndefined();
    await expect(records.release('t', 'dial')).resolves.toBeUndefined();
    await expect(Promise.resolve(new RedisSlots(conn, 'budget', 1_000).take())).rejects.toThrow();
    const responses = new RedisResponses(conn, new SettledChannel(conn), 'x:');
    expect(await responses.get('k')).toBeNull();
    expect(await responses.lead('k', 1_000)).toBe(true); // nobody to ask: fetch, within the budget
  });
});

describe('Redis shared responses (single-flight across replicas)', () => {
  const make = async (prefix: string) => {
    const conn = await connect(REDIS_URL, prefix);
    return new RedisResponses(conn, new SettledChannel(conn), `${prefix}t:c:`);
  };
  /** Until a replica's wait is subscribed to the prefix's `settled` channel (Redis counts its subscribers). */
  const subscribed = async (prefix: string) => {
    const probe = await connect(REDIS_URL, prefix);
    await waitUntil(
      'the waiting replica is subscribed',
      async () => {
        const [, count] = (await probe.client.pubsub('NUMSUB', `${prefix}settled`)) as [string, number];
        return count > 0;
      },
      5_000,
    );
  };

  it('one replica leads a key at a time; its answer wakes the waiting replica, which reads it with its remaining life', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const [a, b] = [await make(prefix), await make(prefix)];
    expect(await a.lead('k', 5_000)).toBe(true);
    expect(await b.lead('k', 5_000)).toBe(false);
    const started = Date.now();
    const woken = b.settled('k', 5_000).then(() => Date.now() - started);
    await subscribed(prefix); // b is subscribed and waiting before a answers
    await a.set('k', { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('[1]') }, 2_000);
    expect(await woken).toBeLessThan(1_000);
    const hit = await b.get('k');
    expect(hit).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('[1]') });
    expect(hit!.ttlMs).toBeGreaterThan(1_000);
    expect(hit!.ttlMs).toBeLessThanOrEqual(2_000);
    expect(await b.lead('k', 5_000)).toBe(true); // the answer freed the claim
  });

  it('a leader that resigns wakes the waiters, who may then lead; only the leader can resign its claim', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const [a, b] = [await make(prefix), await make(prefix)];
    expect(await a.lead('k', 5_000)).toBe(true);
    await b.resign('k'); // not b's claim: nothing happens
    expect(await b.lead('k', 5_000)).toBe(false);
    const woken = b.settled('k', 5_000);
    await subscribed(prefix);
    await a.resign('k');
    await woken;
    expect(await b.get('k')).toBeNull();
    expect(await b.lead('k', 5_000)).toBe(true);
  });

  it('a wait ends at its bound when the leader never answers (a replica that died)', async () => {
    const prefix = `sbtest:${randomUUID()}:`;
    const [a, b] = [await make(prefix), await make(prefix)];
    expect(await a.lead('k', 300)).toBe(true);
    const started = Date.now();
    await b.settled('k', 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    // The claim expired with its bound. Redis counts the 300 ms from when it stored the claim, a little before `started`,
    // and a timer may fire up to a millisecond early by Date.now(): a first try can land just before the expiry.
    await waitUntil('the claim expired with its bound', () => b.lead('k', 300), 100, 5);
  });
});
