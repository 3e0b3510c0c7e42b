/** Contract of CONTACT_LISTS (issue 16 item 10). */
import { defineContract } from './support';

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
