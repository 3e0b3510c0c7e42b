// Deterministic seed state of the campaign-API simulator: accounts, agents, queues, campaigns, leads, activity, CDRs.
import { createHash } from 'node:crypto';
import { createSeeder, SEED_EPOCH_MS, type Seeder } from '../common/seed';

/**
 * Agent statuses. The vendor doc's queue example shows only "idle"; the other four are our design,
 * modelled on a FreeSWITCH-style call-center agent lifecycle.
 */
export const AGENT_STATUSES = ['idle', 'ringing', 'in_call', 'wrap_up', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Campaign statuses: "stopped" is in the vendor doc; "running" and "paused" are our design. */
export const CAMPAIGN_STATUSES = ['running', 'stopped', 'paused'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Lead statuses: "new", "success" and "failed" are in the vendor doc; the rest are our design. */
export const LEAD_STATUSES = ['new', 'success', 'failed', 'in_progress', 'no_answer', 'busy', 'voicemail', 'dnc'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Call outcomes on a CDR (our design; the vendor doc only names the "voicemail" disposition). */
export type CdrDisposition = 'answered' | 'no_answer' | 'busy' | 'failed' | 'voicemail';

/** The user profile returned by login (the vendor doc elides it as `"user": {...}`; fields are our design). */
export interface CampaignApiUser {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  domain: string;
  account_id: string;
}

/** A tenant that can log in (username/password/domain) or call with its API key (notes §2). */
export interface CampaignApiAccount {
  /** 32 lowercase hex; the `X-Account-ID` value and the first half of the JWT `identity`. */
  accountId: string;
  domain: string;
  username: string;
  password: string;
  apiKey?: string;
  user: CampaignApiUser;
}

/** An agent tag, as in the queue-status example (`{id, name, color}`). */
export interface AgentTag {
  id: string;
  name: string;
  color: string;
}

/**
 * One agent. The queue-status fields are agent-level, so an agent in several queues shows the same values in
 * each. `first_name`/`last_name`/`email`/`endpoint` feed the `agent` object of the campaign-activity shape.
 */
export interface SeedAgent {
  /** 32 hex (vendor doc). */
  id: string;
  name: string;
  first_name: string;
  last_name: string;
  email: string;
  extension: string;
  extension_is_valid: boolean;
  delay: number;
  timeout: number;
  logged_in: boolean;
  /** Always "idle" when `logged_in` is false, as in the vendor doc's example. */
  status: AgentStatus;
  registered: boolean;
  tagIds: string[];
  /** 32 hex; the campaign-activity `agent.endpoint`. */
  endpoint: string;
}

/** A caller waiting in a queue. The vendor doc only shows `"calls": {}`; this shape is our design. */
export interface QueueCall {
  /** UUID; the key in the queue-status `calls` object. */
  uuid: string;
  caller_number: string;
  wait_seconds: number;
}

export interface SeedQueue {
  /** UUID (vendor doc). */
  id: string;
  name: string;
  extension: string;
  max_time_caller_in_queue: number;
  /** "single" is in the vendor doc; the others are our design (FreeSWITCH-style strategies). */
  strategy: string;
  agentIds: string[];
  calls: QueueCall[];
}

export interface SeedCampaign {
  /** 32 hex. */
  id: string;
  name: string;
  status: CampaignStatus;
  /** Unix seconds. */
  created: number;
}

/** A lead, in the vendor doc's shape and key order ("Get Leads status by Campaign"). */
export interface Lead {
  created: number;
  campaign_id: string;
  number: string;
  status: LeadStatus;
  retries: number;
  first_name: string;
  last_name: string;
  priority: number;
  id: string;
}

/** The `agent` object inside a campaign-activity `lead_history` entry (vendor doc). */
export interface ActivityAgent {
  delay: number;
  device_endpoints: string[];
  email: string;
  endpoint: string;
  ext: string;
  first_name: string;
  last_answered: number;
  last_attempt: number;
  last_hangup: number;
  last_name: string;
  status: string;
  timeout: number;
  total_talk_time: number;
  type: string;
}

export interface LeadHistoryEntry {
  agent: ActivityAgent;
  event: string;
  ext: string;
  last_attempt: number;
  type: string;
  uuid: string;
}

/** One campaign-activity record, in the vendor doc's shape ("Get Campaigns activity"). */
export interface CampaignActivity {
  /** Go's `time.Time.String()` in UTC, e.g. "2022-10-19 23:31:58 +0000 UTC". */
  datetime: string;
  timestamp: number;
  campaign_name: string;
  lead_name: string;
  lead_number: string;
  agent_name: string;
  agent_extension: string;
  lead_history: LeadHistoryEntry[];
}

/**
 * A call detail record, for `PUT /api/v2/config/campaigns/call/{cdrID}/disposition/voicemail`. The vendor doc
 * gives only the path; this shape is our design.
 *
 * Our assumption (the doc is silent on what a "cdrID" is): a CDR's `id` IS the call UUID that the
 * campaign-activity record shows in `lead_history[].uuid` (doc format `<hex>-clicktocall`), so a client can go
 * from an activity record to its CDR. One click-to-call is one call: every `lead_history` entry of one activity
 * record carries the same uuid, and each activity record has exactly one CDR.
 */
export interface CallDetailRecord {
  /** The call UUID, e.g. "d7bf2f395cf9adddece9dd8df49712f13d39-clicktocall" (36 hex + "-clicktocall"). */
  id: string;
  campaign_id: string;
  lead_id: string;
  lead_number: string;
  agent_id: string;
  /** Unix seconds; equals the activity record's `timestamp`. */
  started: number;
  duration: number;
  /** Set to "voicemail" by the disposition endpoint. */
  disposition: CdrDisposition;
}

/**
 * What the add-lead body carries beyond the leads-list shape (`type`, `ticket_id`, `note`, `cool_off`; vendor doc
 * "Add Lead to campaign"). The list never shows them (the doc's lead has 9 keys), so they are kept aside.
 */
export interface LeadExtras {
  type: string;
  ticket_id: string;
  note: string;
  cool_off: number;
}

/** The simulator's whole data set. Mutable: later endpoints (add/delete lead, set status) change it in place. */
export interface CampaignApiState {
  seed: number;
  accounts: CampaignApiAccount[];
  tags: AgentTag[];
  agents: SeedAgent[];
  queues: SeedQueue[];
  campaigns: SeedCampaign[];
  /** Every campaign's leads, each campaign's in creation order; added leads are appended, deleted ones spliced out. */
  leads: Lead[];
  /** Add-lead fields that the leads list does not show, by lead id (only leads added through the API). */
  leadExtras: Record<string, LeadExtras>;
  /** Oldest first; spans the 30 days before `SEED_EPOCH_MS`. */
  activity: CampaignActivity[];
  /** One per activity record, `id` = that record's call uuid. */
  cdrs: CallDetailRecord[];
}

export interface AccountInput {
  accountId: string;
  domain: string;
  username: string;
  password: string;
  apiKey?: string;
}

const SEED_EPOCH_S = Math.floor(SEED_EPOCH_MS / 1000);
const DAY_S = 86_400;

const hashHex = (text: string): string => createHash('md5').update(text).digest('hex');

/** One PRNG per section, so growing one section never reshuffles another. */
function sectionSeeder(seed: number, section: string): Seeder {
  return createSeeder((seed ^ parseInt(hashHex(section).slice(0, 8), 16)) >>> 0);
}

function shuffle<T>(s: Seeder, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = s.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Go's `time.Time.String()` for a UTC time, as in the vendor doc's activity example. */
export function goUtcString(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

function buildAccount(input: AccountInput): CampaignApiAccount {
  const capitalized = input.username.charAt(0).toUpperCase() + input.username.slice(1);
  return {
    ...input,
    user: {
      // Deterministic: the same account always gets the same user id.
      id: hashHex(`user:${input.accountId}:${input.username}`),
      username: input.username,
      first_name: capitalized,
      last_name: 'Integration',
      email: `${input.username}@${input.domain}.example.com`,
      domain: input.domain,
      account_id: input.accountId,
    },
  };
}

const TAG_DEFS: ReadonlyArray<readonly [string, string]> = [
  ['Batch-WB1', '#b306f1'],
  ['Spanish', '#1f8a70'],
  ['Senior', '#f39c12'],
  ['Night shift', '#34495e'],
  ['Trainee', '#e74c3c'],
  ['Outbound', '#2980b9'],
];

function buildTags(s: Seeder): AgentTag[] {
  return TAG_DEFS.map(([name, color]) => ({ id: s.hex32(), name, color }));
}

/**
 * The status plan for the agents, shuffled: 5 logged out (2 of them with an invalid extension), and every
 * status in use among the 19 logged in.
 */
const AGENT_PLAN: ReadonlyArray<{ loggedIn: boolean; status: AgentStatus; validExtension: boolean; n: number }> = [
  { loggedIn: false, status: 'idle', validExtension: true, n: 3 },
  { loggedIn: false, status: 'idle', validExtension: false, n: 2 },
  { loggedIn: true, status: 'idle', validExtension: true, n: 6 },
  { loggedIn: true, status: 'ringing', validExtension: true, n: 2 },
  { loggedIn: true, status: 'in_call', validExtension: true, n: 6 },
  { loggedIn: true, status: 'wrap_up', validExtension: true, n: 3 },
  { loggedIn: true, status: 'paused', validExtension: true, n: 2 },
];

function buildAgents(s: Seeder, tags: AgentTag[]): SeedAgent[] {
  const plan = shuffle(
    s,
    AGENT_PLAN.flatMap((p) => Array.from({ length: p.n }, () => p)),
  );
  const usedNames = new Set<string>();
  return plan.map((p, i) => {
    let first: string;
    let last: string;
    do {
      first = s.firstName();
      last = s.lastName();
    } while (usedNames.has(`${first} ${last}`));
    usedNames.add(`${first} ${last}`);
    const tagIds = shuffle(
      s,
      tags.map((t) => t.id),
    ).slice(0, s.int(0, 2));
    return {
      id: s.hex32(),
      name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      email: `${first}.${last}@example.com`.toLowerCase(),
      extension: String(1001 + i),
      extension_is_valid: p.validExtension,
      delay: s.weighted([
        [0, 4],
        [5, 1],
      ] as const),
      timeout: s.pick([15, 20, 30] as const),
      logged_in: p.loggedIn,
      status: p.status,
      // A logged-in agent's phone is registered; a logged-out one's may be; an invalid extension never is.
      registered: p.loggedIn || (p.validExtension && s.bool(0.4)),
      tagIds,
      endpoint: s.hex32(),
    };
  });
}

const QUEUE_DEFS: ReadonlyArray<{ name: string; extension: string; strategy: string; maxWait: number; waiting: number }> = [
  { name: 'Sales', extension: '5586', strategy: 'single', maxWait: 120, waiting: 2 },
  { name: 'Support', extension: '5587', strategy: 'longest-idle-agent', maxWait: 300, waiting: 3 },
  { name: 'Billing', extension: '5588', strategy: 'round-robin', maxWait: 180, waiting: 0 },
  { name: 'Retention', extension: '5589', strategy: 'ring-all', maxWait: 90, waiting: 1 },
  { name: 'Collections', extension: '5590', strategy: 'top-down', maxWait: 240, waiting: 0 },
];

/** Agent i belongs to queue i % 5; every third agent also belongs to queue (i + 2) % 5. */
function buildQueues(s: Seeder, agents: SeedAgent[]): SeedQueue[] {
  return QUEUE_DEFS.map((def, q) => ({
    id: s.uuid(),
    name: def.name,
    extension: def.extension,
    max_time_caller_in_queue: def.maxWait,
    strategy: def.strategy,
    agentIds: agents.filter((_, i) => i % QUEUE_DEFS.length === q || (i % 3 === 0 && (i + 2) % QUEUE_DEFS.length === q)).map((a) => a.id),
    calls: Array.from({ length: def.waiting }, () => ({
      uuid: s.uuid(),
      caller_number: s.phone(),
      wait_seconds: s.int(3, def.maxWait - 1),
    })),
  }));
}

/**
 * Names are unique on purpose: campaign-activity records name their campaign only by `campaign_name` (the vendor
 * doc's record has no campaign id), and the gateway maps names back to campaigns.
 */
const CAMPAIGN_DEFS: ReadonlyArray<{ name: string; status: CampaignStatus; leads: number }> = [
  { name: 'Spring Renewals', status: 'running', leads: 1250 },
  { name: 'Win-back Q4', status: 'paused', leads: 180 },
  { name: 'Survey Follow-up', status: 'stopped', leads: 64 },
  { name: 'Product Launch Preview', status: 'running', leads: 0 },
];

const LEAD_STATUS_WEIGHTS: ReadonlyArray<readonly [LeadStatus, number]> = [
  ['new', 30],
  ['success', 20],
  ['failed', 8],
  ['in_progress', 4],
  ['no_answer', 15],
  ['busy', 8],
  ['voicemail', 10],
  ['dnc', 5],
];

function buildCampaigns(s: Seeder): SeedCampaign[] {
  return CAMPAIGN_DEFS.map((def, i) => ({
    id: s.hex32(),
    name: def.name,
    status: def.status,
    created: SEED_EPOCH_S - (60 - i * 7) * DAY_S + s.int(0, DAY_S - 1),
  }));
}

function buildLeads(s: Seeder, campaigns: SeedCampaign[]): Lead[] {
  const leads: Lead[] = [];
  campaigns.forEach((c, i) => {
    const count = CAMPAIGN_DEFS[i]!.leads;
    // Spread the campaign's leads evenly between its creation and the seed epoch, in creation order.
    const step = count > 0 ? Math.floor((SEED_EPOCH_S - c.created) / (count + 1)) : 0;
    for (let n = 0; n < count; n++) {
      const status = s.weighted(LEAD_STATUS_WEIGHTS);
      leads.push({
        created: c.created + step * (n + 1) - s.int(0, Math.max(0, step - 1)),
        campaign_id: c.id,
        number: s.phone(),
        status,
        retries: status === 'new' ? 0 : s.int(1, 11),
        first_name: s.firstName(),
        last_name: s.lastName(),
        priority: s.int(1, 5),
        id: s.hex32(),
      });
    }
  });
  return leads;
}

const ACTIVITY_COUNT = 200;
/** How far back the seeded activity reaches: the 30 days before the seed epoch (history report tests page through it). */
export const ACTIVITY_SPAN_DAYS = 30;

const DISPOSITION_BY_LEAD: Partial<Record<LeadStatus, CdrDisposition>> = {
  success: 'answered',
  failed: 'failed',
  in_progress: 'answered',
  no_answer: 'no_answer',
  busy: 'busy',
  voicemail: 'voicemail',
  dnc: 'answered',
};

/** A call uuid in the vendor doc's format: 36 hex + "-clicktocall". */
const callUuid = (s: Seeder): string => `${s.hex32()}${s.hex32().slice(0, 4)}-clicktocall`;

/**
 * Dial events for leads that have been tried, over the 30 days before the seed epoch, by agents with a valid
 * extension (every seeded agent sits in at least one queue, so `agent_extension` is a queue agent's extension).
 * Every event is one call: its `lead_history` entries share one uuid, which is also the id of its CDR.
 */
function buildActivity(s: Seeder, campaigns: SeedCampaign[], leads: Lead[], agents: SeedAgent[]) {
  const tried = leads.filter((l) => l.status !== 'new');
  const dialers = agents.filter((a) => a.extension_is_valid);
  const campaignById = new Map(campaigns.map((c) => [c.id, c]));
  const timestamps = Array.from({ length: ACTIVITY_COUNT }, () => SEED_EPOCH_S - s.int(60, ACTIVITY_SPAN_DAYS * DAY_S - 1)).sort((a, b) => a - b);
  const activity: CampaignActivity[] = [];
  const cdrs: CallDetailRecord[] = [];
  const usedUuids = new Set<string>();
  for (const timestamp of timestamps) {
    const lead = s.pick(tried);
    const agent = s.pick(dialers);
    let uuid: string;
    do uuid = callUuid(s);
    while (usedUuids.has(uuid));
    usedUuids.add(uuid);
    const snapshot = (at: number): ActivityAgent => ({
      delay: agent.delay,
      device_endpoints: [],
      email: agent.email,
      endpoint: agent.endpoint,
      ext: agent.extension,
      first_name: agent.first_name,
      last_answered: at - s.int(30, 900) - s.int(0, 999_999) / 1e6,
      last_attempt: at - s.int(0, 5) - s.int(0, 999_999) / 1e6,
      last_hangup: s.bool(0.3) ? 0 : at - s.int(10, 600) - s.int(0, 999_999) / 1e6,
      last_name: agent.last_name,
      status: 'idle',
      timeout: agent.timeout,
      total_talk_time: s.int(0, 7200),
      type: 'user',
    });
    // "dial agent" is in the vendor doc; the follow-up "dial lead" entry is our design.
    const history: LeadHistoryEntry[] = ['dial agent', ...(s.bool(0.6) ? ['dial lead'] : [])].map((type, k) => ({
      agent: snapshot(timestamp + k),
      event: 'campaign dial',
      ext: agent.extension,
      last_attempt: timestamp + k + s.int(0, 999_999) / 1e6,
      type,
      uuid,
    }));
    activity.push({
      datetime: goUtcString(timestamp),
      timestamp,
      campaign_name: campaignById.get(lead.campaign_id)!.name,
      lead_name: `${lead.first_name} ${lead.last_name}`,
      lead_number: lead.number,
      agent_name: agent.name,
      agent_extension: agent.extension,
      lead_history: history,
    });
    const disposition = DISPOSITION_BY_LEAD[lead.status] ?? 'answered';
    cdrs.push({
      id: uuid,
      campaign_id: lead.campaign_id,
      lead_id: lead.id,
      lead_number: lead.number,
      agent_id: agent.id,
      started: timestamp,
      duration: disposition === 'answered' ? s.int(20, 900) : s.int(0, 45),
      disposition,
    });
  }
  return { activity, cdrs };
}

/** Builds the whole state. The same seed and accounts always give an equal state. */
export function createCampaignApiState(seed: number, accounts: AccountInput[]): CampaignApiState {
  const tags = buildTags(sectionSeeder(seed, 'tags'));
  const agents = buildAgents(sectionSeeder(seed, 'agents'), tags);
  const queues = buildQueues(sectionSeeder(seed, 'queues'), agents);
  const campaigns = buildCampaigns(sectionSeeder(seed, 'campaigns'));
  const leads = buildLeads(sectionSeeder(seed, 'leads'), campaigns);
  const { activity, cdrs } = buildActivity(sectionSeeder(seed, 'activity'), campaigns, leads, agents);
  return { seed, accounts: accounts.map(buildAccount), tags, agents, queues, campaigns, leads, leadExtras: {}, activity, cdrs };
}
