/** Bulk work from uploaded files: lead imports and bulk user management. */
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { BulkUserJob, LeadImportJob } from '../../domain/types';
import { bulkUsersAt, leadImportsAt } from '../../domain/uploads';
import { BadUserInputError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { openUpload, parseJsonArrayFile, readUpload } from '../../uploads';
import { nodeKey } from '../context';
import { encodeGlobalId, leadImportJobNativeKey } from '../ids';
import { inputNodeId, nodeRef, withUserErrors } from '../mutations';
import { loadNode } from './nodes';

export const uploadResolvers: Resolvers = {
  Upload: GraphQLUpload,

  Query: {
    leadImportJob: (_root, { id }, ctx) => loadNode<LeadImportJob>(id, ctx, 'LeadImportJob'),
    bulkUserTemplate: (_root, { connectionId }, ctx) => bulkUsersAt(ctx.tenant, connectionId).template(ctx.scope),
    bulkUserJob: (_root, { id }, ctx) => loadNode<BulkUserJob>(id, ctx, 'BulkUserJob'),
  },

  LeadImportJob: {
    id: (j) => encodeGlobalId('LeadImportJob', j.connectionId, leadImportJobNativeKey(j.campaignNativeId, j.nativeId)),
    campaign: async (j, _a, ctx) => {
      const c = await ctx.loaders.campaign.load(nodeKey(j.connectionId, j.campaignNativeId));
      if (!c) throw new BadUserInputError(`campaign ${j.campaignNativeId} was not found`);
      return c;
    },
    raw: (j) => j.raw ?? {},
  },

  BulkUserJob: {
    id: (j) => encodeGlobalId('BulkUserJob', j.connectionId, j.nativeId),
    connection: (j, _a, ctx) => ctx.tenant.connections.get(j.connectionId)!,
    raw: (j) => j.raw ?? {},
  },

  Mutation: {
    leadsImport: async (_root, { input }, ctx) => {
      const campaign = nodeRef(ctx, input.campaignId, 'Campaign');
      const imports = leadImportsAt(ctx.tenant, campaign.connectionId);
      return withUserErrors<{ job: LeadImportJob | null }>(
        { job: null },
        async () => {
          const importLeads = imports.importer();
          const file = await readUpload(input.file, ctx.limits.maxJsonFileBytes, 'file');
          parseJsonArrayFile(file, 'file');
          return { job: await importLeads(campaign.nativeId, file, ctx.scope) };
        },
        { field: ['input', 'file'] },
      );
    },

    bulkUsersUpload: async (_root, { input }, ctx) => {
      const admin = bulkUsersAt(ctx.tenant, input.connectionId);
      const job = input.jobId ? inputNodeId(input.jobId, 'BulkUserJob', input.connectionId, ['input', 'jobId']) : null;
      if (job && 'error' in job) {
        // Drain the upload (nothing of it goes anywhere).
        await openUpload(input.file, 'file').then(
          ({ stream }) => stream.resume(),
          () => undefined,
        );
        return { job: null, userErrors: [job.error] };
      }
      return withUserErrors<{ job: BulkUserJob | null }>(
        { job: null },
        async () => {
          const file = await readUpload(input.file, ctx.limits.maxJsonFileBytes, 'file');
          parseJsonArrayFile(file, 'file');
          return { job: await admin.upload(file, job?.nativeId ?? null, ctx.scope) };
        },
        { field: ['input', 'file'] },
      );
    },

    bulkUsersProceed: async (_root, { input }, ctx) => {
      const job = nodeRef(ctx, input.jobId, 'BulkUserJob');
      const admin = bulkUsersAt(ctx.tenant, job.connectionId);
      return withUserErrors<{ job: BulkUserJob | null }>({ job: null }, async () => ({ job: await admin.proceed(job.nativeId, ctx.scope) }), {
        target: { id: input.jobId, type: 'BulkUserJob' },
      });
    },
  },
};
