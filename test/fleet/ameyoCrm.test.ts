/**
 * Ameyo's CRM SSO sessions in a fleet (issue 17, item 4): two gateways on one Redis (a key prefix of the test's
 * own). A session issued by one is accepted by the other, a logout on either ends it for both, and the screen-pop a
 * CRM URL call publishes on one replica reaches a subscriber of the other's live bus. The agent's voice leg a CRM URL
 * names on one replica is the one `callDisposeAndDial` sends through the other (issue 16, item 1).
 */
import { agentLegId } from '../../sim/ameyo';
import { encodeGlobalId } from '../../src/graphql/ids';
import type { LiveEvent } from '../../src/live/events';
import { startStack, type Stack } from '../support/stack';
import { deleteKeys, redisUrl, uniquePrefix, waitUntil } from './support';

const SECRET = 'fleet-crm-url-secret-000001';
const PASSWORD = 'fleet-agent-password';

describe('CRM SSO sessions across replicas (Redis)', () => {
  const prefix = uniquePrefix('crm');
  const stacks: Stack[] = [];
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await deleteKeys(redisUrl(), prefix);
  });
  const start = async () => {
    const stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 } },
      state: { redis: { url: redisUrl(), keyPrefix: prefix } },
      patchConnections: (connections) =>
        connections.map((c) => (c.id === 'ameyo-a' ? { ...c, crm: { urlSecret: SECRET, sso: { verifier: { agents: { 'agent-f': PASSWORD } } } } } : c)) as typeof connections,
    });
    stacks.push(stack);
    return stack;
  };
  const sso = async (stack: Stack, body: unknown) => {
    const res = await fetch(`${stack.gateway.url}/ameyo/tenant-a/ameyo-a/sso?key=${SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const customer = (stack: Stack, crmSessionId: string) => fetch(`${stack.gateway.url}/ameyo/tenant-a/ameyo-a/crm/customer?crmSessionId=${crmSessionId}&userId=agent-f&phone=5550102`);

  it('issued on one replica, accepted on the other, ended for both by a logout on either; the screen-pop crosses replicas', async () => {
    const [one, two] = [await start(), await start()];
    const login = await sso(one, { userId: 'agent-f', password: PASSWORD, command: 'login' });
    expect(login).toEqual({ status: 200, body: { status: 'success', crmSessionId: expect.stringMatching(/^crm-/), message: 'logged in' } });
    const seen: LiveEvent[] = [];
    const off = one.gateway.live.bus.subscribe('tenant-a', 'callEvents', (e) => seen.push(e));
    try {
      // The subscription reaches Redis asynchronously: call until one event crossed over.
      await waitUntil(
        'a screen-pop published on the other replica',
        async () => {
          expect((await customer(two, login.body['crmSessionId']!)).status).toBe(200);
          return seen.length > 0;
        },
        5_000,
      );
    } finally {
      off();
    }
    expect(seen[0]).toMatchObject({ topic: 'callEvents', connectionId: 'ameyo-a', type: 'SCREEN_POP', agentNativeId: 'agent-f' });
    expect(await sso(two, { command: 'logout', crmSessionId: login.body['crmSessionId'] })).toEqual({ status: 200, body: { status: 'success', message: 'logged out' } });
    const refused = await customer(one, login.body['crmSessionId']!);
    expect([refused.status, await refused.json()]).toEqual([403, { status: 'failed', message: 'the crmSessionId is not valid (unknown, ended or expired)' }]);
  });

  it("the agent's leg a customer URL names on one replica is the one callDisposeAndDial sends through the other", async () => {
    const [one, two] = [await start(), await start()];
    // Each stack has its own simulator, seeded alike: the same agent on the same call in both.
    const { sessions, interactions } = two.sims.ameyo.state;
    const session = sessions.find((s) => s.userStatus === 'On Call' && interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE'))!;
    const call = interactions.find((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE')!;
    const url = new URL(`${one.gateway.url}/ameyo/tenant-a/ameyo-a/crm/customer?key=${SECRET}`);
    for (const [k, v] of Object.entries({
      sessionId: session.sessionId,
      campaignId: String(session.campaignId),
      crtObjectId: call.crtObjectId,
      userCrtObjectId: agentLegId(session),
      userId: session.userId,
    })) {
      url.searchParams.set(k, v);
    }
    expect((await fetch(url)).status).toBe(200);
    const res = await two.gql(`mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { dialAttempt { accepted vendorReason } userErrors { field message code } } }`, {
      variables: {
        input: {
          agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId),
          campaignId: encodeGlobalId('Campaign', 'ameyo-a', String(session.campaignId)),
          callId: encodeGlobalId('Call', 'ameyo-a', call.crtObjectId),
          dispositionCode: 'sale',
          phoneNumber: '+14155550185',
          idempotencyKey: 'fleet-leg-0001',
        },
      },
    });
    expect(res.body).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    const sent = two.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeAndManualDial');
    expect(sent.map((r) => (JSON.parse(r.body) as { userCRTObjectId: string }).userCRTObjectId)).toEqual([agentLegId(session)]);
  });
});
