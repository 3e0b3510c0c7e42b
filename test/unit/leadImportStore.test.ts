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
import { SqliteLeadImports } from '../../src/state/leadImports';
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
