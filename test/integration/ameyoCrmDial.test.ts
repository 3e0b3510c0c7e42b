/**
 * Issue 17, item 5: the Ameyo simulator plays Ameyo's side of the URL-based CRM integration for the calls the
 * gateway itself dials and disposes. A `callDial` through the gateway makes the simulator connect the call and load
 * the gateway's customer URL, and a graphql-ws subscriber to `callEvents` receives the SCREEN_POP; a `callDispose`
 * makes it load the dispose URL, and the subscriber receives DISPOSED, with no dispose loop between the two.
 * Everything over real sockets: the simulator's log of what it received (`requests`) and sent (`crm.crmCalls`).
 */
import type { AmeyoSession } from '../../sim/ameyo';
import { encodeGlobalId } from '../../src/graphql/ids';
import { LocalBus } from '../../src/live/bus';
import { subscribeWs, wsClientFor } from '../support/graphqlWs';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const SECRET_A = 'crm-secret-dial-tenant-a-0001';
const SECRET_X = 'crm-secret-dial-tenant-a-crmfirst';
const DISPOSE_PATH = '/ameyorestapi/voice/disposeCallForUser';

const CALL_EVENTS = `subscription($connectionIds: [ID!]) {
  callEvents(filter: { connectionIds: $connectionIds, types: [SCREEN_POP, DISPOSED] }) {
    type connection { id } callNativeId agent { id }
    screenPop { page sessionId campaignId crtObjectId userCrtObjectId userId customerId phone queueId queueName disposition dispositionAttribute }
  }
}`;

describe('Ameyo CRM URLs for the calls the gateway dials and disposes (issue 17, item 5)', () => {
  let stack: Stack;
  const ameyo = () => stack.sims.ameyo;
  const pageUrl = (conn: string, page: string, key: string) => `${stack.gateway.url}/ameyo/tenant-a/${conn}/crm/${page}?key=${key}`;
  const configureSim = async (conn: string, key: string) => {
    const res = await fetch(`${ameyo().url}/__sim/ameyo/crm/urls`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerUrl: pageUrl(conn, 'customer', key), disposeUrl: pageUrl(conn, 'dispose', key) }),
    });
    expect(res.status).toBe(200);
  };
  /** A logged-in agent in a voice campaign with no live interaction, not used by an earlier test. */
  const used = new Set<string>();
  const idleVoiceAgent = (): AmeyoSession => {
    const s = ameyo().state.sessions.find(
      (x) =>
        !used.has(x.userId) &&
        !ameyo().state.interactions.some((i) => i.sessionId === x.sessionId) &&
        ameyo()
          .state.campaigns.find((c) => c.campaignId === x.campaignId)!
          .campaignType.endsWith('Voice'),
    )!;
    used.add(s.userId);
    return s;
  };
  /** The agent's id as `agents` gives it. */
  const agentIdOf = async (connectionId: string, userId: string): Promise<string> => {
    const res = await stack.gql(`query($f: AgentFilter) { agents(filter: $f, first: 100) { edges { node { id nativeId } } } }`, {
      variables: { f: { connectionIds: [connectionId], search: userId } },
    });
    const node = (res.body.data!['agents'].edges as Array<{ node: { id: string; nativeId: string } }>).find((e) => e.node.nativeId === userId);
    return node!.node.id;
  };
  /** The campaign's id as `campaigns` gives it. */
  const campaignIdOf = async (connectionId: string, campaignId: number): Promise<string> => {
    const res = await stack.gql(`{ campaigns(first: 100) { edges { node { id nativeId connection { id } } } } }`);
    const edges = res.body.data!['campaigns'].edges as Array<{ node: { id: string; nativeId: string; connection: { id: string } } }>;
    return edges.find((e) => e.node.connection.id === connectionId && e.node.nativeId === String(campaignId))!.node.id;
  };
  const callDial = (input: Record<string, unknown>) =>
    stack.gql(`mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { accepted vendorReason } userErrors { message code } } }`, { variables: { input } });
  const callDispose = (input: Record<string, unknown>) =>
    stack.gql(`mutation($input: CallDisposeInput!) { callDispose(input: $input) { accepted vendorReason userErrors { message code } } }`, { variables: { input } });
  /** A graphql-ws subscriber to `callEvents` of one connection, listening once the gateway's bus has it. */
  const subscriber = async (connectionId: string) => {
    const client = wsClientFor(stack.gateway.url, KEY_A);
    const before = (stack.gateway.live.bus as LocalBus).listenerCount('tenant-a', 'callEvents');
    const sink = subscribeWs(client, CALL_EVENTS, { connectionIds: [connectionId] });
    await waitUntil('the subscription is listening', () => (stack.gateway.live.bus as LocalBus).listenerCount('tenant-a', 'callEvents') > before, 5_000);
    return {
      sink,
      close: async () => {
        sink.dispose();
        await client.dispose();
      },
    };
  };

  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 1000 } },
      patchConnections: (connections) => {
        const a = connections.find((c) => c.id === 'ameyo-a')!;
        return [
          ...connections.map((c) => (c.id === 'ameyo-a' ? { ...c, crm: { urlSecret: SECRET_A } } : c)),
          { ...a, id: 'ameyo-x', crm: { urlSecret: SECRET_X, dispositionMode: 'crmFirst' } },
        ] as typeof connections;
      },
    });
    expect(stack.gateway.live.bus).toBeInstanceOf(LocalBus);
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    ameyo().crm.crmCalls.length = 0;
    ameyo().clearRequests();
  });

  it('callDial: the simulator loads the customer URL of the connected call, and the subscriber receives the SCREEN_POP with its context; callDispose: DISPOSED, Ameyo disposing once', async () => {
    await configureSim('ameyo-a', SECRET_A);
    const session = idleVoiceAgent();
    const agentId = await agentIdOf('ameyo-a', session.userId);
    const campaignId = await campaignIdOf('ameyo-a', session.campaignId);
    const queue = ameyo().state.queues.find((q) => q.queueId === session.queueId)!;
    const { sink, close } = await subscriber('ameyo-a');
    try {
      const dialled = await callDial({ agentId, campaignId, phoneNumber: '+14155550191', idempotencyKey: 'crm-dial-0001' });
      expect(dialled.body).toEqual({ data: { callDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
      await waitUntil('the screen-pop reached the subscriber', () => sink.events.length >= 1, 5_000);
      const crt = ameyo().state.dials.at(-1)!.crtObjectId!;
      expect(crt).toMatch(/-vce-\d+$/);
      const context = {
        sessionId: session.sessionId,
        campaignId: String(session.campaignId),
        crtObjectId: crt,
        userCrtObjectId: `${session.sessionId.slice(0, 8)}-ses-${session.userId}-1-uce-1`,
        userId: session.userId,
        customerId: null, // a number that is no contact of the campaign: Ameyo sends no customerId
        phone: '+14155550191',
      };
      expect(sink.events).toEqual([
        {
          data: {
            callEvents: {
              type: 'SCREEN_POP',
              connection: { id: 'ameyo-a' },
              callNativeId: crt,
              agent: { id: agentId },
              screenPop: { page: 'CUSTOMER', ...context, queueId: String(queue.queueId), queueName: queue.queueName, disposition: null, dispositionAttribute: null },
            },
          },
        },
      ]);

      const disposed = await callDispose({ agentId, dispositionCode: 'callback', callbackAt: '2026-12-08T09:15:00.000Z', selfCallback: true, idempotencyKey: 'crm-dispose-0001' });
      expect(disposed.body).toEqual({ data: { callDispose: { accepted: true, vendorReason: 'success', userErrors: [] } } });
      await waitUntil('DISPOSED reached the subscriber', () => sink.events.length >= 2, 5_000);
      expect(sink.events[1]).toEqual({
        data: {
          callEvents: {
            type: 'DISPOSED',
            connection: { id: 'ameyo-a' },
            callNativeId: crt,
            agent: { id: agentId },
            screenPop: { page: 'DISPOSE', ...context, queueId: null, queueName: null, disposition: 'callback', dispositionAttribute: 'local 2026-12-08 09:15:00 selfcallback' },
          },
        },
      });
      // No loop: the dispose URL (dispositionMode `ameyo`, a notification) disposes nothing again.
      await ameyo().crmSettled();
      expect(ameyo().crm.crmCalls.map((c) => [c.kind, c.status])).toEqual([
        ['customer', 200],
        ['dispose', 200],
      ]);
      expect(ameyo().requests.filter((r) => r.path === DISPOSE_PATH)).toHaveLength(1);
      expect(ameyo().state.dispositions.filter((d) => d.crtObjectId === crt)).toHaveLength(1);
      expect(sink.events).toHaveLength(2);
      expect(sink.errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('crmFirst (the gateway disposes in Ameyo itself): a callDispose is not disposed again in a loop; the notification finds no call, and nothing is published', async () => {
    await configureSim('ameyo-x', SECRET_X);
    const session = idleVoiceAgent();
    const agentId = await agentIdOf('ameyo-x', session.userId);
    const { sink, close } = await subscriber('ameyo-x');
    try {
      const dialled = await callDial({ agentId, campaignId: await campaignIdOf('ameyo-x', session.campaignId), phoneNumber: '+14155550192', idempotencyKey: 'crm-dial-x-0001' });
      expect(dialled.body.data!['callDial'].dialAttempt.accepted).toBe(true);
      await waitUntil('the screen-pop reached the subscriber', () => sink.events.length >= 1, 5_000);
      const crt = ameyo().state.dials.at(-1)!.crtObjectId!;
      expect(sink.events[0]!.data!['callEvents']).toMatchObject({ type: 'SCREEN_POP', callNativeId: crt, agent: { id: agentId } });

      const disposed = await callDispose({ agentId, dispositionCode: 'sale', idempotencyKey: 'crm-dispose-x-0001' });
      expect(disposed.body.data!['callDispose'].accepted).toBe(true);
      await ameyo().crmSettled();
      // Ameyo's notification reaches a connection that disposes in Ameyo itself: it tries once, Ameyo has no call
      // left to dispose, the page answers 409 and nothing is published. Two dispose commands in all, then quiet.
      const sent = ameyo().requests.filter((r) => r.path === DISPOSE_PATH);
      expect(sent.map((r) => [(JSON.parse(r.body) as { requestId: string }).requestId, r.status])).toEqual([
        ['crm-dispose-x-0001', 200],
        [`ameyo-crm:${crt}:sale`, 200],
      ]);
      expect(ameyo().crm.crmCalls.map((c) => [c.kind, c.status])).toEqual([
        ['customer', 200],
        ['dispose', 409],
      ]);
      expect(JSON.parse(ameyo().crm.crmCalls[1]!.responseBody)).toEqual({ status: 'failed', message: `Ameyo did not dispose the call: No call to dispose for user ${session.userId}` });
      expect(ameyo().state.dispositions.filter((d) => d.userId === session.userId)).toHaveLength(1);
      await ameyo().crmSettled();
      expect(ameyo().requests.filter((r) => r.path === DISPOSE_PATH)).toHaveLength(2);
      expect(sink.events).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("crmFirst: a late notification about an earlier call does not dispose the agent's next one (the command names the call, Ameyo refuses another)", async () => {
    await configureSim('ameyo-x', SECRET_X);
    const session = idleVoiceAgent();
    const agentId = await agentIdOf('ameyo-x', session.userId);
    const campaignId = await campaignIdOf('ameyo-x', session.campaignId);
    const dialled = await callDial({ agentId, campaignId, phoneNumber: '+14155550194', idempotencyKey: 'crm-dial-x-0002' });
    expect(dialled.body.data!['callDial'].dialAttempt.accepted).toBe(true);
    await ameyo().crmSettled();
    const first = ameyo().state.dials.at(-1)!.crtObjectId!;

    // Dispose the first call and dial the next in one command; Ameyo then notifies the dispose URL about the first.
    const redial = await stack.gql(`mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { userErrors { message code } } }`, {
      variables: { input: { agentId, campaignId, callId: encodeGlobalId('Call', 'ameyo-x', first), dispositionCode: 'sale', phoneNumber: '+14155550195', idempotencyKey: 'crm-redial-x-0001' } },
    });
    expect(redial.body.errors).toBeUndefined();
    expect(redial.body.data!['callDisposeAndDial'].userErrors).toEqual([]);
    await ameyo().crmSettled();
    const next = ameyo().state.dials.at(-1)!.crtObjectId!;
    expect(next).not.toBe(first);

    // The gateway disposed "the agent's call" for the first call's notification, naming the first call: Ameyo refused.
    const sent = ameyo().requests.filter((r) => r.path === DISPOSE_PATH);
    expect(sent.map((r) => [JSON.parse(r.body) as { crtObjectId?: string }, r.status])).toEqual([[expect.objectContaining({ crtObjectId: first }), 200]]);
    const notification = ameyo()
      .crm.crmCalls.filter((c) => c.kind === 'dispose')
      .at(-1)!;
    expect([notification.status, JSON.parse(notification.responseBody)]).toEqual([409, { status: 'failed', message: 'Ameyo did not dispose the call: Invalid crtObjectId' }]);
    // The next call is still the agent's, not disposed.
    expect(ameyo().state.dispositions.filter((d) => d.crtObjectId === next)).toEqual([]);
  });

  it('a dial the simulator cannot connect (the agent is already on a call) pops nothing, and the dial still answers as before', async () => {
    await configureSim('ameyo-a', SECRET_A);
    const session = ameyo().state.sessions.find((s) => ameyo().state.interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE'))!;
    const agentId = await agentIdOf('ameyo-a', session.userId);
    const dialled = await callDial({ agentId, campaignId: await campaignIdOf('ameyo-a', session.campaignId), phoneNumber: '+14155550193', idempotencyKey: 'crm-dial-0003' });
    expect(dialled.body.data!['callDial']).toEqual({ dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] });
    await ameyo().crmSettled();
    expect(ameyo().crm.crmCalls).toEqual([]);
    expect(ameyo().state.dials.at(-1)).toMatchObject({ userId: session.userId, crtObjectId: null });
    expect(ameyo().state.interactions.filter((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE')).toHaveLength(1);
  });
});
