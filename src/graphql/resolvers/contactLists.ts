/** Contact lists and their entries (src/domain/contactLists.ts). Named by connection and the vendor's ids: the vendor has no read of them. */
import { contactListsAt, entryChangeProblems, entryProblems, listNameProblems, nativeIdProblems } from '../../domain/contactLists';
import type { ContactList, ContactListEntry, InputProblem } from '../../domain/types';
import { NotFoundError, isSwitchboardError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { inputErrors, withUserErrors } from '../mutations';

/** The vendor's bare 404 "Not Found" names nothing: say which list (and entry) the caller named. */
async function naming<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isSwitchboardError(err) && err.code === 'NOT_FOUND') throw new NotFoundError(`${what} was not found`, err.facts, { cause: err });
    throw err;
  }
}
const listWhat = (connectionId: string, listId: string) => `contact list '${listId}' of connection '${connectionId}'`;
const entryWhat = (connectionId: string, listId: string, entryId: string) => `entry '${entryId}' of contact list '${listId}' of connection '${connectionId}'`;

const entriesOf = (list: ReadonlyArray<{ name: string; phoneNumber: string }> | null | undefined) => (list ?? []).map((e) => ({ name: e.name.trim(), phoneNumber: e.phoneNumber.trim() }));

export const contactListResolvers: Resolvers = {
  ContactList: {
    connection: (l, _a, ctx) => ctx.tenant.connections.get(l.connectionId)!,
    raw: (l) => l.raw ?? {},
  },
  ContactListEntry: {
    raw: (e) => e.raw ?? {},
  },

  Mutation: {
    contactListCreate: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems = [...listNameProblems(input.name), ...entryProblems(input.entries ?? [], { required: false })];
      if (problems.length) return { contactList: null, userErrors: inputErrors(problems) };
      return withUserErrors<{ contactList: ContactList | null }>({ contactList: null }, async () => ({
        contactList: await admin.createList({ name: input.name.trim(), entries: entriesOf(input.entries) }, ctx.scope),
      }));
    },

    contactListUpdate: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems = [...nativeIdProblems({ contactListNativeId: input.contactListNativeId }), ...listNameProblems(input.name)];
      if (problems.length) return { contactList: null, userErrors: inputErrors(problems) };
      return naming(listWhat(input.connectionId, input.contactListNativeId), () =>
        withUserErrors<{ contactList: ContactList | null }>({ contactList: null }, async () => ({
          contactList: await admin.updateList(input.contactListNativeId, { name: input.name.trim() }, ctx.scope),
        })),
      );
    },

    contactListDelete: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems = nativeIdProblems({ contactListNativeId: input.contactListNativeId });
      if (problems.length) return { deletedContactListNativeId: null, userErrors: inputErrors(problems) };
      return naming(listWhat(input.connectionId, input.contactListNativeId), () =>
        withUserErrors<{ deletedContactListNativeId: string | null }>({ deletedContactListNativeId: null }, async () => {
          await admin.deleteList(input.contactListNativeId, ctx.scope);
          return { deletedContactListNativeId: input.contactListNativeId };
        }),
      );
    },

    contactListEntriesAdd: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems = [...nativeIdProblems({ contactListNativeId: input.contactListNativeId }), ...entryProblems(input.entries, { required: true })];
      if (problems.length) return { entries: [], userErrors: inputErrors(problems) };
      return naming(listWhat(input.connectionId, input.contactListNativeId), () =>
        withUserErrors<{ entries: ContactListEntry[] }>({ entries: [] }, async () => ({
          entries: await admin.addEntries(input.contactListNativeId, entriesOf(input.entries), ctx.scope),
        })),
      );
    },

    contactListEntryUpdate: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems: InputProblem[] = [...nativeIdProblems({ contactListNativeId: input.contactListNativeId, entryNativeId: input.entryNativeId }), ...entryChangeProblems(input)];
      if (problems.length) return { entry: null, userErrors: inputErrors(problems) };
      const change = {
        ...(input.name != null ? { name: input.name.trim() } : {}),
        ...(input.phoneNumber != null ? { phoneNumber: input.phoneNumber.trim() } : {}),
      };
      return naming(entryWhat(input.connectionId, input.contactListNativeId, input.entryNativeId), () =>
        withUserErrors<{ entry: ContactListEntry | null }>({ entry: null }, async () => ({
          entry: await admin.updateEntry(input.contactListNativeId, input.entryNativeId, change, ctx.scope),
        })),
      );
    },

    contactListEntryDelete: async (_root, { input }, ctx) => {
      const admin = contactListsAt(ctx.tenant, input.connectionId);
      const problems = nativeIdProblems({ contactListNativeId: input.contactListNativeId, entryNativeId: input.entryNativeId });
      if (problems.length) return { deletedEntryNativeId: null, userErrors: inputErrors(problems) };
      return naming(entryWhat(input.connectionId, input.contactListNativeId, input.entryNativeId), () =>
        withUserErrors<{ deletedEntryNativeId: string | null }>({ deletedEntryNativeId: null }, async () => {
          await admin.deleteEntry(input.contactListNativeId, input.entryNativeId, ctx.scope);
          return { deletedEntryNativeId: input.entryNativeId };
        }),
      );
    },
  },
};
