/**
 * Issue 17, items 1 and 2: live subscriptions over graphql-ws (its own client, `ws` as the WebSocket) and
 * graphql-sse (its own client), against the simulators through the freshness engine. No fixed sleeps: every
 * wait is on a condition with a timeout.
 */
import http from 'node:http';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { encodeGlobalId } from '../../src/graphql/ids';
import { LocalBus } from '../../src/live/bus';
import type { CallLiveEvent } from '../../src/live/events';
import { liveConnectionsOpen, liveRefusals, liveSubscriptionsOpen } from '../../src/metrics';
import { startIdentityProvider, type IdentityProvider } from '../../sim/idp';
import { simulatorConnections } from '../../sim';
import { rawRequest } from '../abuse/helpers';
import { withoutRequestIds } from '../support/graphqlBody';
import { subscribeWs } from '../support/graphqlWs';
import { limitRefusal } from '../support/queryLimits';
import { KEY_A, KEY_B, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const PRESENCE = `subscription ($filter: AgentPresenceFilter) { agentPresenceChanged(filter: $filter) { agent { id nativeId status rawStatus } previousStatus at } }`;
const QUEUES = `subscription { queueStatusChanged(filter: { connectionIds: ["dialer-a"] }) { queue { id nativeId name } at } }`;
const CALLS = `subscription ($filter: CallEventFilter) { callEvents(filter: $filter) { type callNativeId connection { id } screenPop { page phone queueName } at } }`;

/** A screen-pop call event on `ameyo-a` as Ameyo's CRM URLs publish it; `phone: null` leaves out the page's parameters. */
function screenPopEvent(callNativeId: string, opts: { agentNativeId?: string | null; phone?: string | null } = {}): CallLiveEvent {
  const { agentNativeId = null, phone = null } = opts;
  return {
    topic: 'callEvents',
    connectionId: 'ameyo-a',
    type: 'SCREEN_POP',
    at: new Date(),
    callNativeId,
    agentNativeId,
    call: null,
    screenPop:
      phone === null
        ? null
        : {
            page: 'CUSTOMER',
            sessionNativeId: null,
            campaignNativeId: null,
            crtObjectId: null,
            userCrtObjectId: null,
            userNativeId: null,
            customerNativeId: null,
            phone,
            queueNativeId: null,
            queueName: null,
            disposition: null,
            dispositionAttribute: null,
          },
  };
}

interface RawSseStream {
  req: http.ClientRequest;
  res: http.IncomingMessage;
  chunks: string[];
  ended: () => boolean;
}

/** A graphql-sse stream of tenant A as a raw HTTP request, so the test decides when (and whether) to read it; added to `open`. */
function openSseStream(stack: Stack, query: string, open: http.ClientRequest[]): Promise<RawSseStream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${stack.graphqlUrl}/stream`);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` } }, (res) => {
      const chunks: string[] = [];
      let ended = false;
      res.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
      res.on('end', () => (ended = true));
      res.on('close', () => (ended = true));
      res.on('error', () => (ended = true));
      resolve({ req, res, chunks, ended: () => ended });
    });
    req.on('error', (err) => (open.includes(req) ? undefined : reject(err)));
    open.push(req);
    req.end(JSON.stringify({ query }));
  });
}

/** How many subscriptions of `tenantId` listen to `topic` on the gateway's bus (in this process). */
const busListeners = (stack: Stack, topic: 'callEvents' | 'agentPresence', tenantId = 'tenant-a') =>
  stack.gateway.live.bus instanceof LocalBus ? stack.gateway.live.bus.listenerCount(tenantId, topic) : -1;

describe('live subscriptions (graphql-ws, graphql-sse)', () => {
  let stack: Stack;
  let wsUrl: string;
  const clients: WsClient[] = [];
  const wsClient = (key: string | null, extra: { onClosed?: (e: { code: number; reason: string }) => void } = {}) => {
    const client = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: key === null ? {} : { authorization: `Bearer ${key}` },
      on: { closed: (e) => extra.onClosed?.(e as { code: number; reason: string }) },
      onNonLazyError: () => undefined,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 20 }, cacheTtlMs: 0 },
      server: { limits: { maxDepth: 4 }, subscriptions: { maxSubscriptionsPerConnection: 3, maxConnectionsPerTenant: 6, keepAliveMs: 1_000, maxQueuedEvents: 100 } },
      live: { budgetShare: 0.5, minIntervalMs: 50, queryInterestMs: 0 },
      moreTenants: (sims) => [{ id: 'tenant-b', apiKeys: [KEY_B], connections: simulatorConnections(sims, '-b').map((c) => ({ ...c, rateLimit: { requestsPerSecond: 20 }, cacheTtlMs: 0 })) }],
    });
    wsUrl = stack.graphqlUrl.replace(/^http/, 'ws');
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
    await waitUntil('every poller has stopped', () => stack.gateway.live.engine.size === 0, 10_000);
  });
  afterAll(() => stack.close());

  type WireAgent = Stack['sims']['appsApi']['state']['agents'][number];
  /** Apps API agents in a non-system status (Available, Unavailable) that no test has moved yet. */
  const unmoved = () => stack.sims.appsApi.state.agents.filter((a) => a.status_id === 1 || a.status_id === 2);
  /** Moves an Apps API agent to another non-system status in the simulator. */
  const changePresence = (agent: WireAgent = unmoved()[0]!) => {
    const next = stack.sims.appsApi.state.userStatuses.find((s) => !s.system && s.id !== agent.status_id && s.id !== 1 && s.id !== 2)!;
    agent.status_id = next.id;
    agent.status = next.name;
    agent.status_updated_at = new Date().toISOString();
    return agent;
  };

  it('refuses a connection without credentials, or with a wrong key, with 4401 and the HTTP message', async () => {
    const closes: Array<{ code: number; reason: string }> = [];
    wsClient(null, { onClosed: (e) => closes.push(e) });
    wsClient('not-a-key', { onClosed: (e) => closes.push(e) });
    await waitUntil('both sockets closed', () => closes.length === 2, 5_000);
    expect(closes.map((c) => c.code)).toEqual([4401, 4401]);
    expect(closes.map((c) => c.reason).sort()).toEqual(['invalid API key', 'missing API key: send `Authorization: Bearer <api key>`'].sort());
  });

  it('refuses an upgrade on another path with 404', async () => {
    const ws = new WebSocket(`${stack.gateway.url.replace(/^http/, 'ws')}/other`, 'graphql-transport-ws');
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });

  it('delivers a presence change in the simulator, with the Agent id the agents query answers', async () => {
    const sink = subscribeWs(wsClient(KEY_A), PRESENCE, { filter: { connectionIds: ['apps-a'] } });
    await waitUntil('the apps-a agents poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null, 5_000);
    const wire = changePresence();
    await waitUntil('the change arrived', () => sink.events.some((e) => e.data?.agentPresenceChanged.agent.nativeId === String(wire.id)), 5_000);
    const event = sink.events.find((e) => e.data?.agentPresenceChanged.agent.nativeId === String(wire.id))!;
    expect(event.errors).toBeUndefined();
    expect(event.data.agentPresenceChanged.agent.rawStatus).toBe(wire.status);
    const id = encodeGlobalId('Agent', 'apps-a', String(wire.id));
    expect(event.data.agentPresenceChanged.agent.id).toBe(id);
    const query = await stack.gql(`query ($id: ID!) { agent(id: $id) { id rawStatus } }`, { variables: { id } });
    expect(query.body.data?.['agent']).toEqual({ id, rawStatus: wire.status });
  });

  it('the agents filter keeps other agents out', async () => {
    const [other, wanted] = unmoved() as [WireAgent, WireAgent];
    const sink = subscribeWs(wsClient(KEY_A), PRESENCE, { filter: { agentIds: [encodeGlobalId('Agent', 'apps-a', String(wanted.id))] } });
    await waitUntil('the apps-a agents poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null, 5_000);
    changePresence(other);
    changePresence(wanted);
    await waitUntil('the wanted change arrived', () => sink.events.length > 0, 5_000);
    expect(sink.events.map((e) => e.data.agentPresenceChanged.agent.nativeId)).toEqual([String(wanted.id)]);
  });

  it('a status set through the gateway (agentStatusUpdate, interactive) reaches the subscriber through the poller', async () => {
    const sink = subscribeWs(wsClient(KEY_A), PRESENCE, { filter: { connectionIds: ['apps-a'] } });
    await waitUntil('the apps-a agents poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null, 5_000);
    const wire = unmoved()[0]!;
    const id = encodeGlobalId('Agent', 'apps-a', String(wire.id));
    const res = await stack.gql(`mutation ($input: AgentStatusUpdateInput!) { agentStatusUpdate(input: $input) { changes { agentNativeId } userErrors { message } } }`, {
      variables: { input: { connectionId: 'apps-a', status: 'Meeting', agentIds: [id] } },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.['agentStatusUpdate']).toEqual({ changes: [{ agentNativeId: String(wire.id) }], userErrors: [] });
    await waitUntil('the change arrived', () => sink.events.some((e) => e.data?.agentPresenceChanged.agent.id === id), 5_000);
    expect(sink.events.find((e) => e.data?.agentPresenceChanged.agent.id === id)!.data.agentPresenceChanged.agent.rawStatus).toBe('Meeting');
  });

  it('refuses a WebSocket upgrade from a browser origin no tenant allows with 403', async () => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { headers: { origin: 'https://elsewhere.example' } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('delivers a queue status change', async () => {
    const sink = subscribeWs(wsClient(KEY_A), QUEUES);
    await waitUntil('the dialer-a queues poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'dialer-a', 'queues') !== null, 5_000);
    // An agent of the queue goes on a call: the queue's counts change.
    const queue = stack.sims.campaignApi.state.queues.find((q) => q.agentIds.some((id) => stack.sims.campaignApi.state.agents.find((a) => a.id === id)?.logged_in))!;
    const agent = stack.sims.campaignApi.state.agents.find((a) => queue.agentIds.includes(a.id) && a.logged_in)!;
    agent.status = agent.status === 'in_call' ? 'idle' : 'in_call';
    await waitUntil('the queue change arrived', () => sink.events.some((e) => e.data?.queueStatusChanged.queue.nativeId === queue.id), 5_000);
    const event = sink.events.find((e) => e.data?.queueStatusChanged.queue.nativeId === queue.id)!;
    expect(event.data.queueStatusChanged.queue.id).toBe(encodeGlobalId('Queue', 'dialer-a', `en/${queue.id}`));
  });

  it('delivers call events published on the bus (the Ameyo CRM URL path), filtered by type, to its tenant only', async () => {
    const a = subscribeWs(wsClient(KEY_A), CALLS, { filter: { types: ['SCREEN_POP'] } });
    const b = subscribeWs(wsClient(KEY_B), CALLS, {});
    await waitUntil('both subscribed', () => stack.gateway.live.engine.size >= 2, 5_000);
    const event = (type: CallLiveEvent['type']): CallLiveEvent => ({
      topic: 'callEvents',
      connectionId: 'ameyo-a',
      type,
      at: new Date(),
      callNativeId: 'crt-17',
      agentNativeId: null,
      call: null,
      screenPop: {
        page: 'CUSTOMER',
        sessionNativeId: null,
        campaignNativeId: null,
        crtObjectId: 'crt-17',
        userCrtObjectId: null,
        userNativeId: null,
        customerNativeId: null,
        phone: '+15550100017',
        queueNativeId: null,
        queueName: 'Sales',
        disposition: null,
        dispositionAttribute: null,
      },
    });
    stack.gateway.live.bus.publish('tenant-a', event('DISPOSED'));
    stack.gateway.live.bus.publish('tenant-a', event('SCREEN_POP'));
    await waitUntil('the screen-pop arrived', () => a.events.length > 0, 5_000);
    expect(a.events).toEqual([
      {
        data: {
          callEvents: { type: 'SCREEN_POP', callNativeId: 'crt-17', connection: { id: 'ameyo-a' }, screenPop: { page: 'CUSTOMER', phone: '+15550100017', queueName: 'Sales' }, at: expect.any(String) },
        },
      },
    ]);
    // Tenant B's subscriber never sees tenant A's events (an event of its own proves it is listening).
    stack.gateway.live.bus.publish('tenant-b', { ...event('SCREEN_POP'), connectionId: 'ameyo-b', callNativeId: 'crt-b' });
    await waitUntil('tenant B got its own event', () => b.events.length > 0, 5_000);
    expect(b.events.map((e) => e.data.callEvents.callNativeId)).toEqual(['crt-b']);
  });

  it('delivers call events from the call log poller: a call that reaches an agent rings, connects and ends', async () => {
    const sink = subscribeWs(wsClient(KEY_A), CALLS, { filter: { connectionIds: ['apps-a'] } });
    await waitUntil('the apps-a calls poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'calls') !== null, 5_000);
    const calls = stack.sims.appsApi.state.calls;
    const call = { ...calls[calls.length - 1]!, id: 9_017_017, status: 'queued' as (typeof calls)[number]['status'], created_at: new Date().toISOString() };
    calls.push(call);
    const types = () => sink.events.filter((e) => e.data?.callEvents.callNativeId === String(call.id)).map((e) => e.data.callEvents.type);
    const step = async (status: typeof call.status, want: string[]) => {
      call.status = status;
      await waitUntil(`the call's events are ${want.join(', ')}`, () => types().length === want.length, 5_000);
      expect(types()).toEqual(want);
    };
    await step('assigned', ['RINGING']);
    await step('connected', ['RINGING', 'CONNECTED']);
    await step('finished', ['RINGING', 'CONNECTED', 'ENDED']);
  });

  it('refuses the connection past the per-tenant cap with 4429 and the documented reason', async () => {
    const closes: Array<{ code: number; reason: string }> = [];
    const open = Array.from({ length: 6 }, () => wsClient(KEY_A));
    const sinks = open.map((c) => subscribeWs(c, PRESENCE));
    await waitUntil('six connections subscribed', () => stack.gateway.live.engine.size > 0 && sinks.every((s) => s.errors.length === 0), 5_000);
    await waitUntil('six acknowledged', async () => ((await liveConnectionsOpen.get()).values.find((v) => v.labels.protocol === 'ws')?.value ?? 0) >= 6, 5_000);
    wsClient(KEY_A, { onClosed: (e) => closes.push(e) });
    await waitUntil('the seventh was closed', () => closes.length === 1, 5_000);
    expect(closes.map((c) => [c.code, c.reason])).toEqual([[4429, 'too many live connections for this tenant (max 6)']]);
  });

  it('the same over graphql-sse (distinct connections mode)', async () => {
    const client = createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0 });
    const events: any[] = [];
    const errors: unknown[] = [];
    const dispose = client.subscribe(
      { query: PRESENCE, variables: { filter: { connectionIds: ['apps-a'] } } },
      { next: (v) => void events.push(v), error: (e) => void errors.push(e), complete: () => undefined },
    );
    try {
      await waitUntil('the apps-a agents poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'agents') !== null, 5_000);
      const wire = changePresence();
      await waitUntil('the change arrived over SSE', () => events.some((e) => e.data?.agentPresenceChanged.agent.nativeId === String(wire.id)), 5_000);
      expect(errors).toEqual([]);
    } finally {
      dispose();
      client.dispose();
    }
  });

  it('a subscription POSTed to /graphql is refused, pointing at the live transports', async () => {
    const res = await stack.gql(PRESENCE);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'subscriptions are served over graphql-ws (a WebSocket on /graphql) or graphql-sse (/graphql/stream), not as HTTP requests', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('graphql-sse refuses a request without credentials with 401, as /graphql does', async () => {
    const res = await fetch(`${stack.graphqlUrl}/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: PRESENCE }) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('missing API key: send `Authorization: Bearer <api key>`');
  });

  it('graphql-sse reads a body within server.maxBodyBytes only: 413 past it, as /graphql', async () => {
    const query = `subscription { agentPresenceChanged { agent { id } } } # ${'x'.repeat(1_048_576)}`;
    const res = await fetch(`${stack.graphqlUrl}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('request body is larger than 1048576 bytes');
  });

  it('refuses the subscription past the per-connection cap with the documented error', async () => {
    const client = wsClient(KEY_A);
    const sinks = [0, 1, 2, 3].map(() => subscribeWs(client, PRESENCE));
    await waitUntil('the fourth was refused', () => sinks[3]!.errors.length > 0, 5_000);
    expect(sinks[3]!.errors).toEqual([[{ message: 'too many subscriptions on this connection (max 3)', extensions: { code: 'RATE_LIMITED' } }]]);
    expect(sinks.slice(0, 3).every((s) => s.errors.length === 0)).toBe(true);
  });

  it('refuses a too-deep subscription document with the message HTTP gives', async () => {
    const deep = `subscription { callEvents { call { transfers { fromAgent { connection { id } } } } } }`;
    const http = await stack.gql(`{ calls(first: 1) { edges { node { transfers { fromAgent { id } } } } } }`);
    expect(http.body.errors).toEqual([limitRefusal('depth', 4, 5)]);
    const sink = subscribeWs(wsClient(KEY_A), deep);
    await waitUntil('refused', () => sink.errors.length > 0, 5_000);
    expect(sink.errors).toEqual([[limitRefusal('depth', 4, 5)]]);
  });

  it('keeps the connection alive with pings', async () => {
    let pings = 0;
    const client = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${KEY_A}` },
      on: { ping: (received) => void (received && pings++) },
    });
    clients.push(client);
    // graphql-ws's server keeps the socket alive with WebSocket pings (which `ws` answers), not message pings.
    const sink = subscribeWs(client, PRESENCE);
    await waitUntil('subscribed', () => stack.gateway.live.engine.size > 0, 5_000);
    // Count them on a raw socket.
    let wirePings = 0;
    const raw = new WebSocket(wsUrl, 'graphql-transport-ws');
    raw.on('ping', () => wirePings++);
    raw.on('open', () => raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY_A}` } })));
    await waitUntil('two pings arrived', () => wirePings >= 2, 5_000);
    raw.close();
    expect(sink.errors).toEqual([]);
    expect(sink.completed).toBe(false);
    expect(pings).toBe(0); // no graphql-ws message pings: the keep-alive is the WebSocket's own
  });

  it('closes a slow consumer with 1013 and a clear reason instead of buffering', async () => {
    const raw = new WebSocket(wsUrl, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise<void>((resolve) => raw.on('open', () => resolve()));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY_A}` } }));
    await new Promise<void>((resolve) => raw.once('message', () => resolve()));
    raw.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: CALLS } }));
    await waitUntil('subscribed', () => stack.gateway.live.engine.size > 0, 5_000);
    // The client stops reading: its TCP window fills, then the gateway's per-subscription queue.
    (raw as unknown as { _socket: { pause(): void } })._socket.pause();
    let done: { code: number; reason: string } | null = null;
    void closed.then((c) => (done = c));
    const big = 'x'.repeat(16_384);
    for (let i = 0; i < 5_000 && done === null; i++) {
      stack.gateway.live.bus.publish('tenant-a', screenPopEvent(`c${i}`, { phone: big }));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (i % 50 === 49) (raw as unknown as { _socket: { resume(): void; pause(): void } })._socket.pause();
    }
    (raw as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code, reason } = await closed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/^slow consumer: \d+ (events|bytes) were waiting to be sent$/);
  });

  it('stops polling when the last subscriber leaves: the simulator request log stops growing', async () => {
    const client = wsClient(KEY_A);
    const one = subscribeWs(client, PRESENCE, { filter: { connectionIds: ['apps-a'] } });
    const two = subscribeWs(client, PRESENCE, { filter: { connectionIds: ['apps-a'] } });
    const agentReads = () => stack.sims.appsApi.requests.filter((r) => r.path.endsWith('/agents')).length;
    const before = agentReads();
    await waitUntil('polling', () => agentReads() >= before + 3, 5_000);
    expect(stack.gateway.live.engine.size).toBe(1); // one poller for two subscribers
    one.dispose();
    two.dispose();
    await waitUntil('the poller stopped', () => stack.gateway.live.engine.size === 0, 5_000);
    const after = agentReads();
    // Another poller (the campaign API's queues) refreshes three times meanwhile; the agents poller read nothing more.
    const queues = subscribeWs(client, QUEUES);
    const queueReads = () => stack.sims.campaignApi.requests.filter((r) => r.path.endsWith('/queues/status')).length;
    const queuesBefore = queueReads();
    await waitUntil('three queue refreshes', () => queueReads() >= queuesBefore + 3, 5_000);
    queues.dispose();
    expect(agentReads()).toBe(after);
  });
});

describe('live subscriptions: the per-tenant subscription cap', () => {
  it('refuses the subscription past maxSubscriptionsPerTenant, whichever connection it comes on', async () => {
    const stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      server: { subscriptions: { maxSubscriptionsPerTenant: 2 } },
    });
    const clients = [0, 1].map(() =>
      createWsClient({ url: stack.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${KEY_A}` } }),
    );
    try {
      const first = subscribeWs(clients[0]!, PRESENCE);
      const second = subscribeWs(clients[1]!, PRESENCE);
      await waitUntil('two running', async () => ((await liveSubscriptionsOpen.get()).values.find((v) => v.labels.protocol === 'ws')?.value ?? 0) >= 2, 5_000);
      const third = subscribeWs(clients[1]!, PRESENCE);
      await waitUntil('the third was refused', () => third.errors.length > 0, 5_000);
      expect(third.errors).toEqual([[{ message: 'too many subscriptions on this tenant (max 2)', extensions: { code: 'RATE_LIMITED' } }]]);
      expect([first.errors, second.errors]).toEqual([[], []]);
    } finally {
      for (const c of clients) await c.dispose();
      await stack.close();
    }
  });
});

describe('live subscriptions: the per-tenant subscription cap over graphql-sse', () => {
  it('refuses the stream past maxSubscriptionsPerTenant in the accepted stream: one `next` with the error, then `complete`', async () => {
    const stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      server: { subscriptions: { maxSubscriptionsPerTenant: 2 } },
    });
    const client = createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0 });
    const subscribe = () => {
      const sink = { events: [] as unknown[], errors: [] as unknown[], completed: false, dispose: () => undefined as void };
      sink.dispose = client.subscribe({ query: CALLS }, { next: (v) => void sink.events.push(v), error: (e) => void sink.errors.push(e), complete: () => void (sink.completed = true) });
      return sink;
    };
    const running = [subscribe(), subscribe()];
    try {
      await waitUntil('two streams listening', () => busListeners(stack, 'callEvents') === 2, 5_000);
      const third = subscribe();
      await waitUntil('the third was refused', () => third.completed, 5_000);
      expect({ events: third.events, errors: third.errors }).toEqual({
        events: [{ errors: [{ message: 'too many subscriptions on this tenant (max 2)', extensions: { code: 'RATE_LIMITED' } }] }],
        errors: [],
      });
      expect(running.map((r) => ({ errors: r.errors, completed: r.completed }))).toEqual([
        { errors: [], completed: false },
        { errors: [], completed: false },
      ]);
      expect(busListeners(stack, 'callEvents')).toBe(2);
    } finally {
      for (const r of running) r.dispose();
      client.dispose();
      await stack.close();
    }
  });
});

/** The close codes a socket gets before its first subscription: 4403 for an origin its tenant does not allow, 4408 without `connection_init`. */
describe('live subscriptions: origins per tenant and connection_init', () => {
  let stack: Stack;
  let wsUrl: string;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      // Tenant A has the server's origins (none); tenant B allows one page's.
      server: { subscriptions: { connectionInitTimeoutMs: 300 } },
      moreTenants: () => [{ id: 'tenant-b', apiKeys: [KEY_B], connections: [], cors: { origins: ['https://b.example'] } }],
    });
    wsUrl = stack.graphqlUrl.replace(/^http/, 'ws');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.terminate();
  });
  afterAll(() => stack.close());

  /** A raw graphql-ws socket: its first message (or null) and its close code and reason. */
  const socket = (headers: Record<string, string> = {}) => {
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { headers });
    sockets.push(ws);
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    const firstMessage = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    const init = (key: string) => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
    return { ws, opened, firstMessage, closed, init };
  };

  it("closes 4403 a socket from an origin another tenant allows (the upgrade passes) but the key's tenant does not", async () => {
    const a = socket({ origin: 'https://b.example' });
    await a.opened;
    a.init(KEY_A);
    expect(await a.closed).toEqual({ code: 4403, reason: 'this origin is not allowed for the tenant (tenants[].cors.origins)' });
    // The same origin with tenant B's key is acknowledged.
    const b = socket({ origin: 'https://b.example' });
    await b.opened;
    b.init(KEY_B);
    expect(await b.firstMessage).toEqual({ type: 'connection_ack' });
  });

  it('closes 4408 a socket that sends no connection_init within connectionInitTimeoutMs', async () => {
    const started = Date.now();
    const s = socket();
    await s.opened;
    expect(await s.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    // At the configured 300 ms, not graphql-ws's default 3 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

/**
 * The query limits of a subscription document, over both transports, against what `/graphql` answers for the same
 * document. A subscription cannot run over HTTP, so each document holds two operations of equal measures, `S` (a
 * subscription) and `Q` (a query), around one fragment: HTTP runs `Q`, the live transports `S`.
 */
describe('live subscriptions: the query limits, as HTTP gives them', () => {
  let stack: Stack;
  const clients: WsClient[] = [];
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      server: { limits: { maxAliases: 2, maxCost: 2, maxFields: 6 } },
    });
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await stack.close();
  });

  // callEvents/call 1 + agent 1 (+ connection 1), fields callEvents/call, agent and the fragment's.
  const documentWith = (fragment: string) => `subscription S { callEvents { agent { ...A } } } query Q { call(id: "x") { agent { ...A } } } fragment A on Agent { ${fragment} }`;
  it.each([
    ['aliases', 'a0: id a1: id a2: id', limitRefusal('aliases', 2, 3)],
    ['cost', 'connection { id }', limitRefusal('cost', 2, 3)],
    ['fields', 'id nativeId name email extension', limitRefusal('fields', 6, 7)],
  ])('refuses a subscription over the %s limit with the error /graphql gives, over graphql-ws and graphql-sse', async (_limit, fragment, refusal) => {
    const document = documentWith(fragment);
    const http = await stack.gql(document, { operationName: 'Q' });
    expect(http.status).toBe(400);
    expect(http.body).toEqual({ errors: [refusal] });

    const ws = createWsClient({ url: stack.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${KEY_A}` } });
    clients.push(ws);
    const sink = subscribeWs(ws, document, {}, 'S');
    await waitUntil('refused over graphql-ws', () => sink.errors.length > 0, 5_000);
    expect(sink.errors).toEqual([[refusal]]);
    expect(sink.events).toEqual([]);

    // graphql-sse reports it in the accepted stream, as its protocol requires of validation: one `next` with the
    // errors, then `complete`; its client hands that to `next` and does not retry.
    const sse = createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0 });
    const errors: unknown[] = [];
    const events: unknown[] = [];
    let completed = false;
    const dispose = sse.subscribe({ query: document, operationName: 'S' }, { next: (v) => void events.push(v), error: (e) => void errors.push(e), complete: () => void (completed = true) });
    try {
      await waitUntil('refused over graphql-sse', () => completed, 5_000);
      expect(events).toEqual([{ errors: [refusal] }]);
      expect(errors).toEqual([]);
    } finally {
      dispose();
      sse.dispose();
    }
  });
});

describe('live subscriptions at shutdown', () => {
  it('closes every WebSocket with 1001 when the gateway closes', async () => {
    const stack = await startStack({ sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } }, server: { shutdownGraceMs: 0 } });
    const closes: number[] = [];
    const client = createWsClient({
      url: stack.graphqlUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${KEY_A}` },
      on: { closed: (e) => void closes.push((e as { code: number }).code) },
    });
    const sink = subscribeWs(client, PRESENCE);
    await waitUntil('subscribed', () => stack.gateway.live.engine.size > 0, 5_000);
    await stack.close();
    await waitUntil('closed', () => closes.length === 1, 5_000);
    expect(closes).toEqual([1001]);
    expect(sink.errors).toHaveLength(1);
    await client.dispose();
  });
});

describe('live subscriptions at shutdown over graphql-sse', () => {
  it('ends an open stream, and answers a new /graphql/stream request while the gateway drains 503 SHUTTING_DOWN', async () => {
    // A query held in flight by the simulator's latency keeps the gateway draining (within shutdownGraceMs) and its port open.
    const stack = await startStack({ sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } }, server: { shutdownGraceMs: 10_000 } });
    const open: http.ClientRequest[] = [];
    try {
      const s = await openSseStream(stack, `subscription { callEvents(filter: { connectionIds: ["ameyo-a"] }) { type } }`, open);
      expect(s.res.statusCode).toBe(200);
      await waitUntil('the stream listens', () => busListeners(stack, 'callEvents') === 1, 5_000);
      stack.sims.appsApi.setFaults({ latencyMs: 2_000 });
      const inFlight = stack.gql(`{ agents(first: 1, filter: { connectionIds: ["apps-a"] }) { totalCount } }`);
      await waitUntil('the simulator received the vendor read', () => stack.sims.appsApi.requests.length > 0, 5_000);
      const closed = stack.gateway.close();
      await waitUntil('the stream ended', () => s.ended(), 5_000);
      expect(busListeners(stack, 'callEvents')).toBe(0);
      const refused = await rawRequest(`${stack.graphqlUrl}/stream`, {
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` },
        body: JSON.stringify({ query: CALLS }),
      });
      expect({
        status: refused.status,
        retryAfter: refused.headers['retry-after'],
        contentType: refused.headers['content-type'],
        body: withoutRequestIds(JSON.parse(refused.text), String(refused.headers['x-request-id'])),
      }).toEqual({
        status: 503,
        retryAfter: '1',
        contentType: 'application/json; charset=utf-8',
        body: { errors: [{ message: 'the gateway is shutting down; send the request again', extensions: { code: 'SHUTTING_DOWN' } }] },
      });
      // The query in flight still finishes, then the gateway closes.
      expect((await inFlight).status).toBe(200);
      await closed;
    } finally {
      for (const req of open) req.destroy();
      await stack.close();
    }
  });
});

describe('live subscriptions with end-user tokens', () => {
  const AUDIENCE = 'switchboard-live';
  let idp: IdentityProvider;
  let stack: Stack;
  let wsUrl: string;
  const clients: WsClient[] = [];
  beforeAll(async () => {
    idp = await startIdentityProvider({ audience: AUDIENCE });
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      tenantAuth: { jwt: { issuer: idp.issuer, audiences: [AUDIENCE], jwks: { url: idp.jwksUrl } } },
    });
    wsUrl = stack.graphqlUrl.replace(/^http/, 'ws');
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await stack.close();
    await idp.close();
  });
  const client = (token: string, onClosed?: (e: { code: number; reason: string }) => void) => {
    const c = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (e) => onClosed?.(e as { code: number; reason: string }) },
      onNonLazyError: () => undefined,
    });
    clients.push(c);
    return c;
  };
  const screenPop = (agentNativeId: string, callNativeId: string) => screenPopEvent(callNativeId, { agentNativeId });

  it('refuses a token that is not accepted (4401) and one that grants no role (4403), with the HTTP messages', async () => {
    const closes: Array<[number, string]> = [];
    client('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', (e) => closes.push([e.code, e.reason]));
    client(await idp.sign({ sub: 'nobody', roles: ['visitor'] }), (e) => closes.push([e.code, e.reason]));
    await waitUntil('both closed', () => closes.length === 2, 5_000);
    expect(closes.sort()).toEqual([
      [4401, 'the token was not accepted: sign in again'],
      [4403, 'the token grants none of the roles agent, supervisor or admin (claim "roles")'],
    ]);
  });

  it("gives an AGENT their own agent's call events only, and a SUPERVISOR every call's", async () => {
    const agentToken = await idp.sign({ sub: 'live-agent', roles: ['agent'], agent_id: { 'ameyo-a': 'agent-own' } });
    const supervisorToken = await idp.sign({ sub: 'live-supervisor', roles: ['supervisor'] });
    const asAgent = subscribeWs(client(agentToken), CALLS);
    const asSupervisor = subscribeWs(client(supervisorToken), CALLS);
    await waitUntil('both subscribed', () => stack.gateway.live.engine.size > 0, 5_000);
    await waitUntil('both listening', async () => ((await liveSubscriptionsOpen.get()).values.find((v) => v.labels.protocol === 'ws')?.value ?? 0) >= 2, 5_000);
    stack.gateway.live.bus.publish('tenant-a', screenPop('agent-other', 'call-other'));
    stack.gateway.live.bus.publish('tenant-a', screenPop('agent-own', 'call-own'));
    await waitUntil('the supervisor got both', () => asSupervisor.events.length === 2, 5_000);
    await waitUntil('the agent got one', () => asAgent.events.length === 1, 5_000);
    expect(asSupervisor.events.map((e) => e.data.callEvents.callNativeId)).toEqual(['call-other', 'call-own']);
    expect(asAgent.events.map((e) => e.data.callEvents.callNativeId)).toEqual(['call-own']);
  });
});

/** The graphql-sse side of the caps: keep-alive comments, the connection cap (429) and a slow consumer's stream cut with its reason. */
describe('graphql-sse: keep-alive, the connection cap and slow consumers', () => {
  let stack: Stack;
  const open: http.ClientRequest[] = [];
  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 },
      server: { subscriptions: { maxConnectionsPerTenant: 2, keepAliveMs: 1_000, maxQueuedEvents: 20, maxBufferedBytes: 65_536 } },
    });
  });
  afterEach(() => {
    for (const req of open.splice(0)) req.destroy();
  });
  afterAll(() => stack.close());

  const stream = (query: string) => openSseStream(stack, query, open);

  const screenPop = (i: number, phone: string) => screenPopEvent(`sse-${i}`, { phone });

  it('sends a keep-alive comment every keepAliveMs while nothing happens', async () => {
    const sent = Date.now();
    const s = await stream(CALLS);
    expect(s.res.statusCode).toBe(200);
    expect(s.res.headers['content-type']).toMatch(/^text\/event-stream/);
    // graphql-sse opens the stream with one comment; the gateway's keep-alive adds one every keepAliveMs (1 s here).
    const comments = () => s.chunks.join('').split(':\n\n').length - 1;
    await waitUntil('a keep-alive comment after the opening one', () => comments() >= 2, 5_000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(990);
  });

  it('refuses a stream past the tenant connection cap with 429 RATE_LIMITED, and admits one again when a stream closes', async () => {
    const first = await stream(CALLS);
    await stream(CALLS);
    const refused = await fetch(`${stack.graphqlUrl}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` },
      body: JSON.stringify({ query: CALLS }),
    });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ errors: [{ message: 'too many live connections for this tenant (max 2)', extensions: { code: 'RATE_LIMITED' } }] });
    first.req.destroy();
    await waitUntil(
      'a slot is free again',
      async () => {
        const again = await stream(CALLS);
        return again.res.statusCode === 200;
      },
      5_000,
    );
  });

  it('cuts a graphql-sse consumer that stops reading with a last SLOW_CONSUMER error and complete, holding at most maxBufferedBytes and one event for it', async () => {
    // graphql-sse's own client on a fetch whose body the test stops reading: undici then stops reading the socket.
    let readAgain!: () => void;
    const reading = new Promise<void>((resolve) => (readAgain = resolve));
    const stalledFetch = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!res.body) return res;
      const reader = res.body.getReader();
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            await reading;
            const chunk = await reader.read();
            if (chunk.done) controller.close();
            else controller.enqueue(chunk.value);
          },
          cancel: (reason) => reader.cancel(reason),
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    };
    const listeners = () => (stack.gateway.live.bus instanceof LocalBus ? stack.gateway.live.bus.listenerCount('tenant-a', 'callEvents') : -1);
    await waitUntil("the other tests' streams have stopped listening", () => listeners() === 0, 5_000);
    const client = createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0, fetchFn: stalledFetch });
    const events: Array<{ data?: any; errors?: any }> = [];
    const errors: unknown[] = [];
    let completed = false;
    const dispose = client.subscribe({ query: CALLS }, { next: (v) => void events.push(v), error: (e) => void errors.push(e), complete: () => void (completed = true) });
    try {
      await waitUntil('subscribed', () => listeners() === 1, 5_000);
      const cuts = async () => (await liveRefusals.get()).values.find((v) => v.labels.reason === 'slow_consumer')?.value ?? 0;
      const cutsBefore = await cuts();
      const big = 'x'.repeat(16_384);
      /** Far more than one event: the phone is 16 KiB, the rest of the event under 512 bytes. */
      const eventBytes = 16_384 + 512;
      let mostBuffered = 0;
      const publish = async (i: number) => {
        stack.gateway.live.bus.publish('tenant-a', screenPop(i, big));
        await new Promise<void>((resolve) => setImmediate(resolve));
        mostBuffered = Math.max(mostBuffered, ...stack.gateway.live.sseBufferedBytes());
      };
      let published = 0;
      while (published < 5_000 && (await cuts()) === cutsBefore) await publish(published++);
      expect(published).toBeLessThan(5_000);
      // Once cut, nothing more is held for it.
      for (let i = 0; i < 50; i++) await publish(published + i);
      expect(mostBuffered).toBeGreaterThan(0);
      expect(mostBuffered).toBeLessThanOrEqual(65_536 + eventBytes + 1_024);

      readAgain();
      await waitUntil('the stream completed', () => completed, 5_000);
      expect(errors).toEqual([]);
      const last = events[events.length - 1]!;
      expect(last).toEqual({ errors: [{ message: expect.stringMatching(/^slow consumer: \d+ bytes were waiting to be sent$/), extensions: { code: 'SLOW_CONSUMER' } }] });
      const backlog = Number(/(\d+) bytes/.exec(last.errors[0].message)![1]);
      expect(backlog).toBeGreaterThan(65_536);
      expect(backlog).toBeLessThanOrEqual(65_536 + eventBytes);
      // Before it, in order, the events already in the sockets' buffers (loopback's take a few MB); none held back after the cut.
      const delivered = events.slice(0, -1).map((e) => e.data?.callEvents.callNativeId);
      expect(delivered.length).toBeLessThan(published);
      expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, i) => `sse-${i}`));
    } finally {
      dispose();
      client.dispose();
    }
  });
});
