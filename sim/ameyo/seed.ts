/** The Ameyo simulator's state (`AmeyoState`) and its deterministic seed data. */
import { createSeeder, SEED_EPOCH_MS, type Seeder } from '../common/seed';

/**
 * Agent states of a live session. The vendor doc's Agent Presence intro names "Ready, On Call, Wrap-up";
 * "Break" and "Not Ready" are OUR ADDITIONS for agents on a break / unavailable.
 */
export const AMEYO_USER_STATUSES = ['Ready', 'On Call', 'Wrap-up', 'Break', 'Not Ready'] as const;
export type AmeyoUserStatus = (typeof AMEYO_USER_STATUSES)[number];

/** Runtime rows also show agents without a session (our design; the doc is silent). */
export const AMEYO_LOGGED_OFF = 'Logged Off' as const;

/** Contact connection states: the doc's `status` filter values "Inactive, ringing, connected, hungup". */
export const AMEYO_CUSTOMER_STATUSES = ['Inactive', 'ringing', 'connected', 'hungup'] as const;
export type AmeyoCustomerStatus = (typeof AMEYO_CUSTOMER_STATUSES)[number];

/** `channel_details.channel_type` (doc example: "VOICE"; "CHAT" for chat campaigns). */
export type AmeyoChannelType = 'VOICE' | 'CHAT';

/** Ameyo user types (for the doc's `user-types` filter). */
export type AmeyoUserType = 'Executive' | 'Supervisor';

/** A username/password pair the CMS and data-engine APIs accept as HTTP Basic credentials. */
export interface AmeyoApiUser {
  username: string;
  password: string;
  context: 'ContactCenter';
  contextId: string;
  userRole: string;
  /** ISO 8601; null = no expiry. */
  dateExpiry: string | null;
  /** 'configured' = from the simulator options; 'basicauth' = provisioned via POST /configuration/basicauth. */
  source: 'configured' | 'basicauth';
}

export interface AmeyoAgent {
  userId: string;
  userName: string;
  userType: AmeyoUserType;
  /** When the agent last logged off (ms); null while logged in. */
  lastLogoutAtMs: number | null;
}

/** A campaign ("process" in the CMS paths `/process-list/{processId}`). */
export interface AmeyoCampaign {
  campaignId: number;
  campaignName: string;
  campaignType: 'Outbound Voice' | 'Inbound Voice' | 'Interactive Chat';
  channelType: AmeyoChannelType;
  queueIds: number[];
  leadListIds: number[];
}

export interface AmeyoQueue {
  queueId: number;
  queueName: string;
  campaignId: number;
}

/** A lead list ("leads" in `/process-list/{processId}/leads/{leadId}`). */
export interface AmeyoLeadList {
  leadId: number;
  leadName: string;
  campaignId: number;
}

/** A customer record in a lead list (fields follow the upload `header_mapping` keys of the vendor doc). */
export interface AmeyoContact {
  customerId: number;
  campaignId: number;
  leadId: number;
  name: string;
  phone1: string;
  email: string;
  /** Dialing state (notes §3c `uploadContactAndAddCallback` uses "NOT_TRIED"). */
  dialStatus: 'NOT_TRIED' | 'TRIED';
  attempts: number;
}

/** A finished call (CDR). `crtObjectId` like `d865-5f2a9c1e-vce-22` (notes §3c downloadVoiceLog). */
export interface AmeyoCallRecord {
  crtObjectId: string;
  callId: string;
  phone: string;
  customerId: number;
  userId: string;
  campaignId: number;
  leadId: number;
  queueId: number | null;
  callType: 'outbound.manual.dial' | 'outbound.auto.dial' | 'inbound.call.dial';
  dispositionCode: string;
  startedAtMs: number;
  endedAtMs: number;
  durationSeconds: number;
  hasRecording: boolean;
}

/** A logged-in agent's session (one row of the user-session-information table). */
export interface AmeyoSession {
  sessionId: string;
  userId: string;
  campaignId: number;
  queueId: number | null;
  loginAtMs: number;
  userStatus: AmeyoUserStatus;
  userStatusSinceMs: number;
  /** Data-engine node serving the session (`service_info.instance_id`). */
  instanceId: string;
}

/**
 * The agent's own voice leg in its session: the `userCRTObjectId` disposeAndManualDial requires. Shaped like the
 * document's sample (`d202-5b4d83c1-ses-agent-vmvuggpb-1-uce-5`). Ameyo names it to the CRM as `userCrtObjectId` on the
 * customer, preview and dispose URLs (./crm.ts); the monitoring row's `addition_details` is `{}` as the presence
 * document prints it, unless the simulator's `agentLegInSessionRow` option (not documented) puts it there.
 */
export function agentLegId(session: Pick<AmeyoSession, 'sessionId' | 'userId'>): string {
  return `${session.sessionId.slice(0, 8)}-ses-${session.userId}-1-uce-1`;
}

/**
 * A live customer interaction: a call or chat either with an agent (`sessionId` set) or waiting in a queue
 * (`sessionId` null, `waiting` true, customer status "Inactive" — our design).
 */
export interface AmeyoInteraction {
  channelType: AmeyoChannelType;
  /** Set for VOICE. */
  callId: string | null;
  /** Set for CHAT. */
  chatId: string | null;
  crtObjectId: string;
  customerId: number;
  campaignId: number;
  queueId: number | null;
  sessionId: string | null;
  customerStatus: AmeyoCustomerStatus;
  customerStatusSinceMs: number;
  startedAtMs: number;
  /** VOICE only (`service_info.sip_trunk_id`). */
  sipTrunkId: string | null;
  waiting: boolean;
  /**
   * The dialed number when the interaction was started by a manual dial to a number that is no seeded contact
   * (OUR ADDITION; absent on seeded interactions). Monitoring shows it when the contact lookup finds nothing.
   */
  phone?: string;
}

/**
 * Each campaign's disposition plan: the codes `disposeCallForUser` / `disposeAndManualDial` accept, matched
 * exactly (CRM doc: "code configured in the campaign's disposition plan that must match exactly"). The codes are
 * OUR ASSUMPTION (the doc's samples use "sale"; notes §3b show "Redial" in production code).
 */
export const AMEYO_BASE_DISPOSITION_PLAN = ['sale', 'callback', 'not_interested', 'wrong_number', 'voicemail'] as const;
const EXTRA_DISPOSITIONS: Record<number, string[]> = {
  389: ['promise_to_pay', 'Redial'],
  412: ['resolved', 'escalated'],
  437: ['resolved'],
};

/** One `POST /v1/cc-list/…/contact-upload-tasks` task (see upload.ts). */
export interface AmeyoUploadTask {
  /** Decimal digits; may exceed 2^53, so never a JS number. */
  taskId: string;
  ccId: number;
  processId: number;
  leadId: number;
  fields: {
    user_id: string;
    /** null when the part was not sent (the doc's default is then false). */
    update_duplicate: boolean | null;
    churn_updated_records: boolean | null;
    migrate: boolean | null;
    header_mapping: Record<string, string>;
  };
  /** The `file` part's filename, null when the part had none. */
  fileName: string | null;
  contentType: string | null;
  byteLength: number;
  /** Hex SHA-256 of the exact bytes of the `file` part. */
  sha256: string;
  /** The file's bytes when byteLength <= 1 MiB, else null. */
  fileBytes: Buffer | null;
  /** The CSV header columns, in order (for the error file). */
  header: string[];
  /** Data rows (blank lines are not rows). */
  rowCount: number;
  /**
   * Each data row's `phone1` value as sent (trimmed), in row order, bad rows included: what a test reads to prove every
   * row arrived exactly once, at any file size (`fileBytes` keeps only small files).
   */
  phones: string[];
  badRows: Array<{ row: number; values: string[]; reason: string }>;
  createdAtMs: number;
}

/** A successful dial: `clickToDialWithTokenAsync` or the dial half of `disposeAndManualDial`. */
export interface AmeyoDial {
  command: 'clickToDialWithTokenAsync' | 'disposeAndManualDial';
  userId: string;
  campaignId: number;
  /** As sent. */
  phone: string;
  /**
   * The new call's crt id (disposeAndManualDial, and a click-to-dial the simulator connected for the CRM: crm.ts
   * `onDialed`); null for an async click-to-dial that starts no call here.
   */
  crtObjectId: string | null;
  /** The parsed request body. */
  body: unknown;
  /** Real clock (ms since the epoch) and simulated clock when the dial was accepted. */
  atMs: number;
  simAtMs: number;
}

/** A successful dispose (`disposeCallForUser` or `disposeAndManualDial`). */
export interface AmeyoDisposition {
  command: 'disposeCallForUser' | 'disposeAndManualDial';
  userId: string;
  sessionId: string;
  crtObjectId: string;
  dispositionCode: string;
  /** disposeCallForUser's dispositionParams, normalized; null for disposeAndManualDial. */
  params: { isSelfCallback: boolean; callbackTime: string | null; phone: string | null } | null;
  body: unknown;
  atMs: number;
  simAtMs: number;
}

/** Everything the simulator serves. Mutable: later endpoints (uploads, dialing) change it. */
export interface AmeyoState {
  ccId: number;
  seed: number;
  apiUsers: AmeyoApiUser[];
  agents: AmeyoAgent[];
  campaigns: AmeyoCampaign[];
  queues: AmeyoQueue[];
  leadLists: AmeyoLeadList[];
  contacts: AmeyoContact[];
  calls: AmeyoCallRecord[];
  sessions: AmeyoSession[];
  interactions: AmeyoInteraction[];
  /** Campaign id → its disposition plan. */
  dispositionPlans: Record<number, string[]>;
  uploadTasks: AmeyoUploadTask[];
  /** The next upload task id (decimal string; 2^53 + 1 at start, +2 per task). */
  nextUploadTaskId: string;
  dials: AmeyoDial[];
  dispositions: AmeyoDisposition[];
}

export interface AmeyoSeedOptions {
  seed: number;
  ccId: number;
  users: Array<{ username: string; password: string }>;
}

const CAMPAIGNS: ReadonlyArray<Omit<AmeyoCampaign, 'queueIds' | 'leadListIds'> & { queues: string[]; lists: string[] }> = [
  {
    campaignId: 389,
    campaignName: 'collections_outbound',
    campaignType: 'Outbound Voice',
    channelType: 'VOICE',
    queues: ['collections_priority', 'collections_general'],
    lists: ['overdue_30_days', 'overdue_60_days'],
  },
  {
    campaignId: 412,
    campaignName: 'support_inbound',
    campaignType: 'Inbound Voice',
    channelType: 'VOICE',
    queues: ['support_english', 'support_hindi'],
    lists: ['premium_customers', 'callback_requests'],
  },
  { campaignId: 437, campaignName: 'monika_webchat', campaignType: 'Interactive Chat', channelType: 'CHAT', queues: ['webchat_sales', 'webchat_support'], lists: ['web_leads', 'chat_followups'] },
];

/** The first lead list id (the doc's example path: process 13 / lead 17); the lists are numbered on in campaign order. */
const FIRST_LEAD_LIST_ID = 17;

/**
 * The seeded campaigns with their lead list ids, whatever the seed: what a connection to the simulator names in its
 * config (Ameyo lists neither).
 */
export const AMEYO_SEEDED_CAMPAIGNS: ReadonlyArray<Pick<AmeyoCampaign, 'campaignId' | 'campaignName' | 'leadListIds'>> = (() => {
  let leadId = FIRST_LEAD_LIST_ID;
  return CAMPAIGNS.map((c) => ({ campaignId: c.campaignId, campaignName: c.campaignName, leadListIds: c.lists.map(() => leadId++) }));
})();

const DISPOSITIONS = ['Sale', 'Callback', 'Not Interested', 'No Answer', 'Busy', 'Wrong Number', 'Resolved', 'Promise To Pay'] as const;

/**
 * One agent's slot in the seed: the status mix is fixed (so every status is always present) and then shuffled
 * with the seed. `customer` = the state of the agent's live interaction, if any.
 */
interface Slot {
  status: AmeyoUserStatus | typeof AMEYO_LOGGED_OFF;
  channel?: AmeyoChannelType;
  customer?: AmeyoCustomerStatus;
  userType?: AmeyoUserType;
}
const rep = (n: number, slot: Slot): Slot[] => Array.from({ length: n }, () => ({ ...slot }));
const SLOTS: Slot[] = [
  ...rep(5, { status: 'On Call', channel: 'VOICE', customer: 'connected' }),
  ...rep(1, { status: 'On Call', channel: 'VOICE', customer: 'ringing' }),
  ...rep(3, { status: 'On Call', channel: 'CHAT', customer: 'connected' }),
  ...rep(2, { status: 'Wrap-up', channel: 'VOICE', customer: 'hungup' }),
  ...rep(1, { status: 'Wrap-up', channel: 'CHAT', customer: 'hungup' }),
  ...rep(4, { status: 'Ready' }),
  ...rep(1, { status: 'Ready', userType: 'Supervisor' }),
  ...rep(2, { status: 'Break' }),
  ...rep(2, { status: 'Not Ready' }),
  ...rep(2, { status: AMEYO_LOGGED_OFF }),
  ...rep(1, { status: AMEYO_LOGGED_OFF, userType: 'Supervisor' }),
];

const MINUTE = 60_000;
const hex = (s: Seeder, n: number) => Array.from({ length: n }, () => s.int(0, 15).toString(16)).join('');

function shuffle<T>(s: Seeder, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = s.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Builds the seed state. Same options → deep-equal state. All times are before `SEED_EPOCH_MS`. */
export function seedAmeyoState(opts: AmeyoSeedOptions): AmeyoState {
  const s = createSeeder(opts.seed);
  const now = SEED_EPOCH_MS;
  // `crt_object_id` like `d865-5f2a9c1e-vce-22`: node prefix, hex stamp, channel, counter (notes §3c).
  const nodePrefix = hex(s, 4);
  let crtCounter = 1;
  const crtId = (channel: AmeyoChannelType) => `${nodePrefix}-${hex(s, 8)}-${channel === 'VOICE' ? 'vce' : 'cht'}-${crtCounter++}`;

  const apiUsers: AmeyoApiUser[] = opts.users.map((u) => ({
    username: u.username,
    password: u.password,
    context: 'ContactCenter',
    contextId: String(opts.ccId),
    userRole: 'Administrator',
    dateExpiry: null,
    source: 'configured',
  }));

  // Campaigns, queues and lead lists (ids in the style of the doc: campaign 389, process 13 / lead 17).
  const campaigns: AmeyoCampaign[] = [];
  const queues: AmeyoQueue[] = [];
  const leadLists: AmeyoLeadList[] = [];
  let queueId = 51;
  let leadId = FIRST_LEAD_LIST_ID;
  for (const c of CAMPAIGNS) {
    const campaign: AmeyoCampaign = {
      campaignId: c.campaignId,
      campaignName: c.campaignName,
      campaignType: c.campaignType,
      channelType: c.channelType,
      queueIds: [],
      leadListIds: [],
    };
    for (const q of c.queues) {
      queues.push({ queueId, queueName: q, campaignId: c.campaignId });
      campaign.queueIds.push(queueId++);
    }
    for (const l of c.lists) {
      leadLists.push({ leadId, leadName: l, campaignId: c.campaignId });
      campaign.leadListIds.push(leadId++);
    }
    campaigns.push(campaign);
  }

  // Contacts: 12 per lead list.
  const contacts: AmeyoContact[] = [];
  let customerId = 1001;
  for (const list of leadLists) {
    for (let i = 0; i < 12; i++) {
      const first = s.firstName();
      const last = s.lastName();
      contacts.push({
        customerId: customerId++,
        campaignId: list.campaignId,
        leadId: list.leadId,
        name: `${first} ${last}`,
        phone1: s.phone(),
        email: `${first}.${last}${s.int(1, 99)}@example.com`.toLowerCase(),
        dialStatus: 'NOT_TRIED',
        attempts: 0,
      });
    }
  }
  const contactsOf = (campaignId: number) => contacts.filter((c) => c.campaignId === campaignId);

  // Agents: unique `firstname.lastname` user ids, one slot each.
  const agents: AmeyoAgent[] = [];
  const slots = shuffle(s, SLOTS);
  const taken = new Set<string>();
  for (const slot of slots) {
    let first: string;
    let last: string;
    do {
      first = s.firstName();
      last = s.lastName();
    } while (taken.has(`${first}.${last}`.toLowerCase()));
    const userId = `${first}.${last}`.toLowerCase();
    taken.add(userId);
    agents.push({
      userId,
      userName: `${first} ${last}`,
      userType: slot.userType ?? 'Executive',
      lastLogoutAtMs: slot.status === AMEYO_LOGGED_OFF ? now - s.int(30, 600) * MINUTE : null,
    });
  }

  // Finished calls: 120 over the 7 days before the epoch, by agents of the voice campaigns.
  const voiceCampaigns = campaigns.filter((c) => c.channelType === 'VOICE');
  const calls: AmeyoCallRecord[] = [];
  const executives = agents.filter((a) => a.userType === 'Executive');
  for (let i = 0; i < 120; i++) {
    const campaign = s.pick(voiceCampaigns);
    const contact = s.pick(contactsOf(campaign.campaignId));
    const durationSeconds = s.int(15, 900);
    const startedAtMs = now - s.int(60, 7 * 24 * 60) * MINUTE;
    const endedAtMs = Math.min(startedAtMs + durationSeconds * 1000, now - 1000);
    const inbound = campaign.campaignType === 'Inbound Voice';
    calls.push({
      crtObjectId: crtId('VOICE'),
      callId: s.uuid(),
      phone: contact.phone1,
      customerId: contact.customerId,
      userId: s.pick(executives).userId,
      campaignId: campaign.campaignId,
      leadId: contact.leadId,
      queueId: inbound ? s.pick(campaign.queueIds) : null,
      callType: inbound ? 'inbound.call.dial' : s.pick(['outbound.manual.dial', 'outbound.auto.dial'] as const),
      dispositionCode: s.pick(DISPOSITIONS),
      startedAtMs,
      endedAtMs,
      durationSeconds: Math.round((endedAtMs - startedAtMs) / 1000),
      hasRecording: s.bool(0.8),
    });
    contact.dialStatus = 'TRIED';
    contact.attempts++;
  }
  calls.sort((a, b) => a.startedAtMs - b.startedAtMs);
  // Voice-log tests need a call without a recording. ~20% have none (every seed tried has some); this guard only
  // acts if a seed ever drew none, so it changes no seeded value in practice.
  if (calls.every((c) => c.hasRecording)) calls[calls.length - 1]!.hasRecording = false;

  // Live sessions and interactions.
  const sessions: AmeyoSession[] = [];
  const interactions: AmeyoInteraction[] = [];
  const chatCampaign = campaigns.find((c) => c.channelType === 'CHAT')!;
  const inContact = new Set<number>();
  const newInteraction = (campaign: AmeyoCampaign, queueId: number | null, sessionId: string | null, customerStatus: AmeyoCustomerStatus): AmeyoInteraction => {
    // A customer is in at most one live interaction.
    const contact = s.pick(contactsOf(campaign.campaignId).filter((c) => !inContact.has(c.customerId)));
    inContact.add(contact.customerId);
    const voice = campaign.channelType === 'VOICE';
    // Ringing has just started; otherwise the interaction began up to 15 minutes ago.
    const startedAtMs = now - (customerStatus === 'ringing' ? s.int(3, 25) : s.int(60, 900)) * 1000;
    const elapsedS = (now - startedAtMs) / 1000;
    const customerStatusSinceMs =
      customerStatus === 'connected'
        ? startedAtMs + s.int(3, 15) * 1000 // answered after a few rings
        : customerStatus === 'hungup'
          ? startedAtMs + s.int(30, elapsedS - 10) * 1000 // hung up; agent in wrap-up since
          : startedAtMs; // ringing, or waiting ("Inactive") since it arrived
    return {
      channelType: campaign.channelType,
      callId: voice ? s.uuid() : null,
      chatId: voice ? null : s.uuid(),
      crtObjectId: crtId(campaign.channelType),
      customerId: contact.customerId,
      campaignId: campaign.campaignId,
      queueId,
      sessionId,
      customerStatus,
      customerStatusSinceMs,
      startedAtMs,
      sipTrunkId: voice ? `trunk-${s.int(1, 4)}` : null,
      waiting: sessionId === null,
    };
  };
  slots.forEach((slot, i) => {
    if (slot.status === AMEYO_LOGGED_OFF) return;
    const agent = agents[i]!;
    const campaign = slot.channel === 'CHAT' ? chatCampaign : slot.channel === 'VOICE' ? s.pick(voiceCampaigns) : s.pick(campaigns);
    const session: AmeyoSession = {
      sessionId: s.uuid(),
      userId: agent.userId,
      campaignId: campaign.campaignId,
      queueId: s.pick(campaign.queueIds),
      loginAtMs: now - s.int(60, 480) * MINUTE,
      userStatus: slot.status,
      userStatusSinceMs: now - s.int(5, 1800) * 1000,
      instanceId: `de-node-${s.int(1, 3)}`,
    };
    sessions.push(session);
    if (slot.customer) {
      const interaction = newInteraction(campaign, session.queueId, session.sessionId, slot.customer);
      // The agent's status began when the interaction did (or, for wrap-up, when the customer hung up).
      session.userStatusSinceMs = slot.status === 'Wrap-up' ? interaction.customerStatusSinceMs : interaction.startedAtMs;
      interactions.push(interaction);
    }
  });
  // Customers waiting in a queue, no agent yet: two inbound calls and one chat.
  const inbound = campaigns.find((c) => c.campaignType === 'Inbound Voice')!;
  for (const campaign of [inbound, inbound, chatCampaign]) {
    interactions.push(newInteraction(campaign, s.pick(campaign.queueIds), null, 'Inactive'));
  }

  // Everything below draws nothing from the seeder, so the seeded values above are unchanged.
  const dispositionPlans: Record<number, string[]> = {};
  for (const c of campaigns) dispositionPlans[c.campaignId] = [...AMEYO_BASE_DISPOSITION_PLAN, ...(EXTRA_DISPOSITIONS[c.campaignId] ?? [])];

  return {
    ccId: opts.ccId,
    seed: opts.seed,
    apiUsers,
    agents,
    campaigns,
    queues,
    leadLists,
    contacts,
    calls,
    sessions,
    interactions,
    dispositionPlans,
    uploadTasks: [],
    nextUploadTaskId: AMEYO_FIRST_UPLOAD_TASK_ID,
    dials: [],
    dispositions: [],
  };
}

/**
 * The first upload task id: 2^53 + 1 = 9007199254740993, which `JSON.parse` cannot represent (it reads
 * 9007199254740992). The doc's example id 4231888909951751 is close to 2^53 (notes §3d); starting above it makes a
 * client that parses ids as JS numbers fail visibly. Ids then increase by 2 (all odd, so none is representable).
 */
export const AMEYO_FIRST_UPLOAD_TASK_ID = '9007199254740993';

/** crt ids of the finished calls that have / have not a voice log (`hasRecording`, ~20% without, from the seed). */
export function recordingCrtIds(state: Pick<AmeyoState, 'calls'>): { withRecording: string[]; withoutRecording: string[] } {
  return {
    withRecording: state.calls.filter((c) => c.hasRecording).map((c) => c.crtObjectId),
    withoutRecording: state.calls.filter((c) => !c.hasRecording).map((c) => c.crtObjectId),
  };
}
