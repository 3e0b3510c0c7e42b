/** Contact uploads: the CSV streamed to the vendor after its header is checked, and the error report. */
import type { ContactUploadTask } from '../../domain/types';
import { BadUserInputError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { peekCsvHeader } from '../../csv';
import { openUpload } from '../../uploads';
import { limitBytes } from '../../upstream/multipart';
import { encodeGlobalId, uploadTaskNativeKey } from '../ids';
import { connectionWith, inputError, withUserErrors, type UserError } from '../mutations';

export const contactUploadPath = (taskGlobalId: string) => `/files/contact-upload-errors/${encodeURIComponent(taskGlobalId)}`;

const taskId = (t: ContactUploadTask) => encodeGlobalId('ContactUploadTask', t.connectionId, uploadTaskNativeKey(t.campaignNativeId, t.leadListNativeId, t.taskId));

export const contactUploadResolvers: Resolvers = {
  Mutation: {
    contactsUpload: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'CONTACT_UPLOAD');
      const uploader = adapter.contactUploads!;
      const errors: UserError[] = [];
      if (!input.userId.trim()) errors.push(inputError(['input', 'userId'], 'userId must not be empty'));
      const fields = input.headerMapping.map((m) => m.field);
      input.headerMapping.forEach((m, i) => {
        if (!uploader.contactFields.includes(m.field)) {
          errors.push(inputError(['input', 'headerMapping', String(i), 'field'], `unknown contact field '${m.field}' (expected one of ${uploader.contactFields.join(', ')})`));
        } else if (fields.indexOf(m.field) !== i) {
          errors.push(inputError(['input', 'headerMapping', String(i), 'field'], `contact field '${m.field}' is mapped twice`));
        }
        if (!m.column.trim()) errors.push(inputError(['input', 'headerMapping', String(i), 'column'], 'column must not be empty'));
      });
      if (input.headerMapping.length === 0) errors.push(inputError(['input', 'headerMapping'], 'headerMapping must map at least one field'));
      if (errors.length) {
        // Drain the upload (nothing of it goes anywhere); an unreadable file adds nothing to these errors.
        await openUpload(input.file, 'file').then(({ stream }) => stream.resume(), () => undefined);
        return { task: null, userErrors: errors };
      }
      let exceeded = false;
      return withUserErrors<{ task: ContactUploadTask | null }>(
        { task: null },
        async () => {
          const { stream } = await openUpload(input.file, 'file');
          // Our own byte limit: graphql-upload-minimal truncates silently past its own (notes §1.5).
          const limited = limitBytes(stream, ctx.limits.maxFileBytes, () => {
            exceeded = true;
            return new BadUserInputError(`file is larger than ${ctx.limits.maxFileBytes} bytes`);
          });
          // The header row is read and checked before anything is sent; the rest streams through.
          const { header, body } = await peekCsvHeader(limited, 65_536, 'file');
          const missing = input.headerMapping.filter((m) => !header.includes(m.column.trim())).map((m) => m.column);
          if (missing.length) {
            stream.resume();
            throw new BadUserInputError(`the file's header has no column ${missing.map((c) => `'${c}'`).join(', ')} (it has ${header.map((c) => `'${c}'`).join(', ')})`);
          }
          try {
            const task = await uploader.upload(
              {
                campaignNativeId: input.campaignId,
                leadListNativeId: input.leadListId,
                userId: input.userId,
                headerMapping: input.headerMapping.map((m) => ({ field: m.field, column: m.column.trim() })),
                updateDuplicates: input.updateDuplicates ?? false,
                churnUpdatedRecords: input.churnUpdatedRecords ?? false,
                migrate: input.migrate ?? false,
                filename: 'contacts.csv',
                content: body,
              },
              ctx.scope,
            );
            return { task };
          } catch (err) {
            // The vendor got a cut-off body, which it discards; the caller learns why.
            if (exceeded) throw new BadUserInputError(`file is larger than ${ctx.limits.maxFileBytes} bytes`);
            throw err;
          }
        },
        { field: ['input', 'file'] },
      );
    },
  },

  ContactUploadTask: {
    id: (t) => taskId(t),
    campaignId: (t) => t.campaignNativeId,
    leadListId: (t) => t.leadListNativeId,
    connection: (t, _a, ctx) => ctx.tenant.connections.get(t.connectionId)!,
    errorReport: (t) => t,
  },

  ContactUploadErrorReport: {
    rows: (t, _a, ctx) => ctx.tenant.connections.get(t.connectionId)!.contactUploads!.errorRows(t, ctx.scope),
    downloadUrl: (t, _a, ctx) => `${ctx.publicBaseUrl}${contactUploadPath(taskId(t))}`,
  },
};
