/**
 * A short-TTL cache for list reads that dashboards poll (agents, queue status): within `cacheTtlMs` of a
 * successful GET, the same URL on the same connection is answered from memory. This is how many
 * dashboards fit inside one vendor request per second. Only 2xx answers are kept; the route decides the
 * TTL (`cacheTtlMs` on the request), and the store is bounded. Every cacheable read counts as a hit or
 * a miss (`switchboard_upstream_cache_{hits,misses}_total`); other requests count as neither.
 */
import { cacheHits, cacheMisses } from '../metrics';
import { sharedKeyOf } from './sharedCache';
import type { ConnectionIdentity, UpstreamInterceptor, UpstreamResponse } from './types';

export interface CacheOptions {
  identity: ConnectionIdentity;
  /** Most URLs kept per connection; the oldest go first. Default 256. */
  maxEntries?: number;
  /**
   * In a fleet: the shared cache's news of answers other replicas stored, by `sharedKeyOf` the URL. The copy kept
   * here is dropped, so the next read takes the newer one from the shared cache (src/upstream/sharedCache.ts).
   */
  storedElsewhere?: (listener: (sharedKey: string) => void) => void;
}

export function createCacheInterceptor(opts: CacheOptions): UpstreamInterceptor {
  const { identity, maxEntries = 256 } = opts;
  const entries = new Map<string, { expiresAt: number; res: UpstreamResponse; sharedKey: string | null }>();
  /** sharedKeyOf(url) -> url, for the entries kept, when another replica's stores are watched. */
  const bySharedKey = new Map<string, string>();
  const drop = (url: string) => {
    const entry = entries.get(url);
    if (!entry) return;
    entries.delete(url);
    if (entry.sharedKey !== null) bySharedKey.delete(entry.sharedKey);
  };
  opts.storedElsewhere?.((sharedKey) => {
    const url = bySharedKey.get(sharedKey);
    if (url !== undefined) drop(url);
  });
  const labels = { vendor: identity.vendor, connection: identity.label };
  return (next) => async (req) => {
    if (req.method !== 'GET' || !req.cacheTtlMs || req.cacheTtlMs <= 0 || req.responseType === 'stream') return next(req);
    const key = req.url.href;
    const hit = entries.get(key);
    if (hit && hit.expiresAt > Date.now() && !req.scope.fresh) {
      cacheHits.inc(labels);
      return hit.res;
    }
    cacheMisses.inc(labels);
    const res = await next(req);
    if (res.status >= 200 && res.status < 300) {
      drop(key);
      const sharedKey = opts.storedElsewhere ? sharedKeyOf(req.url) : null;
      entries.set(key, { expiresAt: res.freshUntil ?? Date.now() + req.cacheTtlMs, res, sharedKey });
      if (sharedKey !== null) bySharedKey.set(sharedKey, key);
      while (entries.size > maxEntries) drop(entries.keys().next().value!);
    }
    return res;
  };
}
