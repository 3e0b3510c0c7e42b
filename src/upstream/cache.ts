/**
 * A short-TTL cache for list reads that dashboards poll (agents, queue status): within `cacheTtlMs` of a
 * successful GET, the same URL on the same connection is answered from memory. This is how many
 * dashboards fit inside one vendor request per second. Only 2xx answers are kept; the route decides the
 * TTL (`cacheTtlMs` on the request), and the store is bounded. Every cacheable read counts as a hit or
 * a miss (`switchboard_upstream_cache_{hits,misses}_total`); other requests count as neither.
 */
import { cacheHits, cacheMisses } from '../metrics';
import type { ConnectionIdentity, UpstreamInterceptor, UpstreamResponse } from './types';

export interface CacheOptions {
  identity: ConnectionIdentity;
  /** Most URLs kept per connection; the oldest go first. Default 256. */
  maxEntries?: number;
}

export function createCacheInterceptor(opts: CacheOptions): UpstreamInterceptor {
  const { identity, maxEntries = 256 } = opts;
  const entries = new Map<string, { expiresAt: number; res: UpstreamResponse }>();
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
      entries.delete(key);
      entries.set(key, { expiresAt: res.freshUntil ?? Date.now() + req.cacheTtlMs, res });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    }
    return res;
  };
}
