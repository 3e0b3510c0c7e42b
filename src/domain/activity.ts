/**
 * The campaign activity service: lead history of one connection, paged over the vendor's start keys and
 * kept to the campaigns asked for; the campaign and agent each event names; and call dispositions.
 */
import { BadUserInputError, UnsupportedByVendorError } from '../errors';
import { asConnectionFailure, capabilityAt, connectionsWith, memberAt, type PartialResult } from './fanOut';
import { emptyPage, pageKeyed, type LazyPage } from './paging';
import type { Agent, CallDisposition, Campaign, CampaignActivityEvent, RequestScope, Tenant } from './types';

/**
 * The one connection whose activity a query reads, or null when none of the selected ones has activity.
 * A page wraps one vendor's start keys, so a tenant with several activity sources must name one.
 */
export function activityConnection(tenant: Tenant, q: { connectionIds?: readonly string[] | null; from: Date; to: Date }): string | null {
  if (q.to.getTime() < q.from.getTime()) throw new BadUserInputError('expected `to` to be at or after `from`');
  const sources = connectionsWith(tenant, 'CAMPAIGN_ACTIVITY', { connectionIds: q.connectionIds });
  if (sources.length > 1) {
    throw new BadUserInputError(`campaignActivity reads one connection at a time; give one of ${sources.map((s) => s.adapter.connectionId).join(', ')} in filter.connectionIds`);
  }
  return sources[0]?.adapter.connectionId ?? null;
}

/** Activity of `connectionId` (from `activityConnection`) between `from` and `to`; a failed read is a partial failure with an empty page. */
export async function listActivity(
  tenant: Tenant,
  connectionId: string,
  q: { from: Date; to: Date; campaignNativeIds?: readonly string[] | null },
  first: number,
  after: string | null | undefined,
  scope: RequestScope,
): Promise<PartialResult<LazyPage<CampaignActivityEvent>>> {
  const { adapter, member: source } = capabilityAt(tenant, connectionId, 'CAMPAIGN_ACTIVITY');
  const keep = q.campaignNativeIds?.length ? await source.campaignFilter(q.campaignNativeIds, scope) : undefined;
  try {
    const page = await pageKeyed<CampaignActivityEvent>((startKey, limit) => source.listActivity({ from: q.from, to: q.to }, startKey, limit, scope), first, after, keep);
    return { value: page, failures: [] };
  } catch (err) {
    return { value: emptyPage(), failures: [asConnectionFailure(adapter, err)] };
  }
}

/** The campaign an event belongs to, or null. */
export async function campaignOfEvent(tenant: Tenant, e: CampaignActivityEvent, scope: RequestScope): Promise<Campaign | null> {
  return (await memberAt(tenant, e.connectionId, 'CAMPAIGN_ACTIVITY')?.campaignOf(e, scope)) ?? null;
}

/** The agent an event names, or null. */
export async function agentOfEvent(tenant: Tenant, e: CampaignActivityEvent, scope: RequestScope): Promise<Agent | null> {
  return (await memberAt(tenant, e.connectionId, 'CAMPAIGN_ACTIVITY')?.agentOf(e, scope)) ?? null;
}

/** Setting call dispositions on one connection (UNSUPPORTED_BY_VENDOR without CALL_DISPOSITION, or for a disposition its vendor cannot set). */
export function dispositionsAt(tenant: Tenant, connectionId: string) {
  const { adapter, member: disposer } = capabilityAt(tenant, connectionId, 'CALL_DISPOSITION');
  return {
    /** Throws UNSUPPORTED_BY_VENDOR for a disposition this vendor cannot set. */
    check(disposition: CallDisposition): void {
      if (!disposer.dispositions.includes(disposition)) {
        throw new UnsupportedByVendorError(`${adapter.vendor} cannot set the ${disposition} disposition (it sets ${disposer.dispositions.join(', ')})`, {
          vendor: adapter.vendor,
          connectionId,
        });
      }
    },
    set: (callNativeId: string, disposition: CallDisposition, scope: RequestScope) => disposer.setDisposition(callNativeId, disposition, scope),
  };
}
