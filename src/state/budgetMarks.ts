/**
 * The embedded store's memory of each connection's vendor budget across restarts: when the next request may leave
 * (`LocalSlots`' `nextAt`), per tenant and connection, in the state file. Without it a restarted gateway sent its first
 * request to a connection at once, however soon after the previous process's last one (bench:imports saw 186 ms at
 * 1 request/s, answered 429): the vendor's limit is per customer, not per process.
 *
 * Marks are written behind, every `FLUSH_EVERY_MS` while they change and on close, so a request's path never waits on
 * the file. A graceful restart therefore keeps the spacing exactly; a crash loses at most the last flush interval, and
 * a process takes longer than that to start again. A fleet does not need this: its budget lives in Redis.
 */
import type Database from 'better-sqlite3';
import { openStateDatabase } from './sqlite';

/** How often changed marks are written, ms. */
const FLUSH_EVERY_MS = 200;

export class BudgetMarks {
  private readonly db: Database.Database;
  private readonly pending = new Map<string, { tenantId: string; connectionId: string; nextAt: number }>();
  private readonly timer: NodeJS.Timeout;
  private readonly upsert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(file: string) {
    this.db = openStateDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS budget_marks (tenant TEXT NOT NULL, connection TEXT NOT NULL, next_at INTEGER NOT NULL, PRIMARY KEY (tenant, connection))');
    this.upsert = this.db.prepare('INSERT INTO budget_marks (tenant, connection, next_at) VALUES (?, ?, ?) ON CONFLICT (tenant, connection) DO UPDATE SET next_at = MAX(next_at, excluded.next_at)');
    this.select = this.db.prepare('SELECT next_at FROM budget_marks WHERE tenant = ? AND connection = ?');
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** The earliest time the connection's next request may leave as the last process left it (ms since the epoch), or 0. */
  nextAt(tenantId: string, connectionId: string): number {
    const row = this.select.get(tenantId, connectionId) as { next_at: number } | undefined;
    return row?.next_at ?? 0;
  }

  /** Notes the connection's new `nextAt`; written with the next flush. */
  mark(tenantId: string, connectionId: string, nextAt: number): void {
    this.pending.set(`${tenantId}\u0000${connectionId}`, { tenantId, connectionId, nextAt });
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const marks = [...this.pending.values()];
    this.pending.clear();
    this.db.transaction(() => {
      for (const m of marks) this.upsert.run(m.tenantId, m.connectionId, m.nextAt);
    })();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.db.close();
  }
}
