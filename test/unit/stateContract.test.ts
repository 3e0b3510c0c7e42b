/**
 * The embedded state store's implementations against the shared contract (test/support/stateContract.ts),
 * and what only the SQLite file does: keep its answers across a restart. The Redis implementations run the
 * same contract in the fleet suite (test/fleet/stateContract.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdempotencyStore, runIdempotent } from '../../src/domain/idempotency';
import { TenantApqCache } from '../../src/graphql/apq';
import { LocalSlots } from '../../src/state/budget';
import { SqliteIdempotencyRecords } from '../../src/state/sqliteIdempotency';
import Database from 'better-sqlite3';
import { SqliteAgentLegs } from '../../src/state/agentLegs';
import { crmSessionHash, newCrmSessionId, SqliteCrmSessions } from '../../src/state/crmSessions';
import { agentLegsContract, apqContract, crmSessionsContract, idempotencyRecordsContract, POLICY, slotBudgetContract } from '../support/stateContract';

idempotencyRecordsContract('in memory', () => {
  const clock = { now: 1_000_000 };
  return { records: new IdempotencyStore({ retentionMs: POLICY.retentionMs, maxKeysPerTenant: POLICY.maxKeys, now: () => clock.now }), clock, close: () => undefined };
});

idempotencyRecordsContract('SQLite', () => {
  const clock = { now: 1_000_000 };
  const store = new SqliteIdempotencyRecords({ file: ':memory:', policyFor: () => POLICY, now: () => clock.now });
  return { records: store, clock, close: () => store.close() };
});

slotBudgetContract('in memory (LocalSlots)', (intervalMs) => new LocalSlots(intervalMs));

apqContract('in memory (TenantApqCache)', () => new TenantApqCache());

crmSessionsContract('SQLite', () => {
  const clock = { now: 1_000_000 };
  const store = new SqliteCrmSessions({ file: ':memory:', now: () => clock.now });
  return { sessions: store, clock, close: () => store.close() };
});

agentLegsContract('SQLite', () => {
  const clock = { now: 1_000_000 };
  const store = new SqliteAgentLegs({ file: ':memory:', now: () => clock.now });
  return { legs: store, clock, close: () => store.close() };
});

describe('SQLite agent legs across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sb-legs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a leg recorded before the file was opened again', async () => {
    const file = path.join(dir, 'state.sqlite');
    const first = new SqliteAgentLegs({ file });
    await first.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
    first.close();
    const second = new SqliteAgentLegs({ file });
    expect(await second.find('t', 'c', 'agent1')).toMatchObject({ legId: 'leg-1', sessionId: 'sess-1' });
    second.close();
  });
});

describe('SQLite CRM sessions across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sb-crm-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds a session issued before the file was opened again, and keeps only its hash and the CRM's own id sealed", async () => {
    const file = path.join(dir, 'state.sqlite');
    const first = new SqliteCrmSessions({ file });
    const issued = await first.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1', upstreamSessionId: 'their-crm-session-0001' }, { ttlMs: 60_000, maxPerTenant: 10 });
    first.close();
    if (issued.kind !== 'issued') throw new Error('expected a session');
    expect(readFileSync(file).includes(Buffer.from(issued.id))).toBe(false);
    expect(readFileSync(file).includes(Buffer.from('their-crm-session-0001'))).toBe(false);
    const second = new SqliteCrmSessions({ file });
    expect(await second.find('t', 'c', issued.id)).toMatchObject({ userId: 'agent1', upstreamSessionId: 'their-crm-session-0001' });
    second.close();
  });

  it("reads a file from before the CRM's own session id: its sessions are found and ended, with none", async () => {
    const file = path.join(dir, 'state.sqlite');
    const id = newCrmSessionId();
    const old = new Database(file);
    old.exec(`CREATE TABLE crm_sessions (tenant TEXT NOT NULL, hash TEXT NOT NULL, connection TEXT NOT NULL, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (tenant, hash)) WITHOUT ROWID;
      CREATE INDEX crm_sessions_expiry ON crm_sessions (tenant, expires_at);`);
    old.prepare('INSERT INTO crm_sessions VALUES (?, ?, ?, ?, ?)').run('t', crmSessionHash(id), 'c', 'agent1', Date.now() + 60_000);
    old.close();
    const store = new SqliteCrmSessions({ file });
    expect(await store.find('t', 'c', id)).toMatchObject({ userId: 'agent1', upstreamSessionId: null });
    expect(await store.end('t', 'c', id)).toMatchObject({ userId: 'agent1', upstreamSessionId: null });
    const issued = await store.issue({ tenantId: 't', connectionId: 'c', userId: 'agent2', upstreamSessionId: 'theirs' }, { ttlMs: 60_000, maxPerTenant: 10 });
    expect(issued.kind === 'issued' && (await store.find('t', 'c', issued.id))).toMatchObject({ userId: 'agent2', upstreamSessionId: 'theirs' });
    store.close();
  });
});

describe('SQLite idempotency records across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sb-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays a stored answer after the file is opened again, without running the work', async () => {
    const file = path.join(dir, 'state.sqlite');
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
    const file = path.join(dir, 'state.sqlite');
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
