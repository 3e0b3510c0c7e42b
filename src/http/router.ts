/**
 * Not public API. The HTTP layer is a table of routes and one request listener around it:
 *
 *   1. parse the request-target (src/http/requestTarget.ts): a target that is not a path is a 400;
 *   2. take or make the request id (`x-request-id`), echoed on every answer and on the request's log lines;
 *   3. find the route: the first row whose path, method and `when` match; a path with no row for the
 *      method is a 405 with `Allow`, no path at all a 404;
 *   4. CORS (src/http/cors.ts) on the paths of routes marked `cors`: a preflight is answered before any
 *      auth check, every other answer carries the CORS headers of its origin;
 *   5. while the gateway drains (SIGTERM), work routes answer 503 and every answer closes its connection;
 *   6. run the handler inside the one error boundary: nothing a handler throws, synchronously or not,
 *      escapes into Node's `request` event (issue 11, item 1). An unexpected error is logged with the
 *      request id and answered 500 INTERNAL, or the socket is destroyed when the answer had started.
 *
 * Lookups go through a Map and arrays, never a plain object, so `/constructor` or `/__proto__` is a path
 * like any other (issue 11, item 8).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { CorsPolicy } from './cors';
import { setHttpRoute } from '../telemetry/httpServer';
import { parseRequestTarget, type RequestTarget } from './requestTarget';
import { graphQLErrorBody, sendGraphQLError, sendNotFound } from './respond';

export interface RouteRequest {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly target: RequestTarget;
  readonly requestId: string;
  /** The gateway's logger with `reqId` bound. */
  readonly log: Logger;
}

export interface Route {
  /** A fixed name: the route's label in logs. */
  readonly name: string;
  /** An exact path, or with `prefix` every path that starts with it. */
  readonly path: string;
  readonly prefix?: boolean;
  /** Methods the route answers; `'*'` for all (the GraphQL route lets Apollo answer the rest). */
  readonly methods: readonly string[] | '*';
  /** A further condition (the IDE page shares `/graphql` with the API). */
  readonly when?: (req: http.IncomingMessage, target: RequestTarget) => boolean;
  /** Counts as in-flight work: drained on shutdown, refused with 503 while draining. Default false. */
  readonly work?: boolean;
  /** Browser apps on other origins call it: CORS preflights and headers apply on its path. Default false. */
  readonly cors?: boolean;
  handle(r: RouteRequest): Promise<void> | void;
}

/** Requests in flight on work routes, so shutdown can wait for them. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  track(res: http.ServerResponse): void {
    this.count++;
    res.once('close', () => {
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== onIdle);
        resolve(idle);
      };
      const onIdle = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.push(onIdle);
    });
  }
}

export interface RequestListenerOptions {
  logger: Logger;
  inFlight: InFlight;
  /** True once shutdown has begun. */
  isDraining(): boolean;
  cors: CorsPolicy;
}

/** A client's `x-request-id` is kept when it is short and plain; anything else is replaced (it goes into logs). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function pathMatches(route: Route, pathname: string): boolean {
  return route.prefix ? pathname.startsWith(route.path) : pathname === route.path;
}

function methodMatches(route: Route, method: string): boolean {
  return route.methods === '*' || route.methods.includes(method);
}

export function createRequestListener(routes: readonly Route[], opts: RequestListenerOptions): http.RequestListener {
  const { logger, inFlight, isDraining, cors } = opts;

  const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse, r: RouteRequest | null): Promise<void> => {
    if (!r) {
      return sendGraphQLError(res, 400, { message: 'the request-target must be a path beginning with "/"', code: 'BAD_REQUEST' });
    }
    const method = req.method ?? 'GET';
    const onPath = routes.filter((route) => pathMatches(route, r.target.pathname));
    if (onPath.some((x) => x.cors)) {
      if (cors.preflight(req, res)) return;
      cors.allow(req, res);
    }
    const route = onPath.find((x) => methodMatches(x, method) && (!x.when || x.when(req, r.target)));
    if (!route) {
      if (onPath.length === 0) return sendNotFound(res);
      const allow = [...new Set(onPath.flatMap((x) => (x.methods === '*' ? [] : x.methods)))].join(', ');
      return sendGraphQLError(res, 405, { message: `${method} is not allowed here; use ${allow}`, code: 'BAD_REQUEST' }, { allow });
    }
    setHttpRoute(res, route.name); // the answer's metric label and span route (src/telemetry/httpServer.ts)
    if (route.work) {
      if (isDraining()) {
        return sendGraphQLError(res, 503, { message: 'the gateway is shutting down; send the request again', code: 'SHUTTING_DOWN' }, { 'retry-after': '1' });
      }
      inFlight.track(res);
    }
    res.once('close', () => {
      // A client that leaves early is not an error of ours (issue 11, item 8): info, with the request id.
      if (!res.writableFinished) r.log.info({ route: route.name }, 'client closed the connection before the answer was complete');
    });
    await route.handle(r);
  };

  return (req, res) => {
    const requestId = requestIdOf(req);
    const log = logger.child({ reqId: requestId });
    // A reset client makes req/res emit 'error'; with no listener that would be an uncaught exception.
    req.on('error', (err) => log.debug({ err: err.message }, 'request stream error'));
    res.on('error', (err) => log.debug({ err: err.message }, 'response stream error'));
    res.setHeader('x-request-id', requestId);
    if (isDraining()) res.setHeader('connection', 'close');
    const target = parseRequestTarget(req.url);
    let routed: Promise<void>;
    try {
      routed = dispatch(req, res, target ? { req, res, target, requestId, log } : null);
    } catch (err) {
      routed = Promise.reject(err);
    }
    routed.catch((err: unknown) => {
      log.error({ err, path: target?.pathname }, 'request failed');
      try {
        if (!res.headersSent) sendGraphQLError(res, 500, { message: 'Internal server error', code: 'INTERNAL' });
        else res.destroy();
      } catch {
        res.destroy();
      }
    });
  };
}

/** A whole HTTP/1.1 answer with a GraphQL-shaped error body, for sockets that never became a request. */
function rawAnswer(status: number, reason: string, message: string): string {
  const body = JSON.stringify(graphQLErrorBody({ message, code: 'BAD_REQUEST' }));
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Node's statuses for requests its parser refused (lib/_http_server.js#socketOnError), with our body. */
const CLIENT_ERRORS = new Map<string | undefined, [number, string, string]>([
  ['ERR_HTTP_REQUEST_TIMEOUT', [408, 'Request Timeout', 'the request headers were not received in time']],
  ['HPE_HEADER_OVERFLOW', [431, 'Request Header Fields Too Large', 'the request headers are too large']],
]);

/**
 * `clientError`: what the HTTP parser refused (a malformed request line, a header overflow, the headers
 * timeout) gets a status and a JSON body, then the socket closes. Without a listener Node answers the same
 * statuses with no body.
 */
export function createClientErrorListener(logger: Logger) {
  return (err: NodeJS.ErrnoException, socket: Duplex): void => {
    const message = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code !== 'ECONNRESET' && socket.writable && !message?.headersSent) {
      const [status, reason, text] = CLIENT_ERRORS.get(err.code) ?? [400, 'Bad Request', 'the request could not be parsed as HTTP/1.1'];
      socket.end(rawAnswer(status, reason, text));
    }
    logger.debug({ err: err.message, code: err.code }, 'client error');
    socket.destroy();
  };
}

/**
 * `connect`: a CONNECT request (authority-form target) is for proxies. Without a listener Node drops the
 * socket with no answer at all; we answer 400 like any other target that is not a path.
 */
export function refuseConnect(_req: http.IncomingMessage, socket: Duplex): void {
  socket.end(rawAnswer(400, 'Bad Request', 'the request-target must be a path beginning with "/"'));
  socket.destroy();
}
