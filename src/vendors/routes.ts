/**
 * Endpoints are rows, not functions (STYLE.md rule 1). Each vendor's `routes.ts` maps a domain name
 * (`listAgents`) to `'METHOD /path/{param}'` plus the API family whose base URL it hangs off; this file
 * is the only code that turns a row into a URL. Every `{param}` goes through `encodeURIComponent`, and
 * a param that would change the path's shape ('', '.', '..') is refused before anything is sent.
 */
import { z } from 'zod';
import { BadUserInputError } from '../errors';
import type { HttpMethod, RequestScope, UpstreamHandler, UpstreamResponse } from '../upstream/types';

export interface RouteDef<Family extends string = string> {
  /** `'GET /v4/cc-list/{ccId}/monitoring/user-session-information'`, relative to the family's base URL. */
  route: `${HttpMethod} /${string}`;
  /** The API family (base URL) the path is relative to. */
  family: Family;
  /** Share and cache this read for the connection's `cacheTtlMs` (polled lists). Default false. */
  cached?: boolean;
  /** Methods the real API is also seen to accept, where the vendor doc and reality disagree. */
  alternates?: { method?: readonly HttpMethod[] };
}

export type RouteTable<Family extends string = string> = Record<string, RouteDef<Family>>;

/**
 * A connection's own method or path for some rows (config `routes`): where a vendor's tenant answers an unconfirmed
 * row ([U]) at another path, or takes one of its `alternates`, the operator says so without a code change.
 */
export type RouteOverrides = Readonly<Record<string, { readonly method?: HttpMethod | undefined; readonly path?: string | undefined }>>;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The config schema of a connection's `routes` for `table`: keys are its row names; a method must be the row's own
 * or one of its `alternates`; a path starts with `/` and keeps exactly the row's `{params}`. Default none.
 */
export function routeOverrides(table: RouteTable) {
  const override = z
    .object({
      method: z.enum(HTTP_METHODS).optional(),
      path: z
        .string()
        .regex(/^\/\S*$/, "expected a path starting with '/' and without spaces")
        .optional(),
    })
    .strict();
  return z
    .record(z.string(), override)
    .superRefine((routes, ctx) => {
      for (const [name, o] of Object.entries(routes)) {
        const def = table[name];
        if (!def) {
          ctx.addIssue({ code: 'custom', path: [name], message: `unknown route '${name}' (expected one of ${Object.keys(table).join(', ')})` });
          continue;
        }
        const row = parseRoute(def.route);
        const methods = [row.method, ...(def.alternates?.method ?? [])];
        if (o.method && !methods.includes(o.method)) {
          ctx.addIssue({ code: 'custom', path: [name, 'method'], message: `route '${name}' is sent with ${methods.join(' or ')}, not ${o.method}` });
        }
        if (o.path !== undefined) {
          const params = [...o.path.matchAll(PARAM)].map((m) => m[1]!);
          if ([...params].sort().join() !== [...row.params].sort().join()) {
            const want = row.params.map((p) => `{${p}}`).join(', ') || 'no parameters';
            ctx.addIssue({ code: 'custom', path: [name, 'path'], message: `route '${name}' must keep its parameters (${want}), got '${o.path}'` });
          }
        }
      }
    })
    .default({});
}

/** The row as this connection sends it: its `routes` override applied. */
function withOverride<Family extends string>(def: RouteDef<Family>, o: RouteOverrides[string] | undefined): RouteDef<Family> {
  if (!o || (o.method === undefined && o.path === undefined)) return def;
  const row = parseRoute(def.route);
  return { ...def, route: `${o.method ?? row.method} ${o.path ?? row.path}` as RouteDef['route'], alternates: { method: [row.method, ...(def.alternates?.method ?? [])] } };
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>;

export interface RouteCall {
  params?: Record<string, string | number>;
  /** Appended in order; arrays repeat the key (`id[]=1&id[]=2`); null/undefined are skipped. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A JSON body (serialised here) or raw bytes/text, or a one-shot stream (uploads). */
  json?: unknown;
  body?: string | Buffer | AsyncIterable<Uint8Array>;
  /** Overall cap for this call, for long uploads and downloads. */
  timeoutMs?: number;
  responseType?: 'buffer' | 'stream';
  /** Overrides the row's method with one of its `alternates`. */
  method?: HttpMethod;
}

const PARAM = /\{([A-Za-z0-9_]+)\}/g;

export function parseRoute(route: string): { method: HttpMethod; path: string; params: string[] } {
  const m = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(route);
  if (!m) throw new TypeError(`expected a route 'METHOD /path', got '${route}'`);
  return { method: m[1] as HttpMethod, path: m[2]!, params: [...m[2]!.matchAll(PARAM)].map((x) => x[1]!) };
}

/** Builds the method and absolute URL for one row. */
export function buildRouteUrl(name: string, def: RouteDef, baseUrl: string, call: RouteCall = {}): { method: HttpMethod; url: URL } {
  const parsed = parseRoute(def.route);
  let method = parsed.method;
  if (call.method && call.method !== parsed.method) {
    if (!def.alternates?.method?.includes(call.method)) {
      throw new TypeError(`route '${name}' has no alternate method ${call.method}`);
    }
    method = call.method;
  }
  const path = parsed.path.replace(PARAM, (_m, key: string) => {
    const raw = call.params?.[key];
    if (raw === undefined) throw new TypeError(`route '${name}' needs param '${key}'`);
    const value = String(raw);
    if (value === '' || value === '.' || value === '..') {
      throw new BadUserInputError(`expected ${key} to be a non-empty id, got ${JSON.stringify(value)}`);
    }
    return encodeURIComponent(value);
  });
  const url = new URL(baseUrl + path);
  for (const [key, v] of Object.entries(call.query ?? {})) {
    if (v === null || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(key, String(item));
  }
  return { method, url };
}

export interface RouteContext<Family extends string> {
  send: UpstreamHandler;
  baseUrls: Record<Family, string>;
  /** The connection's cache TTL, used for rows marked `cached`. */
  cacheTtlMs: number;
  /** The connection's `routes` config. Default none. */
  overrides?: RouteOverrides;
}

/** Sends one row through the connection's upstream chain. */
export function callRoute<Family extends string>(ctx: RouteContext<Family>, table: RouteTable<Family>, name: string, scope: RequestScope, call: RouteCall = {}): Promise<UpstreamResponse> {
  const row = table[name];
  if (!row) throw new TypeError(`unknown route '${name}'`);
  const def = withOverride(row, ctx.overrides?.[name]);
  const { method, url } = buildRouteUrl(name, def, ctx.baseUrls[def.family], call);
  const headers: Record<string, string> = { accept: 'application/json', ...(call.headers ?? {}) };
  let body = call.body;
  if (call.json !== undefined) {
    body = JSON.stringify(call.json);
    headers['content-type'] = 'application/json';
  }
  return ctx.send({
    method,
    url,
    route: name,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
    ...(call.responseType ? { responseType: call.responseType } : {}),
    scope,
    ...(def.cached ? { cacheTtlMs: ctx.cacheTtlMs } : {}),
  });
}
