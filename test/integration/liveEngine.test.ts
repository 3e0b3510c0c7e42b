/**
 * Issue 17, item 2: the freshness engine through the gateway and the simulators. One poller per (tenant,
 * connection, resource) however many subscribers; the vendor sees at most the budget share; queries are
 * answered from the engine's fresh copy without a vendor request; a query's interest starts a poller.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { registry } from '../../src/metrics';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const PRESENCE = `subscription { agentPresenceChanged(filter: { connectionIds: ["apps-a"] }) { agent { id status } } }`;
const AGENTS = `{ agents(first: 100, filter: { connectionIds: ["apps-a"] }) { totalCount edges { node { id rawStatus } } } }`;

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ labels: Record<string, string>; value: number }>;
  return values.filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((sum, v) => sum + v.value, 0);
}

describe('the freshness engine', () => {
  let stack: Stack;
  let client: Client;
  const agentReads = () => stack.sims.appsApi.requests.filter((r) => r.path.endsWith('/agents'));

  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 10, spacingMarginMs: 0 }, cacheTtlMs: 0 },
      live: { budgetShare: 0.5, minIntervalMs: 10, queryInterestMs: 1_500 },
    });
    client = createClient({ url: stack.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${KEY_A}` } });
  });
  afterAll(async () => {
    await client.dispose();
    await stack.close();
  });

  it('runs one poller per key for ten subscribers, at no more than the budget share, and answers queries from its copy', async () => {
    const disposers = Array.from({ length: 10 }, () => client.subscribe({ query: PRESENCE }, { next: () => undefined, error: () => undefined, complete: () => undefined }));
    try {
      await waitUntil('ten reads', () => agentReads().length >= 10, 10_000);
      expect(stack.gateway.live.engine.size).toBe(1);
      expect(await metricValue('switchboard_live_pollers', { resource: 'agents' })).toBe(1);
      // 10 requests/s * 0.5 = 5 a second: at least 200 ms between two reads of the one poller.
      const reads = agentReads().map((r) => r.receivedAtMs);
      const gaps = reads.slice(1).map((t, i) => t - reads[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190);
      expect(stack.gateway.live.engine.intervalOf('tenant-a', 'apps-a', 'agents')).toBe(200);
      // The simulator logs a read when it arrives, the gateway counts it once answered: wait for the tenth answer.
      await waitUntil('ten refreshes counted', async () => (await metricValue('switchboard_live_refreshes_total', { connection: 'tenant-a/apps-a', resource: 'agents', outcome: 'ok' })) >= 10, 5_000);

      // A query while the engine holds a fresh copy: no vendor request of its own, and the copy's agents.
      const before = stack.logs.length;
      const res = await stack.gql(AGENTS);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.['agents'].totalCount).toBe(stack.sims.appsApi.state.agents.length);
      await waitUntil('the request was logged', () => stack.logs.slice(before).some((l) => l['msg'] === 'graphql request'), 5_000);
      expect(stack.logs.slice(before).find((l) => l['msg'] === 'graphql request')!['upstreamCalls']).toBe(0);
    } finally {
      for (const dispose of disposers) dispose();
    }
    await waitUntil('the poller stopped', () => stack.gateway.live.engine.size === 0, 5_000);
  });

  it('a query registers interest: the poller runs for queryInterestMs after it, then stops', async () => {
    const first = await stack.gql(AGENTS);
    expect(first.body.errors).toBeUndefined();
    expect(stack.gateway.live.engine.size).toBe(1);
    await waitUntil('the poller has a fresh copy', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null, 5_000);
    const before = stack.logs.length;
    await stack.gql(AGENTS);
    await waitUntil('the request was logged', () => stack.logs.slice(before).some((l) => l['msg'] === 'graphql request'), 5_000);
    expect(stack.logs.slice(before).find((l) => l['msg'] === 'graphql request')!['upstreamCalls']).toBe(0);
    await waitUntil('the interest ran out and the poller stopped', () => stack.gateway.live.engine.size === 0, 10_000);
  });
});

describe('the freshness engine on a cold start', () => {
  let stack: Stack;
  beforeAll(async () => {
    // 2 requests/s: a second vendor read would wait 500 ms for its slot.
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 2, spacingMarginMs: 0 }, cacheTtlMs: 0 },
      live: { budgetShare: 0.5, queryInterestMs: 30_000 },
    });
  });
  afterAll(() => stack.close());

  it("answers the first queries with the poller's first read: one vendor request, sent at the queries' priority, not a second one an interval later", async () => {
    const reads = () => stack.sims.appsApi.requests.filter((r) => r.path.endsWith('/agents'));
    const startedAt = Date.now();
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.gql(AGENTS)));
    const tookMs = Date.now() - startedAt;
    expect(answers.map((a) => [a.body.errors, a.body.data!.agents.totalCount])).toEqual(Array(5).fill([undefined, stack.sims.appsApi.state.agents.length]));
    expect(reads()).toHaveLength(1);
    expect(tookMs).toBeLessThan(500); // not a slot later
  });
});
