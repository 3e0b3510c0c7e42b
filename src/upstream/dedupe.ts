/**
 * Coalesces identical in-flight GETs on one connection: the second caller joins the first's request
 * instead of sending its own. Keyed by method and URL only, and scoped to one connection (one vendor
 * account), so two tenants never share a response.
 */
import { sharedUpstreamReads } from '../metrics';
import type { ConnectionIdentity, UpstreamInterceptor, UpstreamResponse } from './types';

export function createDedupeInterceptor(identity: ConnectionIdentity): UpstreamInterceptor {
  const inflight = new Map<string, Promise<UpstreamResponse>>();
  const labels = { vendor: identity.vendor, connection: identity.label, via: 'inflight' };
  return (next) => (req) => {
    if (req.method !== 'GET' || req.isAuthRequest) return next(req);
    const key = req.url.href;
    const pending = inflight.get(key);
    if (pending) {
      sharedUpstreamReads.inc(labels);
      return pending;
    }
    const p = next(req).finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };
}
