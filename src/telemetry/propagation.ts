/**
 * W3C Trace Context, both ways, with the SDK's own propagator (W3CTraceContextPropagator from
 * @opentelemetry/core). In: a client's `traceparent` (and `tracestate`) makes our HTTP server span its
 * child. Out: only `traceparent` goes to a vendor, and only for a connection with `propagateTrace: true`
 * (src/upstream/trace.ts); `tracestate` and W3C baggage never do, since both carry what a client chose.
 */
import type http from 'node:http';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { TRACE_PARENT_HEADER, W3CTraceContextPropagator } from '@opentelemetry/core';

const w3c = new W3CTraceContextPropagator();

/** The remote parent a request names in its `traceparent`, or the root context when it names none (or a malformed one). */
export function extractTraceContext(headers: http.IncomingHttpHeaders): Context {
  return w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** The `traceparent` header value for the span active in `ctx`, or undefined when it has no valid span context. */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier[TRACE_PARENT_HEADER];
}

export { TRACE_PARENT_HEADER };
