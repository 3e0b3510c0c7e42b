/**
 * What Ameyo's URL-based CRM integration sends the CRM (ameyo-crm-url-integration.txt; parameter casing per
 * notes/vendors-real-world.md §3a): the four URLs Ameyo's embedded browser GETs, their query parameters, the
 * dispose URL's `dispositionAttribute`, and the single sign-on API's request and answer shapes. The HTTP route
 * (src/http/routes/ameyoCrm.ts) and the domain (src/domain/screenPops.ts) know none of these names.
 */
import type { ScreenPopContext } from '../../live/events';
import type { AgentLeg, AgentLegStore } from '../../state/agentLegs';

/** The CRM URLs by the last path segment the gateway serves them under (README "Ameyo CRM integration"). */
export const AMEYO_CRM_PAGES: ReadonlyMap<string, ScreenPopContext['page']> = new Map([
  ['knowledge-base', 'KNOWLEDGE_BASE'],
  ['customer', 'CUSTOMER'],
  ['preview', 'PREVIEW'],
  ['dispose', 'DISPOSE'],
]);

/** The query parameter that carries the connection's URL secret (ours: Ameyo appends its own after it). */
export const CRM_URL_SECRET_PARAM = 'key';
/** The SSO session Ameyo appends after a login through the SSO API. */
export const CRM_SESSION_PARAM = 'crmSessionId';

const first = (q: URLSearchParams, ...names: string[]): string | null => {
  for (const n of names) {
    const v = q.get(n);
    if (v !== null && v.trim() !== '') return v.trim();
  }
  return null;
};

/**
 * The call and agent context of one CRM URL call. The document names `disposition`; the dacx samples of §3a
 * `dispositionCode` (and `dispositionName` inbound), accepted in that order; `selfCallback=true` (§3a) is kept as
 * the `selfcallback` attribute.
 */
export function crmContextOf(page: ScreenPopContext['page'], q: URLSearchParams): ScreenPopContext {
  let attribute = first(q, 'dispositionAttribute');
  if (q.get('selfCallback')?.toLowerCase() === 'true' && !/\bselfcallback\b/i.test(attribute ?? '')) attribute = attribute ? `${attribute} selfcallback` : 'selfcallback';
  return {
    page,
    sessionNativeId: first(q, 'sessionId'),
    campaignNativeId: first(q, 'campaignId'),
    crtObjectId: first(q, 'crtObjectId'),
    userCrtObjectId: first(q, 'userCrtObjectId'),
    userNativeId: first(q, 'userId'),
    customerNativeId: first(q, 'customerId', 'customerCRTId'),
    phone: first(q, 'phone', 'dstPhone'),
    queueNativeId: first(q, 'queueId'),
    queueName: first(q, 'queueName'),
    disposition: first(q, 'disposition', 'dispositionCode', 'dispositionName'),
    dispositionAttribute: attribute,
  };
}

/**
 * How long a leg named by a CRM URL is kept: an agent's shift (12 h). A leg belongs to one Ameyo session (the
 * document's sample `d202-5b4d83c1-ses-agent-vmvuggpb-1-uce-5` names its session), and the dialer uses a record only
 * while the agent's current session is the one it came with, so the time only bounds what the store holds: long enough
 * that an agent logged in all shift, whose customer URL loaded once at its first call, still has it.
 */
export const AGENT_LEG_TTL_MS = 12 * 60 * 60 * 1000; // 12 h

/**
 * The agent's voice leg a CRM URL call names: `userCrtObjectId` with `userId` and `sessionId` (the document's customer,
 * preview and dispose URL parameters); null when one of them is missing.
 */
export function agentLegOfCall(context: ScreenPopContext): { userId: string; leg: Omit<AgentLeg, 'expiresAtMs'> } | null {
  if (!context.userNativeId || !context.userCrtObjectId || !context.sessionNativeId) return null;
  return { userId: context.userNativeId, leg: { legId: context.userCrtObjectId, sessionId: context.sessionNativeId } };
}

/** The leg an agent's CRM URLs last named on one tenant's connection, with the Ameyo session it belongs to. */
export type RecordedLegs = (userId: string) => Promise<Omit<AgentLeg, 'expiresAtMs'> | null>;

export const recordedLegs =
  (store: AgentLegStore, tenantId: string, connectionId: string): RecordedLegs =>
  (userId) =>
    store.find(tenantId, connectionId, userId);

/** A callback the `dispositionAttribute` asks for. */
export interface CallbackAttribute {
  /** `local` (the agent's time), `customer` (the customer's), `after` (not before), or none: only `selfcallback`. */
  kind: 'local' | 'customer' | 'after' | null;
  /** The date and time as Ameyo wrote it, read as UTC (OUR ASSUMPTION: the document gives no zone or format). */
  at: Date | null;
  selfCallback: boolean;
}

/**
 * `local <date time>`, `customer <date time>`, `after <date time>`, `selfcallback`, alone or together
 * (`customer 2026-12-07 10:30 selfcallback`). The date time: `YYYY-MM-DD HH:MM[:SS]` or ISO 8601. Null when the
 * attribute says none of these; a kind with a date that does not parse is an error message.
 */
export function parseDispositionAttribute(attribute: string | null): CallbackAttribute | { error: string } | null {
  if (!attribute) return null;
  const text = attribute.trim();
  const selfCallback = /(^|\s)selfcallback(\s|$)/i.test(text);
  const rest = text.replace(/(^|\s)selfcallback(?=\s|$)/gi, ' ').trim();
  if (rest === '') return selfCallback ? { kind: null, at: null, selfCallback } : null;
  const m = /^(local|customer|after)\s+(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)Z?$/i.exec(rest);
  if (!m) return { error: `expected dispositionAttribute to be "local|customer|after <YYYY-MM-DD HH:MM[:SS]>" and/or "selfcallback", got ${JSON.stringify(attribute)}` };
  const at = new Date(`${m[2]}T${m[3]!.length === 5 ? `${m[3]}:00` : m[3]}Z`);
  if (Number.isNaN(at.getTime())) return { error: `dispositionAttribute has no valid date and time: ${JSON.stringify(attribute)}` };
  return { kind: m[1]!.toLowerCase() as CallbackAttribute['kind'], at, selfCallback };
}

/** A request to the SSO API (row 10), or what is wrong with it. */
export type SsoRequest = { command: 'login'; userId: string; password: string } | { command: 'logout'; crmSessionId: string } | { error: string };

/**
 * The SSO API's body: `application/json` `{"userId","password","command":"login"}` / `{"command":"logout","crmSessionId"}`,
 * or `application/x-www-form-urlencoded` `request=<that JSON>` (the document's two samples).
 */
export function parseSsoRequest(contentType: string | undefined, body: Buffer): SsoRequest {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let json: string;
  if (type === 'application/json') json = body.toString('utf8');
  else if (type === 'application/x-www-form-urlencoded') {
    const request = new URLSearchParams(body.toString('utf8')).get('request');
    if (request === null) return { error: 'expected a form field request={"command":...}' };
    json = request;
  } else return { error: 'expected Content-Type application/json or application/x-www-form-urlencoded' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { error: 'the request is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object with command' };
  const o = value as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && (o[k] as string) !== '' ? (o[k] as string) : null);
  if (o['command'] === 'login') {
    const userId = str('userId');
    const password = str('password');
    if (!userId || !password) return { error: 'login needs userId and password' };
    return { command: 'login', userId, password };
  }
  if (o['command'] === 'logout') {
    const crmSessionId = str('crmSessionId');
    if (!crmSessionId) return { error: 'logout needs crmSessionId' };
    return { command: 'logout', crmSessionId };
  }
  return { error: 'expected command to be "login" or "logout"' };
}

/** The SSO API's answer: `{status, crmSessionId, message}` (login) or `{status, message}` (logout, failures). */
export const ssoAnswer = (status: 'success' | 'failed', message: string, crmSessionId?: string) => (crmSessionId ? { status, crmSessionId, message } : { status, message });
