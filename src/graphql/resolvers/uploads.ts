/** Bulk work from uploaded files: lead imports and bulk user management. */
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { BulkUserJob, LeadImportJob } from '../../domain/types';
import { BadUserInputError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { parseJsonArrayFile, readUpload } from '../../uploads';
import { nodeKey } from '../context';
import { connectionWith, nodeWith, withUserErrors } from '../mutations';

export const uploadResolvers: Resolvers = {
  Upload: GraphQLUpload,

  Query: {
    leadImportJob: async (_root, { campaignId, jobId }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, campaignId, 'Campaign', 'LEAD_STORE');
      if (!adapter.leads!.getImportJob) throw new BadUserInputError(`connection '${adapter.connectionId}' has no lead import jobs`);
      return adapter.leads!.getImportJob(nativeId, jobId, ctx.scope);
    },
    bulkUserTemplate: (_root, { connectionId }, ctx) => connectionWith(ctx, connectionId, 'BULK_USERS').bulkUsers!.template(ctx.scope),
    bulkUserJob: (_root, { connectionId, jobId }, ctx) => connectionWith(ctx, connectionId, 'BULK_USERS').bulkUsers!.getJob(jobId, ctx.scope),
  },

  LeadImportJob: {
    campaign: async (j, _a, ctx) => {
      const c = await ctx.loaders.campaign.load(nodeKey(j.connectionId, j.campaignNativeId));
      if (!c) throw new BadUserInputError(`campaign ${j.campaignNativeId} was not found`);
      return c;
    },
    raw: (j) => j.raw ?? {},
  },

  BulkUserJob: {
    connection: (j, _a, ctx) => ctx.tenant.connections.get(j.connectionId)!,
    raw: (j) => j.raw ?? {},
  },

  Mutation: {
    leadsImport: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.campaignId, 'Campaign', 'LEAD_STORE');
      const store = adapter.leads!;
      return withUserErrors<{ job: LeadImportJob | null }>(
        { job: null },
        async () => {
          if (!store.importLeads) throw new BadUserInputError(`connection '${adapter.connectionId}' cannot import leads from a file`);
          const file = await readUpload(input.file, ctx.limits.maxJsonFileBytes, 'file');
          parseJsonArrayFile(file, 'file');
          return { job: await store.importLeads(nativeId, file, ctx.scope) };
        },
        { field: ['input', 'file'] },
      );
    },

    bulkUsersUpload: async (_root, { input }, ctx) => {
      const admin = connectionWith(ctx, input.connectionId, 'BULK_USERS').bulkUsers!;
      return withUserErrors<{ job: BulkUserJob | null }>(
        { job: null },
        async () => {
          const file = await readUpload(input.file, ctx.limits.maxJsonFileBytes, 'file');
          parseJsonArrayFile(file, 'file');
          return { job: await admin.upload(file, input.jobId ?? null, ctx.scope) };
        },
        { field: ['input', 'file'] },
      );
    },

    bulkUsersProceed: async (_root, { input }, ctx) => {
      const admin = connectionWith(ctx, input.connectionId, 'BULK_USERS').bulkUsers!;
      return withUserErrors<{ job: BulkUserJob | null }>({ job: null }, async () => ({ job: await admin.proceed(input.jobId, ctx.scope) }));
    },
  },
};
