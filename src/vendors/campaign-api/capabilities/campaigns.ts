/**
 * Campaign-API campaigns and leads: the leads-by-status report as the catalog, the lead store, and lead
 * statuses (campaign-api-9443.txt "Get Campaigns status and Leads by Status", "Get Leads status by Campaign", "Add Lead to campaign", "Set lead status", "Delete lead").
 */
import type { CampaignCatalog, CampaignStatus, Campaign, Lead, LeadStats, LeadStatus, LeadStatusSetter, LeadStore } from '../../../domain/types';
import { BadUserInputError } from '../../../errors';
import { pickByNativeId } from '../../../domain/lookup';
import { toPlain } from '../../jsonEntries';
import type { CampaignStatusRow } from '../client';
import type { WireLead } from '../types';
import { MAX_PAGE, type CampaignApiContext } from './context';

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

export function toCampaign(connectionId: string, row: CampaignStatusRow): Campaign {
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

export function createCampaignCatalog({ listCampaigns }: CampaignApiContext): CampaignCatalog {
  return {
    listCampaigns,
    getCampaigns: async (nativeIds, scope) => pickByNativeId(await listCampaigns(scope), nativeIds),
  };
}

/** The add-lead body (campaign-api-9443.txt "Add Lead to campaign"), with only the fields the caller gave. */
function addLeadBody(input: Parameters<LeadStore['createLead']>[1]): Record<string, unknown> {
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
  return body;
}

export function createLeadStore({ client, cid, listCampaigns }: CampaignApiContext): LeadStore {
  return {
    inputFields: ['phoneNumber', 'firstName', 'lastName', 'retries', 'type', 'priority', 'ticketId', 'note', 'coolOff'],
    async listLeads(campaignNativeId, _q, startKey, limit, scope) {
      // No status filter on the wire: the lead service filters each page (schema: LeadFilter).
      const page = await client.listLeads(scope, campaignNativeId, Math.min(limit, MAX_PAGE), startKey);
      return {
        items: page.leads.map((w) => toLead(cid, campaignNativeId, w)),
        nextKey: page.nextKey,
        // The leads endpoint gives no total; the (cached) campaigns report does.
        total: async () => {
          const stats = (await listCampaigns(scope)).find((c) => c.nativeId === campaignNativeId)?.leadStats;
          return stats && 'total' in stats ? stats.total : null;
        },
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
      return toLead(cid, campaignNativeId, await client.addLead(scope, campaignNativeId, addLeadBody(input)));
    },
    async updateLead() {
      throw new BadUserInputError('campaign-api leads cannot be edited; set the status, or delete and add again');
    },
    async deleteLead(_campaignNativeId, leadNativeId, scope) {
      await client.deleteLead(scope, leadNativeId);
    },
  };
}

export function createLeadStatusSetter({ client }: CampaignApiContext): LeadStatusSetter {
  return {
    async setLeadStatus(_campaignNativeId, leadNativeId, status, scope) {
      const raw = campaignApiLeadStatusValue(status);
      if (!raw) {
        const allowed = Object.values(CAMPAIGN_API_LEAD_STATUSES).join(', ');
        throw new BadUserInputError(`campaign-api cannot set a lead to ${status}; it takes ${allowed}`);
      }
      await client.setLeadStatus(scope, leadNativeId, raw);
    },
  };
}
