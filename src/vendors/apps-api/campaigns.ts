/** Apps API campaigns and campaign contacts <-> domain campaigns and leads. */
import type { Campaign, CampaignStatus, Lead, LeadStats, LeadStatus, Unreadable } from '../../domain/types';
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
  'invalid number or name': 'Invalid Number',
  'invalid outbound number': 'Invalid Outbound Number',
};

/** Keys that hold the campaign's number of contacts, in the example's spelling and the snake_case the API uses elsewhere. */
const TOTAL_KEYS: ReadonlySet<string> = new Set(['contacts', 'total', 'total contacts', 'contacts count', 'contact count', 'count']);

/** `Not Picked Up`, `not_picked_up` and `not-picked-up` are one key. */
const statKey = (key: string) => key.trim().toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');

/** Contact statuses by `statKey`, aliases included: the doc's display names to their raw spelling. */
const STATUS_BY_KEY = new Map<string, string>([...Object.keys(APPS_API_CONTACT_STATUSES).map((raw): [string, string] => [statKey(raw), raw]), ...Object.entries(STAT_KEY_ALIASES)]);

/** A count as the sources might send it: a number, digits in a string, or `{count}`. Null for anything else. */
function countOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  if (v && typeof v === 'object' && !Array.isArray(v) && 'count' in v) return countOf((v as { count: unknown }).count);
  return null;
}

/**
 * A campaign's lead statistics from its `contact_stats`, whose shape only one source shows (Google's
 * manager-api-campaign example: display names such as `Contacts`, `Not Picked Up`, aggregates such as `Remaining`).
 * Read in every shape the sources suggest: those keys in any case or snake_case, counts as numbers, digit strings or
 * `{count}`, and a list of `{status, count}`. No stats: null. A value none of them fits is `unreadable` with the
 * reason, never zeros (issue 16, item 4).
 */
export function leadStatsOf(stats: unknown): LeadStats | Unreadable | null {
  if (stats === null || stats === undefined) return null;
  const entries: Array<[string, unknown]> = Array.isArray(stats)
    ? stats.flatMap((e): Array<[string, unknown]> =>
        e && typeof e === 'object' && typeof (e as { status?: unknown }).status === 'string' ? [[(e as { status: string }).status, (e as { count?: unknown }).count]] : [],
      )
    : typeof stats === 'object'
      ? Object.entries(stats)
      : [];
  let total: number | null = null;
  const byStatus: LeadStats['byStatus'] = [];
  let statusKeys = 0;
  for (const [key, value] of entries) {
    const k = statKey(key);
    const count = countOf(value);
    if (TOTAL_KEYS.has(k)) {
      if (count !== null) total = count;
      continue;
    }
    const raw = STATUS_BY_KEY.get(k);
    if (!raw || count === null) continue; // aggregates (Remaining, Reached, ...) are not statuses
    statusKeys++;
    if (count > 0) byStatus.push({ status: APPS_API_CONTACT_STATUSES[raw]!, rawStatus: raw, count });
  }
  if (total === null && statusKeys === 0) {
    const shown = Array.isArray(stats)
      ? 'a list'
      : typeof stats === 'object'
        ? `keys ${
            entries
              .slice(0, 8)
              .map(([k]) => JSON.stringify(k))
              .join(', ') || 'none'
          }`
        : typeof stats;
    return { unreadable: `contact_stats has no contact count or contact status the gateway knows (${shown})` };
  }
  return { total: total ?? byStatus.reduce((n, s) => n + s.count, 0), byStatus };
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
