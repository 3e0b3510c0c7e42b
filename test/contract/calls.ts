/** Contracts of CALL_LOG, CALL_CREATE and CALL_DATA. */
import type { CallCreateRequest, CallQuery } from '../../src/domain/types';
import { defineContract, requestsDuring, UNKNOWN_ID, type ContractSubject } from './support';

const ALL: CallQuery = {};
const log = (s: ContractSubject) => s.adapter.calls!;
const ids = (list: ReadonlyArray<{ nativeId: string }>) => list.map((c) => c.nativeId);

/** A call the connection has, for the rules that need one. */
async function someCall(s: ContractSubject) {
  const [call] = (await log(s).listCalls(ALL, 0, 1, s.scope())).items;
  if (!call) throw new Error(`connection '${s.adapter.connectionId}' lists no calls`);
  return call;
}

export const defineCallLogContract = defineContract('CALL_LOG', [
  {
    id: 'CL-1',
    name: 'MUST read consecutive slices that join into the longer slice, tagged with the connection',
    async fn(s) {
      const first = await log(s).listCalls(ALL, 0, 4, s.scope());
      const second = await log(s).listCalls(ALL, 4, 4, s.scope());
      const both = await log(s).listCalls(ALL, 0, 8, s.scope());
      expect(both.items.length).toBeGreaterThan(4);
      expect([...ids(first.items), ...ids(second.items)]).toEqual(ids(both.items));
      for (const c of both.items) expect(c).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
      if (both.total !== null) expect(both.total).toBeGreaterThanOrEqual(both.items.length);
    },
  },
  {
    id: 'CL-2',
    name: 'MUST look a listed call up by its native id, and answer null for one it does not have',
    async fn(s) {
      const call = await someCall(s);
      expect((await log(s).getCall(call.nativeId, s.scope()))?.nativeId).toBe(call.nativeId);
      expect(await log(s).getCall(UNKNOWN_ID, s.scope())).toBeNull();
    },
  },
  {
    id: 'CL-3',
    name: 'MUST answer only calls of the statuses asked for',
    async fn(s) {
      const call = await someCall(s);
      const res = await log(s).listCalls({ statuses: [call.status] }, 0, 20, s.scope());
      expect(ids(res.items)).toContain(call.nativeId);
      for (const c of res.items) expect(c.status).toBe(call.status);
    },
  },
  {
    id: 'CL-4',
    name: 'MUST tail the log: only calls changed at or after updatedAfter, each with its updatedAt, in the order asked for (the live call poller)',
    async fn(s) {
      const newest = (await log(s).listCalls({ order: 'UPDATED_DESC' }, 0, 10, s.scope())).items;
      expect(newest.length).toBeGreaterThan(1);
      const times = newest.map((c) => c.updatedAt!.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const from = newest[newest.length - 1]!.updatedAt!;
      const tail = (await log(s).listCalls({ updatedAfter: from, order: 'UPDATED_ASC' }, 0, 100, s.scope())).items;
      const tailTimes = tail.map((c) => c.updatedAt!.getTime());
      expect(tailTimes).toEqual([...tailTimes].sort((a, b) => a - b));
      expect(Math.min(...tailTimes)).toBeGreaterThanOrEqual(from.getTime());
      expect(ids(tail)).toEqual(expect.arrayContaining(ids(newest)));
    },
  },
]);

export const defineCallCreateContract = defineContract('CALL_CREATE', [
  {
    id: 'CC-1',
    name: 'MUST find problems, by request field, with a request that lacks what its type needs',
    async fn(s) {
      const fields: Array<keyof CallCreateRequest> = [
        'type',
        'agentEmail',
        'endUserNumber',
        'ticketId',
        'queueNativeId',
        'outboundNumber',
        'lang',
        'recordingPermission',
        'scheduledAt',
        'parentCallNativeId',
      ];
      for (const type of ['OUTBOUND', 'INBOUND', 'SCHEDULED'] as const) {
        const problems = s.adapter.callCreator!.inputProblems({ type, lang: 'en' });
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) {
          expect(fields).toContain(p.field[0]);
          expect(p.message.length).toBeGreaterThan(0);
        }
      }
    },
  },
  {
    id: 'CC-2',
    name: 'MUST check a request without calling the vendor',
    async fn(s) {
      const sent = await requestsDuring(s, () => s.adapter.callCreator!.inputProblems({ type: 'OUTBOUND', lang: 'en' }));
      expect(sent).toBe(0);
    },
  },
]);

export const defineCallDataContract = defineContract('CALL_DATA', [
  {
    id: 'CD-1',
    name: "MUST write a call's customer flags and read back what it wrote",
    async fn(s) {
      const call = await someCall(s);
      const data = s.adapter.callData!;
      const before = await data.getCustomerFlags(call.nativeId, s.scope());
      const after = await data.updateCustomerFlags(call.nativeId, { badActor: !before.badActor }, s.scope());
      expect(after).toEqual({ ...before, badActor: !before.badActor });
      expect(await data.getCustomerFlags(call.nativeId, s.scope())).toEqual(after);
    },
  },
  {
    id: 'CD-2',
    name: "MUST take an open call's end user and unsigned custom data",
    async fn(s) {
      const open = await log(s).listCalls({ statuses: ['SELECTING', 'QUEUED', 'ASSIGNED', 'CONNECTING', 'CONNECTED'] }, 0, 1, s.scope());
      const call = open.items[0]!;
      await s.adapter.callData!.updateEndUser(call.nativeId, { identifier: 'contract-end-user-1', name: 'Ada' }, s.scope());
      await s.adapter.callData!.sendCustomData(call.nativeId, [{ key: 'order', label: 'Order', value: 'A-1' }], false, s.scope());
    },
  },
]);
