/**
 * The fleet's shared cache and single-flight, for the reads the process's own cache keeps (GETs with a
 * `cacheTtlMs`): below the process's cache and coalescing, so one request per process gets here per URL.
 *
 *   1. A fresh answer in the shared cache (another replica fetched it) is the answer.
 *   2. Otherwise one replica claims the fetch (`lead`) and sends; a 2xx is stored for `cacheTtlMs` and
 *      wakes the others. A failure resigns the claim: the others try for themselves.
 *   3. The others wait for that (at most `LEAD_MS`, and never past their deadline), then look again; a
 *      second look without an answer fetches on its own. The wait is bounded, so a replica that died
 *      while leading delays the others by at most `LEAD_MS`.
 *
 * The key is a hash of the URL (a URL may hold a token: it never becomes a key), scoped by the store to the
 * tenant and connection.
 */
import { createHash } from 'node:crypto';
import type { SharedResponses } from '../state/responses';
import type { UpstreamInterceptor, UpstreamRequest, UpstreamResponse } from './types';

/** How long a replica may hold the claim to fetch a URL, ms: a vendor read inside the budget. */
const LEAD_MS = 5_000;

/** The shared cache's key of a request: a hash of its URL (a URL may hold a token: it never becomes a key). */
export const sharedKeyOf = (url: URL): string => createHash('sha256').update(url.href).digest('base64url');

export function createSharedCacheInterceptor(shared: SharedResponses): UpstreamInterceptor {
  const fromStore = (hit: { status: number; headers: Record<string, string>; body: Buffer; ttlMs: number }): UpstreamResponse => ({
    status: hit.status,
    headers: hit.headers,
    body: hit.body,
    freshUntil: Date.now() + hit.ttlMs,
  });

  return (next) => async (req: UpstreamRequest) => {
    if (req.method !== 'GET' || !req.cacheTtlMs || req.cacheTtlMs <= 0 || req.responseType === 'stream' || req.isAuthRequest) return next(req);
    const key = sharedKeyOf(req.url);
    // A poller's read (`fresh`) goes to the vendor and refreshes the shared copy for everyone else.
    for (let round = 0; !req.scope.fresh; round++) {
      const hit = await shared.get(key);
      if (hit) return fromStore(hit);
      const remaining = req.scope.deadlineAt - Date.now();
      if (round >= 1 || remaining <= 0 || (await shared.lead(key, Math.min(LEAD_MS, Math.max(1, remaining))))) break;
      await shared.settled(key, Math.min(LEAD_MS, remaining), req.scope.signal);
      if (req.scope.signal?.aborted) break; // the next step reports the cancellation as every caller sees it
    }
    let res: UpstreamResponse;
    try {
      res = await next(req);
    } catch (err) {
      await shared.resign(key);
      throw err;
    }
    if (res.status >= 200 && res.status < 300) await shared.set(key, { status: res.status, headers: res.headers, body: res.body }, req.cacheTtlMs);
    else await shared.resign(key);
    return res;
  };
}
