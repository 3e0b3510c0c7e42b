/** Apps API campaigns and campaign contacts <-> domain campaigns and leads. */
import type { Campaign, CampaignStatus, Lead, LeadStats, LeadStatus } from '../../domain/types';
import type { WireCampaign, WireContact } from './types';

/** apps-api.txt "Campaign Contact Status": all twenty-one states. */
export const APPS_API_CONTACT_STATUSES: Readonly<Record<string, LeadStatus>> = {
  Upcoming: 'NEW',
  Dialing: 'DIALING',
  Queued: 'QUEUED',
  Connected: 'CONNECTED',
  Finished: 'COMPLETED',
  Transferred: 'TRANSFERRED',
  'Transferred and Finished': 'COMPLETED',
  'Not Picked Up': 'NO_ANSWER',
  'Not Reached to Contact': 'NO_ANSWER',
  'Abandoned by Contact': 'ABANDONED',
  Skipped: 'SKIPPED',
  'Skipped & Closed': 'CLOSED',
  'Invalid Number': 'INVALID_NUMBER',
  'Carrier Error': 'FAILED',
  'Abandoned by Dialer': 'ABANDONED',
  'Voicemail Hung Up': 'VOICEMAIL',
  'Dialer General Error': 'FAILED',
  'Redial Scheduled': 'RETRY_SCHEDULED',
  'Do Not Call': 'DO_NOT_CALL',
  'Invalid Outbound Number': 'INVALID_NUMBER',
  'Blocked Phone Number': 'INVALID_NUMBER',
};

const byLowerName = new Map(Object.entries(APPS_API_CONTACT_STATUSES).map(([k, v]) => [k.toLowerCase(), v]));

export function appsApiLeadStatus(raw: string | null | undefined): LeadStatus {
  return (raw && byLowerName.get(raw.trim().toLowerCase())) || 'UNKNOWN';
}

/** `contact_stats` spells two statuses differently from the contact objects (manager-api-campaign example). */
const STAT_KEY_ALIASES: Readonly<Record<string, string>> = {
  'Invalid Number or Name': 'Invalid Number',
  'Invalid outbound number': 'Invalid Outbound Number',
};

export function leadStatsOf(stats: Record<string, unknown> | null | undefined): LeadStats | null {
  if (!stats) return null;
  const byStatus: LeadStats['byStatus'] = [];
  for (const [key, value] of Object.entries(stats)) {
    const raw = STAT_KEY_ALIASES[key] ?? key;
    const status = byLowerName.get(raw.toLowerCase());
    if (!status || typeof value !== 'number' || value <= 0) continue; // aggregates (Remaining, Reached, ...) are not statuses
    byStatus.push({ status, rawStatus: raw, count: value });
  }
  const contacts = stats['Contacts'];
  const total = typeof contacts === 'number' ? contacts : byStatus.reduce((n, s) => n + s.count, 0);
  return { total, byStatus };
}

export function appsApiCampaignStatus(raw: string | null | undefined): CampaignStatus {
  switch (raw?.trim().toLowerCase()) {
    case 'dialing':
    case 'started':
    case 'running':
    case 'active':
    case 'in_progress':
      return 'ACTIVE';
    case 'paused':
      return 'PAUSED';
    case 'stopped':
      return 'STOPPED';
    case 'finished':
    case 'completed':
      return 'COMPLETED';
    case 'created':
    case 'draft':
      return 'DRAFT';
    default:
      return 'UNKNOWN';
  }
}

export function toCampaign(connectionId: string, w: WireCampaign): Campaign {
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    name: w.name || String(w.id),
    status: appsApiCampaignStatus(w.status),
    rawStatus: w.status ?? '',
    mode: w.mode ?? null,
    leadStats: leadStatsOf(w.contact_stats),
    raw: w,
  };
}

const date = (s: string | null | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

export function toLead(connectionId: string, campaignNativeId: string, w: WireContact): Lead {
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    campaignNativeId: w.campaign_id !== null && w.campaign_id !== undefined ? String(w.campaign_id) : campaignNativeId,
    name: w.name ?? null,
    firstName: null,
    lastName: null,
    email: w.email ?? null,
    phoneNumber: w.phone_number ?? null,
    status: appsApiLeadStatus(w.status),
    rawStatus: w.status,
    priority: w.priority ?? null,
    retries: null,
    externalId: w.unique_id ?? null,
    createdAt: date(w.created_at),
    updatedAt: date(w.updated_at),
    raw: w,
  };
}
