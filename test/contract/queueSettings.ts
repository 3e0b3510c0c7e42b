/** Contracts of QUEUE_SETTINGS and CONTACT_LISTS (issue 16 items 9 and 10). */
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

export const defineContactListsContract = defineContract('CONTACT_LISTS', [
  {
    id: 'CLS-1',
    name: 'MUST create a custom list with its entries, rename it and delete it',
    async fn(s) {
      const admin = s.adapter.contactLists!;
      const created = await admin.createList({ name: `Contract list ${Date.now()}`, entries: [{ name: 'Ada', phoneNumber: '+14155550101' }] }, s.scope());
      expect(created).toMatchObject({ connectionId: s.adapter.connectionId, kind: 'CUSTOM' });
      expect(created.entries.map((e) => [e.name, e.phoneNumber, e.contactListNativeId])).toEqual([['Ada', '+14155550101', created.nativeId]]);
      const renamed = await admin.updateList(created.nativeId, { name: `${created.name!} (renamed)` }, s.scope());
      expect(renamed.name).toBe(`${created.name!} (renamed)`);
      await admin.deleteList(created.nativeId, s.scope());
    },
  },
  {
    id: 'CLS-2',
    name: 'MUST add entries to a list, edit one and delete one',
    async fn(s) {
      const admin = s.adapter.contactLists!;
      const list = await admin.createList({ name: `Contract entries ${Date.now()}`, entries: [] }, s.scope());
      const added = await admin.addEntries(
        list.nativeId,
        [
          { name: 'One', phoneNumber: '+14155550111' },
          { name: 'Two', phoneNumber: '+14155550112' },
        ],
        s.scope(),
      );
      expect(added.map((e) => e.name)).toEqual(['One', 'Two']);
      const edited = await admin.updateEntry(list.nativeId, added[0]!.nativeId, { phoneNumber: '+14155550119' }, s.scope());
      expect(edited).toMatchObject({ nativeId: added[0]!.nativeId, name: 'One', phoneNumber: '+14155550119' });
      await admin.deleteEntry(list.nativeId, added[1]!.nativeId, s.scope());
      await admin.deleteList(list.nativeId, s.scope());
    },
  },
]);
