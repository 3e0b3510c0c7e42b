/**
 * Idempotency records in Redis (the fleet store): the contract of `IdempotencyRecords`
 * (src/domain/idempotency.ts), shared by every replica, so one key sent to two replicas at once runs once.
 *
 * Each record is one key (`<prefix><tenant>:idem:<key>`, expiring with its retention) holding its
 * fingerprint, its state and, once finished, its outcome; each tenant has one sorted set of its keys by
 * expiry, for its bound. `claim`, `complete` and `release` are each one Lua script: atomic across replicas;
 * `read` is one GET.
 *
 * A record still running after its lease (the longest a request may run, `server.requestTimeoutMs`, and a
 * margin) belonged to a replica that died mid-call: the vendor may have acted, so a repeat is answered
 * "may have been sent" (as the SQLite store does after a restart), never run again.
 *
 * Redis unreachable: `claim` is refused with UPSTREAM_UNAVAILABLE (retryable, nothing sent) rather than run
 * without a record. A `complete` that cannot be written leaves the record running, so a repeat after the
 * lease hears "may have been sent": the truth, since the vendor did act.
 */
import type { IdempotencyClaim, IdempotencyOutcome, IdempotencyPolicy, IdempotencyRecords } from '../../domain/idempotency';
import { UpstreamUnavailableError } from '../../errors';
import { decodeOutcome, encodeOutcome, interruptedOutcome } from '../outcome';
import type { RedisConnection } from './connection';

/** KEYS: record, tenant's set. ARGV: now, fingerprint, retentionMs, maxKeys, leaseMs, key. */
const CLAIM = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local rec = redis.call('GET', KEYS[1])
if rec and cjson.decode(rec).e > now then return {1, rec} end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, oldest[2]}
end
redis.call('SET', KEYS[1], cjson.encode({f = ARGV[2], s = 'running', l = now + tonumber(ARGV[5]), e = now + tonumber(ARGV[3])}), 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {0}`;

/** KEYS: record. ARGV: outcome. Only a running record is finished; its expiry stays. */
const COMPLETE = `
local rec = redis.call('GET', KEYS[1])
if not rec then return 0 end
local r = cjson.decode(rec)
if r.s ~= 'running' then return 0 end
r.s = 'done'
r.o = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(r), 'KEEPTTL')
return 1`;

/** KEYS: record, tenant's set. ARGV: key. Only a running record is forgotten. */
const RELEASE = `
local rec = redis.call('GET', KEYS[1])
if not rec then return 0 end
if cjson.decode(rec).s ~= 'running' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

interface Commands {
  switchboardIdemClaim(record: string, set: string, now: number, fingerprint: string, retentionMs: number, maxKeys: number, leaseMs: number, key: string): Promise<[0] | [1, string] | [2, string]>;
  switchboardIdemComplete(record: string, outcome: string): Promise<number>;
  switchboardIdemRelease(record: string, set: string, key: string): Promise<number>;
}

interface StoredRecord {
  f: string;
  s: 'running' | 'done';
  /** Lease end, ms since the epoch: a record running after it was abandoned. */
  l: number;
  /** End of retention, ms since the epoch (the key's own expiry follows Redis's clock; this one the gateway's). */
  e: number;
  o?: string;
}

/** The refusal when no record can be made (its text is pinned by tests). */
export const STORE_UNREACHABLE_MESSAGE = "the gateway's state store is unreachable, so this request could not be recorded under its idempotencyKey; it was not sent: retry later";

/** The refusal of a read while Redis is unreachable. */
export const STORE_READ_UNREACHABLE_MESSAGE = "the gateway's state store is unreachable, so the record could not be read: retry later";

export interface RedisIdempotencyOptions {
  policyFor(tenantId: string): IdempotencyPolicy;
  /** How long a claimed record may stay running before it counts as abandoned, ms. */
  leaseMs: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

export class RedisIdempotencyRecords implements IdempotencyRecords {
  private readonly commands: Commands;
  private readonly now: () => number;

  constructor(
    private readonly conn: RedisConnection,
    private readonly opts: RedisIdempotencyOptions,
  ) {
    const client = conn.client as unknown as Partial<Commands> & typeof conn.client;
    if (!client.switchboardIdemClaim) {
      client.defineCommand('switchboardIdemClaim', { numberOfKeys: 2, lua: CLAIM });
      client.defineCommand('switchboardIdemComplete', { numberOfKeys: 1, lua: COMPLETE });
      client.defineCommand('switchboardIdemRelease', { numberOfKeys: 2, lua: RELEASE });
    }
    this.commands = client as unknown as Commands;
    this.now = opts.now ?? Date.now;
  }

  private keys(tenantId: string, key: string): { record: string; set: string } {
    const base = `${this.conn.keyPrefix}${tenantId}:idem`;
    return { record: `${base}:${key}`, set: base };
  }

  async claim(tenantId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const { record, set } = this.keys(tenantId, key);
    const policy = this.opts.policyFor(tenantId);
    const now = this.now();
    let answer: Awaited<ReturnType<Commands['switchboardIdemClaim']>>;
    try {
      answer = await this.commands.switchboardIdemClaim(record, set, now, fingerprint, policy.retentionMs, policy.maxKeys, this.opts.leaseMs, key);
    } catch (err) {
      this.conn.failed('idempotency');
      throw new UpstreamUnavailableError(STORE_UNREACHABLE_MESSAGE, { retryable: true, notSent: true }, { cause: err });
    }
    if (answer[0] === 0) return { kind: 'claimed' };
    if (answer[0] === 2) return { kind: 'full', retryAfterMs: Math.max(1, Number(answer[1]) - now), policy };
    const stored = JSON.parse(answer[1]) as StoredRecord;
    if (stored.f !== fingerprint) return { kind: 'mismatch' };
    if (stored.s === 'done') return { kind: 'replay', outcome: decodeOutcome(stored.o!) };
    return stored.l <= now ? { kind: 'replay', outcome: interruptedOutcome() } : { kind: 'inProgress' };
  }

  async complete(tenantId: string, key: string, outcome: IdempotencyOutcome): Promise<void> {
    try {
      await this.commands.switchboardIdemComplete(this.keys(tenantId, key).record, encodeOutcome(outcome));
    } catch {
      // The record stays running and answers "may have been sent" after its lease.
      this.conn.failed('idempotency');
    }
  }

  async release(tenantId: string, key: string): Promise<void> {
    const { record, set } = this.keys(tenantId, key);
    try {
      await this.commands.switchboardIdemRelease(record, set, key);
    } catch {
      this.conn.failed('idempotency');
    }
  }

  /** UPSTREAM_UNAVAILABLE (retryable) while Redis is unreachable: a record that may exist is not "not found". */
  async read(tenantId: string, key: string): Promise<IdempotencyOutcome | null> {
    let text: string | null;
    try {
      text = await this.conn.client.get(this.keys(tenantId, key).record);
    } catch (err) {
      this.conn.failed('idempotency');
      throw new UpstreamUnavailableError(STORE_READ_UNREACHABLE_MESSAGE, { retryable: true, notSent: true }, { cause: err });
    }
    if (text === null) return null;
    const stored = JSON.parse(text) as StoredRecord;
    return stored.s === 'done' && stored.e > this.now() ? decodeOutcome(stored.o!) : null;
  }
}
