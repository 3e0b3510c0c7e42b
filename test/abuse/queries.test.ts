/**
 * Abuse suite, queries: deep, wide, alias, fragment, directive and token bombs, a huge `first`, nested
 * connections over the cost limit, and a per-tenant override. Every refusal is the exact limit message,
 * HTTP 400, and reaches no simulator.
 */
import { APPS_API_SIM_DEFAULTS } from '../../sim';
import { limitRefusal } from '../support/queryLimits';
import { KEY_A, KEY_B, startStack, type Stack } from '../support/stack';
import { clearSimRequests, FAST_SIMS, healthy, simRequests } from './helpers';

const limitError = (limit: string, max: number, actual: number) => ({ status: 400, body: { errors: [limitRefusal(limit, max, actual)] } });

/** `{ campaigns { edges { node { leads { edges { node { campaign { leads ... } } } } } } } }` with `hops` campaign->leads hops. */
function campaignLeadsChain(hops: number): string {
  let inner = 'id';
  for (let i = 0; i < hops; i++) inner = `leads(first: 1) { edges { node { campaign { ${inner} } } } }`;
  return `{ campaigns(first: 1) { edges { node { ${inner} } } } }`;
}

describe('query limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      connection: { rateLimit: { requestsPerSecond: 1000 }, cacheTtlMs: 0 },
      moreTenants: (sims) => [
        {
          id: 'tenant-b',
          apiKeys: [KEY_B],
          limits: { maxDepth: 3 },
          connections: [
            {
              id: 'apps-b',
              vendor: 'apps-api',
              baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
              credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
              rateLimit: { requestsPerSecond: 1000 },
            },
          ],
        },
      ],
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => clearSimRequests(stack));
  afterEach(async () => {
    expect(await healthy(stack)).toBe(true);
  });

  const refused = async (query: string, apiKey = KEY_A) => {
    const r = await stack.gql(query, { apiKey });
    return { status: r.status, body: r.body };
  };

  it('refuses a query one level deeper than maxDepth (10) with the exact message, sending nothing', async () => {
    // campaigns(1) edges(2) node(3), then 4 per hop: leads edges node campaign.
    const ok = campaignLeadsChain(1); // depth 7
    const deep = campaignLeadsChain(2); // depth 11
    expect(await refused(deep)).toEqual(limitError('depth', 10, 11));
    expect(simRequests(stack)).toEqual([]);
    const res = await stack.gql(ok);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });

  it('refuses a 200-level deep query without walking it into the vendors', async () => {
    expect(await refused(campaignLeadsChain(50))).toEqual(limitError('depth', 10, 203));
    expect(simRequests(stack)).toEqual([]);
  });

  it('answers a wide query of every top-level list within the limits', async () => {
    const res = await stack.gql(`{
      connections { id vendor capabilities status statusCheckedAt lastErrorCode }
      agents(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id nativeId name email extension vendor status rawStatus statusChangedAt raw } } }
      calls(first: 5) { totalCount edges { node { id nativeId status rawStatus type direction createdAt callDuration raw } } }
      campaigns(first: 5) { totalCount edges { node { id name status mode } } }
      queues { id name lang menuType currentWait }
    }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!['connections']).toHaveLength(3);
  });

  it('merges a field repeated 200 times, and refuses 1500 repeats as graphql-js aborts the overlap check', async () => {
    const ok = await stack.gql(`{ connections { ${'id '.repeat(200)} } }`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } });
    const started = Date.now();
    expect(await refused(`{ connections { ${'id '.repeat(1500)} } }`)).toEqual({
      status: 400,
      body: { errors: [{ message: 'Validation aborted.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(simRequests(stack)).toEqual([]);
  });

  it('refuses 11 aliases, 300 aliases (aliases) and 500 aliases of agents (tokens first), sending nothing', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: agents { totalCount }`).join(' ')} }`;
    expect(await refused(aliases(11))).toEqual(limitError('aliases', 10, 11));
    expect(await refused(aliases(300))).toEqual(limitError('aliases', 10, 300));
    // 500 x 6 tokens: the lexer count stops it before it is even parsed.
    expect(await refused(aliases(500))).toEqual(limitError('tokens', 2000, 2001)); // counting stops past the limit
    expect(simRequests(stack)).toEqual([]);
    // 10 aliases are fine.
    const ok = await stack.gql(aliases(10));
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body.data!)).toHaveLength(10);
  });

  it('refuses a fragment cycle with the validation error, without hanging', async () => {
    const started = Date.now();
    const res = await refused(`{ ...A } fragment A on Query { connections { id } ...B } fragment B on Query { ...A }`);
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([['Cannot spread fragment "A" within itself via "B".', 'GRAPHQL_VALIDATION_FAILED']]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(simRequests(stack)).toEqual([]);
  });

  it('refuses an exponential fragment bomb whose leaves are objects with the exact cost', async () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^16 copies of `connections { id }` once expanded.
    const n = 16;
    const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const doc = `{ ...F0 }\n${frags}\nfragment F${n} on Query { connections { id } }`;
    const started = Date.now();
    expect(await refused(doc)).toEqual(limitError('cost', 5000, 2 ** 16));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(simRequests(stack)).toEqual([]);
  });

  it('answers a small fragment bomb with scalar leaves once (execution visits each fragment once)', async () => {
    const n = 10;
    const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const res = await stack.gql(`{ ...F0 }\n${frags}\nfragment F${n} on Query { __typename }`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses 51 directives and a flood of 200, sending nothing', async () => {
    const dirs = (n: number) => `{ connections { ${'id @skip(if: false) '.repeat(n)} } }`;
    expect(await refused(dirs(51))).toEqual(limitError('directives', 50, 51));
    expect(await refused(dirs(200))).toEqual(limitError('directives', 50, 200));
    expect(simRequests(stack)).toEqual([]);
    const ok = await stack.gql(dirs(50));
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
  });

  it('refuses a 100 KB document of tokens with the token limit, sending nothing', async () => {
    const doc = `{ connections { ${'id '.repeat(34_000)} } }`;
    expect(doc.length).toBeGreaterThan(100_000);
    const started = Date.now();
    expect(await refused(doc)).toEqual(limitError('tokens', 2000, 2001));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(simRequests(stack)).toEqual([]);
  });

  it('refuses first: 100000 with the exact message, sending nothing', async () => {
    const res = await stack.gql('{ agents(first: 100000) { totalCount } }');
    expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([['expected `first` between 1 and 100, got 100000', 'BAD_USER_INPUT']]);
    expect(res.body.data ?? null).toBeNull();
    expect(simRequests(stack)).toEqual([]);
  });

  it('refuses connections nested in connections over maxCost (5000) with the exact cost, sending nothing', async () => {
    // campaigns 1 + edges 100 + node 100 + leads 100 + edges 100*100 + node 100*100 = 20301.
    const res = await refused('{ campaigns(first: 100) { edges { node { leads(first: 100) { edges { node { id } } } } } } }');
    expect(res).toEqual(limitError('cost', 5000, 20301));
    expect(simRequests(stack)).toEqual([]);
  });

  it('applies a tenant override: maxDepth 3 refuses for tenant B what tenant A may ask', async () => {
    const query = '{ agents(first: 1) { edges { node { connection { id } } } } }'; // depth 4
    const a = await stack.gql(query);
    expect(a.status).toBe(200);
    expect(a.body.errors).toBeUndefined();
    clearSimRequests(stack);
    expect(await refused(query, KEY_B)).toEqual(limitError('depth', 3, 4));
    expect(simRequests(stack)).toEqual([]);
    // Tenant B keeps the server's other limits.
    const b = await stack.gql('{ agents(first: 1) { totalCount } }', { apiKey: KEY_B });
    expect(b.status).toBe(200);
    expect(b.body.errors).toBeUndefined();
  });
});
