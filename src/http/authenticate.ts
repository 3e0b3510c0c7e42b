/**
 * Not public API. Who is calling, for every route that needs a caller (`/graphql`, `/files/...`): the one
 * place credentials are read (issue 13).
 *
 * - `Authorization: Bearer <credential>`, or a tenant's named cookie (`tenants[].auth.jwt.cookie`, off by
 *   default) when there is no header: a cookie only ever carries a token (never an API key), and only of a
 *   tenant that named that cookie;
 * - a credential shaped like a JWT goes to the token verifier (src/identity/jwt.ts), which finds its tenant
 *   from its issuer and audience; anything else is an API key (src/auth.ts), whose caller is `service`.
 *
 * Refusals (RFC 6750 §3): no credential is 401 with `WWW-Authenticate: Bearer realm="switchboard"`; a token
 * that is not accepted is 401 with `error="invalid_token"` and the same message whatever the reason (the
 * reason is logged, with the request id); a valid token that maps to none of our roles is 403 with
 * `error="insufficient_scope"`.
 */
import type http from 'node:http';
import { parseCookie } from 'cookie';
import type { Logger } from 'pino';
import { bearerTokenOf, createTenantResolver } from '../auth';
import type { Config } from '../config/schema';
import type { Tenant } from '../domain/types';
import { ForbiddenError, UnauthenticatedError, type SwitchboardError } from '../errors';
import { createJwtVerifier, looksLikeJwt, TokenRefusedError } from '../identity/jwt';
import { API_KEY_PRINCIPAL, principalOf, type Principal } from '../identity/principal';
import { sendGraphQLError } from './respond';

export interface Caller {
  tenant: Tenant;
  principal: Principal;
}

/** A request that is refused before any work: its status, error and `WWW-Authenticate`. */
export class AuthenticationFailure extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly error: SwitchboardError,
    readonly wwwAuthenticate: string,
  ) {
    super(error.message);
    this.name = 'AuthenticationFailure';
  }
}

export interface Authenticator {
  /** The caller of `req`; throws `AuthenticationFailure`. */
  authenticate(req: http.IncomingMessage, log: Logger): Promise<Caller>;
}

/**
 * The caller of an HTTP request, or null once its refusal has been answered (401/403, `WWW-Authenticate`, a GraphQL
 * error body): the one answer every route that takes our credentials gives.
 */
export async function callerOrRefused(auth: Authenticator, req: http.IncomingMessage, res: http.ServerResponse, log: Logger): Promise<Caller | null> {
  try {
    return await auth.authenticate(req, log);
  } catch (err) {
    if (!(err instanceof AuthenticationFailure)) throw err;
    sendGraphQLError(res, err.status, err.error, { 'www-authenticate': err.wwwAuthenticate });
    return null;
  }
}

const REALM = 'Bearer realm="switchboard"';
export const TOKEN_NOT_ACCEPTED = 'the token was not accepted: sign in again';

export function createAuthenticator(config: Pick<Config, 'tenants'>, tenants: ReadonlyMap<string, Tenant>): Authenticator {
  const apiKeys = createTenantResolver(config.tenants.map((t) => ({ apiKeys: t.apiKeys, tenant: tenants.get(t.id)! })));
  const withJwt = config.tenants.filter((t) => t.auth.jwt);
  const verifier = withJwt.length ? createJwtVerifier(withJwt.map((t) => ({ tenantId: t.id, jwt: t.auth.jwt! }))) : null;
  const agentMaps = new Map(config.tenants.map((t) => [t.id, t.auth.agents]));
  const cookieNames = [...new Set(withJwt.flatMap((t) => (t.auth.jwt!.cookie ? [t.auth.jwt!.cookie] : [])))];
  const missing = verifier ? 'missing credentials: send `Authorization: Bearer <API key or token>`' : 'missing API key: send `Authorization: Bearer <api key>`';

  /** The credential, and the cookie it came from (a cookie carries only a token of the tenant that named it). */
  const credentialOf = (req: http.IncomingMessage): { value: string; cookie?: string } | null => {
    const bearer = bearerTokenOf(req.headers.authorization);
    if (bearer !== null) return { value: bearer };
    if (cookieNames.length === 0 || typeof req.headers.cookie !== 'string') return null;
    const cookies = parseCookie(req.headers.cookie);
    for (const name of cookieNames) {
      const value = cookies[name];
      if (value && looksLikeJwt(value)) return { value, cookie: name };
    }
    return null;
  };

  return {
    async authenticate(req, log) {
      const credential = credentialOf(req);
      if (credential === null) throw new AuthenticationFailure(401, new UnauthenticatedError(missing), REALM);
      if (!verifier || !looksLikeJwt(credential.value)) {
        try {
          return { tenant: apiKeys.resolve(`Bearer ${credential.value}`), principal: API_KEY_PRINCIPAL };
        } catch (err) {
          throw new AuthenticationFailure(401, err as SwitchboardError, REALM);
        }
      }
      let verified;
      try {
        verified = await verifier.verify(credential.value);
      } catch (err) {
        if (!(err instanceof TokenRefusedError)) throw err;
        log.info({ reason: err.reason }, 'token refused');
        throw new AuthenticationFailure(401, new UnauthenticatedError(TOKEN_NOT_ACCEPTED), `${REALM}, error="invalid_token"`);
      }
      if (credential.cookie !== undefined && verified.config.cookie !== credential.cookie) {
        // Tenant A's cookie does not carry tenant B's token: B never turned cookies on (CSRF exposure is B's choice).
        log.info({ tenant: verified.tenantId, cookie: credential.cookie }, 'token refused: its tenant does not read it from this cookie');
        throw new AuthenticationFailure(401, new UnauthenticatedError(missing), REALM);
      }
      const principal = principalOf(verified.payload, verified.config, agentMaps.get(verified.tenantId) ?? {});
      if (!principal) {
        log.info({ tenant: verified.tenantId, claim: verified.config.claims.roles }, 'token grants no role');
        throw new AuthenticationFailure(
          403,
          new ForbiddenError(`the token grants none of the roles agent, supervisor or admin (claim "${verified.config.claims.roles}")`),
          `${REALM}, error="insufficient_scope"`,
        );
      }
      return { tenant: tenants.get(verified.tenantId)!, principal };
    },
  };
}
