/** Ameyo adapter: presence, contact uploads, dialing and disposition, voice logs, monitoring tables. */
import type { AmeyoConnectionConfig } from '../../config/schema';
import { parseCsv } from '../../csv';
import type {
  Agent,
  AgentPresence,
  AgentStatus,
  ContactUploadTask,
  DialResult,
  DownloadStream,
  PresenceQuery,
  RequestScope,
  VendorAdapter,
} from '../../domain/types';
import { BadUserInputError, UnsupportedByVendorError } from '../../errors';
import { basicAuthHeader } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import { multipartStream } from '../../upstream/multipart';
import type { PoolRegistry } from '../../upstream/transport';
import type { UpstreamInterceptor } from '../../upstream/types';
import type { QueryValue } from '../routes';
import { AMEYO_MONITORING_PAGE, AmeyoClient } from './client';
import { ameyoError } from './errors';
import { ameyoRoutes } from './routes';
import { wireUserSession, type WireUserSession } from './types';

/** Pages read at most for one full listing (10,000 sessions). */
const MAX_PAGES = 100;
/** How long a contact upload may take end to end. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000; // 30 min

/**
 * Ameyo user states (the doc names Ready, On Call and Wrap-up; Break, Not Ready, Auto Call Off and the
 * logged-off states are the other values seen in Ameyo consoles).
 */
export function ameyoAgentStatus(userStatus: string | null | undefined): AgentStatus {
  const s = userStatus?.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (!s) return 'UNKNOWN';
  if (s === 'ready' || s === 'available' || s === 'idle') return 'AVAILABLE';
  if (s === 'on call' || s === 'busy' || s === 'in call' || s === 'connected' || s === 'ringing') return 'ON_CALL';
  if (s === 'wrap up' || s === 'wrapup' || s === 'acw') return 'WRAP_UP';
  if (s === 'break' || s === 'not ready' || s === 'auto call off' || s === 'lunch' || s === 'away') return 'AWAY';
  if (s === 'logged off' || s === 'logged out' || s === 'offline' || s === 'inactive') return 'OFFLINE';
  return 'UNKNOWN';
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** What the session row says the agent is doing (ameyo-contact-management-and-presence.txt example). */
function presenceOf(w: WireUserSession): AgentPresence {
  const r = w as Record<string, unknown>;
  const customer = (r['customer_details'] ?? null) as Record<string, unknown> | null;
  const phone = (customer?.['phone_info'] ?? null) as Record<string, unknown> | null;
  const channel = (r['channel_details'] ?? null) as Record<string, unknown> | null;
  const hasCustomer = customer && (customer['id'] != null || customer['name'] != null || phone?.['phone'] != null);
  return {
    sessionId: str(r['session_id']),
    campaign: w.campaign_id != null ? { nativeId: String(w.campaign_id), name: w.campaign_name ?? null } : null,
    queue: r['queue_id'] != null ? { nativeId: String(r['queue_id']), name: str(r['queue_name']) } : null,
    interactionId: str(r['interaction_id']),
    channel: str(channel?.['channel_type']),
    customerStatus: str(r['customer_status']),
    customer: hasCustomer
      ? { nativeId: str(customer['id']), name: str(customer['name']), phone: str(phone?.['phone']), crtObjectId: str(customer['crt_object_id']) }
      : null,
    callNativeId: str(customer?.['crt_object_id']) ?? str(r['call_id']),
    waiting: typeof r['waiting'] === 'boolean' ? (r['waiting'] as boolean) : null,
  };
}

function toAgent(connectionId: string, w: WireUserSession, now: number): Agent {
  return {
    connectionId,
    vendor: 'ameyo',
    nativeId: w.user_id,
    name: w.user_name || w.user_id,
    email: null,
    extension: null,
    status: ameyoAgentStatus(w.user_status),
    rawStatus: w.user_status ?? '',
    // user_status_duration is how long the user has been in the state, in seconds.
    statusChangedAt: typeof w.user_status_duration === 'number' ? new Date(now - w.user_status_duration * 1000) : null,
    presence: presenceOf(w),
    raw: w,
  };
}

/** Documented monitoring filters (kebab-case) for a presence query. */
function monitoringFilters(q: PresenceQuery): Record<string, QueryValue> {
  return {
    'campaign-ids': q.campaignIds ?? undefined,
    'user-ids': q.userIds ?? undefined,
    'user-name': q.userName ?? undefined,
    status: q.statuses ?? undefined,
    'queue-ids': q.queueIds ?? undefined,
    'user-types': q.userTypes ?? undefined,
    'session-ids': q.sessionIds ?? undefined,
    'call-ids': q.callIds ?? undefined,
    'chat-ids': q.chatIds ?? undefined,
  };
}

/**
 * Each API family has its own auth (notes §3): Basic for CMS and data engine; `hash-key`,
 * `policy-name` and `requesting-host` for web-access commands; the app-server token for
 * disposeCallForUser; the agent's `sessionId` (given per request) for disposeAndManualDial. No family
 * ever receives another's credentials.
 */
function createAmeyoAuthInterceptor(config: AmeyoConnectionConfig): UpstreamInterceptor {
  const basic = basicAuthHeader(config.credentials.username, config.credentials.password);
  return (next) => (req) => {
    const route = req.route as keyof typeof ameyoRoutes;
    const family = ameyoRoutes[route]?.family;
    const headers = { ...req.headers };
    if (family === 'cms' || family === 'dataEngine') headers['authorization'] = basic;
    else if (route === 'clickToDial' || route === 'downloadVoiceLog') {
      if (!config.webAccess) throw new UnsupportedByVendorError(`connection '${config.id}' has no webAccess credentials`, { vendor: 'ameyo', connectionId: config.id });
      headers['hash-key'] = config.webAccess.hashKey;
      headers['policy-name'] = config.webAccess.policyName;
      headers['requesting-host'] = config.webAccess.requestingHost;
    } else if (route === 'disposeCallForUser') {
      if (!config.appServerToken) throw new UnsupportedByVendorError(`connection '${config.id}' has no appServerToken`, { vendor: 'ameyo', connectionId: config.id });
      headers['authorization'] = config.appServerToken;
    }
    return next({ ...req, headers });
  };
}

const failed = (r: { result: string; reason: string | null }): DialResult => ({ success: r.result.toLowerCase() === 'success', reason: r.reason });

export function createAmeyoAdapter(tenantId: string, pools: PoolRegistry, config: AmeyoConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, shared, { toError: ameyoError, createAuth: () => createAmeyoAuthInterceptor(config) });
  const client = new AmeyoClient(upstream, config);
  const cid = config.id;

  const sessionsOf = async (scope: RequestScope, filters: Record<string, QueryValue> = {}): Promise<Agent[]> => {
    const out: Agent[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const res = await client.monitoring(scope, 'user-session-information', { offset, limit: AMEYO_MONITORING_PAGE, filters }, wireUserSession);
      const now = Date.now();
      for (const row of res.rows) out.push(toAgent(cid, row, now));
      offset += res.rows.length;
      if (res.rows.length === 0 || (res.total !== null ? offset >= res.total : res.rows.length < AMEYO_MONITORING_PAGE)) break;
    }
    return out;
  };

  const errorFileOf = (task: ContactUploadTask, scope: RequestScope, stream: boolean) =>
    client.errorFile(scope, task.campaignNativeId, task.leadListNativeId, task.taskId, stream);

  const capabilities: VendorAdapter['capabilities'] = [
    'AGENT_DIRECTORY',
    'AGENT_PRESENCE',
    'PRESENCE_TABLES',
    'CONTACT_UPLOAD',
    ...(config.webAccess || config.appServerToken ? (['DIALER'] as const) : []),
    ...(config.webAccess ? (['RECORDINGS'] as const) : []),
  ];

  return {
    vendor: 'ameyo',
    connectionId: cid,
    capabilities,
    upstream,

    agents: {
      listAgents: (scope) => sessionsOf(scope),
      async getAgents(nativeIds, scope) {
        const found = new Map<string, Agent>();
        for (let i = 0; i < nativeIds.length; i += AMEYO_MONITORING_PAGE) {
          for (const a of await sessionsOf(scope, { 'user-ids': nativeIds.slice(i, i + AMEYO_MONITORING_PAGE) })) found.set(a.nativeId, a);
        }
        return nativeIds.map((id) => found.get(id) ?? null);
      },
    },

    presence: {
      async page(table, q, offset, limit, scope) {
        const res = await client.monitoring(scope, table, { offset, limit, ...(q.sortBy?.length ? { sortBy: q.sortBy } : {}), filters: monitoringFilters(q) });
        return { rows: res.rows as Array<Record<string, unknown>>, total: res.total };
      },
    },

    contactUploads: {
      contactFields: config.contactFields,
      async upload(req, scope) {
        const mapping: Record<string, string> = Object.fromEntries(config.contactFields.map((f) => [f, '']));
        for (const m of req.headerMapping) mapping[m.field] = m.column;
        const { contentType, body } = multipartStream(
          [
            { name: 'user_id', value: req.userId },
            { name: 'update_duplicate', value: String(req.updateDuplicates) },
            { name: 'churn_updated_records', value: String(req.churnUpdatedRecords) },
            { name: 'migrate', value: String(req.migrate) },
            { name: 'header_mapping', value: JSON.stringify(mapping) },
          ],
          { name: 'file', filename: req.filename, contentType: 'text/csv', content: req.content },
        );
        const taskId = await client.uploadContacts(scope, req.campaignNativeId, req.leadListNativeId, contentType, body, UPLOAD_TIMEOUT_MS);
        return { connectionId: cid, campaignNativeId: req.campaignNativeId, leadListNativeId: req.leadListNativeId, taskId };
      },
      async errorRows(task, scope) {
        const res = await errorFileOf(task, scope, false);
        // `row_number,<the upload's columns>,error_reason` (our simulator; the doc shows no sample).
        const [header, ...rows] = parseCsv(res.body.toString('utf8'));
        if (!header) return [];
        const rowCol = header.findIndex((h) => /^row(_?number)?$/i.test(h.trim()));
        const reasonCol = header.findIndex((h) => /^(error_?reason|reason|error)$/i.test(h.trim()));
        return rows
          .filter((r) => r.some((v) => v !== ''))
          .map((r) => ({
            rowNumber: rowCol >= 0 && /^\d+$/.test(r[rowCol] ?? '') ? Number(r[rowCol]) : null,
            reason: reasonCol >= 0 ? (r[reasonCol] ?? '') : '',
            values: header.map((column, i) => ({ column, value: r[i] ?? '' })).filter((_, i) => i !== rowCol && i !== reasonCol),
          }));
      },
      async openErrorFile(task, scope): Promise<DownloadStream> {
        const res = await errorFileOf(task, scope, true);
        return {
          stream: res.stream!,
          contentType: res.headers['content-type'] ?? 'text/csv',
          contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
          filename: `contact-upload-${task.taskId}-errors.csv`,
        };
      },
    },

    dialer: {
      async dial(req, scope) {
        const body: Record<string, unknown> = { userId: req.userId, campaignId: req.campaignId, phone: req.phone };
        if (req.shouldAddCustomer != null) body['shouldAddCustomer'] = req.shouldAddCustomer;
        if (req.customerRecord != null) body['customerRecord'] = req.customerRecord;
        if (req.extraParams != null) body['additionalParams'] = req.extraParams;
        return failed(await client.command('clickToDial', scope, body));
      },
      async dispose(req, scope) {
        // Casing per notes §3b (unconfirmed): userId, dispositionCodeName, dispositionParams{isSelfCallback, callbackTime, phone}.
        const body = {
          userId: req.userId,
          dispositionCodeName: req.dispositionCode,
          dispositionParams: { isSelfCallback: Boolean(req.selfCallback), callbackTime: req.callbackTime ? req.callbackTime.toISOString() : '', phone: req.phone ?? '' },
          requestId: req.requestId,
          notes: req.notes ?? '',
        };
        return failed(await client.command('disposeCallForUser', scope, body));
      },
      async disposeAndDial(req, scope) {
        // The command runs in the agent's own session: find its sessionId in the user-session table.
        const [session] = await sessionsOf(scope, { 'user-ids': [req.userId] });
        const sessionId = session?.presence?.sessionId;
        if (!sessionId) throw new BadUserInputError(`agent ${req.userId} has no Ameyo session (not logged in)`, { vendor: 'ameyo', connectionId: cid, notSent: true });
        const body: Record<string, unknown> = {
          campaignContextId: /^\d+$/.test(req.campaignContextId) ? Number(req.campaignContextId) : req.campaignContextId,
          crtObjectId: req.crtObjectId,
          dispositionCode: req.dispositionCode,
          phone: req.phone,
          customerId: req.customerId ?? '-1',
          requestId: req.requestId,
        };
        if (req.userCrtObjectId) body['userCRTObjectId'] = req.userCrtObjectId;
        return failed(await client.command('disposeAndManualDial', scope, body, { sessionid: sessionId }));
      },
    },

    recordings: {
      async open(callNativeId, format, scope) {
        const res = await client.voiceLog(scope, callNativeId, format === 'MP3' ? 'mp3' : 'wav');
        const type = res.headers['content-type'] ?? '';
        if (type.includes('json')) {
          // Ameyo answers "could not be found" as a JSON message, not a 404 (ameyo-crm-url-integration.txt).
          res.stream?.resume();
          return null;
        }
        return {
          stream: res.stream!,
          contentType: type || (format === 'MP3' ? 'audio/mpeg' : 'audio/wav'),
          contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
          filename: `${callNativeId.replace(/[^A-Za-z0-9._-]/g, '_')}.${format === 'MP3' ? 'mp3' : 'wav'}`,
        };
      },
    },
  };
}
