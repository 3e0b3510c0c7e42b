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
 * - A session may carry the tenant CRM's own session id (`upstreamSessionId`: a proxied verifier's answer), for the
 *   logout the gateway forwards to that CRM. It is a credential at that CRM, so the stores keep it sealed
 *   (AES-256-GCM) under a key derived from our id, which they do not keep: only a caller presenting our id reads it.
 *   Records written before the field existed read as `upstreamSessionId: null`.
 *
 * The embedded implementation is a table in the state store's SQLite file (`SqliteCrmSessions`), the fleet's
 * one key per session in Redis (src/state/redis/crmSessions.ts); both run test/support/stateContract.ts.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openStateDatabase } from './sqlite';

export interface CrmSession {
  tenantId: string;
  connectionId: string;
  userId: string;
  /** ms since the epoch. */
  expiresAtMs: number;
  /**
   * The tenant CRM's own `crmSessionId` from the proxied verifier's login answer, forwarded on logout; null when the
   * verifier gave none (per-agent secrets, a CRM answer without one, a record from before this field).
   */
  upstreamSessionId: string | null;
}

/** What a new session is bound to; `upstreamSessionId` defaults to null. */
export type CrmSessionBinding = Omit<CrmSession, 'expiresAtMs' | 'upstreamSessionId'> & { upstreamSessionId?: string | null };

export interface CrmSessionLimits {
  ttlMs: number;
  /** Most live sessions per tenant. */
  maxPerTenant: number;
}

export type CrmSessionIssue = { kind: 'issued'; id: string; expiresAtMs: number } | { kind: 'full' };

export interface CrmSessionStore {
  /** A new session for the user on the connection. */
  issue(binding: CrmSessionBinding, limits: CrmSessionLimits): Promise<CrmSessionIssue>;
  /** The live session `id` names on this tenant's connection; null for any other (unknown, ended, expired, elsewhere). */
  find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null>;
  /**
   * Ends the session and answers what it was (once: a concurrent `end` of the same id answers null); null when there
   * was no live one for this tenant's connection.
   */
  end(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null>;
}

const ID_PREFIX = 'crm-';

/** A new session id: unguessable (256 random bits). */
export const newCrmSessionId = (): string => `${ID_PREFIX}${randomBytes(32).toString('base64url')}`;

/** What the stores keep instead of the id. */
export const crmSessionHash = (id: string): string => createHash('sha256').update(id).digest('base64url');

/** A string that can be an id we issued (anything else is never looked up). */
export const looksLikeCrmSessionId = (id: string): boolean => /^crm-[A-Za-z0-9_-]{43}$/.test(id);

const SEAL_INFO = 'switchboard crm upstream session';
const sealKey = (id: string): Buffer => Buffer.from(hkdfSync('sha256', id, '', SEAL_INFO, 32));

/** `text` sealed under a key derived from the session id `id` (AES-256-GCM): base64url of iv, tag, ciphertext. */
export function sealForCrmSession(id: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(id), iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** What `sealForCrmSession(id, …)` sealed; null for null, or for a value that does not open under this id. */
export function openForCrmSession(id: string, sealed: string | null | undefined): string | null {
  if (!sealed) return null;
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealKey(id), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

interface Row {
  connection: string;
  user_id: string;
  expires_at: number;
  upstream: string | null;
}

export class SqliteCrmSessions implements CrmSessionStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly issueTx: (binding: CrmSessionBinding, limits: CrmSessionLimits) => CrmSessionIssue;

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
    // A file from before `upstreamSessionId`: its sessions read as having none.
    if (!(this.db.prepare('PRAGMA table_info(crm_sessions)').all() as Array<{ name: string }>).some((c) => c.name === 'upstream')) {
      this.db.exec('ALTER TABLE crm_sessions ADD COLUMN upstream TEXT');
    }
    const sweep = this.db.prepare('DELETE FROM crm_sessions WHERE tenant = ? AND expires_at <= ?');
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM crm_sessions WHERE tenant = ?');
    const insert = this.db.prepare('INSERT INTO crm_sessions (tenant, hash, connection, user_id, expires_at, upstream) VALUES (?, ?, ?, ?, ?, ?)');
    this.issueTx = this.db.transaction((binding: CrmSessionBinding, limits: CrmSessionLimits): CrmSessionIssue => {
      const now = this.now();
      sweep.run(binding.tenantId, now);
      if ((count.get(binding.tenantId) as { n: number }).n >= limits.maxPerTenant) return { kind: 'full' };
      const id = newCrmSessionId();
      const expiresAtMs = now + limits.ttlMs;
      const upstream = binding.upstreamSessionId ? sealForCrmSession(id, binding.upstreamSessionId) : null;
      insert.run(binding.tenantId, crmSessionHash(id), binding.connectionId, binding.userId, expiresAtMs, upstream);
      return { kind: 'issued', id, expiresAtMs };
    });
  }

  async issue(binding: CrmSessionBinding, limits: CrmSessionLimits): Promise<CrmSessionIssue> {
    return this.issueTx(binding, limits);
  }

  async find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    if (!looksLikeCrmSessionId(id)) return null;
    const row = this.db.prepare('SELECT connection, user_id, expires_at, upstream FROM crm_sessions WHERE tenant = ? AND hash = ? AND expires_at > ?').get(tenantId, crmSessionHash(id), this.now()) as
      Row | undefined;
    if (!row || row.connection !== connectionId) return null;
    return { tenantId, connectionId, userId: row.user_id, expiresAtMs: row.expires_at, upstreamSessionId: openForCrmSession(id, row.upstream) };
  }

  async end(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    if (!looksLikeCrmSessionId(id)) return null;
    const row = this.db
      .prepare('DELETE FROM crm_sessions WHERE tenant = ? AND hash = ? AND connection = ? AND expires_at > ? RETURNING connection, user_id, expires_at, upstream')
      .get(tenantId, crmSessionHash(id), connectionId, this.now()) as Row | undefined;
    if (!row) return null;
    return { tenantId, connectionId, userId: row.user_id, expiresAtMs: row.expires_at, upstreamSessionId: openForCrmSession(id, row.upstream) };
  }

  close(): void {
    this.db.close();
  }
}
