/** Contact uploads: the CSV streamed to the vendor after its header is checked, and the error report (src/domain/uploads.ts). */
import { filePath } from '../../fileLinks';
import { contactUploadErrorRows, contactUploaderAt } from '../../domain/uploads';
import type { ContactUploadTask } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { openUpload } from '../../uploads';
import { nodeKey } from '../context';
import { encodeGlobalId, uploadTaskNativeKey } from '../ids';
import { inputErrors, nodeRef, withUserErrors } from '../mutations';

const taskId = (t: ContactUploadTask) => encodeGlobalId('ContactUploadTask', t.connectionId, uploadTaskNativeKey(t.campaignNativeId, t.leadListNativeId, t.taskId));

export const contactUploadResolvers: Resolvers = {
  Mutation: {
    contactsUpload: async (_root, { input }, ctx) => {
      const campaign = nodeRef(ctx, input.campaignId, 'Campaign');
      const uploader = contactUploaderAt(ctx.tenant, campaign.connectionId);
      const problems = uploader.inputProblems(input);
      if (problems.length) {
        // Drain the upload (nothing of it goes anywhere); an unreadable file adds nothing to these errors.
        await openUpload(input.file, 'file').then(
          ({ stream }) => stream.resume(),
          () => undefined,
        );
        return { task: null, userErrors: inputErrors(problems) };
      }
      return withUserErrors<{ task: ContactUploadTask | null }>(
        { task: null },
        async () => {
          const { stream } = await openUpload(input.file, 'file');
          const req = {
            campaignNativeId: campaign.nativeId,
            leadListNativeId: input.leadListNativeId,
            userId: input.userNativeId,
            headerMapping: input.headerMapping,
            updateDuplicates: input.updateDuplicates ?? false,
            churnUpdatedRecords: input.churnUpdatedRecords ?? false,
            migrate: input.migrate ?? false,
            file: stream,
          };
          return { task: await uploader.upload(req, ctx.limits.maxFileBytes, ctx.scope) };
        },
        { field: ['input', 'file'] },
      );
    },
  },

  ContactUploadTask: {
    id: (t) => taskId(t),
    nativeId: (t) => t.taskId,
    campaign: (t, _a, ctx) => ctx.loaders.campaign.load(nodeKey(t.connectionId, t.campaignNativeId)),
    connection: (t, _a, ctx) => ctx.tenant.connections.get(t.connectionId)!,
    errorReport: (t) => t,
  },

  ContactUploadErrorReport: {
    rows: (t, _a, ctx) => contactUploadErrorRows(ctx.tenant, t, ctx.scope),
    downloadUrl: (t, _a, ctx) => `${ctx.publicBaseUrl}${filePath('contact-upload-errors', taskId(t))}`,
  },
};
