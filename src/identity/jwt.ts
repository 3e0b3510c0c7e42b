/**
 * End users' JWTs from a tenant's identity provider (issue 13), checked with `jose`:
 *
 * - the tenant comes from the token's `iss` and `aud`, matched against `tenants[].auth.jwt.issuer` and
 *   `.audiences` (the config refuses two tenants that could both match), and only then is the signature
 *   checked, against that tenant's keys: a token can only ever select the tenant whose keys signed it;
 * - keys come from the tenant's JWKS, by URL or from a file. jose keeps the fetched set for
 *   `pollIntervalSeconds` and fetches it again at once for a `kid` it does not know (key rotation), at most
 *   once per `JWKS_COOLDOWN_MS` however many unknown `kid`s arrive. A file is read again on the same rules;
 * - `iss`, `aud`, `exp` (required) and `nbf` are checked with `clockSkewSeconds` of tolerance, and the
 *   signature algorithm must be in the tenant's list: never `none`, never HMAC (a public key presented as an
 *   HMAC secret is the classic forgery, RFC 8725 §2.1), which the config refuses and jose would too.
 *
 * A refusal is a `TokenRefusedError` whose `reason` is for the log; the client only learns that the token
 * was not accepted (src/http/authenticate.ts).
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthConfig } from '../config/schema';

/** Unknown `kid`s make at most one JWKS fetch per 30 s (jose's default cooldown), whoever sends them. */
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

/** A JWKS file, read again after `pollMs` or, at most once per cooldown, for an unknown `kid`. */
function fileKeySet(file: string, pollMs: number): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | null = null;
  let readAt = 0;
  const read = () => {
    keys = createLocalJWKSet(JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet);
    readAt = Date.now();
    return keys;
  };
  return async (header, token) => {
    if (!keys || Date.now() - readAt > pollMs) read();
    try {
      return await keys!(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || Date.now() - readAt < JWKS_COOLDOWN_MS) throw err;
      return read()(header, token);
    }
  };
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
    keys:
      'url' in jwt.jwks
        ? createRemoteJWKSet(new URL(jwt.jwks.url), { cacheMaxAge: jwt.pollIntervalSeconds * 1000, cooldownDuration: JWKS_COOLDOWN_MS, timeoutDuration: JWKS_TIMEOUT_MS })
        : fileKeySet(jwt.jwks.file, jwt.pollIntervalSeconds * 1000),
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
