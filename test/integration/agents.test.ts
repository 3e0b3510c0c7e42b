/**
 * Issue 2, "Must show": unified agents over real HTTP, against the three simulators. The simulators run at
 * the vendors' real limit (1 request/second) unless a test says otherwise.
 */
import { Writable } from 'node:stream';
import { createClient as createSseClient } from 'graphql-sse';
import { DEMO_API_KEY, startDemo, type Demo } from '../../src/demo';
import { createLogger } from '../../src/logger';
import { encodeGlobalId } from '../../src/graphql/ids';
import { wsClientFor } from '../support/graphqlWs';
import { KEY_A, KEY_B, requestLines, startStack, type Stack } from '../support/stack';

const AGENTS_QUERY = `{ agents(first: 100) { totalCount edges { node { id name vendor status rawStatus } } } }`;
const STATUSES = ['AVAILABLE', 'ON_CALL', 'WRAP_UP', 'AWAY', 'OFFLINE', 'UNKNOWN'];

describe('demo mode', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
  });
  afterAll(() => demo.close());

  it('answers agents(first: 100) with agents from all three vendors', async () => {
    const res = await fetch(`${demo.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEY}` },
      body: JSON.stringify({ query: AGENTS_QUERY }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { agents: { totalCount: number; edges: Array<{ node: Record<string, string> }> } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const { sims } = demo;
    const campaignAgents = new Set(sims.campaignApi.state.queues.flatMap((q) => q.agentIds));
    const expected = sims.ameyo.state.sessions.length + sims.appsApi.state.agents.length + campaignAgents.size;
    expect(body.data.agents.totalCount).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(60);
    const nodes = body.data.agents.edges.map((e) => e.node);
    expect(nodes).toHaveLength(Math.min(100, expected));
    const byVendor = new Map<string, number>();
    for (const n of nodes) byVendor.set(n['vendor']!, (byVendor.get(n['vendor']!) ?? 0) + 1);
    expect([...byVendor.keys()].sort()).toEqual(['AMEYO', 'APPS_API', 'CAMPAIGN_API']);
    for (const n of nodes) {
      expect(typeof n['id']).toBe('string');
      expect(n['name']).not.toBe('');
      expect(STATUSES).toContain(n['status']);
      expect(typeof n['rawStatus']).toBe('string');
    }
    // Mixed states, not one state for everyone.
    expect(new Set(nodes.map((n) => n['status'])).size).toBeGreaterThanOrEqual(4);
  });
});

describe('agents across three vendors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 50 }, cacheTtlMs: 0 },
      moreTenants: () => [{ id: 'tenant-b', apiKeys: [KEY_B], connections: [] }],
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) {
      sim.clearRequests();
      sim.resetFaults();
    }
  });

  it('sends each vendor the exact paths, query parameters and auth headers', async () => {
    const res = await stack.gql(AGENTS_QUERY);
    expect(res.body.errors).toBeUndefined();
    const { ameyo, appsApi, campaignApi } = stack.sims;

    expect(requestLines(ameyo)).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information']);
    expect(ameyo.requests[0]!.query).toEqual({ 'table-name': ['user-session-information'], offset: ['0'], limit: ['100'] });
    expect(ameyo.requests[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('switchboard_api:ameyo-demo-password').toString('base64')}`);

    expect(requestLines(appsApi)).toEqual(['GET /manager/api/v1/agents']);
    expect(appsApi.requests[0]!.query).toEqual({ page: ['1'], per: ['100'] });
    expect(appsApi.requests[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('demo:apps-demo-token').toString('base64')}`);

    expect(requestLines(campaignApi)).toEqual(['POST /api/v2/login', 'GET /callcenter/queues/status']);
    expect(JSON.parse(campaignApi.requests[0]!.body)).toEqual({ username: 'switchboard', password: 'campaign-demo-password', domain: 'demo' });
    expect(campaignApi.requests[0]!.headers['authorization']).toBeUndefined();
    expect(campaignApi.requests[1]!.headers['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(campaignApi.requests[1]!.headers['x-account-id']).toBe('c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e');
  });

  it('fetches an agent by global ID with the vendor lookup for that one id', async () => {
    const wire = stack.sims.appsApi.state.agents[3]!;
    const id = encodeGlobalId('Agent', 'apps-a', String(wire.id));
    const res = await stack.gql(`query($id: ID!) { agent(id: $id) { id nativeId name vendor connection { id vendor } } }`, { variables: { id } });
    expect(res.body).toEqual({
      data: { agent: { id, nativeId: String(wire.id), name: `${wire.first_name} ${wire.last_name}`, vendor: 'APPS_API', connection: { id: 'apps-a', vendor: 'APPS_API' } } },
    });
    expect(stack.sims.appsApi.requests.map((r) => r.rawQuery)).toEqual([`id%5B%5D=${wire.id}`]);
  });

  it('filters by connection, status and search', async () => {
    const res = await stack.gql(`{ agents(first: 100, filter: { connectionIds: ["dialer-a"], statuses: [OFFLINE] }) { totalCount edges { node { vendor status raw } } } }`);
    const offline = stack.sims.campaignApi.state.agents.filter((a) => !a.logged_in);
    expect(res.body.data!['agents'].totalCount).toBe(offline.length);
    for (const e of res.body.data!['agents'].edges) expect(e.node).toMatchObject({ vendor: 'CAMPAIGN_API', status: 'OFFLINE', raw: { logged_in: false } });
    expect(requestLines(stack.sims.ameyo)).toEqual([]);
    expect(requestLines(stack.sims.appsApi)).toEqual([]);

    const someone = stack.sims.appsApi.state.agents[0]!;
    const search = await stack.gql(`query($s: String) { agents(filter: { search: $s }) { totalCount edges { node { name } } } }`, { variables: { s: someone.email } });
    expect(search.body.data!['agents']).toEqual({ totalCount: 1, edges: [{ node: { name: `${someone.first_name} ${someone.last_name}` } }] });
  });

  it('pages with cursors: every agent exactly once, then hasNextPage false', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
        `query($after: String) { agents(first: 17, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
        { variables: { after } },
      );
      const page = res.body.data!['agents'];
      total = page.totalCount;
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('refuses first outside 1..100 with the exact message', async () => {
    const res = await stack.gql(`{ agents(first: 500) { totalCount } }`);
    expect(res.body.errors).toEqual([{ message: 'expected `first` between 1 and 100, got 500', locations: [{ line: 1, column: 3 }], path: ['agents'], extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  it('answers a missing key with 401 UNAUTHENTICATED', async () => {
    const res = await stack.gql(AGENTS_QUERY, { apiKey: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
    expect(res.body).toEqual({ errors: [{ message: 'missing API key: send `Authorization: Bearer <api key>`', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers a wrong key with 401 UNAUTHENTICATED and sends nothing upstream', async () => {
    const res = await stack.gql(AGENTS_QUERY, { apiKey: 'test-key-tenant-a-0009' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: 'invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect([...requestLines(stack.sims.ameyo), ...requestLines(stack.sims.appsApi), ...requestLines(stack.sims.campaignApi)]).toEqual([]);
  });

  it("does not let a second tenant read the first tenant's agent by its global ID", async () => {
    const mine = await stack.gql(`{ agents(first: 1, filter: { connectionIds: ["apps-a"] }) { edges { node { id name } } } }`);
    const id: string = mine.body.data!['agents'].edges[0].node.id;
    stack.sims.appsApi.clearRequests();
    for (const query of [`query($id: ID!) { agent(id: $id) { id name } }`, `query($id: ID!) { node(id: $id) { id ... on Agent { name } } }`]) {
      const res = await stack.gql(query, { apiKey: KEY_B, variables: { id } });
      expect(res.status).toBe(200);
      const field = query.includes('agent(') ? 'agent' : 'node';
      expect(res.body).toEqual({
        data: { [field]: null },
        errors: [{ message: `could not resolve to a node with id "${id}"`, locations: [{ line: 1, column: 19 }], path: [field], extensions: { code: 'NOT_FOUND' } }],
      });
    }
    const many = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { apiKey: KEY_B, variables: { ids: [id] } });
    expect(many.body.data).toEqual({ nodes: [null] });
    expect(many.body.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(requestLines(stack.sims.appsApi)).toEqual([]);
    const b = await stack.gql(`{ agents { totalCount } connections { id } }`, { apiKey: KEY_B });
    expect(b.body).toEqual({ data: { agents: { totalCount: 0 }, connections: [] } });
  });

  it('answers a malformed global ID with BAD_USER_INPUT', async () => {
    const res = await stack.gql(`{ agent(id: "not-an-id!") { id } }`);
    expect(res.body.errors![0]).toMatchObject({ message: 'expected a Switchboard global ID, got "not-an-id!"', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('lists connections with vendor, capabilities and status', async () => {
    await stack.gql(AGENTS_QUERY);
    const res = await stack.gql(`{ connections { id vendor capabilities status lastErrorCode } }`);
    expect(res.body).toEqual({
      data: {
        connections: [
          {
            id: 'ameyo-a',
            vendor: 'AMEYO',
            capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE', 'PRESENCE_TABLES', 'CAMPAIGN_CATALOG', 'CONTACT_UPLOAD', 'DIALER', 'RECORDINGS', 'LEAD_IMPORT'],
            status: 'UP',
            lastErrorCode: null,
          },
          {
            id: 'apps-a',
            vendor: 'APPS_API',
            capabilities: [
              'AGENT_DIRECTORY',
              'AGENT_PRESENCE',
              'AGENT_CONTROL',
              'CALL_LOG',
              'CALL_CREATE',
              'CALL_DATA',
              'CAMPAIGN_CATALOG',
              'LEAD_STORE',
              'SMS',
              'QUEUE_STATUS',
              'END_USERS',
              'DNC',
              'CRM_DATA',
              'BULK_USERS',
              'CHAT_LOG',
              'CHAT_CONTROL',
              'QUEUE_SETTINGS',
              'CONTACT_LISTS',
              'LEAD_IMPORT',
            ],
            status: 'UP',
            lastErrorCode: null,
          },
          {
            id: 'dialer-a',
            vendor: 'CAMPAIGN_API',
            capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE', 'QUEUE_STATUS', 'CAMPAIGN_CATALOG', 'LEAD_STORE', 'LEAD_STATUS', 'CAMPAIGN_ACTIVITY', 'CALL_DISPOSITION', 'LEAD_IMPORT'],
            status: 'UP',
            lastErrorCode: null,
          },
        ],
      },
    });
  });

  it('returns the other vendors when one fails, with one error naming the failed connection', async () => {
    stack.sims.ameyo.setFaults({ serverErrorStatus: 503 });
    const res = await stack.gql(`{ agents(first: 100) { totalCount edges { node { vendor } } } }`);
    expect(res.status).toBe(200);
    const vendors = new Set(res.body.data!['agents'].edges.map((e: { node: { vendor: string } }) => e.node.vendor));
    expect([...vendors].sort()).toEqual(['APPS_API', 'CAMPAIGN_API']);
    expect(res.body.errors).toEqual([
      {
        message: 'ameyo is unavailable (HTTP 503): An unexpected error occurred on the server.',
        path: ['agents'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'ameyo', connectionId: 'ameyo-a', retryable: true, upstreamStatus: 503, upstreamCode: 'CONF-1005' },
      },
    ]);
    const conns = await stack.gql(`{ connections { id status lastErrorCode } }`);
    expect(conns.body.data!['connections'][0]).toEqual({ id: 'ameyo-a', status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' });
  });

  it('logs one JSON line per request with operation, duration and upstream calls, and counts upstream requests in /metrics', async () => {
    const before = stack.logs.length;
    await stack.gql(`query ListAgents { agents(first: 5) { totalCount } }`);
    const lines = stack.logs.slice(before).filter((l) => l['msg'] === 'graphql request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ tenant: 'tenant-a', operation: 'ListAgents', upstreamCalls: 3, outcome: 'ok', errorCodes: [] });
    expect(typeof lines[0]!['durationMs']).toBe('number');
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_upstream_requests_total\{vendor="apps-api",connection="tenant-a\/apps-a",status="200"\} \d+/);
    expect(metrics).toMatch(/switchboard_rate_limiter_queue_wait_seconds_count\{vendor="ameyo",connection="tenant-a\/ameyo-a"\} \d+/);
  });
});

describe('one simulator down', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } } });
    await stack.sims.appsApi.close();
  });
  afterAll(() => stack.close());

  it('still returns the others, plus UPSTREAM_UNAVAILABLE with the failed connectionId', async () => {
    const res = await stack.gql(`{ agents(first: 100) { totalCount edges { node { vendor } } } }`);
    const vendors = new Set(res.body.data!['agents'].edges.map((e: { node: { vendor: string } }) => e.node.vendor));
    expect([...vendors].sort()).toEqual(['AMEYO', 'CAMPAIGN_API']);
    expect(res.body.errors).toEqual([
      { message: 'apps-api could not be reached', path: ['agents'], extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'apps-api', connectionId: 'apps-a', retryable: true } },
    ]);
    const ready = await fetch(`${stack.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, upstreams: { total: 3, reachable: 2 } });
  });
});

describe('rate limit: 1 request/second per connection', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(); // simulators enforce 1 rps and answer 429 past it
  });
  afterAll(() => stack.close());

  it('ten concurrent queries: no two upstream requests under a second apart, no 429, every answer right', async () => {
    const agents = stack.sims.appsApi.state.agents.slice(0, 10);
    const results = await Promise.all(agents.map((a) => stack.gql(`query($id: ID!) { agent(id: $id) { nativeId name } }`, { variables: { id: encodeGlobalId('Agent', 'apps-a', String(a.id)) } })));
    results.forEach((r, i) => {
      expect(r.body).toEqual({ data: { agent: { nativeId: String(agents[i]!.id), name: `${agents[i]!.first_name} ${agents[i]!.last_name}` } } });
    });
    const log = stack.sims.appsApi.requests;
    expect(log).toHaveLength(10);
    expect(log.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (let i = 1; i < log.length; i++) {
      expect(log[i]!.receivedAtMs - log[i - 1]!.receivedAtMs).toBeGreaterThanOrEqual(1000);
    }
  }, 30_000);
});

/**
 * Five `agent` reads sent at once on a 1 request/s connection with a 2,500 ms deadline: slots leave 1,050 ms apart, so
 * those at 0, ~1,050 and ~2,100 ms fit and the 4th and 5th are refused at once with RATE_LIMITED, not after a wait.
 */
function expectDeadlineRefusals(stack: Stack, results: Array<{ data?: any; errors?: readonly any[] }>, started: number): void {
  expect({ ok: results.filter((r) => r.data?.['agent']).length, limited: results.filter((r) => r.errors).length }).toEqual({ ok: 3, limited: 2 });
  for (const r of results.filter((x) => x.errors)) {
    expect(r.data).toEqual({ agent: null });
    const [err] = r.errors!;
    expect(err).toMatchObject({
      message: "connection 'apps-a' is at its rate limit and the wait would pass the request's deadline; retry after retryAfterMs",
      path: ['agent'],
      extensions: { code: 'RATE_LIMITED', vendor: 'apps-api', connectionId: 'apps-a', retryable: true },
    });
    expect(err!.extensions!['retryAfterMs']).toBeGreaterThan(2_500);
    expect(err!.extensions!['retryAfterMs']).toBeLessThanOrEqual(4_300);
  }
  // Refused at once, not after waiting out the deadline (without a deadline the 5th waits ~4.2 s and runs).
  expect(Date.now() - started).toBeLessThan(2_500 + 500);
  expect(stack.sims.appsApi.requests.map((r) => r.status)).toEqual([200, 200, 200]);
}

describe('rate limit: a wait past the deadline fails fast', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ server: { requestTimeoutMs: 2_500 } });
  });
  afterAll(() => stack.close());

  it('answers RATE_LIMITED with retryAfterMs at once, and sends the vendor only what fits', async () => {
    const agents = stack.sims.appsApi.state.agents.slice(0, 5);
    const started = Date.now();
    const results = await Promise.all(agents.map((a) => stack.gql(`query($id: ID!) { agent(id: $id) { nativeId } }`, { variables: { id: encodeGlobalId('Agent', 'apps-a', String(a.id)) } })));
    expectDeadlineRefusals(
      stack,
      results.map((r) => r.body),
      started,
    );
  });
});

describe('rate limit: a query over graphql-ws or graphql-sse fails fast at its deadline too', () => {
  /** What both protocols' own clients offer. */
  interface LiveClient {
    subscribe(payload: { query: string; variables: Record<string, unknown> }, sink: { next(value: unknown): void; error(error: unknown): void; complete(): void }): () => void;
    dispose(): unknown;
  }
  const clientOf: Record<'graphql-ws' | 'graphql-sse', (stack: Stack) => LiveClient> = {
    'graphql-ws': (stack) => wsClientFor(stack.gateway.url, KEY_A),
    'graphql-sse': (stack) => createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0 }),
  };
  /** The one result of a query run through the client, once it completes. */
  const run = (client: LiveClient, query: string, variables: Record<string, unknown>) =>
    new Promise<{ data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> }>((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query, variables }, { next: (v) => void (result = v), error: reject, complete: () => resolve(result as never) });
    });

  // A stack each: the limiter's slots are the connection's, so a test after another would start behind its waits.
  it.each(['graphql-ws', 'graphql-sse'] as const)('%s: answers RATE_LIMITED with retryAfterMs at once, as /graphql does (server.requestTimeoutMs)', async (protocol) => {
    const stack = await startStack({ server: { requestTimeoutMs: 2_500 } });
    const client = clientOf[protocol](stack);
    try {
      const agents = stack.sims.appsApi.state.agents.slice(0, 5);
      const started = Date.now();
      const results = await Promise.all(agents.map((a) => run(client, `query($id: ID!) { agent(id: $id) { nativeId } }`, { id: encodeGlobalId('Agent', 'apps-a', String(a.id)) })));
      expectDeadlineRefusals(stack, results, started);
    } finally {
      await client.dispose();
      await stack.close();
    }
  });
});

describe('campaign-API token lifecycle', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: { campaignApi: { requestsPerSecond: 0 } },
      // No list cache: each read below reaches the simulator, so its log shows the token's life.
      connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 },
    });
  });
  afterAll(() => stack.close());

  it('twenty concurrent first requests cause exactly one login', async () => {
    const query = `{ agents(first: 100, filter: { connectionIds: ["dialer-a"] }) { totalCount } }`;
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.gql(query)));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    expect(stack.sims.campaignApi.loginCount).toBe(1);
    expect(requestLines(stack.sims.campaignApi).filter((l) => l === 'POST /api/v2/login')).toHaveLength(1);
  });

  it('an expired token causes one new login and the request succeeds', async () => {
    stack.sims.campaignApi.clearRequests();
    stack.sims.campaignApi.expireAllTokens();
    const res = await stack.gql(`{ agents(first: 3, filter: { connectionIds: ["dialer-a"] }) { totalCount } }`);
    expect(res.body.errors).toBeUndefined();
    expect(stack.sims.campaignApi.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /callcenter/queues/status 401',
      'POST /api/v2/login 200',
      'GET /callcenter/queues/status 200',
    ]);
    expect(stack.sims.campaignApi.loginCount).toBe(2);
  });
});
