/**
 * Web-access commands (`/ameyowebaccess/command?command=<name>`; CRM doc "Manual dial API" and "Voice logs API";
 * notes §3c), with the token headers `hash-key`, `policy-name`, `requesting-host`:
 *   POST      /ameyowebaccess/command/?command=clickToDialWithTokenAsync   (also without the trailing slash)
 *   GET|POST  /ameyowebaccess/command?command=downloadVoiceLog&data=<JSON>  (also with the trailing slash)
 * Errors use the command error shape of notes §3c: `{"status":"error","reason":…,"details":…}` (texts ours).
 */
import type { SimContext, SimReply, SimRoute } from '../common/server';
import { voiceLogMp3, voiceLogWav } from './audio';
import { sessionOf } from './calls';
import { onDialed } from './crm';
import type { AmeyoRuntime } from './runtime';
import { isValidPhone } from './upload';

/** The only accepted `policy-name` (notes §3c). */
export const WEB_ACCESS_POLICY_NAME = 'token-based-authorization-policy';

/** The web-access command error body (notes §3c, e.g. ping-session's). */
export interface WebAccessError {
  status: 'error';
  reason: string;
  details: string;
}

export const webError = (httpStatus: number, reason: string, details: string): SimReply => {
  const body: WebAccessError = { status: 'error', reason, details };
  return { status: httpStatus, body };
};

const header = (ctx: SimContext, name: string): string | undefined => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** All three headers must be present and right, else 401 "Invalid token" (texts ours; shape notes §3c). */
export function authenticateWebAccess(rt: AmeyoRuntime, ctx: SimContext): { principal: unknown } | { reply: SimReply } {
  const ok = header(ctx, 'hash-key') === rt.hashKey && header(ctx, 'policy-name') === WEB_ACCESS_POLICY_NAME && header(ctx, 'requesting-host') === rt.requestingHost && !ctx.faults.expiredToken;
  if (!ok) return { reply: webError(401, 'Invalid token', 'Authentication failed for the web access command') };
  return { principal: { hashKey: rt.hashKey } };
}

const success = (): SimReply => ({ status: 200, body: { result: 'success', reason: 'success' } });
const failed = (reason: string): SimReply => ({ status: 200, body: { result: 'failed', reason } });

/**
 * The command's `data`: the `data` query parameter, else for a POST a form body `data=<json>` (the style notes §3c
 * say production clients use for clickToDialWithToken), else the raw JSON body (the CRM doc's clickToDial sample).
 * undefined = nothing sent; null = sent but not JSON.
 */
function commandData(ctx: SimContext, bodyFirst: boolean): unknown {
  const fromQuery = ctx.query.get('data');
  let fromForm: string | null = null;
  if (/^application\/x-www-form-urlencoded/i.test(header(ctx, 'content-type') ?? '')) {
    fromForm = new URLSearchParams(ctx.rawBody.toString('utf8')).get('data');
  }
  const parse = (s: string) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return null;
    }
  };
  const raw = bodyFirst ? (fromForm ?? fromQuery) : (fromQuery ?? fromForm);
  if (raw !== null) return parse(raw);
  if (bodyFirst && ctx.rawBody.length > 0) return ctx.json === undefined ? null : ctx.json;
  return undefined;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

/**
 * `clickToDialWithTokenAsync`: JSON body `{userId, campaignId, phone, shouldAddCustomer?, customerRecord?,
 * additionalParams?}` (camelCase per notes §3c). 200 `{result, reason}`, failures in this order (texts ours):
 * required fields, unknown user, user not logged in, unknown campaign, invalid phone. The dial is asynchronous:
 * it is recorded in state.dials and the agent's session is not changed (our assumption: the simulator does not
 * model the call's progress), except with a CRM customer URL for the agent's campaign (./crm.ts `onDialed`): the
 * call then starts and connects, its crt id is the dial's, and the customer URL is loaded without holding up the
 * answer.
 */
function clickToDial(rt: AmeyoRuntime, ctx: SimContext): SimReply {
  const data = commandData(ctx, true);
  const body = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const userId = text(body.userId);
  const campaignId = text(body.campaignId);
  const phone = text(body.phone);
  if (!userId || !campaignId || !phone) return failed('userId, campaignId and phone are required');
  if (!rt.state.agents.some((a) => a.userId === userId)) return failed(`User ${userId} not found`);
  const session = sessionOf(rt, userId);
  if (!session) return failed(`User ${userId} is not logged in`);
  const campaign = rt.state.campaigns.find((c) => String(c.campaignId) === campaignId);
  if (!campaign) return failed(`Campaign ${campaignId} not found`);
  if (!isValidPhone(phone)) return failed('Invalid phone number');
  const call = onDialed(rt, session, { phone, campaignId: campaign.campaignId });
  rt.state.dials.push({
    command: 'clickToDialWithTokenAsync',
    userId,
    campaignId: campaign.campaignId,
    phone,
    crtObjectId: call?.crtObjectId ?? null,
    body: data,
    atMs: rt.wallNow(),
    simAtMs: rt.simNow(),
  });
  return success();
}

const VOICE_LOG_FORMATS = { wav: 'audio/wav', mp3: 'audio/mpeg' } as const;

/**
 * `downloadVoiceLog`: `data={"crtObjectId": "...", "targetFormat": "wav"|"mp3"}` (notes §3c; `wav` when omitted,
 * matched case-insensitively — our assumption). A finished call with a recording → 200 with the file as an
 * attachment; any other crt id (unknown, no recording, or a call still live) → 200 JSON "could not be found"
 * (CRM doc: "failures return a json message indicating the recording could not be found"); bad data → 400.
 */
function downloadVoiceLog(rt: AmeyoRuntime, ctx: SimContext): SimReply {
  const data = commandData(ctx, false);
  if (data === undefined) return webError(400, 'Invalid data', "Missing parameter 'data'");
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return webError(400, 'Invalid data', "Parameter 'data' must be a JSON object");
  }
  const d = data as Record<string, unknown>;
  const crtObjectId = text(d.crtObjectId);
  if (!crtObjectId) return webError(400, 'Invalid data', "'crtObjectId' is required");
  const formatRaw = d.targetFormat === undefined || d.targetFormat === null || d.targetFormat === '' ? 'wav' : d.targetFormat;
  const format = typeof formatRaw === 'string' ? formatRaw.toLowerCase() : '';
  if (format !== 'wav' && format !== 'mp3') return webError(400, 'Invalid data', "'targetFormat' must be 'wav' or 'mp3'");

  const call = rt.state.calls.find((c) => c.crtObjectId === crtObjectId);
  if (!call || !call.hasRecording) {
    return webError(200, 'Voice log could not be found', `No recording for crtObjectId ${crtObjectId}`);
  }
  const bytes = format === 'wav' ? voiceLogWav(crtObjectId) : voiceLogMp3(crtObjectId);
  return {
    status: 200,
    headers: {
      'content-type': VOICE_LOG_FORMATS[format],
      'content-disposition': `attachment; filename="${crtObjectId}.${format}"`,
    },
    body: bytes, // the engine sets content-length
  };
}

/** Commands by HTTP method. clickToDial is POST only (doc); downloadVoiceLog GET or POST (doc). */
const COMMANDS: Record<string, { methods: string[]; run: (rt: AmeyoRuntime, ctx: SimContext) => SimReply }> = {
  clickToDialWithTokenAsync: { methods: ['POST'], run: clickToDial },
  downloadVoiceLog: { methods: ['GET', 'POST'], run: downloadVoiceLog },
};

/**
 * Dispatch on `command` (exact, case-sensitive; our assumption). A missing or unknown command, or a known one under
 * a method it does not take → 400 "Unknown command" (our assumption).
 */
function dispatch(rt: AmeyoRuntime) {
  return (ctx: SimContext): SimReply => {
    const command = ctx.query.get('command');
    if (!command) return webError(400, 'Unknown command', "Missing parameter 'command'");
    const def = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!def) return webError(400, 'Unknown command', `Unknown command '${command}'`);
    if (!def.methods.includes(ctx.method)) return webError(400, 'Unknown command', `Command '${command}' does not support ${ctx.method}`);
    return def.run(rt, ctx);
  };
}

/**
 * `/ameyowebaccess/command/` (trailing slash: the doc's manual-dial URL) and `/ameyowebaccess/command` (its
 * voice-log URL), each for GET and POST: both spellings appear in the doc and in client code, so both are served.
 */
export function webAccessRoutes(rt: AmeyoRuntime): SimRoute[] {
  const handler = dispatch(rt);
  return ['/ameyowebaccess/command/', '/ameyowebaccess/command'].flatMap((path) => [
    { route: `POST ${path}`, handler },
    { route: `GET ${path}`, handler },
  ]);
}
