/** The data-engine monitoring API: `GET /v4/cc-list/:ccId/monitoring/user-session-information` and its four tables. */
import type { SimContext, SimReply, SimRoute } from '../common/server';
import { badRequest, envelope, notFound } from './errors';
import type { AmeyoRuntime } from './runtime';
import {
  agentLegId,
  AMEYO_LOGGED_OFF,
  type AmeyoAgent,
  type AmeyoCampaign,
  type AmeyoChannelType,
  type AmeyoContact,
  type AmeyoCustomerStatus,
  type AmeyoInteraction,
  type AmeyoQueue,
  type AmeyoSession,
  type AmeyoState,
  type AmeyoUserStatus,
  type AmeyoUserType,
} from './seed';

/** `table-name` values (vendor doc: "Available values: user-runtime-information, user-session-information, chat-information, customer-information"). */
export const MONITORING_TABLES = ['user-runtime-information', 'user-session-information', 'chat-information', 'customer-information'] as const;
export type MonitoringTable = (typeof MONITORING_TABLES)[number];

/** `customer_details` exactly as in the doc's example row. */
export interface CustomerDetails {
  id: number | null;
  name: string | null;
  phone_info: { phone: string | null; display_phone: string | null; unique_identifier: string | null };
  crt_object_id: string | null;
  addition_details: Record<string, unknown>;
}

/**
 * `table-name=user-session-information`: one row per logged-in agent. Every field of the doc's example row, in
 * its order, plus `session_id`, `user_type` and `call_id` (OUR ADDITIONS: the doc's `session-ids`, `user-types`
 * and `call-ids` filters need fields to filter on). Durations are whole seconds (unit undocumented; our assumption).
 */
export interface UserSessionRow {
  contact_center_id: number;
  user_id: string;
  user_name: string;
  user_status: AmeyoUserStatus;
  user_status_duration: number;
  service_info: { instance_id: string | null; sip_trunk_id: string | null; grpc_callback_url: string | null };
  campaign_id: number;
  campaign_name: string;
  queue_id: number | null;
  queue_name: string | null;
  /** `<user_id>_<campaign_id>`, as in the doc's example (`sachin_exe2_389`). */
  interaction_id: string;
  channel_details: { channel_type: AmeyoChannelType; addition_details: Record<string, unknown> };
  customer_status: AmeyoCustomerStatus | null;
  customer_status_duration: number | null;
  customer_details: CustomerDetails;
  waiting: boolean;
  session_id: string;
  user_type: AmeyoUserType;
  call_id: string | null;
}

/**
 * `addition_details` is `{}`, as the document prints it. Only with the simulator's `agentLegInSessionRow` option does a
 * voice session's row name the agent's own leg there (`user_crt_object_id`, see `agentLegId`: not documented), for
 * tests of a gateway that reads it defensively.
 */
function channelDetails(view: View, channelType: AmeyoChannelType, s: AmeyoSession): UserSessionRow['channel_details'] {
  return { channel_type: channelType, addition_details: view.agentLegInSessionRow && channelType === 'VOICE' ? { user_crt_object_id: agentLegId(s) } : {} };
}

/**
 * `table-name=user-runtime-information` (OUR DESIGN; the doc gives no example): one row per agent, including
 * logged-off agents (`user_status` "Logged Off", `session_id`/campaign/queue null, `user_status_duration` =
 * seconds since logout). `calls_handled` and `talk_time` (seconds) come from the finished call records.
 */
export interface UserRuntimeRow {
  contact_center_id: number;
  user_id: string;
  user_name: string;
  user_type: AmeyoUserType;
  user_status: AmeyoUserStatus | typeof AMEYO_LOGGED_OFF;
  user_status_duration: number | null;
  session_id: string | null;
  login_time: string | null;
  logout_time: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  queue_id: number | null;
  queue_name: string | null;
  channel_type: AmeyoChannelType | null;
  call_id: string | null;
  chat_id: string | null;
  customer_status: AmeyoCustomerStatus | null;
  calls_handled: number;
  talk_time: number;
}

/**
 * `table-name=chat-information` (OUR DESIGN): one row per live chat, with an agent or waiting in a queue
 * (`waiting` true, agent fields null, `customer_status` "Inactive").
 */
export interface ChatRow {
  contact_center_id: number;
  chat_id: string;
  session_id: string | null;
  user_id: string | null;
  user_name: string | null;
  campaign_id: number;
  campaign_name: string;
  queue_id: number | null;
  queue_name: string | null;
  customer_status: AmeyoCustomerStatus;
  customer_status_duration: number;
  chat_start_time: string;
  chat_duration: number;
  customer_details: CustomerDetails;
  waiting: boolean;
}

/**
 * `table-name=customer-information` (OUR DESIGN): one flat row per customer in a live call or chat (ringing,
 * connected, hung up in the agent's wrap-up, or waiting in a queue). `call_id` is set for VOICE, `chat_id` for
 * CHAT. `display_phone` masks all but the last four digits (our assumption).
 */
export interface CustomerRow {
  contact_center_id: number;
  customer_id: number;
  customer_name: string | null;
  phone: string | null;
  display_phone: string | null;
  unique_identifier: string | null;
  crt_object_id: string;
  channel_type: AmeyoChannelType;
  call_id: string | null;
  chat_id: string | null;
  session_id: string | null;
  user_id: string | null;
  user_name: string | null;
  campaign_id: number;
  campaign_name: string;
  queue_id: number | null;
  queue_name: string | null;
  customer_status: AmeyoCustomerStatus;
  customer_status_duration: number;
  waiting: boolean;
}

type Row = Record<string, unknown>;

/** Lookups over the state for one request, at one instant of the simulated clock. */
class View {
  readonly campaigns: Map<number, AmeyoCampaign>;
  readonly queues: Map<number, AmeyoQueue>;
  readonly contacts: Map<number, AmeyoContact>;
  readonly agents: Map<string, AmeyoAgent>;
  readonly sessions: Map<string, AmeyoSession>;
  readonly sessionByUser: Map<string, AmeyoSession>;
  readonly interactionBySession: Map<string, AmeyoInteraction>;

  constructor(
    readonly state: AmeyoState,
    readonly nowMs: number,
    readonly agentLegInSessionRow: boolean,
  ) {
    this.campaigns = new Map(state.campaigns.map((c) => [c.campaignId, c]));
    this.queues = new Map(state.queues.map((q) => [q.queueId, q]));
    this.contacts = new Map(state.contacts.map((c) => [c.customerId, c]));
    this.agents = new Map(state.agents.map((a) => [a.userId, a]));
    this.sessions = new Map(state.sessions.map((s) => [s.sessionId, s]));
    this.sessionByUser = new Map(state.sessions.map((s) => [s.userId, s]));
    this.interactionBySession = new Map(state.interactions.filter((i) => i.sessionId !== null).map((i) => [i.sessionId!, i]));
  }

  seconds(sinceMs: number): number {
    return Math.max(0, Math.floor((this.nowMs - sinceMs) / 1000));
  }
  campaignName(id: number): string {
    return this.campaigns.get(id)?.campaignName ?? `campaign_${id}`;
  }
  queueName(id: number | null): string | null {
    return id === null ? null : (this.queues.get(id)?.queueName ?? null);
  }
  /** The agent on an interaction, if any. */
  agentOf(i: AmeyoInteraction): AmeyoAgent | null {
    const session = i.sessionId === null ? undefined : this.sessions.get(i.sessionId);
    return (session && this.agents.get(session.userId)) ?? null;
  }
}

const maskPhone = (phone: string) => phone.slice(0, -4).replace(/\d/g, 'X') + phone.slice(-4);

function customerDetails(view: View, i: AmeyoInteraction | undefined): CustomerDetails {
  const contact = i && view.contacts.get(i.customerId);
  if (!i) {
    // Idle agent: all nulls, as in the doc's example row.
    return { id: null, name: null, phone_info: { phone: null, display_phone: null, unique_identifier: null }, crt_object_id: null, addition_details: {} };
  }
  const phone = contact?.phone1 ?? i.phone ?? null; // i.phone: a manual dial to a number that is no contact
  return {
    id: i.customerId,
    name: contact?.name ?? null,
    phone_info: { phone, display_phone: phone && maskPhone(phone), unique_identifier: phone },
    crt_object_id: i.crtObjectId,
    addition_details: {},
  };
}

function sessionRow(view: View, s: AmeyoSession): UserSessionRow {
  const agent = view.agents.get(s.userId);
  const campaign = view.campaigns.get(s.campaignId);
  const i = view.interactionBySession.get(s.sessionId);
  return {
    contact_center_id: view.state.ccId,
    user_id: s.userId,
    user_name: agent?.userName ?? s.userId,
    user_status: s.userStatus,
    user_status_duration: view.seconds(s.userStatusSinceMs),
    // Idle agents have null service_info, as in the doc's example; busy ones show where the interaction runs.
    service_info: i
      ? { instance_id: s.instanceId, sip_trunk_id: i.sipTrunkId, grpc_callback_url: `grpc://${s.instanceId}.data-engine:50051/callback` }
      : { instance_id: null, sip_trunk_id: null, grpc_callback_url: null },
    campaign_id: s.campaignId,
    campaign_name: view.campaignName(s.campaignId),
    queue_id: s.queueId,
    queue_name: view.queueName(s.queueId),
    interaction_id: `${s.userId}_${s.campaignId}`,
    channel_details: channelDetails(view, i?.channelType ?? campaign?.channelType ?? 'VOICE', s),
    customer_status: i?.customerStatus ?? null,
    customer_status_duration: i ? view.seconds(i.customerStatusSinceMs) : null,
    customer_details: customerDetails(view, i),
    waiting: false,
    session_id: s.sessionId,
    user_type: agent?.userType ?? 'Executive',
    call_id: i?.callId ?? null,
  };
}

function runtimeRow(view: View, a: AmeyoAgent): UserRuntimeRow {
  const s = view.sessionByUser.get(a.userId);
  const i = s && view.interactionBySession.get(s.sessionId);
  const cdrs = view.state.calls.filter((c) => c.userId === a.userId);
  return {
    contact_center_id: view.state.ccId,
    user_id: a.userId,
    user_name: a.userName,
    user_type: a.userType,
    user_status: s?.userStatus ?? AMEYO_LOGGED_OFF,
    user_status_duration: s ? view.seconds(s.userStatusSinceMs) : a.lastLogoutAtMs === null ? null : view.seconds(a.lastLogoutAtMs),
    session_id: s?.sessionId ?? null,
    login_time: s ? new Date(s.loginAtMs).toISOString() : null,
    logout_time: !s && a.lastLogoutAtMs !== null ? new Date(a.lastLogoutAtMs).toISOString() : null,
    campaign_id: s?.campaignId ?? null,
    campaign_name: s ? view.campaignName(s.campaignId) : null,
    queue_id: s?.queueId ?? null,
    queue_name: s ? view.queueName(s.queueId) : null,
    channel_type: s ? (i?.channelType ?? view.campaigns.get(s.campaignId)?.channelType ?? 'VOICE') : null,
    call_id: i?.callId ?? null,
    chat_id: i?.chatId ?? null,
    customer_status: i?.customerStatus ?? null,
    calls_handled: cdrs.length,
    talk_time: cdrs.reduce((sum, c) => sum + c.durationSeconds, 0),
  };
}

function chatRow(view: View, i: AmeyoInteraction): ChatRow {
  const agent = view.agentOf(i);
  return {
    contact_center_id: view.state.ccId,
    chat_id: i.chatId ?? '',
    session_id: i.sessionId,
    user_id: agent?.userId ?? null,
    user_name: agent?.userName ?? null,
    campaign_id: i.campaignId,
    campaign_name: view.campaignName(i.campaignId),
    queue_id: i.queueId,
    queue_name: view.queueName(i.queueId),
    customer_status: i.customerStatus,
    customer_status_duration: view.seconds(i.customerStatusSinceMs),
    chat_start_time: new Date(i.startedAtMs).toISOString(),
    chat_duration: view.seconds(i.startedAtMs),
    customer_details: customerDetails(view, i),
    waiting: i.waiting,
  };
}

function customerRow(view: View, i: AmeyoInteraction): CustomerRow {
  const agent = view.agentOf(i);
  const contact = view.contacts.get(i.customerId);
  const phone = contact?.phone1 ?? i.phone ?? null;
  return {
    contact_center_id: view.state.ccId,
    customer_id: i.customerId,
    customer_name: contact?.name ?? null,
    phone,
    display_phone: phone && maskPhone(phone),
    unique_identifier: phone,
    crt_object_id: i.crtObjectId,
    channel_type: i.channelType,
    call_id: i.callId,
    chat_id: i.chatId,
    session_id: i.sessionId,
    user_id: agent?.userId ?? null,
    user_name: agent?.userName ?? null,
    campaign_id: i.campaignId,
    campaign_name: view.campaignName(i.campaignId),
    queue_id: i.queueId,
    queue_name: view.queueName(i.queueId),
    customer_status: i.customerStatus,
    customer_status_duration: view.seconds(i.customerStatusSinceMs),
    waiting: i.waiting,
  };
}

/** Every field of a row type, marked scalar (sortable) or object; the compiler checks the list is complete. */
const columns = <R>(spec: { [K in keyof R]-?: 'scalar' | 'object' }) => spec as Record<string, 'scalar' | 'object'>;

interface TableDef {
  columns: Record<string, 'scalar' | 'object'>;
  /** Field the `status` filter applies to (see FILTERS). */
  statusField: 'user_status' | 'customer_status';
  rows(view: View): Row[];
}

export const TABLES: Record<MonitoringTable, TableDef> = {
  'user-session-information': {
    columns: columns<UserSessionRow>({
      contact_center_id: 'scalar',
      user_id: 'scalar',
      user_name: 'scalar',
      user_status: 'scalar',
      user_status_duration: 'scalar',
      service_info: 'object',
      campaign_id: 'scalar',
      campaign_name: 'scalar',
      queue_id: 'scalar',
      queue_name: 'scalar',
      interaction_id: 'scalar',
      channel_details: 'object',
      customer_status: 'scalar',
      customer_status_duration: 'scalar',
      customer_details: 'object',
      waiting: 'scalar',
      session_id: 'scalar',
      user_type: 'scalar',
      call_id: 'scalar',
    }),
    statusField: 'user_status',
    rows: (view) => view.state.sessions.map((s) => sessionRow(view, s) as unknown as Row),
  },
  'user-runtime-information': {
    columns: columns<UserRuntimeRow>({
      contact_center_id: 'scalar',
      user_id: 'scalar',
      user_name: 'scalar',
      user_type: 'scalar',
      user_status: 'scalar',
      user_status_duration: 'scalar',
      session_id: 'scalar',
      login_time: 'scalar',
      logout_time: 'scalar',
      campaign_id: 'scalar',
      campaign_name: 'scalar',
      queue_id: 'scalar',
      queue_name: 'scalar',
      channel_type: 'scalar',
      call_id: 'scalar',
      chat_id: 'scalar',
      customer_status: 'scalar',
      calls_handled: 'scalar',
      talk_time: 'scalar',
    }),
    statusField: 'customer_status',
    rows: (view) => view.state.agents.map((a) => runtimeRow(view, a) as unknown as Row),
  },
  'chat-information': {
    columns: columns<ChatRow>({
      contact_center_id: 'scalar',
      chat_id: 'scalar',
      session_id: 'scalar',
      user_id: 'scalar',
      user_name: 'scalar',
      campaign_id: 'scalar',
      campaign_name: 'scalar',
      queue_id: 'scalar',
      queue_name: 'scalar',
      customer_status: 'scalar',
      customer_status_duration: 'scalar',
      chat_start_time: 'scalar',
      chat_duration: 'scalar',
      customer_details: 'object',
      waiting: 'scalar',
    }),
    statusField: 'customer_status',
    rows: (view) => view.state.interactions.filter((i) => i.channelType === 'CHAT').map((i) => chatRow(view, i) as unknown as Row),
  },
  'customer-information': {
    columns: columns<CustomerRow>({
      contact_center_id: 'scalar',
      customer_id: 'scalar',
      customer_name: 'scalar',
      phone: 'scalar',
      display_phone: 'scalar',
      unique_identifier: 'scalar',
      crt_object_id: 'scalar',
      channel_type: 'scalar',
      call_id: 'scalar',
      chat_id: 'scalar',
      session_id: 'scalar',
      user_id: 'scalar',
      user_name: 'scalar',
      campaign_id: 'scalar',
      campaign_name: 'scalar',
      queue_id: 'scalar',
      queue_name: 'scalar',
      customer_status: 'scalar',
      customer_status_duration: 'scalar',
      waiting: 'scalar',
    }),
    statusField: 'customer_status',
    rows: (view) => view.state.interactions.map((i) => customerRow(view, i) as unknown as Row),
  },
};

/**
 * The doc's search filters. Array filters ("array[integer]" / "array[string]") accept repeated params and
 * comma-separated values; a row matches when its field equals any value. `user-name` is a case-insensitive
 * substring. `status` ("User and contact connection status", values Inactive, ringing, connected, hungup) applies
 * to `customer_status` on customer / chat / runtime rows and to `user_status` on session rows (OUR READING; the
 * doc names one filter for both). A filter on a field the table lacks is ignored.
 */
type FilterKind = 'int' | 'exact' | 'caseInsensitive' | 'substring';
const FILTERS: ReadonlyArray<{ param: string; field: string | 'status'; kind: FilterKind }> = [
  { param: 'campaign-ids', field: 'campaign_id', kind: 'int' },
  { param: 'user-ids', field: 'user_id', kind: 'exact' },
  { param: 'user-name', field: 'user_name', kind: 'substring' },
  { param: 'status', field: 'status', kind: 'caseInsensitive' },
  { param: 'queue-ids', field: 'queue_id', kind: 'int' },
  { param: 'user-types', field: 'user_type', kind: 'caseInsensitive' },
  { param: 'session-ids', field: 'session_id', kind: 'exact' },
  { param: 'call-ids', field: 'call_id', kind: 'exact' },
  { param: 'chat-ids', field: 'chat_id', kind: 'exact' },
];

/** Values of an array query param: repeated keys and comma-separated values, blanks dropped. */
const listParam = (query: URLSearchParams, name: string) =>
  query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

type Predicate = (row: Row) => boolean;

/** Parses the filters for `table`; returns predicates or a 400 reply. */
function parseFilters(table: TableDef, query: URLSearchParams): Predicate[] | SimReply {
  const predicates: Predicate[] = [];
  for (const f of FILTERS) {
    const field = f.field === 'status' ? table.statusField : f.field;
    const values = f.kind === 'substring' ? query.getAll(f.param).filter((v) => v !== '') : listParam(query, f.param);
    if (values.length === 0) continue;
    if (f.kind === 'int' && values.some((v) => !/^-?\d+$/.test(v))) {
      return badRequest(`Parameter '${f.param}' must be a list of integers.`);
    }
    if (!(field in table.columns)) continue; // the table has no such field: ignore the filter
    switch (f.kind) {
      case 'int': {
        const wanted = new Set(values.map(Number));
        predicates.push((row) => wanted.has(row[field] as number));
        break;
      }
      case 'exact': {
        const wanted = new Set(values);
        predicates.push((row) => wanted.has(row[field] as string));
        break;
      }
      case 'caseInsensitive': {
        const wanted = new Set(values.map((v) => v.toLowerCase()));
        predicates.push((row) => typeof row[field] === 'string' && wanted.has(row[field].toLowerCase()));
        break;
      }
      case 'substring': {
        const needles = values.map((v) => v.toLowerCase());
        predicates.push((row) => typeof row[field] === 'string' && needles.some((n) => (row[field] as string).toLowerCase().includes(n)));
        break;
      }
    }
  }
  return predicates;
}

/**
 * Ascending order for one field: numbers numerically, strings by code unit, booleans false < true; nulls last
 * when ascending and first when descending (our assumption; the doc does not say).
 */
function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `sort_by` ("array[string]", format `property:asc|desc`, multiple criteria) → comparator, or a 400 reply. */
function parseSort(table: TableDef, query: URLSearchParams): ((a: Row, b: Row) => number) | null | SimReply {
  const criteria: Array<{ field: string; sign: number }> = [];
  for (const spec of listParam(query, 'sort_by')) {
    const match = /^([a-z][a-z0-9_]*):(asc|desc)$/i.exec(spec);
    if (!match || table.columns[match[1]!] !== 'scalar') {
      return badRequest(`Parameter 'sort_by' must be 'property:asc' or 'property:desc' with a sortable field of the table, got '${spec}'.`);
    }
    criteria.push({ field: match[1]!, sign: match[2]!.toLowerCase() === 'asc' ? 1 : -1 });
  }
  if (criteria.length === 0) return null;
  return (a, b) => {
    for (const { field, sign } of criteria) {
      const c = compareValues(a[field], b[field]);
      if (c !== 0) return sign * c;
    }
    return 0;
  };
}

/** A non-negative integer query param with a default, or a 400 reply. */
function intParam(query: URLSearchParams, name: string, fallback: number): number | SimReply {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    return badRequest(`Parameter '${name}' must be a non-negative integer.`);
  }
  return Number(raw);
}

const isReply = (v: unknown): v is SimReply => typeof v === 'object' && v !== null && 'status' in v && 'body' in v;

/**
 * `GET /v4/cc-list/{ccId}/monitoring/user-session-information` (vendor doc "Agent Presence API's"; notes §3d).
 * `cc-id` is "integer (int32)": a non-integer is 400 CONF-1001, another contact center 404 CONF-1004.
 * Answers `{http_code, method, request_id, response:[{data:row}], metadata:{total, count, offset, limit}}` with
 * `total` = rows after filtering and before offset/limit.
 */
export function monitoringRoutes(rt: AmeyoRuntime): SimRoute[] {
  const handler = (ctx: SimContext): SimReply => {
    const ccIdRaw = ctx.params.ccId ?? '';
    if (!/^-?\d+$/.test(ccIdRaw)) return badRequest("Path parameter 'cc-id' must be an integer.");
    if (Number(ccIdRaw) !== rt.state.ccId) return notFound();

    const tableName = ctx.query.get('table-name');
    if (tableName === null || tableName === '') return badRequest("Missing required parameter 'table-name'.");
    if (!(MONITORING_TABLES as readonly string[]).includes(tableName)) {
      return badRequest(`Parameter 'table-name' must be one of: ${MONITORING_TABLES.join(', ')}.`);
    }
    const table = TABLES[tableName as MonitoringTable];

    const offset = intParam(ctx.query, 'offset', 0);
    if (isReply(offset)) return offset;
    const limit = intParam(ctx.query, 'limit', 100);
    if (isReply(limit)) return limit;
    const sort = parseSort(table, ctx.query);
    if (isReply(sort)) return sort;
    const filters = parseFilters(table, ctx.query);
    if (isReply(filters)) return filters;

    const rows = table.rows(new View(rt.state, rt.simNow(), rt.agentLegInSessionRow)).filter((row) => filters.every((p) => p(row)));
    if (sort) rows.sort(sort); // Array.prototype.sort is stable: ties keep the state's order
    const page = rows.slice(offset, offset + limit);
    return envelope(
      'GET',
      page.map((data) => ({ data })),
      { total: rows.length, count: page.length, offset, limit },
    );
  };
  return [{ route: 'GET /v4/cc-list/:ccId/monitoring/user-session-information', handler }];
}
