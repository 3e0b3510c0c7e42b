/**
 * Campaign-API activity: the lead history report, paged over `startKey`; and the voicemail disposition of
 * the calls it names (campaign-api-9443.txt "Get Campaigns activity", "Set call disposition to Voicemail").
 */
import type { CallDisposer, CampaignActivitySource } from '../../../domain/types';
import { MAX_PAGE, type CampaignApiContext } from './context';

export function createActivitySource({ client, cid, listAgents, listCampaigns }: CampaignApiContext): CampaignActivitySource {
  return {
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
    // The records name their campaign but carry no id: match by the names of the campaigns asked for,
    // from one (cached) read of the campaigns report.
    async campaignFilter(campaignNativeIds, scope) {
      const wanted = new Set(campaignNativeIds);
      const names = new Set((await listCampaigns(scope)).filter((c) => wanted.has(c.nativeId)).map((c) => c.name));
      return (e) => e.campaignName !== null && names.has(e.campaignName);
    },
    // The record names its campaign: find it in the connection's (cached) campaign list.
    campaignOf: async (e, scope) => (e.campaignName ? ((await listCampaigns(scope)).find((c) => c.name === e.campaignName) ?? null) : null),
    // The record names its agent by extension: find it among the connection's (cached) agents.
    agentOf: async (e, scope) => (e.agentExtension ? ((await listAgents(scope)).find((a) => a.extension === e.agentExtension) ?? null) : null),
  };
}

export function createCallDisposer({ client }: CampaignApiContext): CallDisposer {
  return {
    dispositions: ['VOICEMAIL'],
    async setDisposition(callNativeId, disposition, scope) {
      // campaign-api-9443.txt "Set call disposition to Voicemail": the CDR id is the call's UUID.
      if (disposition !== 'VOICEMAIL') throw new TypeError(`unsupported disposition ${disposition}`);
      await client.setVoicemailDisposition(scope, callNativeId);
    },
  };
}
