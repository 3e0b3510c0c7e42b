/**
 * Not public API. CORS for the routes a browser app calls (`/graphql`, `/files/...`), per the Fetch
 * standard's CORS protocol (https://fetch.spec.whatwg.org/#http-cors-protocol):
 *
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here, before any
 *   auth check: a browser never sends credentials on a preflight, so requiring them made every
 *   cross-origin call fail with 401. An allowed origin gets 204 with the allow headers; any other origin a
 *   403 with no CORS headers, and the browser blocks the call.
 * - An answer to an allowed origin names that origin in `Access-Control-Allow-Origin` (never `*` together
 *   with credentials: the config refuses it) and exposes `x-request-id` and `retry-after`.
 * - Every answer of a CORS route says `Vary: Origin`, so a shared cache never hands one origin's answer to
 *   another.
 *
 * Which origins: `server.cors.origins`, unless a tenant lists its own (`tenants[].cors.origins`). A
 * preflight carries no key, so it is allowed when any tenant allows the origin; the real request is then
 * checked against its own tenant's list (`allowForTenant`), and loses its CORS headers when that tenant
 * does not allow the origin: the browser hides the answer from the page.
 */
import type http from 'node:http';
import type { Config } from '../config/schema';
import { appendVary, sendGraphQLError } from './respond';

/** Request headers a browser app may send. Apollo Client sends content-type and accept; the rest are ours or Apollo's. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'traceparent',
  'tracestate',
].join(', ');
/** Response headers a page may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-request-id, retry-after';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

export interface CorsPolicy {
  /**
   * Answers a preflight and returns true, or returns false when `req` is not one (an `OPTIONS` without
   * `Origin` and `Access-Control-Request-Method` is routed like any other request).
   */
  preflight(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Sets the CORS headers of an answer, for an origin any tenant allows (before the caller is known). */
  allow(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Once the tenant is known: keeps the CORS headers only when this tenant allows the origin. */
  allowForTenant(req: http.IncomingMessage, res: http.ServerResponse, tenantId: string): void;
  /**
   * Browsers do not apply CORS to WebSockets: whether a WebSocket upgrade's `Origin` may open one (issue 17).
   * No `Origin` (not a browser) and the gateway's own origin (the IDE) may; another origin only when the
   * tenant's CORS origins (any tenant's, before the caller is known: `tenantId` null) list it.
   */
  allowsWebSocket(req: http.IncomingMessage, tenantId: string | null): boolean;
}

type Origins = { any: boolean; exact: ReadonlySet<string> };
const originsOf = (list: readonly string[]): Origins => ({ any: list.includes('*'), exact: new Set(list) });
const allows = (o: Origins, origin: string) => o.any || o.exact.has(origin);

const originOf = (req: http.IncomingMessage): string | undefined => {
  const o = req.headers.origin;
  return typeof o === 'string' && o !== '' ? o : undefined;
};

export function createCorsPolicy(config: Pick<Config, 'server' | 'tenants'>): CorsPolicy {
  const { allowCredentials, maxAgeSeconds } = config.server.cors;
  const server = originsOf(config.server.cors.origins);
  const perTenant = new Map<string, Origins>();
  for (const t of config.tenants) perTenant.set(t.id, t.cors?.origins ? originsOf(t.cors.origins) : server);
  const anyTenant = originsOf([...new Set([...perTenant.values()].flatMap((o) => (o.any ? ['*'] : [...o.exact])))]);
  const enabled = anyTenant.any || anyTenant.exact.size > 0;

  const setAllowHeaders = (res: http.ServerResponse, origin: string, all: Origins) => {
    // `*` only without credentials (the config refuses both together); otherwise the origin itself.
    res.setHeader('access-control-allow-origin', all.any && !allowCredentials ? '*' : origin);
    if (allowCredentials) res.setHeader('access-control-allow-credentials', 'true');
  };

  return {
    preflight(req, res) {
      const origin = originOf(req);
      if (req.method !== 'OPTIONS' || !origin || req.headers['access-control-request-method'] === undefined) return false;
      appendVary(res, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      if (!enabled || !allows(anyTenant, origin)) {
        sendGraphQLError(res, 403, { message: `cross-origin requests from ${JSON.stringify(origin.slice(0, 200))} are not allowed (server.cors.origins)`, code: 'FORBIDDEN' });
        return true;
      }
      setAllowHeaders(res, origin, anyTenant);
      res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
      res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      res.setHeader('access-control-max-age', String(maxAgeSeconds));
      res.writeHead(204, { 'content-length': '0' });
      res.end();
      return true;
    },
    allow(req, res) {
      appendVary(res, 'Origin');
      const origin = originOf(req);
      if (!origin || !allows(anyTenant, origin)) return;
      setAllowHeaders(res, origin, anyTenant);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    },
    allowsWebSocket(req, tenantId) {
      const origin = originOf(req);
      if (!origin) return true;
      const host = req.headers.host;
      if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
      return allows(tenantId === null ? anyTenant : (perTenant.get(tenantId) ?? server), origin);
    },
    allowForTenant(req, res, tenantId) {
      const origin = originOf(req);
      if (!origin || res.headersSent) return;
      const own = perTenant.get(tenantId) ?? server;
      if (allows(own, origin)) return;
      for (const h of ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers']) res.removeHeader(h);
    },
  };
}
