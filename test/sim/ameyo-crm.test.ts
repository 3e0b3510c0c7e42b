/**
 * The Ameyo simulator's side of the URL-based CRM integration (sim/ameyo/crm.ts): the `/__sim/ameyo/crm` triggers,
 * the dial and dispose commands that play the same events (issue 17, item 5), and the requests they send, received
 * by a tiny CRM server in the test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from '../support/wait';
import { AMEYO_SIM_DEFAULTS, WEB_ACCESS_POLICY_NAME, agentLegId, startAmeyoSim, type AmeyoSession, type AmeyoSim } from '../../sim/ameyo';

interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: string;
}

let sim: AmeyoSim;
let crm: http.Server;
let crmUrl: string;
const received: Received[] = [];
/** Answers to `/slow` requests, held until the test releases them. */
const held: Array<() => void> = [];

beforeAll(async () => {
  crm = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://crm.invalid');
      received.push({ method: req.method!, path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'], body });
      if (url.pathname === '/sso') {
        const request = req.headers['content-type'] === 'application/json' ? body : new URLSearchParams(body).get('request')!;
        const command = (JSON.parse(request) as { command: string }).command;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(command === 'login' ? { status: 'success', crmSessionId: 'crm-sess-norah-123-434343', message: 'message' } : { status: 'success', message: '' }));
      }
      const answer = () => {
        res.writeHead(302, { location: `https://crm.example${url.pathname}` });
        res.end();
      };
      if (url.pathname === '/slow') held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => crm.close(() => resolve())));
beforeEach(async () => {
  received.length = 0;
  sim = await startAmeyoSim({ port: 0, requestsPerSecond: 0 });
});
afterEach(() => sim.close());

const control = async (path: string, body: unknown, method = 'POST') => {
  const res = await fetch(`${sim.url}/__sim/ameyo/crm${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const configure = (extra: Record<string, unknown> = {}) =>
  control(
    '/urls',
    {
      knowledgeBaseUrl: `${crmUrl}/kb?key=s`,
      customerUrl: `${crmUrl}/customer?key=s`,
      previewUrl: `${crmUrl}/preview?key=s`,
      disposeUrl: `${crmUrl}/dispose?key=s`,
      ssoUrl: `${crmUrl}/sso`,
      ssoPassword: 'agent',
      ...extra,
    },
    'PUT',
  );

describe('the CRM triggers', () => {
  it('agent login: SSO login (JSON), then the knowledge-base URL with userId, sessionId and the crmSessionId', async () => {
    await configure();
    const session = sim.state.sessions[0]!;
    const login = await control('/agent-login', { userId: session.userId });
    expect(login.status).toBe(200);
    expect(login.body['crmSessionId']).toBe('crm-sess-norah-123-434343');
    expect(received).toEqual([
      { method: 'POST', path: '/sso', query: {}, contentType: 'application/json', body: JSON.stringify({ password: 'agent', userId: session.userId, command: 'login' }) },
      { method: 'GET', path: '/kb', query: { key: 's', userId: session.userId, sessionId: session.sessionId, crmSessionId: 'crm-sess-norah-123-434343' }, contentType: undefined, body: '' },
    ]);
    expect(sim.crm.crmCalls.map((c) => [c.kind, c.status, c.location])).toEqual([
      ['sso-login', 200, null],
      ['knowledge-base', 302, 'https://crm.example/kb'],
    ]);
  });

  it('agent login with the form encoding, and logout with the crmSessionId', async () => {
    await configure({ ssoEncoding: 'form' });
    const userId = sim.state.sessions[0]!.userId;
    await control('/agent-login', { userId, password: 'given' });
    expect(received[0]).toMatchObject({ contentType: 'application/x-www-form-urlencoded', body: `request=${encodeURIComponent(JSON.stringify({ password: 'given', userId, command: 'login' }))}` });
    received.length = 0;
    expect((await control('/agent-logout', { userId })).status).toBe(200);
    expect(received).toEqual([
      {
        method: 'POST',
        path: '/sso',
        query: {},
        contentType: 'application/x-www-form-urlencoded',
        body: `request=${encodeURIComponent(JSON.stringify({ command: 'logout', crmSessionId: 'crm-sess-norah-123-434343' }))}`,
      },
    ]);
    expect(sim.crm.crmSessions).toEqual({});
    expect(await control('/agent-logout', { userId })).toEqual({ status: 409, body: { error: `agent ${userId} has no CRM session` } });
  });

  it("call connect: the agent's call (a new one when it has none) connects and the customer URL gets the document's parameters", async () => {
    await configure();
    const session = sim.state.sessions.find((s) => !sim.state.interactions.some((i) => i.sessionId === s.sessionId))!;
    const connect = await control('/call-connect', { userId: session.userId, phone: '+14155550123' });
    const call = sim.state.interactions.find((i) => i.crtObjectId === connect.body['crtObjectId'])!;
    expect(call).toMatchObject({ sessionId: session.sessionId, customerStatus: 'connected', channelType: 'VOICE' });
    const queue = sim.state.queues.find((q) => q.queueId === session.queueId);
    const contact = sim.state.contacts.find((c) => c.customerId === call.customerId);
    expect(received).toEqual([
      {
        method: 'GET',
        path: '/customer',
        query: {
          key: 's',
          sessionId: session.sessionId,
          campaignId: String(session.campaignId),
          crtObjectId: call.crtObjectId,
          userCrtObjectId: agentLegId(session),
          userId: session.userId,
          ...(contact ? { customerId: String(contact.customerId) } : {}),
          phone: contact?.phone1 ?? '+14155550123',
          ...(queue ? { queueId: String(queue.queueId), queueName: queue.queueName } : {}),
        },
        contentType: undefined,
        body: '',
      },
    ]);
  });

  it('preview: the preview URL with the next contact, no call started', async () => {
    await configure();
    const session = sim.state.sessions[0]!;
    const before = sim.state.interactions.length;
    const preview = await control('/preview', { userId: session.userId });
    expect(preview.status).toBe(200);
    expect(received[0]).toMatchObject({ path: '/preview', query: expect.objectContaining({ sessionId: session.sessionId, customerId: String(preview.body['customerId']), userId: session.userId }) });
    expect(received[0]!.query['crtObjectId']).toBeUndefined();
    expect(sim.state.interactions).toHaveLength(before);
  });

  it('call disposed in Ameyo: the call is finished, then the dispose URL gets disposition and dispositionAttribute', async () => {
    await configure();
    const userId = sim.state.sessions[0]!.userId;
    const { body } = await control('/call-connect', { userId });
    received.length = 0;
    await control('/call-dispose', { userId, disposition: 'callback', dispositionAttribute: 'local 2026-12-07 10:30' });
    expect(received[0]).toMatchObject({
      path: '/dispose',
      query: expect.objectContaining({ crtObjectId: body['crtObjectId'], disposition: 'callback', dispositionAttribute: 'local 2026-12-07 10:30' }),
    });
    expect(received[0]!.query['queueName']).toBeUndefined();
    expect(sim.state.calls.at(-1)).toMatchObject({ crtObjectId: body['crtObjectId'], dispositionCode: 'callback' });
  });

  it('call disposed in the CRM (disposeInAmeyo false): the dispose URL is called and the call stays for the CRM to dispose', async () => {
    await configure();
    const userId = sim.state.sessions[0]!.userId;
    const { body } = await control('/call-connect', { userId });
    await control('/call-dispose', { userId, disposition: 'sale', disposeInAmeyo: false });
    expect(sim.state.interactions.some((i) => i.crtObjectId === body['crtObjectId'])).toBe(true);
  });

  it('answers what a trigger cannot do with exact errors', async () => {
    const userId = sim.state.sessions[0]!.userId;
    expect(await control('/call-connect', { userId })).toEqual({ status: 409, body: { error: `campaign ${sim.state.sessions[0]!.campaignId} has no customerUrl` } });
    expect(await control('/call-connect', { userId: 'nobody' })).toEqual({ status: 400, body: { error: 'expected userId to name a logged-in agent, got "nobody"' } });
    expect(await control('/urls', { customerUrl: 'not a url' }, 'PUT')).toEqual({ status: 400, body: { error: 'expected customerUrl to be a URL' } });
    expect(await control('/urls', { ssoEncoding: 'xml' }, 'PUT')).toEqual({ status: 400, body: { error: 'expected ssoEncoding to be "json" or "form"' } });
    await configure();
    expect(await control('/call-dispose', { userId })).toEqual({ status: 400, body: { error: 'expected disposition' } });
    expect(received).toEqual([]);
  });

  it('takes URLs per campaign over the default, and GET /__sim/ameyo/crm shows them and the calls made', async () => {
    const session = sim.state.sessions[0]!;
    await configure();
    await control('/urls', { campaignId: session.campaignId, customerUrl: `${crmUrl}/campaign-page` }, 'PUT');
    await control('/call-connect', { userId: session.userId });
    expect(received.map((r) => r.path)).toEqual(['/campaign-page']);
    const state = await (await fetch(`${sim.url}/__sim/ameyo/crm`)).json();
    expect(state).toMatchObject({ urls: { [String(session.campaignId)]: { customerUrl: `${crmUrl}/campaign-page` } }, crmCalls: [expect.objectContaining({ kind: 'customer', status: 302 })] });
  });
});

describe("the dial and dispose commands play Ameyo's CRM events (issue 17, item 5)", () => {
  const WA_HEADERS = { 'hash-key': AMEYO_SIM_DEFAULTS.hashKey, 'policy-name': WEB_ACCESS_POLICY_NAME, 'requesting-host': AMEYO_SIM_DEFAULTS.requestingHost };
  const command = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const dial = (userId: string, campaignId: number, phone: string) =>
    command('/ameyowebaccess/command/?command=clickToDialWithTokenAsync', { userId, campaignId: String(campaignId), phone }, WA_HEADERS);
  const dispose = (body: unknown) => command('/ameyorestapi/voice/disposeCallForUser', body, { authorization: AMEYO_SIM_DEFAULTS.appServerToken });
  const SUCCESS = { status: 200, body: { result: 'success', reason: 'success' } };
  /** A logged-in agent in a voice campaign with no live interaction. */
  const idleVoiceAgent = (): AmeyoSession =>
    sim.state.sessions.find((s) => !sim.state.interactions.some((i) => i.sessionId === s.sessionId) && sim.state.campaigns.find((c) => c.campaignId === s.campaignId)!.campaignType.endsWith('Voice'))!;
  const voiceCall = (s: AmeyoSession) => sim.state.interactions.find((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE');
  /** The customer and dispose URLs' shared parameters for a call, in the document's order. */
  const callQuery = (s: AmeyoSession, crtObjectId: string, phone: string, extra: Record<string, string> = {}) => {
    const queue = sim.state.queues.find((q) => q.queueId === s.queueId)!;
    return {
      key: 's',
      sessionId: s.sessionId,
      campaignId: String(s.campaignId),
      crtObjectId,
      userCrtObjectId: agentLegId(s),
      userId: s.userId,
      phone,
      queueId: String(queue.queueId),
      queueName: queue.queueName,
      ...extra,
    };
  };

  it('a manual dial connects the call and loads the customer URL with the documented parameters, crmSessionId included under SSO', async () => {
    await configure();
    const s = idleVoiceAgent();
    await control('/agent-login', { userId: s.userId });
    received.length = 0;
    expect(await dial(s.userId, s.campaignId, '+14155550177')).toEqual(SUCCESS);
    await sim.crmSettled();
    const call = voiceCall(s)!;
    expect(call).toMatchObject({ customerStatus: 'connected', customerId: -1, phone: '+14155550177', campaignId: s.campaignId });
    expect(s.userStatus).toBe('On Call');
    expect(sim.state.dials.at(-1)).toMatchObject({ command: 'clickToDialWithTokenAsync', userId: s.userId, crtObjectId: call.crtObjectId });
    expect(received).toEqual([
      { method: 'GET', path: '/customer', query: callQuery(s, call.crtObjectId, '+14155550177', { crmSessionId: 'crm-sess-norah-123-434343' }), contentType: undefined, body: '' },
    ]);
    // The same parameters as the call-connect trigger sends for the same call.
    received.length = 0;
    await control('/call-connect', { userId: s.userId });
    expect(received.map((r) => r.query)).toEqual([callQuery(s, call.crtObjectId, '+14155550177', { crmSessionId: 'crm-sess-norah-123-434343' })]);
  });

  it('a dial to a seeded contact carries its customerId; no dial starts a call for an agent already on one, in another campaign, or without a customer URL', async () => {
    await configure();
    const s = idleVoiceAgent();
    const contact = sim.state.contacts.find((c) => c.campaignId === s.campaignId)!;
    expect(await dial(s.userId, s.campaignId, contact.phone1)).toEqual(SUCCESS);
    await sim.crmSettled();
    expect(received.map((r) => [r.path, r.query['customerId'], r.query['phone']])).toEqual([['/customer', String(contact.customerId), contact.phone1]]);

    received.length = 0;
    const first = voiceCall(s)!.crtObjectId;
    expect(await dial(s.userId, s.campaignId, '+14155550178')).toEqual(SUCCESS); // already on a call
    const other = idleVoiceAgent();
    const elsewhere = sim.state.campaigns.find((c) => c.campaignId !== other.campaignId)!;
    expect(await dial(other.userId, elsewhere.campaignId, '+14155550179')).toEqual(SUCCESS); // not the session's campaign
    await control('/urls', { disposeUrl: `${crmUrl}/dispose?key=s` }, 'PUT');
    expect(await dial(other.userId, other.campaignId, '+14155550180')).toEqual(SUCCESS); // no customer URL
    await sim.crmSettled();
    expect(received).toEqual([]);
    expect(voiceCall(s)!.crtObjectId).toBe(first);
    expect(voiceCall(other)).toBeUndefined();
    expect(sim.state.dials.slice(-3).map((d) => d.crtObjectId)).toEqual([null, null, null]);
  });

  it('disposeCallForUser loads the dispose URL after disposing: disposition, the callback as dispositionAttribute, no queue', async () => {
    await configure();
    const s = idleVoiceAgent();
    await dial(s.userId, s.campaignId, '+14155550181');
    await sim.crmSettled();
    const crt = voiceCall(s)!.crtObjectId;
    received.length = 0;
    const body = { userId: s.userId, dispositionCodeName: 'callback', dispositionParams: { isSelfCallback: 'true', callbackTime: '2026-12-07T10:30:00+02:00', phone: '' }, requestId: 'r1', notes: '' };
    expect(await dispose(body)).toEqual(SUCCESS);
    expect(voiceCall(s)).toBeUndefined();
    await sim.crmSettled();
    const { queueId: _q, queueName: _n, ...noQueue } = callQuery(s, crt, '+14155550181');
    expect(received).toEqual([
      {
        method: 'GET',
        path: '/dispose',
        query: { ...noQueue, disposition: 'callback', dispositionAttribute: 'local 2026-12-07 08:30:00 selfcallback' },
        contentType: undefined,
        body: '',
      },
    ]);
    // A refused dispose (nothing to dispose now) loads nothing.
    received.length = 0;
    expect(await dispose(body)).toEqual({ status: 200, body: { result: 'failed', reason: `No call to dispose for user ${s.userId}` } });
    await sim.crmSettled();
    expect(received).toEqual([]);
  });

  it('disposeAndManualDial: the dispose URL for the old call, then the customer URL for the new one, in that order', async () => {
    await configure();
    const s = sim.state.sessions.find((x) => voiceCall(x)?.customerStatus === 'connected')!;
    const old = voiceCall(s)!;
    const oldPhone = sim.state.contacts.find((c) => c.customerId === old.customerId)?.phone1 ?? old.phone!;
    const answer = await command(
      '/ameyorestapi/voice/disposeAndManualDial',
      { campaignContextId: s.campaignId, userCRTObjectId: agentLegId(s), crtObjectId: old.crtObjectId, dispositionCode: 'sale', phone: '4655456789', customerId: '-1', requestId: 'r2' },
      { sessionId: s.sessionId },
    );
    expect(answer).toEqual(SUCCESS);
    await sim.crmSettled();
    const next = voiceCall(s)!;
    expect(next.customerStatus).toBe('connected');
    const customerId: Record<string, string> = old.customerId === -1 ? {} : { customerId: String(old.customerId) };
    const { queueId: _q, queueName: _n, ...noQueue } = callQuery(s, old.crtObjectId, oldPhone, customerId);
    expect(received.map((r) => [r.path, r.query])).toEqual([
      ['/dispose', { ...noQueue, disposition: 'sale' }],
      ['/customer', callQuery(s, next.crtObjectId, '4655456789')],
    ]);
  });

  it("loads the URLs one after another in event order: the next call's customer URL waits for the dispose URL's answer", async () => {
    await configure({ disposeUrl: `${crmUrl}/slow` });
    const s = sim.state.sessions.find((x) => voiceCall(x)?.customerStatus === 'connected')!;
    const old = voiceCall(s)!;
    const body = { campaignContextId: s.campaignId, userCRTObjectId: agentLegId(s), crtObjectId: old.crtObjectId, dispositionCode: 'sale', phone: '4655456789', customerId: '-1', requestId: 'r3' };
    expect(await command('/ameyorestapi/voice/disposeAndManualDial', body, { sessionId: s.sessionId })).toEqual(SUCCESS);
    await waitUntil('the CRM received the dispose URL', () => received.length >= 1, 5_000);
    expect(received.map((r) => r.path)).toEqual(['/slow']);
    held.splice(0).forEach((answer) => answer());
    await sim.crmSettled();
    expect(received.map((r) => r.path)).toEqual(['/slow', '/customer']);
    expect(sim.crm.crmCalls.map((c) => c.kind)).toEqual(['dispose', 'customer']);
  });

  it('does not hold up the command: the dial answers while the CRM has not, and a CRM that fails is an entry in crmCalls', async () => {
    await configure({ customerUrl: `${crmUrl}/slow` });
    const s = idleVoiceAgent();
    expect(await dial(s.userId, s.campaignId, '+14155550182')).toEqual(SUCCESS);
    await waitUntil('the CRM received the customer URL', () => received.length === 1, 5_000);
    expect(sim.crm.crmCalls).toEqual([]);
    held.splice(0).forEach((answer) => answer());
    await sim.crmSettled();
    expect(sim.crm.crmCalls.map((c) => [c.kind, c.status])).toEqual([['customer', 302]]);

    // Nobody listens at the dispose URL: the dispose still succeeds, and the failure is logged with status 0.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/dispose`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await control('/urls', { customerUrl: `${crmUrl}/customer`, disposeUrl: deadUrl }, 'PUT');
    expect(await dispose({ userId: s.userId, dispositionCodeName: 'sale' })).toEqual(SUCCESS);
    await sim.crmSettled();
    expect(sim.crm.crmCalls.at(-1)).toMatchObject({ kind: 'dispose', status: 0, url: expect.stringContaining(deadUrl), responseBody: expect.any(String) });
  });
});
