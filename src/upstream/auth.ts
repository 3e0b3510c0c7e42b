/**
 * Auth lifecycles, one interceptor each:
 * - static headers (HTTP Basic, API keys): added to every request;
 * - bearer tokens (campaign-api login): fetched lazily, once, and shared by every concurrent request;
 *   renewed `refreshSkewMs` before expiry; renewed once on a 401 and the request sent again once (marked
 *   `resend: 'unauthorized'`, so it counts as a retry where it leaves).
 */
import { isReplayable, type RequestScope, type UpstreamInterceptor } from './types';

/** HTTP Basic: `Authorization: Basic base64(user:password)`. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Adds fixed headers (Basic credentials, API keys, account ids) to every request. */
export function createStaticHeadersInterceptor(headers: Record<string, string>): UpstreamInterceptor {
  return (next) => (req) => next({ ...req, headers: { ...req.headers, ...headers } });
}

export interface IssuedToken {
  token: string;
  /** Absolute expiry, ms since the epoch. */
  expiresAt: number;
}

export interface TokenAuthOptions {
  /** Logs in. Called at most once at a time; concurrent requests share its promise. */
  obtainToken(scope: RequestScope): Promise<IssuedToken>;
  /** Puts the token on a request's headers. */
  applyToken(headers: Record<string, string>, token: string): Record<string, string>;
  /** Renew this long before `expiresAt`. Default 60_000 (60 s). */
  refreshSkewMs?: number;
}

export interface TokenAuth {
  interceptor: UpstreamInterceptor;
  /** Forgets the current token (tests, credential rotation). */
  invalidate(): void;
}

export function createTokenAuth(opts: TokenAuthOptions): TokenAuth {
  const { obtainToken, applyToken, refreshSkewMs = 60_000 } = opts;
  if (typeof obtainToken !== 'function') throw new TypeError('expected opts.obtainToken to be a function');
  let current: IssuedToken | null = null;
  let pending: Promise<IssuedToken> | null = null;

  const fetchToken = (scope: RequestScope): Promise<IssuedToken> => {
    if (!pending) {
      // Shared by every waiting request, so not cancelled when the one that started it goes away.
      const { signal: _callerOnly, ...shared } = scope;
      pending = obtainToken(shared)
        .then((t) => (current = t))
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  };

  const tokenFor = async (scope: RequestScope): Promise<IssuedToken> => {
    if (pending) return pending;
    if (current && Date.now() < current.expiresAt - refreshSkewMs) return current;
    return fetchToken(scope);
  };

  const interceptor: UpstreamInterceptor = (next) => async (req) => {
    if (req.isAuthRequest) return next(req);
    const used = await tokenFor(req.scope);
    const res = await next({ ...req, headers: applyToken(req.headers, used.token) });
    if (res.status !== 401) return res;
    if (!isReplayable(req)) {
      if (current === used) current = null; // the next request logs in again; this one cannot be resent
      return res;
    }
    // Renew once, unless a concurrent request already did after this one was sent.
    if (current === used) current = null;
    const renewed = await tokenFor(req.scope);
    return next({ ...req, headers: applyToken(req.headers, renewed.token), resend: 'unauthorized' });
  };

  return {
    interceptor,
    invalidate: () => {
      current = null;
    },
  };
}
