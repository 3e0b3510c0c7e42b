/**
 * Campaigns and their contacts (vendor-docs/apps-api.txt "Campaign Endpoints"; notes §1 endpoint map), and the company
 * Do Not Call list ("Company Do Not Call List"; notes §1 "Company DNC").
 */
import type { SimContext, SimReply } from '../common/server';
import { parseUtcTime } from './agents';
import { badRequest, MISSING_PARAMETER, messageReply, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import { pageReply, readPage } from './paging';
import { contactStats, type AppsApiState, type Campaign, type CampaignContact, type ContactImportJob, type DncEntry } from './seed';
import { asId, asText, bodyObject, given, isValidPhone, normalizePhone, parseMultipart } from './util';

/** Our wording for the contact and DNC 400s (the docs give none). */
export const CONTACTS_400 = {
  phoneMissing: 'phone_number is missing',
  phoneInvalid: 'phone_number is invalid',
  uniqueIdTaken: 'external_unique_id has already been taken',
  onDnc: 'phone_number is in the Do Not Call list',
  contactIdMissing: 'contact_id is missing',
  deleteKeyMissing: 'contact_id, phone_number or external_unique_id is required',
  fileMissing: 'file is missing',
  fileNotArray: 'file must be a JSON array of contacts',
  rowNotObject: 'row must be a JSON object',
  expiresAtNotFuture: 'expires_at must be a future time',
} as const;

/**
 * The largest import file taken: 1 MiB. OUR ASSUMPTION: neither apps-api.txt nor the notes give a limit for the
 * contact import file, and a real HTTP API has one; a larger `file` part is refused the way HTTP APIs refuse a
 * body too large, 413 with the vendor's `{"message"}` shape, before any row is read.
 */
export const IMPORT_FILE_MAX_BYTES = 1024 * 1024;
export const IMPORT_FILE_TOO_LARGE = `file is too large (the limit is ${IMPORT_FILE_MAX_BYTES} bytes)`;

function findCampaign(env: AppsEnv, raw: string | undefined): Campaign | undefined {
  const id = asId(raw);
  return id === null ? undefined : env.state.campaigns.find((c) => c.id === id);
}

/** Whether `phone` is on the company DNC list now (entries past `expires_at` no longer count). */
export function onDnc(state: AppsApiState, phone: string, nowMs: number): DncEntry | undefined {
  const n = normalizePhone(phone);
  return state.dnc.find((e) => normalizePhone(e.phone_number) === n && (e.expires_at === null || Date.parse(e.expires_at) > nowMs));
}

/** Recomputes `contact_stats` from the campaign's contacts (the seeded `Redials` count is kept). */
export function refreshStats(state: AppsApiState, campaign: Campaign): void {
  const mine = state.campaignContacts.filter((c) => c.campaign_id === campaign.id);
  campaign.contact_stats = contactStats(mine, campaign.contact_stats.Redials ?? 0);
}

/**
 * Validates and adds one contact (single add and import share this). Returns the contact, or the 400 message.
 * Checks, in order: phone_number given, phone_number valid, external_unique_id unique in the campaign, not on the DNC.
 */
function addContact(env: AppsEnv, campaign: Campaign, row: Record<string, unknown>): CampaignContact | string {
  const { state } = env;
  if (!given(row.phone_number)) return CONTACTS_400.phoneMissing;
  if (!isValidPhone(row.phone_number)) return CONTACTS_400.phoneInvalid;
  const external = asText(row.external_unique_id);
  if (external !== null && state.campaignContacts.some((c) => c.campaign_id === campaign.id && c.unique_id === external)) {
    return CONTACTS_400.uniqueIdTaken;
  }
  const phone = row.phone_number.trim();
  const nowMs = env.now();
  if (onDnc(state, phone, nowMs)) return CONTACTS_400.onDnc;
  const id = nextId(state.campaignContacts);
  const now = isoAt(nowMs);
  const contact: CampaignContact = {
    assigned_call_id: null,
    assigned_participant_id: null,
    campaign_id: campaign.id,
    created_at: now,
    id,
    name: asText(row.name) ?? '',
    outbound_number: asText(row.outbound_number),
    priority: null,
    status: 'Upcoming',
    // `unique_id` is the contact's `external_unique_id`; without one we make one like the seeded ids (our assumption).
    unique_id: external ?? `UID_${campaign.id}_${id}`,
    updated_at: now,
    phone_number: phone,
    email: asText(row.email),
  };
  state.campaignContacts.push(contact);
  return contact;
}

function listContacts(env: AppsEnv, ctx: SimContext): SimReply {
  const campaign = findCampaign(env, ctx.params.id);
  if (!campaign) return notFoundRecord();
  const paging = readPage(ctx.query);
  if ('reply' in paging) return paging.reply;
  const statuses = ctx.query.getAll('status[]').map((s) => s.trim());
  const mine = env.state.campaignContacts.filter((c) => c.campaign_id === campaign.id && (statuses.length === 0 || statuses.includes(c.status))).sort((a, b) => a.id - b.id);
  return pageReply(ctx, env.origin(ctx), mine, paging);
}

function createContact(env: AppsEnv, ctx: SimContext): SimReply {
  const campaign = findCampaign(env, ctx.params.id);
  if (!campaign) return notFoundRecord();
  const result = addContact(env, campaign, bodyObject(ctx));
  if (typeof result === 'string') return badRequest(result);
  refreshStats(env.state, campaign);
  return { status: 201, body: result };
}

function updateContact(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const campaign = findCampaign(env, ctx.params.id);
  if (!campaign) return notFoundRecord();
  const b = bodyObject(ctx);
  if (!given(b.contact_id)) return badRequest(CONTACTS_400.contactIdMissing);
  const id = asId(b.contact_id);
  const contact = state.campaignContacts.find((c) => c.campaign_id === campaign.id && c.id === id);
  if (!contact) return notFoundRecord();
  // Same checks as adding (our assumption), on the fields that are sent.
  if ('phone_number' in b) {
    if (!given(b.phone_number)) return badRequest(CONTACTS_400.phoneMissing);
    if (!isValidPhone(b.phone_number)) return badRequest(CONTACTS_400.phoneInvalid);
    if (onDnc(state, b.phone_number, env.now())) return badRequest(CONTACTS_400.onDnc);
  }
  const external = asText(b.external_unique_id);
  if (external !== null && state.campaignContacts.some((c) => c.campaign_id === campaign.id && c.id !== contact.id && c.unique_id === external)) {
    return badRequest(CONTACTS_400.uniqueIdTaken);
  }
  if (typeof b.name === 'string') contact.name = b.name.trim();
  if ('email' in b) contact.email = asText(b.email);
  if (typeof b.phone_number === 'string') contact.phone_number = b.phone_number.trim();
  if (external !== null) contact.unique_id = external;
  contact.updated_at = isoAt(env.now());
  return { status: 200, body: contact };
}

function deleteContact(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const campaign = findCampaign(env, ctx.params.id);
  if (!campaign) return notFoundRecord();
  const b = bodyObject(ctx);
  // One key selects (vendor doc delete body): contact_id first, then phone_number, then external_unique_id (our assumption for the order).
  let match: (c: CampaignContact) => boolean;
  if (given(b.contact_id)) {
    const id = asId(b.contact_id);
    match = (c) => c.id === id;
  } else if (given(b.phone_number) && typeof b.phone_number === 'string') {
    const n = normalizePhone(b.phone_number);
    match = (c) => normalizePhone(c.phone_number) === n;
  } else if (given(b.external_unique_id)) {
    const u = asText(b.external_unique_id);
    match = (c) => c.unique_id === u;
  } else {
    return badRequest(CONTACTS_400.deleteKeyMissing);
  }
  const before = state.campaignContacts.length;
  // Every contact of the campaign that matches goes (a phone number may be on several contacts).
  state.campaignContacts = state.campaignContacts.filter((c) => !(c.campaign_id === campaign.id && match(c)));
  if (state.campaignContacts.length === before) return notFoundRecord();
  refreshStats(state, campaign);
  return messageReply(200, 'deleted'); // our assumption: the docs give no answer body
}

// ---------------------------------------------------------------------------------------------------------------
// import jobs
// ---------------------------------------------------------------------------------------------------------------

function importContacts(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const campaign = findCampaign(env, ctx.params.id);
  if (!campaign) return notFoundRecord();
  const file = parseMultipart(ctx)?.find((p) => p.name === 'file');
  if (!file) return badRequest(CONTACTS_400.fileMissing);
  if (file.data.length > IMPORT_FILE_MAX_BYTES) return messageReply(413, IMPORT_FILE_TOO_LARGE);
  let rows: unknown;
  try {
    rows = JSON.parse(file.data.toString('utf8'));
  } catch {
    rows = undefined;
  }
  if (!Array.isArray(rows)) return badRequest(CONTACTS_400.fileNotArray);
  const job: ContactImportJob = {
    id: nextId(state.contactImportJobs, 7000),
    campaign_id: campaign.id,
    status: 'created',
    total_rows: rows.length,
    imported_rows: 0,
    failed_rows: 0,
    errors: [],
    created_at: isoAt(env.now()),
    rows,
    reads: 0,
  };
  state.contactImportJobs.push(job);
  return { status: 202, body: { id: job.id, status: job.status } };
}

/**
 * Each read advances the job one step (our assumption: a deterministic stand-in for the worker; notes §1 give the path only): the first read shows "created", the
 * second "in_progress", the third imports the rows and shows "finished".
 */
function readImportJob(env: AppsEnv, ctx: SimContext): SimReply {
  const campaign = findCampaign(env, ctx.params.id);
  const jobId = asId(ctx.params.job_id);
  const job = campaign && env.state.contactImportJobs.find((j) => j.id === jobId && j.campaign_id === campaign.id);
  if (!campaign || !job) return notFoundRecord();
  job.reads += 1;
  if (job.status === 'created' && job.reads >= 2) {
    job.status = 'in_progress';
  } else if (job.status === 'in_progress') {
    job.rows.forEach((row, i) => {
      const result = row !== null && typeof row === 'object' && !Array.isArray(row) ? addContact(env, campaign, row as Record<string, unknown>) : CONTACTS_400.rowNotObject;
      if (typeof result === 'string') {
        job.failed_rows += 1;
        job.errors.push({ row: i + 1, message: result });
      } else {
        job.imported_rows += 1;
      }
    });
    refreshStats(env.state, campaign);
    job.status = 'finished';
  }
  const { id, campaign_id, status, total_rows, imported_rows, failed_rows, errors, created_at } = job;
  return { status: 200, body: { id, campaign_id, status, total_rows, imported_rows, failed_rows, errors: errors.map((e) => ({ ...e })), created_at } };
}

// ---------------------------------------------------------------------------------------------------------------
// company DNC
// ---------------------------------------------------------------------------------------------------------------

function dncContacts(ctx: SimContext): Array<Record<string, unknown>> | null {
  const list = bodyObject(ctx).contacts;
  if (!Array.isArray(list) || list.length === 0) return null;
  if (!list.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c) && given((c as { phone_number?: unknown }).phone_number))) {
    return null;
  }
  return list as Array<Record<string, unknown>>;
}

const phoneInvalidValue = (v: unknown) => `phone_number is invalid: ${typeof v === 'string' ? v : JSON.stringify(v)}`;

function addDnc(env: AppsEnv, ctx: SimContext): SimReply {
  const contacts = dncContacts(ctx);
  if (!contacts) return badRequest(MISSING_PARAMETER);
  const nowMs = env.now();
  const entries: DncEntry[] = [];
  for (const c of contacts) {
    if (!isValidPhone(c.phone_number)) return badRequest(phoneInvalidValue(c.phone_number));
    let expires: string | null = null;
    if (given(c.expires_at)) {
      const ms = typeof c.expires_at === 'string' ? parseUtcTime(c.expires_at) : NaN;
      if (Number.isNaN(ms) || ms <= nowMs) return badRequest(CONTACTS_400.expiresAtNotFuture);
      expires = isoAt(ms);
    }
    entries.push({ phone_number: c.phone_number.trim(), expires_at: expires });
  }
  for (const e of entries) {
    const n = normalizePhone(e.phone_number);
    const existing = env.state.dnc.find((d) => normalizePhone(d.phone_number) === n);
    if (existing) existing.expires_at = e.expires_at;
    else env.state.dnc.push({ ...e });
  }
  // "The response echoes each contact" (notes §1); `expires_at` comes back as ISO 8601 UTC, null when not sent (our assumption).
  return { status: 200, body: { contacts: entries } };
}

function removeDnc(env: AppsEnv, ctx: SimContext): SimReply {
  const contacts = dncContacts(ctx);
  if (!contacts) return badRequest(MISSING_PARAMETER);
  for (const c of contacts) if (!isValidPhone(c.phone_number)) return badRequest(phoneInvalidValue(c.phone_number));
  const numbers = contacts.map((c) => (c.phone_number as string).trim());
  const drop = new Set(numbers.map(normalizePhone));
  // Numbers that are not on the list are ignored (our assumption).
  env.state.dnc = env.state.dnc.filter((d) => !drop.has(normalizePhone(d.phone_number)));
  return { status: 200, body: { contacts: numbers.map((phone_number) => ({ phone_number })) } };
}

function checkDnc(env: AppsEnv, ctx: SimContext): SimReply {
  const phone = ctx.query.get('phone_number');
  if (phone === null || phone.trim() === '') return badRequest(MISSING_PARAMETER);
  const entry = onDnc(env.state, phone, env.now());
  return { status: 200, body: { phone_number: phone, dnc: entry !== undefined, expires_at: entry?.expires_at ?? null } };
}

export const campaignRoutes: RouteModule = (env) => [
  {
    route: 'GET /manager/api/v1/outbound_dialer/campaigns',
    handler: (ctx) => {
      const paging = readPage(ctx.query);
      if ('reply' in paging) return paging.reply;
      return pageReply(
        ctx,
        env.origin(ctx),
        [...env.state.campaigns].sort((a, b) => a.id - b.id),
        paging,
      );
    },
  },
  {
    route: 'GET /manager/api/v1/outbound_dialer/campaigns/:id',
    handler: (ctx) => {
      const campaign = findCampaign(env, ctx.params.id);
      return campaign ? { status: 200, body: campaign } : notFoundRecord();
    },
  },
  { route: 'GET /apps/api/v1/outbound_dialer/campaigns/:id/contacts', handler: (ctx) => listContacts(env, ctx) },
  { route: 'POST /apps/api/v1/outbound_dialer/campaigns/:id/contacts', handler: (ctx) => createContact(env, ctx) },
  // Singular `contact` for update and delete (notes §1 [T]).
  { route: 'PATCH /apps/api/v1/outbound_dialer/campaigns/:id/contact', handler: (ctx) => updateContact(env, ctx) },
  { route: 'DELETE /apps/api/v1/outbound_dialer/campaigns/:id/contact', handler: (ctx) => deleteContact(env, ctx) },
  { route: 'POST /apps/api/v1/outbound_dialer/campaigns/:id/contacts/import', handler: (ctx) => importContacts(env, ctx) },
  { route: 'GET /apps/api/v1/outbound_dialer/campaigns/:id/contacts/jobs/:job_id', handler: (ctx) => readImportJob(env, ctx) },
  { route: 'POST /apps/api/v1/outbound_dialer/dnc', handler: (ctx) => addDnc(env, ctx) },
  // Remove and check: method and path are our assumption (notes §1: "probably the same /outbound_dialer/dnc path").
  { route: 'DELETE /apps/api/v1/outbound_dialer/dnc', handler: (ctx) => removeDnc(env, ctx) },
  { route: 'GET /apps/api/v1/outbound_dialer/dnc', handler: (ctx) => checkDnc(env, ctx) },
];
