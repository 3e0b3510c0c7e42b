/** Contracts of CAMPAIGN_CATALOG, LEAD_STORE and LEAD_STATUS. */
import type { Campaign, LeadInput } from '../../src/domain/types';
import { defineContract, rejection, requestsDuring, UNKNOWN_ID, type ContractSubject } from './support';

const LEAD_INPUT_FIELDS: ReadonlyArray<keyof LeadInput> = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phoneNumber',
  'outboundNumber',
  'externalId',
  'retries',
  'type',
  'priority',
  'ticketId',
  'note',
  'coolOff',
];
const ids = (list: ReadonlyArray<{ nativeId: string }>) => list.map((c) => c.nativeId);

/** A campaign with at least `n` leads, found through the connection's own catalog. */
async function campaignWithLeads(s: ContractSubject, n: number): Promise<Campaign> {
  for (const c of await s.adapter.campaigns!.listCampaigns(s.scope())) {
    const page = await s.adapter.leads!.listLeads(c.nativeId, {}, null, n, s.scope());
    if (page.items.length >= n) return c;
  }
  throw new Error(`connection '${s.adapter.connectionId}' has no campaign with ${n} leads`);
}

export const defineCampaignCatalogContract = defineContract('CAMPAIGN_CATALOG', [
  {
    id: 'CA-1',
    name: "MUST list the connection's campaigns, each once, tagged with the connection and vendor",
    async fn(s) {
      const campaigns = await s.adapter.campaigns!.listCampaigns(s.scope());
      expect(campaigns.length).toBeGreaterThan(0);
      expect(new Set(ids(campaigns)).size).toBe(campaigns.length);
      for (const c of campaigns) expect(c).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
    },
  },
  {
    id: 'CA-2',
    name: 'MUST look campaigns up by native id in key order, with null for an id it does not have',
    async fn(s) {
      const [a, b] = await s.adapter.campaigns!.listCampaigns(s.scope());
      const found = await s.adapter.campaigns!.getCampaigns([b!.nativeId, UNKNOWN_ID, a!.nativeId], s.scope());
      expect(found.map((c) => c?.nativeId ?? null)).toEqual([b!.nativeId, null, a!.nativeId]);
    },
  },
]);

export const defineLeadStoreContract = defineContract('LEAD_STORE', [
  {
    id: 'LS-1',
    name: 'MUST name the lead input fields it takes, all of them fields of a lead input',
    async fn(s) {
      expect(s.adapter.leads!.inputFields.length).toBeGreaterThan(0);
      for (const f of s.adapter.leads!.inputFields) expect(LEAD_INPUT_FIELDS).toContain(f);
    },
  },
  {
    id: 'LS-2',
    name: "MUST page a campaign's leads from its start keys without repeating one",
    async fn(s) {
      const campaign = await campaignWithLeads(s, 4);
      const first = await s.adapter.leads!.listLeads(campaign.nativeId, {}, null, 2, s.scope());
      expect(first.items).toHaveLength(2);
      expect(first.nextKey).not.toBeNull();
      const second = await s.adapter.leads!.listLeads(campaign.nativeId, {}, first.nextKey, 2, s.scope());
      expect(second.items.length).toBeGreaterThan(0);
      for (const l of second.items) expect(ids(first.items)).not.toContain(l.nativeId);
      for (const l of [...first.items, ...second.items]) expect(l).toMatchObject({ connectionId: s.adapter.connectionId, campaignNativeId: campaign.nativeId });
    },
  },
  {
    id: 'LS-3',
    name: 'MUST look a listed lead up within its campaign, and answer null for one it does not have',
    async fn(s) {
      const campaign = await campaignWithLeads(s, 1);
      const [lead] = (await s.adapter.leads!.listLeads(campaign.nativeId, {}, null, 1, s.scope())).items;
      expect((await s.adapter.leads!.getLead(campaign.nativeId, lead!.nativeId, s.scope()))?.nativeId).toBe(lead!.nativeId);
      expect(await s.adapter.leads!.getLead(campaign.nativeId, UNKNOWN_ID, s.scope())).toBeNull();
    },
  },
  {
    id: 'LS-4',
    name: 'MUST add a lead to a campaign and delete it again',
    async fn(s) {
      const campaign = await campaignWithLeads(s, 1);
      const lead = await s.adapter.leads!.createLead(campaign.nativeId, { phoneNumber: '+14155550177' }, s.scope());
      expect(lead).toMatchObject({ connectionId: s.adapter.connectionId, campaignNativeId: campaign.nativeId, phoneNumber: '+14155550177' });
      await s.adapter.leads!.deleteLead(campaign.nativeId, lead.nativeId, s.scope());
      expect(await s.adapter.leads!.getLead(campaign.nativeId, lead.nativeId, s.scope())).toBeNull();
    },
  },
]);

export const defineLeadStatusContract = defineContract('LEAD_STATUS', [
  {
    id: 'LST-1',
    name: "MUST set a lead's status so that reading the lead shows it",
    async fn(s) {
      const campaign = await campaignWithLeads(s, 1);
      const [lead] = (await s.adapter.leads!.listLeads(campaign.nativeId, {}, null, 1, s.scope())).items;
      const status = lead!.status === 'COMPLETED' ? 'NO_ANSWER' : 'COMPLETED';
      await s.adapter.leadStatus!.setLeadStatus(campaign.nativeId, lead!.nativeId, status, s.scope());
      expect((await s.adapter.leads!.getLead(campaign.nativeId, lead!.nativeId, s.scope()))?.status).toBe(status);
    },
  },
  {
    id: 'LST-2',
    name: 'MUST refuse a status it cannot set with BAD_USER_INPUT, sending nothing',
    async fn(s) {
      let err: Awaited<ReturnType<typeof rejection>> | undefined;
      const sent = await requestsDuring(s, async () => {
        err = await rejection(s.adapter.leadStatus!.setLeadStatus('1', UNKNOWN_ID, 'UNKNOWN', s.scope()));
      });
      expect(err?.code).toBe('BAD_USER_INPUT');
      expect(sent).toBe(0);
    },
  },
]);
