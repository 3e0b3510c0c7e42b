/**
 * Issue 17, items 3-5, must show: Ameyo's URL-based CRM integration with the gateway as the CRM. The Ameyo
 * simulator plays Ameyo (sim/ameyo/crm.ts): its triggers make it call the gateway's CRM URLs and SSO API over
 * real sockets; the test watches the running gateway's live bus (`Gateway.bus`), the simulator's log of what it
 * sent (`crmCalls`) and of what it received (`requests`).
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AMEYO_SIM_DEFAULTS, type AmeyoCrmCall } from '../../sim/ameyo';
import { DEMO_API_KEY, DEMO_TENANT_ID, startDemo, type Demo } from '../../src/demo';
import type { CallLiveEvent, LiveEvent } from '../../src/live/events';
import { createLogger } from '../../src/logger';
import { createClient as createSseClient } from 'graphql-sse';
import { encodeGlobalId } from '../../src/graphql/ids';
import { LocalBus } from '../../src/live/bus';
import { wsClientFor } from '../support/graphqlWs';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const SECRET_A = 'crm-secret-tenant-a-000001';
const SECRET_X = 'crm-secret-tenant-a-crmfirst';
const SECRET_B = 'crm-secret-tenant-b-000002';
const SECRET_S = 'crm-secret-tenant-a-session-only';
const SECRET_F = 'crm-secret-tenant-b-form-verifier';
const SECRET_C = 'crm-secret-tenant-c-one-session';
const AGENT_PASSWORD = 'agent-crm-password';
const TEMPLATE = 'https://crm.example/pop/{page}?user={userId}&phone={phone}&queue={queueName}&crt={crtObjectId}';

const MISSING = { status: 'failed', message: 'this CRM URL needs the connection key or a crmSessionId' };
const BAD_KEY = { status: 'failed', message: 'the key is not valid for this CRM URL' };
const BAD_SESSION = { status: 'failed', message: 'the crmSessionId is not valid (unknown, ended or expired)' };
const BAD_LOGIN = { status: 'failed', message: 'invalid userId or password' };
const LOGGED_OUT = { status: 'success', message: 'logged out' };
const UPSTREAM_LOGOUT_FAILED = { status: 'failed', message: "logged out of the gateway, but the CRM's SSO endpoint did not end its own session" };

/** Matches a DateTime (ISO 8601, UTC, as the schema serializes it) from `after` to `before` (epoch ms), both included. */
const isoTimeBetween = (after: number, before: number) => ({
  asymmetricMatch: (at: unknown) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && new Date(at).toISOString() === at && Date.parse(at) >= after && Date.parse(at) <= before,
  toAsymmetricMatcher: () => `an ISO time from ${new Date(after).toISOString()} to ${new Date(before).toISOString()}`,
});

/** What the fake tenant CRM received: the content type and the body exactly as sent. */
interface CrmSsoRequest {
  contentType: string | undefined;
  body: string;
}

/**
 * A tiny CRM SSO endpoint for tenant B's proxied verifiers, reading both of the document's bodies (JSON, or
 * form-encoded `request=<json>`). Login: `crm-pw` is every user's password, its session is `their-<userId>`, the
 * password `boom` answers 500. Logout: `their-agent-down` answers 500, `their-agent-refused` `status: failed`.
 */
async function startCrmSso(): Promise<{ url: string; bodies: unknown[]; requests: CrmSsoRequest[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const requests: CrmSsoRequest[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ contentType: req.headers['content-type'], body: text });
      const json = req.headers['content-type'] === 'application/x-www-form-urlencoded' ? (new URLSearchParams(text).get('request') ?? '') : text;
      const body = JSON.parse(json) as { command?: string; password?: string; userId?: string; crmSessionId?: string };
      bodies.push(body);
      const answer = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (body.command === 'logout') {
        if (body.crmSessionId === 'their-agent-down') return answer(500, 'down');
        return answer(200, body.crmSessionId === 'their-agent-refused' ? { status: 'failed', message: 'no such session' } : { status: 'success', message: '' });
      }
      if (body.password === 'boom') return answer(500, 'down');
      answer(200, body.password === 'crm-pw' ? { status: 'success', crmSessionId: `their-${body.userId}`, message: '' } : { status: 'failed', message: 'no' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sso/login`, bodies, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Ameyo URL-based CRM integration, the gateway as the CRM', () => {
  let stack: Stack;
  let crmSso: Awaited<ReturnType<typeof startCrmSso>>;
  let agent: string;
  const events: { 'tenant-a': LiveEvent[]; 'tenant-b': LiveEvent[] } = { 'tenant-a': [], 'tenant-b': [] };
  const offs: Array<() => void> = [];

  const gw = (p: string) => `${stack.gateway.url}${p}`;
  const pageUrl = (tenant: string, conn: string, page: string) => gw(`/ameyo/${tenant}/${conn}/crm/${page}`);
  const ssoUrl = (tenant: string, conn: string, key: string) => gw(`/ameyo/${tenant}/${conn}/sso?key=${encodeURIComponent(key)}`);
  const sim = async (p: string, body: unknown, method = 'POST') => {
    const res = await fetch(`${stack.sims.ameyo.url}/__sim/ameyo/crm${p}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { calls: AmeyoCrmCall[]; crmSessionId?: string | null; crtObjectId?: string } };
  };
  const configureSim = (tenant: string, conn: string, key: string, extra: Record<string, unknown> = {}) =>
    sim(
      '/urls',
      {
        knowledgeBaseUrl: `${pageUrl(tenant, conn, 'knowledge-base')}?key=${key}`,
        customerUrl: `${pageUrl(tenant, conn, 'customer')}?key=${key}`,
        previewUrl: `${pageUrl(tenant, conn, 'preview')}?key=${key}`,
        disposeUrl: `${pageUrl(tenant, conn, 'dispose')}?key=${key}`,
        ...extra,
      },
      'PUT',
    );
  const get = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), text, json: () => JSON.parse(text) as unknown };
  };
  const sso = async (url: string, body: string, contentType = 'application/json') => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const crtOfAgent = () => stack.sims.ameyo.state.interactions.find((i) => i.sessionId === stack.sims.ameyo.state.sessions[0]!.sessionId && i.channelType === 'VOICE')?.crtObjectId;

  /** What the simulator (Ameyo) knows of the call `crtObjectId` of the seeded agent's session: the customer URL's parameters. */
  const callContext = (crtObjectId: string) => {
    const session = stack.sims.ameyo.state.sessions[0]!;
    const queue = stack.sims.ameyo.state.queues.find((q) => q.queueId === session.queueId)!;
    const interaction = stack.sims.ameyo.state.interactions.find((i) => i.crtObjectId === crtObjectId)!;
    const phone = stack.sims.ameyo.state.contacts.find((c) => c.customerId === interaction.customerId)?.phone1 ?? interaction.phone!;
    return {
      session,
      queue,
      interaction,
      phone,
      customerId: interaction.customerId !== -1 ? String(interaction.customerId) : null,
      userCrtObjectId: `${session.sessionId.slice(0, 8)}-ses-${agent}-1-uce-1`,
    };
  };
  /** Every field of a SCREEN_POP call event a subscriber can select. */
  const SCREEN_POPS = `subscription { callEvents(filter: { types: [SCREEN_POP] }) {
    type connection { id } callNativeId agent { id }
    screenPop { page sessionId campaignId crtObjectId userCrtObjectId userId customerId phone queueId queueName disposition dispositionAttribute }
    at
  } }`;
  /** The event `SCREEN_POPS` delivers for the simulated call connect of `crtObjectId` (by the seeded agent), sent between `after` and `before`. */
  const screenPopPayload = (crtObjectId: string, after: number, before: number) => {
    const { session, queue, phone, customerId, userCrtObjectId } = callContext(crtObjectId);
    return {
      data: {
        callEvents: {
          type: 'SCREEN_POP',
          connection: { id: 'ameyo-a' },
          callNativeId: crtObjectId,
          agent: { id: encodeGlobalId('Agent', 'ameyo-a', agent) },
          screenPop: {
            page: 'CUSTOMER',
            sessionId: session.sessionId,
            campaignId: String(session.campaignId),
            crtObjectId,
            userCrtObjectId,
            userId: agent,
            customerId,
            phone,
            queueId: String(queue.queueId),
            queueName: queue.queueName,
            disposition: null,
            dispositionAttribute: null,
          },
          at: isoTimeBetween(after, before),
        },
      },
    };
  };
  /** Listeners of tenant A's call events on the gateway's bus: this file's own, and one per running subscription. */
  const callListeners = () => (stack.gateway.live.bus instanceof LocalBus ? stack.gateway.live.bus.listenerCount('tenant-a', 'callEvents') : -1);

  /** An Ameyo connection of another tenant on the same simulator, with its own CRM settings. */
  const ameyoOn = <Crm>(sims: Stack['sims'], id: string, crm: Crm) => ({
    id,
    vendor: 'ameyo' as const,
    ccId: AMEYO_SIM_DEFAULTS.ccId,
    baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
    credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
    crm,
  });

  beforeAll(async () => {
    crmSso = await startCrmSso();
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 1000 } },
      patchConnections: (connections, sims) => {
        const ameyo = connections.find((c) => c.id === 'ameyo-a')!;
        const seeded = sims.ameyo.state.sessions[0]!.userId;
        return [
          ...connections.map((c) => (c.id === 'ameyo-a' ? { ...c, crm: { urlSecret: SECRET_A, pageTemplate: TEMPLATE, sso: { verifier: { agents: { [seeded]: AGENT_PASSWORD } } } } } : c)),
          { ...ameyo, id: 'ameyo-x', crm: { urlSecret: SECRET_X, dispositionMode: 'crmFirst' } },
          { ...ameyo, id: 'ameyo-s', crm: { urlSecret: SECRET_S, sso: { verifier: { agents: { 'agent-s': AGENT_PASSWORD } }, requireSession: true, maxSessions: 2 } } },
        ] as typeof connections;
      },
      moreTenants: (sims) => [
        {
          id: 'tenant-b',
          apiKeys: ['test-key-tenant-b-crm'],
          connections: [
            ameyoOn(sims, 'ameyo-a', { urlSecret: SECRET_B, sso: { verifier: { url: crmSso.url } } }),
            ameyoOn(sims, 'ameyo-f', { urlSecret: SECRET_F, sso: { verifier: { url: crmSso.url, encoding: 'form' } } }),
          ],
        },
        {
          id: 'tenant-c',
          apiKeys: ['test-key-tenant-c-crm'],
          connections: [ameyoOn(sims, 'ameyo-c', { urlSecret: SECRET_C, sso: { verifier: { url: crmSso.url }, maxSessions: 1 } })],
        },
      ],
    });
    agent = stack.sims.ameyo.state.sessions[0]!.userId;
    for (const t of ['tenant-a', 'tenant-b'] as const) offs.push(stack.gateway.live.bus.subscribe(t, 'callEvents', (e) => events[t].push(e)));
  });
  afterAll(async () => {
    for (const off of offs) off();
    await stack?.close();
    await crmSso?.close();
  });
  beforeEach(() => {
    events['tenant-a'].length = 0;
    events['tenant-b'].length = 0;
    stack.sims.ameyo.crm.crmCalls.length = 0;
    stack.sims.ameyo.clearRequests();
  });

  // Issue 17, must show: an unmodified client of either protocol sees the screen-pop of a simulated Ameyo call connect.
  /** What both protocols' own clients offer; each test opens one. */
  interface LiveClient {
    subscribe(payload: { query: string }, sink: { next(value: unknown): void; error(error: unknown): void; complete(): void }): () => void;
    dispose(): unknown;
  }
  const clientOf: Record<'graphql-ws' | 'graphql-sse', () => LiveClient> = {
    'graphql-ws': () => wsClientFor(stack.gateway.url, KEY_A),
    'graphql-sse': () => createSseClient({ url: `${stack.gateway.url}/graphql/stream`, headers: { authorization: `Bearer ${KEY_A}` }, retryAttempts: 0 }),
  };
  it.each(['graphql-ws', 'graphql-sse'] as const)(
    "%s: the protocol's own client receives the SCREEN_POP of a simulated call connect, with the call context and the Agent of `agents`",
    async (protocol) => {
      await configureSim('tenant-a', 'ameyo-a', SECRET_A);
      await waitUntil('no other subscription is listening', () => callListeners() === 1, 5_000);
      const client = clientOf[protocol]();
      const got: unknown[] = [];
      const errors: unknown[] = [];
      const dispose = client.subscribe({ query: SCREEN_POPS }, { next: (v) => void got.push(v), error: (e) => void errors.push(e), complete: () => undefined });
      try {
        // The subscription is in place once the gateway's bus has a listener for it beside this file's own.
        await waitUntil('the subscription is listening', () => callListeners() === 2, 5_000);
        const sent = Date.now();
        const connect = await sim('/call-connect', { userId: agent });
        expect(connect.status).toBe(200);
        await waitUntil('the screen-pop reached the subscriber', () => got.length > 0, 5_000);
        expect(got).toEqual([screenPopPayload(connect.body.crtObjectId!, sent, Date.now())]);
        expect(errors).toEqual([]);
      } finally {
        dispose();
        await client.dispose();
      }
    },
  );

  it('a simulated call connect calls the customer URL with the documented parameters: one SCREEN_POP for that tenant, answered by the redirect', async () => {
    await configureSim('tenant-a', 'ameyo-a', SECRET_A);
    const connect = await sim('/call-connect', { userId: agent });
    expect(connect.status).toBe(200);
    const [call] = connect.body.calls;
    const { session, queue, interaction, phone, customerId, userCrtObjectId } = callContext(connect.body.crtObjectId!);
    const params = {
      sessionId: session.sessionId,
      campaignId: String(session.campaignId),
      crtObjectId: interaction.crtObjectId,
      userCrtObjectId,
      userId: agent,
      ...(customerId !== null ? { customerId } : {}),
      phone,
      queueId: String(queue.queueId),
      queueName: queue.queueName,
    };
    expect(call).toMatchObject({ kind: 'customer', method: 'GET', params, status: 302 });
    expect(new URL(call!.url).searchParams.get('key')).toBe(SECRET_A);
    const enc = encodeURIComponent;
    expect(call!.location).toBe(`https://crm.example/pop/customer?user=${enc(agent)}&phone=${enc(phone)}&queue=${enc(queue.queueName)}&crt=${enc(interaction.crtObjectId)}`);
    expect(events['tenant-a']).toEqual([
      {
        topic: 'callEvents',
        connectionId: 'ameyo-a',
        type: 'SCREEN_POP',
        at: expect.any(Date),
        callNativeId: interaction.crtObjectId,
        agentNativeId: agent,
        call: null,
        screenPop: {
          page: 'CUSTOMER',
          sessionNativeId: session.sessionId,
          campaignNativeId: String(session.campaignId),
          crtObjectId: interaction.crtObjectId,
          userCrtObjectId: params.userCrtObjectId,
          userNativeId: agent,
          customerNativeId: customerId,
          phone,
          queueNativeId: String(queue.queueId),
          queueName: queue.queueName,
          disposition: null,
          dispositionAttribute: null,
        },
      },
    ]);
    expect(events['tenant-b']).toEqual([]);
  });

  it('fills the template with escaped values, and without a template answers a minimal page with the values escaped', async () => {
    const odd = await get(`${pageUrl('tenant-a', 'ameyo-a', 'preview')}?key=${SECRET_A}&userId=${encodeURIComponent('a&b=c/d')}&phone=${encodeURIComponent('+1 415 555')}`);
    expect(odd.status).toBe(302);
    expect(odd.location).toBe('https://crm.example/pop/preview?user=a%26b%3Dc%2Fd&phone=%2B1%20415%20555&queue=&crt=');
    const page = await get(`${pageUrl('tenant-b', 'ameyo-a', 'customer')}?key=${SECRET_B}&userId=${encodeURIComponent('<script>x</script>')}&phone=5550100`);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toBe(
      '<!doctype html><html><head><meta charset="utf-8"><title>Screen-pop</title></head><body><h1>Screen-pop</h1><table><tr><th>page</th><td>customer</td></tr><tr><th>userId</th><td>&#60;script&#62;x&#60;/script&#62;</td></tr><tr><th>phone</th><td>5550100</td></tr></table></body></html>',
    );
    expect(events['tenant-b']).toEqual([expect.objectContaining({ connectionId: 'ameyo-a', type: 'SCREEN_POP', agentNativeId: '<script>x</script>' })]);
    expect(events['tenant-a']).toHaveLength(1); // the preview above, tenant A's own
  });

  it("refuses a missing or wrong key, another tenant's key and an unknown connection, with exact bodies, and publishes nothing", async () => {
    const cases: Array<[string, number, unknown]> = [
      [`${pageUrl('tenant-a', 'ameyo-a', 'customer')}?userId=${agent}`, 401, MISSING],
      [`${pageUrl('tenant-a', 'ameyo-a', 'customer')}?key=&userId=${agent}`, 401, MISSING],
      [`${pageUrl('tenant-a', 'ameyo-a', 'customer')}?key=wrong-secret-000000000&userId=${agent}`, 403, BAD_KEY],
      [`${pageUrl('tenant-a', 'ameyo-a', 'customer')}?key=${SECRET_B}&userId=${agent}`, 403, BAD_KEY],
      [`${pageUrl('tenant-a', 'ameyo-x', 'customer')}?key=${SECRET_A}`, 403, BAD_KEY],
      [`${pageUrl('tenant-a', 'apps-a', 'customer')}?key=${SECRET_A}`, 403, BAD_KEY],
      [`${pageUrl('nobody', 'ameyo-a', 'customer')}?key=${SECRET_A}`, 403, BAD_KEY],
      [`${pageUrl('tenant-a', 'ameyo-a', 'customer')}?crmSessionId=crm-guessed&userId=${agent}`, 403, BAD_SESSION],
    ];
    for (const [url, status, body] of cases) {
      const res = await get(url);
      expect({ url, status: res.status, body: res.json() }).toEqual({ url, status, body });
    }
    expect((await get(`${pageUrl('tenant-a', 'ameyo-a', 'nothing')}?key=${SECRET_A}`)).status).toBe(404);
    expect(events).toEqual({ 'tenant-a': [], 'tenant-b': [] });
    // The secret is never logged: no line of the gateway's log carries it.
    expect(JSON.stringify(stack.logs)).not.toContain(SECRET_A);
    expect(JSON.stringify(stack.logs)).not.toContain(SECRET_B);
  });

  it('SSO: login (JSON and form bodies), URLs carrying the session accepted, logout, then the same URL refused', async () => {
    await configureSim('tenant-a', 'ameyo-a', SECRET_A, { ssoUrl: ssoUrl('tenant-a', 'ameyo-a', SECRET_A), ssoPassword: AGENT_PASSWORD });
    // Under SSO the configured URLs carry no key: the session is the credential.
    await sim(
      '/urls',
      {
        customerUrl: pageUrl('tenant-a', 'ameyo-a', 'customer'),
        knowledgeBaseUrl: pageUrl('tenant-a', 'ameyo-a', 'knowledge-base'),
        ssoUrl: ssoUrl('tenant-a', 'ameyo-a', SECRET_A),
        ssoPassword: AGENT_PASSWORD,
      },
      'PUT',
    );
    const login = await sim('/agent-login', { userId: agent });
    const [ssoCall, kb] = login.body.calls;
    expect(ssoCall).toMatchObject({ kind: 'sso-login', method: 'POST', body: JSON.stringify({ password: AGENT_PASSWORD, userId: agent, command: 'login' }), status: 200 });
    const crmSessionId = login.body.crmSessionId!;
    expect(JSON.parse(ssoCall!.responseBody)).toEqual({ status: 'success', crmSessionId, message: 'logged in' });
    expect(crmSessionId).toMatch(/^crm-[A-Za-z0-9_-]{43}$/);
    expect(kb).toMatchObject({ kind: 'knowledge-base', params: { userId: agent, sessionId: stack.sims.ameyo.state.sessions[0]!.sessionId, crmSessionId }, status: 302 });

    const connect = await sim('/call-connect', { userId: agent });
    const [customer] = connect.body.calls;
    expect(customer).toMatchObject({ kind: 'customer', params: expect.objectContaining({ crmSessionId, userId: agent }), status: 302 });
    expect(events['tenant-a'].map((e) => (e as CallLiveEvent).screenPop?.page)).toEqual(['KNOWLEDGE_BASE', 'CUSTOMER']);
    // The session is this agent's: another userId with it is refused.
    expect((await get(customer!.url.replace(`userId=${agent}`, 'userId=someone-else'))).json()).toEqual({ status: 'failed', message: 'the crmSessionId was issued to another userId' });

    const logout = await sim('/agent-logout', { userId: agent });
    expect(logout.body.calls[0]).toMatchObject({ kind: 'sso-logout', body: JSON.stringify({ command: 'logout', crmSessionId }), status: 200 });
    expect(JSON.parse(logout.body.calls[0]!.responseBody)).toEqual({ status: 'success', message: 'logged out' });
    events['tenant-a'].length = 0;
    const again = await get(customer!.url);
    expect([again.status, again.json()]).toEqual([403, BAD_SESSION]);
    expect(events['tenant-a']).toEqual([]);
    // A second logout finds nothing to end.
    expect(await sso(ssoUrl('tenant-a', 'ameyo-a', SECRET_A), JSON.stringify({ command: 'logout', crmSessionId }))).toEqual({ status: 200, body: BAD_SESSION });

    // The form-encoded body of the document's second sample.
    const form = await sso(
      ssoUrl('tenant-a', 'ameyo-a', SECRET_A),
      `request=${encodeURIComponent(JSON.stringify({ password: AGENT_PASSWORD, userId: agent, command: 'login' }))}`,
      'application/x-www-form-urlencoded',
    );
    expect(form).toEqual({ status: 200, body: { status: 'success', crmSessionId: expect.stringMatching(/^crm-/), message: 'logged in' } });
    // Tenant B's connection of the same id never accepts tenant A's session.
    const other = await get(`${pageUrl('tenant-b', 'ameyo-a', 'customer')}?crmSessionId=${form.body['crmSessionId'] as string}&userId=${agent}`);
    expect([other.status, other.json()]).toEqual([403, BAD_SESSION]);
    expect(events['tenant-b']).toEqual([]);
  });

  it('SSO refuses a wrong password, a wrong key and malformed bodies with exact answers', async () => {
    const url = ssoUrl('tenant-a', 'ameyo-a', SECRET_A);
    expect(await sso(url, JSON.stringify({ password: 'nope', userId: agent, command: 'login' }))).toEqual({ status: 200, body: BAD_LOGIN });
    expect(await sso(url, JSON.stringify({ password: AGENT_PASSWORD, userId: 'not-an-agent', command: 'login' }))).toEqual({ status: 200, body: BAD_LOGIN });
    expect(await sso(ssoUrl('tenant-a', 'ameyo-a', SECRET_B), JSON.stringify({ password: AGENT_PASSWORD, userId: agent, command: 'login' }))).toEqual({ status: 403, body: BAD_KEY });
    expect(await sso(gw('/ameyo/tenant-a/ameyo-a/sso'), JSON.stringify({ password: AGENT_PASSWORD, userId: agent, command: 'login' }))).toEqual({ status: 401, body: MISSING });
    expect(await sso(url, '{"command":"reboot"}')).toEqual({ status: 400, body: { status: 'failed', message: 'expected command to be "login" or "logout"' } });
    expect(await sso(url, JSON.stringify({ userId: agent, command: 'login' }))).toEqual({ status: 400, body: { status: 'failed', message: 'login needs userId and password' } });
    expect(await sso(url, 'not json')).toEqual({ status: 400, body: { status: 'failed', message: 'the request is not valid JSON' } });
    expect(await sso(url, 'x=1', 'application/x-www-form-urlencoded')).toEqual({ status: 400, body: { status: 'failed', message: 'expected a form field request={"command":...}' } });
    expect(await sso(url, 'hello', 'text/plain')).toEqual({ status: 400, body: { status: 'failed', message: 'expected Content-Type application/json or application/x-www-form-urlencoded' } });
    expect(await sso(ssoUrl('tenant-a', 'ameyo-x', SECRET_X), JSON.stringify({ password: 'p', userId: agent, command: 'login' }))).toEqual({
      status: 403,
      body: { status: 'failed', message: 'single sign-on is not configured for this connection' },
    });
  });

  it("SSO with the tenant's own CRM endpoint as the verifier: the login is proxied to it", async () => {
    crmSso.bodies.length = 0;
    const url = ssoUrl('tenant-b', 'ameyo-a', SECRET_B);
    const ok = await sso(url, JSON.stringify({ password: 'crm-pw', userId: 'agent-b', command: 'login' }));
    expect(ok).toEqual({ status: 200, body: { status: 'success', crmSessionId: expect.stringMatching(/^crm-[A-Za-z0-9_-]{43}$/), message: 'logged in' } });
    expect(await sso(url, JSON.stringify({ password: 'wrong', userId: 'agent-b', command: 'login' }))).toEqual({ status: 200, body: BAD_LOGIN });
    expect(crmSso.bodies).toEqual([
      { password: 'crm-pw', userId: 'agent-b', command: 'login' },
      { password: 'wrong', userId: 'agent-b', command: 'login' },
    ]);
    const page = await get(`${pageUrl('tenant-b', 'ameyo-a', 'customer')}?crmSessionId=${ok.body['crmSessionId'] as string}&userId=agent-b`);
    expect(page.status).toBe(200);
    expect(events['tenant-b']).toEqual([expect.objectContaining({ type: 'SCREEN_POP', agentNativeId: 'agent-b' })]);
  });

  it('a proxied verifier that fails answers 502', async () => {
    expect(await sso(ssoUrl('tenant-b', 'ameyo-a', SECRET_B), JSON.stringify({ password: 'boom', userId: 'agent-b', command: 'login' }))).toEqual({
      status: 502,
      body: { status: 'failed', message: "the CRM's SSO endpoint did not answer" },
    });
  });

  /** The gateway's log lines about SSO logouts of tenant B, from `since` (an index into `stack.logs`). */
  const logoutLines = (since: number) =>
    stack.logs
      .slice(since)
      .filter((l) => l['route'] === 'ameyoCrm' && l['command'] === 'logout' && l['tenant'] === 'tenant-b')
      .map(({ level, msg, connectionId, ended, forwarded }) => ({ level, msg, connectionId, ended, forwarded }));

  it("a form-encoded verifier (encoding: form) receives exactly the document's request=<json>, for the login and the forwarded logout", async () => {
    crmSso.requests.length = 0;
    const url = ssoUrl('tenant-b', 'ameyo-f', SECRET_F);
    const login = await sso(url, JSON.stringify({ password: 'crm-pw', userId: 'agent-f', command: 'login' }));
    expect(login).toEqual({ status: 200, body: { status: 'success', crmSessionId: expect.stringMatching(/^crm-[A-Za-z0-9_-]{43}$/), message: 'logged in' } });
    expect(await sso(url, JSON.stringify({ command: 'logout', crmSessionId: login.body['crmSessionId'] }))).toEqual({ status: 200, body: LOGGED_OUT });
    expect(crmSso.requests).toEqual([
      { contentType: 'application/x-www-form-urlencoded', body: 'request=%7B%22password%22%3A%22crm-pw%22%2C%22userId%22%3A%22agent-f%22%2C%22command%22%3A%22login%22%7D' },
      { contentType: 'application/x-www-form-urlencoded', body: 'request=%7B%22command%22%3A%22logout%22%2C%22crmSessionId%22%3A%22their-agent-f%22%7D' },
    ]);
  });

  it("login then logout forwards the logout to the tenant's CRM with its own crmSessionId; ours is refused afterwards", async () => {
    crmSso.requests.length = 0;
    const since = stack.logs.length;
    const url = ssoUrl('tenant-b', 'ameyo-a', SECRET_B);
    const login = await sso(url, JSON.stringify({ password: 'crm-pw', userId: 'agent-b', command: 'login' }));
    const crmSessionId = login.body['crmSessionId'] as string;
    const page = `${pageUrl('tenant-b', 'ameyo-a', 'customer')}?crmSessionId=${crmSessionId}&userId=agent-b`;
    expect((await get(page)).status).toBe(200);
    expect(await sso(url, JSON.stringify({ command: 'logout', crmSessionId }))).toEqual({ status: 200, body: LOGGED_OUT });
    expect(crmSso.requests).toEqual([
      { contentType: 'application/json', body: '{"password":"crm-pw","userId":"agent-b","command":"login"}' },
      { contentType: 'application/json', body: '{"command":"logout","crmSessionId":"their-agent-b"}' },
    ]);
    const again = await get(page);
    expect([again.status, again.json()]).toEqual([403, BAD_SESSION]);
    // A second logout finds nothing to end, and forwards nothing.
    expect(await sso(url, JSON.stringify({ command: 'logout', crmSessionId }))).toEqual({ status: 200, body: BAD_SESSION });
    expect(crmSso.requests).toHaveLength(2);
    expect(logoutLines(since)).toEqual([
      { level: 30, msg: 'CRM SSO', connectionId: 'ameyo-a', ended: true, forwarded: 'ok' },
      { level: 30, msg: 'CRM SSO', connectionId: 'ameyo-a', ended: false, forwarded: 'none' },
    ]);
    expect(JSON.stringify(stack.logs)).not.toContain('their-agent-b');
    expect(JSON.stringify(stack.logs)).not.toContain(crmSessionId);
  });

  it.each([
    ['does not answer (500)', 'agent-down', 502, 'down'],
    ['answers status failed', 'agent-refused', 200, 'refused'],
  ] as const)("a forwarded logout the tenant's CRM %s still ends our session, and says the CRM's was not ended", async (_case, userId, status, forwarded) => {
    crmSso.requests.length = 0;
    const since = stack.logs.length;
    const url = ssoUrl('tenant-b', 'ameyo-a', SECRET_B);
    const login = await sso(url, JSON.stringify({ password: 'crm-pw', userId, command: 'login' }));
    const crmSessionId = login.body['crmSessionId'] as string;
    expect(await sso(url, JSON.stringify({ command: 'logout', crmSessionId }))).toEqual({ status, body: UPSTREAM_LOGOUT_FAILED });
    expect(crmSso.requests.map((r) => r.body)).toEqual([`{"password":"crm-pw","userId":"${userId}","command":"login"}`, `{"command":"logout","crmSessionId":"their-${userId}"}`]);
    const page = await get(`${pageUrl('tenant-b', 'ameyo-a', 'customer')}?crmSessionId=${crmSessionId}&userId=${userId}`);
    expect([page.status, page.json()]).toEqual([403, BAD_SESSION]);
    expect(logoutLines(since)).toEqual([{ level: 40, msg: "CRM SSO logout: the tenant CRM's session was not ended", connectionId: 'ameyo-a', ended: true, forwarded }]);
    expect(JSON.stringify(stack.logs)).not.toContain(`their-${userId}`);
    expect(JSON.stringify(stack.logs)).not.toContain(crmSessionId);
  });

  it("a login refused for maxSessions after the tenant's CRM accepted it ends the CRM's new session there", async () => {
    crmSso.requests.length = 0;
    const url = ssoUrl('tenant-c', 'ameyo-c', SECRET_C);
    expect((await sso(url, JSON.stringify({ password: 'crm-pw', userId: 'agent-c1', command: 'login' }))).status).toBe(200);
    expect(await sso(url, JSON.stringify({ password: 'crm-pw', userId: 'agent-c2', command: 'login' }))).toEqual({
      status: 429,
      body: { status: 'failed', message: 'too many CRM sessions for this tenant; log an agent out first' },
    });
    expect(crmSso.requests.map((r) => r.body)).toEqual([
      '{"password":"crm-pw","userId":"agent-c1","command":"login"}',
      '{"password":"crm-pw","userId":"agent-c2","command":"login"}',
      '{"command":"logout","crmSessionId":"their-agent-c2"}',
    ]);
  });

  it('requireSession refuses key-only URLs; maxSessions bounds the live sessions of the tenant until one logs out', async () => {
    const url = ssoUrl('tenant-a', 'ameyo-s', SECRET_S);
    const keyOnly = await get(`${pageUrl('tenant-a', 'ameyo-s', 'customer')}?key=${SECRET_S}&userId=agent-s`);
    expect([keyOnly.status, keyOnly.json()]).toEqual([403, { status: 'failed', message: 'this connection accepts CRM URLs only with a crmSessionId (single sign-on)' }]);
    const login = JSON.stringify({ password: AGENT_PASSWORD, userId: 'agent-s', command: 'login' });
    const first = await sso(url, login);
    expect(first.status).toBe(200);
    // Tenant A's other logins (ameyo-a above) count towards the same tenant's bound.
    const results: number[] = [first.status];
    let full: Awaited<ReturnType<typeof sso>> | null = null;
    for (let i = 0; i < 3 && !full; i++) {
      const r = await sso(url, login);
      results.push(r.status);
      if (r.status === 429) full = r;
    }
    expect(full).toEqual({ status: 429, body: { status: 'failed', message: 'too many CRM sessions for this tenant; log an agent out first' } });
    expect(await sso(url, JSON.stringify({ command: 'logout', crmSessionId: first.body['crmSessionId'] }))).toEqual({ status: 200, body: { status: 'success', message: 'logged out' } });
    const again = await sso(url, login);
    expect(again.status).toBe(200);
    const page = await get(`${pageUrl('tenant-a', 'ameyo-s', 'customer')}?crmSessionId=${again.body['crmSessionId'] as string}&userId=agent-s`);
    expect(page.status).toBe(200);
  });

  it('dispose URL (Ameyo disposes, the CRM is told): a DISPOSED event, and Ameyo is not called', async () => {
    await configureSim('tenant-a', 'ameyo-a', SECRET_A);
    await sim('/call-connect', { userId: agent });
    const crt = crtOfAgent()!;
    const dispose = await sim('/call-dispose', { userId: agent, disposition: 'callback', dispositionAttribute: 'customer 2026-12-07 10:30' });
    expect(dispose.body.calls[0]).toMatchObject({
      kind: 'dispose',
      params: expect.objectContaining({ crtObjectId: crt, disposition: 'callback', dispositionAttribute: 'customer 2026-12-07 10:30' }),
      status: 302,
    });
    expect(events['tenant-a'].at(-1)).toMatchObject({
      type: 'DISPOSED',
      callNativeId: crt,
      screenPop: { page: 'DISPOSE', disposition: 'callback', dispositionAttribute: 'customer 2026-12-07 10:30' },
    });
    expect(stack.sims.ameyo.requests.filter((r) => r.path.includes('dispose'))).toEqual([]);
  });

  it('dispose in CRM before Ameyo (crmFirst): the gateway disposes the call in Ameyo, then publishes DISPOSED', async () => {
    await configureSim('tenant-a', 'ameyo-x', SECRET_X);
    await sim('/call-connect', { userId: agent });
    const crt = crtOfAgent()!;
    const phone = events['tenant-a'].at(-1) && (events['tenant-a'].at(-1) as CallLiveEvent).screenPop!.phone;
    const dispose = await sim('/call-dispose', { userId: agent, disposition: 'sale', dispositionAttribute: 'selfcallback', disposeInAmeyo: false });
    expect(dispose.body.calls[0]).toMatchObject({ kind: 'dispose', status: 200 });
    const [request] = stack.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeCallForUser');
    expect(request).toMatchObject({ method: 'POST', status: 200, headers: expect.objectContaining({ authorization: AMEYO_SIM_DEFAULTS.appServerToken }) });
    expect(JSON.parse(request!.body)).toEqual({
      userId: agent,
      crtObjectId: crt,
      dispositionCodeName: 'sale',
      dispositionParams: { isSelfCallback: true, callbackTime: '', phone },
      requestId: `ameyo-crm:${crt}:sale`,
      notes: '',
    });
    expect(stack.sims.ameyo.state.dispositions.at(-1)).toMatchObject({ command: 'disposeCallForUser', crtObjectId: crt, dispositionCode: 'sale' });
    expect(crtOfAgent()).toBeUndefined();
    expect(events['tenant-a'].at(-1)).toMatchObject({ connectionId: 'ameyo-x', type: 'DISPOSED', callNativeId: crt, screenPop: { disposition: 'sale' } });

    // Ameyo refuses a code outside the plan: nothing is published, and the page says why.
    await sim('/call-connect', { userId: agent });
    events['tenant-a'].length = 0;
    const refused = await sim('/call-dispose', { userId: agent, disposition: 'no-such-code', disposeInAmeyo: false });
    expect(refused.body.calls[0]!.status).toBe(409);
    expect(JSON.parse(refused.body.calls[0]!.responseBody)).toEqual({ status: 'failed', message: 'Ameyo did not dispose the call: Disposition no-such-code is not in the disposition plan' });
    expect(events['tenant-a']).toEqual([]);
  });
});

describe('CRM SSO sessions across a gateway restart (embedded store)', () => {
  let dataDir: string;
  let stack: Stack | null = null;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-crm-restart-'));
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = () =>
    startStack({
      sims: { ameyo: { requestsPerSecond: 0 } },
      state: { dataDir },
      patchConnections: (connections) =>
        connections.map((c) => (c.id === 'ameyo-a' ? { ...c, crm: { urlSecret: SECRET_A, sso: { verifier: { agents: { 'agent-r': AGENT_PASSWORD } } } } } : c)) as typeof connections,
    });

  it('a session issued before the restart is accepted after it', async () => {
    stack = await start();
    const login = await fetch(`${stack.gateway.url}/ameyo/tenant-a/ameyo-a/sso?key=${SECRET_A}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: AGENT_PASSWORD, userId: 'agent-r', command: 'login' }),
    });
    const { crmSessionId } = (await login.json()) as { crmSessionId: string };
    await stack.close();
    stack = await start();
    const seen: LiveEvent[] = [];
    const off = stack.gateway.live.bus.subscribe('tenant-a', 'callEvents', (e) => seen.push(e));
    const res = await fetch(`${stack.gateway.url}/ameyo/tenant-a/ameyo-a/crm/customer?crmSessionId=${crmSessionId}&userId=agent-r&phone=5550101`);
    off();
    expect(res.status).toBe(200);
    expect(seen).toEqual([expect.objectContaining({ type: 'SCREEN_POP', agentNativeId: 'agent-r' })]);
  });
});

describe('demo mode: the simulated Ameyo has the gateway as its CRM', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
  });
  afterAll(() => demo?.close());

  it('an agent login through SSO and a call connect show as screen-pops on the demo tenant', async () => {
    const seen: LiveEvent[] = [];
    const off = demo.gateway.live.bus.subscribe(DEMO_TENANT_ID, 'callEvents', (e) => seen.push(e));
    const userId = demo.sims.ameyo.state.sessions[0]!.userId;
    const trigger = (p: string) => fetch(`${demo.sims.ameyo.url}/__sim/ameyo/crm${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    const login = (await (await trigger('/agent-login')).json()) as { crmSessionId: string | null };
    expect(login.crmSessionId).toMatch(/^crm-/);
    expect((await trigger('/call-connect')).status).toBe(200);
    off();
    expect(seen.map((e) => [(e as CallLiveEvent).type, (e as CallLiveEvent).connectionId, (e as CallLiveEvent).screenPop?.page, (e as CallLiveEvent).agentNativeId])).toEqual([
      ['SCREEN_POP', 'ameyo-demo', 'KNOWLEDGE_BASE', userId],
      ['SCREEN_POP', 'ameyo-demo', 'CUSTOMER', userId],
    ]);
    expect(demo.sims.ameyo.crm.crmCalls.map((c) => [c.kind, c.status])).toEqual([
      ['sso-login', 200],
      ['knowledge-base', 200],
      ['customer', 200],
    ]);
  });

  it("after an agent's call connected, callDisposeAndDial needs no agentLegNativeId: the customer URL named the leg (issue 16, item 1)", async () => {
    const { sessions, interactions } = demo.sims.ameyo.state;
    const session = sessions.find((s, i) => i > 0 && !interactions.some((x) => x.sessionId === s.sessionId))!;
    const connect = await fetch(`${demo.sims.ameyo.url}/__sim/ameyo/crm/call-connect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: session.userId }),
    });
    const { crtObjectId, calls } = (await connect.json()) as { crtObjectId: string; calls: AmeyoCrmCall[] };
    expect(calls.map((c) => [c.kind, c.status])).toEqual([['customer', 200]]);
    demo.sims.ameyo.clearRequests();
    const res = await fetch(`${demo.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEY}` },
      body: JSON.stringify({
        query: `mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { dialAttempt { accepted vendorReason } userErrors { field message code } } }`,
        variables: {
          input: {
            agentId: encodeGlobalId('Agent', 'ameyo-demo', session.userId),
            campaignId: encodeGlobalId('Campaign', 'ameyo-demo', String(session.campaignId)),
            callId: encodeGlobalId('Call', 'ameyo-demo', crtObjectId),
            dispositionCode: 'sale',
            phoneNumber: '+14155550181',
            idempotencyKey: 'demo-leg-0001',
          },
        },
      }),
    });
    expect(await res.json()).toEqual({ data: { callDisposeAndDial: { dialAttempt: { accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    const sent = demo.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeAndManualDial');
    expect(sent.map((r) => (JSON.parse(r.body) as { userCRTObjectId: string }).userCRTObjectId)).toEqual([calls[0]!.params['userCrtObjectId']]);
  });
});
