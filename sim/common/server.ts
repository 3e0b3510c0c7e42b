/**
 * The shared engine of the vendor simulators: a real HTTP server with a route table, a request log,
 * fault switches and a per-customer rate limit. Each vendor simulator (`sim/<vendor>/`) supplies its
 * routes, its auth check and its error bodies; this file knows nothing about any vendor.
 *
 * Order of work for one request (drawn here because tests depend on it):
 *
 *   read body -> log entry -> fault: reset -> fault: latency -> fault: 429 storm -> fault: 5xx
 *     -> route match (404 via vendor.notFound) -> vendor.authenticate -> rate limit (429 via vendor)
 *     -> route handler -> fault: malformed / truncated body -> write
 *
 * Control endpoints under `/__sim/` (never rate limited, never logged) let a separate process, such as a
 * benchmark or a person in demo mode, read the log and flip fault switches:
 *   GET  /__sim/requests          the request log as JSON
 *   DELETE /__sim/requests        clear it
 *   GET  /__sim/faults            the current switches
 *   PUT  /__sim/faults            replace the switches (JSON body, see `Faults`)
 *   *    /__sim/<vendor>/...      the vendor's own (`SimVendor.control`: Ameyo's CRM triggers, sim/ameyo/crm.ts)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as the simulator received it, and what it answered. */
export interface SimRequest {
  /** Milliseconds since the epoch, with sub-millisecond precision, taken when the request head arrived. */
  receivedAtMs: number;
  method: string;
  /** Path without the query string, exactly as sent (still percent-encoded). */
  path: string;
  /** The raw query string without `?` (empty when there is none). */
  rawQuery: string;
  /** Decoded query parameters; repeated keys keep every value in order. */
  query: Record<string, string[]>;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The request body as received (UTF-8; use `bodyBytes` for binary). */
  body: string;
  bodyBytes: number;
  /** HTTP status answered; 0 when the connection was reset by a fault. */
  status: number;
  /** The route key that matched (`'GET /v4/cc-list/:ccId/monitoring/user-session-information'`), or null. */
  route: string | null;
}

/** Fault switches. Each stays on until changed; `reset()` on the handle turns them all off. */
export interface Faults {
  /** Extra delay before answering, in milliseconds. 0 = none. */
  latencyMs: number;
  /** Answer every request with this 5xx status (vendor's error body). null = off. */
  serverErrorStatus: number | null;
  /** Destroy the socket without answering. */
  connectionReset: boolean;
  /** Answer every request with the vendor's 429 (a "429 storm"). */
  tooManyRequests: boolean;
  /** Treat every issued token/session as expired (vendor-specific: the vendor's 401). */
  expiredToken: boolean;
  /** Answer 200 with a body that is not valid JSON. */
  malformedBody: boolean;
  /** Announce the full Content-Length but send only half the body, then destroy the socket. */
  truncatedBody: boolean;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  serverErrorStatus: null,
  connectionReset: false,
  tooManyRequests: false,
  expiredToken: false,
  malformedBody: false,
  truncatedBody: false,
});

/** What a handler answers. An object or array body is sent as JSON; a string or Buffer as is. */
export interface SimReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a route handler receives. */
export interface SimContext {
  method: string;
  path: string;
  /** Path parameters from `:name` segments, percent-decoded. */
  params: Record<string, string>;
  /** Query parameters; `query.getAll('x')` for repeated keys. */
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Raw body bytes. */
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  faults: Readonly<Faults>;
  /** Whatever `authenticate` returned (e.g. the customer account). */
  principal: unknown;
}

export type SimHandler = (ctx: SimContext) => SimReply | Promise<SimReply>;

/** A route: `'GET /v4/cc-list/:ccId/monitoring/user-session-information'` -> handler. */
export interface SimRoute {
  /** `'METHOD /path/:param'`. Segments starting with `:` capture one path segment. */
  route: string;
  handler: SimHandler;
  /** Skip `authenticate` for this route (login endpoints). Default false. */
  public?: boolean;
  /** Skip the rate limit for this route. Default false. */
  unlimited?: boolean;
}

/** The vendor-specific parts of a simulator. */
export interface SimVendor {
  /** For log lines and error messages. */
  name: string;
  routes: SimRoute[];
  /**
   * Checks the request's credentials. Return a principal (any value, e.g. the account) on success, or a
   * `SimReply` (the vendor's 401/403) to refuse. Called after the route matched, before the rate limit.
   */
  authenticate(ctx: SimContext): { principal: unknown } | { reply: SimReply };
  /** The key the rate limit counts per (one customer). Default: one key for everyone. */
  rateLimitKey?(ctx: SimContext): string;
  /** The vendor's 429 answer. */
  tooManyRequests(): SimReply;
  /** The vendor's answer to a 5xx fault. */
  serverError(status: number): SimReply;
  /** The vendor's answer to an unknown path. */
  notFound(ctx: SimContext): SimReply;
  /** The vendor's own control endpoints under `/__sim/<vendor>/` (null: not one of them). Default none. */
  control?(method: string, path: string, json: unknown): Promise<SimReply | null> | SimReply | null;
}

export interface SimServerOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Requests per second per rate-limit key; the vendor's documented limit. Default 1. 0 turns it off. */
  requestsPerSecond?: number;
  /**
   * The request log keeps at most this many entries, dropping the oldest (a long-running demo must not grow
   * without end). Default 10,000.
   */
  maxLoggedRequests?: number;
}

/** A running simulator. */
export interface SimServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The requests received, oldest first (control endpoints excluded; the latest `maxLoggedRequests`). */
  readonly requests: SimRequest[];
  /** Clears the request log. */
  clearRequests(): void;
  /** The current fault switches. */
  readonly faults: Readonly<Faults>;
  /** Turns on the given switches (merged over the current ones). */
  setFaults(faults: Partial<Faults>): void;
  /** Turns every fault off. */
  resetFaults(): void;
  /** Stops listening and destroys open sockets. */
  close(): Promise<void>;
}

interface CompiledRoute {
  method: string;
  segments: string[];
  key: string;
  def: SimRoute;
}

function compile(def: SimRoute): CompiledRoute {
  const match = /^([A-Z]+) (\/\S*)$/.exec(def.route);
  if (!match) throw new TypeError(`expected route to be 'METHOD /path', got '${def.route}'`);
  return { method: match[1]!, segments: match[2]!.split('/').slice(1), key: def.route, def };
}

function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  const parts = path.split('/').slice(1);
  let pathMatched = false;
  for (const r of routes) {
    if (r.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const seg = r.segments[i]!;
      const part = parts[i]!;
      if (seg.startsWith(':')) {
        if (part === '') {
          ok = false;
          break;
        }
        try {
          params[seg.slice(1)] = decodeURIComponent(part);
        } catch {
          ok = false;
          break;
        }
      } else if (seg !== part) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params };
  }
  return pathMatched ? { methodNotAllowed: true as const } : null;
}

function headerRecord(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function queryRecord(q: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of q) (out[k] ??= []).push(v);
  return out;
}

function encodeBody(reply: SimReply): { body: Buffer; contentType: string | undefined } {
  if (reply.body === undefined) return { body: Buffer.alloc(0), contentType: undefined };
  if (Buffer.isBuffer(reply.body)) return { body: reply.body, contentType: undefined };
  if (typeof reply.body === 'string' && reply.headers?.['content-type']) {
    return { body: Buffer.from(reply.body), contentType: undefined };
  }
  // Objects, arrays and bare JSON strings (campaign-api's 401 body is a JSON string).
  return { body: Buffer.from(JSON.stringify(reply.body)), contentType: 'application/json; charset=utf-8' };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a simulator for `vendor`. Resolves once it is listening. */
export async function startSimServer(vendor: SimVendor, opts: SimServerOptions = {}): Promise<SimServer> {
  const {
    host = '127.0.0.1',
    port = 0,
    requestsPerSecond = 1, // the vendors' documented limit
    maxLoggedRequests = 10_000,
  } = opts;
  if (!(requestsPerSecond >= 0)) {
    throw new TypeError(`expected opts.requestsPerSecond to be >= 0, got ${requestsPerSecond}`);
  }
  if (!Number.isInteger(maxLoggedRequests) || maxLoggedRequests < 1) {
    throw new TypeError(`expected opts.maxLoggedRequests to be an integer >= 1, got ${maxLoggedRequests}`);
  }
  const minIntervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  const routes = vendor.routes.map(compile);
  const requests: SimRequest[] = [];
  const lastAcceptedAt = new Map<string, number>();
  let faults: Faults = { ...NO_FAULTS };
  const sockets = new Set<import('node:net').Socket>();

  const write = (res: http.ServerResponse, reply: SimReply, entry: SimRequest | null) => {
    const { body, contentType } = encodeBody(reply);
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = contentType;
    }
    if (entry) entry.status = reply.status;
    if (entry && faults.truncatedBody && body.length > 1) {
      headers['content-length'] = String(body.length);
      res.writeHead(reply.status, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const control = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, raw: Buffer) => {
    const json = (status: number, body: unknown) => write(res, { status, body }, null);
    if (path === '/__sim/requests' && req.method === 'GET') return json(200, requests);
    if (path === '/__sim/requests' && req.method === 'DELETE') {
      requests.length = 0;
      return json(200, { cleared: true });
    }
    if (path === '/__sim/faults' && req.method === 'GET') return json(200, faults);
    if (path === '/__sim/faults' && req.method === 'PUT') {
      try {
        faults = { ...NO_FAULTS, ...(JSON.parse(raw.toString('utf8')) as Partial<Faults>) };
        return json(200, faults);
      } catch {
        return json(400, { error: 'expected a JSON object of fault switches' });
      }
    }
    if (vendor.control) {
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        return json(400, { error: 'expected a JSON body' });
      }
      const answer = await vendor.control(req.method ?? 'GET', path, body);
      if (answer) return write(res, answer, null);
    }
    return json(404, { error: `no control endpoint ${req.method} ${path}` });
  };

  const server = http.createServer(async (req, res) => {
    const receivedAtMs = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      // The client went away mid-body (an aborted upload): nothing arrived whole, so nothing is logged.
      return;
    }
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/__sim/')) return control(req, res, path, rawBody).catch(() => res.destroy());

    const entry: SimRequest = {
      receivedAtMs,
      method: req.method ?? 'GET',
      path,
      rawQuery: url.search.slice(1),
      query: queryRecord(url.searchParams),
      headers: headerRecord(req.headers),
      body: rawBody.toString('utf8'),
      bodyBytes: rawBody.length,
      status: 0,
      route: null,
    };
    if (requests.length >= maxLoggedRequests) requests.splice(0, requests.length - maxLoggedRequests + 1);
    requests.push(entry);

    let json: unknown;
    if (rawBody.length > 0) {
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        json = undefined;
      }
    }
    const ctx: SimContext = {
      method: entry.method,
      path,
      params: {},
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      json,
      faults,
      principal: undefined,
    };

    try {
      if (faults.connectionReset) {
        req.socket.destroy();
        return;
      }
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (res.destroyed) return;
      if (faults.tooManyRequests) return write(res, vendor.tooManyRequests(), entry);
      if (faults.serverErrorStatus !== null) return write(res, vendor.serverError(faults.serverErrorStatus), entry);

      const found = matchRoute(routes, entry.method, path);
      if (!found) return write(res, vendor.notFound(ctx), entry);
      if ('methodNotAllowed' in found) return write(res, { ...vendor.notFound(ctx), status: 405 }, entry);
      entry.route = found.route.key;
      ctx.params = found.params;

      if (!found.route.def.public) {
        const auth = vendor.authenticate(ctx);
        if ('reply' in auth) return write(res, auth.reply, entry);
        ctx.principal = auth.principal;
      }

      if (minIntervalMs > 0 && !found.route.def.unlimited) {
        const key = vendor.rateLimitKey?.(ctx) ?? '*';
        const last = lastAcceptedAt.get(key);
        if (last !== undefined && receivedAtMs - last < minIntervalMs) {
          return write(res, vendor.tooManyRequests(), entry);
        }
        lastAcceptedAt.set(key, receivedAtMs);
      }

      const reply = await found.route.def.handler(ctx);
      if (faults.malformedBody && reply.status < 300) {
        return write(res, { status: reply.status, headers: { 'content-type': 'application/json' }, body: '{"truncated": [1, 2,' }, entry);
      }
      return write(res, reply, entry);
    } catch (err) {
      // A simulator bug must be loud in tests, not look like a vendor answer.
      console.error(`[sim:${vendor.name}] handler failed for ${entry.method} ${path}:`, err);
      return write(res, { status: 599, body: { simulatorBug: String(err) } }, entry);
    }
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    port: address.port,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    get faults() {
      return faults;
    },
    setFaults: (f) => {
      faults = { ...faults, ...f };
    },
    resetFaults: () => {
      faults = { ...NO_FAULTS };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
