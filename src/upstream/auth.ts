/**
 * Auth lifecycles, one interceptor each:
 * - static headers (HTTP Basic, API keys): added to every request;
 * - issued credentials (campaign-api login, Ameyo's provisioned Basic user): fetched lazily, once, and
 *   shared by every concurrent request; renewed `refreshSkewMs` before expiry; renewed once on a 401 and the
 *   request sent again once (marked `resend: 'unauthorized'`, so it counts as a retry where it leaves); a
 *   login the vendor refuses (401/403) is answered from memory for `refusedHoldMs` instead of tried per request.
 */
import { isSwitchboardError } from '../errors';
import { isReplayable, type RequestScope, type UpstreamInterceptor, type UpstreamRequest } from './types';

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

/**
 * Why a token is being obtained: none yet (`first`), the current one is within `refreshSkewMs` of its expiry
 * (`expiring`), or the vendor answered 401 to it (`unauthorized`).
 */
export type ObtainReason = 'first' | 'expiring' | 'unauthorized';

export interface TokenAuthOptions {
  /** Logs in. Called at most once at a time; concurrent requests share its promise. */
  obtainToken(scope: RequestScope, reason: ObtainReason): Promise<IssuedToken>;
  /** Puts the token on a request's headers. */
  applyToken(headers: Record<string, string>, token: string): Record<string, string>;
  /** Renew this long before `expiresAt`. Default 60_000 (60 s). */
  refreshSkewMs?: number;
  /**
   * The requests the token is for; the others pass untouched (no token, no renewal on their 401). Default
   * every request. Ameyo: only its CMS and data-engine families take the provisioned Basic user.
   */
  appliesTo?(req: UpstreamRequest): boolean;
  /**
   * How long a refusal of the credentials themselves (the vendor's 401 or 403 to the login) is answered from memory.
   * Default 30_000 (30 s). A wrong password or admin token stays wrong until an operator changes it: trying again on
   * every request (a dashboard polls every second) spends the connection's vendor budget on logins that fail, while
   * 30 s is short enough for a fix on the vendor's side to take effect without a restart.
   */
  refusedHoldMs?: number;
}

export interface TokenAuth {
  interceptor: UpstreamInterceptor;
  /** Forgets the current token (tests, credential rotation). */
  invalidate(): void;
}

export function createTokenAuth(opts: TokenAuthOptions): TokenAuth {
  const { obtainToken, applyToken, refreshSkewMs = 60_000, appliesTo = () => true, refusedHoldMs = 30_000 } = opts;
  if (typeof obtainToken !== 'function') throw new TypeError('expected opts.obtainToken to be a function');
  let current: IssuedToken | null = null;
  let pending: Promise<IssuedToken> | null = null;
  /** The vendor's refusal of the credentials, answered again until `until` (`refusedHoldMs`). */
  let heldRefusal: { error: unknown; until: number } | null = null;
  /** Set when a 401 dropped `current`, until the next token is obtained. */
  let refused = false;

  const fetchToken = (scope: RequestScope): Promise<IssuedToken> => {
    if (heldRefusal && Date.now() < heldRefusal.until) return Promise.reject(heldRefusal.error);
    if (!pending) {
      // Shared by every waiting request, so not cancelled when the one that started it goes away.
      const { signal: _callerOnly, ...shared } = scope;
      const reason: ObtainReason = refused ? 'unauthorized' : current ? 'expiring' : 'first';
      refused = false;
      pending = obtainToken(shared, reason)
        .then(
          (t) => {
            heldRefusal = null;
            return (current = t);
          },
          (err: unknown) => {
            if (isSwitchboardError(err) && (err.facts.upstreamStatus === 401 || err.facts.upstreamStatus === 403)) heldRefusal = { error: err, until: Date.now() + refusedHoldMs };
            throw err;
          },
        )
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  };

  const tokenFor = async (scope: RequestScope): Promise<IssuedToken> => {
    if (pending) return pending;
    const held = current;
    if (!held || Date.now() >= held.expiresAt) return fetchToken(scope);
    if (Date.now() < held.expiresAt - refreshSkewMs) return held;
    // Renewing early: if that fails (the vendor briefly down), the held token still works until it expires.
    try {
      return await fetchToken(scope);
    } catch (err) {
      if (current === held && Date.now() < held.expiresAt) return held;
      throw err;
    }
  };

  const interceptor: UpstreamInterceptor = (next) => async (req) => {
    if (req.isAuthRequest || !appliesTo(req)) return next(req);
    const used = await tokenFor(req.scope);
    const res = await next({ ...req, headers: applyToken(req.headers, used.token) });
    if (res.status !== 401) return res;
    const drop = () => {
      if (current !== used) return; // a concurrent request already renewed it after this one was sent
      current = null;
      refused = true;
    };
    if (!isReplayable(req)) {
      drop(); // the next request logs in again; this one cannot be resent
      return res;
    }
    // Renew once, unless a concurrent request already did after this one was sent.
    drop();
    const renewed = await tokenFor(req.scope);
    return next({ ...req, headers: applyToken(req.headers, renewed.token), resend: 'unauthorized' });
  };

  return {
    interceptor,
    invalidate: () => {
      current = null;
      refused = false;
      heldRefusal = null;
    },
  };
}
