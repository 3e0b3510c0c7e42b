/**
 * Issue 16, item 1: `disposeAndManualDial` requires the agent's voice leg (`userCRTObjectId`), and the presence
 * document's session row names none (`addition_details: {}`, as the simulator now prints it). Ameyo names the leg to
 * the CRM on every customer, preview and dispose URL (`userCrtObjectId` with `userId` and `sessionId`): the gateway,
 * serving those URLs, records it in the state store and `callDisposeAndDial` sends it, only while the agent is still
 * in the session it came with. Over real sockets: Ameyo's URL calls (the simulator's own, or a GET as Ameyo sends it),
 * GraphQL over HTTP, and the simulator's log of what it received.
 */
import { agentLegId, type AmeyoSession } from '../../sim/ameyo';
import { encodeGlobalId } from '../../src/graphql/ids';
import { requestLines, startStack, type Stack } from '../support/stack';

const SECRET = 'crm-secret-agent-leg-0001';
const DISPOSE_AND_DIAL = `mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { dialAttempt { accepted vendorReason } userErrors { field message code } } }`;
const COMMAND = '/ameyorestapi/voice/disposeAndManualDial';

describe("Ameyo's agent leg from the CRM URLs (issue 16, item 1)", () => {
  let stack: Stack;
  const ameyo = () => stack.sims.ameyo;
  const pageUrl = (page: string) => `${stack.gateway.url}/ameyo/tenant-a/ameyo-a/crm/${page}?key=${SECRET}`;

  /** Seeded agents on a voice call, each test taking its own. */
  const used = new Set<string>();
  const onVoiceCall = () => {
    const { sessions, interactions } = ameyo().state;
    const session = sessions.find((s) => !used.has(s.userId) && s.userStatus === 'On Call' && interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE'))!;
    expect(session).toBeDefined();
    used.add(session.userId);
    return { session, call: interactions.find((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE')! };
  };
  /** A logged-in agent in a voice campaign with no live interaction. */
  const idleVoiceAgent = (): AmeyoSession => {
    const { sessions, interactions, campaigns } = ameyo().state;
    const s = sessions.find(
      (x) => !used.has(x.userId) && !interactions.some((i) => i.sessionId === x.sessionId) && campaigns.find((c) => c.campaignId === x.campaignId)!.campaignType.endsWith('Voice'),
    )!;
    used.add(s.userId);
    return s;
  };
  /** The customer URL as Ameyo loads it on call connect (the document's parameters). */
  const customerUrlCall = async (params: Record<string, string>) => {
    const url = new URL(pageUrl('customer'));
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  };
  const input = (session: AmeyoSession, crtObjectId: string, key: string, more: Record<string, unknown> = {}) => ({
    agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId),
    campaignId: encodeGlobalId('Campaign', 'ameyo-a', String(session.campaignId)),
    callId: encodeGlobalId('Call', 'ameyo-a', crtObjectId),
    dispositionCode: 'sale',
    phoneNumber: '+14155550171',
    idempotencyKey: key,
    ...more,
  });
  const sentBodies = () =>
    ameyo()
      .requests.filter((r) => r.path === COMMAND)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);

  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 1000 }, cacheTtlMs: 0 },
      patchConnections: (connections) => connections.map((c) => (c.id === 'ameyo-a' ? { ...c, crm: { urlSecret: SECRET } } : c)) as typeof connections,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    ameyo().crm.crmCalls.length = 0;
    ameyo().clearRequests();
  });

  it('the session row names no leg (as the presence document prints it); a customer URL call does, and callDisposeAndDial sends that leg', async () => {
    const { session, call } = onVoiceCall();
    const agent = await stack.gql(`query($id: ID!) { agent(id: $id) { presence { agentLegNativeId channel } raw } }`, {
      variables: { id: encodeGlobalId('Agent', 'ameyo-a', session.userId) },
    });
    expect(agent.body.data!['agent'].presence).toEqual({ agentLegNativeId: null, channel: 'VOICE' });
    expect(agent.body.data!['agent'].raw.channel_details).toEqual({ channel_type: 'VOICE', addition_details: {} });

    const leg = agentLegId(session);
    await customerUrlCall({ sessionId: session.sessionId, campaignId: String(session.campaignId), crtObjectId: call.crtObjectId, userCrtObjectId: leg, userId: session.userId, phone: '+14155550100' });
    ameyo().clearRequests();
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: input(session, call.crtObjectId, 'leg-0001-abcdef') } });
    expect(res.body).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    expect(requestLines(ameyo())).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information', `POST ${COMMAND}`]);
    expect(sentBodies()).toEqual([
      { campaignContextId: session.campaignId, userCRTObjectId: leg, crtObjectId: call.crtObjectId, dispositionCode: 'sale', phone: '+14155550171', customerId: '-1', requestId: 'leg-0001-abcdef' },
    ]);
  });

  it("the simulator plays Ameyo: callDial connects, Ameyo loads the customer URL, and callDisposeAndDial sends the URL's userCrtObjectId", async () => {
    const res = await fetch(`${ameyo().url}/__sim/ameyo/crm/urls`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerUrl: pageUrl('customer') }) });
    expect(res.status).toBe(200);
    const session = idleVoiceAgent();
    const agentId = encodeGlobalId('Agent', 'ameyo-a', session.userId);
    const campaignId = encodeGlobalId('Campaign', 'ameyo-a', String(session.campaignId));
    const dialled = await stack.gql(`mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { accepted } userErrors { message } } }`, {
      variables: { input: { agentId, campaignId, phoneNumber: '+14155550172', idempotencyKey: 'leg-dial-0001' } },
    });
    expect(dialled.body).toEqual({ data: { callDial: { dialAttempt: { accepted: true }, userErrors: [] } } });
    await ameyo().crmSettled();
    expect(ameyo().crm.crmCalls.map((c) => [c.kind, c.status])).toEqual([['customer', 200]]);
    const named = ameyo().crm.crmCalls[0]!.params;
    const crt = ameyo().state.dials.at(-1)!.crtObjectId!;

    const redial = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: input(session, crt, 'leg-0002-abcdef', { phoneNumber: '+14155550173' }) } });
    expect(redial.body).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    expect(sentBodies().map((b) => b['userCRTObjectId'])).toEqual([named['userCrtObjectId']]);
    expect(named['userCrtObjectId']).toBe(agentLegId(session));
  });

  it('a leg recorded under an earlier Ameyo session is not sent: the user error asks for it by name, and nothing reaches Ameyo', async () => {
    const { session, call } = onVoiceCall();
    // The agent's previous login: a leg of that session.
    await customerUrlCall({ sessionId: 'a1b2c3d4-earlier-login', campaignId: String(session.campaignId), userCrtObjectId: 'a1b2c3d4-ses-earlier-1-uce-1', userId: session.userId });
    ameyo().clearRequests();
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: input(session, call.crtObjectId, 'leg-0003-abcdef') } });
    expect(res.body).toEqual({
      data: {
        callDisposeAndDial: {
          dialAttempt: null,
          userErrors: [
            {
              field: ['input', 'agentLegNativeId'],
              message: `Ameyo's session of agent ${session.userId} does not name the agent's voice leg (userCRTObjectId), which Ameyo requires: give it`,
              code: 'BAD_USER_INPUT',
            },
          ],
        },
      },
    });
    expect(requestLines(ameyo())).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information']);
  });

  it("the caller's agentLegNativeId wins over a recorded leg", async () => {
    const { session, call } = onVoiceCall();
    await customerUrlCall({ sessionId: session.sessionId, campaignId: String(session.campaignId), userCrtObjectId: 'd202-5b4d83c1-ses-not-this-1-uce-9', userId: session.userId });
    ameyo().clearRequests();
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: input(session, call.crtObjectId, 'leg-0004-abcdef', { agentLegNativeId: agentLegId(session) }) } });
    expect(res.body).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    expect(sentBodies().map((b) => b['userCRTObjectId'])).toEqual([agentLegId(session)]);
  });

  it('a recorded leg outlives a gateway restart (the state store)', async () => {
    const { session, call } = onVoiceCall();
    await customerUrlCall({ sessionId: session.sessionId, campaignId: String(session.campaignId), crtObjectId: call.crtObjectId, userCrtObjectId: agentLegId(session), userId: session.userId });
    await stack.restart();
    ameyo().clearRequests();
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: input(session, call.crtObjectId, 'leg-0005-abcdef') } });
    expect(res.body).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    expect(sentBodies().map((b) => b['userCRTObjectId'])).toEqual([agentLegId(session)]);
  });
});
