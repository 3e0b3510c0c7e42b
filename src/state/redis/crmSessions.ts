/**
 * CRM SSO sessions in Redis (src/state/crmSessions.ts): one key per session, `<prefix><tenant>:crmsess:<sha256>`,
 * holding its connection, user, expiry and the sealed upstream session (`s`, absent on records from before it and
 * when there is none) with a matching PX; and a sorted set per tenant
 * (`<prefix><tenant>:crmsess`, scored by expiry) that bounds how many live at once. Issuing runs in one Lua
 * script, so two replicas cannot both take the last place; ending is one script too, so one `end` of a session
 * answers it (and a forwarded logout is sent once). Redis unreachable: every call rejects, and the
 * route answers 503 (a session can be neither checked nor issued).
 */
import {
  crmSessionHash,
  looksLikeCrmSessionId,
  newCrmSessionId,
  openForCrmSession,
  sealForCrmSession,
  type CrmSession,
  type CrmSessionBinding,
  type CrmSessionIssue,
  type CrmSessionLimits,
  type CrmSessionStore,
} from '../crmSessions';
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

// KEYS: the tenant's set, the session key. ARGV: the member. Answers the value it deleted, or false.
const END = `
local v = redis.call('GET', KEYS[2])
if not v then return false end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return v
`;

interface Stored {
  c: string;
  u: string;
  e: number;
  /** The upstream session id, sealed (absent: none, or a record from before the field). */
  s?: string;
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

  async issue(binding: CrmSessionBinding, limits: CrmSessionLimits): Promise<CrmSessionIssue> {
    const id = newCrmSessionId();
    const hash = crmSessionHash(id);
    const now = this.now();
    const expiresAtMs = now + limits.ttlMs;
    const value: Stored = { c: binding.connectionId, u: binding.userId, e: expiresAtMs, ...(binding.upstreamSessionId ? { s: sealForCrmSession(id, binding.upstreamSessionId) } : {}) };
    const ok = await this.conn.client.eval(ISSUE, 2, this.setKey(binding.tenantId), this.key(binding.tenantId, hash), now, limits.maxPerTenant, expiresAtMs, JSON.stringify(value), hash);
    return ok === 1 ? { kind: 'issued', id, expiresAtMs } : { kind: 'full' };
  }

  async find(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    if (!looksLikeCrmSessionId(id)) return null;
    const raw = await this.conn.client.get(this.key(tenantId, crmSessionHash(id)));
    if (raw === null) return null;
    const s = JSON.parse(raw) as Stored;
    if (s.c !== connectionId || s.e <= this.now()) return null;
    return { tenantId, connectionId, userId: s.u, expiresAtMs: s.e, upstreamSessionId: openForCrmSession(id, s.s) };
  }

  async end(tenantId: string, connectionId: string, id: string): Promise<CrmSession | null> {
    // Checked first, so a session of another connection is never deleted from here.
    if (!(await this.find(tenantId, connectionId, id))) return null;
    const hash = crmSessionHash(id);
    const raw = (await this.conn.client.eval(END, 2, this.setKey(tenantId), this.key(tenantId, hash), hash)) as string | null;
    if (raw === null) return null;
    const s = JSON.parse(raw) as Stored;
    return { tenantId, connectionId, userId: s.u, expiresAtMs: s.e, upstreamSessionId: openForCrmSession(id, s.s) };
  }
}
