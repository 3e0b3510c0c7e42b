/** Queues: live status of every connection's queues, with wait times and operation status on demand. */
import { responsePathAsArray } from 'graphql';
import { asConnectionFailure, selectConnections } from '../../domain/agents';
import type { Queue } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { vendorEnum } from '../enums';
import { encodeGlobalId, queueNativeKey } from '../ids';
import { nodeKey } from '../context';

export const queueResolvers: Resolvers = {
  Query: {
    queues: async (_root, { filter }, ctx, info) => {
      const lang = filter?.lang ?? 'en';
      const adapters = selectConnections(ctx.tenant, filter?.connectionIds).filter((a) => a.queues);
      const results = await Promise.allSettled(adapters.map((a) => a.queues!.listQueues(lang, ctx.scope)));
      const queues: Queue[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') queues.push(...r.value);
        else ctx.partialErrors.push({ error: asConnectionFailure(adapters[i]!, r.reason).error, path: responsePathAsArray(info.path) });
      });
      return queues;
    },
  },
  Queue: {
    id: (q) => encodeGlobalId('Queue', q.connectionId, queueNativeKey(q.lang ?? 'en', q.nativeId)),
    vendor: (q) => vendorEnum(q.vendor),
    connection: (q, _a, ctx) => ctx.tenant.connections.get(q.connectionId)!,
    waitTimes: async (q, _a, ctx) => {
      // One wait-times read per connection and language, however many queues ask (the route is cached and coalesced).
      const source = ctx.tenant.connections.get(q.connectionId)!.queues!;
      if (!source.waitTimes) return null;
      return (await source.waitTimes(q.lang ?? 'en', ctx.scope)).get(q.nativeId) ?? null;
    },
    operationStatus: async (q, { channel }, ctx) => {
      const source = ctx.tenant.connections.get(q.connectionId)!.queues!;
      if (!source.operationStatus) return null;
      return { channel, ...(await source.operationStatus(q.nativeId, q.lang ?? 'en', channel, ctx.scope)) };
    },
    // The agents came with the queue: prime the loader so `agent(id)` and `agents` see the same objects for free.
    agents: (q, _a, ctx) => {
      for (const a of q.agents ?? []) ctx.loaders.agent.prime(nodeKey(a.connectionId, a.nativeId), a);
      return q.agents ?? [];
    },
    raw: (q) => q.raw ?? {},
  },
};
