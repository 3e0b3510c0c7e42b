/** Contracts of SMS, END_USERS, DNC and CRM_DATA. */
import { defineContract, UNKNOWN_ID } from './support';

export const defineSmsContract = defineContract('SMS', [
  {
    id: 'SMS-1',
    name: "MUST send a message and answer the vendor's id for it",
    async fn(s) {
      const sms = await s.adapter.sms!.sendSms({ endUserNumber: '+14155550161', outboundNumber: '+18005550100', message: 'contract' }, s.scope());
      expect(typeof sms.nativeId === 'string' && sms.nativeId.length > 0).toBe(true);
    },
  },
]);

export const defineEndUsersContract = defineContract('END_USERS', [
  {
    id: 'EU-1',
    name: 'MUST create an end user and find it again by identifier and by native id',
    async fn(s) {
      const endUsers = s.adapter.endUsers!;
      const created = await endUsers.upsertEndUser({ identifier: 'contract-eu-1', name: 'Ada' }, s.scope());
      expect(created).toMatchObject({ connectionId: s.adapter.connectionId, identifier: 'contract-eu-1' });
      expect(await endUsers.findEndUser({ identifier: 'contract-eu-1' }, s.scope())).toEqual(created);
      expect(await endUsers.findEndUser({ nativeId: created.nativeId }, s.scope())).toEqual(created);
    },
  },
  {
    id: 'EU-2',
    name: 'MUST answer null for an end user it does not have',
    async fn(s) {
      expect(await s.adapter.endUsers!.findEndUser({ nativeId: UNKNOWN_ID }, s.scope())).toBeNull();
    },
  },
]);

export const defineDncContract = defineContract('DNC', [
  {
    id: 'DNC-1',
    name: 'MUST list an added number until it is removed',
    async fn(s) {
      const dnc = s.adapter.dnc!;
      const phoneNumber = '+14155550162';
      expect((await dnc.add([{ phoneNumber }], s.scope())).map((e) => e.listed)).toEqual([true]);
      expect((await dnc.check(phoneNumber, s.scope())).listed).toBe(true);
      expect((await dnc.remove([phoneNumber], s.scope())).map((e) => e.listed)).toEqual([false]);
      expect((await dnc.check(phoneNumber, s.scope())).listed).toBe(false);
    },
  },
]);

export const defineCrmDataContract = defineContract('CRM_DATA', [
  {
    id: 'CRM-1',
    name: 'MUST take contact data for a call it reported',
    async fn(s) {
      const call = (await s.adapter.calls!.listCalls({}, 0, 1, s.scope())).items[0]!;
      await s.adapter.crm!.sendContactData({ callNativeId: call.nativeId, contact: { first_name: 'Ada' } }, s.scope());
    },
  },
]);
