/**
 * Apps API contact lists (apps-api.txt "Contact Lists 6"): custom lists created, renamed and deleted; entries of custom
 * and global lists added, edited and deleted. Paths and bodies are [U] (src/vendors/apps-api/routes.ts).
 */
import type { ContactList, ContactListAdmin, ContactListEntry, ContactListEntryInput, ContactListKind } from '../../../domain/types';
import { wireListOfContacts, wireContactListEntries, wireContactListEntry, type WireListOfContacts, type WireContactListEntry } from '../types';
import { type AppsApiContext } from './context';

const KINDS: Readonly<Record<string, ContactListKind>> = { custom: 'CUSTOM', global: 'GLOBAL' };

function toEntry(connectionId: string, contactListNativeId: string, w: WireContactListEntry): ContactListEntry {
  return { connectionId, contactListNativeId, nativeId: String(w.id), name: w.name ?? null, phoneNumber: w.phone_number ?? null, raw: w };
}

function toList(connectionId: string, w: WireListOfContacts): ContactList {
  const nativeId = String(w.id);
  return {
    connectionId,
    nativeId,
    name: w.name ?? null,
    kind: (w.list_type ? KINDS[w.list_type] : undefined) ?? 'UNKNOWN',
    rawKind: w.list_type ?? null,
    entries: (w.entries ?? []).map((e) => toEntry(connectionId, nativeId, e)),
    raw: w,
  };
}

const wireEntry = (e: Partial<ContactListEntryInput>) => ({
  ...(e.name !== undefined ? { name: e.name } : {}),
  ...(e.phoneNumber !== undefined ? { phone_number: e.phoneNumber } : {}),
});

export function createContactListAdmin({ client, cid }: AppsApiContext): ContactListAdmin {
  return {
    createList: async (input, scope) => toList(cid, await client.write('createContactList', wireListOfContacts, scope, { name: input.name, entries: input.entries.map(wireEntry) })),
    updateList: async (nativeId, input, scope) => toList(cid, await client.write('updateContactList', wireListOfContacts, scope, { name: input.name }, { params: { id: nativeId } })),
    async deleteList(nativeId, scope) {
      await client.send('deleteContactList', scope, { params: { id: nativeId } });
    },
    addEntries: async (listNativeId, entries, scope) =>
      (await client.write('addContactListEntries', wireContactListEntries, scope, { entries: entries.map(wireEntry) }, { params: { contactListId: listNativeId } })).map((w) =>
        toEntry(cid, listNativeId, w),
      ),
    updateEntry: async (listNativeId, entryNativeId, input, scope) =>
      toEntry(cid, listNativeId, await client.write('updateContactListEntry', wireContactListEntry, scope, wireEntry(input), { params: { contactListId: listNativeId, id: entryNativeId } })),
    async deleteEntry(listNativeId, entryNativeId, scope) {
      await client.send('deleteContactListEntry', scope, { params: { contactListId: listNativeId, id: entryNativeId } });
    },
  };
}
