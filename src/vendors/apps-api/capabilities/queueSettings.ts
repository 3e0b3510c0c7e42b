/**
 * Apps API queue settings export/import and version history (apps-api.txt "Export - Import Queues Settings 7"; every
 * path [U], src/vendors/apps-api/routes.ts). Ids go out as the doc shows them: the restore body's `id` is an integer.
 */
import { multipartStream } from '../../../upstream/multipart';
import type { DownloadStream, QueueSettingsAdmin, QueueSettingsVersion } from '../../../domain/types';
import { wireQueueSettingsVersion, wireQueueSettingsVersionList, type WireQueueSettingsVersion } from '../types';
import { idNumber, orNull, toDate, type AppsApiContext } from './context';

function toVersion(connectionId: string, w: WireQueueSettingsVersion): QueueSettingsVersion {
  return {
    connectionId,
    nativeId: String(w.id),
    revision: w.revision ?? null,
    createdAt: toDate(w.created_at),
    autoSaved: w.auto_saved ?? null,
    email: w.email ?? null,
    includesAudioFiles: w.export_audio_files ?? null,
    includesAttachedFiles: w.export_attached_files ?? null,
    raw: w,
  };
}

/** A settings file for the vendor: the client's filename is not sent, ours says what the content is. */
const importFilename = (contentType: string) => (contentType === 'application/zip' ? 'import.zip' : 'import.json');

export function createQueueSettingsAdmin({ client, cid }: AppsApiContext): QueueSettingsAdmin {
  return {
    listVersions: async (scope) => (await client.json('listQueueSettingsVersions', wireQueueSettingsVersionList, scope)).map((w) => toVersion(cid, w)),
    async getVersion(nativeId, scope) {
      const w = await orNull(client.json('getQueueSettingsVersion', wireQueueSettingsVersion, scope, { params: { id: nativeId } }));
      return w ? toVersion(cid, w) : null;
    },
    async openVersion(nativeId, scope): Promise<DownloadStream | null> {
      const res = await orNull(
        client.send('downloadQueueSettingsVersion', scope, {
          params: { id: nativeId },
          headers: { accept: 'application/json, application/zip, */*' },
          responseType: 'stream',
          timeoutMs: 300_000,
        }),
      );
      if (!res) return null;
      const contentType = res.headers['content-type'] ?? 'application/octet-stream';
      const zip = contentType.toLowerCase().startsWith('application/zip');
      return {
        stream: res.stream!,
        contentType,
        contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
        filename: `queue-settings-${nativeId}.${zip ? 'zip' : 'json'}`,
      };
    },
    exportSettings: async (opts, scope) =>
      toVersion(
        cid,
        await client.json('exportQueueSettings', wireQueueSettingsVersion, scope, {
          query: { export_audio_files: opts.audioFiles, export_attached_files: opts.attachedFiles },
        }),
      ),
    async importSettings(file, email, scope) {
      // Streamed: a ZIP of audio files may be as large as the other streamed uploads (POST is never resent, so a stream is safe).
      const { contentType, body } = multipartStream([
        { name: 'file', filename: importFilename(file.contentType), contentType: file.contentType, content: file.content },
        { name: 'email', value: email },
      ]);
      return toVersion(cid, await client.json('importQueueSettings', wireQueueSettingsVersion, scope, { headers: { 'content-type': contentType }, body, timeoutMs: 300_000 }));
    },
    autoSave: async (opts, scope) =>
      toVersion(cid, await client.write('autoSaveQueueSettings', wireQueueSettingsVersion, scope, { export_audio_files: opts.audioFiles, export_attached_files: opts.attachedFiles })),
    async restore(req, scope) {
      // The doc's body: { "id": "integer", "email": "string", "revision": "string" }; what is not given is left out.
      const json = {
        ...(req.versionNativeId !== null ? { id: idNumber(req.versionNativeId) } : {}),
        email: req.email,
        ...(req.revision !== null ? { revision: req.revision } : {}),
      };
      return toVersion(cid, await client.write('restoreQueueSettingsVersion', wireQueueSettingsVersion, scope, json));
    },
  };
}
