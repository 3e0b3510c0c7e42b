/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * A client that goes away cancels the upstream work it alone was waiting for (src/server.ts aborts the
 * request's signal when the response closes unfinished; src/upstream/dedupe.ts cancels a shared read only
 * when its last caller has left). The proof is the simulator's log: a request whose socket was closed
 * before the simulator answered keeps status 0 (sim/common/server.ts skips the write when the response is
 * destroyed), while one that was answered shows its status, here after the same latency.
 *
 * The connections' own timeouts (5 s) are far above the latency (1 s), so only the client can cancel.
 */
import type { Stack } from '../support/stack';
import { KEY_A } from '../support/stack';
import { AGENTS_OF, CAMPAIGN_LOGIN, agentsOf, coalescedReads, logOf, resetSims, startFaultStack, untilLatencyHasPassed, waitUntil } from './support/faultStack';
import { installProcessGuard } from './support/guard';
import { wsClientFor } from '../support/graphqlWs';

installProcessGuard();

const LATENCY_MS = 1_000;
const AMEYO_AGENTS = 'GET /v4/cc-list/1/monitoring/user-session-information';
const QUEUES = 'GET /callcenter/queues/status';

/** An `agents` read of one connection that the test can abandon, as a browser tab being closed would. */
function abandonableRead(stack: Stack, connectionId: string) {
  const controller = new AbortController();
  const response = fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}` },
    body: JSON.stringify({ query: AGENTS_OF, variables: { ids: [connectionId] } }),
    signal: controller.signal,
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: any; errors?: unknown[] } }));
  // The abandoned one's rejection is asserted by the test; keep it from counting as unhandled meanwhile.
  response.catch(() => undefined);
  return { response, leave: () => controller.abort() };
}

const slowTimeouts = { timeouts: { headersMs: 5_000, requestMs: 5_000 } };

/** The gateway's log lines with message `msg` so far (src/http/router.ts, src/graphql/plugins/requestLog.ts). */
const linesOf = (stack: Stack, msg: string) => stack.logs.filter((l) => l['msg'] === msg).length;
const CLIENT_LEFT = 'client closed the connection before the answer was complete';
const OPERATION_DONE = 'graphql request';

describe('a client that leaves', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startFaultStack(slowTimeouts);
  });
  afterAll(() => stack.close());
  beforeEach(() => resetSims(stack));

  const ameyo = () => stack.sims.ameyo;

  it('control: a client that stays gets the slow answer, and the simulator logs it answered', async () => {
    ameyo().setFaults({ latencyMs: LATENCY_MS });
    const res = await agentsOf(stack, 'ameyo-a');
    expect(res.body.errors).toBeUndefined();
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 200`]);
  });

  it('cancels the upstream request it was waiting on; the gateway keeps serving', async () => {
    ameyo().setFaults({ latencyMs: LATENCY_MS });
    const statusOf = async () => (await stack.gql(`{ connections { id status } }`)).body.data!['connections'].find((c: { id: string }) => c.id === 'ameyo-a').status;
    const before = await statusOf();
    const done = linesOf(stack, OPERATION_DONE);
    const read = abandonableRead(stack, 'ameyo-a');
    await waitUntil('the vendor has the request', () => ameyo().requests.length === 1, 2_000);
    const seenAt = Date.now();
    read.leave();
    await expect(read.response).rejects.toThrow(/abort/i);
    // A client leaving says nothing of the vendor: the connection keeps the status its last answer gave.
    await waitUntil("the abandoned operation's resolvers are done", () => linesOf(stack, OPERATION_DONE) === done + 1, 2_000);
    expect(await statusOf()).toBe(before);

    // Past the latency: the simulator never answered, because the gateway closed the socket.
    await untilLatencyHasPassed(seenAt, LATENCY_MS); // timed on purpose: "no answer" shows only once the answer was due
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 0`]);

    // Nothing else was sent, and the next client is served at once.
    ameyo().resetFaults();
    ameyo().clearRequests();
    const next = await stack.gql(`{ agents(first: 100) { totalCount edges { node { vendor } } } }`);
    expect(next.body.errors).toBeUndefined();
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 200`]);
    const conns = await stack.gql(`{ connections { id status } }`);
    expect(conns.body.data!['connections']).toEqual([
      { id: 'ameyo-a', status: 'UP' },
      { id: 'apps-a', status: 'UP' },
      { id: 'dialer-a', status: 'UP' },
    ]);
  });

  it('two clients share one coalesced read: one leaving does not fail the other', async () => {
    ameyo().setFaults({ latencyMs: LATENCY_MS });
    const leaving = abandonableRead(stack, 'ameyo-a');
    await waitUntil('the vendor has the request', () => ameyo().requests.length === 1, 2_000);
    const joined = await coalescedReads(stack, 'ameyo-a');
    const staying = agentsOf(stack, 'ameyo-a');
    await waitUntil('the second client has joined the read in flight', async () => (await coalescedReads(stack, 'ameyo-a')) === joined + 1, 2_000);
    leaving.leave();
    await expect(leaving.response).rejects.toThrow(/abort/i);

    const res = await staying;
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!['agents'].totalCount).toBe(ameyo().state.sessions.length);
    // One vendor request for both clients, answered: the one that left did not cancel it.
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 200`]);
  });

  it('when every client of a coalesced read leaves, the shared request is cancelled', async () => {
    ameyo().setFaults({ latencyMs: LATENCY_MS });
    const first = abandonableRead(stack, 'ameyo-a');
    await waitUntil('the vendor has the request', () => ameyo().requests.length === 1, 2_000);
    const seenAt = Date.now();
    const joined = await coalescedReads(stack, 'ameyo-a');
    const second = abandonableRead(stack, 'ameyo-a');
    await waitUntil('the second client has joined the read in flight', async () => (await coalescedReads(stack, 'ameyo-a')) === joined + 1, 2_000);
    const left = linesOf(stack, CLIENT_LEFT);
    first.leave();
    await waitUntil('the gateway has seen the first client leave', () => linesOf(stack, CLIENT_LEFT) === left + 1, 2_000);
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 0`]); // one still waiting: not cancelled yet, not answered yet
    second.leave();
    await expect(first.response).rejects.toThrow(/abort/i);
    await expect(second.response).rejects.toThrow(/abort/i);
    await untilLatencyHasPassed(seenAt, LATENCY_MS); // timed on purpose: "no answer" shows only once the answer was due
    expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 0`]);
  });

  /**
   * The same over the subscription transports, which also run queries: a graphql-ws client that closes its socket or
   * sends `complete` for the running query, and a graphql-sse stream whose request is abandoned.
   */
  describe('over graphql-ws and graphql-sse', () => {
    /** The query over graphql-ws; `leave` ends it the given way. */
    const wsRead = (how: 'complete' | 'close') => {
      // The socket stays open after a `complete` (graphql-ws's lazy client would close it at once, which is the other case).
      let socketClosed = false;
      const client = wsClientFor(stack.gateway.url, KEY_A, { lazyCloseTimeout: 60_000, on: { closed: () => void (socketClosed = true) } });
      const results: unknown[] = [];
      const unsubscribe = client.subscribe({ query: AGENTS_OF, variables: { ids: ['ameyo-a'] } }, { next: (v) => void results.push(v), error: () => undefined, complete: () => undefined });
      return {
        results,
        socketClosed: () => socketClosed,
        leave: async () => (how === 'complete' ? unsubscribe() : await client.dispose()),
        close: () => client.dispose(),
      };
    };

    it('control: a graphql-ws client that stays gets the slow answer, and the simulator logs it answered', async () => {
      ameyo().setFaults({ latencyMs: LATENCY_MS });
      const read = wsRead('close');
      await waitUntil('the answer arrived', () => read.results.length === 1, 5_000);
      expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 200`]);
      await read.close();
    });

    it.each(['complete', 'close'] as const)('graphql-ws, the client sends %s: the upstream request is cancelled', async (how) => {
      ameyo().setFaults({ latencyMs: LATENCY_MS });
      const read = wsRead(how);
      await waitUntil('the vendor has the request', () => ameyo().requests.length === 1, 2_000);
      const seenAt = Date.now();
      await read.leave();
      await untilLatencyHasPassed(seenAt, LATENCY_MS); // timed on purpose: "no answer" shows only once the answer was due
      expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 0`]);
      expect(read.results).toEqual([]);
      expect(read.socketClosed()).toBe(how === 'close'); // after `complete` the socket is still open: the message alone did it
      await read.close();
    });

    it('graphql-sse, the client abandons the stream: the upstream request is cancelled', async () => {
      ameyo().setFaults({ latencyMs: LATENCY_MS });
      const abort = new AbortController();
      const response = fetch(`${stack.graphqlUrl}/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEY_A}` },
        body: JSON.stringify({ query: AGENTS_OF, variables: { ids: ['ameyo-a'] } }),
        signal: abort.signal,
      }).then((res) => res.text());
      response.catch(() => undefined);
      await waitUntil('the vendor has the request', () => ameyo().requests.length === 1, 2_000);
      const seenAt = Date.now();
      abort.abort();
      await expect(response).rejects.toThrow(/abort/i);
      await untilLatencyHasPassed(seenAt, LATENCY_MS); // timed on purpose: "no answer" shows only once the answer was due
      expect(logOf(ameyo())).toEqual([`${AMEYO_AGENTS} 0`]);
    });
  });
});

describe('a client that leaves during the shared campaign-API login', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startFaultStack(slowTimeouts); // dialer-a has not logged in yet
  });
  afterAll(() => stack.close());

  it('does not cancel the login other requests share; its own read is never sent', async () => {
    const sim = stack.sims.campaignApi;
    sim.setFaults({ latencyMs: LATENCY_MS });
    const read = abandonableRead(stack, 'dialer-a');
    await waitUntil('the login is in flight', () => sim.requests.length === 1, 2_000);
    const done = linesOf(stack, OPERATION_DONE);
    read.leave();
    await expect(read.response).rejects.toThrow(/abort/i);
    // Once the login is answered and the gateway has finished the abandoned operation, nothing more can be sent for it.
    await waitUntil('the login is answered and the abandoned read is over', () => sim.requests[0]!.status === 200 && linesOf(stack, OPERATION_DONE) === done + 1, LATENCY_MS + 2_000);
    expect(logOf(sim)).toEqual([`${CAMPAIGN_LOGIN} 200`]);

    // The next read uses that token: no second login.
    sim.resetFaults();
    const res = await agentsOf(stack, 'dialer-a');
    expect(res.body.errors).toBeUndefined();
    expect(logOf(sim)).toEqual([`${CAMPAIGN_LOGIN} 200`, `${QUEUES} 200`]);
    expect(sim.loginCount).toBe(1);
  });
});
