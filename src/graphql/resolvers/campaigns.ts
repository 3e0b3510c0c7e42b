/** Campaigns and their leads: merged catalog, Relay leads over the vendor's paging, lead mutations (src/domain/campaigns.ts). */
import { leadStatusAt, leadStoreAt, leadsOf, listCampaigns } from '../../domain/campaigns';
import type { Campaign, Lead, LeadStatus } from '../../domain/types';
import { NotFoundError, UpstreamError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { decodeGlobalId, encodeGlobalId, leadNativeKey, splitLeadNativeKey } from '../ids';
import { inputError, inputErrors, nodeRef, withUserErrors } from '../mutations';
import { checkFirst, pageOfList } from '../../domain/paging';
import { answerPartially } from '../partial';
import { selectsOnly } from '../selection';
import { memberAt } from '../../domain/fanOut';
import { loadNode, notFound } from './nodes';

/**
 * The Campaign fields its global id answers by itself. A query for one campaign that asks only for these (its
 * leads, typically) is answered without reading the campaign: one vendor request for the leads instead of two
 * (issue 16, item 6). The leads read then says whether the campaign exists.
 */
const CAMPAIGN_REF_FIELDS: ReadonlySet<string> = new Set(['__typename', 'id', 'nativeId', 'vendor', 'connection', 'leads']);

/** A campaign named by its id in the caller's tenant, unread: only CAMPAIGN_REF_FIELDS may be read from it. */
function campaignRef(ctx: GatewayContext, id: string): Campaign {
  const gid = decodeGlobalId(id);
  const adapter = ctx.tenant.connections.get(gid.connectionId);
  if (gid.type !== 'Campaign' || !adapter || !memberAt(ctx.tenant, gid.connectionId, 'CAMPAIGN_CATALOG')) throw notFound(id);
  return { connectionId: gid.connectionId, vendor: adapter.vendor, nativeId: gid.nativeId } as Campaign;
}

/** A Lead id's connection, campaign and lead; NOT_FOUND for anything else. */
function leadRef(ctx: GatewayContext, id: string) {
  const { connectionId, nativeId } = nodeRef(ctx, id, 'Lead');
  return { connectionId, key: splitLeadNativeKey(nativeId) };
}

export const campaignResolvers: Resolvers = {
  Query: {
    campaigns: async (_root, { filter, first, after }, ctx, info) => {
      checkFirst(first ?? 50);
      const campaigns = answerPartially(ctx, info, await listCampaigns(ctx.tenant, filter?.connectionIds, ctx.scope));
      for (const c of campaigns) ctx.loaders.campaign.prime(nodeKey(c.connectionId, c.nativeId), c);
      return pageOfList(campaigns, first ?? 50, after);
    },
    campaign: (_root, { id }, ctx, info) => (selectsOnly(info, CAMPAIGN_REF_FIELDS) ? campaignRef(ctx, id) : loadNode<Campaign>(id, ctx, 'Campaign')),
  },

  Campaign: {
    id: (c) => encodeGlobalId('Campaign', c.connectionId, c.nativeId),
    vendor: (c) => vendorEnum(c.vendor),
    connection: (c, _a, ctx) => ctx.tenant.connections.get(c.connectionId)!,
    raw: (c) => c.raw ?? {},
    leadStats: (c) => {
      if (c.leadStats && 'unreadable' in c.leadStats) {
        throw new UpstreamError(`${c.vendor} sent the lead statistics of campaign ${c.nativeId} in a shape the gateway cannot read: ${c.leadStats.unreadable}`, {
          vendor: c.vendor,
          connectionId: c.connectionId,
          retryable: false,
        });
      }
      return c.leadStats;
    },
    leads: (c, { filter, first, after }, ctx) => leadsOf(ctx.tenant, c, { statuses: filter?.statuses }, first ?? 50, after, ctx.scope),
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

  LeadStatusUpdatePayload: {
    // Read back only when selected: the campaign API answers a status change with no lead.
    lead: (p, _a, ctx) => (p.leadId ? loadNode<Lead>(p.leadId, ctx, 'Lead') : null),
  },

  Mutation: {
    leadCreate: async (_root, { input }, ctx) => {
      const campaign = nodeRef(ctx, input.campaignId, 'Campaign');
      const store = leadStoreAt(ctx.tenant, campaign.connectionId);
      const { campaignId: _c, ...fields } = input;
      const problems = store.inputProblems(fields);
      if (problems.length) return { lead: null, userErrors: inputErrors(problems) };
      return withUserErrors<{ lead: Lead | null }>({ lead: null }, async () => ({ lead: await store.create(campaign.nativeId, fields, ctx.scope) }), {
        target: { id: input.campaignId, type: 'Campaign' },
      });
    },
    leadStatusUpdate: async (_root, { input }, ctx) => {
      const { connectionId, key } = leadRef(ctx, input.leadId);
      const setter = leadStatusAt(ctx.tenant, connectionId);
      if (!key) throw notFound(input.leadId);
      return withUserErrors<{ leadId: string | null; status: LeadStatus | null }>(
        { leadId: null, status: null },
        async () => {
          await setter.setLeadStatus(key.campaignNativeId, key.leadNativeId, input.status, ctx.scope);
          return { leadId: input.leadId, status: input.status };
        },
        { field: ['input', 'status'], target: { id: input.leadId, type: 'Lead' } },
      );
    },
    leadUpdate: async (_root, { input }, ctx) => {
      const { connectionId, key } = leadRef(ctx, input.leadId);
      const store = leadStoreAt(ctx.tenant, connectionId);
      if (!key) throw notFound(input.leadId);
      const changes = { name: input.name, email: input.email, phoneNumber: input.phoneNumber, externalId: input.externalId };
      if (Object.values(changes).every((v) => v === null || v === undefined)) {
        return { lead: null, userErrors: [inputError(['input'], 'give at least one of name, email, phoneNumber, externalId')] };
      }
      return withUserErrors<{ lead: Lead | null }>(
        { lead: null },
        async () => ({
          lead: await store.update(key.campaignNativeId, key.leadNativeId, changes, ctx.scope),
        }),
        { target: { id: input.leadId, type: 'Lead' } },
      );
    },
    leadDelete: async (_root, { input }, ctx) => {
      const { connectionId, key } = leadRef(ctx, input.leadId);
      const store = leadStoreAt(ctx.tenant, connectionId);
      if (!key) throw notFound(input.leadId);
      return withUserErrors<{ deletedLeadId: string | null }>(
        { deletedLeadId: null },
        async () => {
          await store.delete(key.campaignNativeId, key.leadNativeId, ctx.scope);
          return { deletedLeadId: input.leadId };
        },
        { target: { id: input.leadId, type: 'Lead' } },
      );
    },
  },
};
