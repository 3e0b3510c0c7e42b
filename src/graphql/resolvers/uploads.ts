/** Bulk user management from uploaded files (CSV lead imports are leadImports.ts). */
import { GraphQLUpload } from 'graphql-upload-minimal';
import type { BulkUserJob } from '../../domain/types';
import { bulkUsersAt } from '../../domain/uploads';
import type { Resolvers } from '../../generated/graphql';
import { openUpload, parseJsonArrayFile, readUpload } from '../../uploads';
import { encodeGlobalId } from '../ids';
import { inputNodeId, nodeRef, withUserErrors } from '../mutations';
import { loadNode } from './nodes';

export const uploadResolvers: Resolvers = {
  Upload: GraphQLUpload,

  Query: {
    bulkUserTemplate: (_root, { connectionId }, ctx) => bulkUsersAt(ctx.tenant, connectionId).template(ctx.scope),
    bulkUserJob: (_root, { id }, ctx) => loadNode<BulkUserJob>(id, ctx, 'BulkUserJob'),
  },

  BulkUserJob: {
    id: (j) => encodeGlobalId('BulkUserJob', j.connectionId, j.nativeId),
    connection: (j, _a, ctx) => ctx.tenant.connections.get(j.connectionId)!,
    raw: (j) => j.raw ?? {},
  },

  Mutation: {
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
