/** Apps API adapter: every capability the Apps API and its Manager API give, mapped to the domain. */
import { z } from 'zod';
import type { AppsApiConnectionConfig } from '../../config/schema';
import type {
  Agent,
  AgentStatus,
  AppsApiAgentQuery,
  BulkUserJob,
  BulkUserJobStatus,
  CallCreateRequest,
  CustomerFlags,
  LeadImportJob,
  LeadImportJobStatus,
  UploadedFile,
  DncEntry,
  RequestScope,
  VendorAdapter,
} from '../../domain/types';
import { BadUserInputError, isSwitchboardError } from '../../errors';
import { pickByNativeId } from '../../domain/lookup';
import { basicAuthHeader, createStaticHeadersInterceptor } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { signJwtHs256 } from '../jwt';
import type { QueryValue } from '../routes';
import { readWire } from '../wire';
import { appsApiCallStatusValue, APPS_API_CALL_TYPE_VALUE, toCall } from './calls';
import { APPS_API_CONTACT_STATUSES, toCampaign, toLead } from './campaigns';
import { APPS_API_MAX_PER, AppsApiClient } from './client';
import { appsApiError } from './errors';
import {
  wireAgentList,
  wireAgentStatusChanges,
  wireCall,
  wireCallList,
  wireCampaignList,
  wireContact,
  wireContactList,
  wireCustomerFlags,
  wireDncCheck,
  wireDncContacts,
  wireEndUser,
  wireForceLogout,
  wireMessage,
  wireQueueOperationStatus,
  wireQueueStatus,
  wireSms,
  wireWaitTimes,
  wireBulkUploaded,
  wireBulkUserJob,
  wireContactImportJob,
  wireImportStarted,
  type WireAgent,
  type WireBulkUserJob,
} from './types';
import { encodeMultipart } from '../../upstream/multipart';

/**
 * Status names: the system statuses "Available", "In-call", "Wrap-up" and "Offline"; anything else is
 * a custom status an agent picks when not taking calls (apps-api.txt "Agent Status Endpoint": "changes
 * to and from 'Available' to any custom status").
 */
export function appsApiAgentStatus(agent: Pick<WireAgent, 'status' | 'online' | 'wrap_up'>): AgentStatus {
  if (agent.online === false) return 'OFFLINE';
  if (agent.wrap_up === true) return 'WRAP_UP';
  const name = agent.status?.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!name) return 'UNKNOWN';
  if (name === 'available') return 'AVAILABLE';
  if (name === 'in-call' || name === 'incall' || name === 'on-call') return 'ON_CALL';
  if (name === 'wrap-up' || name === 'wrapup') return 'WRAP_UP';
  if (name === 'offline') return 'OFFLINE';
  return 'AWAY';
}

function toAgent(connectionId: string, w: WireAgent): Agent {
  const name = [w.first_name, w.last_name].filter(Boolean).join(' ').trim();
  const changed = w.status_updated_at ? new Date(w.status_updated_at) : null;
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    name: name || w.email || String(w.id),
    email: w.email ?? null,
    extension: w.agent_number ?? null,
    status: appsApiAgentStatus(w),
    rawStatus: w.status ?? (w.status_id != null ? String(w.status_id) : ''),
    statusChangedAt: changed && !Number.isNaN(changed.getTime()) ? changed : null,
    raw: w,
  };
}

/** Manager API agent filters (apps-api.txt "Users"): Rails-style array params and [from]/[to] ranges. */
function agentFilterQuery(q: AppsApiAgentQuery): Record<string, QueryValue> {
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);
  return {
    'id[]': q.nativeIds ?? undefined,
    'agent_number[]': q.agentNumbers ?? undefined,
    'status_id[]': q.statusIds ?? undefined,
    'online[]': q.online ?? undefined,
    'wrap_up[]': q.wrapUp ?? undefined,
    'location[]': q.locations ?? undefined,
    'last_login_time[from]': iso(q.lastLoginAfter),
    'last_login_time[to]': iso(q.lastLoginBefore),
    'status_updated_at[from]': iso(q.statusUpdatedAfter),
    'status_updated_at[to]': iso(q.statusUpdatedBefore),
  };
}

const RECORDING_PERMISSION = { NOT_ASKED: 'recording_permission_not_asked', DENIED: 'recording_permission_denied', GRANTED: 'recording_permission_granted' } as const;

/** The create-call body of apps-api.txt "Calls Endpoints", with only the fields the caller gave. */
function createCallBody(req: CallCreateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { call_type: APPS_API_CALL_TYPE_VALUE[req.type], lang: req.lang };
  const set = (key: string, v: unknown) => {
    if (v !== null && v !== undefined) body[key] = v;
  };
  set('agent_email', req.agentEmail);
  set('end_user_number', req.endUserNumber);
  set('ticket_id', req.ticketId);
  set('menu_id', req.menuId !== null && req.menuId !== undefined && /^\d+$/.test(req.menuId) ? Number(req.menuId) : req.menuId);
  set('outbound_number', req.outboundNumber);
  set('recording_permission', req.recordingPermission ? RECORDING_PERMISSION[req.recordingPermission] : null);
  set('scheduled_at', req.scheduledAt?.toISOString());
  set('call_id', req.parentCallNativeId !== null && req.parentCallNativeId !== undefined ? Number(req.parentCallNativeId) : null);
  return body;
}

const idNumber = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);

const toDate = (s: string | null | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

const IMPORT_STATUS: Readonly<Record<string, LeadImportJobStatus>> = { created: 'PENDING', in_progress: 'RUNNING', finished: 'FINISHED', failed: 'FAILED' };
const BULK_STATUS: Readonly<Record<string, BulkUserJobStatus>> = {
  created: 'CREATED',
  valid_scheme: 'VALID_SCHEME',
  invalid_scheme: 'INVALID_SCHEME',
  in_progress: 'IN_PROGRESS',
  finished: 'FINISHED',
};

function toBulkUserJob(connectionId: string, w: WireBulkUserJob): BulkUserJob {
  const errs = (list: WireBulkUserJob['scheme_errors']) =>
    (list ?? []).map((e) => ({ row: e.row ?? null, column: e.column ?? null, message: e.message, errorType: e.error_type ?? null }));
  return {
    connectionId,
    nativeId: String(w.id),
    status: BULK_STATUS[w.status] ?? 'UNKNOWN',
    rawStatus: w.status,
    filename: w.filename ?? null,
    totalRows: w.total_rows ?? null,
    affectedRows: w.affected_rows ?? null,
    failedRows: w.failed_rows ?? null,
    createdAt: toDate(w.created_at),
    processRequestedAt: toDate(w.process_requested_at),
    schemeErrors: errs(w.scheme_errors),
    updateErrors: errs(w.update_errors),
    raw: w,
  };
}

/** A JSON file as a multipart `file` part (plus text fields), the way the bulk endpoints take it. */
function jsonFilePart(file: UploadedFile, fields: Record<string, string> = {}) {
  return encodeMultipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: file.filename.toLowerCase().endsWith('.json') ? file.filename : 'upload.json', contentType: 'application/json', content: file.content },
  ]);
}

/** Null for a vendor 404, the value otherwise. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (isSwitchboardError(err) && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

export function createAppsApiAdapter(tenantId: string, pools: PoolRegistry, config: AppsApiConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, shared, {
    toError: appsApiError,
    createAuth: () =>
      createStaticHeadersInterceptor({ authorization: basicAuthHeader(config.credentials.subdomain, config.credentials.apiToken) }),
  });
  const client = new AppsApiClient(upstream, config);
  const cid = config.id;

  const getAgents = async (nativeIds: readonly string[], scope: RequestScope) => {
    const found = new Map<string, Agent>();
    for (let i = 0; i < nativeIds.length; i += APPS_API_MAX_PER) {
      // Filtered reads send no page/per: apps-api.txt "Users" says filtered results cannot be paginated.
      const wire = await client.json('listAgents', wireAgentList, scope, { query: { 'id[]': nativeIds.slice(i, i + APPS_API_MAX_PER) } });
      for (const w of wire) found.set(String(w.id), toAgent(cid, w));
    }
    return nativeIds.map((id) => found.get(id) ?? null);
  };

  const listCampaigns = async (scope: RequestScope) => (await client.all('listCampaigns', wireCampaignList, scope)).map((w) => toCampaign(cid, w));

  return {
    vendor: 'apps-api',
    connectionId: cid,
    capabilities: [
      'AGENT_DIRECTORY', 'AGENT_PRESENCE', 'AGENT_CONTROL', 'CALL_LOG', 'CALL_CREATE', 'CALL_DATA', 'CAMPAIGN_CATALOG',
      'LEAD_STORE', 'SMS', 'QUEUE_STATUS', 'END_USERS', 'DNC', 'CRM_DATA', 'BULK_USERS',
    ],
    upstream,

    agents: {
      listAgents: async (scope) => (await client.all('listAgents', wireAgentList, scope)).map((w) => toAgent(cid, w)),
      getAgents,
    },
    filterAgents: async (q, scope) => (await client.all('listAgents', wireAgentList, scope, { query: agentFilterQuery(q) })).map((w) => toAgent(cid, w)),

    agentControl: {
      async updateStatuses(req, scope) {
        const body = { status: req.status, agent_ids: req.agentIds.map(idNumber), team_ids: req.teamIds.map(idNumber) };
        const changes = await client.write('updateAgentStatuses', wireAgentStatusChanges, scope, body);
        return changes.map((c) => ({
          agentNativeId: String(c.agent_id),
          previousStatus: c.previous_status ?? null,
          currentStatus: c.current_status ?? null,
          message: c.message ?? null,
        }));
      },
      async forceLogout(req, scope) {
        const body = { agent_ids: req.agentIds.map(idNumber), team_ids: req.teamIds.map(idNumber), ip_addrs: req.ipAddresses };
        const res = await client.write('forceLogoutAgents', wireForceLogout, scope, body);
        return { agentNativeIds: (res.agent_ids ?? []).map(String), jobId: res.job_id !== null && res.job_id !== undefined ? String(res.job_id) : null };
      },
    },

    calls: {
      async listCalls(q, offset, limit, scope) {
        const query: Record<string, QueryValue> = {
          'status[]': q.statuses?.map(appsApiCallStatusValue).filter((v): v is string => v !== null),
          'call_type[]': q.types?.filter((t) => t !== 'UNKNOWN').map((t) => APPS_API_CALL_TYPE_VALUE[t as Exclude<typeof t, 'UNKNOWN'>]),
          'created_at[from]': q.createdAfter?.toISOString(),
          'created_at[to]': q.createdBefore?.toISOString(),
        };
        const res = await client.slice('listCalls', wireCallList, scope, offset, limit, { query });
        return { items: res.items.map((w) => toCall(cid, w)), total: res.total };
      },
      getCall: async (nativeId, scope) => {
        const w = await orNull(client.json('getCall', wireCall, scope, { params: { id: nativeId } }));
        return w ? toCall(cid, w) : null;
      },
    },

    callCreator: {
      async createCall(req, scope) {
        const res = await client.send('createCall', scope, { json: createCallBody(req) });
        // 202: "manual intervention is required inside of the widget", sometimes with no body (notes §1).
        if (res.status === 202) return { kind: 'accepted' };
        const facts = { vendor: 'apps-api' as const, connectionId: cid, route: 'createCall' };
        return { kind: 'created', call: toCall(cid, readWire(res, wireCall, facts)) };
      },
    },

    callData: {
      async updateEndUser(callNativeId, endUser, scope) {
        const body: Record<string, unknown> = { identifier: endUser.identifier };
        if (endUser.name != null) body['name'] = endUser.name;
        if (endUser.email != null) body['email'] = endUser.email;
        if (endUser.phone != null) body['phone'] = endUser.phone;
        await client.write('updateCallEndUser', wireMessage, scope, body, { params: { id: callNativeId } });
      },
      async getCustomerFlags(callNativeId, scope) {
        const f = await client.json('getCustomerFlags', wireCustomerFlags, scope, { params: { id: callNativeId } });
        return { verifiedCustomer: f.verified_customer, badActor: f.bad_actor, repeatCustomer: f.repeat_customer };
      },
      async updateCustomerFlags(callNativeId, flags: Partial<CustomerFlags>, scope) {
        // The request spells `repeat_customers` with an s, unlike the response (notes §1, apps-api-call).
        const body: Record<string, boolean> = {};
        if (flags.verifiedCustomer !== undefined) body['verified_customer'] = flags.verifiedCustomer;
        if (flags.badActor !== undefined) body['bad_actor'] = flags.badActor;
        if (flags.repeatCustomer !== undefined) body['repeat_customers'] = flags.repeatCustomer;
        const f = await client.write('updateCustomerFlags', wireCustomerFlags, scope, body, { params: { id: callNativeId } });
        return { verifiedCustomer: f.verified_customer, badActor: f.bad_actor, repeatCustomer: f.repeat_customer };
      },
      async sendCustomData(callNativeId, fields, signed, scope) {
        const data: Record<string, { label?: string; value: unknown }> = {};
        for (const f of fields) data[f.key] = { ...(f.label != null ? { label: f.label } : {}), value: f.value };
        let body: Record<string, unknown>;
        if (signed) {
          const secret = config.credentials.companySecret;
          if (!secret) throw new BadUserInputError(`connection '${cid}' has no credentials.companySecret to sign with; send signed: false`);
          const iat = Math.floor(Date.now() / 1000);
          // apps-api.txt "Send a custom data": JWT.encode({custom_data, exp, iat}, 'Company secret', 'HS256').
          body = { signed: true, signed_data: signJwtHs256({ custom_data: data, iat, exp: iat + 300 }, secret) };
        } else {
          body = { signed: false, data };
        }
        await client.write('sendCallCustomData', wireMessage, scope, body, { params: { id: callNativeId } });
      },
    },

    campaigns: {
      listCampaigns,
      // One (cached) list read answers any number of ids.
      getCampaigns: async (nativeIds, scope) => pickByNativeId(await listCampaigns(scope), nativeIds),
    },

    leads: {
      inputFields: ['name', 'email', 'phoneNumber', 'outboundNumber', 'externalId'],
      async listLeads(campaignNativeId, q, startKey, limit, scope) {
        // The start key is an offset into the page/per list (the vendor filters by status itself).
        const offset = startKey === null ? 0 : Number(startKey);
        const raw = q.statuses?.length
          ? Object.entries(APPS_API_CONTACT_STATUSES).filter(([, s]) => q.statuses!.includes(s)).map(([name]) => name)
          : undefined;
        const res = await client.slice('listCampaignContacts', wireContactList, scope, offset, limit, {
          params: { campaignId: campaignNativeId },
          query: { 'status[]': raw },
        });
        const next = offset + res.items.length;
        const more = res.items.length === limit && (res.total === null || next < res.total);
        return { items: res.items.map((w) => toLead(cid, campaignNativeId, w)), nextKey: more ? String(next) : null, total: async () => res.total };
      },
      async getLead(campaignNativeId, leadNativeId, scope) {
        // The API has no contact lookup: read the campaign's contacts until it appears.
        for (let page = 1; page <= 1000; page++) {
          const res = await orNull(client.page('listCampaignContacts', wireContactList, scope, { params: { campaignId: campaignNativeId }, page, per: APPS_API_MAX_PER }));
          if (!res) return null;
          const hit = res.items.find((w) => String(w.id) === leadNativeId);
          if (hit) return toLead(cid, campaignNativeId, hit);
          if (res.nextPage === null) return null;
        }
        return null;
      },
      async createLead(campaignNativeId, input, scope) {
        const body: Record<string, unknown> = { phone_number: input.phoneNumber };
        if (input.name != null) body['name'] = input.name;
        if (input.email != null) body['email'] = input.email;
        if (input.outboundNumber != null) body['outbound_number'] = input.outboundNumber;
        if (input.externalId != null) body['external_unique_id'] = input.externalId;
        const w = await client.write('addCampaignContact', wireContact, scope, body, { params: { campaignId: campaignNativeId } });
        return toLead(cid, campaignNativeId, w);
      },
      async updateLead(campaignNativeId, leadNativeId, input, scope) {
        const body: Record<string, unknown> = { contact_id: idNumber(leadNativeId) };
        if (input.name != null) body['name'] = input.name;
        if (input.email != null) body['email'] = input.email;
        if (input.phoneNumber != null) body['phone_number'] = input.phoneNumber;
        if (input.externalId != null) body['external_unique_id'] = input.externalId;
        const w = await client.write('updateCampaignContact', wireContact, scope, body, { params: { campaignId: campaignNativeId } });
        return toLead(cid, campaignNativeId, w);
      },
      async deleteLead(campaignNativeId, leadNativeId, scope) {
        await client.write('deleteCampaignContact', wireMessage, scope, { contact_id: idNumber(leadNativeId) }, { params: { campaignId: campaignNativeId } });
      },
      async importLeads(campaignNativeId, file, scope) {
        const { contentType, body } = jsonFilePart(file);
        const started = await client.json('importCampaignContacts', wireImportStarted, scope, {
          params: { campaignId: campaignNativeId },
          headers: { 'content-type': contentType },
          body,
        });
        const jobId = String(started.id);
        const rawStatus = started.status ?? 'created';
        return {
          connectionId: cid,
          campaignNativeId,
          nativeId: jobId,
          status: IMPORT_STATUS[rawStatus] ?? 'UNKNOWN',
          rawStatus,
          totalRows: null,
          importedRows: null,
          failedRows: null,
          errors: [],
          raw: started,
        } satisfies LeadImportJob;
      },
      async getImportJob(campaignNativeId, jobNativeId, scope) {
        const w = await orNull(client.json('getContactImportJob', wireContactImportJob, scope, { params: { campaignId: campaignNativeId, jobId: jobNativeId } }));
        if (!w) return null;
        return {
          connectionId: cid,
          campaignNativeId,
          nativeId: String(w.id),
          status: IMPORT_STATUS[w.status] ?? 'UNKNOWN',
          rawStatus: w.status,
          totalRows: w.total_rows ?? null,
          importedRows: w.imported_rows ?? null,
          failedRows: w.failed_rows ?? null,
          errors: (w.errors ?? []).map((e) => ({ row: e.row ?? null, column: e.column ?? null, message: e.message })),
          raw: w,
        };
      },
    },

    bulkUsers: {
      template: (scope) => client.json('getBulkUserTemplate', z.unknown(), scope),
      async upload(file, jobNativeId, scope) {
        // PUT with the job id re-uploads into that job (notes §1 "Bulk users: upload").
        const { contentType, body } = jobNativeId ? jsonFilePart(file, { id: jobNativeId }) : jsonFilePart(file);
        const uploaded = await client.json('uploadBulkUsers', wireBulkUploaded, scope, {
          headers: { 'content-type': contentType },
          body,
          ...(jobNativeId ? { method: 'PUT' as const } : {}),
        });
        // The job as the upload answer has it; its validation runs at the vendor and is read with getJob.
        return toBulkUserJob(cid, { ...uploaded, id: uploaded.id, status: uploaded.status ?? 'created' });
      },
      async proceed(jobNativeId, scope) {
        return toBulkUserJob(cid, await client.write('proceedBulkUsers', wireBulkUserJob, scope, { id: idNumber(jobNativeId) }));
      },
      async getJob(jobNativeId, scope) {
        const w = await orNull(client.json('getBulkUserJob', wireBulkUserJob, scope, { params: { jobId: jobNativeId } }));
        return w ? toBulkUserJob(cid, w) : null;
      },
    },

    queues: {
      async listQueues(lang, scope) {
        const res = await client.json('listQueueStatus', wireQueueStatus, scope, { query: { lang } });
        return res.queues.map((q) => ({
          connectionId: cid,
          vendor: 'apps-api' as const,
          nativeId: String(q.menu_id),
          name: q.materialized_path ?? null,
          lang: q.lang ?? lang,
          menuType: q.menu_type ?? null,
          currentWait: q.current_queue_ewt ?? null,
          scheduledCallbackWait: q.scheduled_callback_ewt ?? null,
          loggedInAgentCount: q.logged_in_agents ?? null,
          availableAgentCount: q.available_agents ?? null,
          extension: null,
          strategy: null,
          maxWait: null,
          agentCount: null,
          idleAgentCount: null,
          onCallAgentCount: null,
          loggedOutAgentCount: null,
          agents: null,
          raw: q,
        }));
      },
      async waitTimes(lang, scope) {
        const rows = await client.json('listWaitTimes', wireWaitTimes, scope, { query: { lang } });
        return new Map(rows.map((r) => [String(r.menu_id), { voice: r.voice_call ?? null, chat: r.chat ?? null }]));
      },
      async operationStatus(queueNativeId, lang, channel, scope) {
        const res = await client.json('getQueueOperationStatus', wireQueueOperationStatus, scope, {
          query: { menu_id: queueNativeId, lang, channel_type: channel === 'VOICE' ? 'call' : 'chat' },
        });
        return { afterHours: Boolean(res.after_hour ?? res.after_hours), overCapacity: Boolean(res.overcapacity) };
      },
    },

    sms: {
      async sendSms(req, scope) {
        const body: Record<string, unknown> = {
          chat_type: 'Messaging (API)',
          end_user_number: req.endUserNumber,
          outbound_number: req.outboundNumber,
          message: req.message,
        };
        if (req.ticketId != null) body['ticket_id'] = req.ticketId;
        // notes §1: the extra keys are camelCase.
        if (req.agentNativeId != null) body['agentId'] = idNumber(req.agentNativeId);
        const w = await client.write('sendSms', wireSms, scope, body);
        const created = w.created_at ? new Date(w.created_at) : null;
        return { nativeId: String(w.id), status: w.status ?? null, createdAt: created && !Number.isNaN(created.getTime()) ? created : null, raw: w };
      },
    },

    endUsers: {
      async upsertEndUser(req, scope) {
        const body: Record<string, unknown> = { identifier: req.identifier };
        if (req.email != null) body['email'] = req.email;
        if (req.name != null) body['name'] = req.name;
        if (req.phone != null) body['phone'] = req.phone;
        const w = await client.write('upsertEndUser', wireEndUser, scope, body);
        return { connectionId: cid, nativeId: String(w.id), identifier: w.identifier ?? null };
      },
      async findEndUser(by, scope) {
        const query = 'nativeId' in by ? { id: by.nativeId } : { identifier: by.identifier };
        const w = await orNull(client.json('findEndUser', wireEndUser, scope, { query }));
        return w ? { connectionId: cid, nativeId: String(w.id), identifier: w.identifier ?? null } : null;
      },
    },

    dnc: {
      async add(entries, scope) {
        const body = { contacts: entries.map((e) => ({ phone_number: e.phoneNumber, ...(e.expiresAt ? { expires_at: e.expiresAt.toISOString() } : {}) })) };
        const res = await client.write('addDnc', wireDncContacts, scope, body);
        return res.contacts.map((c): DncEntry => ({ phoneNumber: c.phone_number, listed: true, expiresAt: c.expires_at ? new Date(c.expires_at) : null }));
      },
      async remove(phoneNumbers, scope) {
        const res = await client.write('removeDnc', wireDncContacts, scope, { contacts: phoneNumbers.map((p) => ({ phone_number: p })) });
        return res.contacts.map((c): DncEntry => ({ phoneNumber: c.phone_number, listed: false, expiresAt: null }));
      },
      async check(phoneNumber, scope) {
        const r = await client.json('checkDnc', wireDncCheck, scope, { query: { phone_number: phoneNumber } });
        return { phoneNumber: r.phone_number, listed: r.dnc, expiresAt: r.expires_at ? new Date(r.expires_at) : null };
      },
    },

    crm: {
      async sendContactData(d, scope) {
        // apps-api.txt "CRM contact data" body; ids as numbers where they are numeric, like every other body.
        const body: Record<string, unknown> = { call_id: idNumber(d.callNativeId), contact: d.contact };
        const optional: Array<[string, unknown]> = [
          ['agent_id', d.agentNativeId != null ? idNumber(d.agentNativeId) : null],
          ['lcm_key', d.lcmKey],
          ['dnis', d.dnis],
          ['org_id', d.orgId],
          ['pacing_mode', d.pacingMode],
          ['call_type', d.callType],
        ];
        for (const [k, v] of optional) if (v != null) body[k] = v;
        await client.write('sendCrmContactData', z.unknown(), scope, body);
      },
    },
  };
}
