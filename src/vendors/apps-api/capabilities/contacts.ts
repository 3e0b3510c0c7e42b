/** Apps API contacts: SMS, end users, the company Do Not Call list and CRM contact data (apps-api.txt). */
import { z } from 'zod';
import type { CrmDataSink, DncEntry, DncList, EndUserDirectory, SmsSender } from '../../../domain/types';
import { wireDncCheck, wireDncContacts, wireEndUser, wireSms } from '../types';
import { idNumber, orNull, toDate, type AppsApiContext } from './context';

export function createSmsSender({ client }: AppsApiContext): SmsSender {
  return {
    async sendSms(req, scope) {
      const body: Record<string, unknown> = {
        chat_type: 'Messaging (API)',
        end_user_number: req.endUserNumber,
        outbound_number: req.outboundNumber,
        message: req.message,
      };
      if (req.ticketId != null) body['ticket_id'] = req.ticketId;
      // notes §1: the extra keys are camelCase.
      if (req.agentNativeId != null) body['agentId'] = idNumber(req.agentNativeId);
      const w = await client.write('sendSms', wireSms, scope, body);
      return { nativeId: String(w.id), status: w.status ?? null, createdAt: toDate(w.created_at), raw: w };
    },
  };
}

export function createEndUserDirectory({ client, cid }: AppsApiContext): EndUserDirectory {
  return {
    async upsertEndUser(req, scope) {
      const body: Record<string, unknown> = { identifier: req.identifier };
      if (req.email != null) body['email'] = req.email;
      if (req.name != null) body['name'] = req.name;
      if (req.phone != null) body['phone'] = req.phone;
      const w = await client.write('upsertEndUser', wireEndUser, scope, body);
      return { connectionId: cid, nativeId: String(w.id), identifier: w.identifier ?? null };
    },
    async findEndUser(by, scope) {
      const query = 'nativeId' in by ? { id: by.nativeId } : { identifier: by.identifier };
      const w = await orNull(client.json('findEndUser', wireEndUser, scope, { query }));
      return w ? { connectionId: cid, nativeId: String(w.id), identifier: w.identifier ?? null } : null;
    },
  };
}

export function createDncList({ client }: AppsApiContext): DncList {
  return {
    async add(entries, scope) {
      const body = { contacts: entries.map((e) => ({ phone_number: e.phoneNumber, ...(e.expiresAt ? { expires_at: e.expiresAt.toISOString() } : {}) })) };
      const res = await client.write('addDnc', wireDncContacts, scope, body);
      return res.contacts.map((c): DncEntry => ({ phoneNumber: c.phone_number, listed: true, expiresAt: c.expires_at ? new Date(c.expires_at) : null }));
    },
    async remove(phoneNumbers, scope) {
      const res = await client.write('removeDnc', wireDncContacts, scope, { contacts: phoneNumbers.map((p) => ({ phone_number: p })) });
      return res.contacts.map((c): DncEntry => ({ phoneNumber: c.phone_number, listed: false, expiresAt: null }));
    },
    async check(phoneNumber, scope) {
      const r = await client.json('checkDnc', wireDncCheck, scope, { query: { phone_number: phoneNumber } });
      return { phoneNumber: r.phone_number, listed: r.dnc, expiresAt: r.expires_at ? new Date(r.expires_at) : null };
    },
  };
}

export function createCrmDataSink({ client }: AppsApiContext): CrmDataSink {
  return {
    async sendContactData(d, scope) {
      // apps-api.txt "CRM contact data": the sample sends both ids as strings (`"call_id": "1917", "agent_id": "1"`).
      const body: Record<string, unknown> = { call_id: d.callNativeId, contact: d.contact };
      const optional: Array<[string, unknown]> = [
        ['agent_id', d.agentNativeId],
        ['lcm_key', d.lcmKey],
        ['dnis', d.dnis],
        ['org_id', d.orgId],
        ['pacing_mode', d.pacingMode],
        ['call_type', d.callType],
      ];
      for (const [k, v] of optional) if (v != null) body[k] = v;
      await client.write('sendCrmContactData', z.unknown(), scope, body);
    },
  };
}
