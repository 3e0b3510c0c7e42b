/**
 * One OpenTelemetry span per upstream call, a child of the GraphQL operation that made it (its
 * `scope.traceContext`), and W3C `traceparent` on the call where the connection allows it.
 *
 * It sits below the cache, coalescing and error normalisation and above the breaker, auth, retry and the
 * rate limiter (src/upstream/createUpstream.ts), so a span is one call that was going to a vendor: a cache
 * hit or a coalesced read makes none (the metrics count those), and the retries, the re-send after a 429 or
 * a 401, and every wait in the rate-limit queue fall inside it and are counted on it (`req.stats`, filled in
 * by src/upstream/rateLimit.ts and src/upstream/metricsInterceptor.ts). It sees raw statuses and transport
 * failures, and a refusal by the circuit or the rate limiter shows as its own kind.
 *
 * Attributes (none ever holds a header, a credential, a URL, a query string or a body):
 *   switchboard.vendor                 `apps-api`
 *   switchboard.connection             `tenant/connection`
 *   switchboard.upstream.route         the routes-table key, `listAgents`
 *   http.request.method                `GET`
 *   server.address, server.port        the vendor's host and port (configured; base URLs carry no credentials)
 *   http.response.status_code          the vendor's status, when it answered
 *   error.type                         status >= 400 as a string (`503`), or what happened instead:
 *                                      timeout | unreachable | reset | aborted | too-large (transport),
 *                                      circuit_open | rate_limited (our refusals, nothing sent), or an
 *                                      error code (a failed login on the way)
 *   switchboard.upstream.retry_count   requests sent again for this call (retries, 429 and 401 re-sends)
 *   switchboard.upstream.queue_ms      time queued in the connection's rate limiter, every send together
 *
 * While tracing is off (`activeTracer()` null) it passes every request straight through.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import { isSwitchboardError } from '../errors';
import { activeTracer } from '../telemetry/tracing';
import { TRACE_PARENT_HEADER, traceparentOf } from '../telemetry/propagation';
import { isCircuitOpenError } from './breaker';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamCallStats, UpstreamInterceptor } from './types';

export const ATTR_VENDOR = 'switchboard.vendor';
export const ATTR_CONNECTION = 'switchboard.connection';
export const ATTR_UPSTREAM_ROUTE = 'switchboard.upstream.route';
export const ATTR_RETRY_COUNT = 'switchboard.upstream.retry_count';
export const ATTR_QUEUE_MS = 'switchboard.upstream.queue_ms';

export interface TraceOptions {
  identity: ConnectionIdentity;
  /** Send W3C `traceparent` (this call's span) to the vendor. Default false: the connection's `propagateTrace`. */
  propagateTrace?: boolean;
}

/** A thrown failure as a low-cardinality `error.type`. */
function failureKind(err: unknown): string {
  if (err instanceof TransportFailure) return err.kind;
  if (isCircuitOpenError(err)) return 'circuit_open';
  if (isSwitchboardError(err)) {
    if (err.cause instanceof TransportFailure) return err.cause.kind; // e.g. the caller left while queued
    if (err.code === 'RATE_LIMITED') return 'rate_limited';
    return err.code;
  }
  return '_OTHER';
}

const defaultPort = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

export function createTraceInterceptor(opts: TraceOptions): UpstreamInterceptor {
  const { identity, propagateTrace = false } = opts;
  if (typeof propagateTrace !== 'boolean') throw new TypeError(`expected opts.propagateTrace to be a boolean, got ${String(propagateTrace)}`);
  return (next) => async (req) => {
    const tracer = activeTracer();
    if (!tracer) return next(req);
    const parent = req.scope.traceContext ?? context.active();
    const attributes: Attributes = {
      [ATTR_VENDOR]: identity.vendor,
      [ATTR_CONNECTION]: identity.label,
      [ATTR_UPSTREAM_ROUTE]: req.route,
      [ATTR_HTTP_REQUEST_METHOD]: req.method,
      [ATTR_SERVER_ADDRESS]: req.url.hostname,
      [ATTR_SERVER_PORT]: defaultPort(req.url),
    };
    const span = tracer.startSpan(`${req.method} ${req.route}`, { kind: SpanKind.CLIENT, attributes }, parent);
    const stats: UpstreamCallStats = { retries: 0, queuedMs: 0 };
    const headers = propagateTrace ? withTraceparent(req.headers, trace.setSpan(parent, span)) : req.headers;
    const finish = (errorType: string | null) => {
      span.setAttribute(ATTR_RETRY_COUNT, stats.retries);
      span.setAttribute(ATTR_QUEUE_MS, Math.round(stats.queuedMs));
      if (errorType !== null) {
        span.setAttribute(ATTR_ERROR_TYPE, errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
    try {
      const res = await next({ ...req, headers, stats });
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.status);
      finish(res.status >= 400 ? String(res.status) : null);
      return res;
    } catch (err) {
      finish(failureKind(err));
      throw err;
    }
  };
}

/** `headers` plus `traceparent` naming the span active in `ctx` (nothing else: no `tracestate`, no baggage). */
function withTraceparent(headers: Record<string, string>, ctx: Context): Record<string, string> {
  const value = traceparentOf(ctx);
  return value ? { ...headers, [TRACE_PARENT_HEADER]: value } : headers;
}
