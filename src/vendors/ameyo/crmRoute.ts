/**
 * Ameyo's URL-based CRM integration with the gateway as the tenant's CRM (issue 17, items 3-4; README "Ameyo CRM
 * integration"; docs/decisions.md "Ameyo as a CRM client"):
 *
 *   GET  /ameyo/{tenant}/{connection}/crm/{knowledge-base|customer|preview|dispose}?key=<urlSecret>&<Ameyo's parameters>
 *   GET  the same with `crmSessionId=<session>` instead of `key` (single sign-on)
 *   POST /ameyo/{tenant}/{connection}/sso?key=<urlSecret>   the SSO API: command=login | logout
 *
 * With a proxied verifier (`crm.sso.verifier.url`) a login goes to the tenant's CRM SSO API in its configured
 * encoding; the `crmSessionId` the CRM answers is kept (sealed) with ours, and a logout of ours is forwarded to it.
 *
 * Ameyo cannot send our API key, so each call carries the connection's URL secret (compared in constant time)
 * or a live SSO session issued for that tenant's connection. The path names the tenant and connection, never a
 * secret; the query string is never logged (src/telemetry/httpServer.ts keeps the path only). A refused call
 * publishes nothing, and an unknown tenant or connection is refused exactly like a wrong secret, so the answer
 * tells nobody which exist.
 *
 * A page call becomes a `callEvents` event on the tenant's live bus (SCREEN_POP; DISPOSED for the dispose URL)
 * and is answered with a 302 to the connection's `crm.pageTemplate`, or a minimal page of the context.
 * One that names `userId`, `userCrtObjectId` and `sessionId` also records the agent's voice leg in the state store
 * (`agentLegs`, for `AGENT_LEG_TTL_MS`): `disposeAndManualDial` requires it and the session row names none.
 * Disposition: `crm.dispositionMode` `ameyo` takes the dispose URL as Ameyo's notification; `crmFirst` ("dispose
 * in CRM before Ameyo") disposes the call in Ameyo first through the dialing service (`disposeCallForUser`,
 * idempotency key from crtObjectId and disposition) and publishes DISPOSED only once Ameyo accepted it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { request } from 'undici';
import { dialerAt } from '../../domain/dialing';
import { fillPageTemplate, minimalPage, publishScreenPop } from '../../domain/screenPops';
import type { Tenant } from '../../domain/types';
import { isSwitchboardError } from '../../errors';
import { BodyTimeoutError, BodyTooLargeError, readBody } from '../../http/body';
import { decodePathSegment } from '../../http/requestTarget';
import { sendJson, sendNotFound } from '../../http/respond';
import type { Route, RouteRequest } from '../../http/router';
import type { ScreenPopContext } from '../../live/events';
import type { VendorRouteDeps } from '../module';
import type { AmeyoConnectionConfig, AmeyoCrmConfig } from './config';
import { AGENT_LEG_TTL_MS, AMEYO_CRM_PAGES, CRM_SESSION_PARAM, CRM_URL_SECRET_PARAM, agentLegOfCall, crmContextOf, parseDispositionAttribute, parseSsoRequest, ssoAnswer } from './crm';

/** Where the routes live: `/ameyo/{tenant}/{connection}/crm/{page}` and `/ameyo/{tenant}/{connection}/sso`. */
export const AMEYO_CRM_PREFIX = '/ameyo/';
const PAGE_PATH = /^\/ameyo\/([^/]+)\/([^/]+)\/crm\/([a-z-]+)$/;
const SSO_PATH = /^\/ameyo\/([^/]+)\/([^/]+)\/sso$/;
/** An SSO request body is a few hundred bytes. */
const MAX_SSO_BODY_BYTES = 16 * 1024;

/** The exact answers a caller can get (README "Ameyo CRM integration"). */
export const CRM_MESSAGES = {
  missing: 'this CRM URL needs the connection key or a crmSessionId',
  badKey: 'the key is not valid for this CRM URL',
  badSession: 'the crmSessionId is not valid (unknown, ended or expired)',
  otherUser: 'the crmSessionId was issued to another userId',
  sessionRequired: 'this connection accepts CRM URLs only with a crmSessionId (single sign-on)',
  storeDown: 'the session store is unavailable; try again',
  ssoNotConfigured: 'single sign-on is not configured for this connection',
  badLogin: 'invalid userId or password',
  verifierDown: "the CRM's SSO endpoint did not answer",
  upstreamLogoutFailed: "logged out of the gateway, but the CRM's SSO endpoint did not end its own session",
  full: 'too many CRM sessions for this tenant; log an agent out first',
  loggedIn: 'logged in',
  loggedOut: 'logged out',
  disposeNeeds: 'the dispose URL needs userId and disposition (crmFirst: the gateway disposes the call in Ameyo)',
} as const;

interface CrmConnection {
  tenant: Tenant;
  connection: AmeyoConnectionConfig;
  crm: AmeyoCrmConfig;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** Constant time whatever the lengths: both sides are hashed first. */
export const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

const failed = (res: http.ServerResponse, status: number, message: string) => sendJson(res, status, ssoAnswer('failed', message), { 'cache-control': 'no-store' });

type Authorized = { ok: true; via: 'key' | 'session'; userId: string | null } | { ok: false; status: number; message: string };

export function createAmeyoCrmRoutes(deps: VendorRouteDeps): Route[] {
  const connections = new Map<string, CrmConnection>();
  for (const t of deps.config.tenants) {
    const tenant = deps.tenants.get(t.id)!;
    for (const c of t.connections) if (c.vendor === 'ameyo' && c.crm) connections.set(`${t.id}\u0000${c.id}`, { tenant, connection: c, crm: c.crm });
  }
  if (connections.size === 0) return [];
  const store = deps.state.crmSessions;

  /** The connection a path names (null when unknown or not integrated), its segments decoded. */
  const lookup = (tenantSeg: string, connSeg: string): CrmConnection | null => {
    const tenantId = decodePathSegment(tenantSeg);
    const connectionId = decodePathSegment(connSeg);
    if (tenantId === null || connectionId === null) return null;
    return connections.get(`${tenantId}\u0000${connectionId}`) ?? null;
  };

  const checkKey = (target: CrmConnection | null, q: URLSearchParams): Authorized => {
    const key = q.get(CRM_URL_SECRET_PARAM);
    if (key === null || key === '') return { ok: false, status: 401, message: CRM_MESSAGES.missing };
    if (!target || !sameSecret(key, target.crm.urlSecret)) return { ok: false, status: 403, message: CRM_MESSAGES.badKey };
    return { ok: true, via: 'key', userId: null };
  };

  const authorizePage = async (target: CrmConnection | null, q: URLSearchParams): Promise<Authorized> => {
    const session = q.get(CRM_SESSION_PARAM);
    if (session !== null && session !== '') {
      if (!target?.crm.sso) return { ok: false, status: 403, message: CRM_MESSAGES.badSession };
      const found = await store.find(target.tenant.id, target.connection.id, session);
      if (!found) return { ok: false, status: 403, message: CRM_MESSAGES.badSession };
      const userId = q.get('userId');
      if (userId !== null && userId !== '' && userId !== found.userId) return { ok: false, status: 403, message: CRM_MESSAGES.otherUser };
      return { ok: true, via: 'session', userId: found.userId };
    }
    const byKey = checkKey(target, q);
    if (byKey.ok && target!.crm.sso?.requireSession) return { ok: false, status: 403, message: CRM_MESSAGES.sessionRequired };
    return byKey;
  };

  /** crmFirst: the CRM-side disposition goes to Ameyo before anything is published. Null when Ameyo took it. */
  const disposeInAmeyo = async (target: CrmConnection, context: ScreenPopContext): Promise<{ status: number; message: string } | null> => {
    if (!context.userNativeId || !context.disposition) return { status: 400, message: CRM_MESSAGES.disposeNeeds };
    const attribute = parseDispositionAttribute(context.dispositionAttribute);
    if (attribute && 'error' in attribute) return { status: 400, message: attribute.error };
    const key = `ameyo-crm:${context.crtObjectId ?? context.sessionNativeId ?? ''}:${context.disposition}`;
    try {
      const outcome = await dialerAt(target.tenant, target.connection.id, deps.state.idempotency).dispose(
        { key, input: { userId: context.userNativeId, disposition: context.disposition, dispositionAttribute: context.dispositionAttribute, crtObjectId: context.crtObjectId } },
        {
          userId: context.userNativeId,
          dispositionCode: context.disposition,
          callbackTime: attribute?.at ?? null,
          selfCallback: attribute?.selfCallback ?? null,
          phone: context.phone,
          notes: null,
          requestId: key,
          crtObjectId: context.crtObjectId,
        },
        { deadlineAt: Date.now() + deps.config.server.requestTimeoutMs },
      );
      if (!outcome.accepted) return { status: 409, message: `Ameyo did not dispose the call: ${outcome.vendorReason ?? outcome.userErrors[0]?.message ?? 'refused'}` };
      return null;
    } catch (err) {
      if (!isSwitchboardError(err)) throw err;
      return { status: 502, message: `Ameyo did not dispose the call: ${err.message}` };
    }
  };

  const servePage = async ({ res, target, log }: RouteRequest, m: RegExpExecArray) => {
    const page = AMEYO_CRM_PAGES.get(m[3]!);
    if (!page) return sendNotFound(res);
    const found = lookup(m[1]!, m[2]!);
    let auth: Authorized;
    try {
      auth = await authorizePage(found, target.searchParams);
    } catch (err) {
      log.warn({ err: (err as Error).message, route: 'ameyoCrm' }, 'CRM session store unavailable');
      return failed(res, 503, CRM_MESSAGES.storeDown);
    }
    if (!auth.ok) {
      log.info({ route: 'ameyoCrm', page, status: auth.status }, 'CRM URL call refused');
      return failed(res, auth.status, auth.message);
    }
    const crm = found!;
    const context = crmContextOf(page, target.searchParams);
    // The agent's voice leg, for disposeAndManualDial (the session row names none): kept for every replica and restart.
    // A store that cannot keep it costs the page nothing; the dialer then asks the caller.
    const named = agentLegOfCall(context);
    if (named) {
      try {
        await deps.state.agentLegs.record(crm.tenant.id, crm.connection.id, named.userId, named.leg, AGENT_LEG_TTL_MS);
      } catch (err) {
        log.warn({ err: (err as Error).message, route: 'ameyoCrm' }, 'agent leg store unavailable');
      }
    }
    if (page === 'DISPOSE' && crm.crm.dispositionMode === 'crmFirst') {
      const problem = await disposeInAmeyo(crm, context);
      if (problem) return failed(res, problem.status, problem.message);
    }
    publishScreenPop(deps.state.bus, crm.tenant.id, crm.connection.id, context);
    log.info({ route: 'ameyoCrm', tenant: crm.tenant.id, connectionId: crm.connection.id, page, via: auth.via }, 'CRM URL call');
    if (crm.crm.pageTemplate) {
      res.writeHead(302, { location: fillPageTemplate(crm.crm.pageTemplate, context), 'cache-control': 'no-store', 'content-length': '0' });
      return void res.end();
    }
    const html = Buffer.from(minimalPage(context), 'utf8');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(html.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
    res.end(html);
  };

  /**
   * Sends the tenant CRM's SSO API one request of the document's protocol, in the verifier's `encoding`: `json`, the
   * JSON body; `form`, `application/x-www-form-urlencoded` `request=<the JSON>` (the document's two SSO samples).
   * 'down' when it did not answer, answered 5xx, or answered a 2xx or 3xx that is not JSON; otherwise its JSON
   * object (null for other JSON, or a 4xx that is not JSON).
   */
  const callCrmSso = async (crm: CrmConnection, verifier: { url: string; encoding: 'json' | 'form' }, payload: Record<string, string>): Promise<Record<string, unknown> | null | 'down'> => {
    const json = JSON.stringify(payload);
    const form = verifier.encoding === 'form';
    try {
      const res = await request(verifier.url, {
        method: 'POST',
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: form ? new URLSearchParams({ request: json }).toString() : json,
        headersTimeout: crm.connection.timeouts.headersMs,
        bodyTimeout: crm.connection.timeouts.requestMs,
        signal: AbortSignal.timeout(crm.connection.timeouts.requestMs),
      });
      // The answer is a short JSON object: read at most MAX_SSO_BODY_BYTES of it.
      let text = '';
      for await (const chunk of res.body) {
        text += (chunk as Buffer).toString('utf8');
        if (text.length > MAX_SSO_BODY_BYTES) {
          res.body.destroy();
          return 'down';
        }
      }
      if (res.statusCode >= 500) return 'down';
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return res.statusCode >= 400 ? null : 'down';
      }
      return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
    } catch {
      return 'down';
    }
  };

  const succeeded = (answer: Record<string, unknown> | null) => typeof answer?.['status'] === 'string' && answer['status'].toLowerCase() === 'success';

  /**
   * Checks `userId` and `password` with the connection's verifier: `{ upstreamSessionId }` when they are right (the
   * proxied CRM's own `crmSessionId`, null when it gave none or the verifier is per-agent secrets), false when they
   * are not, 'down' when a proxied CRM did not answer.
   */
  const verify = async (crm: CrmConnection, userId: string, password: string): Promise<{ upstreamSessionId: string | null } | false | 'down'> => {
    const verifier = crm.crm.sso!.verifier;
    if (verifier.agents) {
      const expected = Object.hasOwn(verifier.agents, userId) ? verifier.agents[userId]! : null;
      // Compared even for an unknown user, so the time taken does not say which userIds exist.
      const same = sameSecret(password, expected ?? '\u0000no agent');
      return expected !== null && same ? { upstreamSessionId: null } : false;
    }
    const answer = await callCrmSso(crm, verifier, { password, userId, command: 'login' });
    if (answer === 'down') return 'down';
    if (!succeeded(answer)) return false;
    const own = answer!['crmSessionId'];
    return { upstreamSessionId: typeof own === 'string' && own !== '' ? own : null };
  };

  /**
   * Ends the tenant CRM's own session of an SSO session we ended, as the document asks (ameyo-crm-url-integration.txt,
   * security considerations: "ensure crm sessions are invalidated on ameyo logout via the logout command to avoid
   * orphaned sessions"): `command=logout` with its `crmSessionId`, in the verifier's encoding. 'none' when there is
   * nothing to forward (per-agent secrets, or a session the CRM gave no id for).
   */
  const forwardLogout = async (crm: CrmConnection, upstreamSessionId: string | null): Promise<'none' | 'ok' | 'refused' | 'down'> => {
    const verifier = crm.crm.sso!.verifier;
    if (!verifier.url || upstreamSessionId === null) return 'none';
    const answer = await callCrmSso(crm, verifier, { command: 'logout', crmSessionId: upstreamSessionId });
    if (answer === 'down') return 'down';
    return succeeded(answer) ? 'ok' : 'refused';
  };

  const serveSso = async ({ req, res, target, log }: RouteRequest, m: RegExpExecArray) => {
    const found = lookup(m[1]!, m[2]!);
    const byKey = checkKey(found, target.searchParams);
    if (!byKey.ok) return failed(res, byKey.status, byKey.message);
    const crm = found!;
    if (!crm.crm.sso) return failed(res, 403, CRM_MESSAGES.ssoNotConfigured);
    let body: Buffer;
    try {
      body = await readBody(req, { maxBytes: MAX_SSO_BODY_BYTES, timeoutMs: deps.config.server.bodyTimeoutMs });
    } catch (err) {
      if (err instanceof BodyTooLargeError) return failed(res, 413, err.message);
      if (err instanceof BodyTimeoutError) return failed(res, 408, err.message);
      throw err;
    }
    const parsed = parseSsoRequest(req.headers['content-type'], body);
    if ('error' in parsed) return failed(res, 400, parsed.error);
    const sso = crm.crm.sso;
    try {
      if (parsed.command === 'logout') {
        // Ours ends first, whatever the tenant CRM answers: the session Ameyo carries is refused from now on, and a
        // repeated or concurrent logout finds nothing, so the CRM's own session is forwarded once.
        const ended = await store.end(crm.tenant.id, crm.connection.id, parsed.crmSessionId);
        const forwarded = ended ? await forwardLogout(crm, ended.upstreamSessionId) : 'none';
        const line = { route: 'ameyoCrm', tenant: crm.tenant.id, connectionId: crm.connection.id, command: 'logout', ended: ended !== null, forwarded };
        if (!ended) {
          log.info(line, 'CRM SSO');
          return failed(res, 200, CRM_MESSAGES.badSession);
        }
        if (forwarded === 'refused' || forwarded === 'down') {
          log.warn(line, "CRM SSO logout: the tenant CRM's session was not ended");
          // As for a login: a CRM that answered `failed` is answered in the body (200), one that did not answer 502.
          return failed(res, forwarded === 'down' ? 502 : 200, CRM_MESSAGES.upstreamLogoutFailed);
        }
        log.info(line, 'CRM SSO');
        return sendJson(res, 200, ssoAnswer('success', CRM_MESSAGES.loggedOut));
      }
      const ok = await verify(crm, parsed.userId, parsed.password);
      if (ok === 'down') return failed(res, 502, CRM_MESSAGES.verifierDown);
      if (!ok) {
        log.info({ route: 'ameyoCrm', tenant: crm.tenant.id, connectionId: crm.connection.id, command: 'login', ok: false }, 'CRM SSO');
        // The document's SSO protocol answers a refused login in its body (`status: failed` with a message), as a
        // refused logout: 200, so Ameyo's client reads the message instead of failing on the HTTP status.
        return failed(res, 200, CRM_MESSAGES.badLogin);
      }
      const issued = await store.issue(
        { tenantId: crm.tenant.id, connectionId: crm.connection.id, userId: parsed.userId, upstreamSessionId: ok.upstreamSessionId },
        { ttlMs: sso.sessionTtlSeconds * 1000, maxPerTenant: sso.maxSessions },
      );
      if (issued.kind === 'full') {
        // Refused here after the tenant's CRM opened a session: ended there too, or nothing would.
        const forwarded = await forwardLogout(crm, ok.upstreamSessionId);
        log.info({ route: 'ameyoCrm', tenant: crm.tenant.id, connectionId: crm.connection.id, command: 'login', ok: false, full: true, forwarded }, 'CRM SSO');
        return failed(res, 429, CRM_MESSAGES.full);
      }
      log.info({ route: 'ameyoCrm', tenant: crm.tenant.id, connectionId: crm.connection.id, command: 'login', ok: true }, 'CRM SSO');
      return sendJson(res, 200, ssoAnswer('success', CRM_MESSAGES.loggedIn, issued.id), { 'cache-control': 'no-store' });
    } catch (err) {
      if (isSwitchboardError(err)) throw err;
      log.warn({ err: (err as Error).message, route: 'ameyoCrm' }, 'CRM session store unavailable');
      return failed(res, 503, CRM_MESSAGES.storeDown);
    }
  };

  return [
    {
      name: 'ameyoCrm',
      path: AMEYO_CRM_PREFIX,
      prefix: true,
      methods: ['GET', 'POST'],
      work: true,
      async handle(r) {
        const method = r.req.method;
        const page = PAGE_PATH.exec(r.target.pathname);
        if (page) return method === 'GET' ? servePage(r, page) : sendJson(r.res, 405, { error: 'use GET' }, { allow: 'GET', connection: 'close' });
        const sso = SSO_PATH.exec(r.target.pathname);
        if (sso) return method === 'POST' ? serveSso(r, sso) : sendJson(r.res, 405, { error: 'use POST' }, { allow: 'POST' });
        return sendNotFound(r.res);
      },
    },
  ];
}
