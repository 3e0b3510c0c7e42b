/** End users, SMS, the company Do Not Call list and CRM contact data. */
import { BadUserInputError } from '../../errors';
import type { DncEntry, EndUser } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { connectionWith, inputError, inputNodeId, withUserErrors } from '../mutations';

export const contactResolvers: Resolvers = {
  Query: {
    endUser: async (_root, { connectionId, nativeId, identifier }, ctx) => {
      const adapter = connectionWith(ctx, connectionId, 'END_USERS');
      if ((nativeId == null) === (identifier == null)) {
        throw new BadUserInputError('give exactly one of nativeId and identifier');
      }
      return adapter.endUsers!.findEndUser(nativeId != null ? { nativeId } : { identifier: identifier! }, ctx.scope);
    },
    dncCheck: (_root, { connectionId, phoneNumber }, ctx) => connectionWith(ctx, connectionId, 'DNC').dnc!.check(phoneNumber, ctx.scope),
  },

  EndUser: {
    connection: (u, _a, ctx) => ctx.tenant.connections.get(u.connectionId)!,
  },

  Mutation: {
    endUserUpsert: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'END_USERS');
      if (!input.identifier.trim()) return { endUser: null, userErrors: [inputError(['input', 'identifier'], 'identifier must not be empty')] };
      return withUserErrors<{ endUser: EndUser | null }>({ endUser: null }, async () => ({
        endUser: await adapter.endUsers!.upsertEndUser({ identifier: input.identifier, email: input.email, name: input.name, phone: input.phone }, ctx.scope),
      }));
    },

    smsSend: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'SMS');
      if (!input.message.trim()) return { sms: null, userErrors: [inputError(['input', 'message'], 'message must not be empty')] };
      let agentNativeId: string | null = null;
      if (input.agentId) {
        const agent = inputNodeId(input.agentId, 'Agent', input.connectionId, ['input', 'agentId']);
        if ('error' in agent) return { sms: null, userErrors: [agent.error] };
        agentNativeId = agent.nativeId;
      }
      return withUserErrors<{ sms: Awaited<ReturnType<NonNullable<typeof adapter.sms>['sendSms']>> | null }>({ sms: null }, async () => ({
        sms: await adapter.sms!.sendSms(
          { endUserNumber: input.endUserNumber, outboundNumber: input.outboundNumber, message: input.message, ticketId: input.ticketId, agentNativeId },
          ctx.scope,
        ),
      }));
    },

    dncAdd: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'DNC');
      if (input.entries.length === 0) return { entries: [], userErrors: [inputError(['input', 'entries'], 'entries must not be empty')] };
      const past = input.entries.findIndex((e) => e.expiresAt && e.expiresAt.getTime() <= Date.now());
      if (past >= 0) return { entries: [], userErrors: [inputError(['input', 'entries', String(past), 'expiresAt'], 'expiresAt must be in the future')] };
      return withUserErrors<{ entries: DncEntry[] }>({ entries: [] }, async () => ({
        entries: await adapter.dnc!.add(input.entries.map((e) => ({ phoneNumber: e.phoneNumber, expiresAt: e.expiresAt ?? null })), ctx.scope),
      }));
    },

    dncRemove: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'DNC');
      if (input.phoneNumbers.length === 0) return { entries: [], userErrors: [inputError(['input', 'phoneNumbers'], 'phoneNumbers must not be empty')] };
      return withUserErrors<{ entries: DncEntry[] }>({ entries: [] }, async () => ({ entries: await adapter.dnc!.remove(input.phoneNumbers, ctx.scope) }));
    },

    crmContactDataSend: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'CRM_DATA');
      if (input.contact === null || typeof input.contact !== 'object' || Array.isArray(input.contact)) {
        return { sent: false, userErrors: [inputError(['input', 'contact'], 'contact must be a JSON object')] };
      }
      return withUserErrors<{ sent: boolean }>({ sent: false }, async () => {
        await adapter.crm!.sendContactData(
          {
            callNativeId: input.callNativeId,
            agentNativeId: input.agentNativeId,
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
