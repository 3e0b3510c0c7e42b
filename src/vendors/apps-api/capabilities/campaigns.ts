/**
 * Apps API campaigns and their contacts: the campaign catalog and the lead store (its JSON-file import is in ./leadImports.ts).
 * apps-api.txt "Campaign Endpoints", notes/vendors-real-world.md §1 "Campaign contacts".
 */
import type { CampaignCatalog, LeadStore, RequestScope } from '../../../domain/types';
import { pickByNativeId } from '../../../domain/lookup';
import { APPS_API_CONTACT_STATUSES, toCampaign, toLead } from '../campaigns';
import { APPS_API_MAX_PER } from '../client';
import { wireCampaignList, wireContact, wireContactList, wireMessage } from '../types';
import { idNumber, orNull, type AppsApiContext } from './context';

export function createCampaignCatalog({ client, cid }: AppsApiContext): CampaignCatalog {
  const listCampaigns = async (scope: RequestScope) => (await client.all('listCampaigns', wireCampaignList, scope)).map((w) => toCampaign(cid, w));
  return {
    listCampaigns,
    // One (cached) list read answers any number of ids.
    getCampaigns: async (nativeIds, scope) => pickByNativeId(await listCampaigns(scope), nativeIds),
  };
}

/** The contact fields a lead body carries (notes/vendors-real-world.md §1 "Campaign contacts: add one"), from the domain's names. */
function contactBody(input: { name?: string | null; email?: string | null; phoneNumber?: string | null; outboundNumber?: string | null; externalId?: string | null }) {
  const body: Record<string, unknown> = {};
  if (input.name != null) body['name'] = input.name;
  if (input.email != null) body['email'] = input.email;
  if (input.phoneNumber != null) body['phone_number'] = input.phoneNumber;
  if (input.outboundNumber != null) body['outbound_number'] = input.outboundNumber;
  if (input.externalId != null) body['external_unique_id'] = input.externalId;
  return body;
}

export function createLeadStore(ctx: AppsApiContext): LeadStore {
  const { client, cid } = ctx;
  return {
    inputFields: ['name', 'email', 'phoneNumber', 'outboundNumber', 'externalId'],
    async listLeads(campaignNativeId, q, startKey, limit, scope) {
      // The start key is an offset into the page/per list (the vendor filters by status itself).
      const offset = startKey === null ? 0 : Number(startKey);
      const raw = q.statuses?.length
        ? Object.entries(APPS_API_CONTACT_STATUSES)
            .filter(([, s]) => q.statuses!.includes(s))
            .map(([name]) => name)
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
      // phone_number is always the first key; a lead without one is the vendor's to refuse.
      const body = { phone_number: input.phoneNumber, ...contactBody({ ...input, phoneNumber: null }) };
      const w = await client.write('addCampaignContact', wireContact, scope, body, { params: { campaignId: campaignNativeId } });
      return toLead(cid, campaignNativeId, w);
    },
    async updateLead(campaignNativeId, leadNativeId, input, scope) {
      const body = { contact_id: idNumber(leadNativeId), ...contactBody({ ...input, outboundNumber: null }) };
      const w = await client.write('updateCampaignContact', wireContact, scope, body, { params: { campaignId: campaignNativeId } });
      return toLead(cid, campaignNativeId, w);
    },
    async deleteLead(campaignNativeId, leadNativeId, scope) {
      await client.write('deleteCampaignContact', wireMessage, scope, { contact_id: idNumber(leadNativeId) }, { params: { campaignId: campaignNativeId } });
    },
  };
}
