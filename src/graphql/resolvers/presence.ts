/** Agent presence details and the monitoring tables (runtime, chats, customers), Relay-paged (src/domain/presence.ts). */
import { presenceTablesAt } from '../../domain/presence';
import type { PresenceQuery } from '../../domain/types';
import { BadUserInputError } from '../../errors';
import type { PresenceFilter, PresenceSort, Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { encodeGlobalId, type NodeType } from '../ids';
import { inputNodeId } from '../mutations';

type TableArgs = { connectionId: string; filter?: PresenceFilter | null; sort?: PresenceSort[] | null; first?: number | null; after?: string | null };

/** Global IDs of the table's connection -> the vendor's ids; BAD_USER_INPUT naming the first that is not one. */
function nativeIdsOf(ids: readonly string[] | null | undefined, type: NodeType, connectionId: string, field: string): string[] | null {
  if (!ids) return null;
  return ids.map((id, i) => {
    const r = inputNodeId(id, type, connectionId, ['filter', field, String(i)]);
    if ('error' in r) throw new BadUserInputError(`filter.${field}[${i}]: ${r.error.message}`);
    return r.nativeId;
  });
}

/** The schema's filter (global IDs, and the vendor's ids where the schema has no object) as the vendor's query. */
function presenceQuery(connectionId: string, filter: PresenceFilter | null | undefined, sort: PresenceSort[] | null | undefined): PresenceQuery {
  const f = filter ?? {};
  return {
    campaignIds: nativeIdsOf(f.campaignIds, 'Campaign', connectionId, 'campaignIds'),
    userIds: nativeIdsOf(f.agentIds, 'Agent', connectionId, 'agentIds'),
    userName: f.userName,
    statuses: f.statuses,
    queueIds: f.queueNativeIds,
    userTypes: f.userTypes,
    sessionIds: f.sessionNativeIds,
    callIds: nativeIdsOf(f.callIds, 'Call', connectionId, 'callIds'),
    chatIds: f.chatNativeIds,
    sort: sort ?? null,
  };
}

/** The arguments every table takes: its connection's tables, the query, and the page. */
function tableArgs(args: TableArgs, ctx: GatewayContext) {
  const tables = presenceTablesAt(ctx.tenant, args.connectionId);
  const q = presenceQuery(args.connectionId, args.filter, args.sort);
  return { tables, rest: [q, args.first ?? 50, args.after, ctx.scope] as const };
}

const agentOf = (r: { connectionId: string; agentNativeId: string | null }, ctx: GatewayContext) => (r.agentNativeId ? ctx.loaders.agent.load(nodeKey(r.connectionId, r.agentNativeId)) : null);
const callIdOf = (r: { connectionId: string; callNativeId: string | null }) => (r.callNativeId ? encodeGlobalId('Call', r.connectionId, r.callNativeId) : null);

export const presenceResolvers: Resolvers = {
  Query: {
    agentRuntimes: (_r, args, ctx) => {
      const { tables, rest } = tableArgs(args, ctx);
      return tables.agentRuntimes(...rest);
    },
    chatInteractions: (_r, args, ctx) => {
      const { tables, rest } = tableArgs(args, ctx);
      return tables.chatInteractions(...rest);
    },
    customerInteractions: (_r, args, ctx) => {
      const { tables, rest } = tableArgs(args, ctx);
      return tables.customerInteractions(...rest);
    },
  },

  Agent: {
    presence: (a) => (a.presence ? { ...a.presence, connectionId: a.connectionId } : null),
  },
  AgentPresence: {
    sessionNativeId: (p) => p.sessionId,
    interactionNativeId: (p) => p.interactionId,
    callId: (p) => (p.callNativeId ? encodeGlobalId('Call', p.connectionId, p.callNativeId) : null),
  },
  PresenceCustomer: {
    crtObjectNativeId: (c) => c.crtObjectId,
  },

  AgentRuntimeConnection: { totalCount: (p) => p.totalCount() },
  ChatInteractionConnection: { totalCount: (p) => p.totalCount() },
  CustomerInteractionConnection: { totalCount: (p) => p.totalCount() },

  AgentRuntime: {
    userNativeId: (r) => r.userId,
    sessionNativeId: (r) => r.sessionId,
    chatNativeId: (r) => r.chatId,
    callId: callIdOf,
    agent: (r, _a, ctx) => agentOf(r, ctx),
  },
  ChatInteraction: {
    nativeId: (r) => r.chatId,
    sessionNativeId: (r) => r.sessionId,
    userNativeId: (r) => r.userId,
    agent: (r, _a, ctx) => agentOf(r, ctx),
  },
  CustomerInteraction: {
    customerNativeId: (r) => r.customerId,
    crtObjectNativeId: (r) => r.crtObjectId,
    chatNativeId: (r) => r.chatId,
    sessionNativeId: (r) => r.sessionId,
    userNativeId: (r) => r.userId,
    callId: callIdOf,
    agent: (r, _a, ctx) => agentOf(r, ctx),
  },
};
