/**
 * CSV lead import jobs in the state store's SQLite file (issue 18; the contract is `LeadImportStore`,
 * src/imports/store.ts): one row per job in `lead_imports`, one row per refused or uncertain data row in
 * `lead_import_errors`. The fleet's implementation is src/state/redis/leadImports.ts; both pass
 * test/support/leadImportContract.ts.
 *
 * - The columns are what is queried or fenced on (tenant, id, status, the lease, the cancel flag); the rest of
 *   the record is one JSON text, its dates as ms since the epoch.
 * - The lease is two columns. `lease` takes it in one UPDATE whose WHERE is the rule (free, ours, or expired), so
 *   of two processes asking at once one wins; `save` is one transaction whose first statement writes the job only
 *   while `owner` holds an unexpired lease, and whose error rows are written only when it did. A process whose
 *   lease expired and was taken over therefore writes nothing: the job's state is the new owner's alone.
 * - `save` never writes `cancel_requested`, so a cancel asked for between a worker's read and its save stays.
 * - An error row's key is (tenant, job, row): a row saved twice keeps its first record (INSERT OR IGNORE).
 * - A finished job (FINISHED, CANCELLED, FAILED) and its error rows go `FINISHED_IMPORT_TTL_MS` after it finished, as
 *   in Redis: `finished_at` is a column, and a sweep at open and every hour deletes expired jobs a bounded batch of
 *   error rows per transaction, so a job with millions of rows never holds the event loop.
 * - One process per file, as for the other tables: a fleet uses Redis.
 */
import type Database from 'better-sqlite3';
import type { ImportRowError, ImportRowOutcome, LeadImportRecord, LeadImportStatus, LeadImportStore } from '../imports/store';
import { openStateDatabase } from './sqlite';

/** The statuses of work still to do (`unfinished`, `activeCount`). */
export const ACTIVE_IMPORT_STATUSES: readonly LeadImportStatus[] = ['QUEUED', 'RUNNING'];

/**
 * How long a finished (FINISHED, CANCELLED, FAILED) job and its error rows are kept, ms: 30 days, in both stores. A job
 * can hold as many error rows as its file has rows, so finished jobs cannot stay for ever (Redis keeps them in memory,
 * SQLite on a disk that fills too); a month leaves a client far more time than it needs to read the outcome and
 * download the error rows, and the two stores answer the same `leadImportJob` for the same age.
 */
export const FINISHED_IMPORT_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** How often the SQLite store looks for expired jobs, ms, and how many error rows it deletes per transaction. */
const SWEEP_EVERY_MS = 3_600_000;
const SWEEP_BATCH_ROWS = 10_000;

type StoredFields = Omit<LeadImportRecord, 'tenantId' | 'id' | 'status' | 'cancelRequested' | 'createdAt' | 'startedAt' | 'finishedAt'>;

/** The record as stored, without what has columns (or Redis hash fields) of its own. */
interface StoredJob extends StoredFields {
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** Not public API: the JSON of a job's record, shared with the Redis store. Dates become ms since the epoch. */
export function encodeLeadImport(job: LeadImportRecord): string {
  const { tenantId: _tenantId, id: _id, status: _status, cancelRequested: _cancel, createdAt, startedAt, finishedAt, ...rest } = job;
  const stored: StoredJob = { ...rest, createdAt: createdAt.getTime(), startedAt: startedAt?.getTime() ?? null, finishedAt: finishedAt?.getTime() ?? null };
  return JSON.stringify(stored);
}

/** Not public API: the record `encodeLeadImport` wrote, with the fields kept beside it. */
export function decodeLeadImport(tenantId: string, id: string, status: LeadImportStatus, cancelRequested: boolean, text: string): LeadImportRecord {
  const { createdAt, startedAt, finishedAt, ...rest } = JSON.parse(text) as StoredJob;
  return {
    ...rest,
    tenantId,
    id,
    status,
    cancelRequested,
    createdAt: new Date(createdAt),
    startedAt: startedAt === null ? null : new Date(startedAt),
    finishedAt: finishedAt === null ? null : new Date(finishedAt),
  };
}

/** Not public API: an error row as the Redis store keeps it (SQLite has columns for it). */
export const encodeRowError = (e: ImportRowError): string => JSON.stringify({ o: e.outcome, r: e.reason, v: e.values });
export const decodeRowError = (rowNumber: number, text: string): ImportRowError => {
  const { o, r, v } = JSON.parse(text) as { o: ImportRowOutcome; r: string; v: string[] };
  return { rowNumber, outcome: o, reason: r, values: v };
};

/** Not public API: the misuse checks both stores make, with the same messages. */
export function checkLeaseMs(ms: number): void {
  if (!(Number.isInteger(ms) && ms > 0)) throw new TypeError(`expected ms to be a positive integer, got ${ms}`);
}

export function checkErrorsPage(afterRow: number, limit: number): void {
  if (!(Number.isInteger(afterRow) && afterRow >= 0)) throw new TypeError(`expected afterRow to be an integer >= 0, got ${afterRow}`);
  if (!(Number.isInteger(limit) && limit > 0)) throw new TypeError(`expected limit to be a positive integer, got ${limit}`);
}

/** Not public API: `create` of an id the tenant already has (ids are UUIDs: a bug, not a user's mistake). */
export const duplicateImportMessage = (job: Pick<LeadImportRecord, 'tenantId' | 'id'>): string => `lead import job '${job.id}' already exists for tenant '${job.tenantId}'`;

export interface SqliteLeadImportsOptions {
  /** The database file (`state.dataDir`/state.sqlite), or `:memory:`. */
  file: string;
  /** The clock the leases are read on, for tests. Default `Date.now`. */
  now?: () => number;
}

interface JobRow {
  status: LeadImportStatus;
  cancel_requested: 0 | 1;
  record: string;
}

interface ErrorRow {
  row_number: number;
  outcome: ImportRowOutcome;
  reason: string;
  vals: string;
}

export class SqliteLeadImports implements LeadImportStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly saveTx: (job: LeadImportRecord, errors: readonly ImportRowError[], owner: string) => boolean;
  private readonly statements: {
    insert: Database.Statement;
    get: Database.Statement;
    cancel: Database.Statement;
    unfinished: Database.Statement;
    active: Database.Statement;
    lease: Database.Statement;
    release: Database.Statement;
    errors: Database.Statement;
    errorsOf: Database.Statement;
  };

  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping: Promise<number> | null = null;
  private closed = false;

  constructor(opts: SqliteLeadImportsOptions) {
    this.now = opts.now ?? Date.now;
    this.db = openStateDatabase(opts.file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS lead_imports (
        tenant TEXT NOT NULL,
        id TEXT NOT NULL,
        status TEXT NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        record TEXT NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (tenant, id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS lead_imports_status ON lead_imports (status, tenant);
      CREATE TABLE IF NOT EXISTS lead_import_errors (
        tenant TEXT NOT NULL,
        job TEXT NOT NULL,
        row_number INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT NOT NULL,
        vals TEXT NOT NULL,
        PRIMARY KEY (tenant, job, row_number)
      ) WITHOUT ROWID;
    `);
    const active = ACTIVE_IMPORT_STATUSES.map((s) => `'${s}'`).join(', ');
    // A file from before retention has no `finished_at`: its finished jobs count as finished now, so they go one
    // retention period after the upgrade rather than at once.
    if (!(this.db.prepare('PRAGMA table_info(lead_imports)').all() as Array<{ name: string }>).some((c) => c.name === 'finished_at')) {
      this.db.exec('ALTER TABLE lead_imports ADD COLUMN finished_at INTEGER');
      this.db.prepare(`UPDATE lead_imports SET finished_at = ? WHERE status NOT IN (${active})`).run(this.now());
    }
    this.db.exec('CREATE INDEX IF NOT EXISTS lead_imports_finished ON lead_imports (finished_at) WHERE finished_at IS NOT NULL');
    this.statements = {
      insert: this.db.prepare('INSERT INTO lead_imports (tenant, id, status, cancel_requested, record) VALUES (?, ?, ?, ?, ?)'),
      get: this.db.prepare('SELECT status, cancel_requested, record FROM lead_imports WHERE tenant = ? AND id = ?'),
      cancel: this.db.prepare('UPDATE lead_imports SET cancel_requested = 1 WHERE tenant = ? AND id = ?'),
      unfinished: this.db.prepare(`SELECT tenant, id FROM lead_imports WHERE status IN (${active}) ORDER BY tenant, id`),
      active: this.db.prepare(`SELECT COUNT(*) AS n FROM lead_imports WHERE status IN (${active}) AND tenant = ?`),
      lease: this.db.prepare('UPDATE lead_imports SET lease_owner = ?, lease_expires_at = ? WHERE tenant = ? AND id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ?)'),
      release: this.db.prepare('UPDATE lead_imports SET lease_owner = NULL, lease_expires_at = NULL WHERE tenant = ? AND id = ? AND lease_owner = ?'),
      errors: this.db.prepare('SELECT row_number, outcome, reason, vals FROM lead_import_errors WHERE tenant = ? AND job = ? AND row_number > ? ORDER BY row_number LIMIT ?'),
      errorsOf: this.db.prepare('SELECT row_number, outcome, reason, vals FROM lead_import_errors WHERE tenant = ? AND job = ? AND row_number > ? AND outcome = ? ORDER BY row_number LIMIT ?'),
    };
    const write = this.db.prepare('UPDATE lead_imports SET status = ?, record = ?, finished_at = ? WHERE tenant = ? AND id = ? AND lease_owner = ? AND lease_expires_at > ?');
    const addError = this.db.prepare('INSERT OR IGNORE INTO lead_import_errors (tenant, job, row_number, outcome, reason, vals) VALUES (?, ?, ?, ?, ?, ?)');
    this.saveTx = this.db.transaction((job: LeadImportRecord, errors: readonly ImportRowError[], owner: string): boolean => {
      const finishedAt = ACTIVE_IMPORT_STATUSES.includes(job.status) ? null : (job.finishedAt?.getTime() ?? this.now());
      if (write.run(job.status, encodeLeadImport(job), finishedAt, job.tenantId, job.id, owner, this.now()).changes === 0) return false;
      for (const e of errors) addError.run(job.tenantId, job.id, e.rowNumber, e.outcome, e.reason, JSON.stringify(e.values));
      return true;
    });
    const expired = this.db.prepare('SELECT tenant, id FROM lead_imports WHERE finished_at <= ? LIMIT 1');
    const dropErrors = this.db.prepare(
      'DELETE FROM lead_import_errors WHERE tenant = ? AND job = ? AND row_number IN (SELECT row_number FROM lead_import_errors WHERE tenant = ? AND job = ? ORDER BY row_number LIMIT ?)',
    );
    const dropJob = this.db.prepare('DELETE FROM lead_imports WHERE tenant = ? AND id = ?');
    /** One step of the sweep: a batch of an expired job's error rows, and the job once they are gone. */
    this.sweepStep = this.db.transaction((): 'none' | 'rows' | 'job' => {
      const job = expired.get(this.now() - FINISHED_IMPORT_TTL_MS) as { tenant: string; id: string } | undefined;
      if (!job) return 'none';
      if (dropErrors.run(job.tenant, job.id, job.tenant, job.id, SWEEP_BATCH_ROWS).changes === SWEEP_BATCH_ROWS) return 'rows';
      dropJob.run(job.tenant, job.id);
      return 'job';
    });
    // A sweep that fails (a locked or full disk) deletes nothing and is tried again an hour later: what it would
    // have deleted stays readable, so nothing is lost by dropping its error here.
    const sweepQuietly = () => void this.sweep().catch(() => {});
    sweepQuietly();
    this.sweepTimer = setInterval(sweepQuietly, SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  private readonly sweepStep: () => 'none' | 'rows' | 'job';

  /**
   * Deletes the jobs that finished more than `FINISHED_IMPORT_TTL_MS` ago with their error rows, a batch per
   * transaction with the event loop free between batches; resolves with how many jobs it deleted. Runs at open and
   * every hour; a call while one runs joins it.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepExpired().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepExpired(): Promise<number> {
    let jobs = 0;
    for (let step = this.sweepStep(); step !== 'none' && !this.closed; step = this.sweepStep()) {
      if (step === 'job') jobs++;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return jobs;
  }

  async create(job: LeadImportRecord): Promise<void> {
    try {
      this.statements.insert.run(job.tenantId, job.id, job.status, job.cancelRequested ? 1 : 0, encodeLeadImport(job));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new Error(duplicateImportMessage(job), { cause: err });
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<LeadImportRecord | null> {
    const row = this.statements.get.get(tenantId, id) as JobRow | undefined;
    return row ? decodeLeadImport(tenantId, id, row.status, row.cancel_requested === 1, row.record) : null;
  }

  async save(job: LeadImportRecord, errors: readonly ImportRowError[], owner: string): Promise<boolean> {
    return this.saveTx(job, errors, owner);
  }

  async requestCancel(tenantId: string, id: string): Promise<LeadImportRecord | null> {
    this.statements.cancel.run(tenantId, id);
    return this.get(tenantId, id);
  }

  async errors(tenantId: string, id: string, afterRow: number, limit: number, outcome?: ImportRowOutcome): Promise<ImportRowError[]> {
    checkErrorsPage(afterRow, limit);
    const rows = (outcome ? this.statements.errorsOf.all(tenantId, id, afterRow, outcome, limit) : this.statements.errors.all(tenantId, id, afterRow, limit)) as ErrorRow[];
    return rows.map((r) => ({ rowNumber: r.row_number, outcome: r.outcome, reason: r.reason, values: JSON.parse(r.vals) as string[] }));
  }

  async unfinished(): Promise<Array<{ tenantId: string; id: string }>> {
    return (this.statements.unfinished.all() as Array<{ tenant: string; id: string }>).map((r) => ({ tenantId: r.tenant, id: r.id }));
  }

  async activeCount(tenantId: string): Promise<number> {
    return (this.statements.active.get(tenantId) as { n: number }).n;
  }

  async lease(tenantId: string, id: string, owner: string, ms: number): Promise<boolean> {
    checkLeaseMs(ms);
    const now = this.now();
    return this.statements.lease.run(owner, now + ms, tenantId, id, owner, now).changes > 0;
  }

  async release(tenantId: string, id: string, owner: string): Promise<void> {
    this.statements.release.run(tenantId, id, owner);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    await this.sweeping;
    this.db.close();
  }
}
