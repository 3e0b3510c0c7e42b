/**
 * Issue 12, item 5 (OpenTelemetry): with the SDK's in-memory exporter, over real HTTP against the
 * simulators. One query that reaches two vendors makes the tree HTTP server span -> GraphQL operation
 * span -> one span per upstream call, with exactly the attributes listed in src/telemetry/httpServer.ts,
 * src/graphql/plugins/tracing.ts and src/upstream/trace.ts; no attribute of any span carries a secret; and
 * `traceparent` reaches a vendor only from a connection with `propagateTrace: true`. Once tracing is shut
 * down, nothing is recorded and nothing propagated, whatever the connection says.
 */
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AMEYO_SIM_DEFAULTS, APPS_API_SIM_DEFAULTS, CAMPAIGN_API_SIM_DEFAULTS } from '../../sim';
import type { SimServer } from '../../sim/common/server';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';
import { connectionsFor, KEY_A, KEY_B, requestLines, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const TWO_VENDORS = `query TwoVendors { agents(first: 100, filter: { connectionIds: ["ameyo-a", "apps-a"] }) { totalCount edges { node { id name } } } }`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const kindName = (k: SpanKind) => SpanKind[k];
const portOf = (url: string) => Number(new URL(url).port);

describe('tracing with the in-memory exporter', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let stack: Stack;

  beforeAll(async () => {
    tracing = startTracing({ exporter, processor: 'simple' });
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 },
      // Tenant B: the same vendor accounts, Apps API with traceparent, Ameyo explicitly without.
      moreTenants: (sims) => [
        {
          id: 'tenant-b',
          apiKeys: [KEY_B],
          connections: connectionsFor(sims, { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 })
            .filter((c) => c.id !== 'dialer-a')
            .map((c) => ({ ...c, propagateTrace: c.id === 'apps-a' })),
        },
      ],
    });
  });
  afterAll(async () => {
    await stack?.close();
    await tracing?.shutdown();
  });

  const sims = (): SimServer[] => [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi];
  beforeEach(() => {
    exporter.reset();
    for (const sim of sims()) {
      sim.clearRequests();
      sim.resetFaults();
    }
  });

  /** Every span once `n` HTTP server spans have ended (a server span ends when its answer's socket work is done). */
  async function spansAfter(n: number): Promise<ReadableSpan[]> {
    await waitUntil(`${n} HTTP server span(s) ended`, () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER).length >= n, 5_000);
    return exporter.getFinishedSpans();
  }

  it('one query to two vendors: HTTP server span -> GraphQL operation span -> one span per upstream call', async () => {
    const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const res = await stack.gql(TWO_VENDORS, { headers: { traceparent: `00-${callerTraceId}-${callerSpanId}-01` } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!['agents'].totalCount).toBe(stack.sims.ameyo.state.sessions.length + stack.sims.appsApi.state.agents.length);

    const spans = await spansAfter(1);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentName = (s: ReadableSpan) => {
      const id = s.parentSpanContext?.spanId;
      if (!id) return null;
      return byId.get(id)?.name ?? (id === callerSpanId ? 'caller (traceparent)' : `unknown ${id}`);
    };
    const rows = spans.map((s) => ({ name: s.name, kind: kindName(s.kind), parent: parentName(s), status: s.status.code, attributes: s.attributes })).sort((a, b) => a.name.localeCompare(b.name));
    const ameyoPort = portOf(stack.sims.ameyo.url);
    const appsPort = portOf(stack.sims.appsApi.url);

    expect(rows).toEqual([
      {
        name: 'GET listAgents',
        kind: 'CLIENT',
        parent: 'query TwoVendors',
        status: SpanStatusCode.UNSET,
        attributes: {
          'switchboard.vendor': 'apps-api',
          'switchboard.connection': 'tenant-a/apps-a',
          'switchboard.upstream.route': 'listAgents',
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': appsPort,
          'http.response.status_code': 200,
          'switchboard.upstream.retry_count': 0,
          'switchboard.upstream.queue_ms': 0,
        },
      },
      {
        name: 'GET monitoring',
        kind: 'CLIENT',
        parent: 'query TwoVendors',
        status: SpanStatusCode.UNSET,
        attributes: {
          'switchboard.vendor': 'ameyo',
          'switchboard.connection': 'tenant-a/ameyo-a',
          'switchboard.upstream.route': 'monitoring',
          'http.request.method': 'GET',
          'server.address': '127.0.0.1',
          'server.port': ameyoPort,
          'http.response.status_code': 200,
          'switchboard.upstream.retry_count': 0,
          'switchboard.upstream.queue_ms': 0,
        },
      },
      {
        name: 'POST graphql',
        kind: 'SERVER',
        parent: 'caller (traceparent)',
        status: SpanStatusCode.UNSET,
        attributes: { 'http.request.method': 'POST', 'url.path': '/graphql', 'http.route': 'graphql', 'http.response.status_code': 200 },
      },
      {
        name: 'query TwoVendors',
        kind: 'INTERNAL',
        parent: 'POST graphql',
        status: SpanStatusCode.UNSET,
        attributes: {
          'switchboard.tenant': 'tenant-a',
          'graphql.operation.type': 'query',
          'graphql.operation.name': 'TwoVendors',
          'switchboard.graphql.document_sha256': sha256(TWO_VENDORS),
          'switchboard.graphql.outcome': 'ok',
        },
      },
    ]);
    // One trace, the caller's; every span from the gateway's tracer, service `switchboard`.
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([callerTraceId]));
    for (const s of spans) {
      expect(s.instrumentationScope.name).toBe('switchboard');
      expect(s.resource.attributes['service.name']).toBe('switchboard');
    }
    // Exactly the calls the vendors saw, and no traceparent: tenant A's connections keep the default (false).
    expect(sims().map(requestLines)).toEqual([['GET /v4/cc-list/1/monitoring/user-session-information'], ['GET /manager/api/v1/agents'], []]);
    expect(
      sims()
        .flatMap((sim) => sim.requests)
        .filter((r) => 'traceparent' in r.headers),
    ).toEqual([]);
  });

  it('records errors by code only: a vendor 503 after its retries, and the operation that answered partially', async () => {
    stack.sims.appsApi.setFaults({ serverErrorStatus: 503 });
    const res = await stack.gql(TWO_VENDORS);
    expect(res.body.errors!.map((e) => e.extensions!['code'])).toEqual(['UPSTREAM_UNAVAILABLE']);
    const spans = await spansAfter(1);
    const apps = spans.find((s) => s.name === 'GET listAgents')!;
    expect({ status: apps.status, attributes: apps.attributes }).toEqual({
      status: { code: SpanStatusCode.ERROR },
      attributes: expect.objectContaining({
        'http.response.status_code': 503,
        'error.type': '503',
        'switchboard.upstream.retry_count': 2, // the connection's default retry.maxRetries
      }),
    });
    expect(spans.filter((s) => s.name === 'GET listAgents')).toHaveLength(1); // one span per call, retries inside it
    const operation = spans.find((s) => s.name === 'query TwoVendors')!;
    expect({
      status: operation.status,
      outcome: operation.attributes['switchboard.graphql.outcome'],
      codes: operation.attributes['switchboard.graphql.error_codes'],
      type: operation.attributes['error.type'],
    }).toEqual({
      status: { code: SpanStatusCode.ERROR },
      outcome: 'partial',
      codes: ['UPSTREAM_UNAVAILABLE'],
      type: 'UPSTREAM_UNAVAILABLE',
    });
    for (const s of spans) for (const e of s.events) expect(e.name).not.toBe('exception'); // no messages or stacks
  });

  it('no attribute of any span carries a secret, a query string, a variable, or "Bearer"', async () => {
    const MARKER = 'SECRET-VARIABLE-7f3k2q';
    const WRONG_KEY = 'test-key-tenant-a-9999';
    // Reads on all three vendors (the campaign API logs in: its bearer token is in play), a failed vendor, a
    // wrong key, variables and a GET with a query string, an unknown path with a query string.
    await stack.gql(`{ agents(first: 100) { totalCount } }`);
    await stack.gql(`query Find($s: String) { agents(filter: { search: $s }) { totalCount } }`, { variables: { s: MARKER } });
    stack.sims.ameyo.setFaults({ connectionReset: true });
    await stack.gql(`{ agents(first: 5) { totalCount } }`);
    stack.sims.ameyo.resetFaults();
    await stack.gql(`{ connections { id } }`, { apiKey: WRONG_KEY });
    await stack.gql(`{ queues { id } }`, { apiKey: KEY_B });
    const get = await fetch(
      `${stack.graphqlUrl}?query=${encodeURIComponent(`query Q($s: String) { agents(filter: { search: $s }) { totalCount } }`)}&variables=${encodeURIComponent(JSON.stringify({ s: MARKER }))}&key=${KEY_A}`,
      {
        headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true', accept: 'application/json' },
      },
    );
    expect(get.status).toBe(200);
    await (await fetch(`${stack.gateway.url}/nowhere?token=${KEY_A}`)).text();
    const spans = await spansAfter(7);

    const bearerTokens = stack.sims.campaignApi.requests
      .map((r) => r.headers['authorization'])
      .filter((h): h is string => !!h && h.startsWith('Bearer '))
      .map((h) => h.slice('Bearer '.length));
    expect(bearerTokens.length).toBeGreaterThan(0);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const secrets = [
      KEY_A,
      KEY_B,
      WRONG_KEY,
      AMEYO_SIM_DEFAULTS.password,
      AMEYO_SIM_DEFAULTS.hashKey,
      AMEYO_SIM_DEFAULTS.appServerToken,
      APPS_API_SIM_DEFAULTS.token,
      CAMPAIGN_API_SIM_DEFAULTS.password,
      CAMPAIGN_API_SIM_DEFAULTS.accountId,
      b64(`${AMEYO_SIM_DEFAULTS.username}:${AMEYO_SIM_DEFAULTS.password}`),
      b64(`${APPS_API_SIM_DEFAULTS.subdomain}:${APPS_API_SIM_DEFAULTS.token}`),
      ...bearerTokens,
      MARKER,
      'Bearer',
      '?',
    ];
    // The scan is not vacuous: spans of every kind, and of all three vendors.
    expect(new Set(spans.map((s) => kindName(s.kind)))).toEqual(new Set(['SERVER', 'INTERNAL', 'CLIENT']));
    expect(new Set(spans.map((s) => s.attributes['switchboard.vendor']).filter(Boolean))).toEqual(new Set(['ameyo', 'apps-api', 'campaign-api']));
    const leaks: string[] = [];
    for (const s of spans) {
      const texts = [
        s.name,
        ...Object.values(s.attributes)
          .flatMap((v) => (Array.isArray(v) ? v : [v]))
          .map(String),
        ...s.events.map((e) => JSON.stringify(e)),
      ];
      for (const text of texts) for (const secret of secrets) if (text.includes(secret)) leaks.push(`${s.name}: ${text.slice(0, 120)} contains ${secret.slice(0, 10)}…`);
    }
    expect(leaks).toEqual([]);
    expect(
      spans
        .filter((s) => s.kind === SpanKind.SERVER)
        .map((s) => `${s.name} ${s.attributes['url.path']} ${s.attributes['http.response.status_code']}`)
        .sort(),
    ).toEqual([
      'GET graphql /graphql 200',
      'GET not_found /nowhere 404',
      'POST graphql /graphql 200',
      'POST graphql /graphql 200',
      'POST graphql /graphql 200',
      'POST graphql /graphql 200',
      'POST graphql /graphql 401',
    ]);
  });

  it("sends traceparent only from the connection with propagateTrace: true, naming that call's span", async () => {
    const res = await stack.gql(`query Both { agents(first: 100) { totalCount } }`, { apiKey: KEY_B });
    expect(res.body.errors).toBeUndefined();
    const spans = await spansAfter(1);
    const appsSpan = spans.find((s) => s.attributes['switchboard.connection'] === 'tenant-b/apps-a')!;
    const ameyoSpan = spans.find((s) => s.attributes['switchboard.connection'] === 'tenant-b/ameyo-a')!;
    expect(appsSpan).toBeDefined();
    expect(ameyoSpan).toBeDefined();

    const [appsRequest] = stack.sims.appsApi.requests;
    const [ameyoRequest] = stack.sims.ameyo.requests;
    expect([stack.sims.appsApi.requests.length, stack.sims.ameyo.requests.length]).toEqual([1, 1]);
    expect(appsRequest!.headers['traceparent']).toBe(`00-${appsSpan.spanContext().traceId}-${appsSpan.spanContext().spanId}-01`);
    expect(appsRequest!.headers['traceparent']).toMatch(TRACEPARENT);
    expect(appsRequest!.headers['tracestate']).toBeUndefined();
    expect(appsRequest!.headers['baggage']).toBeUndefined();
    expect(ameyoRequest!.headers['traceparent']).toBeUndefined();
  });

  it('after shutdown: no span, and no traceparent even where the connection allows it', async () => {
    await tracing.shutdown();
    const res = await stack.gql(`{ agents(first: 100) { totalCount } }`, { apiKey: KEY_B, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect(res.body.errors).toBeUndefined();
    expect(stack.sims.appsApi.requests.map((r) => r.headers['traceparent'])).toEqual([undefined]);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
