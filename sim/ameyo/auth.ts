/** Ameyo auth: `POST /configuration/basicauth` (admin Bearer) and the HTTP Basic check of the CMS / data-engine APIs. */
import type { SimContext, SimReply, SimRoute } from '../common/server';
import { badRequest, envelope, notFound, unauthorized } from './errors';
import type { AmeyoRuntime } from './runtime';
import type { AmeyoApiUser } from './seed';

/** The principal of an authenticated CMS / data-engine request. */
export interface AmeyoPrincipal {
  username: string;
  userRole: string;
}

/** `username:password` from `Authorization: Basic …`, or null when absent or not decodable. */
export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const isLive = (user: AmeyoApiUser, wallNowMs: number) => user.dateExpiry === null || Date.parse(user.dateExpiry) > wallNowMs;

/**
 * HTTP Basic for every route but basicauth: "authorization: Basic <base64_encoded_token> … a Base64 encoding of
 * username:password" (vendor doc, contact upload and monitoring headers). Accepted pairs are the configured users
 * plus those provisioned by basicauth until their `dateExpiry`. Any failure is 401 CONF-1002. With the
 * `expiredToken` fault on, valid credentials get the same 401 (as if their dateExpiry had passed).
 */
export function authenticateBasic(rt: AmeyoRuntime, ctx: SimContext): { principal: AmeyoPrincipal } | { reply: SimReply } {
  const creds = parseBasic(ctx.headers.authorization);
  const user = creds && rt.state.apiUsers.find((u) => u.username === creds.username);
  if (!creds || !user || user.password !== creds.password || !isLive(user, rt.wallNow()) || ctx.faults.expiredToken) {
    return { reply: unauthorized() };
  }
  return { principal: { username: user.username, userRole: user.userRole } };
}

/** The rate limit counts per Basic username; basicauth calls (Bearer, no Basic) share one admin key. */
export function rateLimitKey(ctx: SimContext): string {
  const creds = parseBasic(ctx.headers.authorization);
  return creds ? `basic:${creds.username}` : 'admin-bearer';
}

const REQUIRED_STRINGS = ['username', 'password', 'context', 'contextId', 'userRole'] as const;

/**
 * `POST /configuration/basicauth` (vendor doc "Generating a token for authentication"; notes §3d).
 *
 * OUR READING OF THE DOC: the endpoint is called with the CC admin's temporary Bearer token and provisions the
 * `username`/`password` pair, which the CMS and data-engine APIs then accept as HTTP Basic credentials until
 * `dateExpiry` (no expiry when it is omitted; the doc's "default session timeout" is unspecified).
 * Re-provisioning an existing username replaces its password, role and expiry (our assumption).
 *
 * Validation: `username, password, context, contextId, userRole` are required strings ("Required" in the doc's
 * table), `context` must be "ContactCenter", `dateExpiry` optional ISO 8601 → 400 CONF-1001 naming the field.
 * `contextId` must be a JSON string: the doc's table types it String and its sample sends `"1"`. A JSON integer
 * is refused like any other mistyped field (it used to be accepted; a simulator that takes what the vendor may
 * refuse hides a client sending numbers, which happened once with ids). `contextId` that is not this contact
 * center's id → 404 CONF-1004.
 * The Bearer token is not subject to the `expiredToken` fault (it is configured, not issued by this API).
 *
 * The RESPONSE SHAPE IS UNDOCUMENTED (notes §3d). We answer with the CMS envelope of the contact-upload example:
 * `{http_code:200, method:"POST", request_id, response:[{data:{username, context, context_id, user_role,
 * date_expiry}, http_code:200, error_data:null}], metadata:null}`.
 */
export function basicAuthRoute(rt: AmeyoRuntime): SimRoute {
  return {
    route: 'POST /configuration/basicauth',
    public: true, // no Basic auth here: it requires the admin Bearer token instead
    handler: (ctx) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? '');
      if (!bearer || bearer[1] !== rt.adminBearerToken) return unauthorized();

      const body = ctx.json;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return badRequest('Request body must be a JSON object.');
      }
      const b = body as Record<string, unknown>;
      for (const field of REQUIRED_STRINGS) {
        if (typeof b[field] !== 'string' || b[field].trim() === '') {
          return badRequest(`Missing or invalid required field '${field}'.`);
        }
      }
      const { username, password, context, contextId, userRole } = b as Record<(typeof REQUIRED_STRINGS)[number], string>;
      if (context !== 'ContactCenter') return badRequest("Field 'context' must be 'ContactCenter'.");
      if (!/^\d+$/.test(contextId)) return badRequest("Field 'contextId' must be an integer contact center id.");
      if (Number(contextId) !== rt.state.ccId) return notFound();
      let dateExpiry: string | null = null;
      if (b.dateExpiry !== undefined && b.dateExpiry !== null) {
        const ms = typeof b.dateExpiry === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(b.dateExpiry) ? Date.parse(b.dateExpiry) : NaN;
        if (Number.isNaN(ms)) return badRequest("Field 'dateExpiry' must be an ISO 8601 timestamp.");
        dateExpiry = new Date(ms).toISOString();
      }

      const user: AmeyoApiUser = { username, password, context: 'ContactCenter', contextId, userRole, dateExpiry, source: 'basicauth' };
      const existing = rt.state.apiUsers.findIndex((u) => u.username === username);
      if (existing >= 0) rt.state.apiUsers[existing] = user;
      else rt.state.apiUsers.push(user);

      return envelope(
        'POST',
        [
          {
            data: { username, context: 'ContactCenter', context_id: contextId, user_role: userRole, date_expiry: dateExpiry },
            http_code: 200,
            error_data: null,
          },
        ],
        null,
      );
    },
  };
}
