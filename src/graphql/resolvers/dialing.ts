/** Dialing and disposition (Ameyo), each under a required idempotency key. */
import { runIdempotent } from '../../domain/idempotency';
import type { DialResult } from '../../domain/types';
import { UpstreamTimeoutError, isSwitchboardError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import type { GatewayContext } from '../context';
import { connectionWith, inputError, inputNodeId, type UserError } from '../mutations';

type CommandPayload = { accepted: boolean; vendorReason: string | null; userErrors: UserError[] };

const fromResult = (r: DialResult): CommandPayload =>
  r.success
    ? { accepted: true, vendorReason: r.reason, userErrors: [] }
    : { accepted: false, vendorReason: r.reason, userErrors: [{ field: null, message: r.reason ?? 'the vendor refused the command', code: 'VENDOR_REFUSED' }] };

/**
 * Runs a command once per idempotency key, in the caller's tenant's records (the key is scoped there by
 * connection and mutation). A timeout or reset after sending is reported as such and never retried: the
 * vendor may have acted (notes/hardening-and-libraries.md §4).
 */
async function idempotent(ctx: GatewayContext, mutation: string, connectionId: string, input: { idempotencyKey: string }, work: () => Promise<DialResult>): Promise<CommandPayload> {
  const key = [connectionId, mutation, input.idempotencyKey].join('\u0000');
  return runIdempotent(ctx.idempotency, ctx.tenant.id, key, input.idempotencyKey, input, async () => {
    try {
      return fromResult(await work());
    } catch (err) {
      if (isSwitchboardError(err) && (err.code === 'UPSTREAM_TIMEOUT' || err.code === 'UPSTREAM_UNAVAILABLE') && !err.facts.notSent) {
        throw new UpstreamTimeoutError(
          `${err.facts.vendor ?? 'the vendor'} did not answer; the command may have reached it and was not retried. Check the agent's call before trying again with a new idempotencyKey.`,
          { ...err.facts, retryable: false },
          { cause: err },
        );
      }
      if (isSwitchboardError(err) && err.code === 'BAD_USER_INPUT') {
        return { accepted: false, vendorReason: null, userErrors: [{ field: null, message: err.message, code: 'BAD_USER_INPUT' }] };
      }
      throw err;
    }
  });
}

const keyError = (key: string) => (key.trim().length < 8 || key.length > 255 ? [inputError(['input', 'idempotencyKey'], 'idempotencyKey must be 8 to 255 characters')] : []);

export const dialingResolvers: Resolvers = {
  Mutation: {
    callDial: async (_r, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'DIALER');
      const agent = inputNodeId(input.agentId, 'Agent', input.connectionId, ['input', 'agentId']);
      const errors = [...keyError(input.idempotencyKey), ...('error' in agent ? [agent.error] : [])];
      if (errors.length || 'error' in agent) return { accepted: false, vendorReason: null, userErrors: errors };
      return idempotent(ctx, 'callDial', input.connectionId, input, () =>
        adapter.dialer!.dial(
          {
            userId: agent.nativeId,
            campaignId: input.campaignId,
            phone: input.phoneNumber,
            customerRecord: input.customerRecord ?? null,
            extraParams: input.extraParams ?? null,
            shouldAddCustomer: input.shouldAddCustomer ?? null,
          },
          ctx.scope,
        ),
      );
    },

    callDispose: async (_r, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'DIALER');
      const agent = inputNodeId(input.agentId, 'Agent', input.connectionId, ['input', 'agentId']);
      const errors = [...keyError(input.idempotencyKey), ...('error' in agent ? [agent.error] : [])];
      if (!input.dispositionCode.trim()) errors.push(inputError(['input', 'dispositionCode'], 'dispositionCode must not be empty'));
      if (errors.length || 'error' in agent) return { accepted: false, vendorReason: null, userErrors: errors };
      return idempotent(ctx, 'callDispose', input.connectionId, input, () =>
        adapter.dialer!.dispose(
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
        ),
      );
    },

    callDisposeAndDial: async (_r, { input }, ctx) => {
      const adapter = connectionWith(ctx, input.connectionId, 'DIALER');
      const agent = inputNodeId(input.agentId, 'Agent', input.connectionId, ['input', 'agentId']);
      const call = inputNodeId(input.callId, 'Call', input.connectionId, ['input', 'callId']);
      const errors = [...keyError(input.idempotencyKey), ...('error' in agent ? [agent.error] : []), ...('error' in call ? [call.error] : [])];
      if (!input.dispositionCode.trim()) errors.push(inputError(['input', 'dispositionCode'], 'dispositionCode must not be empty'));
      if (errors.length || 'error' in agent || 'error' in call) return { accepted: false, vendorReason: null, userErrors: errors };
      return idempotent(ctx, 'callDisposeAndDial', input.connectionId, input, () =>
        adapter.dialer!.disposeAndDial(
          {
            userId: agent.nativeId,
            campaignContextId: input.campaignId,
            crtObjectId: call.nativeId,
            userCrtObjectId: input.agentLegId ?? null,
            dispositionCode: input.dispositionCode,
            phone: input.phoneNumber,
            customerId: input.customerId ?? null,
            requestId: input.idempotencyKey,
          },
          ctx.scope,
        ),
      );
    },
  },
};
