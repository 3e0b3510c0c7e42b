/**
 * Coalesces identical in-flight GETs on one connection: the second caller joins the first's request
 * instead of sending its own (`switchboard_upstream_coalesced_requests_total`). Keyed by method and URL
 * only, and scoped to one connection (one vendor account), so two tenants never share a response.
 *
 * Cancellation is counted: a caller that goes away stops waiting at once, but the shared call is cancelled
 * only when every caller that joined it has gone, so one client leaving never fails the others. Its own
 * signal then aborts, which also takes it out of the rate limiter's queue if it was still waiting there.
 */
import { coalescedRequests } from '../metrics';
import { transportFailureToError } from './normalizeErrors';
import { TransportFailure } from './transport';
import { onAbort, type ConnectionIdentity, type UpstreamInterceptor, type UpstreamRequest, type UpstreamResponse } from './types';

interface SharedCall {
  key: string;
  promise: Promise<UpstreamResponse>;
  controller: AbortController;
  /** Callers still waiting. */
  waiting: number;
}

export function createDedupeInterceptor(identity: ConnectionIdentity): UpstreamInterceptor {
  const inflight = new Map<string, SharedCall>();
  const labels = { vendor: identity.vendor, connection: identity.label };

  /** Only if it is still the call for its key: a newer call for the same URL may have replaced it. */
  const forget = (call: SharedCall) => {
    if (inflight.get(call.key) === call) inflight.delete(call.key);
  };
  const cancelled = (req: UpstreamRequest) =>
    transportFailureToError(new TransportFailure('aborted', 'the request was cancelled'), { vendor: identity.vendor, connectionId: identity.connectionId, route: req.route });

  const join = (call: SharedCall, req: UpstreamRequest): Promise<UpstreamResponse> => {
    call.waiting++;
    const signal = req.scope.signal;
    if (!signal) return call.promise;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const leave = () => {
        if (--call.waiting === 0) {
          // Forgotten before it is cancelled: its promise settles a few ticks later (or, in flight, when
          // undici lets go), and a caller arriving meanwhile must start a live call, not join a dead one.
          forget(call);
          call.controller.abort();
        }
        reject(cancelled(req));
      };
      call.promise.then(resolve, reject).finally(onAbort(signal, leave));
    });
  };

  return (next) => (req) => {
    if (req.method !== 'GET' || req.isAuthRequest || req.responseType === 'stream') return next(req);
    // A caller that has already gone neither starts a call (which would take a rate-limit slot before its
    // cancel reached the limiter) nor joins one.
    if (req.scope.signal?.aborted) return Promise.reject(cancelled(req));
    const key = req.url.href;
    let call = inflight.get(key);
    if (call) {
      coalescedRequests.inc(labels);
    } else {
      const controller = new AbortController();
      const promise = next({ ...req, scope: { ...req.scope, signal: controller.signal } }).finally(() => forget(started));
      // The shared promise may reject after every caller left; that rejection is handled here, not lost.
      promise.catch(() => undefined);
      const started: SharedCall = { key, promise, controller, waiting: 0 };
      call = started;
      inflight.set(key, call);
    }
    return join(call, req);
  };
}
