/** Campaign activity (lead history) and call dispositions. */
import { asConnectionFailure, selectConnections } from '../../domain/agents';
import type { CampaignActivityEvent, CallDisposition } from '../../domain/types';
import { BadUserInputError, UnsupportedByVendorError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { encodeGlobalId } from '../ids';
import { inputNodeId, nodeWith, withUserErrors } from '../mutations';
import { pageKeyed, type LazyPage } from '../pagination';
import { responsePathAsArray } from 'graphql';

export const activityResolvers: Resolvers = {
  Query: {
    campaignActivity: async (_root, { filter, first, after }, ctx, info) => {
      if (filter.to.getTime() < filter.from.getTime()) throw new BadUserInputError('expected `to` to be at or after `from`');
      const adapters = selectConnections(ctx.tenant, filter.connectionIds).filter((a) => a.activity);
      if (adapters.length > 1) {
        // A page wraps one vendor's start keys, so a tenant with several activity sources names one.
        throw new BadUserInputError(`campaignActivity reads one connection at a time; give one of ${adapters.map((a) => a.connectionId).join(', ')} in filter.connectionIds`);
      }
      const adapter = adapters[0];
      const empty: LazyPage<CampaignActivityEvent> = {
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        totalCount: async () => 0,
      };
      if (!adapter) return empty;

      // Campaign ids -> names: the records name their campaign but carry no id (campaign-api-9443.txt).
      let names: Set<string> | null = null;
      if (filter.campaignIds?.length) {
        names = new Set<string>();
        for (const [i, id] of filter.campaignIds.entries()) {
          const r = inputNodeId(id, 'Campaign', adapter.connectionId, ['filter', 'campaignIds', String(i)]);
          if ('error' in r) throw new BadUserInputError(r.error.message);
          const campaign = (await adapter.campaigns!.getCampaigns([r.nativeId], ctx.scope))[0];
          if (campaign) names.add(campaign.name);
        }
      }
      try {
        return await pageKeyed<CampaignActivityEvent>(
          (startKey, limit) => adapter.activity!.listActivity({ from: filter.from, to: filter.to }, startKey, limit, ctx.scope),
          first ?? 50,
          after,
          names ? (e) => e.campaignName !== null && names!.has(e.campaignName) : undefined,
        );
      } catch (err) {
        ctx.partialErrors.push({ error: asConnectionFailure(adapter, err).error, path: responsePathAsArray(info.path) });
        return empty;
      }
    },
  },

  CampaignActivityEvent: {
    // The record names its campaign: find it in the connection's (cached) campaign list.
    campaign: async (e, _a, ctx) => {
      const campaigns = ctx.tenant.connections.get(e.connectionId)?.campaigns;
      if (!campaigns || !e.campaignName) return null;
      return (await campaigns.listCampaigns(ctx.scope)).find((c) => c.name === e.campaignName) ?? null;
    },
    // The record names its agent by extension: find it among the connection's (cached) agents.
    agent: async (e, _a, ctx) => {
      const agents = ctx.tenant.connections.get(e.connectionId)?.agents;
      if (!agents || !e.agentExtension) return null;
      return (await agents.listAgents(ctx.scope)).find((a) => a.extension === e.agentExtension) ?? null;
    },
    callId: (e) => (e.callUuid ? encodeGlobalId('Call', e.connectionId, e.callUuid) : null),
    raw: (e) => e.raw ?? {},
  },

  Mutation: {
    callDispositionSet: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.callId, 'Call', 'CALL_DISPOSITION');
      const disposer = adapter.dispositions!;
      if (!disposer.dispositions.includes(input.disposition as CallDisposition)) {
        throw new UnsupportedByVendorError(`${adapter.vendor} cannot set the ${input.disposition} disposition (it sets ${disposer.dispositions.join(', ')})`, {
          vendor: adapter.vendor,
          connectionId: adapter.connectionId,
        });
      }
      return withUserErrors<{ callId: string | null; disposition: CallDisposition | null }>(
        { callId: null, disposition: null },
        async () => {
          await disposer.setDisposition(nativeId, input.disposition as CallDisposition, ctx.scope);
          return { callId: input.callId, disposition: input.disposition as CallDisposition };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },
  },
};
