/**
 * Issue 17, item 2 in a fleet: two gateways on one Redis and the same simulators. Only the replica holding a
 * key's lease polls the vendor; a subscriber on the other replica receives the change through Redis pub/sub.
 */
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { simulatorConnections, startSimulators, type Simulators } from '../../sim';
import { resolveConfig } from '../../src/config/load';
import { encodeGlobalId } from '../../src/graphql/ids';
import { startGateway, type Gateway } from '../../src/http/server';
import { createLogger } from '../../src/logger';
import { deleteKeys, redisUrl, uniquePrefix, waitUntil } from './support';

const KEY = 'fleet-live-key-tenant-a-0001';
const PRESENCE = `subscription { agentPresenceChanged(filter: { connectionIds: ["apps-a"] }) { agent { id nativeId rawStatus } } }`;

/** Two gateways on one Redis and the same simulators; `cacheTtlMs` for every connection. Close it in afterAll. */
function twoReplicas(label: string, cacheTtlMs: number) {
  const fleet = { sims: null as unknown as Simulators, gateways: [] as Gateway[], clients: [] as Client[] };
  const prefix = uniquePrefix(label);
  beforeAll(async () => {
    fleet.sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    for (let i = 0; i < 2; i++) {
      const config = resolveConfig({
        server: { host: '127.0.0.1', port: 0 },
        state: { redis: { url: redisUrl(), keyPrefix: prefix } },
        live: { minIntervalMs: 50, queryInterestMs: 0, leaseMs: 3_000 },
        tenants: [
          {
            id: 'tenant-a',
            apiKeys: [KEY],
            connections: simulatorConnections(fleet.sims, '-a').map((c) => ({ ...c, rateLimit: { requestsPerSecond: 20 }, cacheTtlMs })) as never,
          },
        ],
      });
      fleet.gateways.push(await startGateway(config, { logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) }));
    }
  });
  afterAll(async () => {
    for (const c of fleet.clients) await c.dispose();
    for (const g of fleet.gateways) await g.close();
    await fleet.sims.close();
    await deleteKeys(redisUrl(), prefix);
  });
  /** A graphql-ws client on `gateway`, closed with the fleet. */
  const clientOn = (gateway: Gateway): Client => {
    const client = createClient({ url: `${gateway.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${KEY}` } });
    fleet.clients.push(client);
    return client;
  };
  return { fleet, clientOn };
}

describe('live subscriptions across replicas (Redis)', () => {
  const { fleet, clientOn } = twoReplicas('live', 0);
  const gateways = fleet.gateways;

  const subscribe = (gateway: Gateway, events: any[]) =>
    clientOn(gateway).subscribe({ query: PRESENCE }, { next: (v) => void events.push(v), error: (e) => void events.push({ error: e }), complete: () => undefined });

  it('one replica polls; the subscriber on the other receives the change', async () => {
    const onFirst: any[] = [];
    const onSecond: any[] = [];
    subscribe(gateways[0]!, onFirst);
    subscribe(gateways[1]!, onSecond);
    await waitUntil('both replicas run a poller for the key', () => gateways.every((g) => g.live.engine.size === 1), 5_000);
    await waitUntil('one replica holds a fresh copy', () => gateways.some((g) => g.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null), 5_000);
    const leaders = gateways.filter((g) => g.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null);
    expect(leaders).toHaveLength(1);
    const follower = gateways.find((g) => g !== leaders[0])!;
    const followerEvents = follower === gateways[0] ? onFirst : onSecond;

    const agent = fleet.sims.appsApi.state.agents.find((a) => a.status_id === 1)!;
    agent.status_id = 5;
    agent.status = 'Break';
    agent.status_updated_at = new Date().toISOString();
    const id = encodeGlobalId('Agent', 'apps-a', String(agent.id));
    await waitUntil('the follower’s subscriber got the change', () => followerEvents.some((e) => e.data?.agentPresenceChanged.agent.id === id), 10_000);
    expect(followerEvents.find((e) => e.data?.agentPresenceChanged.agent.id === id).data.agentPresenceChanged.agent.rawStatus).toBe('Break');
    await waitUntil('the leader’s subscriber got it too', () => (follower === gateways[0] ? onSecond : onFirst).some((e) => e.data?.agentPresenceChanged.agent.id === id), 10_000);
  });
});

/**
 * Queries on the replica that does not poll: they read the vendor's answer through the shared response cache, which
 * the polling replica refreshes every interval, and keep it in their own process cache for `cacheTtlMs`. Each store
 * in the shared cache is announced, and the other replicas drop their copy, so a query there shows what the poller
 * last read, not what was current when its own copy was taken (here the TTL is 30 s: without the announcement the
 * follower would answer the old status for 30 s).
 */
describe('queries on the replica that does not poll (Redis)', () => {
  const { fleet, clientOn } = twoReplicas('live-follower', 30_000);
  const gateways = fleet.gateways;
  const AGENTS = `{ agents(first: 100, filter: { connectionIds: ["apps-a"] }) { edges { node { id rawStatus } } } }`;

  const statusOn = async (gateway: Gateway, id: string): Promise<string | undefined> => {
    const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify({ query: AGENTS }) });
    const body = (await res.json()) as { data: { agents: { edges: Array<{ node: { id: string; rawStatus: string } }> } } };
    return body.data.agents.edges.find((e) => e.node.id === id)?.node.rawStatus;
  };

  it("answers what the polling replica last read, not its own earlier copy's status, well inside that copy's 30 s TTL", async () => {
    // A subscriber on each replica: both want the key, one wins its lease and polls.
    for (const gateway of gateways) {
      clientOn(gateway).subscribe({ query: PRESENCE }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    }
    await waitUntil('one replica holds a fresh copy', () => gateways.some((g) => g.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null), 5_000);
    const leader = gateways.find((g) => g.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null)!;
    const follower = gateways.find((g) => g !== leader)!;

    const agent = fleet.sims.appsApi.state.agents.find((a) => a.status_id === 1)!;
    const id = encodeGlobalId('Agent', 'apps-a', String(agent.id));
    const before = agent.status;
    expect(await statusOn(follower, id)).toBe(before); // the follower now holds its own copy, for 30 s

    agent.status_id = 5;
    agent.status = 'Break';
    agent.status_updated_at = new Date().toISOString();
    const leaderSees = () =>
      (leader.live.engine.latest('tenant-a', 'apps-a', 'agents') as Array<{ nativeId: string; rawStatus: string }> | null)?.find((a) => a.nativeId === String(agent.id))?.rawStatus;
    await waitUntil('the polling replica has read the change', () => leaderSees() === 'Break', 5_000);
    await waitUntil('the other replica answers it', async () => (await statusOn(follower, id)) === 'Break', 3_000, 100);
  });
});
