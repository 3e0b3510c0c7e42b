/**
 * The app server's REST commands (`/ameyorestapi/voice/...`; CRM doc "Disposition handling" and "Dispose and manual
 * dial API"; notes §3b):
 *   POST /ameyorestapi/voice/disposeCallForUser    header `authorization: <app server token>`
 *   POST /ameyorestapi/voice/disposeAndManualDial  header `sessionId: <the agent's session id>`
 * Outcomes of the command are 200 `{result, reason}`; auth failures and unknown users are
 * `RESTAPIErrorResponseEntity` bodies (notes §3b), including the non-standard status 512.
 */
import type { SimContext, SimReply, SimRoute } from '../common/server';
import { currentCall, finishCall, sessionOf, startCall } from './calls';
import { onDialed, onDisposed } from './crm';
import type { AmeyoRuntime } from './runtime';
import { agentLegId, type AmeyoSession } from './seed';
import { isValidPhone } from './upload';

/** The app server's error body (notes §3b: `{"message":"invalid.authentication.token","code":909090,"info":…,"status":401}`). */
export interface RestApiErrorResponseEntity {
  message: string;
  code: number;
  info: string;
  status: number;
}

const restError = (status: number, message: string, code: number, info: string): SimReply => {
  const body: RestApiErrorResponseEntity = { message, code, info, status };
  return { status, body };
};

/** 401 for a missing/wrong `authorization` token: the notes' example body verbatim, `info` our text. */
export const invalidToken = () => restError(401, 'invalid.authentication.token', 909090, 'Authentication token is invalid');
/** 401 for a missing/unknown `sessionId` header. message/code OUR ASSUMPTION, in the style of 909090 (notes §3b). */
export const invalidSession = () => restError(401, 'invalid.session.id', 909092, 'Invalid session id');
/** The non-standard 512 for command errors such as `user.not.found` (notes §3b); code 909091 our assumption. */
const userNotFound = (userId: string) => restError(512, 'user.not.found', 909091, `User ${userId} not found`);
/**
 * 404 / 405 on an `/ameyorestapi` path (notes §3b: "Codes seen: 401, 403, 404, 405"). message/code/info are OUR
 * ASSUMPTION.
 */
export const restNotFound = (path: string) => restError(404, 'resource.not.found', 909404, `No resource at ${path}`);
export const restMethodNotAllowed = (method: string, path: string) => restError(405, 'method.not.allowed', 909405, `Method ${method} is not allowed on ${path}`);

const success = (): SimReply => ({ status: 200, body: { result: 'success', reason: 'success' } });
const failed = (reason: string): SimReply => ({ status: 200, body: { result: 'failed', reason } });

/** The session named by the `sessionId` header (Node lower-cases header names, so any casing works). */
export function sessionFromHeader(rt: AmeyoRuntime, ctx: SimContext): AmeyoSession | undefined {
  const raw = ctx.headers.sessionid;
  const id = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return id ? rt.state.sessions.find((s) => s.sessionId === id) : undefined;
}

/** App server auth for one path; null when the path is not an app server command. */
export function authenticateAppServer(rt: AmeyoRuntime, ctx: SimContext): { principal: unknown } | { reply: SimReply } {
  if (ctx.path === '/ameyorestapi/voice/disposeAndManualDial') {
    const session = sessionFromHeader(rt, ctx);
    // The expiredToken fault: every session counts as expired.
    if (!session || ctx.faults.expiredToken) return { reply: invalidSession() };
    return { principal: { sessionId: session.sessionId } };
  }
  // disposeCallForUser: `authorization: <token>` as in the CRM doc's curl sample (no scheme; our reading).
  if ((ctx.headers.authorization ?? '').trim() !== rt.appServerToken || ctx.faults.expiredToken) return { reply: invalidToken() };
  return { principal: { appServer: true } };
}

const bodyOf = (ctx: SimContext): Record<string, unknown> | null => (typeof ctx.json === 'object' && ctx.json !== null && !Array.isArray(ctx.json) ? (ctx.json as Record<string, unknown>) : null);

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

const planReason = (code: string) => `Disposition ${code} is not in the disposition plan`;

/**
 * `disposeCallForUser`: body `{userId, dispositionCodeName, dispositionParams: {isSelfCallback, callbackTime, phone},
 * requestId, notes}` (casing per notes §3b, unconfirmed). Checks in order:
 *   body not a JSON object, or no userId / dispositionCodeName → 200 failed (our assumption)
 *   unknown user → 512 user.not.found
 *   no session, or the session has no voice call (on call / wrap-up) → 200 failed "No call to dispose for user <id>"
 *   crtObjectId (optional; the CRM document's prose lists it, its sample leaves it out) not the current call → 200 failed
 *   "Invalid crtObjectId" (disposeAndManualDial's wording)
 *   code not in the session campaign's plan → 200 failed
 *   dispositionParams (optional): isSelfCallback "true"/"false"/boolean, callbackTime ISO 8601 or "", phone empty or
 *   valid → else 200 failed "Invalid dispositionParams.<key>" (our assumption)
 * Success: the call is finished (state.calls, state.dispositions) and the agent is Ready with no customer; the
 * campaign's CRM dispose URL, when set, is then loaded (./crm.ts `onDisposed`) without holding up the answer.
 */
function disposeCallForUser(rt: AmeyoRuntime): SimRoute {
  return {
    route: 'POST /ameyorestapi/voice/disposeCallForUser',
    handler: (ctx) => {
      const body = bodyOf(ctx) ?? {};
      const userId = text(body.userId);
      const code = text(body.dispositionCodeName);
      if (!userId || !code) return failed('userId and dispositionCodeName are required');
      if (!rt.state.agents.some((a) => a.userId === userId)) return userNotFound(userId);
      const session = sessionOf(rt, userId);
      const call = session && currentCall(rt, session);
      if (!session || !call) return failed(`No call to dispose for user ${userId}`);
      if (body.crtObjectId !== undefined && text(body.crtObjectId) !== call.crtObjectId) return failed('Invalid crtObjectId');
      if (!(rt.state.dispositionPlans[session.campaignId] ?? []).includes(code)) return failed(planReason(code));

      const p = body.dispositionParams;
      let params: { isSelfCallback: boolean; callbackTime: string | null; phone: string | null } = { isSelfCallback: false, callbackTime: null, phone: null };
      if (p !== undefined && p !== null) {
        if (typeof p !== 'object' || Array.isArray(p)) return failed('Invalid dispositionParams');
        const dp = p as Record<string, unknown>;
        const self = dp.isSelfCallback;
        if (self !== undefined && self !== true && self !== false && self !== 'true' && self !== 'false') {
          return failed('Invalid dispositionParams.isSelfCallback');
        }
        const time = dp.callbackTime;
        if (time !== undefined && time !== null && time !== '' && !(typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(time) && !Number.isNaN(Date.parse(time)))) {
          return failed('Invalid dispositionParams.callbackTime');
        }
        const phone = dp.phone;
        if (phone !== undefined && phone !== null && phone !== '' && !(typeof phone === 'string' && isValidPhone(phone))) {
          return failed('Invalid dispositionParams.phone');
        }
        params = {
          isSelfCallback: self === true || self === 'true',
          callbackTime: typeof time === 'string' && time !== '' ? time : null,
          phone: typeof phone === 'string' && phone !== '' ? phone : null,
        };
      }

      finishCall(rt, session, call, code);
      rt.state.dispositions.push({
        command: 'disposeCallForUser',
        userId,
        sessionId: session.sessionId,
        crtObjectId: call.crtObjectId,
        dispositionCode: code,
        params,
        body: ctx.json,
        atMs: rt.wallNow(),
        simAtMs: rt.simNow(),
      });
      onDisposed(rt, session, call, code, params);
      return success();
    },
  };
}

/**
 * disposeAndManualDial's phone check (our assumption beyond "required"): digits with an optional leading `+`, spaces
 * and dashes dropped, of any length. The document's own sample request dials "465456" (6 digits) and is answered
 * success, so the 7–15 digits of uploads and click-to-dial (./upload.ts `isValidPhone`) would refuse the document.
 */
const isDialablePhone = (v: string) => /^\+?\d+$/.test(v.replace(/[\s-]/g, ''));

/**
 * `disposeAndManualDial`: header `sessionId`, body `{campaignContextId, userCRTObjectId, crtObjectId, dispositionCode,
 * phone, customerId, requestId}` (notes §3b casing). The document requires "campaignId, userCRTObjectId, crtObjectId,
 * customerId (for customer context), dispositionCode, and phone" (its sample spells the campaign `campaignContextId`
 * and sends `"customerId": "-1"`, printed " 1" as the document prints every dash) and answers a failed command
 * `{result: "failed", reason}`. Checks in order (the doc names "missing disposition assignment, invalid crtobjectid,
 * or invalid sessionid"; a missing required key is answered like an invalid one, our wording):
 *   crtObjectId missing or not the session's current voice call → 200 failed "Invalid crtObjectId"
 *   userCRTObjectId missing or not the session's agent leg (`agentLegId`) → 200 failed "Invalid userCRTObjectId"
 *   campaignContextId missing or not the session's campaign → 200 failed "Invalid campaignContextId"
 *   customerId missing or empty → 200 failed "Invalid customerId" (any value is taken: "-1" is no customer, an id
 *     that names no contact of the campaign is the dialed number's contact or none, ./calls.ts `startCall`)
 *   dispositionCode missing or not in the plan → 200 failed "Disposition <code> is not in the disposition plan"
 *   phone missing or not digits (`isDialablePhone`) → 200 failed "Invalid phone number"
 * Success: the call is finished, a new call to
 * `phone` starts ringing (new crt id), recorded in state.dials and state.dispositions. With CRM URLs set
 * (./crm.ts), the dispose URL is loaded for the finished call, then the new call connects and the customer URL is
 * loaded for it, without holding up the answer.
 */
function disposeAndManualDial(rt: AmeyoRuntime): SimRoute {
  return {
    route: 'POST /ameyorestapi/voice/disposeAndManualDial',
    handler: (ctx) => {
      const session = sessionFromHeader(rt, ctx)!; // authenticate checked it
      const body = bodyOf(ctx) ?? {};
      const call = currentCall(rt, session);
      const crtObjectId = text(body.crtObjectId);
      if (!call || crtObjectId !== call.crtObjectId) return failed('Invalid crtObjectId');
      if (text(body.userCRTObjectId) !== agentLegId(session)) return failed('Invalid userCRTObjectId');
      if (text(body.campaignContextId) !== String(session.campaignId)) return failed('Invalid campaignContextId');
      if (text(body.customerId) === null) return failed('Invalid customerId');
      const code = text(body.dispositionCode) ?? '';
      if (!(rt.state.dispositionPlans[session.campaignId] ?? []).includes(code)) return failed(planReason(code));
      const phone = text(body.phone);
      if (!phone || !isDialablePhone(phone)) return failed('Invalid phone number');

      finishCall(rt, session, call, code);
      const atMs = rt.wallNow();
      const simAtMs = rt.simNow();
      rt.state.dispositions.push({
        command: 'disposeAndManualDial',
        userId: session.userId,
        sessionId: session.sessionId,
        crtObjectId: call.crtObjectId,
        dispositionCode: code,
        params: null,
        body: ctx.json,
        atMs,
        simAtMs,
      });
      onDisposed(rt, session, call, code, null);
      const next = startCall(rt, session, phone, body.customerId);
      rt.state.dials.push({
        command: 'disposeAndManualDial',
        userId: session.userId,
        campaignId: session.campaignId,
        phone,
        crtObjectId: next.crtObjectId,
        body: ctx.json,
        atMs,
        simAtMs,
      });
      onDialed(rt, session, { phone, campaignId: session.campaignId, started: next });
      return success();
    },
  };
}

export function appServerRoutes(rt: AmeyoRuntime): SimRoute[] {
  return [disposeCallForUser(rt), disposeAndManualDial(rt)];
}
