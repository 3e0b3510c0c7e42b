/**
 * Agents' voice legs as a vendor's CRM callbacks name them (issue 16, item 1): Ameyo's CRM URLs carry
 * `userCrtObjectId` with `userId` and `sessionId` on every customer, preview and dispose page load
 * (ameyo-crm-url-integration.txt "customer url parameters"), and `disposeAndManualDial` requires that leg while the
 * presence document's session row names none. The route that serves the URLs records the leg here; the dialer reads
 * it back, and uses it only while the agent's current session is the one it was recorded in.
 *
 * - One record per (tenant, connection, userId): the latest call wins. Every key starts with the tenant.
 * - A record lives `ttlMs` from its last write (the caller chooses; a leg is only as good as its session).
 *
 * The embedded implementation is a table in the state store's SQLite file (`SqliteAgentLegs`), the fleet's one key
 * per agent in Redis (src/state/redis/agentLegs.ts); both run test/support/stateContract.ts.
 */
import type Database from 'better-sqlite3';
import { openStateDatabase } from './sqlite';

export interface AgentLeg {
  /** The vendor's id of the agent's own voice leg (Ameyo `userCrtObjectId`). */
  legId: string;
  /** The vendor's session the leg belongs to (Ameyo `sessionId`): a leg of another session is stale. */
  sessionId: string;
  /** ms since the epoch. */
  expiresAtMs: number;
}

export interface AgentLegStore {
  /** Records the agent's leg on the connection (replacing any earlier one) for `ttlMs`. */
  record(tenantId: string, connectionId: string, userId: string, leg: Omit<AgentLeg, 'expiresAtMs'>, ttlMs: number): Promise<void>;
  /** The live record for the agent on this tenant's connection; null for none (never recorded, expired, elsewhere). */
  find(tenantId: string, connectionId: string, userId: string): Promise<AgentLeg | null>;
}

interface Row {
  leg_id: string;
  session_id: string;
  expires_at: number;
}

export class SqliteAgentLegs implements AgentLegStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly recordTx: (tenantId: string, connectionId: string, userId: string, leg: Omit<AgentLeg, 'expiresAtMs'>, ttlMs: number) => void;

  constructor(opts: { file: string; now?: () => number }) {
    this.now = opts.now ?? Date.now;
    this.db = openStateDatabase(opts.file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS agent_legs (
        tenant TEXT NOT NULL,
        connection TEXT NOT NULL,
        user_id TEXT NOT NULL,
        leg_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant, connection, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS agent_legs_expiry ON agent_legs (tenant, expires_at);
    `);
    const sweep = this.db.prepare('DELETE FROM agent_legs WHERE tenant = ? AND expires_at <= ?');
    const upsert = this.db.prepare(
      `INSERT INTO agent_legs (tenant, connection, user_id, leg_id, session_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, connection, user_id) DO UPDATE SET leg_id = excluded.leg_id, session_id = excluded.session_id, expires_at = excluded.expires_at`,
    );
    this.recordTx = this.db.transaction((tenantId: string, connectionId: string, userId: string, leg: Omit<AgentLeg, 'expiresAtMs'>, ttlMs: number) => {
      const now = this.now();
      // Expired records go as new ones come, so the table holds only the agents of the last ttl.
      sweep.run(tenantId, now);
      upsert.run(tenantId, connectionId, userId, leg.legId, leg.sessionId, now + ttlMs);
    });
  }

  async record(tenantId: string, connectionId: string, userId: string, leg: Omit<AgentLeg, 'expiresAtMs'>, ttlMs: number): Promise<void> {
    this.recordTx(tenantId, connectionId, userId, leg, ttlMs);
  }

  async find(tenantId: string, connectionId: string, userId: string): Promise<AgentLeg | null> {
    const row = this.db
      .prepare('SELECT leg_id, session_id, expires_at FROM agent_legs WHERE tenant = ? AND connection = ? AND user_id = ? AND expires_at > ?')
      .get(tenantId, connectionId, userId, this.now()) as Row | undefined;
    return row ? { legId: row.leg_id, sessionId: row.session_id, expiresAtMs: row.expires_at } : null;
  }

  close(): void {
    this.db.close();
  }
}
