/** Contracts of CHAT_LOG and CHAT_CONTROL. */
import type { ChatQuery } from '../../src/domain/types';
import { defineContract, UNKNOWN_ID, type ContractSubject } from './support';

const ALL: ChatQuery = {};
const log = (s: ContractSubject) => s.adapter.chats!;
const ids = (list: ReadonlyArray<{ nativeId: string }>) => list.map((c) => c.nativeId);

async function someChat(s: ContractSubject, q: ChatQuery = ALL) {
  const [chat] = (await log(s).listChats(q, 0, 1, s.scope())).items;
  if (!chat) throw new Error(`connection '${s.adapter.connectionId}' lists no chats for ${JSON.stringify(q)}`);
  return chat;
}

export const defineChatLogContract = defineContract('CHAT_LOG', [
  {
    id: 'CHL-1',
    name: 'MUST read consecutive slices that join into the longer slice, tagged with the connection',
    async fn(s) {
      const first = await log(s).listChats(ALL, 0, 4, s.scope());
      const second = await log(s).listChats(ALL, 4, 4, s.scope());
      const both = await log(s).listChats(ALL, 0, 8, s.scope());
      expect(both.items.length).toBeGreaterThan(4);
      expect([...ids(first.items), ...ids(second.items)]).toEqual(ids(both.items));
      for (const c of both.items) expect(c).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
      if (both.total !== null) expect(both.total).toBeGreaterThanOrEqual(both.items.length);
    },
  },
  {
    id: 'CHL-2',
    name: 'MUST look a listed chat up by its native id, and answer null for one it does not have',
    async fn(s) {
      const chat = await someChat(s);
      expect((await log(s).getChat(chat.nativeId, s.scope()))?.nativeId).toBe(chat.nativeId);
      expect(await log(s).getChat(UNKNOWN_ID, s.scope())).toBeNull();
    },
  },
  {
    id: 'CHL-3',
    name: 'MUST answer only chats of the statuses asked for',
    async fn(s) {
      const chat = await someChat(s);
      const res = await log(s).listChats({ statuses: [chat.status] }, 0, 20, s.scope());
      expect(ids(res.items)).toContain(chat.nativeId);
      for (const c of res.items) expect(c.status).toBe(chat.status);
    },
  },
]);

export const defineChatControlContract = defineContract('CHAT_CONTROL', [
  {
    id: 'CHC-1',
    name: "MUST write a chat's customer flags and read back what it wrote",
    async fn(s) {
      const chat = await someChat(s);
      const control = s.adapter.chatControl!;
      const before = await control.getCustomerFlags(chat.nativeId, s.scope());
      const after = await control.updateCustomerFlags(chat.nativeId, { badActor: !before.badActor }, s.scope());
      expect(after).toEqual({ ...before, badActor: !before.badActor });
      expect(await control.getCustomerFlags(chat.nativeId, s.scope())).toEqual(after);
    },
  },
  {
    id: 'CHC-2',
    name: 'MUST resume a dismissed chat out of its dismissed state',
    async fn(s) {
      const chat = await someChat(s, { statuses: ['DISMISSED'] });
      const resumed = await s.adapter.chatControl!.resumeChat(chat.nativeId, s.scope());
      expect(resumed.nativeId).toBe(chat.nativeId);
      expect(resumed.status).not.toBe('DISMISSED');
    },
  },
]);
