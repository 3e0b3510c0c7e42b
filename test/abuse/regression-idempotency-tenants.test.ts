/**
 * Issue 11, items 2, 3 and 5: stores shared across tenants, and lists without a bound.
 *
 * - item 2: one request may run at most `maxIdempotentMutations` (1) mutations that take an
 *   idempotencyKey, each costs 100, and the same client key in two tenants is two records;
 * - item 3: the APQ cache is partitioned by tenant (unit test of the cache, through a real ApolloServer);
 * - item 5: `nodes(ids:)` and every other list argument hold at most `maxListLength` (100) items, and
 *   `nodes` costs one node per id;
 * - the upstream response cache and in-flight coalescing are per tenant connection: two tenants with the
 *   same connection id at the same vendor URL never share an answer.
 *
 * Every refusal is the exact limit message, HTTP 400, and reaches no simulator.
 */
import { ApolloServer, HeaderMap } from '@apollo/server';
import { AMEYO_SIM_DEFAULTS, APPS_API_SIM_DEFAULTS } from '../../sim';
import { startAppsApiSim, type AppsApiSim } from '../../sim/apps-api';
import { validateConfig } from '../../src/config/load';
import type { AppsApiConnectionConfig } from '../../src/config/schema';
import { encodeGlobalId } from '../../src/graphql/ids';
import { createTenantApqCache, currentTenantId, runInTenantScope, TenantApqCache } from '../../src/graphql/apq';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAppsApiAdapter } from '../../src/vendors/apps-api/adapter';
import { KEY_A, KEY_B, requestLines, startStack, type Stack } from '../support/stack';
import { clearSimRequests, FAST_SIMS, healthy, simRequests } from './helpers';

const limitError = (limit: string, max: number, actual: number) => ({
  status: 400,
  body: { errors: [{ message: `query ${limit} is ${actual}, over the limit of ${max}`, extensions: { code: 'BAD_USER_INPUT', limit, max, actual } }] },
});

const DIAL_FIELDS = 'dialAttempt { accepted vendorReason } userErrors { message code }';
const ids = (n: number, connectionId = 'ameyo-a') => Array.from({ length: n }, (_, i) => encodeGlobalId('Campaign', connectionId, `c${i}`));
const literal = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

/** Tenant B: the same connection ids as tenant A ('ameyo-a', 'apps-a') at the same simulators. */
function tenantB(sims: Stack['sims']) {
  return [
    {
      id: 'tenant-b',
      apiKeys: [KEY_B],
      limits: { maxAliases: 100, maxIdempotentMutations: 100 },
      connections: [
        {
          id: 'ameyo-a',
          vendor: 'ameyo' as const,
          ccId: AMEYO_SIM_DEFAULTS.ccId,
          baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
          credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
          webAccess: { hashKey: AMEYO_SIM_DEFAULTS.hashKey, requestingHost: AMEYO_SIM_DEFAULTS.requestingHost },
          appServerToken: AMEYO_SIM_DEFAULTS.appServerToken,
          rateLimit: { requestsPerSecond: 1000 },
          cacheTtlMs: 60_000,
        },
        {
          id: 'apps-a',
          vendor: 'apps-api' as const,
          baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
          credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
          rateLimit: { requestsPerSecond: 1000 },
          cacheTtlMs: 60_000,
        },
      ],
    },
  ];
}

describe('issue 11: per-tenant stores and bounded lists, over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS, connection: { rateLimit: { requestsPerSecond: 1000 }, cacheTtlMs: 60_000 }, moreTenants: tenantB });
  });
  afterAll(() => stack.close());
  beforeEach(() => clearSimRequests(stack));
  afterEach(async () => {
    expect(await healthy(stack)).toBe(true);
  });

  const refused = async (query: string, variables: Record<string, unknown> = {}, apiKey = KEY_A) => {
    const r = await stack.gql(query, { apiKey, variables });
    return { status: r.status, body: r.body };
  };
  /** An agent Ameyo refuses to dial for ("not logged in"): the cheap refusal. */
  const loggedOff = (connectionId = 'ameyo-a') => {
    const agent = stack.sims.ameyo.state.agents.find((a) => !stack.sims.ameyo.state.sessions.some((s) => s.userId === a.userId))!;
    return encodeGlobalId('Agent', connectionId, agent.userId);
  };
  const dialInput = (key: string, phoneNumber = '+14155550131') => ({ agentId: loggedOff(), campaignId: encodeGlobalId('Campaign', 'ameyo-a', '389'), phoneNumber, idempotencyKey: key });
  const webAccess = () => simRequests(stack).filter((l) => l.startsWith('ameyo POST /ameyowebaccess'));

  describe('item 2: idempotent mutations per request', () => {
    it('refuses two aliased callDisposeAndDial (the attack of the issue) before anything runs', async () => {
      const dad = (alias: string, key: string) =>
        `${alias}: callDisposeAndDial(input: { agentId: $a, campaignId: $p, callId: $c, dispositionCode: "Sale", phoneNumber: "+14155550132", idempotencyKey: "${key}" }) { __typename }`;
      const vars = { a: loggedOff(), p: encodeGlobalId('Campaign', 'ameyo-a', '389'), c: encodeGlobalId('Call', 'ameyo-a', 'crt-1') };
      expect(await refused(`mutation($a: ID!, $p: ID!, $c: ID!) { ${dad('d0', 'attack-0000')} ${dad('d1', 'attack-0001')} }`, vars)).toEqual(limitError('idempotentMutations', 1, 2));
      const ten = Array.from({ length: 10 }, (_, i) => dad(`d${i}`, `attack-000${i}`)).join(' ');
      expect(await refused(`mutation($a: ID!, $p: ID!, $c: ID!) { ${ten} }`, vars)).toEqual(limitError('idempotentMutations', 1, 10));
      expect(simRequests(stack)).toEqual([]);
    });

    it('counts every mutation with a key, under any name or fragment: callDial + callDispose, and a spread', async () => {
      const both = `mutation($i: CallDialInput!, $d: CallDisposeInput!) { callDial(input: $i) { __typename } callDispose(input: $d) { accepted } }`;
      const dispose = { agentId: loggedOff(), dispositionCode: 'Sale', idempotencyKey: 'dispose-x-0001' };
      expect(await refused(both, { i: dialInput('dial-x-0001'), d: dispose })).toEqual(limitError('idempotentMutations', 1, 2));
      const spread = `mutation($i: CallDialInput!) { ...D ...D2 } fragment D on Mutation { callDial(input: $i) { __typename } } fragment D2 on Mutation { again: callDial(input: $i) { __typename } }`;
      expect(await refused(spread, { i: dialInput('dial-x-0002') })).toEqual(limitError('idempotentMutations', 1, 2));
      expect(simRequests(stack)).toEqual([]);
    });

    it('runs one, and prices each at 100: 51 aliased dials are over the cost limit of a tenant allowed 100', async () => {
      const one = await stack.gql(`mutation($i: CallDialInput!) { callDial(input: $i) { ${DIAL_FIELDS} } }`, { variables: { i: dialInput('dial-one-0001') } });
      expect(one.status).toBe(200);
      expect(one.body.data!['callDial']).toMatchObject({ dialAttempt: { accepted: false }, userErrors: [{ code: 'VENDOR_REFUSED' }] });
      expect(webAccess()).toHaveLength(1);
      clearSimRequests(stack);
      // Tenant B may run 100 per request (limits override), but 51 x 100 is over its cost limit of 5000.
      const dials = (n: number) => `mutation($i: CallDialInput!) { ${Array.from({ length: n }, (_, i) => `d${i}: callDial(input: $i) { __typename }`).join(' ')} }`;
      expect(await refused(dials(51), { i: dialInput('dial-b-0001') }, KEY_B)).toEqual(limitError('cost', 5000, 5100));
      expect(simRequests(stack)).toEqual([]);
    });

    it('keeps the same client key of two tenants apart: each dials once and replays its own answer', async () => {
      const DIAL = `mutation($i: CallDialInput!) { callDial(input: $i) { ${DIAL_FIELDS} } }`;
      const a = await stack.gql(DIAL, { variables: { i: dialInput('shared-key-0001', '+14155550141') } });
      // Another input under the same key: a conflict within A, but a new record in B.
      const b = await stack.gql(DIAL, { apiKey: KEY_B, variables: { i: dialInput('shared-key-0001', '+14155550142') } });
      expect([a.body.errors, b.body.errors]).toEqual([undefined, undefined]);
      expect(webAccess()).toHaveLength(2);
      expect((await stack.gql(DIAL, { variables: { i: dialInput('shared-key-0001', '+14155550141') } })).body).toEqual(a.body);
      expect((await stack.gql(DIAL, { apiKey: KEY_B, variables: { i: dialInput('shared-key-0001', '+14155550142') } })).body).toEqual(b.body);
      expect(webAccess()).toHaveLength(2);
    });
  });

  describe('item 5: list arguments', () => {
    it('refuses nodes(ids:) of 101 written ids and of 20,000 ids in a variable, quickly and sending nothing', async () => {
      expect(await refused(`{ nodes(ids: ${literal(ids(101))}) { id } }`)).toEqual(limitError('listLength', 100, 101));
      const started = Date.now();
      expect(await refused('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(20_000) })).toEqual(limitError('listLength', 100, 20_000));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(simRequests(stack)).toEqual([]);
    });

    it('answers nodes(ids:) of 100 ids, one entry per id', async () => {
      const res = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { variables: { ids: ids(100, 'no-such-connection') } });
      expect(res.status).toBe(200);
      expect(res.body.data!['nodes']).toHaveLength(100);
      expect(res.body.errors!.map((e) => e.extensions!['code'])).toEqual(Array(100).fill('NOT_FOUND'));
      expect(simRequests(stack)).toEqual([]);
    });

    it('prices nodes(ids:) as one node(id:) per id: 49 campaigns with 50 leads each fit, 50 do not', async () => {
      // Per id: the node 1, leads(first: 50) 1 + 50 x (edges 1 + node 1) = 102.
      const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Campaign { leads(first: 50) { edges { node { id } } } } } }';
      expect(await refused(query, { ids: ids(50) })).toEqual(limitError('cost', 5000, 5100));
      expect(simRequests(stack)).toEqual([]);
      const ok = await stack.gql(query, { variables: { ids: ids(49, 'no-such-connection') } });
      expect(ok.status).toBe(200);
      expect(ok.body.data!['nodes']).toHaveLength(49);
    });

    it.each<[string, string, Record<string, unknown>, number]>([
      ['agents(filter: { connectionIds })', `{ agents(filter: { connectionIds: ${literal(Array(101).fill('apps-a'))} }) { totalCount } }`, {}, 101],
      ['a list nested in a filter variable', 'query($f: AgentFilter) { agents(filter: $f) { totalCount } }', { f: { vendorFilter: { appsApi: { nativeIds: Array(500).fill('1') } } } }, 500],
      ['enum lists', 'query($s: [AgentStatus!]) { agents(filter: { statuses: $s }) { totalCount } }', { s: Array(1000).fill('AVAILABLE') }, 1000],
      [
        'a list of objects (DNC entries)',
        'mutation($e: [DncEntryInput!]!) { dncAdd(input: { connectionId: "apps-a", entries: $e }) { entries { phoneNumber } } }',
        { e: Array(101).fill({ phoneNumber: '+14155550100' }) },
        101,
      ],
      ['presence filters', `{ agentRuntimes(connectionId: "ameyo-a", filter: { campaignIds: ${literal(Array(150).fill('1'))} }) { totalCount } }`, {}, 150],
    ])('refuses %s past 100 items', async (_title, query, variables, actual) => {
      expect(await refused(query, variables)).toEqual(limitError('listLength', 100, actual));
      expect(simRequests(stack)).toEqual([]);
    });

    it('does not count arrays inside a JSON value: they are not lists of the schema', async () => {
      const res = await stack.gql(`mutation($i: CallDialInput!) { callDial(input: $i) { ${DIAL_FIELDS} } }`, {
        variables: { i: { ...dialInput('dial-json-0001'), extraParams: { rows: Array(500).fill(1) } } },
      });
      expect(res.status).toBe(200);
      expect(res.body.data!['callDial']).toMatchObject({ dialAttempt: { accepted: false } });
    });
  });

  describe('the upstream response cache is per tenant connection', () => {
    it("answers tenant B's read from the vendor, not from tenant A's cache of the same connection id and URL", async () => {
      const q = '{ agents(filter: { connectionIds: ["apps-a"] }) { totalCount } }';
      const a1 = await stack.gql(q);
      const sent = stack.sims.appsApi.requests.length;
      expect(sent).toBeGreaterThan(0);
      const a2 = await stack.gql(q);
      expect(stack.sims.appsApi.requests).toHaveLength(sent); // A's second read is A's cache
      const b = await stack.gql(q, { apiKey: KEY_B });
      expect(stack.sims.appsApi.requests).toHaveLength(2 * sent); // B's read went to the vendor
      expect([a1.body, a2.body]).toEqual([b.body, b.body]);
    });
  });
});

// Over HTTP, the gateway's store (SQLite by default) applies `server.idempotency` and each tenant's override.
describe('issue 11, item 2: a full idempotency partition over HTTP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      connection: { rateLimit: { requestsPerSecond: 1000 } },
      server: { idempotency: { maxKeysPerTenant: 3 } },
      moreTenants: (sims) => tenantB(sims).map((t) => ({ ...t, idempotency: { maxKeysPerTenant: 10 } })),
    });
  });
  afterAll(() => stack.close());

  it("refuses tenant A's 4th new key with RATE_LIMITED; A's recorded keys and tenant B still work", async () => {
    const agent = stack.sims.ameyo.state.agents.find((a) => !stack.sims.ameyo.state.sessions.some((s) => s.userId === a.userId))!;
    const DIAL = `mutation($i: CallDialInput!) { callDial(input: $i) { ${DIAL_FIELDS} } }`;
    const input = (key: string) => ({
      agentId: encodeGlobalId('Agent', 'ameyo-a', agent.userId),
      campaignId: encodeGlobalId('Campaign', 'ameyo-a', '389'),
      phoneNumber: '+14155550151',
      idempotencyKey: key,
    });
    const b = await stack.gql(DIAL, { apiKey: KEY_B, variables: { i: input('b-original-0001') } });
    for (const key of ['a-key-0001', 'a-key-0002', 'a-key-0003']) expect((await stack.gql(DIAL, { variables: { i: input(key) } })).body.errors).toBeUndefined();
    clearSimRequests(stack);
    const full = await stack.gql(DIAL, { variables: { i: input('a-key-0004') } });
    expect(full.body.errors).toEqual([
      {
        message:
          'this tenant has 3 idempotency records younger than their 24 h retention, the most it may keep: a new idempotencyKey is refused until the oldest expires (retry after retryAfterMs); a repeat of a recorded key is still answered',
        locations: [{ line: 1, column: 32 }],
        path: ['callDial'],
        extensions: { code: 'RATE_LIMITED', retryable: true, retryAfterMs: expect.any(Number) },
      },
    ]);
    expect(full.body.errors![0]!.extensions!['retryAfterMs']).toBeGreaterThan(23 * 3_600_000);
    expect((await stack.gql(DIAL, { variables: { i: input('a-key-0001') } })).body.errors).toBeUndefined();
    expect((await stack.gql(DIAL, { apiKey: KEY_B, variables: { i: input('b-original-0001') } })).body).toEqual(b.body);
    expect((await stack.gql(DIAL, { apiKey: KEY_B, variables: { i: input('b-new-0001') } })).body.errors).toBeUndefined();
    // Only B's new key reached Ameyo: the refusal and both replays sent nothing.
    expect(simRequests(stack).filter((l) => l.startsWith('ameyo POST /ameyowebaccess'))).toHaveLength(1);
  });
});

describe('the response cache and coalescing of two tenants with the same connection id (unit)', () => {
  let sim: AppsApiSim;
  let pools: PoolRegistry;
  beforeEach(async () => {
    sim = await startAppsApiSim({ requestsPerSecond: 0 });
    pools = new PoolRegistry();
  });
  afterEach(async () => {
    await pools.close();
    await sim.close();
  });

  const connection = () =>
    validateConfig({
      tenants: [
        {
          id: 't1',
          apiKeys: ['t1-key-0123456789abcdef'],
          connections: [
            {
              id: 'apps',
              vendor: 'apps-api',
              baseUrls: { apps: sim.appsBaseUrl, manager: sim.managerBaseUrl },
              credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
              rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 },
              cacheTtlMs: 60_000,
            },
          ],
        },
      ],
    }).tenants[0]!.connections[0] as AppsApiConnectionConfig;
  const scope = () => ({ deadlineAt: Date.now() + 10_000 });

  it('a cached answer of tenant t1 is never served to tenant t2', async () => {
    const one = createAppsApiAdapter('t1', pools, connection());
    const two = createAppsApiAdapter('t2', pools, connection());
    const first = await one.agents!.listAgents(scope());
    const lines = requestLines(sim);
    expect(lines.length).toBeGreaterThan(0);
    expect(await one.agents!.listAgents(scope())).toEqual(first);
    expect(requestLines(sim)).toEqual(lines); // t1's cache
    expect(await two.agents!.listAgents(scope())).toEqual(first);
    expect(requestLines(sim)).toEqual([...lines, ...lines]); // t2 asked the vendor
  });

  it('concurrent identical reads of two tenants are not coalesced', async () => {
    await createAppsApiAdapter('t0', pools, connection()).agents!.listAgents(scope());
    const single = requestLines(sim);
    sim.clearRequests();
    const one = createAppsApiAdapter('t1', pools, connection());
    const two = createAppsApiAdapter('t2', pools, connection());
    // Each tenant reads twice at once: its two reads share one vendor read, the tenants share nothing.
    await Promise.all([one, two, one, two].map((a) => a.agents!.listAgents(scope())));
    expect(requestLines(sim)).toEqual([...single, ...single]);
  });
});

describe('item 3: the persisted-query cache is partitioned by tenant', () => {
  const HASH = 'a'.repeat(64);

  it('keeps each tenant’s entries apart, and refuses to work outside a tenant scope (fail closed)', async () => {
    const cache = createTenantApqCache();
    await runInTenantScope('tenant-a', () => cache.set(`apq:${HASH}`, '{ secretQueryOfA }'));
    expect(await runInTenantScope('tenant-a', () => cache.get(`apq:${HASH}`))).toBe('{ secretQueryOfA }');
    expect(await runInTenantScope('tenant-b', () => cache.get(`apq:${HASH}`))).toBeUndefined();
    expect(await runInTenantScope('tenant-b', () => cache.delete(`apq:${HASH}`))).toBe(false);
    expect(await runInTenantScope('tenant-a', () => cache.get(`apq:${HASH}`))).toBe('{ secretQueryOfA }');
    const outside = 'no tenant scope: a tenant-scoped cache was used outside runInTenantScope (refused rather than shared)';
    await expect(cache.get(`apq:${HASH}`)).rejects.toThrow(outside);
    await expect(cache.set(`apq:${HASH}`, 'x')).rejects.toThrow(outside);
    expect(() => currentTenantId()).toThrow(outside);
    expect(() => runInTenantScope('', () => 1)).toThrow('expected tenantId to be a non-empty string, got ""');
  });

  it('bounds each tenant by entries (least recently used first) and by bytes, without touching other tenants', async () => {
    const cache = new TenantApqCache({ maxEntriesPerTenant: 2, maxBytesPerTenant: 100 });
    const inA = <T>(fn: () => T) => runInTenantScope('a', fn);
    await runInTenantScope('b', () => cache.set('k0', 'kept'));
    await inA(() => cache.set('k1', 'one'));
    await inA(() => cache.set('k2', 'two'));
    await inA(() => cache.get('k1')); // k1 is now the most recently used
    await inA(() => cache.set('k3', 'three'));
    expect(await inA(() => Promise.all(['k1', 'k2', 'k3'].map((k) => cache.get(k))))).toEqual(['one', undefined, 'three']);
    await inA(() => cache.set('big', 'x'.repeat(92))); // 95 bytes: with k3 (7) past 100, so k1 and k3 go
    expect([cache.size('a'), await inA(() => cache.get('big'))]).toEqual([1, 'x'.repeat(92)]);
    await inA(() => cache.set('huge', 'x'.repeat(200))); // larger than the whole partition: not kept
    expect(await inA(() => cache.get('huge'))).toBeUndefined();
    expect(await runInTenantScope('b', () => cache.get('k0'))).toBe('kept');
  });

  it('honours a TTL in seconds', async () => {
    let now = 1_000_000;
    const cache = new TenantApqCache({ now: () => now });
    await runInTenantScope('a', () => cache.set('k', 'v', { ttl: 2 }));
    now += 1_999;
    expect(await runInTenantScope('a', () => cache.get('k'))).toBe('v');
    now += 1;
    expect(await runInTenantScope('a', () => cache.get('k'))).toBeUndefined();
  });

  it("through Apollo's APQ: tenant B cannot use a hash tenant A registered; without a scope nothing is shared", async () => {
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const apollo = new ApolloServer({
      typeDefs: 'type Query { hello: String }',
      resolvers: { Query: { hello: () => 'hi' } },
      persistedQueries: { cache: createTenantApqCache() },
      logger: silent,
    });
    await apollo.start();
    try {
      const query = '{ hello }';
      const { createHash } = await import('node:crypto');
      const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
      const send = async (body: Record<string, unknown>) => {
        const res = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body },
          context: async () => ({}),
        });
        return { status: res.status ?? 200, body: res.body.kind === 'complete' ? JSON.parse(res.body.string) : null };
      };
      const byHash = { extensions: { persistedQuery } };
      const notFound = { status: 200, body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] } };
      expect(await runInTenantScope('tenant-a', () => send(byHash))).toEqual(notFound);
      expect(await runInTenantScope('tenant-a', () => send({ query, ...byHash }))).toEqual({ status: 200, body: { data: { hello: 'hi' } } });
      expect(await runInTenantScope('tenant-a', () => send(byHash))).toEqual({ status: 200, body: { data: { hello: 'hi' } } });
      expect(await runInTenantScope('tenant-b', () => send(byHash))).toEqual(notFound);
      // Outside a scope the cache throws: Apollo answers an error, never tenant A's document.
      const outside = await send(byHash);
      expect(outside.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(outside.body)).not.toContain('hi');
    } finally {
      await apollo.stop();
    }
  });
});
