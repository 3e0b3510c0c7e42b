/** Queue settings export/import and version history (src/domain/queueSettings.ts); the files are served by src/http/routes/files.ts. */
import { filePath } from '../../fileLinks';
import { emailProblems, queueSettingsAt, queueSettingsVersionsOf, revisionProblems } from '../../domain/queueSettings';
import type { QueueSettingsVersion } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { openUpload, openZipOrJsonObjectUpload } from '../../uploads';
import { encodeGlobalId } from '../ids';
import { inputErrors, inputNodeId, withUserErrors, type UserError } from '../mutations';
import { loadNode } from './nodes';

const versionId = (v: QueueSettingsVersion) => encodeGlobalId('QueueSettingsVersion', v.connectionId, v.nativeId);

type VersionPayload = { version: QueueSettingsVersion | null; userErrors: UserError[] };
const refused = (userErrors: UserError[]): VersionPayload => ({ version: null, userErrors });

export const queueSettingsResolvers: Resolvers = {
  Query: {
    queueSettingsVersions: (_root, { connectionId, first, after }, ctx) => queueSettingsVersionsOf(ctx.tenant, connectionId, first ?? 50, after, ctx.scope),
    queueSettingsVersion: (_root, { id }, ctx) => loadNode<QueueSettingsVersion>(id, ctx, 'QueueSettingsVersion'),
  },

  QueueSettingsVersion: {
    id: (v) => versionId(v),
    connection: (v, _a, ctx) => ctx.tenant.connections.get(v.connectionId)!,
    downloadUrl: (v, _a, ctx) => `${ctx.publicBaseUrl}${filePath('queue-settings-versions', versionId(v))}`,
    raw: (v) => v.raw ?? {},
  },

  Mutation: {
    queueSettingsExport: async (_root, { input }, ctx) => {
      const admin = queueSettingsAt(ctx.tenant, input.connectionId);
      const opts = { audioFiles: input.includeAudioFiles, attachedFiles: input.includeAttachedFiles };
      return withUserErrors<{ version: QueueSettingsVersion | null }>({ version: null }, async () => ({ version: await admin.exportSettings(opts, ctx.scope) }));
    },

    queueSettingsAutoSave: async (_root, { input }, ctx) => {
      const admin = queueSettingsAt(ctx.tenant, input.connectionId);
      const opts = { audioFiles: input.includeAudioFiles, attachedFiles: input.includeAttachedFiles };
      return withUserErrors<{ version: QueueSettingsVersion | null }>({ version: null }, async () => ({ version: await admin.autoSave(opts, ctx.scope) }));
    },

    queueSettingsImport: async (_root, { input }, ctx) => {
      const admin = queueSettingsAt(ctx.tenant, input.connectionId);
      const problems = emailProblems(input.email);
      if (problems.length) {
        // Drain the upload (nothing of it goes anywhere).
        await openUpload(input.file, 'file').then(
          ({ stream }) => stream.resume(),
          () => undefined,
        );
        return refused(inputErrors(problems));
      }
      return withUserErrors<{ version: QueueSettingsVersion | null }>(
        { version: null },
        async () => {
          const file = await openZipOrJsonObjectUpload(input.file, { maxZipBytes: ctx.limits.maxFileBytes, maxJsonBytes: ctx.limits.maxJsonFileBytes }, 'file');
          try {
            return { version: await admin.importSettings(file, input.email.trim(), ctx.scope) };
          } catch (err) {
            // The vendor got a ZIP cut off at our limit, which it discards; the caller learns why.
            throw file.refusal() ?? err;
          }
        },
        { field: ['input', 'file'] },
      );
    },

    queueSettingsRestore: async (_root, { input }, ctx) => {
      const admin = queueSettingsAt(ctx.tenant, input.connectionId);
      const version = input.versionId ? inputNodeId(input.versionId, 'QueueSettingsVersion', input.connectionId, ['input', 'versionId']) : null;
      if (version && 'error' in version) return refused([version.error]);
      const problems = [...emailProblems(input.email), ...revisionProblems(input.revision)];
      if (problems.length) return refused(inputErrors(problems));
      const req = { versionNativeId: version?.nativeId ?? null, revision: input.revision ?? null, email: input.email.trim() };
      return withUserErrors<{ version: QueueSettingsVersion | null }>({ version: null }, async () => ({ version: await admin.restore(req, ctx.scope) }), {
        ...(input.versionId ? { target: { id: input.versionId, type: 'QueueSettingsVersion' as const } } : {}),
      });
    },
  },
};
