/**
 * Subscriptions (issue 17): each listens to one topic of the live bus for the caller's tenant only, holds the
 * freshness engine's pollers of the connections it watches while it runs, and answers the same `Agent`,
 * `Queue` and `Call` objects (and ids) as the queries. Events wait in a bounded queue per subscription; a
 * client that lets it fill is dropped (`LiveServices.slowConsumer`), never buffered without bound.
 */
import type { Agent } from '../../domain/types';
import { selectConnections } from '../../domain/fanOut';
import { BadUserInputError } from '../../errors';
import { hasRole } from '../../identity/principal';
import type { LiveResource } from '../../live/engine';
import type { AgentPresenceEvent, CallLiveEvent, LiveEvent, LiveTopic, QueueStatusEvent } from '../../live/events';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { decodeGlobalId, queueNativeKey, type NodeType } from '../ids';
import { agentOfRecord } from './agents';

/** What each topic's subscribers keep polled (lead import progress is published by the import runner, not polled). */
const TOPIC_RESOURCES: Record<LiveTopic, LiveResource | null> = { agentPresence: 'agents', queueStatus: 'queues', callEvents: 'calls', leadImport: null };

/** `type:connection:native` keys of the global ids, each of which must be of `type`. */
function idKeys(ids: readonly string[] | null | undefined, type: NodeType, field: string): Set<string> | null {
  if (!ids || ids.length === 0) return null;
  const keys = new Set<string>();
  for (const id of ids) {
    const g = decodeGlobalId(id);
    if (g.type !== type) throw new BadUserInputError(`filter.${field}: expected ${type} IDs, got a ${g.type} ID`);
    keys.add(nodeKey(g.connectionId, g.nativeId));
  }
  return keys;
}

/** The caller's tenant's events on `topic` that `accept` takes, as an async iterator with a bounded queue. */
export function listen<E extends LiveEvent>(ctx: GatewayContext, topic: LiveTopic, connectionIds: readonly string[] | null | undefined, accept: (e: E) => boolean): AsyncIterableIterator<E> {
  const live = ctx.live;
  if (!live) throw new BadUserInputError('subscriptions are served over graphql-ws (WebSocket on /graphql) or graphql-sse (/graphql/stream)');
  const tenant = ctx.tenant;
  const connections = selectConnections(tenant, connectionIds).map((a) => a.connectionId);
  const watched = new Set(connections);
  const pending: E[] = [];
  let wake: ((r: IteratorResult<E>) => void) | null = null;
  let done = false;
  let dropped = false;

  const off = live.bus.subscribe(tenant.id, topic, (event) => {
    if (done || !watched.has(event.connectionId) || !accept(event as E)) return;
    if (wake) {
      const w = wake;
      wake = null;
      return w({ value: event as E, done: false });
    }
    if (pending.length >= live.maxQueuedEvents) {
      if (!dropped) {
        dropped = true;
        live.slowConsumer(pending.length);
      }
      return;
    }
    pending.push(event as E);
  });
  // Polls the connections this subscription watches for as long as it runs (a topic's events from Ameyo's CRM URLs need none).
  const resource = TOPIC_RESOURCES[topic];
  const releases = resource ? connections.map((cid) => live.engine.hold(tenant.id, cid, resource)) : [];
  const finish = () => {
    if (done) return;
    done = true;
    off();
    for (const release of releases) release();
    pending.length = 0;
    if (wake) {
      wake({ value: undefined, done: true });
      wake = null;
    }
  };
  const iterator: AsyncIterableIterator<E> = {
    next: () => {
      if (pending.length > 0) return Promise.resolve({ value: pending.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw: (err: unknown) => {
      finish();
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Each event is resolved with fresh loaders: an agent read for one event is not the next event's. */
function fresh<T>(payload: T, ctx: GatewayContext): T {
  for (const loader of Object.values(ctx.loaders) as Array<{ clearAll(): unknown }>) loader.clearAll();
  ctx.partialErrors.length = 0;
  return payload;
}

export const liveResolvers: Resolvers = {
  Subscription: {
    agentPresenceChanged: {
      subscribe: (_root, { filter }, ctx) => {
        const agents = idKeys(filter?.agentIds, 'Agent', 'agentIds');
        const statuses = filter?.statuses?.length ? new Set<string>(filter.statuses) : null;
        return listen<AgentPresenceEvent>(ctx, 'agentPresence', filter?.connectionIds, (e) => {
          if (agents && !agents.has(nodeKey(e.connectionId, e.agent.nativeId))) return false;
          return !statuses || statuses.has(e.agent.status);
        });
      },
      resolve: (e: AgentPresenceEvent, _a: unknown, ctx: GatewayContext) => fresh(e, ctx),
    },
    queueStatusChanged: {
      subscribe: (_root, { filter }, ctx) => {
        const queues = idKeys(filter?.queueIds, 'Queue', 'queueIds');
        return listen<QueueStatusEvent>(ctx, 'queueStatus', filter?.connectionIds, (e) => !queues || queues.has(nodeKey(e.connectionId, queueNativeKey(e.queue.lang ?? 'en', e.queue.nativeId))));
      },
      resolve: (e: QueueStatusEvent, _a: unknown, ctx: GatewayContext) => fresh(e, ctx),
    },
    callEvents: {
      subscribe: (_root, { filter }, ctx) => {
        const agents = idKeys(filter?.agentIds, 'Agent', 'agentIds');
        const types = filter?.types?.length ? new Set<string>(filter.types) : null;
        const { principal } = ctx;
        const everyCall = hasRole(principal, 'supervisor');
        return listen<CallLiveEvent>(ctx, 'callEvents', filter?.connectionIds, (e) => {
          const agentNativeId = e.agentNativeId ?? e.call?.agentNativeId ?? null;
          // An AGENT receives the events of their own agent only.
          if (!everyCall && (principal.kind !== 'user' || agentNativeId === null || principal.agentOn(e.connectionId) !== agentNativeId)) return false;
          if (agents && (agentNativeId === null || !agents.has(nodeKey(e.connectionId, agentNativeId)))) return false;
          return !types || types.has(e.type);
        });
      },
      resolve: (e: CallLiveEvent, _a: unknown, ctx: GatewayContext) => fresh(e, ctx),
    },
  },
  AgentPresenceChange: {
    agent: (e) => e.agent,
    previousStatus: (e) => e.previousStatus,
    at: (e) => e.at,
  },
  QueueStatusChange: {
    queue: (e) => e.queue,
    at: (e) => e.at,
  },
  CallEvent: {
    connection: (e, _a, ctx) => ctx.tenant.connections.get(e.connectionId)!,
    call: (e) => e.call,
    callNativeId: (e) => e.callNativeId ?? e.call?.nativeId ?? null,
    agent: (e, _a, ctx, info) => {
      if (e.call) return agentOfRecord(e.call, ctx, info) as Agent | Promise<Agent | null> | null;
      const vendor = ctx.tenant.connections.get(e.connectionId)?.vendor;
      if (!e.agentNativeId || !vendor) return null;
      return agentOfRecord({ connectionId: e.connectionId, vendor, agentNativeId: e.agentNativeId, agentSummary: null }, ctx, info) as Agent | Promise<Agent | null> | null;
    },
    screenPop: (e) => e.screenPop,
    at: (e) => e.at,
  },
  ScreenPop: {
    sessionId: (s) => s.sessionNativeId,
    campaignId: (s) => s.campaignNativeId,
    userId: (s) => s.userNativeId,
    customerId: (s) => s.customerNativeId,
    queueId: (s) => s.queueNativeId,
  },
};
