/**
 * Issue 12, item 6: the metrics an operator needs, read from the real /metrics endpoint after causing each
 * event over real sockets: a cache hit and miss, a coalesced read, retries for each of the four reasons, a
 * circuit breaker opening (2), going half-open with time (1) and closing (0), the rate limiter's queue, and
 * HTTP answers by route and status class. Every assertion is the exact series lines of one metric.
 *
 * Tenant A (three connections, a 60 s list cache) shows the cache, coalescing and the 401 re-send; tenant
 * F (one Apps API connection, no cache, breaker threshold 3 and cooldown 1 s) shows retries and the breaker.
 */
import http from 'node:http';
import { KEY_A, startStack, type Stack, type StackOptions } from '../support/stack';
import { waitUntil } from '../support/wait';

const KEY_F = 'test-key-tenant-f-0006';
const ORIGIN = 'http://app.example';
const APPS_A = 'vendor="apps-api",connection="tenant-a/apps-a"';
const AMEYO_A = 'vendor="ameyo",connection="tenant-a/ameyo-a"';
const DIALER_A = 'vendor="campaign-api",connection="tenant-a/dialer-a"';
const APPS_F = 'vendor="apps-api",connection="tenant-f/apps-f"';

const agentsOf = (connectionId: string) => `{ agents(first: 100, filter: { connectionIds: ["${connectionId}"] }) { totalCount } }`;

describe('operator metrics on /metrics', () => {
  let stack: Stack;
  /** Answers of the graphql route so far, by status class: the expected `switchboard_http_responses_total` lines. */
  const graphqlAnswers = new Map<string, number>();

  beforeAll(async () => {
    const fast = { rateLimit: { requestsPerSecond: 200, spacingMarginMs: 0 }, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } };
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      // `retry` and `circuitBreaker` are connection settings the harness's override type does not list.
      connection: { ...fast, cacheTtlMs: 60_000, circuitBreaker: { failureThreshold: 100 } } as StackOptions['connection'],
      server: { cors: { origins: [ORIGIN] } },
      moreTenants: (sims) => [
        {
          id: 'tenant-f',
          apiKeys: [KEY_F],
          connections: [
            {
              id: 'apps-f',
              vendor: 'apps-api',
              baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
              credentials: { subdomain: 'demo', apiToken: 'apps-demo-token' },
              ...fast,
              cacheTtlMs: 0,
              circuitBreaker: { failureThreshold: 3, cooldownMs: 1_000 },
            },
          ],
        },
      ],
    });
  });
  afterAll(() => stack?.close());
  afterEach(() => {
    for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.resetFaults();
  });

  async function gql(query: string, apiKey = KEY_A) {
    const res = await stack.gql(query, { apiKey });
    const statusClass = `${Math.floor(res.status / 100)}xx`;
    graphqlAnswers.set(statusClass, (graphqlAnswers.get(statusClass) ?? 0) + 1);
    return res;
  }

  const scrape = async () => (await fetch(`${stack.gateway.url}/metrics`)).text();
  /** Every series line of `name` (exactly that name, any labels), sorted. */
  const seriesOf = (text: string, name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .sort();
  const codesOf = (res: Awaited<ReturnType<typeof gql>>) => (res.body.errors ?? []).map((e) => e.extensions?.['code']);

  it('cache: the first read of a polled list is a miss, the same read again a hit', async () => {
    expect(codesOf(await gql(agentsOf('apps-a')))).toEqual([]);
    expect(codesOf(await gql(agentsOf('apps-a')))).toEqual([]);
    const text = await scrape();
    expect(seriesOf(text, 'switchboard_upstream_cache_misses_total')).toEqual([`switchboard_upstream_cache_misses_total{${APPS_A}} 1`]);
    expect(seriesOf(text, 'switchboard_upstream_cache_hits_total')).toEqual([`switchboard_upstream_cache_hits_total{${APPS_A}} 1`]);
    expect(seriesOf(text, 'switchboard_upstream_requests_total')).toEqual([`switchboard_upstream_requests_total{${APPS_A},status="200"} 1`]);
  });

  it('coalescing: two reads of the same list at once, one vendor request', async () => {
    stack.sims.ameyo.setFaults({ latencyMs: 300 }); // the first is still in flight when the second arrives
    const both = await Promise.all([gql(agentsOf('ameyo-a')), gql(agentsOf('ameyo-a'))]);
    expect(both.map(codesOf)).toEqual([[], []]);
    const text = await scrape();
    expect(seriesOf(text, 'switchboard_upstream_coalesced_requests_total')).toEqual([`switchboard_upstream_coalesced_requests_total{${AMEYO_A}} 1`]);
    expect(seriesOf(text, 'switchboard_upstream_cache_misses_total')).toEqual([
      `switchboard_upstream_cache_misses_total{${AMEYO_A}} 2`, // both missed the cache; the second then joined the first
      `switchboard_upstream_cache_misses_total{${APPS_A}} 1`,
    ]);
    expect(seriesOf(text, 'switchboard_upstream_requests_total')).toContain(`switchboard_upstream_requests_total{${AMEYO_A},status="200"} 1`);
  });

  it('retries by reason, and the breaker opening after 3 failed reads (state 2), half-open after its cooldown (1), closed by a good trial (0)', async () => {
    let text = await scrape();
    expect(seriesOf(text, 'switchboard_circuit_breaker_state')).toEqual(
      [
        `switchboard_circuit_breaker_state{${AMEYO_A}} 0`,
        `switchboard_circuit_breaker_state{${APPS_A}} 0`,
        `switchboard_circuit_breaker_state{${DIALER_A}} 0`,
        `switchboard_circuit_breaker_state{${APPS_F}} 0`,
      ].sort(),
    );

    stack.sims.appsApi.setFaults({ connectionReset: true });
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual(['UPSTREAM_UNAVAILABLE']); // failure 1, after 2 retries
    stack.sims.appsApi.setFaults({ connectionReset: false, serverErrorStatus: 503 });
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual(['UPSTREAM_UNAVAILABLE']); // failure 2
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual(['UPSTREAM_UNAVAILABLE']); // failure 3: open
    const requestsBefore = stack.sims.appsApi.requests.length;
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual(['UPSTREAM_UNAVAILABLE']); // circuit open: nothing sent
    expect(stack.sims.appsApi.requests.length).toBe(requestsBefore);

    text = await scrape();
    expect(seriesOf(text, 'switchboard_circuit_breaker_state')).toContain(`switchboard_circuit_breaker_state{${APPS_F}} 2`);
    expect(seriesOf(text, 'switchboard_upstream_retries_total')).toEqual([
      `switchboard_upstream_retries_total{${APPS_F},reason="connection"} 2`,
      `switchboard_upstream_retries_total{${APPS_F},reason="server_error"} 4`,
    ]);
    expect(seriesOf(text, 'switchboard_upstream_requests_total').filter((l) => l.includes('tenant-f'))).toEqual([
      `switchboard_upstream_requests_total{${APPS_F},status="503"} 6`,
      `switchboard_upstream_requests_total{${APPS_F},status="reset"} 3`,
    ]);

    await waitUntil(
      'the breaker gauge of tenant-f/apps-f shows half-open (1)',
      async () => seriesOf(await scrape(), 'switchboard_circuit_breaker_state').includes(`switchboard_circuit_breaker_state{${APPS_F}} 1`),
      5_000,
    );
    stack.sims.appsApi.resetFaults();
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual([]); // the trial succeeds
    expect(seriesOf(await scrape(), 'switchboard_circuit_breaker_state')).toContain(`switchboard_circuit_breaker_state{${APPS_F}} 0`);
  });

  it('retries after a vendor 429 (rate_limited) and with a renewed token after a 401 (unauthorized)', async () => {
    stack.sims.appsApi.setFaults({ tooManyRequests: true }); // Retry-After: 1, so this read takes about a second
    expect(codesOf(await gql(agentsOf('apps-f'), KEY_F))).toEqual(['RATE_LIMITED']);
    stack.sims.campaignApi.setFaults({ expiredToken: true });
    expect(codesOf(await gql(agentsOf('dialer-a')))).toEqual(['UPSTREAM_ERROR']);
    const text = await scrape();
    expect(seriesOf(text, 'switchboard_upstream_retries_total')).toEqual(
      [
        `switchboard_upstream_retries_total{${APPS_F},reason="connection"} 2`,
        `switchboard_upstream_retries_total{${APPS_F},reason="rate_limited"} 1`,
        `switchboard_upstream_retries_total{${APPS_F},reason="server_error"} 4`,
        `switchboard_upstream_retries_total{${DIALER_A},reason="unauthorized"} 1`,
      ].sort(),
    );
    // 4xx never counts against the circuit.
    expect(seriesOf(text, 'switchboard_circuit_breaker_state')).toContain(`switchboard_circuit_breaker_state{${APPS_F}} 0`);
  });

  it('the rate limiter: queue wait histogram and queue depth per connection', async () => {
    const text = await scrape();
    // Every request of tenant F that left took a slot first: 3 (reset) + 3 + 3 (503) + 1 (the trial) + 2
    // (the 429 and its re-send); the open circuit's refusal never queued. Only the re-send waited long: it
    // waited out the 1 s pause the 429 put on the connection.
    expect(seriesOf(text, 'switchboard_rate_limiter_queue_wait_seconds_count')).toContain(`switchboard_rate_limiter_queue_wait_seconds_count{${APPS_F}} 12`);
    expect(seriesOf(text, 'switchboard_rate_limiter_queue_wait_seconds_bucket').filter((l) => l.includes('tenant-f') && l.includes('le="0.5"'))).toEqual([
      `switchboard_rate_limiter_queue_wait_seconds_bucket{le="0.5",${APPS_F}} 11`,
    ]);
    expect(seriesOf(text, 'switchboard_rate_limiter_queue_depth')).toEqual(
      [
        `switchboard_rate_limiter_queue_depth{${AMEYO_A}} 0`,
        `switchboard_rate_limiter_queue_depth{${APPS_A}} 0`,
        `switchboard_rate_limiter_queue_depth{${DIALER_A}} 0`,
        `switchboard_rate_limiter_queue_depth{${APPS_F}} 0`,
      ].sort(),
    );
  });

  it('HTTP answers by route and status class: routes, not_found, unrouted, preflight', async () => {
    expect((await gql('{ connections { id } }', 'test-key-tenant-x-9999')).status).toBe(401);
    expect((await fetch(`${stack.gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.gateway.url}/nowhere?key=${KEY_A}`)).status).toBe(404);
    expect((await fetch(`${stack.gateway.url}/healthz`, { method: 'POST' })).status).toBe(405);
    const preflight = await fetch(stack.graphqlUrl, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    // An asterisk-form request-target is not a path: 400 before routing.
    const unrouted = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(stack.gateway.url);
      http
        .request({ host: hostname, port, method: 'OPTIONS', path: '*', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject)
        .end();
    });
    expect(unrouted).toBe(400);

    const expected = [
      ...[...graphqlAnswers].map(([statusClass, n]) => `switchboard_http_responses_total{route="graphql",status_class="${statusClass}"} ${n}`),
      'switchboard_http_responses_total{route="healthz",status_class="2xx"} 1',
      'switchboard_http_responses_total{route="not_found",status_class="4xx"} 2',
      'switchboard_http_responses_total{route="preflight",status_class="2xx"} 1',
      'switchboard_http_responses_total{route="unrouted",status_class="4xx"} 1',
    ];
    expect(graphqlAnswers.get('4xx')).toBe(1);
    // Each answer is counted once the server is done with it, a moment after the client has read it.
    const answered = async () => seriesOf(await scrape(), 'switchboard_http_responses_total').filter((l) => !l.includes('route="metrics"'));
    expected.sort();
    let lines: string[] = [];
    // On a timeout the assertion below shows the difference.
    await waitUntil('every answer is counted', async () => JSON.stringify((lines = await answered())) === JSON.stringify(expected), 5_000).catch(() => undefined);
    expect(lines).toEqual(expected);
    expect(seriesOf(await scrape(), 'switchboard_http_responses_total').some((l) => l.startsWith('switchboard_http_responses_total{route="metrics",status_class="2xx"}'))).toBe(true);
  });
});
