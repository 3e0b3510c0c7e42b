/**
 * Idempotency records in SQLite (issue 14, the embedded store): the same contract as the in-memory
 * `IdempotencyStore` (src/domain/idempotency.ts), kept in a file so a replay after a restart returns the
 * stored answer without calling the vendor.
 *
 * - `claim` runs in one transaction (better-sqlite3 is synchronous: nothing else runs in this process while
 *   it does), so two claims of one key can never both win.
 * - Records are per tenant, each tenant with its own bound and retention, never evicted before it expires:
 *   a new key on a full tenant is `full`, as in memory.
 * - A record still `running` when the file is opened again belonged to a process that stopped mid-call: the
 *   vendor may have acted. A repeat of its key is answered IDEMPOTENCY_CONFLICT "may have been sent", never
 *   run again.
 * - One process per file: two replicas must not share it (the Redis store is for a fleet).
 */
import type Database from 'better-sqlite3';
import type { IdempotencyClaim, IdempotencyOutcome, IdempotencyPolicy, IdempotencyRecords } from '../domain/idempotency';
import { decodeOutcome, encodeOutcome, interruptedOutcome } from './outcome';
import { openStateDatabase } from './sqlite';

export interface SqliteIdempotencyOptions {
  /** The database file (`state.dataDir`/state.db), or `:memory:`. */
  file: string;
  policyFor(tenantId: string): IdempotencyPolicy;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Row {
  fingerprint: string;
  state: 'running' | 'done' | 'interrupted';
  outcome: string | null;
}

export class SqliteIdempotencyRecords implements IdempotencyRecords {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly claimTx: (tenantId: string, key: string, fingerprint: string) => IdempotencyClaim;

  constructor(private readonly opts: SqliteIdempotencyOptions) {
    this.now = opts.now ?? Date.now;
    this.db = openStateDatabase(opts.file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        PRIMARY KEY (tenant, key)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (tenant, expires_at);
    `);
    // Whatever was running when the last process stopped may have reached the vendor.
    this.db.prepare(`UPDATE idempotency SET state = 'interrupted' WHERE state = 'running'`).run();

    const sweep = this.db.prepare('DELETE FROM idempotency WHERE tenant = ? AND expires_at <= ?');
    const find = this.db.prepare('SELECT fingerprint, state, outcome FROM idempotency WHERE tenant = ? AND key = ?');
    const live = this.db.prepare('SELECT COUNT(*) AS n, MIN(expires_at) AS oldest FROM idempotency WHERE tenant = ?');
    const insert = this.db.prepare(`INSERT INTO idempotency (tenant, key, fingerprint, expires_at, state) VALUES (?, ?, ?, ?, 'running')`);
    this.claimTx = this.db.transaction((tenantId: string, key: string, fingerprint: string): IdempotencyClaim => {
      const now = this.now();
      sweep.run(tenantId, now);
      const row = find.get(tenantId, key) as Row | undefined;
      if (row) {
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (row.state === 'running') return { kind: 'inProgress' };
        if (row.state === 'interrupted') return { kind: 'replay', outcome: interruptedOutcome() };
        return { kind: 'replay', outcome: decodeOutcome(row.outcome!) };
      }
      const policy = this.opts.policyFor(tenantId);
      const { n, oldest } = live.get(tenantId) as { n: number; oldest: number | null };
      if (n >= policy.maxKeys) return { kind: 'full', retryAfterMs: Math.max(1, (oldest ?? now) - now), policy };
      insert.run(tenantId, key, fingerprint, now + policy.retentionMs);
      return { kind: 'claimed' };
    });
  }

  async claim(tenantId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    return this.claimTx(tenantId, key, fingerprint);
  }

  async complete(tenantId: string, key: string, outcome: Parameters<IdempotencyRecords['complete']>[2]): Promise<void> {
    this.db.prepare(`UPDATE idempotency SET state = 'done', outcome = ? WHERE tenant = ? AND key = ? AND state = 'running'`).run(encodeOutcome(outcome), tenantId, key);
  }

  async release(tenantId: string, key: string): Promise<void> {
    this.db.prepare(`DELETE FROM idempotency WHERE tenant = ? AND key = ? AND state = 'running'`).run(tenantId, key);
  }

  async read(tenantId: string, key: string): Promise<IdempotencyOutcome | null> {
    const row = this.db.prepare(`SELECT outcome FROM idempotency WHERE tenant = ? AND key = ? AND state = 'done' AND expires_at > ?`).get(tenantId, key, this.now()) as { outcome: string } | undefined;
    return row ? decodeOutcome(row.outcome) : null;
  }

  close(): void {
    this.db.close();
  }
}
