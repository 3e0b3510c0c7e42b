/** Campaign activity (lead history) and call dispositions (src/domain/activity.ts). */
import { activityConnection, agentOfEvent, campaignOfEvent, dispositionsAt, listActivity } from '../../domain/activity';
import type { CallDisposition } from '../../domain/types';
import { BadUserInputError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { encodeGlobalId } from '../ids';
import { inputNodeId, nodeRef, withUserErrors } from '../mutations';
import { emptyPage } from '../../domain/paging';
import { answerPartially } from '../partial';

export const activityResolvers: Resolvers = {
  Query: {
    campaignActivity: async (_root, { filter, first, after }, ctx, info) => {
      const connectionId = activityConnection(ctx.tenant, filter);
      if (!connectionId) return emptyPage();
      const campaignNativeIds = (filter.campaignIds ?? []).map((id, i) => {
        const r = inputNodeId(id, 'Campaign', connectionId, ['filter', 'campaignIds', String(i)]);
        if ('error' in r) throw new BadUserInputError(r.error.message);
        return r.nativeId;
      });
      const q = { from: filter.from, to: filter.to, campaignNativeIds };
      return answerPartially(ctx, info, await listActivity(ctx.tenant, connectionId, q, first ?? 50, after, ctx.scope));
    },
  },

  CampaignActivityEvent: {
    campaign: (e, _a, ctx) => campaignOfEvent(ctx.tenant, e, ctx.scope),
    agent: (e, _a, ctx) => agentOfEvent(ctx.tenant, e, ctx.scope),
    callNativeId: (e) => e.callUuid,
    callId: (e) => (e.callUuid ? encodeGlobalId('Call', e.connectionId, e.callUuid) : null),
    raw: (e) => e.raw ?? {},
  },

  Mutation: {
    callDispositionSet: async (_root, { input }, ctx) => {
      const call = nodeRef(ctx, input.callId, 'Call');
      const dispositions = dispositionsAt(ctx.tenant, call.connectionId);
      const disposition = input.disposition;
      dispositions.check(disposition);
      return withUserErrors<{ callId: string | null; disposition: CallDisposition | null }>(
        { callId: null, disposition: null },
        async () => {
          await dispositions.set(call.nativeId, disposition, ctx.scope);
          return { callId: input.callId, disposition };
        },
        { target: { id: input.callId, type: 'Call' } },
      );
    },
  },
};
