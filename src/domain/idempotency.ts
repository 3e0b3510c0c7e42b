/**
 * Idempotency for side-effecting mutations (dial, dispose): the first request with a key runs; a repeat
 * with the same key and the same input gets the first outcome again without reaching the vendor; the same
 * key with a different input, or while the first is still running, is IDEMPOTENCY_CONFLICT.
 * (notes/hardening-and-libraries.md §4; draft-ietf-httpapi-idempotency-key-header; Stripe.)
 *
 * Outcomes are kept when the vendor may have acted: successes, the vendor's refusals, and failures after
 * the request may have reached it (timeouts, resets, 5xx). A failure that provably never left
 * (`facts.notSent`: connect refused, rate limited) is not kept, so the caller can simply try again.
 *
 * Records are partitioned by tenant, and each tenant has its own bound (issue 11, item 2). A record keeps
 * its answer for its whole retention window (24 h by default, as Stripe does): it is never evicted early to
 * make room, because a client retrying a dial inside the window must never dial twice. When a tenant holds
 * as many live records as it may, a NEW key is refused with RATE_LIMITED and `retryAfterMs` (the time until
 * its oldest record expires); repeats of recorded keys are still answered. One tenant filling its partition
 * never touches another's.
 *
 * `IdempotencyRecords` is the storage contract (claim, complete, release, read); `runIdempotent` is the
 * protocol over it. `IdempotencyStore` keeps records in memory (tests); the gateway's stores are in src/state/: SQLite
 * (embedded) and Redis (a fleet), each implementing the same three methods.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema';
import { IdempotencyConflictError, isSwitchboardError, RateLimitedError } from '../errors';

const HOUR_MS = 3_600_000;

/** How one tenant's records are kept. */
export interface IdempotencyPolicy {
  /** How long a record keeps its answer; it is never dropped before. */
  retentionMs: number;
  /** Most records the tenant may hold at once (running and finished). */
  maxKeys: number;
}

export type IdempotencyOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What `claim` found for a key. */
export type IdempotencyClaim =
  /** The key is new: the caller runs the work, then calls `complete` or `release`. */
  | { kind: 'claimed' }
  /** The key has a finished record with the same fingerprint: its outcome. */
  | { kind: 'replay'; outcome: IdempotencyOutcome }
  /** The key has a record with another fingerprint. */
  | { kind: 'mismatch' }
  /** The key has a record whose work is still running. */
  | { kind: 'inProgress' }
  /** The key is new and the tenant holds `maxKeys` live records; the oldest expires in `retryAfterMs`. */
  | { kind: 'full'; retryAfterMs: number; policy: IdempotencyPolicy };

/**
 * Storage of idempotency records, partitioned by tenant: `key` is unique within a tenant only (the caller
 * scopes it by connection and mutation). Every implementation keeps a record for its whole retention
 * window and refuses a new key (`full`) rather than evicting a live record.
 */
export interface IdempotencyRecords {
  /** Atomically looks the key up and, when it is new and there is room, records it as running. */
  claim(tenantId: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  /** Stores the outcome of a claimed key's work. */
  complete(tenantId: string, key: string, outcome: IdempotencyOutcome): Promise<void>;
  /** Forgets a claimed key whose work provably never reached the vendor, so a retry runs again. */
  release(tenantId: string, key: string): Promise<void>;
  /**
   * The outcome of a finished record within its retention, without claiming anything; null for a key that is
   * unknown, expired, still running or released. What reads a dial attempt back (src/domain/dialing.ts).
   */
  read(tenantId: string, key: string): Promise<IdempotencyOutcome | null>;
}

/** SHA-256 of the input with object keys sorted, so key order never changes the fingerprint. */
export function fingerprintOf(input: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object' && !(v instanceof Date)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v instanceof Date
          ? v.toISOString()
          : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(input)) ?? 'undefined')
    .digest('hex');
}

/** `24`, `0.5`: hours as people write them. */
const hoursOf = (ms: number) => String(Math.round((ms / HOUR_MS) * 100) / 100);

/** The RATE_LIMITED refusal of a new key when the tenant's partition is full (its exact text is pinned by tests). */
export function partitionFullError(policy: IdempotencyPolicy, retryAfterMs: number): RateLimitedError {
  return new RateLimitedError(
    `this tenant has ${policy.maxKeys} idempotency records younger than their ${hoursOf(policy.retentionMs)} h retention, ` +
      'the most it may keep: a new idempotencyKey is refused until the oldest expires (retry after retryAfterMs); ' +
      'a repeat of a recorded key is still answered',
    { retryAfterMs, notSent: true },
  );
}

/**
 * Runs `work` once for `key` within `tenantId` (the caller scopes the key by connection and mutation) and
 * replays its outcome for repeats with the same `input`. `clientKey` is the key as the client sent it,
 * for messages.
 */
export async function runIdempotent<T>(records: IdempotencyRecords, tenantId: string, key: string, clientKey: string, input: unknown, work: () => Promise<T>): Promise<T> {
  const claim = await records.claim(tenantId, key, fingerprintOf(input));
  switch (claim.kind) {
    case 'mismatch':
      throw new IdempotencyConflictError(`idempotencyKey '${clientKey}' was already used with a different input`);
    case 'inProgress':
      throw new IdempotencyConflictError(`a request with idempotencyKey '${clientKey}' is still in progress`);
    case 'full':
      throw partitionFullError(claim.policy, claim.retryAfterMs);
    case 'replay':
      if (claim.outcome.ok) return claim.outcome.value as T;
      throw claim.outcome.error;
    case 'claimed':
      break;
  }
  let value: T;
  try {
    value = await work();
  } catch (error) {
    if (isSwitchboardError(error) && error.facts.notSent) await records.release(tenantId, key);
    else await records.complete(tenantId, key, { ok: false, error });
    throw error;
  }
  await records.complete(tenantId, key, { ok: true, value });
  return value;
}

export interface IdempotencyStoreOptions {
  /** How long a record keeps its answer. Default 24 h. */
  retentionMs?: number;
  /** Most live records per tenant. Default 10,000. */
  maxKeysPerTenant?: number;
  /** Per-tenant overrides of the two above, by tenant id. Default none. */
  tenants?: Readonly<Record<string, Partial<IdempotencyPolicy>>>;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  fingerprint: string;
  expiresAt: number;
  outcome: IdempotencyOutcome | null;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new TypeError(`expected ${name} to be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
  return value;
}

/** Each tenant's retention and bound: the defaults, and a tenant's overrides over them (validated). */
export class IdempotencyPolicies {
  private readonly defaults: IdempotencyPolicy;
  private readonly overrides = new Map<string, IdempotencyPolicy>();

  constructor(opts: Omit<IdempotencyStoreOptions, 'now'> = {}) {
    const {
      retentionMs = 24 * HOUR_MS, // 24 h
      maxKeysPerTenant = 10_000,
      tenants = {},
    } = opts;
    this.defaults = { retentionMs: positive('opts.retentionMs', retentionMs, false), maxKeys: positive('opts.maxKeysPerTenant', maxKeysPerTenant, true) };
    for (const [tenantId, over] of Object.entries(tenants)) {
      this.overrides.set(tenantId, {
        retentionMs: positive(`opts.tenants['${tenantId}'].retentionMs`, over.retentionMs ?? this.defaults.retentionMs, false),
        maxKeys: positive(`opts.tenants['${tenantId}'].maxKeys`, over.maxKeys ?? this.defaults.maxKeys, true),
      });
    }
  }

  /** The policy that applies to `tenantId`. */
  readonly policyFor = (tenantId: string): IdempotencyPolicy => this.overrides.get(tenantId) ?? this.defaults;
}

/**
 * Idempotency records in memory, one insertion-ordered Map per tenant. Within a tenant every record has the
 * same retention, so the Map's first entries are always the oldest: expired records are swept from the
 * front, lazily, when a new key arrives, and the first live entry tells when room will be made.
 */
export class IdempotencyStore implements IdempotencyRecords {
  private readonly partitions = new Map<string, Map<string, Entry>>();
  private readonly policies: IdempotencyPolicies;
  private readonly now: () => number;

  constructor(opts: IdempotencyStoreOptions = {}) {
    this.policies = new IdempotencyPolicies(opts);
    this.now = opts.now ?? Date.now;
  }

  /** The policy that applies to `tenantId`. */
  policyFor(tenantId: string): IdempotencyPolicy {
    return this.policies.policyFor(tenantId);
  }

  /** Records the tenant holds now, expired ones not yet swept included (for tests and metrics). */
  size(tenantId: string): number {
    return this.partitions.get(tenantId)?.size ?? 0;
  }

  // The three methods are async so that callers see the same contract as a remote store; each body runs
  // to completion without an await, which is what makes `claim` atomic here.

  async claim(tenantId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const now = this.now();
    let records = this.partitions.get(tenantId);
    if (!records) this.partitions.set(tenantId, (records = new Map<string, Entry>()));
    const existing = records.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return existing.outcome ? { kind: 'replay', outcome: existing.outcome } : { kind: 'inProgress' };
    }
    // An expired record of this key goes, and the new one goes to the end, where the youngest are.
    if (existing) records.delete(key);
    for (const [k, e] of records) {
      if (e.expiresAt > now) break;
      records.delete(k);
    }
    const policy = this.policyFor(tenantId);
    if (records.size >= policy.maxKeys) {
      const oldest = records.values().next().value!;
      return { kind: 'full', retryAfterMs: Math.max(1, oldest.expiresAt - now), policy };
    }
    records.set(key, { fingerprint, expiresAt: now + policy.retentionMs, outcome: null });
    return { kind: 'claimed' };
  }

  async complete(tenantId: string, key: string, outcome: IdempotencyOutcome): Promise<void> {
    const entry = this.partitions.get(tenantId)?.get(key);
    if (entry && !entry.outcome) entry.outcome = outcome;
  }

  async release(tenantId: string, key: string): Promise<void> {
    const records = this.partitions.get(tenantId);
    const entry = records?.get(key);
    if (entry && !entry.outcome) records!.delete(key);
  }

  async read(tenantId: string, key: string): Promise<IdempotencyOutcome | null> {
    const entry = this.partitions.get(tenantId)?.get(key);
    return entry && entry.expiresAt > this.now() ? entry.outcome : null;
  }
}

/**
 * The policies as the config describes them: `server.idempotency` for every tenant, `tenants[].idempotency`
 * over it for one. Every store (src/state/) takes its policies from here.
 */
export function createIdempotencyPolicies(config: Pick<Config, 'server' | 'tenants'>): IdempotencyPolicies {
  return new IdempotencyPolicies(idempotencyOptionsFrom(config));
}

/** An in-memory store with the config's policies (tests; the gateway's stores are in src/state/). */
export function createIdempotencyStore(config: Pick<Config, 'server' | 'tenants'>): IdempotencyStore {
  return new IdempotencyStore(idempotencyOptionsFrom(config));
}

function idempotencyOptionsFrom(config: Pick<Config, 'server' | 'tenants'>): IdempotencyStoreOptions {
  const { retentionHours, maxKeysPerTenant } = config.server.idempotency;
  return {
    retentionMs: retentionHours * HOUR_MS,
    maxKeysPerTenant,
    tenants: Object.fromEntries(
      config.tenants.map((t) => [t.id, { retentionMs: (t.idempotency.retentionHours ?? retentionHours) * HOUR_MS, maxKeys: t.idempotency.maxKeysPerTenant ?? maxKeysPerTenant }]),
    ),
  };
}
