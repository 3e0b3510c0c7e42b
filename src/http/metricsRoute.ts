/**
 * GET /metrics, and who may read it (issue 11 item 4). The series name every tenant and connection id,
 * so the page is not for anyone who can reach the API port:
 *
 *   config `server.metrics`       where /metrics is served          who gets an answer
 *   (nothing set), demo mode      main port                         everyone (the demo binds 127.0.0.1)
 *   (nothing set)                 main port                         loopback clients; others 404
 *   token                         main port                         `Authorization: Bearer <token>`; else 401
 *   port (+ host)                 own listener at host:port only    everyone who reaches host:port (default 127.0.0.1)
 *   port (+ host) + token         own listener at host:port only    `Authorization: Bearer <token>`; else 401
 *
 * With a `port`, the main port answers /metrics with 404, so the page exists in one place only.
 * `metricsExposure` makes that decision from the config; `createMetricsHandler` is the route's handler
 * for the main routes table; `startMetricsListener` is the listener of its own.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { bearerTokenOf, digestOf } from '../auth';
import type { Config } from '../config/schema';
import { registry as processRegistry } from '../metrics';
import { listen } from './listen';
import { hasUnreadBody, sendJson, sendNotFound } from './respond';

export const METRICS_PATH = '/metrics';

export interface MetricsHandlerOptions {
  /** When set, a request must carry `Authorization: Bearer <token>`; anything else is 401. Default none. */
  token?: string;
  /**
   * Answer only clients on a loopback address (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104); anyone else gets
   * the 404 an unknown path gets. A request that a proxy relayed (it carries `Forwarded`,
   * `X-Forwarded-For` or `X-Real-IP`) is not a loopback client even when the proxy is.
   */
  loopbackOnly: boolean;
  /** The registry to serve. Default the process registry (src/metrics.ts). */
  registry?: Registry;
}

/** A request handler: never rejects for a client's doing; rejects only when the registry cannot collect. */
export type MetricsHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** Where /metrics is served, decided once from the config. */
export interface MetricsExposure {
  /** Handler options for /metrics on the main listener; null when /metrics is not served there (404). */
  main: MetricsHandlerOptions | null;
  /** A listener of its own for /metrics (`startMetricsListener`); null when there is none. */
  listener: { host: string; port: number; token?: string } | null;
}

/**
 * Where and to whom /metrics is served (the table at the top of this file). `demo`: the gateway runs in
 * demo mode, bound to loopback, where the metrics page stays open to every client.
 */
export function metricsExposure(config: { server: Pick<Config['server'], 'metrics'> }, opts: { demo: boolean }): MetricsExposure {
  const { host, port, token } = config.server.metrics;
  const withToken = token !== undefined ? { token } : {};
  if (port !== undefined) return { main: null, listener: { host, port, ...withToken } };
  if (token !== undefined) return { main: { token, loopbackOnly: false }, listener: null };
  return { main: { loopbackOnly: !opts.demo }, listener: null };
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8 (`::ffff:127.0.0.1`, what a dual-stack listener reports). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Headers a reverse proxy adds: their presence means the peer speaks for someone else. */
const RELAY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

export function createMetricsHandler(opts: MetricsHandlerOptions): MetricsHandler {
  const { token, loopbackOnly, registry = processRegistry } = opts;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
    throw new TypeError(`expected opts.token to be a non-empty string or undefined, got ${typeof token === 'string' ? 'an empty string' : typeof token}`);
  }
  // Compared as SHA-256 digests with timingSafeEqual, as src/auth.ts does for API keys: equal lengths
  // for timingSafeEqual, and nothing about the token's length shows in the timing.
  const expected = token !== undefined ? digestOf(token) : null;

  const unauthorized = (res: http.ServerResponse, message: string) =>
    sendJson(res, 401, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer realm="metrics"' });

  return async (req, res) => {
    if (loopbackOnly) {
      const relayed = RELAY_HEADERS.some((h) => req.headers[h] !== undefined);
      // The same answer as a path that does not exist: a remote client learns nothing about the page.
      if (relayed || !isLoopbackAddress(req.socket.remoteAddress)) return sendNotFound(res);
    }
    if (expected) {
      const presented = bearerTokenOf(req.headers.authorization);
      if (presented === null) return unauthorized(res, 'missing metrics token: send `Authorization: Bearer <token>`');
      if (!timingSafeEqual(digestOf(presented), expected)) return unauthorized(res, 'invalid metrics token');
    }
    const text = Buffer.from(await registry.metrics(), 'utf8');
    res.writeHead(200, {
      'content-type': registry.contentType,
      'content-length': String(text.length),
      'cache-control': 'no-store',
      ...(hasUnreadBody(req) ? { connection: 'close' } : {}),
    });
    res.end(text);
  };
}

export interface MetricsListenerOptions {
  /** Address to listen on, e.g. 127.0.0.1 (config `server.metrics.host`). */
  host: string;
  /** Port; 0 picks a free one (tests). */
  port: number;
  /** When set, scrapes must send `Authorization: Bearer <token>`. Default none. */
  token?: string;
  logger: Logger;
  /** The registry to serve. Default the process registry (src/metrics.ts). */
  registry?: Registry;
}

export interface MetricsListener {
  /** `http://host:port` of the listener; the page is at `${url}/metrics`. */
  readonly url: string;
  /** Stops accepting connections, lets a scrape in progress finish, then resolves. */
  close(): Promise<void>;
}

/**
 * A listener that serves GET /metrics and nothing else (every other method or path is 404). Every request
 * runs inside a try/catch: a failure is logged and answered 500, never thrown into Node's `request` event.
 */
export async function startMetricsListener(opts: MetricsListenerOptions): Promise<MetricsListener> {
  const { host, port, token, logger } = opts;
  if (typeof host !== 'string' || host.length === 0) throw new TypeError(`expected opts.host to be a non-empty string, got ${JSON.stringify(host)}`);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) throw new TypeError(`expected opts.port to be an integer 0-65535, got ${port}`);
  const handler = createMetricsHandler({
    loopbackOnly: false,
    ...(token !== undefined ? { token } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
  });

  const server = http.createServer((req, res) => {
    // A reset client makes req/res emit 'error'; with no listener that would be an uncaught exception.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const answer = async () => {
      // Only the path is compared, never parsed with `new URL` (a target such as `//` throws there).
      const path = (req.url ?? '').split('?', 1)[0];
      if (req.method === 'GET' && path === METRICS_PATH) return handler(req, res);
      return sendNotFound(res);
    };
    let done: Promise<void>;
    try {
      done = answer();
    } catch (err) {
      done = Promise.reject(err);
    }
    done.catch((err: unknown) => {
      logger.error({ err, listener: 'metrics' }, 'metrics request failed');
      try {
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  });
  // A scrape is one short GET: no reason to hold a slow client's socket for Node's default 300 s.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const url = await listen(server, host, port);
  server.on('error', (err) => logger.error({ err, listener: 'metrics' }, 'metrics listener error'));
  logger.info({ url: `${url}${METRICS_PATH}`, tokenRequired: token !== undefined }, 'metrics listener started');

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
