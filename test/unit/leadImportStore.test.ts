/**
 * The embedded store of lead import jobs (src/state/leadImports.ts, issue 18) against the contract every
 * `LeadImportStore` passes (test/support/leadImportContract.ts; the Redis store runs it in the fleet suite,
 * test/fleet/leadImportStore.test.ts), and what only the SQLite file does: keep a job across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { validateConfig } from '../../src/config/load';
import { createLogger } from '../../src/logger';
import { openStateStore } from '../../src/state';
import { SqliteCrmSessions } from '../../src/state/crmSessions';
import Database from 'better-sqlite3';
import { FINISHED_IMPORT_TTL_MS, SqliteLeadImports } from '../../src/state/leadImports';
import { JOB_A, leadImportJob, leadImportStoreContract } from '../support/leadImportContract';

leadImportStoreContract('SQLite', () => {
  const store = new SqliteLeadImports({ file: ':memory:' });
  return { store, close: () => store.close() };
});

describe('SQLite lead import jobs across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sb-imports-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the job exactly as last saved, its errors and its cancel, after the file is opened again', async () => {
    const file = path.join(dir, 'state.sqlite');
    const first = new SqliteLeadImports({ file });
    await first.create(leadImportJob());
    expect(await first.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
    const saved = leadImportJob({
      status: 'RUNNING',
      startedAt: new Date('2026-12-06T06:00:01.500Z'),
      sent: 103,
      succeeded: 99,
      failed: 1,
      cursor: { row: 101, byte: 5_120 },
      inflight: { rowNumbers: [101, 102, 103], next: { row: 104, byte: 5_300 }, vendorRef: 'job-77' },
    });
    const errors = [{ rowNumber: 40, outcome: 'FAILED' as const, reason: 'no phone', values: ['Ana', '', 'ana@example.com', 'gold'] }];
    expect(await first.save(saved, errors, 'worker-1')).toBe(true);
    await first.requestCancel('t', JOB_A);
    await first.close(); // the process stops with a batch in flight

    const second = new SqliteLeadImports({ file });
    expect(await second.get('t', JOB_A)).toEqual({ ...saved, cancelRequested: true });
    expect(await second.errors('t', JOB_A, 0, 10)).toEqual(errors);
    expect(await second.unfinished()).toEqual([{ tenantId: 't', id: JOB_A }]);
    expect(await second.activeCount('t')).toBe(1);
    await second.close();
  });

  it('shares the state file with the other tables', async () => {
    const file = path.join(dir, 'state.sqlite');
    const sessions = new SqliteCrmSessions({ file });
    const imports = new SqliteLeadImports({ file });
    await imports.create(leadImportJob());
    expect(await imports.get('t', JOB_A)).toEqual(leadImportJob());
    sessions.close();
    await imports.close();
  });

  it("is the embedded state store's `leadImports`, in its state.sqlite, closed with it", async () => {
    const config = validateConfig({ tenants: [{ id: 'acme', apiKeys: ['tenant-key-0123456789-abcdef'] }], state: { dataDir: dir } });
    const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
    const first = await openStateStore(config, logger);
    await first.leadImports.create(leadImportJob({ tenantId: 'acme' }));
    await first.close();
    const direct = new SqliteLeadImports({ file: path.join(dir, 'state.sqlite') });
    expect(await direct.get('acme', JOB_A)).toEqual(leadImportJob({ tenantId: 'acme' }));
    await direct.close();
    const second = await openStateStore(config, logger);
    expect(await second.leadImports.unfinished()).toEqual([{ tenantId: 'acme', id: JOB_A }]);
    await second.close();
  });
});

describe('SQLite lead import jobs expire FINISHED_IMPORT_TTL_MS after they finished, as in Redis', () => {
  const DAY_MS = 24 * 3_600_000;
  const FINISHED_AT = new Date('2026-12-06T07:00:00.000Z');
  const JOB_B = '0b8a9c1e-2f3d-4e5f-8a7b-9c0d1e2f3a4b';
  let clock: number;
  let store: SqliteLeadImports;
  beforeEach(() => {
    clock = FINISHED_AT.getTime();
    store = new SqliteLeadImports({ file: ':memory:', now: () => clock });
  });
  afterEach(() => store.close());

  /** A job of `rows` error rows saved as FINISHED at FINISHED_AT. */
  async function finishedJob(id: string, rows: number) {
    await store.create(leadImportJob({ id }));
    expect(await store.lease('t', id, 'w', 60_000)).toBe(true);
    const errors = Array.from({ length: rows }, (_, i) => ({ rowNumber: i + 1, outcome: 'FAILED' as const, reason: 'no phone', values: [`row ${i + 1}`] }));
    expect(await store.save(leadImportJob({ id, status: 'FINISHED', startedAt: FINISHED_AT, finishedAt: FINISHED_AT, failed: rows }), errors, 'w')).toBe(true);
  }

  it('deletes a finished job and all its error rows once the period has passed, and nothing before', async () => {
    expect(FINISHED_IMPORT_TTL_MS).toBe(30 * DAY_MS);
    await finishedJob(JOB_A, 25_001); // more error rows than one sweep transaction deletes
    clock += FINISHED_IMPORT_TTL_MS - 1;
    expect(await store.sweep()).toBe(0);
    expect((await store.get('t', JOB_A))?.status).toBe('FINISHED');
    clock += 1;
    expect(await store.sweep()).toBe(1);
    expect(await store.get('t', JOB_A)).toBeNull();
    expect(await store.errors('t', JOB_A, 0, 10)).toEqual([]);
  });

  it('never deletes a job that is still to do, however old', async () => {
    await store.create(leadImportJob({ id: JOB_B }));
    clock += 365 * DAY_MS;
    expect(await store.sweep()).toBe(0);
    expect((await store.get('t', JOB_B))?.status).toBe('QUEUED');
  });

  it('counts the finished jobs of a file from before retention as finished when it is opened, not at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-imports-old-'));
    try {
      const file = path.join(dir, 'state.sqlite');
      const old = new Database(file);
      old.exec(`CREATE TABLE lead_imports (tenant TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, lease_owner TEXT, lease_expires_at INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL, PRIMARY KEY (tenant, id)) WITHOUT ROWID`);
      const record = (await import('../../src/state/leadImports')).encodeLeadImport(leadImportJob({ status: 'FINISHED', finishedAt: new Date('2025-01-01T00:00:00Z') }));
      old.prepare(`INSERT INTO lead_imports (tenant, id, status, record) VALUES ('t', ?, 'FINISHED', ?)`).run(JOB_A, record);
      old.close();
      const opened = new SqliteLeadImports({ file, now: () => clock });
      expect(await opened.sweep()).toBe(0);
      expect((await opened.get('t', JOB_A))?.status).toBe('FINISHED');
      clock += FINISHED_IMPORT_TTL_MS;
      expect(await opened.sweep()).toBe(1);
      await opened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
