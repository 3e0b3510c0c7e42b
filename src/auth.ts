/**
 * API key -> tenant. The tenant comes only from `Authorization: Bearer <key>`, never from the query.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, against every key of every tenant with
 * no early exit, so neither a key's length nor its position shows in the timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from './errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export interface TenantResolver<T> {
  /** The tenant for an Authorization header value; throws UNAUTHENTICATED when there is none. */
  resolve(authorization: string | undefined): T;
}

export function createTenantResolver<T>(entries: ReadonlyArray<{ apiKeys: readonly string[]; tenant: T }>): TenantResolver<T> {
  const keys = entries.flatMap((e) => e.apiKeys.map((k) => ({ digest: digest(k), tenant: e.tenant })));
  return {
    resolve(authorization) {
      const m = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
      if (!m) throw new UnauthenticatedError('missing API key: send `Authorization: Bearer <api key>`');
      const presented = digest(m[1]!);
      let found: T | undefined;
      for (const k of keys) {
        if (timingSafeEqual(k.digest, presented) && found === undefined) found = k.tenant;
      }
      if (found === undefined) throw new UnauthenticatedError('invalid API key');
      return found;
    },
  };
}
