/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * Retries (src/upstream/retry.ts) and the 429 resend (src/upstream/rateLimit.ts), through GraphQL over
 * real sockets. A safe read (GET) is tried again on 502/503/504 and on a reset, up to `maxRetries` (2),
 * after a full-jitter backoff; a mutation (POST) is sent once, whatever happens. A vendor 429 pauses the
 * connection for its Retry-After clamped to [one interval, 60 s] and resends once.
 *
 * Two upstreams: the shared simulators (tenant A), and a scripted Apps API (tenant B, `flaky`) built on
 * `startSimServer`, whose agents endpoint answers a script of replies and then the real simulator's list,
 * so a read can fail a set number of times and then succeed, deterministically.
 */
import { APPS_API_SIM_DEFAULTS } from '../../sim';
import { listAgents } from '../../sim/apps-api/agents';
import type { AppsApiState } from '../../sim/apps-api/seed';
import { startSimServer, type SimReply, type SimServer } from '../../sim/common/server';
import { KEY_B, startStack, type Stack } from '../support/stack';
import { TIMING, agentsOf, logOf, resetSims, startFaultStack, times } from './support/faultStack';
import { installProcessGuard } from './support/guard';

installProcessGuard();

const SMS_SEND = `mutation($input: SmsSendInput!) { smsSend(input: $input) { sms { nativeId status } userErrors { field message code } } }`;
const SMS_INPUT = { connectionId: 'apps-a', endUserNumber: '+14155550150', outboundNumber: '+18005550100', message: 'Your order has shipped' };
const AGENTS = 'GET /manager/api/v1/agents';

describe('tenant A: retries for safe reads only', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A high threshold: these tests are about retries, not about the circuit opening between them.
    stack = await startFaultStack({ circuitBreaker: { failureThreshold: 100 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => resetSims(stack));

  const sms = () => stack.gql(SMS_SEND, { variables: { input: SMS_INPUT } });

  it('a mutation (POST) answered 503 is not resent: one request, UPSTREAM_UNAVAILABLE', async () => {
    stack.sims.appsApi.setFaults({ serverErrorStatus: 503 });
    const res = await sms();
    expect(res.body).toEqual({
      data: null,
      errors: [
        {
          message: 'apps-api is unavailable (HTTP 503): Internal Server Error',
          locations: [{ line: 1, column: 35 }],
          path: ['smsSend'],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, vendor: 'apps-api', connectionId: 'apps-a', upstreamStatus: 503 },
        },
      ],
    });
    expect(logOf(stack.sims.appsApi)).toEqual(['POST /apps/api/v1/sms 503']);
  });

  it('a mutation (POST) whose connection is reset is not resent: one request, UPSTREAM_UNAVAILABLE', async () => {
    stack.sims.appsApi.setFaults({ connectionReset: true });
    const res = await sms();
    expect(res.body).toEqual({
      data: null,
      errors: [
        {
          message: 'apps-api closed the connection before answering',
          locations: [{ line: 1, column: 35 }],
          path: ['smsSend'],
          // Not retryable: the SMS may have been sent (regression-mutation-reset-retryable.test.ts).
          extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: false, vendor: 'apps-api', connectionId: 'apps-a' },
        },
      ],
    });
    expect(logOf(stack.sims.appsApi)).toEqual(['POST /apps/api/v1/sms 0']);
  });

  it('the same mutation goes through once the fault clears, still with one request', async () => {
    stack.sims.appsApi.setFaults({ serverErrorStatus: 503 });
    await sms();
    stack.sims.appsApi.resetFaults();
    stack.sims.appsApi.clearRequests();
    const res = await sms();
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!['smsSend']).toMatchObject({ sms: { status: 'queued' }, userErrors: [] });
    expect(logOf(stack.sims.appsApi)).toEqual(['POST /apps/api/v1/sms 200']);
  });

  it.each([502, 503, 504])('a read (GET) answered %i is tried 3 times, then UPSTREAM_UNAVAILABLE', async (status) => {
    stack.sims.appsApi.setFaults({ serverErrorStatus: status });
    const res = await agentsOf(stack, 'apps-a');
    expect(res.body.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', retryable: true, vendor: 'apps-api', connectionId: 'apps-a', upstreamStatus: status });
    expect(logOf(stack.sims.appsApi)).toEqual(times(1 + TIMING.maxRetries, `${AGENTS} ${status}`));
  });

  it('a read (GET) answered 500 or 501 is not retried: 500 and 501 are answers, not unavailability', async () => {
    for (const status of [500, 501]) {
      stack.sims.appsApi.clearRequests();
      stack.sims.appsApi.setFaults({ serverErrorStatus: status });
      const res = await agentsOf(stack, 'apps-a');
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: status });
      expect(logOf(stack.sims.appsApi)).toEqual([`${AGENTS} ${status}`]);
    }
  });
});

describe('tenant B: a scripted Apps API (fails N times, then answers)', () => {
  let stack: Stack;
  let flaky: SimServer;
  let appsState: AppsApiState;
  /** Replies the next requests get, in order; once empty, the real simulator's agent list. */
  let script: SimReply[] = [];
  const BASE_DELAY_MS = 100;

  beforeAll(async () => {
    flaky = await startSimServer(
      {
        name: 'scripted-apps-api',
        routes: [{ route: 'GET /manager/api/v1/agents', handler: (ctx) => script.shift() ?? listAgents(appsState, ctx, flaky.url, false) }],
        authenticate: () => ({ principal: null }),
        tooManyRequests: () => ({ status: 429, body: { message: 'Too Many Requests' } }),
        serverError: (status) => ({ status, body: { message: 'Internal Server Error' } }),
        notFound: () => ({ status: 404, body: { message: 'Not Found' } }),
      },
      { requestsPerSecond: 0 },
    );
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      server: { requestTimeoutMs: 3_000 },
      moreTenants: (sims) => {
        appsState = sims.appsApi.state;
        return [
          {
            id: 'tenant-b',
            apiKeys: [KEY_B],
            connections: [
              {
                id: 'flaky',
                vendor: 'apps-api',
                baseUrls: { apps: `${flaky.url}/apps/api/v1`, manager: `${flaky.url}/manager/api/v1` },
                credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
                timeouts: { connectMs: 1_000, headersMs: 1_000, requestMs: 2_000 },
                retry: { maxRetries: 2, baseDelayMs: BASE_DELAY_MS, maxDelayMs: 1_000 },
                circuitBreaker: { failureThreshold: 100, cooldownMs: 500 },
                rateLimit: { requestsPerSecond: 200, spacingMarginMs: 0 },
                cacheTtlMs: 0,
              },
            ],
          },
        ];
      },
    });
  });
  afterAll(async () => {
    await stack.close();
    await flaky.close();
  });
  beforeEach(() => {
    script = [];
    flaky.clearRequests();
  });

  const read = () => stack.gql(`{ agents(first: 100) { totalCount } }`, { apiKey: KEY_B });
  const unavailable = (status: number): SimReply => ({ status, body: { message: 'Service Unavailable' } });

  it('a read that fails twice (503, then 502) and then answers succeeds on the third try, after a jittered backoff', async () => {
    script = [unavailable(503), unavailable(502)];
    const res = await read();
    expect(res.body).toEqual({ data: { agents: { totalCount: appsState.agents.length } } });
    expect(logOf(flaky)).toEqual([`${AGENTS} 503`, `${AGENTS} 502`, `${AGENTS} 200`]);
    // Full jitter: each wait is below its cap, base * 2^attempt (100 ms, then 200 ms), plus the round trip.
    const [a, b, c] = flaky.requests.map((r) => r.receivedAtMs);
    expect(b! - a!).toBeLessThan(BASE_DELAY_MS + 150);
    expect(c! - b!).toBeLessThan(2 * BASE_DELAY_MS + 150);
  });

  it('a read that fails three times gives up after 2 retries with the last answer', async () => {
    script = [unavailable(503), unavailable(503), unavailable(504), unavailable(503)];
    const res = await read();
    expect(res.body.errors).toEqual([
      {
        message: 'apps-api is unavailable (HTTP 504): Service Unavailable',
        path: ['agents'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, vendor: 'apps-api', connectionId: 'flaky', upstreamStatus: 504 },
      },
    ]);
    expect(logOf(flaky)).toEqual([`${AGENTS} 503`, `${AGENTS} 503`, `${AGENTS} 504`]);
    expect(script).toHaveLength(1); // the fourth reply was never asked for
  });

  it('a read whose first two tries are reset succeeds on the third', async () => {
    // The fault clears as the third request arrives: the simulator logs a request before it looks at the
    // switches (sim/common/server.ts), so turning them off from the log's push is exact, with no race.
    const log = flaky.requests as SimServer['requests'] & { push: (...entries: SimServer['requests']) => number };
    log.push = (...entries) => {
      const n = Array.prototype.push.apply(log, entries);
      if (n === 3) flaky.resetFaults();
      return n;
    };
    flaky.setFaults({ connectionReset: true });
    try {
      const res = await read();
      expect(res.body).toEqual({ data: { agents: { totalCount: appsState.agents.length } } });
      expect(logOf(flaky)).toEqual([`${AGENTS} 0`, `${AGENTS} 0`, `${AGENTS} 200`]);
    } finally {
      delete (log as { push?: unknown }).push; // back to Array.prototype.push
      flaky.resetFaults();
    }
  });

  it('a 429 with Retry-After: 0 is resent after one interval (the clamp floor), once', async () => {
    const tooMany = (retryAfter: string): SimReply => ({ status: 429, headers: { 'retry-after': retryAfter }, body: { message: 'Too Many Requests' } });
    script = [tooMany('0')];
    const res = await read();
    expect(res.body).toEqual({ data: { agents: { totalCount: appsState.agents.length } } });
    expect(logOf(flaky)).toEqual([`${AGENTS} 429`, `${AGENTS} 200`]);
    expect(flaky.requests[1]!.receivedAtMs - flaky.requests[0]!.receivedAtMs).toBeLessThan(300); // 5 ms, not the 1 s fallback
  });

  it('a 429 with Retry-After: 3600 is clamped to 60 s: too long for the request, so RATE_LIMITED at once and the connection paused', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3600' }, body: { message: 'Too Many Requests' } }];
    const started = Date.now();
    const res = await read();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(res.body.errors).toEqual([
      {
        message: 'apps-api is rate limiting this connection: Too Many Requests',
        path: ['agents'],
        extensions: { code: 'RATE_LIMITED', retryable: true, vendor: 'apps-api', connectionId: 'flaky', upstreamStatus: 429, retryAfterMs: 60_000 },
      },
    ]);
    expect(logOf(flaky)).toEqual([`${AGENTS} 429`]);

    // This must stay the describe's last test: the connection stays paused for a minute.
    // The whole connection waits out the (clamped) pause: the next read fails fast, sending nothing.
    const next = await read();
    expect(next.body.errors).toEqual([
      {
        message: "connection 'flaky' is at its rate limit and the wait would pass the request's deadline; retry after retryAfterMs",
        path: ['agents'],
        extensions: { code: 'RATE_LIMITED', retryable: true, vendor: 'apps-api', connectionId: 'flaky', retryAfterMs: expect.any(Number) },
      },
    ]);
    const retryAfterMs: number = next.body.errors![0]!.extensions!['retryAfterMs'];
    expect(retryAfterMs).toBeGreaterThan(55_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(logOf(flaky)).toEqual([`${AGENTS} 429`]);
    // Tenant A's connections are not affected by tenant B's pause.
    expect((await agentsOf(stack, 'apps-a')).body.errors).toBeUndefined();
  });
});
