/**
 * Retries for safe requests only (GET, HEAD): a 502/503/504 answer or a connection that failed or was
 * reset is tried again, up to `maxRetries`, after an exponential backoff with full jitter, and never past
 * the request's deadline. Anything that may change vendor state is never resent here (undici's own retry
 * leaves POST out for the same reason: notes/hardening-and-libraries.md §3.5, §4). Each retry queues at
 * the rate limiter again, so retries stay inside the vendor's limit. A retry carries `resend` (why), so
 * the metrics interceptor counts it in `switchboard_upstream_retries_total` once it really leaves.
 */
import { TransportFailure } from './transport';
import { onAbort, type ResendReason, type UpstreamInterceptor, type UpstreamResponse } from './types';

export interface RetryOptions {
  /** Tries after the first. Default 2. */
  maxRetries?: number;
  /** First backoff; doubles each time. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest backoff. Default 2_000 (2 s). */
  maxDelayMs?: number;
  /** Random source for the jitter (tests). Default Math.random. */
  random?: () => number;
}

const SAFE = new Set(['GET', 'HEAD']);
const RETRY_STATUSES = new Set([502, 503, 504]);

export function createRetryInterceptor(opts: RetryOptions = {}): UpstreamInterceptor {
  const { maxRetries = 2, baseDelayMs = 200, maxDelayMs = 2_000, random = Math.random } = opts;
  if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new TypeError(`expected opts.maxRetries to be an integer >= 0, got ${maxRetries}`);
  // The backoff ends early when the caller goes away: holding a request whose client left for up to
  // maxDelayMs only to drop it afterwards is the same fault as issue 11 item 6, one layer up.
  const backoff = (ms: number, signal: AbortSignal | undefined) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unwatch?.();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unwatch = signal && onAbort(signal, done);
    });
  return (next) => async (req) => {
    if (!SAFE.has(req.method) || req.responseType === 'stream') return next(req);
    let resend: ResendReason | undefined;
    for (let attempt = 0; ; attempt++) {
      let outcome: { res: UpstreamResponse } | { err: unknown };
      try {
        // A resend says why, for the retries metric and the call's span (counted where it leaves).
        outcome = { res: await next(resend ? { ...req, resend } : req) };
        if (!RETRY_STATUSES.has(outcome.res.status)) return outcome.res;
        resend = 'server_error';
      } catch (err) {
        const transient = err instanceof TransportFailure && (err.kind === 'reset' || err.kind === 'unreachable');
        if (!transient) throw err;
        outcome = { err };
        resend = 'connection';
      }
      // Full jitter: a random delay up to the exponential cap, so many clients do not retry in step.
      const delay = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
      const giveUp = attempt >= maxRetries || req.scope.signal?.aborted || Date.now() + delay >= req.scope.deadlineAt;
      if (!giveUp) await backoff(delay, req.scope.signal);
      if (giveUp || req.scope.signal?.aborted) {
        if ('res' in outcome) return outcome.res;
        throw outcome.err;
      }
    }
  };
}
