/**
 * Counts every request that actually leaves for a vendor (after rate limiting, below coalescing and the
 * cache), so `switchboard_upstream_requests_total` is what the vendor saw.
 */
import { upstreamDuration, upstreamRequests } from '../metrics';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamInterceptor } from './types';

export function createMetricsInterceptor(identity: ConnectionIdentity): UpstreamInterceptor {
  const base = { vendor: identity.vendor, connection: identity.label };
  return (next) => async (req) => {
    const started = process.hrtime.bigint();
    const done = (status: number | string) => {
      upstreamRequests.inc({ ...base, status: String(status) });
      upstreamDuration.observe({ ...base, route: req.route }, Number(process.hrtime.bigint() - started) / 1e9);
      req.scope.onUpstreamCall?.({ vendor: identity.vendor, connectionId: identity.connectionId, route: req.route, status });
    };
    try {
      const res = await next(req);
      done(res.status);
      return res;
    } catch (err) {
      done(err instanceof TransportFailure ? err.kind : 'error');
      throw err;
    }
  };
}
