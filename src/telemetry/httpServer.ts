/**
 * The HTTP listener, observed: `switchboard_http_responses_total{route, status_class}` for every answer,
 * and, while tracing runs, one SERVER span per request that every span of the request descends from
 * (the GraphQL operation's, then each upstream call's).
 *
 * `observeRequests` wraps the router's listener (src/http/server.ts); the router names the route it chose
 * with `setHttpRoute` (src/http/router.ts), so the span and the metric carry the route's fixed name and
 * never the path a client sent. The router answers three kinds of request without choosing a route: a
 * request-target that is not a path (400) is `unrouted`, a CORS preflight (src/http/cors.ts, answered
 * before routing) is `preflight`, and a request no row took (404, 405) is `not_found`.
 *
 * Span (semantic conventions for HTTP servers): name `METHOD route`; `http.request.method` (`_OTHER` for
 * a method outside the HTTP spec's list), `url.path` (the path only: the query string can carry a
 * persisted query's variables or a key), `http.route` (the route's name), `http.response.status_code`;
 * status ERROR and `error.type` for a 5xx. An incoming `traceparent` makes it a child of the caller's span.
 * No header, query string or body is ever read into it.
 */
import type http from 'node:http';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { parseRequestTarget } from '../http/requestTarget';
import { httpResponses } from '../metrics';
import { extractTraceContext } from './propagation';
import { activeTracer } from './tracing';

/** The `route` label and `http.route` of a request no row of the routes table took (404, 405). */
export const ROUTE_NOT_FOUND = 'not_found';
/** The `route` label of a request whose request-target is not a path (400 before routing). */
export const ROUTE_UNROUTED = 'unrouted';
/** The `route` label of a CORS preflight the router answered before routing (204 or 403). */
export const ROUTE_PREFLIGHT = 'preflight';

/** A CORS preflight as the Fetch standard defines it (and src/http/cors.ts answers it). */
const isPreflight = (req: http.IncomingMessage) => req.method === 'OPTIONS' && req.headers['origin'] !== undefined && req.headers['access-control-request-method'] !== undefined;

/** The label of an answer the router gave without choosing a route. */
function unroutedLabel(req: http.IncomingMessage, status: number | null): string {
  if (!parseRequestTarget(req.url)) return ROUTE_UNROUTED;
  if (isPreflight(req) && status !== 404 && status !== 405) return ROUTE_PREFLIGHT;
  return ROUTE_NOT_FOUND;
}

/** Methods the semantic conventions name; any other is `_OTHER` (Node's parser knows ~35). */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'QUERY', 'TRACE']);

interface Exchange {
  route: string | null;
  method: string;
  span: Span | null;
}

const exchanges = new WeakMap<http.ServerResponse, Exchange>();

/** Called by the router once it has chosen a route: the route's fixed name labels the answer and the span. */
export function setHttpRoute(res: http.ServerResponse, name: string): void {
  const exchange = exchanges.get(res);
  if (!exchange) return;
  exchange.route = name;
  if (exchange.span) {
    exchange.span.setAttribute(ATTR_HTTP_ROUTE, name);
    exchange.span.updateName(`${exchange.method} ${name}`);
  }
}

function finish(req: http.IncomingMessage, res: http.ServerResponse, exchange: Exchange): void {
  // A client that left before any status was sent got no answer: nothing to count (it is logged at info).
  const status = res.headersSent ? res.statusCode : null;
  const route = exchange.route ?? unroutedLabel(req, status);
  if (status !== null) httpResponses.inc({ route, status_class: `${Math.floor(status / 100)}xx` });
  const span = exchange.span;
  if (!span) return;
  if (exchange.route === null) {
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.updateName(`${exchange.method} ${route}`);
  }
  if (status !== null) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

/** `listener`, with every answer counted and, while tracing runs, each request in a SERVER span. */
export function observeRequests(listener: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : '_OTHER';
    const exchange: Exchange = { route: null, method, span: null };
    exchanges.set(res, exchange);
    res.once('close', () => finish(req, res, exchange));
    const tracer = activeTracer();
    if (!tracer) return listener(req, res);
    const parent = extractTraceContext(req.headers);
    const path = parseRequestTarget(req.url)?.pathname;
    exchange.span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, ...(path !== undefined ? { [ATTR_URL_PATH]: path } : {}) } }, parent);
    context.with(trace.setSpan(parent, exchange.span), () => listener(req, res));
  };
}
