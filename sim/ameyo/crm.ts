/**
 * Ameyo's side of the URL-based CRM integration (ameyo-crm-url-integration.txt; casing per notes §3a): per
 * campaign, the knowledge-base, customer, preview and dispose URLs and the CRM's SSO endpoint, and the calls
 * Ameyo makes to them at agent login, call connect, preview, disposition and logout. Each call is a real HTTP
 * request (fetch, redirects not followed) recorded in `crmCalls`, the simulator's log of what it sent. The requests
 * go out one at a time in the order of the events (the embedded browser loads one page after another: our model),
 * so `crmCalls` is in event order; `crmSettled` resolves once every request started so far is in it.
 *
 * Besides the triggers below, the dial and dispose commands play the same events (issue 17, item 5; the document:
 * "url based screen-pop occurs for incoming, auto-dial, manual dial, preview, and callback scenarios", the customer
 * URL "on call connect", the dispose URL at "disposition events"): a manual dial the simulator connects (`onDialed`)
 * loads the customer URL, and a dispose it accepts (`onDisposed`) loads the dispose URL, with the parameters the
 * triggers send. Those loads do not hold up the command's answer, and a failed one is only an entry in `crmCalls`.
 *
 * Control endpoints (sim/common/server.ts `control`), for tests and demo mode:
 *   GET  /__sim/ameyo/crm                  the URLs per campaign, the agents' crmSessionIds and `crmCalls`
 *   PUT  /__sim/ameyo/crm/urls             {campaignId?, knowledgeBaseUrl?, customerUrl?, previewUrl?, disposeUrl?,
 *                                           ssoUrl?, ssoEncoding?: "json"|"form", ssoPassword?}; no campaignId: every campaign
 *   POST /__sim/ameyo/crm/agent-login      {userId, password?}  SSO login (when ssoUrl is set), then the knowledge-base URL
 *   POST /__sim/ameyo/crm/call-connect     {userId, phone?}     the agent's call connects (a new one when it has none): customer URL
 *   POST /__sim/ameyo/crm/preview          {userId}             the campaign's next contact in preview: preview URL
 *   POST /__sim/ameyo/crm/call-dispose     {userId, disposition, dispositionAttribute?, disposeInAmeyo?}
 *                                           disposeInAmeyo (default true): Ameyo disposes the call, then calls the dispose
 *                                           URL (forced dispose with CRM notification); false: the CRM's disposition
 *                                           form is submitted to the dispose URL and the CRM disposes in Ameyo
 *   POST /__sim/ameyo/crm/agent-logout     {userId}             SSO logout with the agent's crmSessionId
 */
import type { SimReply } from '../common/server';
import { currentCall, finishCall, sessionOf, startCall } from './calls';
import type { AmeyoRuntime } from './runtime';
import { agentLegId, type AmeyoInteraction, type AmeyoSession } from './seed';

export interface AmeyoCrmUrls {
  knowledgeBaseUrl?: string;
  customerUrl?: string;
  previewUrl?: string;
  disposeUrl?: string;
  /** The CRM's single sign-on API (row 10). */
  ssoUrl?: string;
  /** How the SSO request is sent: JSON (default) or the form field `request=` (the document's two samples). */
  ssoEncoding?: 'json' | 'form';
  /** The agents' CRM password when a login trigger gives none (SSO identity: CRM user id = Ameyo user id). */
  ssoPassword?: string;
}

/** One request the simulator sent to a CRM URL, and what it got back. */
export interface AmeyoCrmCall {
  kind: 'sso-login' | 'sso-logout' | 'knowledge-base' | 'customer' | 'preview' | 'dispose';
  method: 'GET' | 'POST';
  url: string;
  /** The query parameters Ameyo added (not those of the configured URL). */
  params: Record<string, string>;
  /** The body of a POST, as sent. */
  body: string | null;
  /** 0 when the request failed (no answer). */
  status: number;
  location: string | null;
  responseBody: string;
  atMs: number;
}

export interface AmeyoCrmState {
  /** By campaign id, `*` for every campaign without its own. */
  urls: Record<string, AmeyoCrmUrls>;
  /** The crmSessionId the CRM issued, by agent userId. */
  crmSessions: Record<string, string>;
  crmCalls: AmeyoCrmCall[];
}

export const newCrmState = (urls: AmeyoCrmUrls = {}): AmeyoCrmState => ({ urls: { '*': urls }, crmSessions: {}, crmCalls: [] });

const URL_FIELDS = ['knowledgeBaseUrl', 'customerUrl', 'previewUrl', 'disposeUrl', 'ssoUrl'] as const;
const MAX_CALLS = 1_000;

const urlsFor = (rt: AmeyoRuntime, campaignId: number): AmeyoCrmUrls => ({ ...rt.crm.urls['*'], ...rt.crm.urls[String(campaignId)] });

async function request(rt: AmeyoRuntime, kind: AmeyoCrmCall['kind'], base: string, params: Record<string, string>, post?: { body: string; contentType: string }): Promise<AmeyoCrmCall> {
  const call: AmeyoCrmCall = { kind, method: post ? 'POST' : 'GET', url: base, params, body: post?.body ?? null, status: 0, location: null, responseBody: '', atMs: rt.wallNow() };
  try {
    const url = new URL(base);
    for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
    call.url = url.toString();
    const res = await fetch(url, { method: call.method, redirect: 'manual', ...(post ? { body: post.body, headers: { 'content-type': post.contentType } } : {}), signal: AbortSignal.timeout(10_000) });
    call.status = res.status;
    call.location = res.headers.get('location');
    call.responseBody = await res.text();
  } catch (err) {
    call.responseBody = (err as Error).message;
  }
  if (rt.crm.crmCalls.length >= MAX_CALLS) rt.crm.crmCalls.splice(0, 1);
  rt.crm.crmCalls.push(call);
  return call;
}

/** The last request queued per simulator: the next one starts once it has its answer. */
const queues = new WeakMap<AmeyoCrmState, Promise<unknown>>();

/** Sends one request to a CRM URL after every one queued before it. Never rejects: a failure is recorded with status 0. */
function send(rt: AmeyoRuntime, kind: AmeyoCrmCall['kind'], base: string, params: Record<string, string>, post?: { body: string; contentType: string }): Promise<AmeyoCrmCall> {
  const next = (queues.get(rt.crm) ?? Promise.resolve()).then(() => request(rt, kind, base, params, post));
  queues.set(rt.crm, next);
  return next;
}

/** Resolves once every CRM URL request queued so far has been answered (or failed) and is in `crmCalls`. */
export async function crmSettled(crm: AmeyoCrmState): Promise<void> {
  await queues.get(crm);
}

/** The agent's crmSessionId as a parameter, once SSO gave one. */
const withSession = (rt: AmeyoRuntime, userId: string, params: Record<string, string>) => {
  const crmSessionId = rt.crm.crmSessions[userId];
  return crmSessionId ? { ...params, crmSessionId } : params;
};

/** The parameters the customer / preview / dispose URLs share (document order), only those that have a value. */
function callParams(rt: AmeyoRuntime, session: AmeyoSession, call: { crtObjectId?: string; customerId: number; phone: string; queueId: number | null }): Record<string, string> {
  const queue = rt.state.queues.find((q) => q.queueId === call.queueId);
  const p: Record<string, string> = { sessionId: session.sessionId, campaignId: String(session.campaignId) };
  if (call.crtObjectId) p['crtObjectId'] = call.crtObjectId;
  p['userCrtObjectId'] = agentLegId(session);
  p['userId'] = session.userId;
  if (call.customerId !== -1) p['customerId'] = String(call.customerId);
  p['phone'] = call.phone;
  if (queue) {
    p['queueId'] = String(queue.queueId);
    p['queueName'] = queue.queueName;
  }
  return p;
}

const reply = (status: number, body: unknown): SimReply => ({ status, body });
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function phoneOf(rt: AmeyoRuntime, call: { customerId: number; phone?: string }): string {
  return rt.state.contacts.find((c) => c.customerId === call.customerId)?.phone1 ?? call.phone ?? '';
}

/**
 * The agent's call connects: the customer URL with the call's parameters, when the campaign has one. Null when it
 * has none (nothing is sent).
 */
function callConnected(rt: AmeyoRuntime, session: AmeyoSession, call: AmeyoInteraction): Promise<AmeyoCrmCall> | null {
  call.customerStatus = 'connected';
  call.customerStatusSinceMs = rt.simNow();
  const { customerUrl } = urlsFor(rt, session.campaignId);
  return customerUrl ? send(rt, 'customer', customerUrl, withSession(rt, session.userId, callParams(rt, session, { ...call, phone: phoneOf(rt, call) }))) : null;
}

/**
 * The call was disposed: the dispose URL (when the campaign has one) with the call's parameters (no queue), the
 * disposition and its attribute. Null when the campaign has no dispose URL.
 */
function callDisposed(rt: AmeyoRuntime, session: AmeyoSession, call: AmeyoInteraction, disposition: string, attribute: string | null): Promise<AmeyoCrmCall> | null {
  const { disposeUrl } = urlsFor(rt, session.campaignId);
  if (!disposeUrl) return null;
  const params: Record<string, string> = { ...callParams(rt, session, { ...call, phone: phoneOf(rt, call) }), disposition };
  delete params['queueId'];
  delete params['queueName'];
  if (attribute) params['dispositionAttribute'] = attribute;
  return send(rt, 'dispose', disposeUrl, withSession(rt, session.userId, params));
}

/**
 * A manual dial the simulator accepted (`clickToDialWithTokenAsync`, the dial half of `disposeAndManualDial`):
 * when the agent's campaign has a customer URL, the dialled call connects (the customer answers at once) and the
 * customer URL is loaded. Returns the call, or null when nothing happened (no customer URL: the call, if any, stays
 * as the command left it). The dispose-and-dial command has already started its call (`started`); the click-to-dial
 * starts one here, only in the campaign of the agent's session (OUR MODEL: an agent dials in the campaign it is
 * logged in to, and a dial for an agent already on a call cannot connect; without a customer URL the async dial
 * starts no call, as before).
 */
export function onDialed(rt: AmeyoRuntime, session: AmeyoSession, dial: { phone: string; campaignId: number; started?: AmeyoInteraction }): AmeyoInteraction | null {
  if (!urlsFor(rt, session.campaignId).customerUrl) return null;
  let call = dial.started;
  if (!call) {
    if (dial.campaignId !== session.campaignId || currentCall(rt, session)) return null;
    call = startCall(rt, session, dial.phone, undefined);
  }
  void callConnected(rt, session, call);
  return call;
}

/**
 * A dispose the simulator accepted (`disposeCallForUser`, the dispose half of `disposeAndManualDial`): the dispose
 * URL, as for a forced dispose from Ameyo with CRM notification. `callback` is disposeCallForUser's normalized
 * dispositionParams: a callback time becomes `local <YYYY-MM-DD HH:MM:SS>` (in UTC: OUR ASSUMPTION, the document
 * gives no zone) and a self callback `selfcallback`, the attribute forms the document lists.
 */
export function onDisposed(rt: AmeyoRuntime, session: AmeyoSession, call: AmeyoInteraction, disposition: string, callback: { isSelfCallback: boolean; callbackTime: string | null } | null): void {
  const parts: string[] = [];
  if (callback?.callbackTime) parts.push(`local ${new Date(callback.callbackTime).toISOString().slice(0, 19).replace('T', ' ')}`);
  if (callback?.isSelfCallback) parts.push('selfcallback');
  void callDisposed(rt, session, call, disposition, parts.length > 0 ? parts.join(' ') : null);
}

/** The control endpoints above; null for a path that is not one of them. */
export async function crmControl(rt: AmeyoRuntime, method: string, path: string, json: unknown): Promise<SimReply | null> {
  if (!path.startsWith('/__sim/ameyo/crm')) return null;
  const body = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {}) as Record<string, unknown>;
  if (path === '/__sim/ameyo/crm' && method === 'GET') return reply(200, rt.crm);
  if (path === '/__sim/ameyo/crm/urls' && method === 'PUT') {
    const urls: AmeyoCrmUrls = {};
    for (const f of URL_FIELDS) {
      const v = body[f];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !URL.canParse(v)) return reply(400, { error: `expected ${f} to be a URL` });
      urls[f] = v;
    }
    if (body['ssoEncoding'] !== undefined) {
      if (body['ssoEncoding'] !== 'json' && body['ssoEncoding'] !== 'form') return reply(400, { error: 'expected ssoEncoding to be "json" or "form"' });
      urls.ssoEncoding = body['ssoEncoding'];
    }
    if (body['ssoPassword'] !== undefined) urls.ssoPassword = String(body['ssoPassword']);
    const campaign = body['campaignId'] === undefined ? '*' : String(body['campaignId']);
    rt.crm.urls[campaign] = urls;
    return reply(200, rt.crm.urls);
  }
  if (method !== 'POST') return reply(404, { error: `no control endpoint ${method} ${path}` });
  const userId = str(body['userId']);
  const session = userId ? sessionOf(rt, userId) : undefined;
  if (!userId || !session) return reply(400, { error: `expected userId to name a logged-in agent, got ${JSON.stringify(body['userId'] ?? null)}` });
  const urls = urlsFor(rt, session.campaignId);

  switch (path) {
    case '/__sim/ameyo/crm/agent-login': {
      const calls: AmeyoCrmCall[] = [];
      if (urls.ssoUrl) {
        const password = str(body['password']) ?? urls.ssoPassword ?? '';
        const request = JSON.stringify({ password, userId, command: 'login' });
        const login = await send(
          rt,
          'sso-login',
          urls.ssoUrl,
          {},
          urls.ssoEncoding === 'form' ? { body: new URLSearchParams({ request }).toString(), contentType: 'application/x-www-form-urlencoded' } : { body: request, contentType: 'application/json' },
        );
        calls.push(login);
        try {
          const answer = JSON.parse(login.responseBody) as { status?: string; crmSessionId?: string };
          if (answer.status === 'success' && answer.crmSessionId) rt.crm.crmSessions[userId] = answer.crmSessionId;
        } catch {
          // Not JSON: no session; the knowledge-base URL goes without one.
        }
      }
      if (urls.knowledgeBaseUrl) calls.push(await send(rt, 'knowledge-base', urls.knowledgeBaseUrl, withSession(rt, userId, { userId, sessionId: session.sessionId })));
      return reply(200, { crmSessionId: rt.crm.crmSessions[userId] ?? null, calls });
    }
    case '/__sim/ameyo/crm/agent-logout': {
      const crmSessionId = rt.crm.crmSessions[userId];
      if (!urls.ssoUrl || !crmSessionId) return reply(409, { error: `agent ${userId} has no CRM session` });
      const request = JSON.stringify({ command: 'logout', crmSessionId });
      const call = await send(
        rt,
        'sso-logout',
        urls.ssoUrl,
        {},
        urls.ssoEncoding === 'form' ? { body: new URLSearchParams({ request }).toString(), contentType: 'application/x-www-form-urlencoded' } : { body: request, contentType: 'application/json' },
      );
      delete rt.crm.crmSessions[userId];
      return reply(200, { calls: [call] });
    }
    case '/__sim/ameyo/crm/call-connect': {
      if (!urls.customerUrl) return reply(409, { error: `campaign ${session.campaignId} has no customerUrl` });
      let call = currentCall(rt, session);
      if (!call) {
        const contact = rt.state.contacts.find((c) => c.campaignId === session.campaignId);
        call = startCall(rt, session, str(body['phone']) ?? contact?.phone1 ?? '+14155550100', contact?.customerId);
      }
      const sent = (await callConnected(rt, session, call))!;
      return reply(200, { crtObjectId: call.crtObjectId, calls: [sent] });
    }
    case '/__sim/ameyo/crm/preview': {
      if (!urls.previewUrl) return reply(409, { error: `campaign ${session.campaignId} has no previewUrl` });
      const contact = rt.state.contacts.find((c) => c.campaignId === session.campaignId && c.dialStatus === 'NOT_TRIED') ?? rt.state.contacts.find((c) => c.campaignId === session.campaignId);
      if (!contact) return reply(409, { error: `campaign ${session.campaignId} has no contact to preview` });
      const sent = await send(rt, 'preview', urls.previewUrl, withSession(rt, userId, callParams(rt, session, { customerId: contact.customerId, phone: contact.phone1, queueId: session.queueId })));
      return reply(200, { customerId: contact.customerId, calls: [sent] });
    }
    case '/__sim/ameyo/crm/call-dispose': {
      if (!urls.disposeUrl) return reply(409, { error: `campaign ${session.campaignId} has no disposeUrl` });
      const disposition = str(body['disposition']);
      if (!disposition) return reply(400, { error: 'expected disposition' });
      const call = currentCall(rt, session);
      if (!call) return reply(409, { error: `agent ${userId} has no call to dispose` });
      if (body['disposeInAmeyo'] !== false) {
        // Forced dispose from Ameyo: the call is disposed here first, then the CRM is told.
        finishCall(rt, session, call, disposition);
      }
      const sent = (await callDisposed(rt, session, call, disposition, str(body['dispositionAttribute'])))!;
      return reply(200, { crtObjectId: call.crtObjectId, calls: [sent] });
    }
    default:
      return reply(404, { error: `no control endpoint ${method} ${path}` });
  }
}
