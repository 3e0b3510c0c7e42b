/** The Ameyo simulator's vendor definition for the shared engine: route table, auth, rate-limit key and error bodies. */
import type { SimContext, SimReply, SimRoute, SimVendor } from '../common/server';
import { appServerRoutes, authenticateAppServer, restMethodNotAllowed, restNotFound } from './appserver';
import { authenticateBasic, basicAuthRoute, rateLimitKey as basicRateLimitKey } from './auth';
import { crmControl } from './crm';
import { methodNotAllowed, notFound, serverError, tooManyRequests } from './errors';
import { monitoringRoutes } from './monitoring';
import type { AmeyoRuntime } from './runtime';
import { uploadRoutes } from './upload';
import { authenticateWebAccess, webAccessRoutes, webError } from './webaccess';

/** Every route, grouped by API family (notes §3: three families with their own conventions). */
export function ameyoRoutes(rt: AmeyoRuntime): SimRoute[] {
  return [
    basicAuthRoute(rt), // CMS configuration (notes §3d)
    ...uploadRoutes(rt), // CMS contact upload + error file (notes §3d)
    ...monitoringRoutes(rt), // data engine (notes §3d)
    ...appServerRoutes(rt), // app server /ameyorestapi (notes §3b)
    ...webAccessRoutes(rt), // app server /ameyowebaccess commands (notes §3c)
  ];
}

/** Which family a path belongs to; each has its own auth and error bodies. */
type Family = 'webaccess' | 'appserver' | 'cms';
function familyOf(path: string): Family {
  if (path === '/ameyowebaccess' || path.startsWith('/ameyowebaccess/')) return 'webaccess';
  if (path === '/ameyorestapi' || path.startsWith('/ameyorestapi/')) return 'appserver';
  return 'cms';
}

/** True when some route has this path under another method (the engine then answers 405 with our notFound body). */
function pathExists(routes: SimRoute[], path: string): boolean {
  const parts = path.split('/');
  return routes.some((r) => {
    const segments = r.route.slice(r.route.indexOf(' ') + 1).split('/');
    return segments.length === parts.length && segments.every((s, i) => (s.startsWith(':') ? parts[i] !== '' : s === parts[i]));
  });
}

const headerValue = (ctx: SimContext, name: string) => {
  const v = ctx.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/**
 * The rate-limit key: Basic username for CMS / data engine (as before), the hash key for web-access commands (per
 * the brief), the token for disposeCallForUser and the session for disposeAndManualDial (our assumption: one
 * caller each). The limit runs after auth, so these are valid credentials.
 */
function rateLimitKey(ctx: SimContext): string {
  switch (familyOf(ctx.path)) {
    case 'webaccess':
      return `hash-key:${headerValue(ctx, 'hash-key')}`;
    case 'appserver':
      return ctx.path.endsWith('/disposeAndManualDial') ? `session:${headerValue(ctx, 'sessionid').trim()}` : `app-token:${headerValue(ctx, 'authorization').trim()}`;
    case 'cms':
      return basicRateLimitKey(ctx);
  }
}

/**
 * Unknown path / wrong method, in each family's error shape. 429 and 5xx faults keep the ExceptionBody shape for
 * every family (the engine does not pass the request to those hooks).
 */
function familyNotFound(routes: SimRoute[], ctx: SimContext): SimReply {
  const known = pathExists(routes, ctx.path);
  switch (familyOf(ctx.path)) {
    case 'webaccess':
      return known ? webError(405, 'Method not allowed', `Method ${ctx.method} is not allowed on ${ctx.path}`) : webError(404, 'Not found', `No web access endpoint at ${ctx.path}`);
    case 'appserver':
      return known ? restMethodNotAllowed(ctx.method, ctx.path) : restNotFound(ctx.path);
    case 'cms':
      return known ? methodNotAllowed() : notFound();
  }
}

export function ameyoVendor(rt: AmeyoRuntime): SimVendor {
  const routes = ameyoRoutes(rt);
  return {
    name: 'ameyo',
    routes,
    authenticate: (ctx) => {
      switch (familyOf(ctx.path)) {
        case 'webaccess':
          return authenticateWebAccess(rt, ctx);
        case 'appserver':
          return authenticateAppServer(rt, ctx);
        case 'cms':
          return authenticateBasic(rt, ctx);
      }
    },
    rateLimitKey,
    tooManyRequests,
    serverError,
    notFound: (ctx: SimContext) => familyNotFound(routes, ctx),
    control: (method, path, json) => crmControl(rt, method, path, json),
  };
}
