/** Calls: the call log across connections, a call's references (agent via DataLoader), and call mutations. */
import { responsePathAsArray } from 'graphql';
import { selectConnections } from '../../domain/agents';
import type { Call, CallCreateRequest, CustomerFlags } from '../../domain/types';
import { asConnectionFailure } from '../../domain/agents';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId } from '../ids';
import { connectionWith, inputError, inputNodeId, isBlank, nodeWith, withUserErrors, type UserError } from '../mutations';
import { pageAcrossSources, type PagedSource } from '../pagination';
import { loadNode } from './nodes';

const agentOf = (ctx: GatewayContext, connectionId: string, nativeId: string | null) =>
  nativeId ? ctx.loaders.agent.load(nodeKey(connectionId, nativeId)) : null;

/** Checks a create-call input against the vendor doc's per-type rules before anything is sent. */
function callCreateInputErrors(input: {
  type: string;
  agentEmail?: string | null;
  endUserNumber?: string | null;
  ticketId?: string | null;
  menuId?: string | null;
  scheduledAt?: Date | null;
  parentCallId?: string | null;
}): UserError[] {
  const errors: UserError[] = [];
  const need = (field: string, message: string) => errors.push(inputError(['input', field], message));
  switch (input.type) {
    case 'OUTBOUND':
      if (isBlank(input.agentEmail)) need('agentEmail', 'agentEmail is required for an OUTBOUND call');
      if (isBlank(input.endUserNumber) && isBlank(input.ticketId)) need('endUserNumber', 'endUserNumber or ticketId is required for an OUTBOUND call');
      break;
    case 'INBOUND':
      if (isBlank(input.menuId)) need('menuId', 'menuId is required for an INBOUND call');
      if (isBlank(input.endUserNumber)) need('endUserNumber', 'endUserNumber is required for an INBOUND call');
      break;
    case 'SCHEDULED':
      if (isBlank(input.endUserNumber)) need('endUserNumber', 'endUserNumber is required for a SCHEDULED call');
      if (isBlank(input.menuId) && isBlank(input.parentCallId)) need('menuId', 'menuId is required for a SCHEDULED call unless parentCallId is given');
      if (!input.scheduledAt) need('scheduledAt', 'scheduledAt is required for a SCHEDULED call');
      else if (input.scheduledAt.getTime() <= Date.now()) need('scheduledAt', 'scheduledAt must be in the future');
      break;
    default:
      need('type', 'type must be OUTBOUND, INBOUND or SCHEDULED');
  }
  return errors;
}

export const callResolvers: Resolvers = {
  Query: {
    calls: async (_root, { filter, first, after }, ctx, info) => {
      const f = filter ?? {};
      const q = { statuses: f.statuses ?? null, types: f.types ?? null, createdAfter: f.createdAfter ?? null, createdBefore: f.createdBefore ?? null };
      const sources: Array<PagedSource<Call>> = selectConnections(ctx.tenant, f.connectionIds)
        .filter((a) => a.calls)
        .map((a) => ({ connectionId: a.connectionId, read: (offset, limit) => a.calls!.listCalls(q, offset, limit, ctx.scope) }));
      return pageAcrossSources(sources, first ?? 50, after, (connectionId, err) => {
        ctx.partialErrors.push({ error: asConnectionFailure(ctx.tenant.connections.get(connectionId)!, err).error, path: responsePathAsArray(info.path) });
      });
    },
    call: (_root, { id }, ctx) => loadNode<Call>(id, ctx, 'Call'),
  },

  CallConnection: {
    totalCount: async (page) => (await page.totalCount()) ?? 0,
  },

  Call: {
    id: (c) => encodeGlobalId('Call', c.connectionId, c.nativeId),
    vendor: (c) => vendorEnum(c.vendor),
    connection: (c, _a, ctx) => ctx.tenant.connections.get(c.connectionId)!,
    agent: (c, _a, ctx) => agentOf(ctx, c.connectionId, c.agentNativeId),
    parentCallId: (c) => (c.parentNativeId ? encodeGlobalId('Call', c.connectionId, c.parentNativeId) : null),
    customerFlags: (c, _a, ctx) => ctx.loaders.customerFlags.load(nodeKey(c.connectionId, c.nativeId)),
    raw: (c) => c.raw ?? {},
  },
  CallTransfer: {
    fromAgent: (t, _a, ctx) => agentOf(ctx, t.connectionId, t.fromAgentNativeId),
    toAgent: (t, _a, ctx) => agentOf(ctx, t.connectionId, t.toAgentNativeId),
  },
  CallParticipant: {
    agent: (p, _a, ctx) => agentOf(ctx, p.connectionId, p.agentNativeId),
  },

  Mutation: {
    callCreate: async (_root, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'CALL_CREATE');
      const errors = callCreateInputErrors(input);
      let parentCallNativeId: string | null = null;
      if (input.parentCallId) {
        const parent = inputNodeId(input.parentCallId, 'Call', input.connectionId, ['input', 'parentCallId']);
        if ('error' in parent) errors.push(parent.error);
        else parentCallNativeId = parent.nativeId;
      }
      if (errors.length) return { call: null, accepted: false, userErrors: errors };
      const req: CallCreateRequest = {
        type: input.type as CallCreateRequest['type'],
        agentEmail: input.agentEmail ?? null,
        endUserNumber: input.endUserNumber ?? null,
        ticketId: input.ticketId ?? null,
        menuId: input.menuId ?? null,
        outboundNumber: input.outboundNumber ?? null,
        lang: input.lang ?? 'en',
        recordingPermission: input.recordingPermission ?? null,
        scheduledAt: input.scheduledAt ?? null,
        parentCallNativeId,
      };
      return withUserErrors<{ call: Call | null; accepted: boolean }>({ call: null, accepted: false }, async () => {
        const res = await adapter.callCreator!.createCall(req, ctx.scope);
        return res.kind === 'created' ? { call: res.call, accepted: false } : { call: null, accepted: true };
      });
    },

    callEndUserUpdate: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.callId, 'Call', 'CALL_DATA');
      if (!input.identifier.trim()) return { accepted: false, userErrors: [inputError(['input', 'identifier'], 'identifier must not be empty')] };
      return withUserErrors<{ accepted: boolean }>(
        { accepted: false },
        async () => {
          await adapter.callData!.updateEndUser(nativeId, { identifier: input.identifier, name: input.name, email: input.email, phone: input.phone }, ctx.scope);
          return { accepted: true };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },

    callCustomerFlagsUpdate: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.callId, 'Call', 'CALL_DATA');
      const flags = {
        ...(input.verifiedCustomer != null ? { verifiedCustomer: input.verifiedCustomer } : {}),
        ...(input.badActor != null ? { badActor: input.badActor } : {}),
        ...(input.repeatCustomer != null ? { repeatCustomer: input.repeatCustomer } : {}),
      };
      if (Object.keys(flags).length === 0) {
        return { flags: null, userErrors: [inputError(['input'], 'give at least one of verifiedCustomer, badActor, repeatCustomer')] };
      }
      return withUserErrors<{ flags: CustomerFlags | null }>({ flags: null }, async () => ({ flags: await adapter.callData!.updateCustomerFlags(nativeId, flags, ctx.scope) }), {
        target: { id: input.callId, type: 'Call' },
      });
    },

    callCustomDataSend: async (_root, { input }, ctx) => {
      const { adapter, nativeId } = nodeWith(ctx, input.callId, 'Call', 'CALL_DATA');
      const keys = input.fields.map((f) => f.key);
      if (keys.length === 0) return { sent: false, userErrors: [inputError(['input', 'fields'], 'fields must not be empty')] };
      const dup = keys.find((k, i) => keys.indexOf(k) !== i);
      if (dup) return { sent: false, userErrors: [inputError(['input', 'fields'], `field key '${dup}' is given twice`)] };
      return withUserErrors<{ sent: boolean }>(
        { sent: false },
        async () => {
          await adapter.callData!.sendCustomData(nativeId, input.fields, input.signed ?? false, ctx.scope);
          return { sent: true };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },
  },
};
