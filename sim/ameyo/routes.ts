/** The Ameyo simulator's vendor definition for the shared engine: route table, auth, rate-limit key and error bodies. */
import type { SimContext, SimRoute, SimVendor } from '../common/server';
import { authenticateBasic, basicAuthRoute, rateLimitKey } from './auth';
import { methodNotAllowed, notFound, serverError, tooManyRequests } from './errors';
import { monitoringRoutes } from './monitoring';
import type { AmeyoRuntime } from './runtime';

/** Every route, grouped by API family. Later families (contact uploads, dialing, recordings) add theirs here. */
export function ameyoRoutes(rt: AmeyoRuntime): SimRoute[] {
  return [
    basicAuthRoute(rt), // CMS configuration (notes §3d)
    ...monitoringRoutes(rt), // data engine (notes §3d)
  ];
}

/** True when some route has this path under another method (the engine then answers 405 with our notFound body). */
function pathExists(routes: SimRoute[], path: string): boolean {
  const parts = path.split('/');
  return routes.some((r) => {
    const segments = r.route.slice(r.route.indexOf(' ') + 1).split('/');
    return segments.length === parts.length && segments.every((s, i) => s.startsWith(':') ? parts[i] !== '' : s === parts[i]);
  });
}

export function ameyoVendor(rt: AmeyoRuntime): SimVendor {
  const routes = ameyoRoutes(rt);
  return {
    name: 'ameyo',
    routes,
    authenticate: (ctx) => authenticateBasic(rt, ctx),
    rateLimitKey,
    tooManyRequests,
    serverError,
    notFound: (ctx: SimContext) => (pathExists(routes, ctx.path) ? methodNotAllowed() : notFound()),
  };
}
