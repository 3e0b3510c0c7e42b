/**
 * Automatic persisted queries (APQ), per tenant (issue 11, item 3). Apollo keeps APQ documents in one
 * key-value cache keyed by the query's SHA-256, so with its default cache a tenant could learn which queries
 * another tenant runs by sending their hashes. This cache gives each tenant a partition of its own, with
 * its own bound, and takes the tenant from the request's async scope: the HTTP layer runs Apollo inside
 * `runInTenantScope(tenant.id, ...)`. Outside a scope every call throws (fail closed): there is no
 * shared partition to fall back to.
 *
 * Wiring: the state store (src/state/) gives Apollo's `persistedQueries.cache` (this cache, or the fleet's
 * Redis one with this cache in front), and the HTTP layer runs
 * `runInTenantScope(tenant.id, () => apollo.executeHTTPGraphQLRequest(...))`.
 *
 * Each partition is an LRU bounded in entries and in bytes (a document of 2000 tokens can still hold a
 * megabyte of string literal); a document larger than a whole partition is not kept, and the client simply
 * sends it in full again (PERSISTED_QUERY_NOT_FOUND is the APQ protocol's normal miss).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';

const tenantScope = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it starts) as `tenantId`'s request, for the tenant-scoped caches. */
export function runInTenantScope<T>(tenantId: string, fn: () => T): T {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new TypeError(`expected tenantId to be a non-empty string, got ${JSON.stringify(tenantId)}`);
  return tenantScope.run(tenantId, fn);
}

/** The tenant of the current request scope; throws outside `runInTenantScope`. */
export function currentTenantId(): string {
  const tenantId = tenantScope.getStore();
  if (tenantId === undefined) throw new Error('no tenant scope: a tenant-scoped cache was used outside runInTenantScope (refused rather than shared)');
  return tenantId;
}

export interface TenantApqCacheOptions {
  /** Most documents kept per tenant; the least recently used go first. Default 1000. */
  maxEntriesPerTenant?: number;
  /** Most bytes (keys and documents, UTF-8) kept per tenant. Default 4 MiB. */
  maxBytesPerTenant?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: string;
  bytes: number;
  /** `null`: no TTL. */
  expiresAt: number | null;
}

interface Partition {
  entries: Map<string, Entry>;
  bytes: number;
}

/** A KeyValueCache of strings with one LRU partition per tenant (the tenant of the current scope). */
export class TenantApqCache implements KeyValueCache<string> {
  private readonly partitions = new Map<string, Partition>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(opts: TenantApqCacheOptions = {}) {
    const {
      maxEntriesPerTenant = 1000,
      maxBytesPerTenant = 4 * 1024 * 1024, // 4 MiB
      now = Date.now,
    } = opts;
    for (const [name, v] of [
      ['maxEntriesPerTenant', maxEntriesPerTenant],
      ['maxBytesPerTenant', maxBytesPerTenant],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new TypeError(`expected opts.${name} to be a positive integer, got ${v}`);
    }
    this.maxEntries = maxEntriesPerTenant;
    this.maxBytes = maxBytesPerTenant;
    this.now = now;
  }

  private partition(): Partition {
    const tenantId = currentTenantId();
    let p = this.partitions.get(tenantId);
    if (!p) this.partitions.set(tenantId, (p = { entries: new Map(), bytes: 0 }));
    return p;
  }

  private drop(p: Partition, key: string): boolean {
    const e = p.entries.get(key);
    if (!e) return false;
    p.entries.delete(key);
    p.bytes -= e.bytes;
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    const p = this.partition();
    const e = p.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.drop(p, key);
      return undefined;
    }
    // Most recently used goes to the end.
    p.entries.delete(key);
    p.entries.set(key, e);
    return e.value;
  }

  /** `options.ttl` is in seconds, as Apollo's `persistedQueries.ttl`; none or `null` keeps it until evicted. */
  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const p = this.partition();
    this.drop(p, key);
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes > this.maxBytes) return;
    const ttl = options?.ttl;
    p.entries.set(key, { value, bytes, expiresAt: typeof ttl === 'number' && ttl > 0 ? this.now() + ttl * 1000 : null });
    p.bytes += bytes;
    while (p.entries.size > this.maxEntries || p.bytes > this.maxBytes) this.drop(p, p.entries.keys().next().value!);
  }

  async delete(key: string): Promise<boolean> {
    return this.drop(this.partition(), key);
  }

  /** Documents kept for `tenantId` (for tests and metrics). */
  size(tenantId: string): number {
    return this.partitions.get(tenantId)?.entries.size ?? 0;
  }
}

export function createTenantApqCache(opts: TenantApqCacheOptions = {}): TenantApqCache {
  return new TenantApqCache(opts);
}
