/** Campaigns and their leads: merged catalog, Relay leads over the vendor's paging, lead mutations. */
import { responsePathAsArray } from 'graphql';
import { asConnectionFailure, selectConnections } from '../../domain/agents';
import type { Campaign, Lead } from '../../domain/types';
import { NotFoundError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId, leadNativeKey, splitLeadNativeKey } from '../ids';
import { inputError, nodeWith, withUserErrors } from '../mutations';
import { checkFirst, pageAcrossSources, pageOfList } from '../pagination';
import { loadNode, notFound } from './nodes';

export const campaignResolvers: Resolvers = {
  Query: {
    campaigns: async (_root, { filter, first, after }, ctx, info) => {
      checkFirst(first ?? 50);
      const adapters = selectConnections(ctx.tenant, filter?.connectionIds).filter((a) => a.campaigns);
      const results = await Promise.allSettled(adapters.map((a) => a.campaigns!.listCampaigns(ctx.scope)));
      const campaigns: Campaign[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') campaigns.push(...r.value);
        else ctx.partialErrors.push({ error: asConnectionFailure(adapters[i]!, r.reason).error, path: [info.path.key] });
      });
      for (const c of campaigns) ctx.loaders.campaign.prime(nodeKey(c.connectionId, c.nativeId), c);
      return pageOfList(campaigns, first ?? 50, after);
    },
    campaign: (_root, { id }, ctx) => loadNode<Campaign>(id, ctx, 'Campaign'),
  },

  Campaign: {
    id: (c) => encodeGlobalId('Campaign', c.connectionId, c.nativeId),
    vendor: (c) => vendorEnum(c.vendor),
    connection: (c, _a, ctx) => ctx.tenant.connections.get(c.connectionId)!,
    raw: (c) => c.raw ?? {},
    leads: async (c, { filter, first, after }, ctx, info) => {
      const store = ctx.tenant.connections.get(c.connectionId)?.leads;
      const q = { statuses: filter?.statuses ?? null };
      const sources = store
        ? [{ connectionId: c.connectionId, read: (offset: number, limit: number) => store.listLeads(c.nativeId, q, offset, limit, ctx.scope) }]
        : [];
      return pageAcrossSources<Lead>(sources, first ?? 50, after, (_conn, err) => {
        ctx.partialErrors.push({ error: asConnectionFailure(ctx.tenant.connections.get(c.connectionId)!, err).error, path: responsePathAsArray(info.path) });
      });
    },
  },

  LeadConnection: {
    totalCount: (page) => page.totalCount(),
  },

  Lead: {
    id: (l) => encodeGlobalId('Lead', l.connectionId, leadNativeKey(l.campaignNativeId, l.nativeId)),
    vendor: (l) => vendorEnum(l.vendor),
    campaign: async (l, _a, ctx) => {
      const campaign = await ctx.loaders.campaign.load(nodeKey(l.connectionId, l.campaignNativeId));
      if (!campaign) throw new NotFoundError(`campaign ${l.campaignNativeId} of lead ${l.nativeId} was not found`);
      return campaign;
    },
    raw: (l) => l.raw ?? {},
  },

  Mutation: {
    leadCreate: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.campaignId, 'Campaign', 'LEAD_STORE');
      return withUserErrors<{ lead: Lead | null }>({ lead: null }, async () => ({
        lead: await adapter.leads!.createLead(
          nativeId,
          { phoneNumber: input.phoneNumber, name: input.name, email: input.email, outboundNumber: input.outboundNumber, externalId: input.externalId },
          ctx.scope,
        ),
      }), { target: { id: input.campaignId, type: 'Campaign' } });
    },
    leadUpdate: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.leadId, 'Lead', 'LEAD_STORE');
      const key = splitLeadNativeKey(nativeId);
      if (!key) throw notFound(input.leadId);
      const changes = { name: input.name, email: input.email, phoneNumber: input.phoneNumber, externalId: input.externalId };
      if (Object.values(changes).every((v) => v === null || v === undefined)) {
        return { lead: null, userErrors: [inputError(['input'], 'give at least one of name, email, phoneNumber, externalId')] };
      }
      return withUserErrors<{ lead: Lead | null }>({ lead: null }, async () => ({
        lead: await adapter.leads!.updateLead(key.campaignNativeId, key.leadNativeId, changes, ctx.scope),
      }), { target: { id: input.leadId, type: 'Lead' } });
    },
    leadDelete: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.leadId, 'Lead', 'LEAD_STORE');
      const key = splitLeadNativeKey(nativeId);
      if (!key) throw notFound(input.leadId);
      return withUserErrors<{ deletedLeadId: string | null }>({ deletedLeadId: null }, async () => {
        await adapter.leads!.deleteLead(key.campaignNativeId, key.leadNativeId, ctx.scope);
        return { deletedLeadId: input.leadId };
      }, { target: { id: input.leadId, type: 'Lead' } });
    },
  },
};

