/**
 * API key -> tenant. The tenant comes only from `Authorization: Bearer <key>`, never from the query.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, against every key of every tenant with
 * no early exit, so neither a key's length nor its position shows in the timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from './errors';

/** SHA-256 of a secret: compared with `timingSafeEqual`, digests have equal lengths and hide the secret's. */
export const digestOf = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or null when the header is not that. */
export function bearerTokenOf(authorization: string | undefined): string | null {
  const m = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
  return m ? m[1]! : null;
}

export interface TenantResolver<T> {
  /** The tenant for an Authorization header value; throws UNAUTHENTICATED when there is none. */
  resolve(authorization: string | undefined): T;
}

export function createTenantResolver<T>(entries: ReadonlyArray<{ apiKeys: readonly string[]; tenant: T }>): TenantResolver<T> {
  const keys = entries.flatMap((e) => e.apiKeys.map((k) => ({ digest: digestOf(k), tenant: e.tenant })));
  return {
    resolve(authorization) {
      const token = bearerTokenOf(authorization);
      if (token === null) throw new UnauthenticatedError('missing API key: send `Authorization: Bearer <api key>`');
      const presented = digestOf(token);
      let found: T | undefined;
      for (const k of keys) {
        if (timingSafeEqual(k.digest, presented) && found === undefined) found = k.tenant;
      }
      if (found === undefined) throw new UnauthenticatedError('invalid API key');
      return found;
    },
  };
}
