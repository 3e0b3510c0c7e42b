/**
 * The campaign and lead service: the campaign catalog merged across connections, a campaign's leads paged
 * over the vendor's own paging, lead lookups, and lead changes under each vendor's input rules and the
 * gateway's own bounds.
 */
import { capabilityAt, fanOut, memberAt, type PartialResult } from './fanOut';
import { pageKeyed, type LazyPage } from './paging';
import type { Campaign, InputProblem, Lead, LeadInput, LeadStatus, LeadStatusSetter, RequestScope, Tenant } from './types';

export async function listCampaigns(tenant: Tenant, connectionIds: readonly string[] | null | undefined, scope: RequestScope): Promise<PartialResult<Campaign[]>> {
  const answered = await fanOut(tenant, 'CAMPAIGN_CATALOG', (catalog) => catalog.listCampaigns(scope), { connectionIds });
  return { value: answered.value.flat(), failures: answered.failures };
}

/** Campaigns of one connection by native id, in key order (the campaign loader's batch); null without a catalog. */
export function getCampaigns(tenant: Tenant, connectionId: string, nativeIds: readonly string[], scope: RequestScope): Promise<Array<Campaign | null>> | null {
  return memberAt(tenant, connectionId, 'CAMPAIGN_CATALOG')?.getCampaigns(nativeIds, scope) ?? null;
}

/**
 * A campaign's leads as a Relay page over the vendor's paging; null when its connection has no lead store
 * (a reference, like `leadStats`: the connection's capabilities say why).
 */
export function leadsOf(
  tenant: Tenant,
  campaign: Campaign,
  q: { statuses?: readonly LeadStatus[] | null },
  first: number,
  after: string | null | undefined,
  scope: RequestScope,
): Promise<LazyPage<Lead>> | null {
  const store = memberAt(tenant, campaign.connectionId, 'LEAD_STORE');
  if (!store) return null;
  const statuses = q.statuses?.length ? q.statuses : null;
  // Vendors that filter by status return only matching leads; the others are filtered here, page by page.
  return pageKeyed<Lead>((startKey, limit) => store.listLeads(campaign.nativeId, { statuses }, startKey, limit, scope), first, after, statuses ? (l) => statuses.includes(l.status) : undefined);
}

/** One lead, or null when the connection has no lead store or no such lead. */
export async function getLead(tenant: Tenant, connectionId: string, campaignNativeId: string, leadNativeId: string, scope: RequestScope): Promise<Lead | null> {
  const store = memberAt(tenant, connectionId, 'LEAD_STORE');
  return store ? store.getLead(campaignNativeId, leadNativeId, scope) : null;
}

/** Lead changes on one connection (UNSUPPORTED_BY_VENDOR without LEAD_STORE). */
export function leadStoreAt(tenant: Tenant, connectionId: string) {
  const { adapter, member: store } = capabilityAt(tenant, connectionId, 'LEAD_STORE');
  return {
    /**
     * Problems with a new lead's fields: fields this vendor does not take (its `inputFields`), then the
     * gateway's bounds for every vendor. `fields` holds only what the caller gave.
     */
    inputProblems(fields: LeadInput): InputProblem[] {
      const given = (Object.keys(fields) as Array<keyof LeadInput>).filter((k) => fields[k] !== null && fields[k] !== undefined);
      const refused = given.filter((k) => !store.inputFields.includes(k));
      if (refused.length) {
        return refused.map((k) => ({ field: [k], message: `${k} is not taken by ${adapter.vendor} leads (it takes ${store.inputFields.join(', ')})` }));
      }
      const problems: InputProblem[] = [];
      if (fields.retries != null && (fields.retries < 0 || fields.retries > 100)) problems.push({ field: ['retries'], message: 'retries must be between 0 and 100' });
      if (fields.priority != null && (fields.priority < 1 || fields.priority > 10)) problems.push({ field: ['priority'], message: 'priority must be between 1 and 10' });
      return problems;
    },
    create: (campaignNativeId: string, fields: LeadInput, scope: RequestScope) => store.createLead(campaignNativeId, fields, scope),
    update: (campaignNativeId: string, leadNativeId: string, changes: LeadInput, scope: RequestScope) => store.updateLead(campaignNativeId, leadNativeId, changes, scope),
    delete: (campaignNativeId: string, leadNativeId: string, scope: RequestScope) => store.deleteLead(campaignNativeId, leadNativeId, scope),
  };
}

/** Setting lead statuses on one connection (UNSUPPORTED_BY_VENDOR without LEAD_STATUS). */
export function leadStatusAt(tenant: Tenant, connectionId: string): LeadStatusSetter {
  return capabilityAt(tenant, connectionId, 'LEAD_STATUS').member;
}
