/** End users, SMS, the company Do Not Call list and CRM contact data (src/domain/contacts.ts). */
import { crmAt, dncAt, endUsersAt, smsAt } from '../../domain/contacts';
import type { DncEntry, EndUser, SmsSender } from '../../domain/types';
import { BadUserInputError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { encodeGlobalId } from '../ids';
import { inputError, inputNodeId, nodeRef, withUserErrors } from '../mutations';
import { loadNode } from './nodes';

export const contactResolvers: Resolvers = {
  Query: {
    endUser: (_root, { id }, ctx) => loadNode<EndUser>(id, ctx, 'EndUser'),
    endUserByIdentifier: async (_root, { connectionId, identifier }, ctx) => {
      const endUsers = endUsersAt(ctx.tenant, connectionId);
      if (!identifier.trim()) throw new BadUserInputError('identifier must not be empty');
      return endUsers.findEndUser({ identifier }, ctx.scope);
    },
    dncCheck: (_root, { connectionId, phoneNumber }, ctx) => dncAt(ctx.tenant, connectionId).check(phoneNumber, ctx.scope),
  },

  EndUser: {
    id: (u) => encodeGlobalId('EndUser', u.connectionId, u.nativeId),
    connection: (u, _a, ctx) => ctx.tenant.connections.get(u.connectionId)!,
  },

  Mutation: {
    endUserUpsert: async (_root, { input }, ctx) => {
      const endUsers = endUsersAt(ctx.tenant, input.connectionId);
      if (!input.identifier.trim()) return { endUser: null, userErrors: [inputError(['input', 'identifier'], 'identifier must not be empty')] };
      return withUserErrors<{ endUser: EndUser | null }>({ endUser: null }, async () => ({
        endUser: await endUsers.upsertEndUser({ identifier: input.identifier, email: input.email, name: input.name, phone: input.phone }, ctx.scope),
      }));
    },

    smsSend: async (_root, { input }, ctx) => {
      const sms = smsAt(ctx.tenant, input.connectionId);
      if (!input.message.trim()) return { sms: null, userErrors: [inputError(['input', 'message'], 'message must not be empty')] };
      let agentNativeId: string | null = null;
      if (input.agentId) {
        const agent = inputNodeId(input.agentId, 'Agent', input.connectionId, ['input', 'agentId']);
        if ('error' in agent) return { sms: null, userErrors: [agent.error] };
        agentNativeId = agent.nativeId;
      }
      return withUserErrors<{ sms: Awaited<ReturnType<SmsSender['sendSms']>> | null }>({ sms: null }, async () => ({
        sms: await sms.sendSms({ endUserNumber: input.endUserNumber, outboundNumber: input.outboundNumber, message: input.message, ticketId: input.ticketId, agentNativeId }, ctx.scope),
      }));
    },

    dncAdd: async (_root, { input }, ctx) => {
      const dnc = dncAt(ctx.tenant, input.connectionId);
      if (input.entries.length === 0) return { entries: [], userErrors: [inputError(['input', 'entries'], 'entries must not be empty')] };
      const past = input.entries.findIndex((e) => e.expiresAt && e.expiresAt.getTime() <= Date.now());
      if (past >= 0) return { entries: [], userErrors: [inputError(['input', 'entries', String(past), 'expiresAt'], 'expiresAt must be in the future')] };
      return withUserErrors<{ entries: DncEntry[] }>({ entries: [] }, async () => ({
        entries: await dnc.add(
          input.entries.map((e) => ({ phoneNumber: e.phoneNumber, expiresAt: e.expiresAt ?? null })),
          ctx.scope,
        ),
      }));
    },

    dncRemove: async (_root, { input }, ctx) => {
      const dnc = dncAt(ctx.tenant, input.connectionId);
      if (input.phoneNumbers.length === 0) return { entries: [], userErrors: [inputError(['input', 'phoneNumbers'], 'phoneNumbers must not be empty')] };
      return withUserErrors<{ entries: DncEntry[] }>({ entries: [] }, async () => ({ entries: await dnc.remove(input.phoneNumbers, ctx.scope) }));
    },

    crmContactDataSend: async (_root, { input }, ctx) => {
      const call = nodeRef(ctx, input.callId, 'Call');
      const crm = crmAt(ctx.tenant, call.connectionId);
      const agent = input.agentId ? inputNodeId(input.agentId, 'Agent', call.connectionId, ['input', 'agentId']) : null;
      if (agent && 'error' in agent) return { sent: false, userErrors: [agent.error] };
      if (input.contact === null || typeof input.contact !== 'object' || Array.isArray(input.contact)) {
        return { sent: false, userErrors: [inputError(['input', 'contact'], 'contact must be a JSON object')] };
      }
      return withUserErrors<{ sent: boolean }>({ sent: false }, async () => {
        await crm.sendContactData(
          {
            callNativeId: call.nativeId,
            agentNativeId: agent?.nativeId ?? null,
            lcmKey: input.lcmKey,
            dnis: input.dnis,
            orgId: input.orgId,
            contact: input.contact as Record<string, unknown>,
            pacingMode: input.pacingMode,
            callType: input.callType,
          },
          ctx.scope,
        );
        return { sent: true };
      });
    },
  },
};
