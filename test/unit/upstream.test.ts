/**
 * The composed upstream chain (cache -> dedupe -> health -> normalizeErrors -> auth -> rateLimit ->
 * transport) over real sockets, through the real vendor adapters against their simulators. Every test
 * asserts what reached the simulator, as its ordered request log, and every error it expects is also
 * checked (message, facts, extensions, stack) for passwords, API keys and every token seen on the wire.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAppsApiSim, APPS_API_SIM_DEFAULTS, type AppsApiSim } from '../../sim/apps-api';
import { CAMPAIGN_API_SIM_DEFAULTS as D, startCampaignApiSim, type CampaignApiSim } from '../../sim/campaign-api';
import type { SimRequest } from '../../sim/common/server';
import { validateConfig } from '../../src/config/load';
import type { AppsApiConnectionConfig, CampaignApiConnectionConfig } from '../../src/config/schema';
import type { VendorAdapter } from '../../src/domain/types';
import { isSwitchboardError, type SwitchboardError } from '../../src/errors';
import { PoolRegistry } from '../../src/upstream/transport';
import type { RequestScope } from '../../src/upstream/types';
import { createAppsApiAdapter } from '../../src/vendors/apps-api/adapter';
import { createCampaignApiAdapter } from '../../src/vendors/campaign-api/adapter';
import { campaignApiRoutes } from '../../src/vendors/campaign-api/routes';
import { buildRouteUrl } from '../../src/vendors/routes';
import { untilLatencyHasPassed, waitUntil } from '../support/wait';

const TENANT_KEY = 'tenant-api-key-0123456789abcdef';
const QUEUES = '/callcenter/queues/status';
const LOGIN = '/api/v2/login';
const scope = (ms = 10_000): RequestScope => ({ deadlineAt: Date.now() + ms });

/** Resolves a connection through the real config schema so every default applies. */
function resolveConnection<T>(connection: Record<string, unknown>): T {
  const config = validateConfig({ tenants: [{ id: 't1', apiKeys: [TENANT_KEY], connections: [connection] }] });
  return config.tenants[0]!.connections[0] as T;
}

function campaignConfig(baseUrl: string, over: Record<string, unknown> = {}): CampaignApiConnectionConfig {
  return resolveConnection<CampaignApiConnectionConfig>({
    id: 'dialer',
    vendor: 'campaign-api',
    baseUrl,
    accountId: D.accountId,
    credentials: { username: D.username, password: D.password, domain: D.domain },
    rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 },
    cacheTtlMs: 0,
    ...over,
  });
}

/** `method path status`, the shape every log assertion uses. */
const logOf = (requests: readonly SimRequest[]) => requests.map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''} ${r.status}`);

/** A GET of the queue-status row, built through the routes table. */
function queuesRequest(adapter: VendorAdapter, baseUrl: string, query: Record<string, string | number> = {}, cacheTtlMs?: number) {
  const { method, url } = buildRouteUrl('queuesStatus', campaignApiRoutes.queuesStatus, baseUrl, { query });
  return adapter.upstream.send({
    method,
    url,
    route: 'queuesStatus',
    headers: { accept: 'application/json' },
    scope: scope(),
    ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}),
  });
}

/** Secrets any error might be tempted to carry; tokens seen on the wire are added as tests run. */
const secrets = new Set<string>([
  D.password,
  D.apiKey,
  APPS_API_SIM_DEFAULTS.token,
  Buffer.from(`${APPS_API_SIM_DEFAULTS.subdomain}:${APPS_API_SIM_DEFAULTS.token}`).toString('base64'),
  TENANT_KEY,
  'wrong-password-x9',
  'wrong-api-key-x9',
]);
function rememberTokens(requests: readonly SimRequest[]): void {
  for (const r of requests) {
    const bearer = /^Bearer (\S+)$/.exec(r.headers['authorization'] ?? '')?.[1];
    if (bearer) secrets.add(bearer);
    if (r.headers['authorization']?.startsWith('Basic ')) secrets.add(r.headers['authorization'].slice(6));
  }
}
function expectNoSecrets(err: SwitchboardError): void {
  const text = [JSON.stringify(err.message), JSON.stringify(err.facts), JSON.stringify(err.extensions()), String(err.stack)].join('\n');
  for (const s of secrets) expect(text).not.toContain(s);
}

/** Awaits a rejection and checks it is one of ours, with the exact code, message and facts, and no secret. */
async function expectError(p: Promise<unknown>, code: string, message: string, facts: Record<string, unknown>): Promise<SwitchboardError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  for (const log of wireLogs()) rememberTokens(log);
  expect(isSwitchboardError(caught)).toBe(true);
  const err = caught as SwitchboardError;
  expect({ code: err.code, message: err.message, facts: err.facts }).toEqual({ code, message, facts });
  const { route: _route, notSent: _notSent, ...visible } = facts;
  expect(err.extensions()).toEqual({ code, ...visible });
  expectNoSecrets(err);
  return err;
}

let pools: PoolRegistry;
let sim: CampaignApiSim;
let apps: AppsApiSim | undefined;
const wireLogs = (): SimRequest[][] => [sim.requests, ...(apps ? [apps.requests] : [])];
beforeEach(async () => {
  pools = new PoolRegistry();
  sim = await startCampaignApiSim({ requestsPerSecond: 0 });
});
afterEach(async () => {
  rememberTokens(sim.requests);
  await pools.close();
  await sim.close();
});

/** Logs in once (so later fault tests hit the data route, not the login) and clears the log. */
async function primed(over: Record<string, unknown> = {}): Promise<VendorAdapter> {
  const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(sim.url, over));
  expect((await queuesRequest(adapter, sim.url)).status).toBe(200);
  rememberTokens(sim.requests);
  sim.clearRequests();
  return adapter;
}

describe('bearer-token auth (campaign-api login)', () => {
  it('20 concurrent distinct requests on a fresh connection share one login', async () => {
    const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(sim.url));
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => queuesRequest(adapter, sim.url, { probe: n })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));

    expect(sim.loginCount).toBe(1);
    const log = sim.requests;
    expect(logOf(log.slice(0, 1))).toEqual([`POST ${LOGIN} 200`]);
    expect(log.filter((r) => r.path === LOGIN)).toHaveLength(1);
    expect(JSON.parse(log[0]!.body)).toEqual({ username: D.username, password: D.password, domain: D.domain });
    expect(log[0]!.headers['authorization']).toBeUndefined();
    expect(log[0]!.headers['x-account-id']).toBeUndefined();

    const gets = log.slice(1);
    expect(gets).toHaveLength(20);
    expect(gets.map((r) => r.query['probe']![0]).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, n) => String(n)));
    const auths = new Set(gets.map((r) => r.headers['authorization']));
    expect(auths.size).toBe(1);
    expect([...auths][0]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    for (const r of gets) {
      expect(r).toMatchObject({ method: 'GET', path: QUEUES, status: 200 });
      expect(r.headers['x-account-id']).toBe(D.accountId);
      expect(r.headers['accept']).toBe('application/json');
    }
  });

  it('after the vendor expires the token: 401, one login, the same request again', async () => {
    const adapter = await primed();
    await queuesRequest(adapter, sim.url, { before: 1 });
    const oldAuth = sim.requests[0]!.headers['authorization'];
    sim.clearRequests();
    sim.expireAllTokens();

    const res = await queuesRequest(adapter, sim.url, { probe: 'x' });
    expect(res.status).toBe(200);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES}?probe=x 401`, `POST ${LOGIN} 200`, `GET ${QUEUES}?probe=x 200`]);
    expect(sim.requests[0]!.headers['authorization']).toBe(oldAuth);
    expect(sim.requests[2]!.headers['authorization']).not.toBe(oldAuth);
    expect(sim.loginCount).toBe(2);
  });

  it('a token refused even after a fresh login surfaces as UPSTREAM_ERROR 401 (renewed once, not in a loop)', async () => {
    const adapter = await primed();
    sim.setFaults({ expiredToken: true });
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_ERROR', "campaign-api refused the connection's credentials (HTTP 401): Authentication token is invalid", {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 401,
      retryable: false,
    });
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 401`, `POST ${LOGIN} 200`, `GET ${QUEUES} 401`]);
  });

  it('a wrong password fails the login with UPSTREAM_ERROR and no password in the error', async () => {
    const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(sim.url, { credentials: { username: D.username, password: 'wrong-password-x9', domain: D.domain } }));
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_ERROR', "campaign-api refused the connection's credentials (HTTP 401): Invalid credentials", {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'login',
      upstreamStatus: 401,
      retryable: false,
    });
    expect(logOf(sim.requests)).toEqual([`POST ${LOGIN} 401`]);
    expect(sim.loginCount).toBe(0);
  });

  it('X-API-Key credentials skip the login and send the key and account on every call', async () => {
    const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(sim.url, { credentials: { apiKey: D.apiKey } }));
    await queuesRequest(adapter, sim.url);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`]);
    expect(sim.requests[0]!.headers).toMatchObject({ 'x-api-key': D.apiKey, 'x-account-id': D.accountId });
    expect(sim.requests[0]!.headers['authorization']).toBeUndefined();
    expect(sim.loginCount).toBe(0);
  });

  it('a wrong API key is UPSTREAM_ERROR without the key', async () => {
    const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(sim.url, { credentials: { apiKey: 'wrong-api-key-x9' } }));
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_ERROR', "campaign-api refused the connection's credentials (HTTP 401): Authentication token is invalid", {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 401,
      retryable: false,
    });
  });
});

describe('sharing reads', () => {
  it('three concurrent identical GETs send one request and share its answer', async () => {
    const adapter = await primed();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => queuesRequest(adapter, sim.url, { same: 1 })));
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES}?same=1 200`]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('a caller leaving a shared GET does not fail the others; the call is cancelled only when all have left', async () => {
    const adapter = await primed();
    sim.setFaults({ latencyMs: 400 });
    const { method, url } = buildRouteUrl('queuesStatus', campaignApiRoutes.queuesStatus, sim.url, { query: { shared: 1 } });
    const send = (signal?: AbortSignal) => adapter.upstream.send({ method, url, route: 'queuesStatus', headers: {}, scope: { ...scope(), ...(signal ? { signal } : {}) } });
    const leaving = new AbortController();
    const first = send(leaving.signal);
    const second = send(new AbortController().signal);
    await waitUntil('the shared call is at the vendor', () => sim.requests.length === 1, 2_000);
    leaving.abort();
    await expectError(first, 'UPSTREAM_UNAVAILABLE', 'the call to campaign-api was cancelled', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: false,
    });
    expect((await second).status).toBe(200);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES}?shared=1 200`]);

    // Both leave: the shared call itself is cancelled.
    sim.clearRequests();
    const a = new AbortController();
    const b = new AbortController();
    const both = Promise.allSettled([send(a.signal), send(b.signal)]);
    await waitUntil('the shared call is at the vendor', () => sim.requests.length === 1, 2_000);
    const seenAt = Date.now();
    a.abort();
    b.abort();
    const settled = await both;
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    await untilLatencyHasPassed(seenAt, 400); // timed on purpose: "no answer" shows only once the answer was due
    expect(sim.requests.map((r) => r.status)).toEqual([0]); // the simulator saw the call, then the socket closed
  });

  it('identical GETs on two connections are not shared', async () => {
    const one = await primed();
    const two = createCampaignApiAdapter('t2', pools, campaignConfig(sim.url));
    await Promise.all([queuesRequest(one, sim.url, { same: 1 }), queuesRequest(two, sim.url, { same: 1 })]);
    expect(logOf(sim.requests).sort()).toEqual([`GET ${QUEUES}?same=1 200`, `GET ${QUEUES}?same=1 200`, `POST ${LOGIN} 200`]);
  });

  it('a cached GET is answered from memory within its TTL and sent again after it', async () => {
    const adapter = await primed();
    const first = await queuesRequest(adapter, sim.url, {}, 300);
    const second = await queuesRequest(adapter, sim.url, {}, 300);
    expect(second).toBe(first);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`]);
    // Read again and again: every read within the TTL is answered from memory, the first after it is sent.
    const readAgain = async () => {
      await queuesRequest(adapter, sim.url, {}, 300);
      return sim.requests.length === 2;
    };
    await waitUntil('the same read is sent again', readAgain, 2_000);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`, `GET ${QUEUES} 200`]);
    expect(sim.requests[1]!.receivedAtMs - sim.requests[0]!.receivedAtMs).toBeGreaterThanOrEqual(300);
  });

  it('the queue-status row is cached for the connection cacheTtlMs when read through the adapter', async () => {
    const adapter = await primed({ cacheTtlMs: 300 });
    const a = await adapter.agents!.listAgents(scope());
    const b = await adapter.agents!.listAgents(scope());
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`]);
    // Read again and again: every read within the TTL is answered from memory, the first after it is sent.
    const readAgain = async () => {
      await adapter.agents!.listAgents(scope());
      return sim.requests.length === 2;
    };
    await waitUntil('the row is read from the vendor again', readAgain, 2_000);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`, `GET ${QUEUES} 200`]);
    expect(sim.requests[1]!.receivedAtMs - sim.requests[0]!.receivedAtMs).toBeGreaterThanOrEqual(300);
  });

  it('an error answer is not cached', async () => {
    const adapter = await primed();
    sim.setFaults({ serverErrorStatus: 500 });
    await expect(queuesRequest(adapter, sim.url, {}, 5_000)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    sim.resetFaults();
    expect((await queuesRequest(adapter, sim.url, {}, 5_000)).status).toBe(200);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 500`, `GET ${QUEUES} 200`]);
  });
});

describe('transport failures', () => {
  it('a refused connection is UPSTREAM_UNAVAILABLE with vendor and connectionId', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const adapter = createCampaignApiAdapter('t1', pools, campaignConfig(url));
    await expectError(queuesRequest(adapter, url), 'UPSTREAM_UNAVAILABLE', 'campaign-api could not be reached', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: true,
      notSent: true,
    });
    expect(adapter.upstream.health.status).toBe('DOWN');
    expect(adapter.upstream.health.lastErrorCode).toBe('UPSTREAM_UNAVAILABLE');
  });

  // undici runs its header timer on a coarse (~1 s) clock, so "about" is generous here.
  it('an answer slower than timeouts.headersMs is UPSTREAM_TIMEOUT, well before the answer', async () => {
    const adapter = await primed({ timeouts: { headersMs: 200 } });
    sim.setFaults({ latencyMs: 4_000 });
    const start = Date.now();
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_TIMEOUT', 'campaign-api did not answer in time', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: true,
    });
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(3_000);
    expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${QUEUES}`]);
  });

  it('a request deadline shorter than the answer is UPSTREAM_TIMEOUT', async () => {
    const adapter = await primed();
    sim.setFaults({ latencyMs: 1_500 });
    const start = Date.now();
    const { method, url } = buildRouteUrl('queuesStatus', campaignApiRoutes.queuesStatus, sim.url);
    const p = adapter.upstream.send({ method, url, route: 'queuesStatus', headers: {}, scope: scope(250) });
    await expectError(p, 'UPSTREAM_TIMEOUT', 'campaign-api did not answer in time', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: true,
    });
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('a client that goes away cancels the call: UPSTREAM_UNAVAILABLE, not retryable', async () => {
    const adapter = await primed();
    sim.setFaults({ latencyMs: 1_500 });
    const controller = new AbortController();
    const { method, url } = buildRouteUrl('queuesStatus', campaignApiRoutes.queuesStatus, sim.url);
    const start = Date.now();
    const p = adapter.upstream.send({ method, url, route: 'queuesStatus', headers: {}, scope: { ...scope(), signal: controller.signal } });
    await waitUntil('the call is at the vendor', () => sim.requests.length === 1, 2_000);
    controller.abort();
    await expectError(p, 'UPSTREAM_UNAVAILABLE', 'the call to campaign-api was cancelled', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: false,
    });
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('connectionReset is UPSTREAM_UNAVAILABLE after the read was retried twice', async () => {
    const adapter = await primed();
    sim.setFaults({ connectionReset: true });
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_UNAVAILABLE', 'campaign-api closed the connection before answering', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: true,
    });
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 0`, `GET ${QUEUES} 0`, `GET ${QUEUES} 0`]);
  });

  it('a truncated body is UPSTREAM_UNAVAILABLE', async () => {
    const adapter = await primed();
    sim.setFaults({ truncatedBody: true });
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_UNAVAILABLE', 'campaign-api closed the connection before answering', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      retryable: true,
    });
  });
});

describe('vendor answers', () => {
  it('a malformed JSON body read through the adapter is UPSTREAM_ERROR', async () => {
    const adapter = await primed();
    sim.setFaults({ malformedBody: true });
    await expectError(adapter.agents!.listAgents(scope()), 'UPSTREAM_ERROR', 'campaign-api sent a response that is not valid JSON', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 200,
      retryable: false,
    });
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 200`]);
  });

  it('503 is UPSTREAM_UNAVAILABLE', async () => {
    const adapter = await primed();
    sim.setFaults({ serverErrorStatus: 503 });
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_UNAVAILABLE', 'campaign-api is unavailable (HTTP 503): Internal server error', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 503,
      retryable: true,
    });
    // A safe read is retried twice on 503 (backoff with jitter) before the answer goes up.
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 503`, `GET ${QUEUES} 503`, `GET ${QUEUES} 503`]);
    expect(adapter.upstream.health.status).toBe('DOWN');
  });

  it('500 is UPSTREAM_ERROR', async () => {
    const adapter = await primed();
    sim.setFaults({ serverErrorStatus: 500 });
    await expectError(queuesRequest(adapter, sim.url), 'UPSTREAM_ERROR', 'campaign-api answered HTTP 500: Internal server error', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 500,
      retryable: true,
    });
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 500`]);
    expect(adapter.upstream.health.status).toBe('DEGRADED');
  });

  it('a vendor 429 pauses the connection for Retry-After and sends the request once more', async () => {
    const adapter = await primed();
    sim.setFaults({ tooManyRequests: true });
    const pending = queuesRequest(adapter, sim.url);
    await waitUntil('the vendor has answered 429', () => sim.requests[0]?.status === 429, 2_000);
    sim.resetFaults(); // the storm ends during the 1 s pause
    expect((await pending).status).toBe(200);
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 429`, `GET ${QUEUES} 200`]);
    const gap = sim.requests[1]!.receivedAtMs - sim.requests[0]!.receivedAtMs;
    expect(gap).toBeGreaterThanOrEqual(990); // Retry-After: 1
  });

  it('a 429 storm surfaces as RATE_LIMITED with upstreamStatus 429 after one retry', async () => {
    const adapter = await primed();
    sim.setFaults({ tooManyRequests: true });
    await expectError(queuesRequest(adapter, sim.url), 'RATE_LIMITED', 'campaign-api is rate limiting this connection: Too many requests', {
      vendor: 'campaign-api',
      connectionId: 'dialer',
      route: 'queuesStatus',
      upstreamStatus: 429,
      retryable: true,
      retryAfterMs: 1_000,
      notSent: true,
    });
    expect(logOf(sim.requests)).toEqual([`GET ${QUEUES} 429`, `GET ${QUEUES} 429`]);
  });
});

describe('static Basic auth (apps-api)', () => {
  let appsSim: AppsApiSim;
  beforeAll(async () => {
    apps = appsSim = await startAppsApiSim({ requestsPerSecond: 0 });
  });
  afterAll(async () => {
    rememberTokens(appsSim.requests);
    apps = undefined;
    await appsSim.close();
  });

  function appsConfig(apiToken: string): AppsApiConnectionConfig {
    return resolveConnection<AppsApiConnectionConfig>({
      id: 'ujet',
      vendor: 'apps-api',
      baseUrls: { apps: appsSim.appsBaseUrl, manager: appsSim.managerBaseUrl },
      credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken },
      rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 },
      cacheTtlMs: 0,
    });
  }

  it('sends Authorization: Basic base64(subdomain:token) on every page', async () => {
    appsSim.clearRequests();
    const adapter = createAppsApiAdapter('t1', pools, appsConfig(APPS_API_SIM_DEFAULTS.token));
    const agents = await adapter.agents!.listAgents(scope());
    expect(agents.length).toBe(appsSim.state.agents.length);
    const expected = `Basic ${Buffer.from(`${APPS_API_SIM_DEFAULTS.subdomain}:${APPS_API_SIM_DEFAULTS.token}`).toString('base64')}`;
    expect(appsSim.requests.length).toBeGreaterThan(0);
    for (const r of appsSim.requests) {
      expect(r.headers['authorization']).toBe(expected);
      expect(r.path).toBe('/manager/api/v1/agents');
      expect(r.status).toBe(200);
    }
    expect(appsSim.requests[0]!.rawQuery).toBe('page=1&per=100');
  });

  it('a refused token is UPSTREAM_ERROR with the vendor message and no token', async () => {
    appsSim.clearRequests();
    const adapter = createAppsApiAdapter('t1', pools, appsConfig('wrong-password-x9'));
    await expectError(adapter.agents!.listAgents(scope()), 'UPSTREAM_ERROR', "apps-api refused the connection's credentials (HTTP 401): Unauthorized", {
      vendor: 'apps-api',
      connectionId: 'ujet',
      route: 'listAgents',
      upstreamStatus: 401,
      retryable: false,
    });
    expect(logOf(appsSim.requests)).toEqual(['GET /manager/api/v1/agents?page=1&per=100 401']);
  });
});
