/** Calls: the call log across connections, a call's references (agent via DataLoader), and call mutations. */
import { callCreatorAt, callDataAt, listCalls } from '../../domain/calls';
import type { Call, CustomerFlags } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId, splitQueueNativeKey } from '../ids';
import { inputError, inputErrors, inputNodeId, nodeRef, withUserErrors, type UserError } from '../mutations';
import { answerPartially } from '../partial';
import { agentOfRecord } from './agents';
import { loadNode } from './nodes';

const agentOf = (ctx: GatewayContext, connectionId: string, nativeId: string | null) => (nativeId ? ctx.loaders.agent.load(nodeKey(connectionId, nativeId)) : null);

type CallRef = { connectionId: string; nativeId: string };

/** A call-data payload's call, read only when asked for. */
const callOf = (ctx: GatewayContext, p: { callRef: CallRef | null }) => (p.callRef ? ctx.loaders.call.load(nodeKey(p.callRef.connectionId, p.callRef.nativeId)) : null);

/** Where the call-create rules' request fields are in the input. */
const CALL_CREATE_FIELDS: Readonly<Record<string, string>> = { queueNativeId: 'queueId', parentCallNativeId: 'parentCallId' };

export const callResolvers: Resolvers = {
  Query: {
    calls: async (_root, { filter, first, after }, ctx, info) => answerPartially(ctx, info, await listCalls(ctx.tenant, filter ?? {}, first ?? 50, after, ctx.scope)),
    call: (_root, { id }, ctx) => loadNode<Call>(id, ctx, 'Call'),
  },

  CallConnection: {
    totalCount: async (page) => (await page.totalCount()) ?? 0,
  },

  Call: {
    id: (c) => encodeGlobalId('Call', c.connectionId, c.nativeId),
    vendor: (c) => vendorEnum(c.vendor),
    connection: (c, _a, ctx) => ctx.tenant.connections.get(c.connectionId)!,
    agent: (c, _a, ctx, info) => agentOfRecord(c, ctx, info),
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
  CallMenu: {
    nativeId: (m) => m.id,
  },
  CallEndUserUpdatePayload: { call: (p, _a, ctx) => callOf(ctx, p) },
  CallCustomerFlagsUpdatePayload: { call: (p, _a, ctx) => callOf(ctx, p) },
  CallCustomDataSendPayload: { call: (p, _a, ctx) => callOf(ctx, p) },

  Mutation: {
    callCreate: async (_root, { input }, ctx) => {
      const creator = callCreatorAt(ctx.tenant, input.connectionId);
      let parentCallNativeId: string | null = null;
      let queueNativeId: string | null = null;
      const idErrors: UserError[] = [];
      if (input.queueId) {
        const queue = inputNodeId(input.queueId, 'Queue', input.connectionId, ['input', 'queueId']);
        if ('error' in queue) idErrors.push(queue.error);
        else queueNativeId = splitQueueNativeKey(queue.nativeId)?.queueNativeId ?? queue.nativeId;
      }
      if (input.parentCallId) {
        const parent = inputNodeId(input.parentCallId, 'Call', input.connectionId, ['input', 'parentCallId']);
        if ('error' in parent) idErrors.push(parent.error);
        else parentCallNativeId = parent.nativeId;
      }
      const req = {
        type: input.type,
        agentEmail: input.agentEmail ?? null,
        endUserNumber: input.endUserNumber ?? null,
        ticketId: input.ticketId ?? null,
        queueNativeId,
        outboundNumber: input.outboundNumber ?? null,
        lang: input.lang ?? 'en',
        recordingPermission: input.recordingPermission ?? null,
        scheduledAt: input.scheduledAt ?? null,
        parentCallNativeId,
      };
      // The vendor's rules, then the ids'. An id that does not parse still counts as given to the rules (it
      // has its own error), as it always has.
      const given = { ...req, queueNativeId: queueNativeId ?? input.queueId ?? null, parentCallNativeId: parentCallNativeId ?? input.parentCallId ?? null };
      const problems = creator.inputProblems(given).map((p) => ({ ...p, field: p.field.map((f, i) => (i === 0 ? (CALL_CREATE_FIELDS[f] ?? f) : f)) }));
      const errors = [...inputErrors(problems), ...idErrors];
      if (errors.length) return { call: null, accepted: false, userErrors: errors };
      return withUserErrors<{ call: Call | null; accepted: boolean }>({ call: null, accepted: false }, async () => {
        const res = await creator.create(req, ctx.scope);
        return res.kind === 'created' ? { call: res.call, accepted: false } : { call: null, accepted: true };
      });
    },

    callEndUserUpdate: async (_root, { input }, ctx) => {
      const { connectionId, nativeId } = nodeRef(ctx, input.callId, 'Call');
      const data = callDataAt(ctx.tenant, connectionId);
      if (!input.identifier.trim()) return { accepted: false, callRef: null, userErrors: [inputError(['input', 'identifier'], 'identifier must not be empty')] };
      return withUserErrors<{ accepted: boolean; callRef: CallRef | null }>(
        { accepted: false, callRef: null },
        async () => {
          await data.updateEndUser(nativeId, { identifier: input.identifier, name: input.name, email: input.email, phone: input.phone }, ctx.scope);
          return { accepted: true, callRef: { connectionId, nativeId } };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },

    callCustomerFlagsUpdate: async (_root, { input }, ctx) => {
      const { connectionId, nativeId } = nodeRef(ctx, input.callId, 'Call');
      const data = callDataAt(ctx.tenant, connectionId);
      const flags = {
        ...(input.verifiedCustomer != null ? { verifiedCustomer: input.verifiedCustomer } : {}),
        ...(input.badActor != null ? { badActor: input.badActor } : {}),
        ...(input.repeatCustomer != null ? { repeatCustomer: input.repeatCustomer } : {}),
      };
      if (Object.keys(flags).length === 0) {
        return { flags: null, callRef: null, userErrors: [inputError(['input'], 'give at least one of verifiedCustomer, badActor, repeatCustomer')] };
      }
      return withUserErrors<{ flags: CustomerFlags | null; callRef: CallRef | null }>(
        { flags: null, callRef: null },
        async () => ({ flags: await data.updateCustomerFlags(nativeId, flags, ctx.scope), callRef: { connectionId, nativeId } }),
        { target: { id: input.callId, type: 'Call' } },
      );
    },

    callCustomDataSend: async (_root, { input }, ctx) => {
      const { connectionId, nativeId } = nodeRef(ctx, input.callId, 'Call');
      const data = callDataAt(ctx.tenant, connectionId);
      const keys = input.fields.map((f) => f.key);
      if (keys.length === 0) return { sent: false, callRef: null, userErrors: [inputError(['input', 'fields'], 'fields must not be empty')] };
      const dup = keys.find((k, i) => keys.indexOf(k) !== i);
      if (dup) return { sent: false, callRef: null, userErrors: [inputError(['input', 'fields'], `field key '${dup}' is given twice`)] };
      return withUserErrors<{ sent: boolean; callRef: CallRef | null }>(
        { sent: false, callRef: null },
        async () => {
          await data.sendCustomData(nativeId, input.fields, input.signed ?? false, ctx.scope);
          return { sent: true, callRef: { connectionId, nativeId } };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },
  },
};
