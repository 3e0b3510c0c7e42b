/** Queues: live status of every connection's queues, with wait times and operation status on demand (src/domain/queues.ts). */
import { listQueues, operationStatusOf, waitTimesOf } from '../../domain/queues';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId, queueNativeKey } from '../ids';
import { answerPartially } from '../partial';

export const queueResolvers: Resolvers = {
  Query: {
    queues: async (_root, { filter }, ctx, info) => answerPartially(ctx, info, await listQueues(ctx.tenant, filter?.connectionIds, filter?.lang ?? 'en', ctx.scope)),
  },
  Queue: {
    id: (q) => encodeGlobalId('Queue', q.connectionId, queueNativeKey(q.lang ?? 'en', q.nativeId)),
    vendor: (q) => vendorEnum(q.vendor),
    connection: (q, _a, ctx) => ctx.tenant.connections.get(q.connectionId)!,
    waitTimes: (q, _a, ctx) => waitTimesOf(ctx.tenant, q, ctx.scope),
    operationStatus: (q, { channel }, ctx) => operationStatusOf(ctx.tenant, q, channel, ctx.scope),
    // The agents came with the queue: prime the loader so `agent(id)` and `agents` see the same objects for free.
    agents: (q, _a, ctx) => {
      for (const a of q.agents ?? []) ctx.loaders.agent.prime(nodeKey(a.connectionId, a.nativeId), a);
      return q.agents ?? [];
    },
    raw: (q) => q.raw ?? {},
  },
};
