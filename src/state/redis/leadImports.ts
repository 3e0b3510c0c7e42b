/**
 * CSV lead import jobs in Redis (issue 18; the contract is `LeadImportStore`, src/imports/store.ts, and
 * src/state/leadImports.ts is the embedded store). Keys, each job's under its tenant:
 *
 *   <prefix><tenant>:import:<id>                    hash: r (the record's JSON), s (status), c (cancel requested, 0/1)
 *   <prefix><tenant>:import:<id>:lease              the owner, with PX: the lease ends by itself when its holder dies
 *   <prefix><tenant>:import:<id>:errors             hash: row number -> the row error's JSON
 *   <prefix><tenant>:import:<id>:errors:ALL|FAILED|UNCERTAIN   sorted sets of row numbers (score = row), for paging
 *   <prefix><tenant>:imports:active                 set of the tenant's QUEUED or RUNNING job ids (`activeCount`)
 *   <prefix>_imports:active                         set of every tenant's `<tenant>:<id>` still to do (`unfinished`)
 *
 * The last is the one key without a tenant, since it lists them all; tenant ids start with a letter or digit
 * (config), so `_imports` is no tenant's. `create`, `save`, `lease`, `release` and `requestCancel` are each one
 * Lua script. `save` writes only while GET of the lease key is `owner` (Redis expires the key, so an expired lease
 * reads as someone else's or nobody's), never writes the `c` field, and adds an error row only when HSETNX finds
 * its row new: a row is recorded once. Standalone Redis only, like the other stores (scripts touch several keys
 * without hash tags). Redis unreachable: every call rejects, nothing is assumed; a batch whose save did not reach
 * Redis is still in flight for whoever holds the lease next.
 */
import type { ImportRowError, ImportRowOutcome, LeadImportRecord, LeadImportStatus, LeadImportStore } from '../../imports/store';
import {
  ACTIVE_IMPORT_STATUSES,
  FINISHED_IMPORT_TTL_MS,
  checkErrorsPage,
  checkLeaseMs,
  decodeLeadImport,
  decodeRowError,
  duplicateImportMessage,
  encodeLeadImport,
  encodeRowError,
} from '../leadImports';
import type { RedisConnection } from './connection';

/** Tracks whether the job is still to do: in both active sets (and without expiry), or out of them and expiring. */
const TRACK = `
local function track(job, tenantSet, allSet, errorKeys, active, ttlMs, id, member)
  if active == '1' then
    redis.call('SADD', tenantSet, id)
    redis.call('SADD', allSet, member)
    redis.call('PERSIST', job)
    for _, k in ipairs(errorKeys) do redis.call('PERSIST', k) end
  else
    redis.call('SREM', tenantSet, id)
    redis.call('SREM', allSet, member)
    redis.call('PEXPIRE', job, ttlMs)
    for _, k in ipairs(errorKeys) do redis.call('PEXPIRE', k, ttlMs) end
  end
end
`;

/**
 * KEYS: job, tenant's set, all set, errors hash, ALL, FAILED, UNCERTAIN. ARGV: record, status, cancel, active, ttlMs,
 * id, member. Never over an existing job.
 */
const CREATE = `${TRACK}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 's', ARGV[2], 'c', ARGV[3])
track(KEYS[1], KEYS[2], KEYS[3], {KEYS[4], KEYS[5], KEYS[6], KEYS[7]}, ARGV[4], ARGV[5], ARGV[6], ARGV[7])
return 1`;

/**
 * KEYS: job, lease, tenant's set, all set, errors hash, ALL, FAILED, UNCERTAIN. ARGV: owner, record, status, active,
 * ttlMs, id, member, then (row, outcome, JSON) for each error row. Writes only under `owner`'s lease; never `c`.
 */
const SAVE = `${TRACK}
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[2], 's', ARGV[3])
for i = 8, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[5], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[6], ARGV[i], ARGV[i])
    redis.call('ZADD', ARGV[i + 1] == 'FAILED' and KEYS[7] or KEYS[8], ARGV[i], ARGV[i])
  end
end
track(KEYS[1], KEYS[3], KEYS[4], {KEYS[5], KEYS[6], KEYS[7], KEYS[8]}, ARGV[4], ARGV[5], ARGV[6], ARGV[7])
return 1`;

/** KEYS: job. The job's fields after, or nil when there is no job (no empty hash is made). */
const CANCEL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'c', '1')
return redis.call('HMGET', KEYS[1], 'r', 's', 'c')`;

/** KEYS: job, lease. ARGV: owner, ms. Takes a free lease or renews our own; only for a job that exists. */
const LEASE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

/** KEYS: lease. ARGV: owner. Compare-and-delete: never a lease another owner took after ours expired. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** KEYS: a sorted set of rows, the errors hash. ARGV: afterRow, limit. Flat row, JSON pairs in row order. */
const ERRORS = `
local rows = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, ARGV[2])
local out = {}
for _, row in ipairs(rows) do
  out[#out + 1] = row
  out[#out + 1] = redis.call('HGET', KEYS[2], row)
end
return out`;

type Fields = [string | null, string | null, string | null];

interface Commands {
  switchboardImportCreate(...args: Array<string | number>): Promise<number>;
  switchboardImportSave(...args: Array<string | number>): Promise<number>;
  switchboardImportCancel(job: string): Promise<Fields | null>;
  switchboardImportLease(job: string, lease: string, owner: string, ms: number): Promise<number>;
  switchboardImportRelease(lease: string, owner: string): Promise<number>;
  switchboardImportErrors(rows: string, errors: string, afterRow: number, limit: number): Promise<string[]>;
}

export class RedisLeadImports implements LeadImportStore {
  private readonly commands: Commands;

  constructor(private readonly conn: RedisConnection) {
    const client = conn.client as unknown as Partial<Commands> & typeof conn.client;
    if (!client.switchboardImportCreate) {
      client.defineCommand('switchboardImportCreate', { numberOfKeys: 7, lua: CREATE });
      client.defineCommand('switchboardImportSave', { numberOfKeys: 8, lua: SAVE });
      client.defineCommand('switchboardImportCancel', { numberOfKeys: 1, lua: CANCEL });
      client.defineCommand('switchboardImportLease', { numberOfKeys: 2, lua: LEASE });
      client.defineCommand('switchboardImportRelease', { numberOfKeys: 1, lua: RELEASE });
      client.defineCommand('switchboardImportErrors', { numberOfKeys: 2, lua: ERRORS });
    }
    this.commands = client as unknown as Commands;
  }

  private job(tenantId: string, id: string): string {
    return `${this.conn.keyPrefix}${tenantId}:import:${id}`;
  }

  /** The errors hash and its three sorted sets, in the order the scripts take them. */
  private errorKeys(tenantId: string, id: string): [string, string, string, string] {
    const base = `${this.job(tenantId, id)}:errors`;
    return [base, `${base}:ALL`, `${base}:FAILED`, `${base}:UNCERTAIN`];
  }

  /** The tenant's set of active job ids, and every tenant's set of `<tenant>:<id>`. */
  private activeSets(tenantId: string): [string, string] {
    return [`${this.conn.keyPrefix}${tenantId}:imports:active`, this.allActive()];
  }

  private allActive(): string {
    return `${this.conn.keyPrefix}_imports:active`;
  }

  /** ARGV the tracking needs: active, ttlMs, id, member. */
  private tracking(job: LeadImportRecord): [string, number, string, string] {
    return [ACTIVE_IMPORT_STATUSES.includes(job.status) ? '1' : '0', FINISHED_IMPORT_TTL_MS, job.id, `${job.tenantId}:${job.id}`];
  }

  private decode(tenantId: string, id: string, [r, s, c]: Fields): LeadImportRecord | null {
    return r === null ? null : decodeLeadImport(tenantId, id, s as LeadImportStatus, c === '1', r);
  }

  async create(job: LeadImportRecord): Promise<void> {
    const { tenantId, id } = job;
    const keys = [this.job(tenantId, id), ...this.activeSets(tenantId), ...this.errorKeys(tenantId, id)];
    const created = await this.commands.switchboardImportCreate(...keys, encodeLeadImport(job), job.status, job.cancelRequested ? '1' : '0', ...this.tracking(job));
    if (created !== 1) throw new Error(duplicateImportMessage(job));
  }

  async get(tenantId: string, id: string): Promise<LeadImportRecord | null> {
    const fields = (await this.conn.client.hmget(this.job(tenantId, id), 'r', 's', 'c')) as Fields;
    return this.decode(tenantId, id, fields);
  }

  async save(job: LeadImportRecord, errors: readonly ImportRowError[], owner: string): Promise<boolean> {
    const { tenantId, id } = job;
    const keys = [this.job(tenantId, id), `${this.job(tenantId, id)}:lease`, ...this.activeSets(tenantId), ...this.errorKeys(tenantId, id)];
    const rows = errors.flatMap((e) => [e.rowNumber, e.outcome, encodeRowError(e)]);
    return (await this.commands.switchboardImportSave(...keys, owner, encodeLeadImport(job), job.status, ...this.tracking(job), ...rows)) === 1;
  }

  async requestCancel(tenantId: string, id: string): Promise<LeadImportRecord | null> {
    const fields = await this.commands.switchboardImportCancel(this.job(tenantId, id));
    return fields ? this.decode(tenantId, id, fields) : null;
  }

  async errors(tenantId: string, id: string, afterRow: number, limit: number, outcome?: ImportRowOutcome): Promise<ImportRowError[]> {
    checkErrorsPage(afterRow, limit);
    const [hash, all, failed, uncertain] = this.errorKeys(tenantId, id);
    const rows = outcome === undefined ? all : outcome === 'FAILED' ? failed : uncertain;
    const flat = await this.commands.switchboardImportErrors(rows, hash, afterRow, limit);
    const out: ImportRowError[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push(decodeRowError(Number(flat[i]), flat[i + 1]!));
    return out;
  }

  /** In (tenant, id) order, as the SQLite store answers. */
  async unfinished(): Promise<Array<{ tenantId: string; id: string }>> {
    const members = await this.conn.client.smembers(this.allActive());
    return members
      .map((m) => {
        const at = m.indexOf(':'); // tenant ids have no ':' (config)
        return { tenantId: m.slice(0, at), id: m.slice(at + 1) };
      })
      .sort((a, b) => (a.tenantId === b.tenantId ? compare(a.id, b.id) : compare(a.tenantId, b.tenantId)));
  }

  async activeCount(tenantId: string): Promise<number> {
    return this.conn.client.scard(this.activeSets(tenantId)[0]);
  }

  async lease(tenantId: string, id: string, owner: string, ms: number): Promise<boolean> {
    checkLeaseMs(ms);
    const job = this.job(tenantId, id);
    return (await this.commands.switchboardImportLease(job, `${job}:lease`, owner, ms)) === 1;
  }

  async release(tenantId: string, id: string, owner: string): Promise<void> {
    await this.commands.switchboardImportRelease(`${this.job(tenantId, id)}:lease`, owner);
  }

  /** The connection is the state store's, closed with it. */
  async close(): Promise<void> {}
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
