/**
 * Dialing and disposition, each under a required idempotency key, and the dial attempts they answer with
 * (src/domain/dialing.ts). The connection is the one the input's object ids name.
 */
import { dialerAt, type DialAttempt } from '../../domain/dialing';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey } from '../context';
import { vendorEnum } from '../enums';
import { dialAttemptNativeKey, encodeGlobalId } from '../ids';
import { inputError, inputNodeId, nodeRef, type UserError } from '../mutations';
import { loadNode } from './nodes';

const keyError = (key: string) => (key.trim().length < 8 || key.length > 255 ? [inputError(['input', 'idempotencyKey'], 'idempotencyKey must be 8 to 255 characters')] : []);

/** The errors of parsed input ids, in input order. */
const idErrors = (...parsed: Array<{ nativeId: string } | { error: UserError }>) => parsed.flatMap((p) => ('error' in p ? [p.error] : []));

export const dialAttemptId = (a: DialAttempt) => encodeGlobalId('DialAttempt', a.connectionId, dialAttemptNativeKey(a.command, a.idempotencyKey));

export const dialingResolvers: Resolvers = {
  Query: {
    dialAttempt: (_r, { id }, ctx) => loadNode<DialAttempt>(id, ctx, 'DialAttempt'),
  },

  DialAttempt: {
    id: (a) => dialAttemptId(a),
    vendor: (a) => vendorEnum(a.vendor),
    connection: (a, _args, ctx) => ctx.tenant.connections.get(a.connectionId)!,
    agent: (a, _args, ctx) => ctx.loaders.agent.load(nodeKey(a.connectionId, a.agentNativeId)),
    campaign: (a, _args, ctx) => ctx.loaders.campaign.load(nodeKey(a.connectionId, a.campaignNativeId)),
    requestedAt: (a) => new Date(a.requestedAt),
  },

  CallDisposePayload: {
    agent: (p, _args, ctx) => (p.agentRef ? ctx.loaders.agent.load(nodeKey(p.agentRef.connectionId, p.agentRef.nativeId)) : null),
  },

  Mutation: {
    callDial: async (_r, { input }, ctx) => {
      const campaign = nodeRef(ctx, input.campaignId, 'Campaign');
      const dialer = dialerAt(ctx.tenant, campaign.connectionId, ctx.idempotency);
      const agent = inputNodeId(input.agentId, 'Agent', campaign.connectionId, ['input', 'agentId']);
      const errors = [...keyError(input.idempotencyKey), ...idErrors(agent)];
      if (errors.length || 'error' in agent) return { dialAttempt: null, userErrors: errors };
      const { attempt, userErrors } = await dialer.dial(
        { key: input.idempotencyKey, input },
        {
          userId: agent.nativeId,
          campaignId: campaign.nativeId,
          phone: input.phoneNumber,
          customerRecord: input.customerRecord ?? null,
          extraParams: input.extraParams ?? null,
          shouldAddCustomer: input.shouldAddCustomer ?? null,
        },
        ctx.scope,
      );
      return { dialAttempt: attempt, userErrors };
    },

    callDispose: async (_r, { input }, ctx) => {
      const agent = nodeRef(ctx, input.agentId, 'Agent');
      const dialer = dialerAt(ctx.tenant, agent.connectionId, ctx.idempotency);
      const errors = keyError(input.idempotencyKey);
      if (!input.dispositionCode.trim()) errors.push(inputError(['input', 'dispositionCode'], 'dispositionCode must not be empty'));
      if (errors.length) return { accepted: false, vendorReason: null, agentRef: null, userErrors: errors };
      const outcome = await dialer.dispose(
        { key: input.idempotencyKey, input },
        {
          userId: agent.nativeId,
          dispositionCode: input.dispositionCode,
          callbackTime: input.callbackAt ?? null,
          selfCallback: input.selfCallback ?? null,
          phone: input.phoneNumber ?? null,
          notes: input.notes ?? null,
          requestId: input.idempotencyKey,
        },
        ctx.scope,
      );
      return { accepted: outcome.accepted, vendorReason: outcome.vendorReason, agentRef: agent, userErrors: outcome.userErrors };
    },

    callDisposeAndDial: async (_r, { input }, ctx) => {
      const agent = nodeRef(ctx, input.agentId, 'Agent');
      const dialer = dialerAt(ctx.tenant, agent.connectionId, ctx.idempotency);
      const campaign = inputNodeId(input.campaignId, 'Campaign', agent.connectionId, ['input', 'campaignId']);
      const call = inputNodeId(input.callId, 'Call', agent.connectionId, ['input', 'callId']);
      const errors = [...keyError(input.idempotencyKey), ...idErrors(campaign, call)];
      if (!input.dispositionCode.trim()) errors.push(inputError(['input', 'dispositionCode'], 'dispositionCode must not be empty'));
      if (errors.length || 'error' in campaign || 'error' in call) return { dialAttempt: null, userErrors: errors };
      const { attempt, userErrors } = await dialer.disposeAndDial(
        { key: input.idempotencyKey, input },
        {
          userId: agent.nativeId,
          campaignContextId: campaign.nativeId,
          crtObjectId: call.nativeId,
          userCrtObjectId: input.agentLegNativeId || null,
          dispositionCode: input.dispositionCode,
          phone: input.phoneNumber,
          customerId: input.customerNativeId ?? null,
          requestId: input.idempotencyKey,
        },
        ctx.scope,
      );
      // The dialer names the request's fields; the caller knows them as this input's.
      const inputField: Record<string, string[]> = { userCrtObjectId: ['input', 'agentLegNativeId'] };
      return { dialAttempt: attempt, userErrors: userErrors.map((e) => (e.field?.length === 1 && inputField[e.field[0]!] ? { ...e, field: inputField[e.field[0]!]! } : e)) };
    },
  },
};
