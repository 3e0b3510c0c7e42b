/**
 * Issue 2, "Operations": the offline GraphQL IDE, /healthz, /readyz, /metrics, the request log line, and
 * that no credential ever reaches a log line or a response, whatever fails.
 */
import { AMEYO_SIM_DEFAULTS, APPS_API_SIM_DEFAULTS, CAMPAIGN_API_SIM_DEFAULTS } from '../../sim';
import { KEY_A, startStack, type Stack } from '../support/stack';

const KEY_C = 'test-key-tenant-c-0003';

describe('GraphQL IDE', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      server: { ide: true },
    });
  });
  afterAll(() => stack.close());

  it('serves GraphiQL to a browser on GET /graphql, with every asset local (no CDN)', async () => {
    const res = await fetch(stack.graphqlUrl, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    // Named by content hash (`?v=`), so they can be cached for a year: test/conformance/compression.test.ts.
    expect(srcs.map((s) => s!.replace(/\?v=[A-Za-z0-9_-]{22}$/, ''))).toEqual([
      '/ide/graphiql.min.css',
      '/ide/react.production.min.js',
      '/ide/react-dom.production.min.js',
      '/ide/graphiql.min.js',
      '/ide/graphql-ws.min.js',
    ]);
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of srcs) {
      const asset = await fetch(new URL(src!, stack.gateway.url));
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    // Subscriptions run over graphql-ws from the local browser build, with the headers editor's Authorization in connection_init.
    expect(html).toContain("graphqlWs.createClient({ url: url.replace(/^http/, 'ws'), connectionParams: { authorization }, lazy: true })");
    // The page's own script parses (its regular expressions are written inside a template literal).
    const script = /<script nonce="[^"]+">(.*?)<\/script>/s.exec(html)![1]!;
    expect(() => new Function(script)).not.toThrow();
    // GraphiQL's own fetcher (@graphiql/toolkit's createGraphiQLFetcher) runs them, with that client as its wsClient.
    expect(html).toContain('fetcher = GraphiQL.createFetcher({ url, wsClient });');
  });

  it('pre-fills example operations', async () => {
    const html = await (await fetch(stack.graphqlUrl, { headers: { accept: 'text/html' } })).text();
    const settings = JSON.parse(/<script id="ide-settings" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(settings.url).toBe('/graphql');
    expect(settings.tabs.map((t: { query: string }) => /(?:query|subscription) (\w+)/.exec(t.query)![1])).toEqual(['Agents', 'Connections', 'Agent', 'Presence']);
    // The example operations are valid against the schema.
    for (const tab of settings.tabs as Array<{ query: string }>) {
      const r = await stack.gql(tab.query, { variables: { id: 'x' } });
      expect(r.body.errors?.filter((e) => e.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED') ?? []).toEqual([]);
    }
  });

  it('answers GET queries from API clients that send a preflight header, not the IDE', async () => {
    const res = await fetch(`${stack.graphqlUrl}?query=${encodeURIComponent('{ connections { id } }')}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } });
  });

  it('refuses a GET without a preflight header as a possible CSRF', async () => {
    const res = await fetch(`${stack.graphqlUrl}?query=${encodeURIComponent('{ connections { id } }')}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${KEY_A}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This operation has been blocked as a potential Cross-Site Request Forgery (CSRF).');
  });
});

describe('health, readiness and metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } } });
  });
  afterAll(() => stack.close());

  it('GET /healthz answers 200', async () => {
    const res = await fetch(`${stack.gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the vendors are reachable', async () => {
    const res = await fetch(`${stack.gateway.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, upstreams: { total: 3, reachable: 3 } });
  });

  it('GET /metrics exposes the upstream counter and the rate-limiter wait', async () => {
    await stack.gql('{ agents { totalCount } }');
    const res = await fetch(`${stack.gateway.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'switchboard_upstream_requests_total',
      'switchboard_rate_limiter_queue_wait_seconds_bucket',
      'switchboard_rate_limiter_queue_depth',
      'switchboard_graphql_requests_total',
      'switchboard_upstream_reachable',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/switchboard_upstream_requests_total\{vendor="campaign-api",connection="tenant-a\/dialer-a",status="200"\} [1-9]/);
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(`${stack.gateway.url}/nope`);
    expect(res.status).toBe(404);
  });
});

describe('no secret in any log line or response', () => {
  let stack: Stack;
  const seen: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { cacheTtlMs: 0 },
      moreTenants: (sims) => [
        {
          id: 'tenant-c',
          apiKeys: [KEY_C],
          connections: [
            {
              id: 'ameyo-bad',
              vendor: 'ameyo',
              ccId: 1,
              baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
              credentials: { username: 'intruder', password: 'wrong-ameyo-password-123' },
            },
            {
              id: 'apps-bad',
              vendor: 'apps-api',
              baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
              credentials: { subdomain: 'demo', apiToken: 'wrong-apps-token-456' },
            },
            {
              id: 'dialer-bad',
              vendor: 'campaign-api',
              baseUrl: sims.campaignApi.url,
              accountId: CAMPAIGN_API_SIM_DEFAULTS.accountId,
              credentials: { username: 'switchboard', password: 'wrong-dialer-password-789', domain: 'demo' },
            },
          ],
        },
      ],
    });
  });
  afterAll(() => stack.close());

  const record = async (p: ReturnType<Stack['gql']>) => {
    const r = await p;
    seen.push(JSON.stringify(r.body), JSON.stringify([...r.headers]));
    return r;
  };
  /** Every key, password, vendor token and Authorization value in play, with each bearer token the campaign simulator has seen. */
  const secrets = () => [
    KEY_A,
    KEY_C,
    'not-a-real-key-at-all',
    AMEYO_SIM_DEFAULTS.password,
    APPS_API_SIM_DEFAULTS.token,
    CAMPAIGN_API_SIM_DEFAULTS.password,
    'wrong-ameyo-password-123',
    'wrong-apps-token-456',
    'wrong-dialer-password-789',
    Buffer.from(`demo:${APPS_API_SIM_DEFAULTS.token}`).toString('base64'),
    Buffer.from(`${AMEYO_SIM_DEFAULTS.username}:${AMEYO_SIM_DEFAULTS.password}`).toString('base64'),
    ...stack.sims.campaignApi.requests
      .map((r) => r.headers['authorization'])
      .filter((h): h is string => !!h)
      .map((h) => h.replace(/^Bearer /, '')),
  ];
  /** The secrets found in `texts`. */
  const secretsIn = (texts: readonly string[]) => {
    const everything = texts.join('\n');
    return secrets().filter((s) => everything.includes(s));
  };
  /** `connectionId:code` of each error of an answer. */
  const codesOf = (r: Awaited<ReturnType<Stack['gql']>>) => (r.body.errors ?? []).map((e) => `${e.extensions?.['connectionId'] ?? '-'}:${e.extensions?.['code']}`);

  it('refused vendor credentials answer UPSTREAM_ERROR per connection, naming no credential', async () => {
    const r = await record(stack.gql('{ agents { totalCount } }', { apiKey: KEY_C }));
    expect(r.body.data).toEqual({ agents: { totalCount: 0 } });
    expect(r.body.errors!.map((e) => [e.extensions!['connectionId'], e.extensions!['code'], e.extensions!['upstreamStatus']])).toEqual([
      ['ameyo-bad', 'UPSTREAM_ERROR', 401],
      ['apps-bad', 'UPSTREAM_ERROR', 401],
      ['dialer-bad', 'UPSTREAM_ERROR', 401],
    ]);
    expect(r.body.errors![2]!.message).toBe("campaign-api refused the connection's credentials (HTTP 401): Invalid credentials");
  });

  it('refused API keys, vendor faults and an expired token answer named errors, naming no credential', async () => {
    const from = { seen: seen.length, logs: stack.logs.length };
    const refused = [await record(stack.gql('{ agents { totalCount } }', { apiKey: 'not-a-real-key-at-all' })), await record(stack.gql('{ agents { totalCount } }', { apiKey: null }))];
    expect(refused.map((r) => [r.status, ...codesOf(r)])).toEqual([
      [401, '-:UNAUTHENTICATED'],
      [401, '-:UNAUTHENTICATED'],
    ]);
    const underFault: string[][] = [];
    for (const fault of [{ serverErrorStatus: 500 }, { malformedBody: true }, { connectionReset: true }, { truncatedBody: true }, { tooManyRequests: true }] as const) {
      for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.setFaults(fault);
      underFault.push(codesOf(await record(stack.gql('{ agents { totalCount } }'))));
      for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.resetFaults();
    }
    const each = (code: string) => ['ameyo-a', 'apps-a', 'dialer-a'].map((c) => `${c}:${code}`);
    expect(underFault).toEqual([each('UPSTREAM_ERROR'), each('UPSTREAM_ERROR'), each('UPSTREAM_UNAVAILABLE'), each('UPSTREAM_UNAVAILABLE'), each('RATE_LIMITED')]);
    // An expired campaign-API token: one new login, and the read succeeds.
    stack.sims.campaignApi.expireAllTokens();
    const logins = stack.sims.campaignApi.loginCount;
    expect(codesOf(await record(stack.gql('{ agents { totalCount } }')))).toEqual([]);
    expect(stack.sims.campaignApi.loginCount).toBe(logins + 1);
    expect(secretsIn([...seen.slice(from.seen), ...stack.logs.slice(from.logs).map((l) => JSON.stringify(l))])).toEqual([]);
  });

  it('printed no API key, password, vendor token or Authorization value', () => {
    expect(stack.sims.campaignApi.requests.some((r) => r.headers['authorization'])).toBe(true);
    expect(stack.logs.length).toBeGreaterThan(5);
    // Each test above checked its own answers and log lines; this checks them all again, with lines logged since.
    expect(secretsIn([...stack.logs.map((l) => JSON.stringify(l)), ...seen])).toEqual([]);
  });
});
