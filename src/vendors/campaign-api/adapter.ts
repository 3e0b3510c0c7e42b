/** Campaign-API adapter: agents, queues, campaigns, leads, activity and the voicemail disposition. */
import type { CampaignApiConnectionConfig } from '../../config/schema';
import type {
  Agent,
  AgentStatus,
  Campaign,
  CampaignStatus,
  Lead,
  LeadStats,
  LeadStatus,
  Queue,
  RequestScope,
  VendorAdapter,
} from '../../domain/types';
import { BadUserInputError } from '../../errors';
import { pickByNativeId } from '../../domain/lookup';
import { createStaticHeadersInterceptor, createTokenAuth } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { compose } from '../../upstream/types';
import { toPlain } from '../jsonEntries';
import { CampaignApiClient, type CampaignStatusRow } from './client';
import { campaignApiError } from './errors';
import type { WireLead, WireQueue, WireQueueAgent } from './types';

/**
 * Queue-member states. The doc shows only "idle"; "ringing", "in_call", "wrap_up" and "paused" are the
 * other states our simulator (and FreeSWITCH-style dialers) use. `logged_in: false` wins over any status.
 */
export function campaignApiAgentStatus(agent: Pick<WireQueueAgent, 'logged_in' | 'status'>): AgentStatus {
  if (agent.logged_in === false) return 'OFFLINE';
  const s = agent.status?.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (!s) return 'UNKNOWN';
  if (s === 'idle' || s === 'available' || s === 'waiting') return 'AVAILABLE';
  if (s === 'ringing' || s === 'in_call' || s === 'on_call' || s === 'busy' || s === 'in_a_queue_call' || s === 'receiving') return 'ON_CALL';
  if (s === 'wrap_up' || s === 'wrapup') return 'WRAP_UP';
  if (s === 'paused' || s === 'on_break' || s === 'break') return 'AWAY';
  if (s === 'logged_out' || s === 'offline') return 'OFFLINE';
  return 'UNKNOWN';
}

function toAgent(connectionId: string, w: WireQueueAgent): Agent {
  return {
    connectionId,
    vendor: 'campaign-api',
    nativeId: w.id,
    name: w.name || w.extension || w.id,
    email: null,
    extension: w.extension ?? null,
    status: campaignApiAgentStatus(w),
    rawStatus: w.status ?? '',
    statusChangedAt: null,
    raw: w,
  };
}

/** Every distinct agent of every queue, in first-seen order (an agent can sit in several queues). */
export function agentsOfQueues(connectionId: string, queues: readonly WireQueue[]): Agent[] {
  const seen = new Map<string, Agent>();
  for (const q of queues) for (const w of q.agents ?? []) if (!seen.has(w.id)) seen.set(w.id, toAgent(connectionId, w));
  return [...seen.values()];
}

/** Lead statuses seen on this API (the doc shows "new"; the rest are our simulator's, FonoUC-style). */
export const CAMPAIGN_API_LEAD_STATUSES: Readonly<Record<string, LeadStatus>> = {
  new: 'NEW',
  in_progress: 'DIALING',
  success: 'COMPLETED',
  failed: 'FAILED',
  no_answer: 'NO_ANSWER',
  busy: 'BUSY',
  voicemail: 'VOICEMAIL',
  dnc: 'DO_NOT_CALL',
};

export function campaignApiLeadStatus(raw: string | null | undefined): LeadStatus {
  return (raw && CAMPAIGN_API_LEAD_STATUSES[raw.trim().toLowerCase()]) || 'UNKNOWN';
}

/** The wire value for a status, or null when this API has none (e.g. SKIPPED). */
export function campaignApiLeadStatusValue(status: LeadStatus): string | null {
  return Object.entries(CAMPAIGN_API_LEAD_STATUSES).find(([, s]) => s === status)?.[0] ?? null;
}

export function campaignApiCampaignStatus(raw: string | null | undefined): CampaignStatus {
  switch (raw?.trim().toLowerCase()) {
    case 'running':
    case 'started':
    case 'active':
      return 'ACTIVE';
    case 'paused':
      return 'PAUSED';
    case 'stopped':
      return 'STOPPED';
    case 'completed':
    case 'finished':
      return 'COMPLETED';
    default:
      return 'UNKNOWN';
  }
}

/**
 * Lead statistics from the leads-by-status report. A status printed twice in one object is read as two
 * parts of one count and summed: the doc's example only adds up to its `total_leads` that way
 * (4 + 10 + 5 + 25 = 44). `total` is `total_leads` when present.
 */
export function leadStatsOfReport(row: Pick<CampaignStatusRow, 'leadsByStatus' | 'totalLeads'>): LeadStats {
  const sums = new Map<string, number>();
  for (const [raw, n] of row.leadsByStatus) sums.set(raw, (sums.get(raw) ?? 0) + n);
  const byStatus = [...sums].map(([rawStatus, count]) => ({ status: campaignApiLeadStatus(rawStatus), rawStatus, count }));
  return { total: row.totalLeads ?? byStatus.reduce((n, s) => n + s.count, 0), byStatus };
}

function toCampaign(connectionId: string, row: CampaignStatusRow): Campaign {
  return {
    connectionId,
    vendor: 'campaign-api',
    nativeId: row.id,
    name: row.name ?? row.id,
    status: campaignApiCampaignStatus(row.status),
    rawStatus: row.status ?? '',
    mode: null,
    leadStats: leadStatsOfReport(row),
    raw: toPlain(row.raw as never),
  };
}

function toLead(connectionId: string, campaignNativeId: string, w: WireLead): Lead {
  const name = [w.first_name, w.last_name].filter(Boolean).join(' ').trim();
  return {
    connectionId,
    vendor: 'campaign-api',
    nativeId: w.id,
    campaignNativeId: w.campaign_id || campaignNativeId,
    name: name || null,
    firstName: w.first_name ?? null,
    lastName: w.last_name ?? null,
    email: null,
    phoneNumber: w.number ?? null,
    status: campaignApiLeadStatus(w.status),
    rawStatus: w.status,
    priority: w.priority ?? null,
    retries: w.retries ?? null,
    externalId: null,
    createdAt: typeof w.created === 'number' ? new Date(w.created * 1000) : null,
    updatedAt: null,
    raw: w,
  };
}

function toQueue(connectionId: string, q: WireQueue & Record<string, unknown>): Queue {
  const n = (k: string) => (typeof q[k] === 'number' ? (q[k] as number) : null);
  return {
    connectionId,
    vendor: 'campaign-api',
    nativeId: q.id,
    name: q.name ?? null,
    lang: null,
    menuType: null,
    currentWait: null,
    scheduledCallbackWait: null,
    loggedInAgentCount: n('logged_in_agents'),
    availableAgentCount: n('idle_agents'),
    extension: typeof q['extension'] === 'string' ? (q['extension'] as string) : null,
    strategy: typeof q['strategy'] === 'string' ? (q['strategy'] as string) : null,
    maxWait: n('max_time_caller_in_queue'),
    agentCount: n('total_agents'),
    idleAgentCount: n('idle_agents'),
    onCallAgentCount: n('agents_on_call'),
    loggedOutAgentCount: n('logged_out_agents'),
    agents: (q.agents ?? []).map((a) => toAgent(connectionId, a)),
    raw: q,
  };
}

/** Page size the adapter asks for when a caller wants more than the vendor's largest page. */
const MAX_PAGE = 1000;

export function createCampaignApiAdapter(tenantId: string, pools: PoolRegistry, config: CampaignApiConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const accountHeader = createStaticHeadersInterceptor({ 'x-account-id': config.accountId });
  const upstream = createUpstream(tenantId, config, pools, shared, {
    toError: campaignApiError,
    createAuth: (paced) => {
      const creds = config.credentials;
      if ('apiKey' in creds) {
        // notes §2: `X-API-Key` plus `X-Account-ID` instead of a login.
        return (next) => compose(next, [accountHeader, createStaticHeadersInterceptor({ 'x-api-key': creds.apiKey })]);
      }
      const tokens = createTokenAuth({
        obtainToken: (scope) => CampaignApiClient.login(paced, config, scope),
        applyToken: (headers, token) => ({ ...headers, authorization: `Bearer ${token}` }),
        refreshSkewMs: config.tokenRefreshSkewMs,
      });
      return (next) => compose(next, [accountHeader, tokens.interceptor]);
    },
  });
  const client = new CampaignApiClient(upstream.send, config);
  const cid = config.id;
  const listAgents = async (scope: RequestScope) => agentsOfQueues(cid, await client.queuesStatus(scope));
  const listCampaigns = async (scope: RequestScope) => (await client.campaignsStatus(scope)).map((r) => toCampaign(cid, r));

  return {
    vendor: 'campaign-api',
    connectionId: cid,
    capabilities: [
      'AGENT_DIRECTORY', 'AGENT_PRESENCE', 'QUEUE_STATUS', 'CAMPAIGN_CATALOG', 'LEAD_STORE', 'LEAD_STATUS', 'CAMPAIGN_ACTIVITY', 'CALL_DISPOSITION',
    ],
    upstream,

    agents: {
      listAgents,
      // The API has no agent lookup: one (cached, shared) queue-status read answers any number of ids.
      getAgents: async (nativeIds, scope) => pickByNativeId(await listAgents(scope), nativeIds),
    },

    queues: {
      listQueues: async (_lang, scope) => (await client.queuesStatus(scope)).map((q) => toQueue(cid, q as WireQueue & Record<string, unknown>)),
    },

    campaigns: {
      listCampaigns,
      getCampaigns: async (nativeIds, scope) => pickByNativeId(await listCampaigns(scope), nativeIds),
    },

    leads: {
      inputFields: ['phoneNumber', 'firstName', 'lastName', 'retries', 'type', 'priority', 'ticketId', 'note', 'coolOff'],
      async listLeads(campaignNativeId, _q, startKey, limit, scope) {
        // No status filter on the wire: the resolver filters each page (schema: LeadFilter).
        const page = await client.listLeads(scope, campaignNativeId, Math.min(limit, MAX_PAGE), startKey);
        return {
          items: page.leads.map((w) => toLead(cid, campaignNativeId, w)),
          nextKey: page.nextKey,
          // The leads endpoint gives no total; the (cached) campaigns report does.
          total: async () => (await listCampaigns(scope)).find((c) => c.nativeId === campaignNativeId)?.leadStats?.total ?? null,
        };
      },
      async getLead(campaignNativeId, leadNativeId, scope) {
        // No lead lookup: page through the campaign (1,000 at a time) until it appears.
        let key: string | null = null;
        for (let n = 0; n < 1000; n++) {
          const page: { leads: WireLead[]; nextKey: string | null } = await client.listLeads(scope, campaignNativeId, MAX_PAGE, key);
          const hit = page.leads.find((l) => l.id === leadNativeId);
          if (hit) return toLead(cid, campaignNativeId, hit);
          if (!page.nextKey) return null;
          key = page.nextKey;
        }
        return null;
      },
      async createLead(campaignNativeId, input, scope) {
        const body: Record<string, unknown> = { number: input.phoneNumber };
        const set = (k: string, v: unknown) => {
          if (v !== null && v !== undefined) body[k] = v;
        };
        set('retries', input.retries);
        set('first_name', input.firstName);
        set('last_name', input.lastName);
        set('type', input.type);
        set('priority', input.priority);
        set('ticket_id', input.ticketId);
        set('note', input.note);
        set('cool_off', input.coolOff);
        const w = await client.addLead(scope, campaignNativeId, body);
        if (!w) throw new BadUserInputError('campaign-api added the lead but did not return it');
        return toLead(cid, campaignNativeId, w);
      },
      async updateLead() {
        throw new BadUserInputError('campaign-api leads cannot be edited; set the status, or delete and add again');
      },
      async deleteLead(_campaignNativeId, leadNativeId, scope) {
        await client.deleteLead(scope, leadNativeId);
      },
      async setLeadStatus(_campaignNativeId, leadNativeId, status, scope) {
        const raw = campaignApiLeadStatusValue(status);
        if (!raw) {
          const allowed = Object.values(CAMPAIGN_API_LEAD_STATUSES).join(', ');
          throw new BadUserInputError(`campaign-api cannot set a lead to ${status}; it takes ${allowed}`);
        }
        await client.setLeadStatus(scope, leadNativeId, raw);
      },
    },

    activity: {
      async listActivity(q, startKey, limit, scope) {
        const page = await client.activity(scope, q.from, q.to, Math.min(limit, MAX_PAGE), startKey);
        return {
          items: page.records.map((r) => {
            const step = r.lead_history?.[0];
            return {
              connectionId: cid,
              time: new Date(r.timestamp * 1000),
              campaignNativeId: null,
              campaignName: r.campaign_name ?? null,
              leadName: r.lead_name ?? null,
              leadNumber: r.lead_number ?? null,
              agentNativeId: null,
              agentName: r.agent_name ?? null,
              agentExtension: r.agent_extension ?? null,
              eventType: step?.event ?? null,
              type: step?.type ?? null,
              callUuid: step?.uuid ?? null,
              raw: r,
            };
          }),
          nextKey: page.nextKey,
          total: async () => null,
        };
      },
    },

    dispositions: {
      dispositions: ['VOICEMAIL'],
      async setDisposition(callNativeId, disposition, scope) {
        // campaign-api-9443.txt "Set call disposition to Voicemail": the CDR id is the call's UUID.
        if (disposition !== 'VOICEMAIL') throw new TypeError(`unsupported disposition ${disposition}`);
        await client.setVoicemailDisposition(scope, callNativeId);
      },
    },
  };
}
