/** Contract of QUEUE_SETTINGS (issue 16 item 9). */
import { defineContract, UNKNOWN_ID } from './support';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export const defineQueueSettingsContract = defineContract('QUEUE_SETTINGS', [
  {
    id: 'QSV-1',
    name: 'MUST list the versions of this connection, each read back by its id with the same revision',
    async fn(s) {
      const admin = s.adapter.queueSettings!;
      const list = await admin.listVersions(s.scope());
      expect(list.length).toBeGreaterThan(0);
      for (const v of list) expect(v.connectionId).toBe(s.adapter.connectionId);
      const one = await admin.getVersion(list[0]!.nativeId, s.scope());
      expect(one).toMatchObject({ nativeId: list[0]!.nativeId, revision: list[0]!.revision });
    },
  },
  {
    id: 'QSV-2',
    name: 'MUST answer null for a version it does not have, when reading and when opening its file',
    async fn(s) {
      expect(await s.adapter.queueSettings!.getVersion(UNKNOWN_ID, s.scope())).toBeNull();
      expect(await s.adapter.queueSettings!.openVersion(UNKNOWN_ID, s.scope())).toBeNull();
    },
  },
  {
    id: 'QSV-3',
    name: 'MUST export into a new version (not auto-saved) whose file streams with its type and a filename',
    async fn(s) {
      const admin = s.adapter.queueSettings!;
      const v = await admin.exportSettings({ audioFiles: false, attachedFiles: false }, s.scope());
      expect(v).toMatchObject({ connectionId: s.adapter.connectionId, autoSaved: false });
      const file = await admin.openVersion(v.nativeId, s.scope());
      expect(file).not.toBeNull();
      expect(file!.filename.length).toBeGreaterThan(0);
      expect(file!.contentType.length).toBeGreaterThan(0);
      expect((await readAll(file!.stream)).length).toBeGreaterThan(0);
    },
  },
  {
    id: 'QSV-4',
    name: 'MUST auto-save into a new version marked auto-saved',
    async fn(s) {
      const v = await s.adapter.queueSettings!.autoSave({ audioFiles: false, attachedFiles: true }, s.scope());
      expect(v).toMatchObject({ connectionId: s.adapter.connectionId, autoSaved: true });
    },
  },
]);
