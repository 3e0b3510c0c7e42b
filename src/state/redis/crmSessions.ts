/**
 * CRM SSO sessions in Redis (src/state/crmSessions.ts): one key per session, `<prefix><tenant>:crmsess:<sha256>`,
 * holding its connection, user and expiry with a matching PX; and a sorted set per tenant
 * (`<prefix><tenant>:crmsess`, scored by expiry) that bounds how many live at once. Issuing runs in one Lua
 * script, so two replicas cannot both take the last place. Redis unreachable: every call rejects, and the
 * route answers 503 (a session can be neither checked nor issued).
 */
import { crmSessionHash, looksLikeCrmSessionId, newCrmSessionId, type CrmSession, type CrmSessionIssue, type CrmSessionLimits, type CrmSessionStore } from '../crmSessions';
import type { RedisConnection } from './connection';

// KEYS: the tenant's set, the session key. ARGV: now, max, expiresAt, value, member.
const ISSUE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[5])
redis.call('SET', KEYS[2], ARGV[4], 'PX', tonumber(ARGV[3]) - tonumber(ARGV[1]))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) - tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) - tonumber(ARGV[1])) end
return 1
`;

interface Stored {
  c: string;
  u: string;
  e: number;
}

export class RedisCrmSessions implements CrmSessionStore {
  private readonly now: () => number;

  constructor(
    private readonly conn: RedisConnection,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private setKey(tenantId: string): string {
    return `${this.conn.keyPrefix}${tenantId}:crmsess`;
  }

  private key(tenantId: string, hash: string): string {
    return `${this.conn.keyPrefix}${tenantId}:crmsess:${hash}`;
  }

  async issue(binding: Omit<CrmSession, 'expiresAtMs'>, limits: CrmSessionLimits): Promise<CrmSessionIssue> {
    const id = newCrmSessionId();
    const hash = crmSessionHash(id);
    const now = this.now();
    const expiresAtMs = now + limits.ttlMs;
    const value: Stored = { c: binding.connectionId, u: binding.userId, e: expiresAtMs };
    const ok = await this.conn.client.eval(ISSUE, 2, this.setKey(binding.tenantId), this.key(binding.tenantId, hash), now, limits.maxPerTenant, expiresAtMs, JSON.stringify(value), hash);
    return ok === 1 ? { kind: 'issued', id, expiresAtMs } : { kind: 'full' };
  }

  async find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    if (!looksLikeCrmSessionId(id)) return null;
    const raw = await this.conn.client.get(this.key(tenantId, crmSessionHash(id)));
    if (raw === null) return null;
    const s = JSON.parse(raw) as Stored;
    if (s.c !== connectionId || s.e <= this.now()) return null;
    return { tenantId, connectionId, userId: s.u, expiresAtMs: s.e };
  }

  async end(tenantId: string, connectionId: string, id: string): Promise<boolean> {
    if (!(await this.find(tenantId, connectionId, id))) return false;
    const hash = crmSessionHash(id);
    await this.conn.client.multi().del(this.key(tenantId, hash)).zrem(this.setKey(tenantId), hash).exec();
    return true;
  }
}
