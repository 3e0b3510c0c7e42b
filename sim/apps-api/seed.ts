/** Deterministic seed state of the Apps API simulator: agents, user statuses, campaigns with contacts, and calls, in wire shapes. */
import { buildContactLists, type ContactList } from './contact-lists';
import { buildQueueSettingsVersions, type QueueSettingsVersion } from './queue-settings';
import { createSeeder, SEED_EPOCH_MS, type Seeder } from '../common/seed';

// ---------------------------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------------------------

/** A Manager API user status (`GET /manager/api/v1/user_statuses`, notes/vendors-real-world.md §1). */
export interface UserStatus {
  id: number;
  name: string;
  /** System statuses (e.g. In-call) are set by the platform and can't be set through the Agent Status endpoint. */
  system: boolean;
}

/**
 * The simulator's user statuses. "Available" and "In-call" and the rule that system statuses can't be changed come from
 * vendor-docs/apps-api.txt "Agent Status Endpoints"; the remaining names and all ids are our assumption (a typical
 * CCAI Platform tenant: custom statuses Break/Lunch/Meeting, system statuses Wrap-up/Offline).
 */
export const USER_STATUSES: readonly UserStatus[] = Object.freeze(
  [
    { id: 1, name: 'Available', system: false },
    { id: 2, name: 'Unavailable', system: false },
    { id: 3, name: 'In-call', system: true },
    { id: 4, name: 'Wrap-up', system: true },
    { id: 5, name: 'Break', system: false },
    { id: 6, name: 'Lunch', system: false },
    { id: 7, name: 'Meeting', system: false },
    { id: 8, name: 'Offline', system: true },
  ].map((s) => Object.freeze(s)),
);

export const STATUS_OFFLINE_ID = 8;
export const STATUS_WRAP_UP_ID = 4;
export const STATUS_IN_CALL_ID = 3;

/**
 * Call statuses as the doc's table names them (vendor-docs/apps-api.txt "The status field can be in any of the
 * following states"), mapped to the wire value. The doc's example object sends `"status": "scheduled"`, and third-party
 * UJET reporting code lists the wire values as snake_case (`action_only_finished`, `voicemail_received`, ...).
 */
export const CALL_STATUSES = Object.freeze({
  Selecting: 'selecting',
  Queued: 'queued',
  Assigned: 'assigned',
  Connecting: 'connecting',
  Connected: 'connected',
  Finished: 'finished',
  Failed: 'failed',
  Switching: 'switching',
  Recovered: 'recovered',
  Scheduled: 'scheduled',
  'Action Only': 'action_only',
  'Action Only Finished': 'action_only_finished',
  Deflected: 'deflected',
  Voicemail: 'voicemail',
  'Voicemail Received': 'voicemail_received',
  'Voicemail Read': 'voicemail_read',
} as const);
export type CallStatus = (typeof CALL_STATUSES)[keyof typeof CALL_STATUSES];
export const CALL_STATUS_VALUES: readonly CallStatus[] = Object.freeze(Object.values(CALL_STATUSES));

/** `call_type` values (vendor-docs/apps-api.txt "The call_type field can only be one of the following values"). */
export const CALL_TYPES = Object.freeze(['Voice Outbound (API)', 'Voice Inbound (API)', 'Voice Scheduled (API)'] as const);
export type CallType = (typeof CALL_TYPES)[number];

/**
 * Campaign contact statuses, verbatim (vendor-docs/apps-api.txt "Campaign Contact Status"; the doc's contact example
 * sends them as written, e.g. `"status": "Upcoming"`).
 */
export const CONTACT_STATUSES = Object.freeze([
  'Upcoming',
  'Dialing',
  'Queued',
  'Connected',
  'Finished',
  'Transferred',
  'Transferred and Finished',
  'Not Picked Up',
  'Not Reached to Contact',
  'Abandoned by Contact',
  'Skipped',
  'Skipped & Closed',
  'Invalid Number',
  'Carrier Error',
  'Abandoned by Dialer',
  'Voicemail Hung Up',
  'Dialer General Error',
  'Redial Scheduled',
  'Do Not Call',
  'Invalid Outbound Number',
  'Blocked Phone Number',
] as const);
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

// ---------------------------------------------------------------------------------------------------------------
// Wire shapes
// ---------------------------------------------------------------------------------------------------------------

/**
 * An agent as `GET /manager/api/v1/agents` returns it: the vendor doc's user object (vendor-docs/apps-api.txt "Users")
 * PLUS `status_id`, `status`, `online`, `wrap_up`, `last_login_time` and `status_updated_at`. Those extra fields are
 * INFERRED from the list's filters (`status_id[]`, `online[]`, `wrap_up[]`, `last_login_time[from|to]`,
 * `status_updated_at[from|to]`); the document's object omits them.
 */
export interface Agent {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  agent_number: string;
  location: string;
  max_chat_limit: number;
  max_chat_limit_enabled: boolean;
  unrestricted_international_calling: boolean;
  deactivated_at: string | null;
  ucaas_user_name: string | null;
  ucaas_sip_uri: string | null;
  external_user: boolean;
  phone_numbers: string[];
  extension_numbers: number[];
  /** `id` is ours (the doc's object has only `name`): the Agent Status endpoints select agents by `team_ids`. */
  teams: Array<{ id: number; name: string }>;
  roles: Array<{ name: string }>;
  // Inferred from the filters (see above).
  status_id: number;
  status: string;
  online: boolean;
  wrap_up: boolean;
  last_login_time: string | null;
  status_updated_at: string;
  /**
   * Our assumption: the address the agent last logged in from (null when never logged in), so that
   * `POST /agent_statuses/force_logout` can select agents by `ip_addrs`. Not in any documented object.
   */
  last_login_ip: string | null;
}

/** A menu (queue) as the call object's `selected_menu` and the campaign object's `queue` show it. */
export interface Menu {
  id: number;
  name: string;
  parent_id: number | null;
  position: number;
  deleted: boolean;
  /** The call object's example prints `"hidden": "string"`; the Manager API campaign example prints `false`. */
  hidden: boolean;
  menu_type: 'ivr_menu' | 'mobile_menu' | 'web_menu';
  output_msg: string | null;
}

export interface MenuPath {
  items_count: number;
  name: string;
  materialized_path: string;
}

/** The call object's agent reference (`agent_info`, transfers' `from_agent`/`to_agent`). */
export interface AgentInfo {
  id: number;
  name: string;
  last_name: string;
  first_name: string;
  agent_number: string;
  avatar_url: string | null;
}

export interface CallParticipant {
  id: number;
  type: 'end_user' | 'agent';
  status: string;
  call_id: number;
  user_id: number | null;
  end_user_id: number | null;
  call_duration: number;
  hold_duration: number;
  connected_at: string | null;
  ended_at: string | null;
  fail_reason: string;
}

export interface CallTransfer {
  id: number;
  status: string;
  fail_reason: string;
  created_at: string;
  from_menu: MenuPath;
  to_menu: MenuPath;
  from_agent: AgentInfo;
  to_agent: AgentInfo;
}

/** The call object (vendor-docs/apps-api.txt "Calls Endpoints"). Unset timestamps and references are `null`. */
export interface Call {
  id: number;
  parent_id: number | null;
  lang: string;
  call_type: CallType;
  status: CallStatus;
  created_at: string;
  queued_at: string | null;
  assigned_at: string | null;
  connected_at: string | null;
  ends_at: string | null;
  scheduled_at: string | null;
  /**
   * When the record last changed: not in the document's call object, but the Manager API's tailing filter and sort key
   * (notes §1 "Pagination": `updated_at[from]`, `sort_column`). Seeded as the call's latest timestamp.
   */
  updated_at: string;
  wait_duration: number;
  call_duration: number;
  hold_duration: number;
  rating: number | null;
  has_feedback: boolean;
  voip_provider: string;
  out_ticket_id: string | null;
  out_ticket_url: string | null;
  verified: boolean;
  recording_url: string | null;
  recording_permission: string;
  voicemail_reason: string;
  deflection: string;
  disconnected_by: string;
  fail_details: string | null;
  fail_reason: string;
  support_number: string;
  selected_menu: Menu;
  menu_path: MenuPath;
  agent_info: AgentInfo | null;
  end_user: { id: number; identifier: string; out_contact_id: string | null };
  photos: Array<{ id: number; photo_type: string; url: string }>;
  videos: Array<{ id: number; url: string }>;
  transfers: CallTransfer[];
  participants: CallParticipant[];
}

/**
 * A campaign contact: the vendor doc's contact object (vendor-docs/apps-api.txt "Campaign Endpoints") plus
 * `phone_number` and `email`, which are INFERRED from the add/update contact request bodies (the doc's object omits them).
 */
export interface CampaignContact {
  assigned_call_id: number | null;
  assigned_participant_id: number | null;
  campaign_id: number;
  created_at: string;
  id: number;
  name: string;
  outbound_number: string | null;
  priority: number | null;
  status: ContactStatus;
  unique_id: string;
  updated_at: string;
  // Inferred (see above).
  phone_number: string;
  email: string | null;
}

/**
 * A campaign as the Manager API `GET /manager/api/v1/outbound_dialer/campaigns` returns it (notes §1 endpoint map; field
 * list from Google's manager-api-campaign page: `campaign_type, id, external_campaign_id, mode, status, queue{…},
 * contact_stats{…}`, …).
 */
export interface Campaign {
  campaign_type: string;
  id: number;
  external_campaign_id: string | null;
  max_abandonment_percent: number;
  max_redial_count: number;
  mode: 'preview' | 'progressive' | 'predictive';
  name: string;
  overdial_adjustment_multiplier: number;
  queue: Menu;
  redial_interval_minutes: number;
  status: string;
  target_number_to_process: number;
  created_at: string;
  starts_at: string | null;
  ends_at: string | null;
  updated_at: string;
  contact_stats: Record<string, number>;
}

/** Everything one simulator serves. Plain data, so two states compare with `toEqual`. */
export interface AppsApiState {
  seed: number;
  userStatuses: UserStatus[];
  /** Ordered by id ascending. */
  agents: Agent[];
  menus: Menu[];
  /** Ordered by id ascending. */
  campaigns: Campaign[];
  /** Every campaign's contacts, ordered by id ascending; `campaign_id` says whose. */
  campaignContacts: CampaignContact[];
  /** Ordered by id (and so by `created_at`) ascending. */
  calls: Call[];

  // --- Added for the Apps API write endpoints. Seeded from a separate stream (`EXTRAS_SEED_SALT`) so that every
  // --- record above stays byte-identical to what earlier versions generated.
  /** Teams with ids (agents' `teams[]` carry the same `{id, name}`). */
  teams: Array<{ id: number; name: string }>;
  /** Queue settings of every menu in `menus` (same order): tree, language, after-hours/over-capacity, wait estimates. */
  menuQueues: MenuQueue[];
  /** Customer flags per call id (`GET/PATCH /calls/:id/customer_flag`). */
  customerFlags: Record<string, CustomerFlags>;
  /** Custom data per call id (`POST /calls/:id/custom_data`), merged over earlier posts. */
  callCustomData: Record<string, Record<string, CustomDataField>>;
  /** End users (`/end_users`), ordered by id ascending: the seeded calls' end users first. */
  endUsers: EndUser[];
  /** The company Do Not Call list. */
  dnc: DncEntry[];
  /** Chats created by `POST /sms`. */
  chats: SmsChat[];
  /** Bodies received by `POST /crm/contact_data`. */
  crmContactData: CrmContactData[];
  /** Campaign contact import jobs. */
  contactImportJobs: ContactImportJob[];
  /** Bulk user management jobs, ordered by id ascending. */
  bulkUserJobs: BulkUserJob[];

  // --- Chats (vendor doc "Chats"; Manager API `GET /chats`): seeded from their own stream (`CHATS_SEED_SALT`).
  /** Web and mobile chat sessions, ordered by id ascending (the SMS chats of `POST /sms` are `chats`). */
  chatSessions: ChatSession[];
  /** Customer flags per chat id (`GET/PATCH/PUT /chats/:id/customer_flag`). */
  chatCustomerFlags: Record<string, CustomerFlags>;
  /** Custom data per chat id (`POST /chats/:id/custom_data`), merged over earlier posts. */
  chatCustomData: Record<string, Record<string, CustomDataField>>;
  // --- Issue 16 items 9 and 10 (fixed data, no seeder draws: everything above is unchanged).
  /** Queue settings version history, oldest first (sim/apps-api/queue-settings.ts). */
  queueSettingsVersions: QueueSettingsVersion[];
  /** The last restore: which version, for whom, when (null before any). */
  queueSettingsRestored: { id: number; email: string; at: string } | null;
  /** Contact lists: one global, the rest custom (sim/apps-api/contact-lists.ts). */
  contactLists: ContactList[];
}

/**
 * Per-menu queue settings (wait times, queue status and queue operation status endpoints). Our assumption: the docs
 * give the response fields but not how a tenant's menus are set up; `team_ids` say which agents staff the menu (the
 * agent counts are computed from the live agents), `voice_call_ewt`/`chat_ewt` are the estimated waits in seconds
 * (`chat_ewt` null for IVR menus, which have no chat channel).
 */
export interface MenuQueue {
  menu_id: number;
  lang: string;
  materialized_path: string;
  after_hour: boolean;
  overcapacity: boolean;
  voice_call_ewt: number;
  chat_ewt: number | null;
  /** Null for IVR menus: scheduled calls need a mobile or web menu (vendor doc, scheduled call `menu_id`). */
  scheduled_callback_ewt: number | null;
  breakthrough_agents: number;
  team_ids: number[];
}

export interface CustomerFlags {
  verified_customer: boolean;
  bad_actor: boolean;
  repeat_customer: boolean;
}

export interface CustomDataField {
  label?: string;
  value: unknown;
}

export interface EndUser {
  id: number;
  identifier: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export interface DncEntry {
  phone_number: string;
  /** ISO time, or null for no expiry. */
  expires_at: string | null;
}

/**
 * Chat statuses. "dismissed" and "va_dismissed" are the vendor doc's (resume: "Chat status must be “dismissed” or
 * “va_dismissed”"); the others are our assumption by analogy with the call states (the docs list no chat states).
 */
export const CHAT_STATUSES = Object.freeze(['selecting', 'va_assigned', 'queued', 'assigned', 'finished', 'failed', 'dismissed', 'va_dismissed', 'deflected'] as const);
export type ChatStatus = (typeof CHAT_STATUSES)[number];

/** A chat participant as the chat object shows it (apps-api-chat "Chat object": `agent`, `all_agents`). */
export interface ChatAgent {
  id: number;
  name: string;
  first_name: string;
  avatar_url: string | null;
  status: string;
}

/** One message of a chat (ours: the docs give the message body `{from_user_id, message: {type, content, media_id}}`). */
export interface ChatMessage {
  id: number;
  from_user_id: number | null;
  /** `end_user`, `agent` or `virtual_agent` (ours). */
  from: string;
  type: string;
  content: string | null;
  media_id: string | null;
  sent_at: string;
}

export interface ChatMedia {
  media_id: string;
  type: 'photo' | 'video';
  s3_path: string;
  photo_type: string | null;
  url: string;
  created_at: string;
}

export interface ChatEscalation {
  id: number;
  reason: string | null;
  force_escalate: boolean;
  deflection_channel: string | null;
  created_at: string;
}

/**
 * A chat as the Manager API lists it: the apps-api-chat "Chat object" fields (`id`, `status`, `status_text`,
 * `created_at`, `ends_at`, `timeout_at`, `agent`, `all_agents`, `lang`, `menus`) plus `updated_at` (the tailing filter),
 * `end_user`, `chat_type`, `transcript` (the create body's pre-chat transcript), `messages`, `photos`, `videos`,
 * `escalations`, `deflection_channel` and `finished_by_user_id`, which are our assumption.
 */
export interface ChatSession {
  id: number;
  status: ChatStatus;
  status_text: string;
  chat_type: 'web' | 'mobile';
  lang: string;
  created_at: string;
  updated_at: string;
  ends_at: string | null;
  timeout_at: string | null;
  agent: ChatAgent | null;
  all_agents: ChatAgent[];
  menus: Array<{ id: number; name: string }>;
  end_user: { id: number; identifier: string };
  email: string | null;
  context: Record<string, unknown> | null;
  transcript: { messages: Array<{ from: string; content: string; sent_at: string }> } | null;
  messages: ChatMessage[];
  photos: ChatMedia[];
  videos: ChatMedia[];
  escalations: ChatEscalation[];
  deflection_channel: string | null;
  finished_by_user_id: number | null;
}

/** The chat object `POST /sms` answers (fields: notes §1 / our assumption). */
export interface SmsChat {
  id: number;
  chat_type: string;
  status: string;
  end_user_number: string;
  outbound_number: string;
  ticket_id: string | null;
  agent_id: number | null;
  created_at: string;
  message: string;
}

export interface CrmContactData {
  received_at: string;
  body: Record<string, unknown>;
}

export interface ContactImportJob {
  id: number;
  campaign_id: number;
  status: 'created' | 'in_progress' | 'finished';
  total_rows: number;
  imported_rows: number;
  failed_rows: number;
  errors: Array<{ row: number; message: string }>;
  created_at: string;
  /** Internal: the uploaded rows, imported when the job finishes. Not part of the wire object. */
  rows: unknown[];
  /** Internal: status reads so far (each read advances one step). */
  reads: number;
}

export interface BulkUserError {
  message: string;
  column: string | null;
  row: number;
}

export interface BulkUserJob {
  id: number;
  created_at: string;
  process_requested_at: string | null;
  filename: string | null;
  total_rows: number;
  affected_rows: number;
  failed_rows: number;
  status: 'created' | 'valid_scheme' | 'invalid_scheme' | 'in_progress' | 'finished';
  uploaded_user_name: string | null;
  proceed_user_name: string | null;
  uploaded_api_user_name: string | null;
  proceed_api_user_name: string | null;
  scheme_errors: BulkUserError[];
  update_errors: Array<BulkUserError & { error_type: 'warning' | 'error' }>;
  /** Internal: the uploaded rows. Not part of the wire object. */
  rows: unknown[];
}

// ---------------------------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------------------------

export const AGENT_LOCATIONS = Object.freeze(['Austin', 'Bengaluru', 'Dublin', 'Manila'] as const);
export const AGENT_TEAMS = Object.freeze(['Sales', 'Support', 'Billing', 'Retention'] as const);
/**
 * Team ids (our assumption; the doc's Agent Status example sends `"team_ids": [1]`, so small integers). Listed on each
 * agent's `teams[]` and in `state.teams`.
 */
export const TEAM_IDS: Readonly<Record<(typeof AGENT_TEAMS)[number], number>> = Object.freeze({
  Sales: 1,
  Support: 2,
  Billing: 3,
  Retention: 4,
});

const AGENT_COUNT = 30;
const CALL_COUNT = 260;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function shuffle<T>(s: Seeder, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = s.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** `count` items: each of `required` once, then `weighted` picks, shuffled. */
function covering<T>(s: Seeder, required: readonly T[], weighted: ReadonlyArray<readonly [T, number]>, count: number): T[] {
  const out = [...required];
  while (out.length < count) out.push(s.weighted(weighted));
  return shuffle(s, out);
}

function buildAgents(s: Seeder): Agent[] {
  const statusIds = covering(
    s,
    // Every status once, plus three extra Offline agents so "several" are offline whatever the weights give.
    [...USER_STATUSES.map((st) => st.id), STATUS_OFFLINE_ID, STATUS_OFFLINE_ID, STATUS_OFFLINE_ID],
    [
      [1, 5],
      [2, 1],
      [3, 4],
      [4, 2],
      [5, 1],
      [6, 1],
      [7, 1],
      [8, 3],
    ],
    AGENT_COUNT,
  );
  const agents: Agent[] = [];
  let id = 10;
  statusIds.forEach((statusId, i) => {
    id += s.int(1, 3); // ids ascend with gaps, like a real tenant's
    const status = USER_STATUSES.find((st) => st.id === statusId)!;
    const first = s.firstName();
    const last = s.lastName();
    const online = statusId !== STATUS_OFFLINE_ID;
    let lastLoginMs: number | null;
    let statusUpdatedMs: number;
    if (online) {
      lastLoginMs = SEED_EPOCH_MS - s.int(20, 10 * 60) * MINUTE;
      statusUpdatedMs = s.int(lastLoginMs, SEED_EPOCH_MS - MINUTE);
    } else {
      // An offline agent logged out some time ago; a few never logged in at all (null last_login_time).
      lastLoginMs = s.bool(0.3) ? null : SEED_EPOCH_MS - s.int(1, 29 * 24) * HOUR;
      statusUpdatedMs = lastLoginMs === null ? SEED_EPOCH_MS - s.int(1, 29) * DAY : lastLoginMs + s.int(1, 9) * HOUR;
    }
    const teamCount = s.bool(0.25) ? 2 : 1;
    const teams = shuffle(s, [...AGENT_TEAMS])
      .slice(0, teamCount)
      .sort()
      .map((name) => ({ id: TEAM_IDS[name], name }));
    const roles = [{ name: 'Agent' }, ...(i % 10 === 0 ? [{ name: 'Manager' }] : [])];
    const ucaas = s.bool(0.2);
    const handle = `${first}.${last}.${id}`.toLowerCase();
    agents.push({
      id,
      email: `${handle}@demo.example.com`,
      first_name: first,
      last_name: last,
      agent_number: String(4000 + id),
      location: s.pick(AGENT_LOCATIONS),
      max_chat_limit: s.int(1, 5),
      max_chat_limit_enabled: s.bool(0.6),
      unrestricted_international_calling: s.bool(0.2),
      deactivated_at: null,
      ucaas_user_name: ucaas ? handle : null,
      ucaas_sip_uri: ucaas ? `sip:${handle}@ucaas.demo.example.com` : null,
      external_user: s.bool(0.1),
      phone_numbers: [s.phone()],
      extension_numbers: [1000 + id],
      teams,
      roles,
      status_id: status.id,
      status: status.name,
      online,
      wrap_up: statusId === STATUS_WRAP_UP_ID,
      last_login_time: lastLoginMs === null ? null : iso(lastLoginMs),
      status_updated_at: iso(statusUpdatedMs),
      last_login_ip: null, // filled in by buildExtras from its own seeder stream
    });
  });
  const offline = agents.filter((a) => !a.online);
  // Guarantee one never-logged-in agent (for the last_login_time filters) and one deactivated agent.
  if (!offline.some((a) => a.last_login_time === null)) offline[0]!.last_login_time = null;
  const deactivated = offline[offline.length - 1]!;
  deactivated.deactivated_at = iso(Date.parse(deactivated.status_updated_at) + HOUR);
  return agents;
}

/** Queues (IVR/web/mobile menus) that calls land in and campaigns dial for. Names and ids are ours. */
function buildMenus(): Menu[] {
  const leaf = (id: number, name: string, position: number, menu_type: Menu['menu_type']): Menu => ({
    id,
    name,
    parent_id: 59,
    position,
    deleted: false,
    hidden: false,
    menu_type,
    output_msg: null,
  });
  return [leaf(60, 'Sales', 1, 'ivr_menu'), leaf(61, 'Support', 2, 'ivr_menu'), leaf(62, 'Billing', 3, 'ivr_menu'), leaf(63, 'Retention', 4, 'web_menu'), leaf(64, 'Mobile Help', 5, 'mobile_menu')];
}

const menuPath = (m: Menu): MenuPath => ({ items_count: 1, name: m.name, materialized_path: `59/${m.id}` });

const agentInfo = (a: Agent): AgentInfo => ({
  id: a.id,
  name: `${a.first_name} ${a.last_name}`,
  last_name: a.last_name,
  first_name: a.first_name,
  agent_number: a.agent_number,
  avatar_url: null,
});

/** Statuses of calls still under way at SEED_EPOCH_MS: created within the last few minutes. */
const IN_FLIGHT: ReadonlySet<CallStatus> = new Set<CallStatus>(['selecting', 'queued', 'assigned', 'connecting', 'connected', 'switching', 'action_only', 'voicemail']);
/** Statuses that imply an agent took (or is taking, or listened to) the call. Outbound calls always have one. */
const HAS_AGENT: ReadonlySet<CallStatus> = new Set<CallStatus>(['assigned', 'connecting', 'connected', 'finished', 'recovered', 'action_only', 'action_only_finished', 'voicemail_read']);
/** Statuses in which agent and end user talked. */
const WAS_CONNECTED: ReadonlySet<CallStatus> = new Set<CallStatus>(['connected', 'finished', 'recovered', 'action_only', 'action_only_finished']);
const ENDED: ReadonlySet<CallStatus> = new Set<CallStatus>(['finished', 'failed', 'recovered', 'action_only_finished', 'deflected', 'voicemail_received', 'voicemail_read']);

/*
 * Enum values beyond the doc's example object (`voip_provider_twilio`, `not_asked`, `not_voicemail`, `no_deflection`,
 * `disconnected_by_unknown`, `nothing`) follow the same naming pattern but are our assumption.
 */
const FAIL_REASONS = ['no_answer', 'end_user_hung_up', 'voip_error', 'no_available_agent'] as const;
const DISCONNECTED_BY = ['disconnected_by_end_user', 'disconnected_by_agent'] as const;

function buildCalls(s: Seeder, agents: Agent[], menus: Menu[]): Call[] {
  const statuses = covering<CallStatus>(
    s,
    CALL_STATUS_VALUES,
    [
      ['finished', 40],
      ['failed', 8],
      ['recovered', 2],
      ['deflected', 4],
      ['voicemail_received', 3],
      ['voicemail_read', 3],
      ['scheduled', 3],
      ['action_only_finished', 2],
      ['queued', 2],
      ['connected', 3],
      ['selecting', 1],
      ['assigned', 1],
      ['connecting', 1],
      ['switching', 1],
      ['action_only', 1],
      ['voicemail', 1],
    ],
    CALL_COUNT,
  );
  const inCall = agents.filter((a) => a.status_id === STATUS_IN_CALL_ID);
  const active = agents.filter((a) => a.deactivated_at === null);
  const drafts = statuses.map((status) => {
    const createdMs = IN_FLIGHT.has(status) ? SEED_EPOCH_MS - s.int(10, 15 * 60) * 1000 : SEED_EPOCH_MS - s.int(60 * 60, 30 * 24 * 60 * 60 - 1) * 1000;
    return { status, createdMs };
  });
  drafts.sort((a, b) => a.createdMs - b.createdMs);

  const calls: Call[] = [];
  let id = 50_000;
  let participantId = 900_000;
  for (const { status, createdMs } of drafts) {
    id += s.int(1, 4);
    const call_type: CallType =
      status === 'scheduled'
        ? 'Voice Scheduled (API)'
        : s.weighted([
            ['Voice Inbound (API)', 6],
            ['Voice Outbound (API)', 3],
            ['Voice Scheduled (API)', 1],
          ] as const);
    const outbound = call_type === 'Voice Outbound (API)';
    const agent = HAS_AGENT.has(status) || outbound ? (IN_FLIGHT.has(status) && inCall.length > 0 ? s.pick(inCall) : s.pick(active)) : null;
    const menu = s.pick(menus);
    const queued = status !== 'selecting' && status !== 'scheduled';
    const queuedMs = queued ? createdMs + s.int(5, 40) * 1000 : null;
    const assignedMs = agent && queuedMs !== null && status !== 'queued' ? queuedMs + s.int(3, 180) * 1000 : null;
    const connected = WAS_CONNECTED.has(status) && assignedMs !== null;
    const connectedMs = connected ? assignedMs + s.int(2, 15) * 1000 : null;
    const ended = ENDED.has(status);
    const talkSec = connected ? s.int(30, 1800) : 0;
    const endsMs = ended ? (connectedMs ?? queuedMs ?? createdMs) + (connected ? talkSec : s.int(10, 120)) * 1000 : null;
    const holdSec = connected && s.bool(0.3) ? s.int(5, 120) : 0;
    const failed = status === 'failed' || status === 'switching';
    const endUserId = 700_000 + s.int(1, 99_999);
    const voicemail = status === 'voicemail' || status === 'voicemail_received' || status === 'voicemail_read';
    const participants: CallParticipant[] = [
      {
        id: ++participantId,
        type: 'end_user',
        status: ended ? (connected ? 'finished' : 'failed') : connected ? 'connected' : 'waiting',
        call_id: id,
        user_id: null,
        end_user_id: endUserId,
        call_duration: talkSec,
        hold_duration: holdSec,
        connected_at: connectedMs === null ? null : iso(connectedMs),
        ended_at: endsMs === null ? null : iso(endsMs),
        fail_reason: failed ? 'end_user_hung_up' : 'nothing',
      },
    ];
    if (agent && assignedMs !== null) {
      participants.push({
        id: ++participantId,
        type: 'agent',
        status: ended ? (connected ? 'finished' : 'failed') : connected ? 'connected' : 'connecting',
        call_id: id,
        user_id: agent.id,
        end_user_id: null,
        call_duration: talkSec,
        hold_duration: holdSec,
        connected_at: connectedMs === null ? null : iso(connectedMs),
        ended_at: endsMs === null ? null : iso(endsMs),
        fail_reason: 'nothing',
      });
    }
    const transfers: CallTransfer[] = [];
    if (status === 'finished' && agent && connectedMs !== null && s.bool(0.08)) {
      const to = s.pick(active.filter((a) => a.id !== agent.id));
      const toMenu = s.pick(menus);
      transfers.push({
        id: id * 10 + 1,
        status: 'transferred',
        fail_reason: 'nothing',
        created_at: iso(connectedMs + Math.floor(talkSec / 2) * 1000),
        from_menu: menuPath(menu),
        to_menu: menuPath(toMenu),
        from_agent: agentInfo(agent),
        to_agent: agentInfo(to),
      });
    }
    calls.push({
      id,
      parent_id: null,
      lang: s.weighted([
        ['en', 8],
        ['es', 2],
      ] as const),
      call_type,
      status,
      created_at: iso(createdMs),
      queued_at: queuedMs === null ? null : iso(queuedMs),
      assigned_at: assignedMs === null ? null : iso(assignedMs),
      connected_at: connectedMs === null ? null : iso(connectedMs),
      ends_at: endsMs === null ? null : iso(endsMs),
      scheduled_at: call_type === 'Voice Scheduled (API)' ? iso(status === 'scheduled' ? SEED_EPOCH_MS + s.int(1, 72) * HOUR : createdMs + s.int(1, 48) * HOUR) : null,
      updated_at: iso(Math.max(createdMs, queuedMs ?? 0, assignedMs ?? 0, connectedMs ?? 0, endsMs ?? 0)),
      wait_duration: queuedMs === null ? 0 : Math.round(((assignedMs ?? endsMs ?? SEED_EPOCH_MS) - queuedMs) / 1000),
      call_duration: talkSec,
      hold_duration: holdSec,
      rating: connected && ended && s.bool(0.3) ? s.int(1, 5) : null,
      has_feedback: false,
      voip_provider: s.weighted([
        ['voip_provider_twilio', 4],
        ['voip_provider_nexmo', 1],
      ] as const),
      out_ticket_id: connected ? String(s.int(10_000, 99_999)) : null,
      out_ticket_url: null,
      verified: s.bool(0.4),
      recording_url: connected && ended ? `https://demo.example.com/recordings/${id}.mp3` : null,
      recording_permission: s.weighted([
        ['granted', 6],
        ['not_asked', 3],
        ['denied', 1],
      ] as const),
      voicemail_reason: voicemail ? 'after_hours' : 'not_voicemail',
      deflection: status === 'deflected' || voicemail ? 'voicemail' : 'no_deflection',
      disconnected_by: ended && connected ? s.pick(DISCONNECTED_BY) : 'disconnected_by_unknown',
      fail_details: failed ? 'Call could not be connected' : null,
      fail_reason: failed ? s.pick(FAIL_REASONS) : 'nothing',
      support_number: '+18005550100',
      selected_menu: { ...menu },
      menu_path: menuPath(menu),
      agent_info: agent ? agentInfo(agent) : null,
      end_user: { id: endUserId, identifier: `eu-${endUserId}`, out_contact_id: null },
      photos: [],
      videos: [],
      transfers,
      participants,
    });
  }
  // A recovered call is the call-back child of an earlier failed call (doc: "This new call is a child to the original call").
  for (const call of calls) {
    if (call.status !== 'recovered') continue;
    const parents = calls.filter((c) => c.status === 'failed' && c.created_at < call.created_at);
    if (parents.length > 0) call.parent_id = s.pick(parents).id;
  }
  return calls;
}

/** Contact statuses that never reached a call (no `assigned_call_id`). */
const NOT_DIALED: ReadonlySet<ContactStatus> = new Set<ContactStatus>([
  'Upcoming',
  'Redial Scheduled',
  'Do Not Call',
  'Invalid Number',
  'Invalid Outbound Number',
  'Blocked Phone Number',
  'Skipped',
  'Skipped & Closed',
]);

/**
 * `contact_stats`, keyed as in Google's manager-api-campaign example. The per-status keys are counts of our contacts
 * (the example spells two of them differently from the contact statuses: "Invalid Number or Name" and "Invalid outbound
 * number"; "Blocked Phone Number" has no key there). The aggregate keys' exact definitions are not documented; ours are
 * an approximation: Remaining = Upcoming + Redial Scheduled; Running = in-flight; Completed = final; Reached = talked.
 */
export function contactStats(contacts: readonly CampaignContact[], redials: number): Record<string, number> {
  const n = (...st: ContactStatus[]) => contacts.filter((c) => st.includes(c.status)).length;
  const remaining = n('Upcoming', 'Redial Scheduled');
  const running = n('Dialing', 'Queued', 'Connected', 'Transferred');
  const reached = n('Connected', 'Finished', 'Transferred', 'Transferred and Finished');
  const completed = contacts.length - remaining - running;
  return {
    'Abandoned by Contact': n('Abandoned by Contact'),
    'Abandoned by Dialer': n('Abandoned by Dialer'),
    'Average Redials per Number': contacts.length === 0 ? 0 : Math.round((redials / contacts.length) * 100) / 100,
    'Carrier Error': n('Carrier Error'),
    Completed: completed,
    Connected: n('Connected'),
    Contacts: contacts.length,
    'Dialer General Error': n('Dialer General Error'),
    Dialing: n('Dialing'),
    'Do Not Call': n('Do Not Call'),
    Finished: n('Finished'),
    'Invalid Number or Name': n('Invalid Number'),
    'Invalid outbound number': n('Invalid Outbound Number'),
    'Not Picked Up': n('Not Picked Up'),
    'Not Reached to Contact': n('Not Reached to Contact'),
    'Not reached': completed - n('Finished', 'Transferred and Finished'),
    'Not yet reached': remaining + n('Dialing', 'Queued'),
    Queued: n('Queued'),
    Reached: reached,
    'Redial Scheduled': n('Redial Scheduled'),
    Redials: redials,
    Remaining: remaining,
    Running: running,
    Skipped: n('Skipped'),
    'Skipped & Closed': n('Skipped & Closed'),
    Transferred: n('Transferred'),
    'Transferred and Finished': n('Transferred and Finished'),
    Upcoming: n('Upcoming'),
    'Voicemail Hung Up': n('Voicemail Hung Up'),
  };
}

function buildCampaigns(s: Seeder, menus: Menu[]): { campaigns: Campaign[]; contacts: CampaignContact[] } {
  /*
   * Campaign `status` values: "dialing" is the Manager API example's; "created" and "started" are listed on the same
   * page. `mode` values are the campaign manager's Preview/Predictive/Progressive. The first three campaigns together
   * cover every contact status; the "created" campaign has not dialed yet, so its contacts are all Upcoming.
   */
  const defs = [
    { name: 'Q4 Renewals', mode: 'preview', status: 'dialing' },
    { name: 'Win-back November', mode: 'predictive', status: 'dialing' },
    { name: 'Billing Reminders', mode: 'progressive', status: 'started' },
    { name: 'Holiday Offers', mode: 'predictive', status: 'created' },
  ] as const;
  const dialedStatuses = CONTACT_STATUSES.filter((st) => st !== 'Upcoming');
  // Spread the required statuses over the dialing campaigns so each status appears somewhere.
  const required: ContactStatus[][] = [[], [], []];
  shuffle(s, [...CONTACT_STATUSES]).forEach((st, i) => required[i % 3]!.push(st));
  const weights: ReadonlyArray<readonly [ContactStatus, number]> = [
    ['Upcoming', 30],
    ['Finished', 15],
    ['Not Picked Up', 6],
    ['Redial Scheduled', 4],
    ['Not Reached to Contact', 3],
    ...dialedStatuses.map((st) => [st, 1] as const),
  ];
  const campaigns: Campaign[] = [];
  const contacts: CampaignContact[] = [];
  let contactId = 16_300;
  let callId = 80_000; // dialer calls: not part of the seeded API call list (the calls seed holds API-created calls only)
  defs.forEach((def, i) => {
    const id = 240 + i * 3;
    const createdMs = SEED_EPOCH_MS - s.int(10, 25) * DAY;
    const startsMs = def.status === 'created' ? null : createdMs + s.int(1, 48) * HOUR;
    const count = s.int(20, 80);
    const statuses: ContactStatus[] = def.status === 'created' ? Array.from({ length: count }, () => 'Upcoming' as const) : covering(s, required[i]!, weights, count);
    const mine: CampaignContact[] = [];
    let redials = 0;
    for (const status of statuses) {
      contactId += 1;
      const addedMs = createdMs + s.int(0, 60) * MINUTE;
      const dialed = !NOT_DIALED.has(status);
      const updatedMs = status === 'Upcoming' || startsMs === null ? addedMs : s.int(startsMs, SEED_EPOCH_MS - MINUTE);
      if (dialed && s.bool(0.2)) redials += s.int(1, 2);
      const first = s.firstName();
      const last = s.lastName();
      mine.push({
        assigned_call_id: dialed ? ++callId : null,
        assigned_participant_id: dialed ? 950_000 + callId : null,
        campaign_id: id,
        created_at: iso(addedMs),
        id: contactId,
        name: `${first} ${last}`,
        outbound_number: s.bool(0.2) ? '+17608675309' : null,
        priority: s.bool(0.15) ? s.int(1, 5) : null,
        status,
        unique_id: `UID_${id}_${contactId}`,
        updated_at: iso(updatedMs),
        phone_number: status === 'Invalid Number' ? '+1555' : s.phone(),
        email: s.bool(0.5) ? `${first}.${last}.${contactId}@customer.example.com`.toLowerCase() : null,
      });
    }
    const queue = s.pick(menus);
    campaigns.push({
      campaign_type: 'default',
      id,
      external_campaign_id: i % 2 === 0 ? `EXT-${id}` : null,
      max_abandonment_percent: 3,
      max_redial_count: 3,
      mode: def.mode,
      name: def.name,
      overdial_adjustment_multiplier: def.mode === 'predictive' ? 1.5 : 1,
      queue: { ...queue },
      redial_interval_minutes: 120,
      status: def.status,
      target_number_to_process: mine.length,
      created_at: iso(createdMs),
      starts_at: startsMs === null ? null : iso(startsMs),
      ends_at: null,
      updated_at: iso(startsMs ?? createdMs),
      contact_stats: contactStats(mine, redials),
    });
    contacts.push(...mine);
  });
  return { campaigns, contacts };
}

// ---------------------------------------------------------------------------------------------------------------
// Extras for the write endpoints: a separate seeder stream, so the records above keep their exact values.
// ---------------------------------------------------------------------------------------------------------------

/** XORed into the seed for the extras stream. */
const EXTRAS_SEED_SALT = 0x5a17_e11a;

/** The block that `POST /agent_statuses/force_logout` examples use (vendor doc: `"ip_addrs": ["34.211.11.0/24"]`). */
export const OFFICE_IP_BLOCK = '34.211.11.0/24';

/**
 * Menus beyond the five the calls and campaigns were seeded with (ours): the root 59 that those five already name as
 * their parent, sub-menus at depth 3, and a Spanish tree rooted at 70.
 */
function extraMenus(): Menu[] {
  const m = (id: number, name: string, parent_id: number | null, position: number, menu_type: Menu['menu_type']): Menu => ({
    id,
    name,
    parent_id,
    position,
    deleted: false,
    hidden: false,
    menu_type,
    output_msg: null,
  });
  return [
    m(59, 'Main Menu', null, 1, 'ivr_menu'),
    m(66, 'Technical Support', 61, 1, 'ivr_menu'),
    m(67, 'Web Orders', 63, 1, 'web_menu'),
    m(68, 'App Billing', 64, 1, 'mobile_menu'),
    m(70, 'Menú Principal', null, 2, 'ivr_menu'),
    m(71, 'Soporte', 70, 1, 'ivr_menu'),
    m(72, 'Ayuda Web', 70, 2, 'web_menu'),
    m(73, 'Ayuda Móvil', 70, 3, 'mobile_menu'),
  ];
}

/**
 * Queue settings per menu id (ours): language, which teams staff it, and the after-hours / over-capacity switches.
 * 62 Billing and 72 Ayuda Web are after hours; 61 Support and 71 Soporte are over capacity.
 */
const MENU_SETTINGS: Readonly<Record<number, { lang: string; teams: Array<(typeof AGENT_TEAMS)[number]>; after_hour?: true; overcapacity?: true }>> = {
  59: { lang: 'en', teams: ['Sales', 'Support', 'Billing', 'Retention'] },
  60: { lang: 'en', teams: ['Sales'] },
  61: { lang: 'en', teams: ['Support'], overcapacity: true },
  62: { lang: 'en', teams: ['Billing'], after_hour: true },
  63: { lang: 'en', teams: ['Retention'] },
  64: { lang: 'en', teams: ['Support'] },
  66: { lang: 'en', teams: ['Support'] },
  67: { lang: 'en', teams: ['Sales'] },
  68: { lang: 'en', teams: ['Billing'] },
  70: { lang: 'es', teams: ['Support', 'Billing'] },
  71: { lang: 'es', teams: ['Support'], overcapacity: true },
  72: { lang: 'es', teams: ['Support'], after_hour: true },
  73: { lang: 'es', teams: ['Billing'] },
};

function materializedPath(menus: readonly Menu[], menu: Menu): string {
  const ids: number[] = [];
  for (let m: Menu | undefined = menu; m; m = m.parent_id === null ? undefined : menus.find((x) => x.id === m.parent_id)) {
    ids.unshift(m.id);
  }
  return ids.join('/');
}

/** The state without issue 16's fixed records (added by `buildAppsApiState`). */
type CoreState = Omit<AppsApiState, 'queueSettingsVersions' | 'queueSettingsRestored' | 'contactLists'>;

function buildExtras(
  seed: number,
  base: Omit<
    CoreState,
    | 'teams'
    | 'menuQueues'
    | 'customerFlags'
    | 'callCustomData'
    | 'endUsers'
    | 'dnc'
    | 'chats'
    | 'crmContactData'
    | 'contactImportJobs'
    | 'bulkUserJobs'
    | 'chatSessions'
    | 'chatCustomerFlags'
    | 'chatCustomData'
  >,
): CoreState {
  const x = createSeeder((seed ^ EXTRAS_SEED_SALT) >>> 0);
  // Agents' last login address: about half from the office block 34.211.11.0/24, the rest elsewhere.
  for (const agent of base.agents) {
    if (agent.last_login_time === null) continue;
    agent.last_login_ip = x.bool(0.45) ? `34.211.11.${x.int(2, 254)}` : x.pick([`10.20.${x.int(0, 255)}.${x.int(1, 254)}`, `198.51.100.${x.int(1, 254)}`, `203.0.113.${x.int(1, 254)}`]);
  }
  const menus = [...base.menus, ...extraMenus()];
  const menuQueues: MenuQueue[] = menus.map((menu) => {
    const set = MENU_SETTINGS[menu.id]!;
    const busy = set.overcapacity === true;
    const scheduling = menu.menu_type !== 'ivr_menu';
    return {
      menu_id: menu.id,
      lang: set.lang,
      materialized_path: materializedPath(menus, menu),
      after_hour: set.after_hour === true,
      overcapacity: busy,
      voice_call_ewt: busy ? x.int(900, 1800) : x.int(15, 300),
      chat_ewt: scheduling ? (busy ? x.int(600, 1200) : x.int(10, 240)) : null,
      scheduled_callback_ewt: scheduling ? x.int(300, 3600) : null,
      breakthrough_agents: x.int(0, 3),
      team_ids: set.teams.map((t) => TEAM_IDS[t]),
    };
  });
  const customerFlags: Record<string, CustomerFlags> = {};
  for (const call of base.calls) {
    customerFlags[String(call.id)] = { verified_customer: call.verified, bad_actor: x.bool(0.05), repeat_customer: x.bool(0.3) };
  }
  const endUsers: EndUser[] = [];
  const seen = new Set<number>();
  for (const call of base.calls) {
    if (seen.has(call.end_user.id)) continue;
    seen.add(call.end_user.id);
    endUsers.push({ id: call.end_user.id, identifier: call.end_user.identifier, name: null, email: null, phone: x.phone() });
  }
  endUsers.sort((a, b) => a.id - b.id);
  // DNC: two standalone numbers, one with an expiry, and the number of the first "Upcoming" contact of the first campaign.
  const upcoming = base.campaignContacts.find((c) => c.campaign_id === base.campaigns[0]!.id && c.status === 'Upcoming')!;
  const dnc: DncEntry[] = [
    { phone_number: '+14155550199', expires_at: null },
    { phone_number: '+16285550142', expires_at: '2030-01-01T00:00:00.000Z' },
    { phone_number: upcoming.phone_number, expires_at: null },
  ];
  return {
    ...base,
    menus,
    teams: AGENT_TEAMS.map((name) => ({ id: TEAM_IDS[name], name })),
    menuQueues,
    customerFlags,
    callCustomData: {},
    endUsers,
    dnc,
    chats: [],
    crmContactData: [],
    contactImportJobs: [],
    bulkUserJobs: [],
    chatSessions: [],
    chatCustomerFlags: {},
    chatCustomData: {},
  };
}

/** XORed into the seed for the chats stream. */
const CHATS_SEED_SALT = 0x0c4a_7c4a;
const CHAT_COUNT = 60;
const FIRST_SEEDED_CHAT_ID = 20_001;

const CHAT_STATUS_TEXT: Readonly<Record<ChatStatus, string>> = {
  selecting: 'Selecting',
  va_assigned: 'Virtual agent',
  queued: 'Queued',
  assigned: 'Assigned',
  finished: 'Finished',
  failed: 'Failed',
  dismissed: 'Dismissed',
  va_dismissed: 'Virtual agent dismissed',
  deflected: 'Deflected',
};
export const chatStatusText = (s: ChatStatus): string => CHAT_STATUS_TEXT[s];

/** How often each status is seeded beyond the two of each (ours: mostly finished or open). */
const CHAT_WEIGHTS: Partial<Record<ChatStatus, number>> = { finished: 4, queued: 4, assigned: 3, selecting: 2 };

/** Statuses with a human agent on the chat (ours). */
const CHAT_HAS_AGENT: ReadonlySet<ChatStatus> = new Set<ChatStatus>(['assigned', 'finished', 'dismissed']);
/** Statuses that ended the chat (ours; a dismissed chat may be resumed). */
export const CHAT_ENDED: ReadonlySet<ChatStatus> = new Set<ChatStatus>(['finished', 'failed', 'dismissed', 'va_dismissed', 'deflected']);

export const chatAgentOf = (a: Agent): ChatAgent => ({ id: a.id, name: `${a.first_name} ${a.last_name}`, first_name: a.first_name, avatar_url: null, status: a.status });

/**
 * 60 chats, every status at least twice, over the last two weeks; human agents from the seeded agents that are not
 * deactivated; end users from the seeded end users; every third chat with an imported transcript.
 */
function buildChatSessions(seed: number, state: CoreState): Pick<AppsApiState, 'chatSessions' | 'chatCustomerFlags'> {
  const x = createSeeder((seed ^ CHATS_SEED_SALT) >>> 0);
  const agents = state.agents.filter((a) => a.deactivated_at === null);
  const chatMenus = state.menus.filter((m) => m.menu_type !== 'ivr_menu');
  const statuses = covering(
    x,
    [...CHAT_STATUSES, ...CHAT_STATUSES],
    CHAT_STATUSES.map((st) => [st, CHAT_WEIGHTS[st] ?? 1] as const),
    CHAT_COUNT,
  );
  const start = SEED_EPOCH_MS - 14 * DAY;
  const chatSessions: ChatSession[] = [];
  const chatCustomerFlags: Record<string, CustomerFlags> = {};
  let messageId = 700_000;
  for (let i = 0; i < CHAT_COUNT; i++) {
    const id = FIRST_SEEDED_CHAT_ID + i;
    const status = statuses[i]!;
    const createdMs = start + Math.floor((i * 14 * DAY) / CHAT_COUNT) + x.int(0, 30) * MINUTE;
    const agent = CHAT_HAS_AGENT.has(status) ? x.pick(agents) : null;
    const menu = x.pick(chatMenus);
    const endUser = x.pick(state.endUsers);
    const ended = CHAT_ENDED.has(status);
    const endsMs = ended ? createdMs + x.int(3, 40) * MINUTE : null;
    const sent = (from: string, content: string, atMs: number) => ({ from, content, sent_at: iso(atMs) });
    const transcript =
      i % 3 === 0 ? { messages: [sent('end_user', 'Hi, I need help with my order.', createdMs - 2 * MINUTE), sent('virtual_agent', 'Let me connect you to an agent.', createdMs - MINUTE)] } : null;
    const messages: ChatMessage[] = agent
      ? [
          { id: ++messageId, from_user_id: endUser.id, from: 'end_user', type: 'text', content: 'Hello?', media_id: null, sent_at: iso(createdMs + MINUTE) },
          { id: ++messageId, from_user_id: agent.id, from: 'agent', type: 'text', content: 'Hi, how can I help?', media_id: null, sent_at: iso(createdMs + 2 * MINUTE) },
        ]
      : [];
    chatSessions.push({
      id,
      status,
      status_text: CHAT_STATUS_TEXT[status],
      chat_type: menu.menu_type === 'mobile_menu' ? 'mobile' : 'web',
      lang: 'en',
      created_at: iso(createdMs),
      updated_at: iso(endsMs ?? createdMs + 2 * MINUTE),
      ends_at: endsMs === null ? null : iso(endsMs),
      timeout_at: status === 'dismissed' || status === 'va_dismissed' ? iso(endsMs!) : null,
      agent: agent ? chatAgentOf(agent) : null,
      all_agents: agent ? [chatAgentOf(agent)] : [],
      menus: [{ id: menu.id, name: menu.name }],
      end_user: { id: endUser.id, identifier: endUser.identifier },
      email: null,
      context: null,
      transcript,
      messages,
      photos: [],
      videos: [],
      escalations: [],
      deflection_channel: status === 'deflected' ? x.pick(['voice_call', 'email']) : null,
      finished_by_user_id: status === 'finished' && agent ? agent.id : null,
    });
    chatCustomerFlags[String(id)] = { verified_customer: x.bool(0.4), bad_actor: x.bool(0.05), repeat_customer: x.bool(0.3) };
  }
  return { chatSessions, chatCustomerFlags };
}

/** Builds the whole state from `seed`. The same seed always gives an equal state. */
export function buildAppsApiState(seed: number): AppsApiState {
  const s = createSeeder(seed);
  const agents = buildAgents(s);
  const menus = buildMenus();
  const { campaigns, contacts } = buildCampaigns(s, menus);
  const calls = buildCalls(s, agents, menus);
  const core = buildExtras(seed, {
    seed,
    userStatuses: USER_STATUSES.map((st) => ({ ...st })),
    agents,
    menus,
    campaigns,
    campaignContacts: contacts,
    calls,
  });
  const withChats: CoreState = { ...core, ...buildChatSessions(seed, core) };
  const state: AppsApiState = { ...withChats, contactLists: buildContactLists(), queueSettingsVersions: [], queueSettingsRestored: null };
  state.queueSettingsVersions = buildQueueSettingsVersions(state);
  return state;
}
