/** Campaigns and their leads: merged catalog, Relay leads over the vendor's paging, lead mutations. */
import { asConnectionFailure, selectConnections } from '../../domain/agents';
import type { Campaign, Lead, LeadInput, LeadStatus } from '../../domain/types';
import { NotFoundError, UnsupportedByVendorError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId, leadNativeKey, splitLeadNativeKey } from '../ids';
import { inputError, nodeWith, withUserErrors } from '../mutations';
import { checkFirst, pageKeyed, pageOfList } from '../pagination';
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
    leads: async (c, { filter, first, after }, ctx) => {
      const store = ctx.tenant.connections.get(c.connectionId)?.leads;
      if (!store) throw new UnsupportedByVendorError(`connection '${c.connectionId}' has no lead store`, { vendor: c.vendor, connectionId: c.connectionId });
      const statuses = filter?.statuses?.length ? filter.statuses : null;
      // Vendors that filter by status return only matching leads; the others are filtered here, page by page.
      return pageKeyed<Lead>(
        (startKey, limit) => store.listLeads(c.nativeId, { statuses }, startKey, limit, ctx.scope),
        first ?? 50,
        after,
        statuses ? (l) => statuses.includes(l.status) : undefined,
      );
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
      const store = adapter.leads!;
      const { campaignId: _c, ...fields } = input;
      const given = Object.entries(fields).filter(([, v]) => v !== null && v !== undefined).map(([k]) => k as keyof LeadInput);
      const refused = given.filter((k) => !store.inputFields.includes(k));
      if (refused.length) {
        return {
          lead: null,
          userErrors: refused.map((k) => inputError(['input', k], `${k} is not taken by ${adapter.vendor} leads (it takes ${store.inputFields.join(', ')})`)),
        };
      }
      const errors = [];
      if (input.retries != null && (input.retries < 0 || input.retries > 100)) errors.push(inputError(['input', 'retries'], 'retries must be between 0 and 100'));
      if (input.priority != null && (input.priority < 1 || input.priority > 10)) errors.push(inputError(['input', 'priority'], 'priority must be between 1 and 10'));
      if (errors.length) return { lead: null, userErrors: errors };
      return withUserErrors<{ lead: Lead | null }>({ lead: null }, async () => ({ lead: await store.createLead(nativeId, fields, ctx.scope) }), {
        target: { id: input.campaignId, type: 'Campaign' },
      });
    },
    leadStatusUpdate: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.leadId, 'Lead', 'LEAD_STATUS');
      const key = splitLeadNativeKey(nativeId);
      if (!key) throw notFound(input.leadId);
      return withUserErrors<{ leadId: string | null; status: LeadStatus | null }>(
        { leadId: null, status: null },
        async () => {
          await adapter.leads!.setLeadStatus!(key.campaignNativeId, key.leadNativeId, input.status, ctx.scope);
          return { leadId: input.leadId, status: input.status };
        },
        { field: ['input', 'status'], target: { id: input.leadId, type: 'Lead' } },
      );
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

