/**
 * End users' JWTs from a tenant's identity provider (issue 13), checked with `jose`:
 *
 * - the tenant comes from the token's `iss` and `aud`, matched against `tenants[].auth.jwt.issuer` and
 *   `.audiences` (the config refuses two tenants that could both match), and only then is the signature
 *   checked, against that tenant's keys: a token can only ever select the tenant whose keys signed it;
 * - keys come from the tenant's JWKS, by URL or from a file, kept for `pollIntervalSeconds` and loaded again
 *   at once for a `kid` they do not hold (key rotation), at most once per `JWKS_COOLDOWN_MS` however many
 *   unknown `kid`s arrive (`refreshingKeySet`); jose checks the token against them;
 * - `iss`, `aud`, `exp` (required) and `nbf` are checked with `clockSkewSeconds` of tolerance, and the
 *   signature algorithm must be in the tenant's list: never `none`, never HMAC (a public key presented as an
 *   HMAC secret is the classic forgery, RFC 8725 §2.1), which the config refuses and jose would too.
 *
 * A refusal is a `TokenRefusedError` whose `reason` is for the log; the client only learns that the token
 * was not accepted (src/http/authenticate.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthConfig } from '../config/schema';

/** Unknown `kid`s make at most one JWKS load per 30 s (jose's default cooldown), whoever sends them. */
export const JWKS_COOLDOWN_MS = 30_000;
/** A JWKS fetch that has not answered within 5 s fails; the token is refused and the next one tries again. */
export const JWKS_TIMEOUT_MS = 5_000;

/** A token that was not accepted. `reason` goes to the log only. */
export class TokenRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRefusedError';
  }
}

/** A checked token: its tenant and claims. */
export interface VerifiedToken {
  tenantId: string;
  config: JwtAuthConfig;
  payload: JWTPayload;
}

/** True when `token` has the shape of a compact JWS (three base64url parts): an API key never does. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

/**
 * A key set that is loaded again after `pollMs`, and at once for a `kid` it does not know, but at most once
 * per `JWKS_COOLDOWN_MS` for unknown `kid`s (however many arrive, from whoever). jose's own remote set is
 * not used: its cooldown counts from any fetch, so for 30 s after start or after each poll a token signed
 * with a freshly rotated key was refused, and signing in again did not help.
 */
function refreshingKeySet(load: () => Promise<JSONWebKeySet>, pollMs: number, changed: () => boolean = () => false): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | null = null;
  let loadedAt = 0;
  let unknownKidLoadAt = -Infinity;
  const reload = () => {
    loadedAt = Date.now();
    const pending = load().then((set) => createLocalJWKSet(set));
    // A failed load is not kept: the next token tries again.
    pending.catch(() => {
      if (keys === pending) keys = null;
    });
    keys = pending;
    return pending;
  };
  return async (header, token) => {
    const current = keys && Date.now() - loadedAt <= pollMs ? keys : reload();
    try {
      return await (
        await current
      )(header, token);
    } catch (err) {
      // A file that changed is read again at once (a stat costs nothing); a URL waits out the cooldown.
      if (!(err instanceof errors.JWKSNoMatchingKey) || (Date.now() - unknownKidLoadAt < JWKS_COOLDOWN_MS && !changed())) throw err;
      unknownKidLoadAt = Date.now();
      return (await reload())(header, token);
    }
  };
}

/** The JWKS at `url`, with `JWKS_TIMEOUT_MS` to answer. */
async function fetchJwks(url: string): Promise<JSONWebKeySet> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`the JWKS at ${url} could not be fetched: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new Error(`the JWKS at ${url} answered HTTP ${res.status}`);
  const set = (await res.json()) as JSONWebKeySet;
  if (!set || !Array.isArray(set.keys)) throw new Error(`the JWKS at ${url} has no "keys" list`);
  return set;
}

const urlKeySet = (url: string, pollMs: number) => refreshingKeySet(() => fetchJwks(url), pollMs);

/** A JWKS file: read again after the poll interval, and at once when it changed on disk. */
function fileKeySet(file: string, pollMs: number): JWTVerifyGetKey {
  let readMtimeMs = -1;
  const mtimeMs = () => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return -1;
    }
  };
  return refreshingKeySet(
    async () => {
      readMtimeMs = mtimeMs();
      return JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
    },
    pollMs,
    () => mtimeMs() !== readMtimeMs,
  );
}

interface Issuer {
  tenantId: string;
  config: JwtAuthConfig;
  keys: JWTVerifyGetKey;
}

export interface JwtVerifier {
  /** The token's tenant and claims; throws `TokenRefusedError`. */
  verify(token: string): Promise<VerifiedToken>;
}

export function createJwtVerifier(tenants: ReadonlyArray<{ tenantId: string; jwt: JwtAuthConfig }>): JwtVerifier {
  const issuers: Issuer[] = tenants.map(({ tenantId, jwt }) => ({
    tenantId,
    config: jwt,
    keys: 'url' in jwt.jwks ? urlKeySet(jwt.jwks.url, jwt.pollIntervalSeconds * 1000) : fileKeySet(jwt.jwks.file, jwt.pollIntervalSeconds * 1000),
  }));

  return {
    async verify(token) {
      let claims: JWTPayload;
      try {
        claims = decodeJwt(token);
      } catch {
        throw new TokenRefusedError('not a JWT');
      }
      const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
      const issuer = issuers.find((i) => i.config.issuer === claims.iss && i.config.audiences.some((a) => audiences.includes(a)));
      if (!issuer) throw new TokenRefusedError(`no tenant accepts issuer ${JSON.stringify(String(claims.iss).slice(0, 200))} with audience ${JSON.stringify(audiences.slice(0, 5))}`);
      try {
        const { payload } = await jwtVerify(token, issuer.keys, {
          issuer: issuer.config.issuer,
          audience: issuer.config.audiences,
          algorithms: issuer.config.algorithms,
          clockTolerance: issuer.config.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
        });
        return { tenantId: issuer.tenantId, config: issuer.config, payload };
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'ERR_UNKNOWN';
        throw new TokenRefusedError(`${code}: ${(err as Error).message}`);
      }
    },
  };
}
