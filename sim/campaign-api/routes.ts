// The campaign-API route table (campaign-api-9443.txt). Every route but login needs a Bearer token or X-API-Key
// plus X-Account-ID (auth.ts); every 400 answers the doc's bare string "The information sent is invalid.".
import type { SimContext, SimReply, SimRoute } from '../common/server';
import type { TokenIssuer } from './auth';
import { invalidCredentials, invalidInformation } from './errors';
import type { CampaignActivity, CampaignApiState } from './seed';
import { activityCallUuid, addLead, campaignLeads, deleteLead, findCampaign, setLeadStatus, setVoicemailDisposition } from './store';
import { isLeadStatus, parseAddLeadBody, parsePageSize, parseUnixTime } from './validate';
import { leadView, leadsStatusReportText, queuesStatusView } from './views';

/** What the handlers share. */
export interface RouteDeps {
  state: CampaignApiState;
  tokens: TokenIssuer;
  /** How the activity report answers (`CampaignApiSimOptions.activityAnswer`); changeable while running. */
  shapes: { activityAnswer: ActivityAnswer };
}

/** `array`: the document's bare array, paged by index; `envelope`: `{data, next_start_key}` as report clients see it (notes §2). */
export type ActivityAnswer = 'array' | 'envelope';

interface LoginBody {
  username: string;
  password: string;
  domain: string;
}

/** The login body, or null when it is not JSON or lacks a non-empty string field. */
export function parseLoginBody(json: unknown): LoginBody | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const { username, password, domain } = json as Record<string, unknown>;
  const ok = (v: unknown): v is string => typeof v === 'string' && v !== '';
  return ok(username) && ok(password) && ok(domain) ? { username, password, domain } : null;
}

/**
 * `POST /api/v2/login` (vendor doc). Bad body: 400 (doc); wrong credentials: 401 (notes §2, [T]).
 * The `/api/v2/config/login` variant some deployments use (notes §2) is not served.
 */
function login({ state, tokens }: RouteDeps, ctx: SimContext): SimReply {
  const body = parseLoginBody(ctx.json);
  if (!body) return invalidInformation();
  const account = state.accounts.find((a) => a.username === body.username && a.password === body.password && a.domain === body.domain);
  if (!account) return invalidCredentials();
  return { status: 200, body: { user: { ...account.user }, ...tokens.issue(account) } };
}

/** A 200 whose body is a bare JSON string (the doc's description of the 200 used as the body; our assumption). */
const okText = (text: string): SimReply => ({ status: 200, body: text });

/** Success bodies of the mutations: the doc's 200 descriptions, word for word. */
export const LEAD_STATUS_SET = 'Lead status set successfully.';
export const LEAD_DELETED = 'Lead deleted successfully.';
export const DISPOSITION_SET = 'Call disposition set successfully.';

/**
 * `GET /api/v2/reports/campaigns/leads/status`: written as text so that "success" can appear twice
 * (see `leadsStatusReportText`). A string body with an explicit content type is sent as is by the engine.
 */
function leadsStatusReport({ state }: RouteDeps): SimReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: leadsStatusReportText(state),
  };
}

/**
 * `GET /api/v2/config/campaigns/:campaignId/leads?page_size=&next_start_key=`. Our assumptions (the doc shows
 * only a full page with a key): leads in stored (creation) order; `page_size` 1..1000, default 100; the answer's
 * `next_start_key` is the id of the page's last lead and is OMITTED on the last page; a request's
 * `next_start_key` means "start after the lead with this id" (empty = absent); an id that is not a lead of this
 * campaign (including one deleted since) and an unknown campaign are 400 (the doc lists only 400 and 500).
 */
function listLeads({ state }: RouteDeps, ctx: SimContext): SimReply {
  const campaignId = ctx.params.campaignId ?? '';
  if (!findCampaign(state, campaignId)) return invalidInformation();
  const pageSize = parsePageSize(ctx.query.get('page_size'));
  if (pageSize === null) return invalidInformation();
  const leads = campaignLeads(state, campaignId);
  const startKey = ctx.query.get('next_start_key') || null;
  let start = 0;
  if (startKey !== null) {
    const index = leads.findIndex((l) => l.id === startKey);
    if (index < 0) return invalidInformation();
    start = index + 1;
  }
  const page = leads.slice(start, start + pageSize);
  const more = start + page.length < leads.length;
  return {
    status: 200,
    body: { data: page.map(leadView), ...(more && { next_start_key: page[page.length - 1]!.id }) },
  };
}

/** The history report's page key: the call uuid of the page's last record (= its CDR id). Opaque to clients. */
export function historyKey(record: CampaignActivity): string {
  return activityCallUuid(record) ?? `${record.timestamp}`;
}

/**
 * `GET /api/v2/reports/campaigns/leads/history?startDate=&endDate=&pageSize=&startKey=`. Our assumptions:
 * - `startDate`/`endDate` are Unix seconds (notes §2), or milliseconds when above 1e12 (the doc's sample endDate);
 *   both required, both inclusive, endDate >= startDate; the doc sample's typo `starDate` is not read (absent).
 * - `pageSize` 1..1000, default 100.
 * - Records by `timestamp` ascending (ties in stored order).
 * - `activityAnswer: 'array'` (the default): the document's answer, a bare array of records. `startKey` is its
 *   "pagination index": the index of the page's first record in the requested range (our reading); anything but
 *   a non-negative integer is a 400, and past the end the page is empty.
 * - `activityAnswer: 'envelope'`: `{data: [records], next_start_key}` (notes §2 [T]: report records under `data`,
 *   pages follow `next_start_key`); the key is omitted on the last page. `startKey` is a previous page's
 *   `next_start_key`: the call uuid of that page's last record; a key that names no record in the range is a 400.
 */
function leadsHistory({ state, shapes }: RouteDeps, ctx: SimContext): SimReply {
  const from = parseUnixTime(ctx.query.get('startDate'));
  const to = parseUnixTime(ctx.query.get('endDate'));
  if (from === null || to === null || to < from) return invalidInformation();
  const pageSize = parsePageSize(ctx.query.get('pageSize'));
  if (pageSize === null) return invalidInformation();
  const records = state.activity
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.timestamp >= from && record.timestamp <= to)
    .sort((a, b) => a.record.timestamp - b.record.timestamp || a.index - b.index)
    .map(({ record }) => record);
  const startKey = ctx.query.get('startKey') || null;
  if (shapes.activityAnswer === 'array') {
    if (startKey !== null && !/^\d+$/.test(startKey)) return invalidInformation();
    const from = startKey === null ? 0 : Number(startKey);
    // A deep copy, so a client (or test) holding the answer never aliases the state.
    return { status: 200, body: structuredClone(records.slice(from, from + pageSize)) };
  }
  let start = 0;
  if (startKey !== null) {
    const index = records.findIndex((r) => historyKey(r) === startKey);
    if (index < 0) return invalidInformation();
    start = index + 1;
  }
  const page = records.slice(start, start + pageSize);
  const more = start + page.length < records.length;
  return {
    status: 200,
    // A deep copy, so a client (or test) holding the answer never aliases the state.
    body: { data: structuredClone(page), ...(more && { next_start_key: historyKey(page[page.length - 1]!) }) },
  };
}

/**
 * `PUT` (vendor doc) and `POST` (notes §2: the Frappe client) `/api/v2/config/campaigns/:campaignId/lead`.
 * Our assumption: 200 answers the created lead in the leads-list shape (the doc only says "Lead added to
 * campaign successfully."). Bad body (see `parseAddLeadBody`) or unknown campaign: 400.
 */
function addLeadRoute({ state }: RouteDeps, ctx: SimContext): SimReply {
  const campaignId = ctx.params.campaignId ?? '';
  if (!findCampaign(state, campaignId)) return invalidInformation();
  const input = parseAddLeadBody(ctx.json);
  if (!input) return invalidInformation();
  return { status: 200, body: leadView(addLead(state, campaignId, input)) };
}

/** `POST /api/v2/config/campaigns/leads/:leadId/status/:status`: status one of `LEAD_STATUSES`; else, or unknown lead, 400. */
function setLeadStatusRoute({ state }: RouteDeps, ctx: SimContext): SimReply {
  const status = ctx.params.status ?? '';
  if (!isLeadStatus(status)) return invalidInformation();
  return setLeadStatus(state, ctx.params.leadId ?? '', status) ? okText(LEAD_STATUS_SET) : invalidInformation();
}

/** `DELETE /api/v2/config/campaigns/leads/:leadId`; unknown lead: 400 (the doc lists only 400/500). */
function deleteLeadRoute({ state }: RouteDeps, ctx: SimContext): SimReply {
  return deleteLead(state, ctx.params.leadId ?? '') ? okText(LEAD_DELETED) : invalidInformation();
}

/**
 * `PUT /api/v2/config/campaigns/call/:cdrId/disposition/voicemail`. The cdrId is the call uuid of an activity
 * record (`lead_history[].uuid`, our assumption, see `CallDetailRecord`); unknown: 400.
 */
function voicemailDisposition({ state }: RouteDeps, ctx: SimContext): SimReply {
  return setVoicemailDisposition(state, ctx.params.cdrId ?? '') ? okText(DISPOSITION_SET) : invalidInformation();
}

export function campaignApiRoutes(deps: RouteDeps): SimRoute[] {
  return [
    { route: 'POST /api/v2/login', public: true, handler: (ctx) => login(deps, ctx) },
    { route: 'GET /callcenter/queues/status', handler: () => ({ status: 200, body: queuesStatusView(deps.state) }) },
    { route: 'GET /api/v2/reports/campaigns/leads/status', handler: () => leadsStatusReport(deps) },
    { route: 'GET /api/v2/reports/campaigns/leads/history', handler: (ctx) => leadsHistory(deps, ctx) },
    { route: 'GET /api/v2/config/campaigns/:campaignId/leads', handler: (ctx) => listLeads(deps, ctx) },
    { route: 'PUT /api/v2/config/campaigns/:campaignId/lead', handler: (ctx) => addLeadRoute(deps, ctx) },
    { route: 'POST /api/v2/config/campaigns/:campaignId/lead', handler: (ctx) => addLeadRoute(deps, ctx) },
    { route: 'POST /api/v2/config/campaigns/leads/:leadId/status/:status', handler: (ctx) => setLeadStatusRoute(deps, ctx) },
    { route: 'DELETE /api/v2/config/campaigns/leads/:leadId', handler: (ctx) => deleteLeadRoute(deps, ctx) },
    { route: 'PUT /api/v2/config/campaigns/call/:cdrId/disposition/voicemail', handler: (ctx) => voicemailDisposition(deps, ctx) },
  ];
}
