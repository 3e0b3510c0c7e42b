/**
 * Bulk User Management (vendor-docs/apps-api.txt "Bulk User Management"; notes §1, confirmed against Google's
 * bulk-user-management-api page): template, upload (POST/PUT multipart), proceed, job status, job list, error logs.
 */
import type { SimContext, SimReply } from '../common/server';
import { badRequest, MISSING_PARAMETER, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import { pageReply, readPage } from './paging';
import { AGENT_LOCATIONS, STATUS_OFFLINE_ID, type Agent, type BulkUserError, type BulkUserJob } from './seed';
import { asId, bodyObject, given, parseMultipart } from './util';

/** "max_chat_limit: 1 to X (where X is configured value)": our assumption for the tenant's X. */
export const BULK_MAX_CHAT_LIMIT = 10;
/** Role names the tenant has (our assumption; the seeded agents use these two). */
export const BULK_ROLES: readonly string[] = Object.freeze(['Agent', 'Manager']);

export const BULK_400 = {
  fileMissing: 'file is missing',
  fileNotArray: 'file must be a JSON array of users',
  notReady: 'Job is not ready to proceed',
  alreadyProcessed: 'Job is already processed',
} as const;

type Row = Record<string, unknown>;
type UpdateError = BulkUserJob['update_errors'][number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const emptyish = (v: unknown) => v === undefined || v === null || v === '';
const zeroOne = (v: unknown) => emptyish(v) || v === 0 || v === 1 || v === '0' || v === '1';

/** The template: one example user with the doc's fields; `roles`/`teams` list the tenant's names with 0/1 (our assumption; vendor doc field table). */
function template(env: AppsEnv) {
  return [
    {
      email: 'user1@demo.example.com',
      new_email: 'user1.new@demo.example.com',
      agent_number: 'A-001',
      first_name: 'John',
      last_name: 'Doe',
      status: 'Active',
      location: AGENT_LOCATIONS[0],
      max_chat_limit: 3,
      max_chat_limit_enabled: 1,
      roles: BULK_ROLES.map((name) => ({ name, value: name === 'Agent' ? 1 : 0 })),
      teams: env.state.teams.map((t, i) => ({ name: t.name, value: i === 0 ? 1 : 0 })),
    },
  ];
}

/** Scheme validation per the doc's field table. Messages are our assumption; `row` is 1-based, `column` the field name. */
function schemeErrors(rows: unknown[]): BulkUserError[] {
  const errors: BulkUserError[] = [];
  const emails = new Set<string>();
  const newEmails = new Set<string>();
  rows.forEach((raw, i) => {
    const row = i + 1;
    const err = (column: string | null, message: string) => errors.push({ message, column, row });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return err(null, 'row must be a JSON object');
    const r = raw as Row;
    if (!given(r.email)) err('email', 'email is missing');
    else if (typeof r.email !== 'string' || !EMAIL.test(r.email.trim())) err('email', 'email is invalid');
    else if (emails.has(r.email.trim().toLowerCase())) err('email', 'email is duplicated in the file');
    else emails.add(r.email.trim().toLowerCase());
    if (!emptyish(r.new_email)) {
      if (typeof r.new_email !== 'string' || !EMAIL.test(r.new_email.trim())) err('new_email', 'new_email is invalid');
      else if (newEmails.has(r.new_email.trim().toLowerCase())) err('new_email', 'new_email is duplicated in the file');
      else newEmails.add(r.new_email.trim().toLowerCase());
    }
    if (!emptyish(r.agent_number) && typeof r.agent_number !== 'string') err('agent_number', 'agent_number must be a string');
    for (const col of ['first_name', 'last_name'] as const) {
      if (typeof r[col] !== 'string' || r[col].trim() === '') err(col, `${col} must be a non-empty string`);
    }
    if (!emptyish(r.status) && r.status !== 'Active' && r.status !== 'Inactive') err('status', 'status must be Active, Inactive or empty');
    if (!emptyish(r.location) && typeof r.location !== 'string') err('location', 'location must be a location name or empty');
    if (!emptyish(r.max_chat_limit)) {
      const n = Number(r.max_chat_limit);
      if (!(typeof r.max_chat_limit === 'number' || typeof r.max_chat_limit === 'string') || !Number.isInteger(n) || n < 1 || n > BULK_MAX_CHAT_LIMIT) {
        err('max_chat_limit', `max_chat_limit must be 1 to ${BULK_MAX_CHAT_LIMIT} or empty`);
      }
    }
    if (!zeroOne(r.max_chat_limit_enabled)) err('max_chat_limit_enabled', 'max_chat_limit_enabled must be 0, 1 or empty');
    for (const col of ['roles', 'teams'] as const) {
      const list = r[col];
      if (list === undefined || list === null) continue;
      const ok = Array.isArray(list) && list.every((e) => e !== null && typeof e === 'object' && typeof (e as Row).name === 'string' && zeroOne((e as Row).value));
      if (!ok) err(col, `${col} must be a list of {name, value} with value 0, 1 or empty`);
    }
  });
  return errors;
}

/** Applies a validated job's rows to the agents (proceed). Unknown locations fail the row; unknown teams/roles warn. */
function applyRows(env: AppsEnv, job: BulkUserJob): void {
  const { state } = env;
  const nowIso = isoAt(env.now());
  job.rows.forEach((raw, i) => {
    const r = raw as Row;
    const row = i + 1;
    const warnings: UpdateError[] = [];
    const fail = (column: string, message: string) => {
      job.update_errors.push({ message, column, row, error_type: 'error' });
      job.failed_rows += 1;
    };
    const email = (r.email as string).trim().toLowerCase();
    let location: string | null = null;
    if (!emptyish(r.location)) {
      location = AGENT_LOCATIONS.find((l) => l.toLowerCase() === (r.location as string).trim().toLowerCase()) ?? null;
      if (location === null) return fail('location', `location ${String(r.location)} is not found`);
    }
    const existing = state.agents.find((a) => a.email.toLowerCase() === email);
    if (!emptyish(r.new_email)) {
      const wanted = (r.new_email as string).trim().toLowerCase();
      if (state.agents.some((a) => a !== existing && a.email.toLowerCase() === wanted)) {
        return fail('new_email', 'new_email has already been taken');
      }
    }
    const agent: Agent = existing ?? {
      id: nextId(state.agents),
      email,
      first_name: '',
      last_name: '',
      agent_number: '',
      location: AGENT_LOCATIONS[0],
      max_chat_limit: 1,
      max_chat_limit_enabled: false,
      unrestricted_international_calling: false,
      deactivated_at: null,
      ucaas_user_name: null,
      ucaas_sip_uri: null,
      external_user: false,
      phone_numbers: [],
      extension_numbers: [],
      teams: [],
      roles: [{ name: 'Agent' }],
      status_id: STATUS_OFFLINE_ID,
      status: 'Offline',
      online: false,
      wrap_up: false,
      last_login_time: null,
      status_updated_at: nowIso,
      last_login_ip: null,
    };
    if (!existing) agent.agent_number = String(4000 + agent.id);
    agent.first_name = (r.first_name as string).trim();
    agent.last_name = (r.last_name as string).trim();
    if (!emptyish(r.new_email)) agent.email = (r.new_email as string).trim();
    if (!emptyish(r.agent_number)) agent.agent_number = r.agent_number as string;
    if (location !== null) agent.location = location;
    if (!emptyish(r.max_chat_limit)) agent.max_chat_limit = Number(r.max_chat_limit);
    if (!emptyish(r.max_chat_limit_enabled)) agent.max_chat_limit_enabled = Number(r.max_chat_limit_enabled) === 1;
    if (r.status === 'Inactive' && agent.deactivated_at === null) {
      agent.deactivated_at = nowIso;
      Object.assign(agent, { status_id: STATUS_OFFLINE_ID, status: 'Offline', online: false, wrap_up: false, status_updated_at: nowIso });
    } else if (r.status === 'Active') {
      agent.deactivated_at = null;
    }
    for (const e of (Array.isArray(r.roles) ? r.roles : []) as Row[]) {
      const name = BULK_ROLES.find((n) => n.toLowerCase() === String(e.name).toLowerCase());
      if (!name) {
        warnings.push({ message: `role ${String(e.name)} is not found`, column: 'roles', row, error_type: 'warning' });
        continue;
      }
      if (emptyish(e.value)) continue;
      const has = agent.roles.some((x) => x.name === name);
      if (Number(e.value) === 1 && !has) agent.roles.push({ name });
      if (Number(e.value) === 0 && has) agent.roles = agent.roles.filter((x) => x.name !== name);
    }
    for (const e of (Array.isArray(r.teams) ? r.teams : []) as Row[]) {
      const team = state.teams.find((t) => t.name.toLowerCase() === String(e.name).toLowerCase());
      if (!team) {
        warnings.push({ message: `team ${String(e.name)} is not found`, column: 'teams', row, error_type: 'warning' });
        continue;
      }
      if (emptyish(e.value)) continue;
      const has = agent.teams.some((x) => x.id === team.id);
      if (Number(e.value) === 1 && !has) agent.teams = [...agent.teams, { id: team.id, name: team.name }].sort((a, b) => a.name.localeCompare(b.name));
      if (Number(e.value) === 0 && has) agent.teams = agent.teams.filter((x) => x.id !== team.id);
    }
    if (!existing) {
      state.agents.push(agent);
      state.agents.sort((a, b) => a.id - b.id);
    }
    job.update_errors.push(...warnings);
    job.affected_rows += 1;
  });
}

function jobView(job: BulkUserJob) {
  const { rows: _rows, ...wire } = job;
  return JSON.parse(JSON.stringify(wire)) as Omit<BulkUserJob, 'rows'>;
}

const apiUserName = (ctx: SimContext) => (ctx.principal as { subdomain?: string } | undefined)?.subdomain ?? null;

/** Reads the uploaded `file` part as a JSON array; a reply on failure. */
function readUpload(ctx: SimContext): { rows: unknown[]; filename: string | null; id: string | null } | { reply: SimReply } {
  const parts = parseMultipart(ctx);
  const file = parts?.find((p) => p.name === 'file');
  if (!parts || !file) return { reply: badRequest(BULK_400.fileMissing) };
  let rows: unknown;
  try {
    rows = JSON.parse(file.data.toString('utf8'));
  } catch {
    rows = undefined;
  }
  if (!Array.isArray(rows)) return { reply: badRequest(BULK_400.fileNotArray) };
  const idPart = parts.find((p) => p.name === 'id');
  const id = idPart ? idPart.data.toString('utf8').trim() || null : null;
  return { rows, filename: file.filename, id };
}

/**
 * The upload answer. The docs print the job link as `.../apps/api/v1/bulk/users_jobs/<id>` (not `jobs/`) in both the
 * bare `Link:` header (no angle brackets, no rel) and the body's `link`; we reproduce that as printed.
 */
function uploadReply(env: AppsEnv, ctx: SimContext, job: BulkUserJob): SimReply {
  const link = `${env.origin(ctx)}/apps/api/v1/bulk/users_jobs/${job.id}`;
  return { status: 200, headers: { Link: link }, body: { id: job.id, status: job.status, link } };
}

function upload(env: AppsEnv, ctx: SimContext, method: 'POST' | 'PUT'): SimReply {
  const { state } = env;
  const up = readUpload(ctx);
  if ('reply' in up) return up.reply;
  if (method === 'PUT') {
    // "id: {job_id} #optional. Required in case of PUT method."
    if (up.id === null) return badRequest(MISSING_PARAMETER);
    const job = state.bulkUserJobs.find((j) => j.id === asId(up.id));
    if (!job) return notFoundRecord();
    if (job.status === 'in_progress' || job.status === 'finished') return badRequest(BULK_400.alreadyProcessed); // our assumption
    Object.assign(job, {
      filename: up.filename,
      rows: up.rows,
      total_rows: up.rows.length,
      affected_rows: 0,
      failed_rows: 0,
      status: 'created',
      scheme_errors: [],
      update_errors: [],
      uploaded_api_user_name: apiUserName(ctx),
    });
    return uploadReply(env, ctx, job);
  }
  const job: BulkUserJob = {
    id: nextId(state.bulkUserJobs, 12_344),
    created_at: isoAt(env.now()),
    process_requested_at: null,
    filename: up.filename,
    total_rows: up.rows.length,
    affected_rows: 0,
    failed_rows: 0,
    status: 'created',
    uploaded_user_name: null,
    proceed_user_name: null,
    // The API credential's name; our assumption: the subdomain (the sim's accounts have no separate name).
    uploaded_api_user_name: apiUserName(ctx),
    proceed_api_user_name: null,
    scheme_errors: [],
    update_errors: [],
    rows: up.rows,
  };
  state.bulkUserJobs.push(job);
  return uploadReply(env, ctx, job);
}

function proceed(env: AppsEnv, ctx: SimContext): SimReply {
  const b = bodyObject(ctx);
  if (!given(b.id)) return badRequest(MISSING_PARAMETER);
  const job = env.state.bulkUserJobs.find((j) => j.id === asId(b.id));
  if (!job) return notFoundRecord();
  if (job.status !== 'valid_scheme') return badRequest(BULK_400.notReady);
  job.status = 'in_progress';
  job.process_requested_at = isoAt(env.now());
  job.proceed_api_user_name = apiUserName(ctx);
  return { status: 200, body: jobView(job) }; // our assumption: the docs give no answer body; we send the job
}

/**
 * A status read advances the worker one step (our assumption: deterministic stand-in for the worker): `created` -> scheme check -> `valid_scheme` or
 * `invalid_scheme`; `in_progress` -> apply -> `finished`.
 */
function readJob(env: AppsEnv, ctx: SimContext): SimReply {
  const job = env.state.bulkUserJobs.find((j) => j.id === asId(ctx.params.job_id));
  if (!job) return notFoundRecord();
  if (job.status === 'created') {
    job.scheme_errors = schemeErrors(job.rows);
    job.failed_rows = new Set(job.scheme_errors.map((e) => e.row)).size;
    job.status = job.scheme_errors.length === 0 ? 'valid_scheme' : 'invalid_scheme';
  } else if (job.status === 'in_progress') {
    applyRows(env, job);
    job.status = 'finished';
  }
  return { status: 200, body: jobView(job) };
}

function listJobs(env: AppsEnv, ctx: SimContext): SimReply {
  // `page` and `per_page` (notes §1); same limits as the Manager API's `per` (our assumption).
  const q = new URLSearchParams();
  const page = ctx.query.get('page');
  const per = ctx.query.get('per_page');
  if (page !== null) q.set('page', page);
  if (per !== null) q.set('per', per);
  const paging = readPage(q);
  if ('reply' in paging) return paging.reply;
  const newestFirst = [...env.state.bulkUserJobs].sort((a, b) => b.id - a.id).map(jobView);
  return pageReply(ctx, env.origin(ctx), newestFirst, paging);
}

export const bulkUserRoutes: RouteModule = (env) => [
  { route: 'GET /apps/api/v1/bulk/users/template', handler: () => ({ status: 200, body: template(env) }) },
  { route: 'POST /apps/api/v1/bulk/users/upload', handler: (ctx) => upload(env, ctx, 'POST') },
  { route: 'PUT /apps/api/v1/bulk/users/upload', handler: (ctx) => upload(env, ctx, 'PUT') },
  { route: 'POST /apps/api/v1/bulk/users/proceed', handler: (ctx) => proceed(env, ctx) },
  { route: 'GET /apps/api/v1/bulk/users/jobs', handler: (ctx) => listJobs(env, ctx) },
  { route: 'GET /apps/api/v1/bulk/users/jobs/:job_id', handler: (ctx) => readJob(env, ctx) },
  {
    route: 'GET /apps/api/v1/bulk/users/errors/scheme/:job_id',
    handler: (ctx) => {
      const job = env.state.bulkUserJobs.find((j) => j.id === asId(ctx.params.job_id));
      return job ? { status: 200, body: jobView(job).scheme_errors } : notFoundRecord();
    },
  },
  {
    route: 'GET /apps/api/v1/bulk/users/errors/update/:job_id',
    handler: (ctx) => {
      const job = env.state.bulkUserJobs.find((j) => j.id === asId(ctx.params.job_id));
      return job ? { status: 200, body: jobView(job).update_errors } : notFoundRecord();
    },
  },
];
