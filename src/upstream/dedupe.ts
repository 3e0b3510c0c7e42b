/**
 * Coalesces identical in-flight GETs on one connection: the second caller joins the first's request
 * instead of sending its own. Keyed by method and URL only, and scoped to one connection (one vendor
 * account), so two tenants never share a response.
 *
 * Cancellation is counted: a caller that goes away stops waiting at once, but the shared call is cancelled
 * only when every caller that joined it has gone, so one client leaving never fails the others.
 */
import { sharedUpstreamReads } from '../metrics';
import { transportFailureToError } from './normalizeErrors';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamInterceptor, UpstreamRequest, UpstreamResponse } from './types';

interface SharedCall {
  promise: Promise<UpstreamResponse>;
  controller: AbortController;
  /** Callers still waiting. */
  waiting: number;
}

export function createDedupeInterceptor(identity: ConnectionIdentity): UpstreamInterceptor {
  const inflight = new Map<string, SharedCall>();
  const labels = { vendor: identity.vendor, connection: identity.label, via: 'inflight' };

  const join = (call: SharedCall, req: UpstreamRequest): Promise<UpstreamResponse> => {
    call.waiting++;
    const signal = req.scope.signal;
    if (!signal) return call.promise;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const leave = () => {
        if (--call.waiting === 0) call.controller.abort();
        const facts = { vendor: identity.vendor, connectionId: identity.connectionId, route: req.route };
        reject(transportFailureToError(new TransportFailure('aborted', 'the request was cancelled'), facts));
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      call.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  };

  return (next) => (req) => {
    if (req.method !== 'GET' || req.isAuthRequest || req.responseType === 'stream') return next(req);
    const key = req.url.href;
    let call = inflight.get(key);
    if (call) {
      sharedUpstreamReads.inc(labels);
    } else {
      const controller = new AbortController();
      const promise = next({ ...req, scope: { ...req.scope, signal: controller.signal } }).finally(() => inflight.delete(key));
      // The shared promise may reject after every caller left; that rejection is handled here, not lost.
      promise.catch(() => undefined);
      call = { promise, controller, waiting: 0 };
      inflight.set(key, call);
    }
    return join(call, req);
  };
}
