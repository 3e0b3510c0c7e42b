/**
 * src/telemetry/tracing.ts: which environment turns tracing on, what it refuses (exact messages), and that
 * off means nothing registered: the API's no-op tracer, no context manager, `activeTracer()` null.
 */
import { context, trace } from '@opentelemetry/api';
import { ConfigError } from '../../src/errors';
import { activeTracer, otlpEndpointFrom, startTracingFromEnv } from '../../src/telemetry/tracing';

const ENDPOINT = 'http://127.0.0.1:9'; // discard: never reached, no span is exported in these tests

describe('startTracingFromEnv', () => {
  afterEach(() => {
    expect(activeTracer()).toBeNull(); // every test leaves tracing off
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['no OTLP endpoint', {}],
    ['an empty endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }],
    ['OTEL_SDK_DISABLED=true', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'true' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }],
  ])('is off with %s: nothing registered, the no-op tracer', (_what, env) => {
    expect(startTracingFromEnv(env)).toBeNull();
    expect(activeTracer()).toBeNull();
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    // No context manager: `with` does not carry a value into a callback that runs later.
    const key = Symbol('probe');
    let seen: unknown = 'unset';
    context.with(context.active().setValue(key, 1), () => setImmediate(() => (seen = context.active().getValue(key))));
    return new Promise<void>((resolve) =>
      setImmediate(() =>
        setImmediate(() => {
          expect(seen).toBeUndefined();
          resolve();
        }),
      ),
    );
  });

  it('is on with an endpoint: a recording tracer, until shutdown', async () => {
    const tracing = startTracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT });
    expect(tracing).not.toBeNull();
    expect(activeTracer()).not.toBeNull();
    expect(() => startTracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT })).toThrow('tracing is already started in this process; shut the running one down first');
    await tracing!.shutdown();
    await tracing!.shutdown(); // twice is fine
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it.each<[NodeJS.ProcessEnv, string]>([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'zipkin' }, 'expected OTEL_TRACES_EXPORTER to be otlp or none, got "zipkin"'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'expected OTEL_EXPORTER_OTLP_PROTOCOL to be http/json or http/protobuf (spans go over HTTP), got "grpc"'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'expected OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) to be an http(s) URL'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://user:secret@collector/v1/traces' }, 'expected OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) to be an http(s) URL'],
  ])('refuses %j: %s', (env, message) => {
    let thrown: unknown;
    try {
      startTracingFromEnv(env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toContain('secret');
  });
});

describe('otlpEndpointFrom', () => {
  it.each<[NodeJS.ProcessEnv, string | null]>([
    [{}, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom' }, 'http://other:4318/custom'],
  ])('%j -> %s', (env, url) => {
    expect(otlpEndpointFrom(env)).toBe(url);
  });
});
