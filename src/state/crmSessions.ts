/**
 * CRM single sign-on sessions (issue 17, item 4): the `crmSessionId`s the gateway issues when Ameyo logs an
 * agent in through the SSO API (src/http/routes/ameyoCrm.ts), each bound to one tenant, connection and user,
 * accepted on that connection's CRM URLs until logout or expiry.
 *
 * - The id is 32 random bytes (base64url) behind a fixed `crm-` prefix; the store keeps only its SHA-256, so a
 *   copy of the store (file or Redis) gives no usable session.
 * - Sessions are per tenant, each tenant with its own bound: a new session on a full tenant is refused (`full`),
 *   never an older one evicted.
 * - `find` answers a session only for the tenant and connection it was issued for.
 *
 * The embedded implementation is a table in the state store's SQLite file (`SqliteCrmSessions`), the fleet's
 * one key per session in Redis (src/state/redis/crmSessions.ts); both run test/support/stateContract.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openStateDatabase } from './sqlite';

export interface CrmSession {
  tenantId: string;
  connectionId: string;
  userId: string;
  /** ms since the epoch. */
  expiresAtMs: number;
}

export interface CrmSessionLimits {
  ttlMs: number;
  /** Most live sessions per tenant. */
  maxPerTenant: number;
}

export type CrmSessionIssue = { kind: 'issued'; id: string; expiresAtMs: number } | { kind: 'full' };

export interface CrmSessionStore {
  /** A new session for the user on the connection. */
  issue(binding: Omit<CrmSession, 'expiresAtMs'>, limits: CrmSessionLimits): Promise<CrmSessionIssue>;
  /** The live session `id` names on this tenant's connection; null for any other (unknown, ended, expired, elsewhere). */
  find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null>;
  /** Ends the session; false when there was no live one for this tenant's connection. */
  end(tenantId: string, connectionId: string, id: string): Promise<boolean>;
}

const ID_PREFIX = 'crm-';

/** A new session id: unguessable (256 random bits). */
export const newCrmSessionId = (): string => `${ID_PREFIX}${randomBytes(32).toString('base64url')}`;

/** What the stores keep instead of the id. */
export const crmSessionHash = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** A string that can be an id we issued (anything else is never looked up). */
export const looksLikeCrmSessionId = (id: string): boolean => /^crm-[A-Za-z0-9_-]{43}$/.test(id);

interface Row {
  connection: string;
  user_id: string;
  expires_at: number;
}

export class SqliteCrmSessions implements CrmSessionStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly issueTx: (binding: Omit<CrmSession, 'expiresAtMs'>, limits: CrmSessionLimits) => CrmSessionIssue;

  constructor(opts: { file: string; now?: () => number }) {
    this.now = opts.now ?? Date.now;
    this.db = openStateDatabase(opts.file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS crm_sessions (
        tenant TEXT NOT NULL,
        hash TEXT NOT NULL,
        connection TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant, hash)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS crm_sessions_expiry ON crm_sessions (tenant, expires_at);
    `);
    const sweep = this.db.prepare('DELETE FROM crm_sessions WHERE tenant = ? AND expires_at <= ?');
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM crm_sessions WHERE tenant = ?');
    const insert = this.db.prepare('INSERT INTO crm_sessions (tenant, hash, connection, user_id, expires_at) VALUES (?, ?, ?, ?, ?)');
    this.issueTx = this.db.transaction((binding: Omit<CrmSession, 'expiresAtMs'>, limits: CrmSessionLimits): CrmSessionIssue => {
      const now = this.now();
      sweep.run(binding.tenantId, now);
      if ((count.get(binding.tenantId) as { n: number }).n >= limits.maxPerTenant) return { kind: 'full' };
      const id = newCrmSessionId();
      const expiresAtMs = now + limits.ttlMs;
      insert.run(binding.tenantId, crmSessionHash(id), binding.connectionId, binding.userId, expiresAtMs);
      return { kind: 'issued', id, expiresAtMs };
    });
  }

  async issue(binding: Omit<CrmSession, 'expiresAtMs'>, limits: CrmSessionLimits): Promise<CrmSessionIssue> {
    return this.issueTx(binding, limits);
  }

  async find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    if (!looksLikeCrmSessionId(id)) return null;
    const row = this.db.prepare('SELECT connection, user_id, expires_at FROM crm_sessions WHERE tenant = ? AND hash = ? AND expires_at > ?').get(tenantId, crmSessionHash(id), this.now()) as
      Row | undefined;
    if (!row || row.connection !== connectionId) return null;
    return { tenantId, connectionId, userId: row.user_id, expiresAtMs: row.expires_at };
  }

  async end(tenantId: string, connectionId: string, id: string): Promise<boolean> {
    if (!looksLikeCrmSessionId(id)) return false;
    const r = this.db.prepare('DELETE FROM crm_sessions WHERE tenant = ? AND hash = ? AND connection = ? AND expires_at > ?').run(tenantId, crmSessionHash(id), connectionId, this.now());
    return r.changes > 0;
  }

  close(): void {
    this.db.close();
  }
}
