/**
 * Ameyo's provisioned API user: with `credentials: {adminToken, username, ...}` the gateway makes its own
 * HTTP Basic credentials for the CMS and data-engine families with `POST /configuration/basicauth`
 * (ameyo-contact-management-and-presence.txt "Generating a token for authentication"; notes §3d) and keeps
 * them in memory only. The lifecycle (provisioned once and shared, renewed `renewBeforeSeconds` before
 * `dateExpiry`, provisioned again once on a 401 and the call resent once) is src/upstream/auth.ts's
 * `createTokenAuth`, the one the campaign API's login uses; this file only says how to obtain the "token".
 *
 * - Username: `<username>_<8 hex>`, random per process (per adapter). Provisioning a username again replaces
 *   its password in Ameyo (our reading, as the simulator does), so replicas or a restarted process sharing one
 *   name would keep invalidating each other's password. `_` because the doc's own example name has one
 *   (`customer_manager`); that Ameyo accepts names it has not seen before is our reading too [U].
 * - Password: 24 random bytes (node:crypto), base64url (no `:`, which Basic would split on). Kept when the user
 *   is renewed before expiry, so calls already on their way with it are not refused; a new one after a 401.
 * - Response: undocumented (notes §3d [U]); a 2xx is success and its body is not read.
 */
import { randomBytes } from 'node:crypto';
import { UpstreamError, type ErrorFacts, type SwitchboardError } from '../../errors';
import { basicAuthHeader, type IssuedToken, type ObtainReason } from '../../upstream/auth';
import type { RequestScope, UpstreamHandler, UpstreamResponse } from '../../upstream/types';
import { callRoute, type RouteContext } from '../routes';
import type { AmeyoConnectionConfig, AmeyoProvisionedCredentials } from './config';
import { ameyoError, ameyoErrorDetail } from './errors';
import { ameyoRoutes, type AmeyoFamily } from './routes';

/** The one `context` the doc allows: "For all contact center operations, this value should be set to "ContactCenter"". */
const CONTEXT = 'ContactCenter';

/** Bytes of randomness in a provisioned password (192 bits) and in a username's suffix (32 bits). */
const PASSWORD_BYTES = 24;
const SUFFIX_BYTES = 4;

export interface AmeyoProvisioner {
  /** The username this process provisions (logs and tests may show it; it is not a secret). */
  readonly username: string;
  /** Provisions (or renews) the user; the "token" is the `Authorization: Basic …` value. */
  obtain(scope: RequestScope, reason: ObtainReason): Promise<IssuedToken>;
}

/**
 * `send` is the rate-limited chain below auth (createUpstream's `paced`): the vendor counts these calls like
 * any other, and they show in the metrics as route `basicAuth`. Errors are mapped here, as for the campaign
 * API's login.
 */
export function createAmeyoProvisioner(send: UpstreamHandler, config: AmeyoConnectionConfig, creds: AmeyoProvisionedCredentials): AmeyoProvisioner {
  const username = `${creds.username}_${randomBytes(SUFFIX_BYTES).toString('hex')}`;
  const ctx: RouteContext<AmeyoFamily> = { send, baseUrls: config.baseUrls, cacheTtlMs: 0, overrides: config.routes };
  const facts: ErrorFacts = { vendor: 'ameyo', connectionId: config.id, route: 'basicAuth' };
  let password: string | null = null;

  return {
    username,
    async obtain(scope, reason) {
      if (password === null || reason === 'unauthorized') password = randomBytes(PASSWORD_BYTES).toString('base64url');
      const expiresAt = Date.now() + creds.ttlSeconds * 1000;
      const res = await callRoute(ctx, ameyoRoutes, 'basicAuth', scope, {
        headers: { authorization: `Bearer ${creds.adminToken}` },
        json: { username, password, context: CONTEXT, contextId: String(config.ccId), dateExpiry: new Date(expiresAt).toISOString(), userRole: creds.userRole },
      });
      if (res.status >= 400) throw provisioningError(res, { ...facts, upstreamStatus: res.status });
      return { token: basicAuthHeader(username, password), expiresAt };
    },
  };
}

/**
 * A refused provisioning is the operator's to fix, never the caller's: 401/403 name the config field
 * (`adminToken`: expired, or not an admin's); other 4xx (a `ccId` Ameyo does not know: 404 CONF-1004) say
 * provisioning failed. Both are UPSTREAM_ERROR, as a refused campaign-API login is. 429 and 5xx keep their
 * usual mapping (RATE_LIMITED, UPSTREAM_UNAVAILABLE).
 */
function provisioningError(res: UpstreamResponse, facts: ErrorFacts): SwitchboardError {
  const status = res.status;
  if (status === 429 || status >= 500) return ameyoError(res, facts);
  const detail = ameyoErrorDetail(res);
  const said = detail.message ? `: ${detail.message}` : '';
  const f: ErrorFacts = { ...facts, ...(detail.upstreamCode ? { upstreamCode: detail.upstreamCode } : {}) };
  if (status === 401 || status === 403) return new UpstreamError(`ameyo refused the connection's adminToken (HTTP ${status})${said}`, f);
  return new UpstreamError(`ameyo refused to provision the connection's API user (HTTP ${status})${said}`, f);
}
