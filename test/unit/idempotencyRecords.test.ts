/**
 * One contract for every store of idempotency records (issue 14): the in-memory store and the SQLite one pass
 * the same cases, and the SQLite one keeps its answers across a restart (a new process opening the file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdempotencyStore, runIdempotent, type IdempotencyPolicy, type IdempotencyRecords } from '../../src/domain/idempotency';
import { UpstreamTimeoutError } from '../../src/errors';
import { SqliteIdempotencyRecords } from '../../src/state/sqliteIdempotency';

const POLICY: IdempotencyPolicy = { retentionMs: 60_000, maxKeys: 2 };

interface Made {
  records: IdempotencyRecords;
  clock: { now: number };
  close(): void;
}

const STORES: Array<[string, () => Made]> = [
  [
    'in memory',
    () => {
      const clock = { now: 1_000_000 };
      return { records: new IdempotencyStore({ retentionMs: POLICY.retentionMs, maxKeysPerTenant: POLICY.maxKeys, now: () => clock.now }), clock, close: () => undefined };
    },
  ],
  [
    'SQLite',
    () => {
      const clock = { now: 1_000_000 };
      const store = new SqliteIdempotencyRecords({ file: ':memory:', policyFor: () => POLICY, now: () => clock.now });
      return { records: store, clock, close: () => store.close() };
    },
  ],
];

describe.each(STORES)('idempotency records %s', (_name, make) => {
  let s: Made;
  beforeEach(() => {
    s = make();
  });
  afterEach(() => s.close());

  it('runs a new key once and replays its answer for the same input', async () => {
    let calls = 0;
    const work = async () => ({ dialled: ++calls });
    expect(await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, work)).toEqual({ dialled: 1 });
    expect(await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, work)).toEqual({ dialled: 1 });
    expect(calls).toBe(1);
  });

  it('refuses the same key with another input, and a key still running', async () => {
    await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, async () => 'ok');
    await expect(runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+2' }, async () => 'ok')).rejects.toThrow("idempotencyKey 'k1' was already used with a different input");
    expect(await s.records.claim('t', 'k2', 'f')).toEqual({ kind: 'claimed' });
    expect(await s.records.claim('t', 'k2', 'f')).toEqual({ kind: 'inProgress' });
  });

  it('replays a failure that may have reached the vendor as the same error, and forgets one that was never sent', async () => {
    const timeout = new UpstreamTimeoutError('apps-api did not answer in time', { vendor: 'apps-api', connectionId: 'apps-a' });
    await expect(runIdempotent(s.records, 't', 'k1', 'k1', {}, async () => Promise.reject(timeout))).rejects.toBe(timeout);
    const replayed = await runIdempotent(s.records, 't', 'k1', 'k1', {}, async () => 'ran again').catch((e: unknown) => e);
    expect(replayed).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'apps-api did not answer in time', facts: { vendor: 'apps-api', connectionId: 'apps-a', retryable: true } });
    const notSent = new UpstreamTimeoutError('never left', { notSent: true });
    await expect(runIdempotent(s.records, 't', 'k2', 'k2', {}, async () => Promise.reject(notSent))).rejects.toBe(notSent);
    expect(await runIdempotent(s.records, 't', 'k2', 'k2', {}, async () => 'ran again')).toBe('ran again');
  });

  it('keeps each tenant to its bound without evicting, and frees room only when the oldest expires', async () => {
    expect(await s.records.claim('t', 'a', 'f')).toEqual({ kind: 'claimed' });
    s.clock.now += 10_000;
    expect(await s.records.claim('t', 'b', 'f')).toEqual({ kind: 'claimed' });
    expect(await s.records.claim('t', 'c', 'f')).toEqual({ kind: 'full', retryAfterMs: 50_000, policy: POLICY });
    // Another tenant is not touched.
    expect(await s.records.claim('u', 'c', 'f')).toEqual({ kind: 'claimed' });
    s.clock.now += 50_000;
    expect(await s.records.claim('t', 'c', 'f')).toEqual({ kind: 'claimed' });
  });
});

describe('SQLite idempotency records across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sb-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays a stored answer after the file is opened again, without running the work', async () => {
    const file = path.join(dir, 'state.db');
    const first = new SqliteIdempotencyRecords({ file, policyFor: () => POLICY });
    expect(await runIdempotent(first, 't', 'dial-1', 'dial-1', { phone: '+1' }, async () => ({ vendorReason: 'success' }))).toEqual({ vendorReason: 'success' });
    first.close();
    const second = new SqliteIdempotencyRecords({ file, policyFor: () => POLICY });
    let ran = false;
    expect(await runIdempotent(second, 't', 'dial-1', 'dial-1', { phone: '+1' }, async () => ((ran = true), { vendorReason: 'again' }))).toEqual({ vendorReason: 'success' });
    expect(ran).toBe(false);
    second.close();
  });

  it('answers "may have been sent" for a key that was running when the process stopped, and never runs it', async () => {
    const file = path.join(dir, 'state.db');
    const first = new SqliteIdempotencyRecords({ file, policyFor: () => POLICY });
    expect(await first.claim('t', 'dial-2', 'f')).toEqual({ kind: 'claimed' });
    first.close(); // the process stops mid-call
    const second = new SqliteIdempotencyRecords({ file, policyFor: () => POLICY });
    const claim = await second.claim('t', 'dial-2', 'f');
    expect(claim).toMatchObject({
      kind: 'replay',
      outcome: {
        ok: false,
        error: { code: 'IDEMPOTENCY_CONFLICT', message: 'the first request with this idempotencyKey was in progress when the gateway stopped: it may have been sent; check before sending again' },
      },
    });
    second.close();
  });
});
