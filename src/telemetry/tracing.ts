/**
 * Tracing setup, with the official OpenTelemetry SDK (no tracer of our own). Off unless the environment
 * names an OTLP endpoint: then a NodeTracerProvider (AsyncLocalStorage context) exports spans in batches
 * over OTLP/HTTP. Off, nothing is registered, the OpenTelemetry API is its own no-op, and every place that
 * makes spans (src/telemetry/httpServer.ts, src/graphql/plugins/tracing.ts, src/upstream/trace.ts) checks
 * `activeTracer()` first and does nothing else: tracing costs one null check per request and per call.
 *
 * Nothing here connects anywhere by itself: the only network traffic is the exporter's, to the endpoint
 * the environment gave (docs/decisions.md, "Tracing and operator metrics").
 *
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   the full URL spans are POSTed to (`http://collector:4318/v1/traces`)
 *   OTEL_EXPORTER_OTLP_ENDPOINT          the collector's base URL; `/v1/traces` is appended
 *   OTEL_SERVICE_NAME                    `service.name`; default `switchboard`
 *   OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none   off, whatever the endpoint says
 *   OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*   read by the SDK itself
 */
import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ConfigError } from '../errors';

/** `service.name` unless OTEL_SERVICE_NAME (or `service.name` in OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
export const DEFAULT_SERVICE_NAME = 'switchboard';
/** The instrumentation scope of every span the gateway makes. */
export const TRACER_NAME = 'switchboard';

export interface TracingOptions {
  /** Where finished spans go. */
  exporter: SpanExporter;
  /**
   * `batch`: spans are queued and exported in batches off the request path (BatchSpanProcessor, OTEL_BSP_*
   * settings). `simple`: each span is handed to the exporter as it ends (tests, with an InMemorySpanExporter).
   * Default `batch`.
   */
  processor?: 'batch' | 'simple';
  /** `service.name`. Default `switchboard`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName?: string;
}

/** A running tracer provider. */
export interface Tracing {
  /** Exports every finished span still buffered. */
  forceFlush(): Promise<void>;
  /**
   * Exports what is buffered, stops the provider and unregisters it: afterwards the API is the no-op
   * again and `activeTracer()` is null. Safe to call twice.
   */
  shutdown(): Promise<void>;
}

let active: { tracer: Tracer; provider: NodeTracerProvider } | null = null;

/** The gateway's tracer while tracing runs, else null (the callers' cue to skip every span). */
export function activeTracer(): Tracer | null {
  return active?.tracer ?? null;
}

/**
 * Starts tracing into `exporter` and registers the provider globally (AsyncLocalStorage context manager).
 * One at a time per process: a second start before `shutdown` is a misuse and throws.
 */
export function startTracing(opts: TracingOptions): Tracing {
  const { exporter, processor = 'batch', serviceName = DEFAULT_SERVICE_NAME } = opts;
  if (processor !== 'batch' && processor !== 'simple') throw new TypeError(`expected opts.processor to be 'batch' or 'simple', got ${String(processor)}`);
  if (active) throw new Error('tracing is already started in this process; shut the running one down first');
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) win over our default name.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [processor === 'batch' ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  // Only the context manager: we read and write `traceparent` ourselves (src/telemetry/propagation.ts), so
  // no global propagator (and no W3C baggage, which would carry whatever a client sent on to the vendors).
  provider.register({ propagator: null });
  const running = { tracer: provider.getTracer(TRACER_NAME), provider };
  active = running;

  let stopped: Promise<void> | null = null;
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: () =>
      (stopped ??= (async () => {
        if (active === running) active = null;
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          context.disable();
          propagation.disable();
        }
      })()),
  };
}

/** The OTLP endpoint the environment names, or null: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpEndpointFrom(env: NodeJS.ProcessEnv): string | null {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}

/** Exporter failures (a collector that is down) as one stderr line each, without the SDK's arguments (a URL, a body). */
const diagToStderr = (level: string) => (message: string) => {
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), msg: `opentelemetry: ${message}` })}\n`);
};

/**
 * What src/main.ts starts: OTLP/HTTP tracing when the environment names an endpoint, else null (tracing
 * off, nothing registered). Throws ConfigError for settings we cannot honour.
 */
export function startTracingFromEnv(env: NodeJS.ProcessEnv): Tracing | null {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return null;
  const exporterName = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').trim().toLowerCase() || 'otlp';
  if (exporterName === 'none') return null;
  if (exporterName !== 'otlp') throw new ConfigError(`expected OTEL_TRACES_EXPORTER to be otlp or none, got ${JSON.stringify(exporterName)}`);
  const url = otlpEndpointFrom(env);
  if (!url) return null;
  const protocol = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? '').trim();
  if (protocol === 'grpc') throw new ConfigError('expected OTEL_EXPORTER_OTLP_PROTOCOL to be http/json or http/protobuf (spans go over HTTP), got "grpc"');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    // The value is not echoed: an endpoint URL may carry credentials.
    throw new ConfigError('expected OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) to be an http(s) URL');
  }
  diag.setLogger({ error: diagToStderr('error'), warn: diagToStderr('warn'), info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  // The exporter reads OTEL_EXPORTER_OTLP_HEADERS, timeouts and compression from the environment itself.
  return startTracing({ exporter: new OTLPTraceExporter({ url }), processor: 'batch' });
}
