/**
 * Counts every request that actually leaves for a vendor (after rate limiting, below coalescing and the
 * cache), so `switchboard_upstream_requests_total` is what the vendor saw. A request sent again (it carries
 * `resend`) also counts in `switchboard_upstream_retries_total` and in its call's retry count (`req.stats`,
 * for the upstream span), here and only here, so a resend that never left (refused by the rate limiter)
 * is not counted.
 */
import { upstreamDuration, upstreamRequests, upstreamRetries } from '../metrics';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamInterceptor } from './types';

export function createMetricsInterceptor(identity: ConnectionIdentity): UpstreamInterceptor {
  const base = { vendor: identity.vendor, connection: identity.label };
  return (next) => async (req) => {
    if (req.resend) {
      upstreamRetries.inc({ ...base, reason: req.resend });
      if (req.stats) req.stats.retries++;
    }
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
