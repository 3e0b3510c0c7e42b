/**
 * The Ameyo simulator's side of the URL-based CRM integration (sim/ameyo/crm.ts): the `/__sim/ameyo/crm` triggers
 * and the requests they send, received by a tiny CRM server in the test.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentLegId, startAmeyoSim, type AmeyoSim } from '../../sim/ameyo';

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
      res.writeHead(302, { location: `https://crm.example${url.pathname}` });
      res.end();
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
