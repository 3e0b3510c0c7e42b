/**
 * Calls: `POST /apps/api/v1/calls` (create outbound/inbound/scheduled), `GET /manager/api/v1/calls[/:id]`, customer
 * flags, mid-session end user update and custom data (vendor-docs/apps-api.txt "Calls Endpoints"; notes §1 endpoint map).
 */
import type { SimContext, SimReply } from '../common/server';
import { parseUtcTime } from './agents';
import { badRequest, CALLS_400, END_USER_400, MISSING_PARAMETER, messageReply, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import { pageReply, readPage } from './paging';
import type { Call, CallParticipant, CallStatus, CallType, CustomDataField, CustomerFlags, EndUser, Menu } from './seed';
import { asId, asText, bodyObject, given, verifyHs256Jwt } from './util';

/** Accepted `call_type` values, current and deprecated (vendor doc; notes §1), to the type the call is stored as. */
export const CALL_TYPE_ALIASES: Readonly<Record<string, CallType>> = Object.freeze({
  'Voice Outbound (API)': 'Voice Outbound (API)',
  OutboundCall: 'Voice Outbound (API)',
  'Voice Inbound (API)': 'Voice Inbound (API)',
  IncomingCall: 'Voice Inbound (API)',
  'Voice Scheduled (API)': 'Voice Scheduled (API)',
  ScheduledCall: 'Voice Scheduled (API)',
});

/** Statuses in which `POST /calls/:id/end_user` answers "Call is already ended" (the brief's list). */
export const ENDED_FOR_END_USER: ReadonlySet<CallStatus> = new Set<CallStatus>(['finished', 'failed', 'recovered', 'action_only_finished', 'voicemail_read']);

/** "Duplicate request: Please wait for the interval to expire": the interval is 5 seconds (our assumption). */
export const END_USER_DUPLICATE_INTERVAL_MS = 5_000;

export const CALLS_OUR_400 = {
  agentEmailNotFound: 'agent_email is not found',
  scheduledAtNotFuture: 'scheduled_at must be a future time',
  recordingPermissionInvalid: 'recording_permission is invalid',
  flagsNotBoolean: 'customer flags must be booleans',
  flagsResponseKey: 'found unpermitted parameter: repeat_customer - the request key is repeat_customers',
  signedDataInvalid: 'signed_data is invalid',
  dataInvalid: 'data is invalid',
} as const;

const menuNotFound = (id: string) => `menu_id ${id} is not found`;
const menuWrongType = (id: string) => `menu_id ${id} is not a valid menu for this call type`;

export const RESERVED_FLAGS = {
  reserved_verified_customer: 'verified_customer',
  reserved_bad_actor: 'bad_actor',
  reserved_repeat_customer: 'repeat_customer',
} as const;

function findCall(env: AppsEnv, raw: string | undefined): Call | undefined {
  const id = asId(raw);
  return id === null ? undefined : env.state.calls.find((c) => c.id === id);
}

function flagsOf(env: AppsEnv, call: Call): CustomerFlags {
  const key = String(call.id);
  return (env.state.customerFlags[key] ??= { verified_customer: call.verified, bad_actor: false, repeat_customer: false });
}

// ---------------------------------------------------------------------------------------------------------------
// POST /apps/api/v1/calls
// ---------------------------------------------------------------------------------------------------------------

function lookupMenu(env: AppsEnv, raw: unknown, allowed: ReadonlyArray<Menu['menu_type']> | null): Menu | SimReply {
  const text = asText(raw) ?? String(raw);
  const id = asId(raw);
  const menu = id === null ? undefined : env.state.menus.find((m) => m.id === id);
  if (!menu) return badRequest(menuNotFound(text));
  if (allowed && !allowed.includes(menu.menu_type)) return badRequest(menuWrongType(text));
  return menu;
}

const isReply = (v: unknown): v is SimReply => typeof v === 'object' && v !== null && 'status' in v && typeof (v as SimReply).status === 'number';

function createCall(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const b = bodyObject(ctx);
  if (!given(b.call_type)) return badRequest(MISSING_PARAMETER);
  const callType = typeof b.call_type === 'string' ? CALL_TYPE_ALIASES[b.call_type.trim()] : undefined;
  if (!callType) return badRequest(CALLS_400.invalidCallType);

  const endUserNumber = asText(b.end_user_number);
  const ticketId = asText(b.ticket_id);
  const outbound = callType === 'Voice Outbound (API)';
  const scheduled = callType === 'Voice Scheduled (API)';

  // Required parameters per type (vendor doc parameter tables; notes §1).
  if (outbound && (!given(b.agent_email) || (endUserNumber === null && ticketId === null))) return badRequest(MISSING_PARAMETER);
  if (callType === 'Voice Inbound (API)' && (!given(b.menu_id) || endUserNumber === null)) return badRequest(MISSING_PARAMETER);
  if (scheduled && (endUserNumber === null || !given(b.scheduled_at) || (!given(b.menu_id) && !given(b.call_id)))) {
    return badRequest(MISSING_PARAMETER);
  }

  // "recording_permission_not_asked" (default) | "..._denied" | "..._granted"; the call object stores the short form
  // ("not_asked", as in the doc's example call object).
  let permission = 'not_asked';
  if (given(b.recording_permission)) {
    const m = typeof b.recording_permission === 'string' ? /^recording_permission_(not_asked|denied|granted)$/.exec(b.recording_permission.trim()) : null;
    if (!m) return badRequest(CALLS_OUR_400.recordingPermissionInvalid);
    permission = m[1]!;
  }
  const lang = asText(b.lang) ?? 'en';
  const nowMs = env.now();

  let menu: Menu | undefined;
  let agent = undefined as (typeof state.agents)[number] | undefined;
  let parentId: number | null = null;
  let scheduledAt: string | null = null;

  if (outbound) {
    const email = String(asText(b.agent_email) ?? '').toLowerCase();
    agent = state.agents.find((a) => a.email.toLowerCase() === email && a.deactivated_at === null);
    if (!agent) return badRequest(CALLS_OUR_400.agentEmailNotFound);
    // Only an agent in "Available" can take the call (Offline, In-call, Break, ... cannot).
    if (agent.status !== 'Available') return badRequest(CALLS_400.agentNotAvailable);
    // The outbound `menu_id` is optional and only picks queue settings; any existing menu is accepted (our assumption).
    if (given(b.menu_id)) {
      const found = lookupMenu(env, b.menu_id, null);
      if (isReply(found)) return found;
      menu = found;
    }
    // Our assumption for the doc's 202 "manual intervention is required inside of the widget": an outbound call by
    // ticket only (no end_user_number) is handed to the agent's adapter; no call object is created and the body is empty.
    if (endUserNumber === null) return { status: 202 };
  } else if (callType === 'Voice Inbound (API)') {
    // "Only IVR and Web menu IDs are accepted."
    const found = lookupMenu(env, b.menu_id, ['ivr_menu', 'web_menu']);
    if (isReply(found)) return found;
    menu = found;
  } else {
    if (given(b.call_id)) {
      const parent = findCall(env, asText(b.call_id) ?? undefined);
      // Our wording: the docs give no message for an unknown call_id.
      if (!parent) return badRequest(`call_id ${asText(b.call_id) ?? String(b.call_id)} is not found`);
      parentId = parent.id;
      menu = parent.selected_menu;
    }
    if (given(b.menu_id)) {
      // "Only Mobile and Web menu IDs are accepted."
      const found = lookupMenu(env, b.menu_id, ['mobile_menu', 'web_menu']);
      if (isReply(found)) return found;
      menu = found;
    }
    const at = typeof b.scheduled_at === 'string' ? parseUtcTime(b.scheduled_at) : NaN;
    if (Number.isNaN(at) || at <= nowMs) return badRequest(CALLS_OUR_400.scheduledAtNotFuture);
    scheduledAt = isoAt(at);
  }
  // Our assumption: an outbound call without menu_id uses the global settings; we attribute it to menu 60 (Sales).
  const selected = menu ?? state.menus.find((m) => m.id === 60) ?? state.menus[0]!;
  const queue = state.menuQueues.find((q) => q.menu_id === selected.id);

  const id = nextId(state.calls);
  const endUser: EndUser = {
    id: nextId(state.endUsers),
    identifier: '',
    name: null,
    email: null,
    phone: endUserNumber,
  };
  endUser.identifier = `eu-${endUser.id}`;
  state.endUsers.push(endUser);

  const now = isoAt(nowMs);
  let participantId = 900_000;
  for (const c of state.calls) for (const p of c.participants) if (p.id > participantId) participantId = p.id;
  const status: CallStatus = outbound ? 'connecting' : scheduled ? 'scheduled' : 'queued';
  const participants: CallParticipant[] = [
    {
      id: ++participantId,
      type: 'end_user',
      status: 'waiting',
      call_id: id,
      user_id: null,
      end_user_id: endUser.id,
      call_duration: 0,
      hold_duration: 0,
      connected_at: null,
      ended_at: null,
      fail_reason: 'nothing',
    },
  ];
  if (agent) {
    participants.push({
      id: participantId + 1,
      type: 'agent',
      status: 'connecting',
      call_id: id,
      user_id: agent.id,
      end_user_id: null,
      call_duration: 0,
      hold_duration: 0,
      connected_at: null,
      ended_at: null,
      fail_reason: 'nothing',
    });
  }
  const call: Call = {
    id,
    parent_id: parentId,
    lang,
    call_type: callType,
    status,
    created_at: now,
    queued_at: status === 'queued' ? now : null,
    assigned_at: agent ? now : null,
    connected_at: null,
    ends_at: null,
    scheduled_at: scheduledAt,
    updated_at: now,
    wait_duration: 0,
    call_duration: 0,
    hold_duration: 0,
    rating: null,
    has_feedback: false,
    voip_provider: 'voip_provider_twilio',
    out_ticket_id: ticketId,
    out_ticket_url: null,
    verified: false,
    recording_url: null,
    recording_permission: permission,
    voicemail_reason: 'not_voicemail',
    deflection: 'no_deflection',
    disconnected_by: 'disconnected_by_unknown',
    fail_details: null,
    fail_reason: 'nothing',
    // Our assumption: an outbound call shows the outbound number it dials from; otherwise the tenant's support number.
    support_number: outbound && asText(b.outbound_number) ? asText(b.outbound_number)! : '+18005550100',
    selected_menu: { ...selected },
    menu_path: { items_count: 1, name: selected.name, materialized_path: queue?.materialized_path ?? String(selected.id) },
    agent_info: agent
      ? { id: agent.id, name: `${agent.first_name} ${agent.last_name}`, last_name: agent.last_name, first_name: agent.first_name, agent_number: agent.agent_number, avatar_url: null }
      : null,
    end_user: { id: endUser.id, identifier: endUser.identifier, out_contact_id: null },
    photos: [],
    videos: [],
    transfers: [],
    participants,
  };
  state.calls.push(call);
  state.customerFlags[String(id)] = { verified_customer: false, bad_actor: false, repeat_customer: false };
  return { status: 201, body: call };
}

// ---------------------------------------------------------------------------------------------------------------
// GET /manager/api/v1/calls
// ---------------------------------------------------------------------------------------------------------------

/**
 * Stamps `updated_at` as the vendor's database would on every write. The simulator's own endpoints set it; tests and
 * demos also edit `state.calls` directly (a call's status moving on, a call appearing), so before any call read, a
 * record that is new or changed since the simulator last looked gets the current time, unless the writer changed
 * `updated_at` itself. The first look (the first call read: the seed and whatever was added before it) is taken as it is.
 */
export function createCallStamper(env: AppsEnv): () => void {
  const seen = new Map<number, { fingerprint: string; updatedAt: string }>();
  let first = true;
  return () => {
    const nowIso = isoAt(env.now());
    for (const call of env.state.calls) {
      const { updated_at: updatedAt, ...rest } = call;
      const fingerprint = JSON.stringify(rest);
      const last = seen.get(call.id);
      if (last ? last.fingerprint !== fingerprint && last.updatedAt === updatedAt : !first || !updatedAt) call.updated_at = nowIso;
      if (last?.fingerprint !== fingerprint || last.updatedAt !== call.updated_at) seen.set(call.id, { fingerprint, updatedAt: call.updated_at });
    }
    first = false;
  };
}

/** The time range filters of the calls list: `created_at` (tap-ujet, notes §1 [T]) and `updated_at` (tailing, notes §1 [C]). */
const CALL_TIME_FILTERS = ['created_at[from]', 'created_at[to]', 'updated_at[from]', 'updated_at[to]'] as const;

function listCalls(env: AppsEnv, ctx: SimContext): SimReply {
  const q = ctx.query;
  const paging = readPage(q);
  if ('reply' in paging) return paging.reply;
  const statuses = q.getAll('status[]').map((s) => s.trim());
  // Deprecated call_type names select their current type too (our assumption).
  const types = q.getAll('call_type[]').map((t) => CALL_TYPE_ALIASES[t.trim()] ?? t.trim());
  const bounds: Partial<Record<(typeof CALL_TIME_FILTERS)[number], number | null>> = {};
  for (const key of CALL_TIME_FILTERS) {
    const raw = q.get(key);
    const ms = raw === null ? null : parseUtcTime(raw);
    // Same wording as the agents list (our assumption).
    if (Number.isNaN(ms)) return badRequest(`Invalid time for ${key} - use ISO 8601 in UTC`);
    bounds[key] = ms;
  }
  // Our assumption: sort_column id|created_at|updated_at (default id; updated_at is the tailing sort, notes §1 [C]),
  // sort_direction asc|desc case-insensitive (default asc); other values are a 400 in the vendor's shape.
  const column = (q.get('sort_column') ?? 'id').trim();
  if (column !== 'id' && column !== 'created_at' && column !== 'updated_at') return badRequest('Invalid sort_column - use id, created_at or updated_at');
  const direction = (q.get('sort_direction') ?? 'asc').trim().toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') return badRequest('Invalid sort_direction - use asc or desc');

  // Bounds are inclusive, like the other Manager API lists.
  const within = (t: number, from: number | null | undefined, to: number | null | undefined) => (from == null || t >= from) && (to == null || t <= to);
  const matches = env.state.calls.filter(
    (c) =>
      (statuses.length === 0 || statuses.includes(c.status)) &&
      (types.length === 0 || types.includes(c.call_type)) &&
      within(Date.parse(c.created_at), bounds['created_at[from]'], bounds['created_at[to]']) &&
      within(Date.parse(c.updated_at), bounds['updated_at[from]'], bounds['updated_at[to]']),
  );
  const sign = direction === 'asc' ? 1 : -1;
  matches.sort((a, b) => sign * (column === 'id' ? a.id - b.id : Date.parse(a[column]) - Date.parse(b[column]) || a.id - b.id));
  return pageReply(ctx, env.origin(ctx), matches, paging);
}

// ---------------------------------------------------------------------------------------------------------------
// customer flags, end user, custom data
// ---------------------------------------------------------------------------------------------------------------

/**
 * The flags a customer flags update sets (calls and chats): the document's body is `{verified_customer, bad_actor,
 * repeat_customers}` (request key with a trailing s, unlike the response's `repeat_customer`; notes §1 [C]), each a
 * boolean. The response's spelling sent as a request key is a 400 (our choice: the vendor may well ignore it, which
 * would leave a client's bug unseen); other keys are ignored.
 */
export function flagUpdates(b: Record<string, unknown>): { updates: Array<[keyof CustomerFlags, boolean]> } | { reply: SimReply } {
  if ('repeat_customer' in b) return { reply: badRequest(CALLS_OUR_400.flagsResponseKey) };
  const updates: Array<[keyof CustomerFlags, unknown]> = [];
  if ('verified_customer' in b) updates.push(['verified_customer', b.verified_customer]);
  if ('bad_actor' in b) updates.push(['bad_actor', b.bad_actor]);
  if ('repeat_customers' in b) updates.push(['repeat_customer', b.repeat_customers]);
  if (updates.some(([, v]) => typeof v !== 'boolean')) return { reply: badRequest(CALLS_OUR_400.flagsNotBoolean) };
  return { updates: updates as Array<[keyof CustomerFlags, boolean]> };
}

function updateFlags(env: AppsEnv, ctx: SimContext): SimReply {
  const call = findCall(env, ctx.params.id);
  if (!call) return notFoundRecord();
  const read = flagUpdates(bodyObject(ctx));
  if ('reply' in read) return read.reply;
  const flags = flagsOf(env, call);
  for (const [k, v] of read.updates) flags[k] = v;
  call.verified = flags.verified_customer; // our assumption: the call object's `verified` mirrors the flag
  return { status: 200, body: { ...flags } };
}

function updateEndUser(env: AppsEnv, ctx: SimContext, lastAccepted: Map<number, number>): SimReply {
  const call = findCall(env, ctx.params.id);
  if (!call) return notFoundRecord();
  const b = bodyObject(ctx);
  const identifier = asText(b.identifier);
  if (identifier === null) return badRequest(END_USER_400.identifierMissing);
  if (ENDED_FOR_END_USER.has(call.status)) return badRequest(END_USER_400.callEnded);
  const nowMs = env.now();
  const last = lastAccepted.get(call.id);
  if (last !== undefined && nowMs - last < END_USER_DUPLICATE_INTERVAL_MS) return badRequest(END_USER_400.duplicate);
  lastAccepted.set(call.id, nowMs);
  const user = upsertEndUser(env, identifier, b, false);
  call.end_user = { id: user.id, identifier: user.identifier, out_contact_id: call.end_user.out_contact_id };
  return messageReply(202, 'accepted');
}

/**
 * Creates or updates the end user with `identifier`. `name`/`email` replace; `phone` replaces unless `keepPhone` and a
 * phone is already set (vendor doc: "If a phone number is already set, providing a phone parameter will not update the
 * phone number", said of the call/chat end user update).
 */
export function upsertEndUser(env: AppsEnv, identifier: string, b: Record<string, unknown>, overwritePhone: boolean): EndUser {
  let user = env.state.endUsers.find((u) => u.identifier === identifier);
  if (!user) {
    user = { id: nextId(env.state.endUsers), identifier, name: null, email: null, phone: null };
    env.state.endUsers.push(user);
  }
  if (asText(b.name) !== null) user.name = asText(b.name);
  if (asText(b.email) !== null) user.email = asText(b.email);
  if (asText(b.phone) !== null && (overwritePhone || user.phone === null)) user.phone = asText(b.phone);
  return user;
}

/** Checks custom data fields: every value an object `{label?: string, value}`; reserved flags' values booleans. */
export function validCustomData(data: unknown): data is Record<string, CustomDataField> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  for (const [key, field] of Object.entries(data)) {
    if (field === null || typeof field !== 'object' || Array.isArray(field) || !('value' in field)) return false;
    const label = (field as { label?: unknown }).label;
    if (label !== undefined && label !== null && typeof label !== 'string') return false;
    if (key in RESERVED_FLAGS && typeof (field as { value: unknown }).value !== 'boolean') return false;
  }
  return true;
}

/**
 * A custom-data body (`signed: false` with `data`, or `signed: true` with an HS256 `signed_data` under the company
 * secret) checked, stored over the session's record (`storeOf`, made on first use), and its reserved keys applied to `flags`; a 400 reply when it is invalid.
 * Calls and chats take the same body.
 */
export function receiveCustomData(env: AppsEnv, ctx: SimContext, storeOf: () => Record<string, CustomDataField>, flags: CustomerFlags): SimReply | null {
  const b = bodyObject(ctx);
  let data: Record<string, CustomDataField>;
  if (b.signed === true) {
    const payload = verifyHs256Jwt(b.signed_data, env.companySecret, env.now());
    if (!payload || !validCustomData(payload.custom_data)) return badRequest(CALLS_OUR_400.signedDataInvalid);
    data = payload.custom_data;
  } else {
    if (!validCustomData(b.data)) return badRequest(CALLS_OUR_400.dataInvalid);
    data = b.data;
  }
  const stored = storeOf();
  for (const [key, field] of Object.entries(data)) {
    stored[key] = JSON.parse(JSON.stringify(field)) as CustomDataField;
    const flag = RESERVED_FLAGS[key as keyof typeof RESERVED_FLAGS];
    if (flag) flags[flag] = field.value as boolean;
  }
  return null;
}

function postCustomData(env: AppsEnv, ctx: SimContext): SimReply {
  const call = findCall(env, ctx.params.id);
  if (!call) return notFoundRecord();
  const flags = flagsOf(env, call);
  const refused = receiveCustomData(env, ctx, () => (env.state.callCustomData[String(call.id)] ??= {}), flags);
  if (refused) return refused;
  call.verified = flags.verified_customer;
  return messageReply(200, 'success');
}

export const callRoutes: RouteModule = (env) => {
  const lastEndUserUpdate = new Map<number, number>();
  const stamp = createCallStamper(env);
  return [
    { route: 'POST /apps/api/v1/calls', handler: (ctx) => createCall(env, ctx) },
    {
      route: 'GET /manager/api/v1/calls',
      handler: (ctx) => {
        stamp();
        return listCalls(env, ctx);
      },
    },
    {
      // Path: notes §1 "(and /calls/:id, [U])".
      route: 'GET /manager/api/v1/calls/:id',
      handler: (ctx) => {
        stamp();
        const call = findCall(env, ctx.params.id);
        return call ? { status: 200, body: call } : notFoundRecord();
      },
    },
    {
      route: 'GET /apps/api/v1/calls/:id/customer_flag',
      handler: (ctx) => {
        const call = findCall(env, ctx.params.id);
        return call ? { status: 200, body: { ...flagsOf(env, call) } } : notFoundRecord();
      },
    },
    { route: 'PATCH /apps/api/v1/calls/:id/customer_flag', handler: (ctx) => updateFlags(env, ctx) },
    // The vendor doc's third customer_flag variant, probably PUT (notes §1 [U]): same behaviour as PATCH.
    { route: 'PUT /apps/api/v1/calls/:id/customer_flag', handler: (ctx) => updateFlags(env, ctx) },
    { route: 'POST /apps/api/v1/calls/:id/end_user', handler: (ctx) => updateEndUser(env, ctx, lastEndUserUpdate) },
    // Our assumption: the path is not documented (notes §1 "Calls: custom data ... path not found").
    { route: 'POST /apps/api/v1/calls/:id/custom_data', handler: (ctx) => postCustomData(env, ctx) },
  ];
};
