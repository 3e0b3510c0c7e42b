/** Agent presence details and the monitoring tables (runtime, chats, customers), Relay-paged over offset/limit. */
import type { PresenceQuery, PresenceTable } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { encodeGlobalId } from '../ids';
import type { PresenceRowModel } from '../mappers';
import { connectionWith } from '../mutations';
import { pageKeyed } from '../pagination';
import { ameyoAgentStatus } from '../../vendors/ameyo/adapter';

type Args = { connectionId: string; filter?: Record<string, unknown> | null; sort?: Array<{ field: string; direction: 'ASC' | 'DESC' }> | null; first?: number | null; after?: string | null };

/** A table page as a Relay connection; the start key is the row offset. */
function tablePage(table: PresenceTable, args: Args, ctx: GatewayContext) {
  const adapter = connectionWith(ctx, args.connectionId, 'PRESENCE_TABLES');
  const q: PresenceQuery = {
    ...((args.filter ?? {}) as PresenceQuery),
    sortBy: args.sort?.map((s) => `${s.field}:${s.direction.toLowerCase()}`) ?? null,
  };
  return pageKeyed<PresenceRowModel>(
    async (startKey, limit) => {
      const offset = startKey === null ? 0 : Number(startKey);
      const res = await adapter.presence!.page(table, q, offset, limit, ctx.scope);
      const next = offset + res.rows.length;
      const more = res.rows.length === limit && (res.total === null || next < res.total);
      return { items: res.rows.map((row) => ({ connectionId: adapter.connectionId, row })), nextKey: more ? String(next) : null, total: async () => res.total };
    },
    args.first ?? 50,
    args.after,
  );
}

const s = (r: PresenceRowModel, k: string): string | null => {
  const v = r.row[k];
  return v === null || v === undefined || v === '' ? null : String(v);
};
const n = (r: PresenceRowModel, k: string): number | null => (typeof r.row[k] === 'number' ? (r.row[k] as number) : null);
const date = (r: PresenceRowModel, k: string): Date | null => {
  const v = r.row[k];
  if (v === null || v === undefined || v === '') return null;
  const d = new Date(typeof v === 'number' ? v : String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};
const ref = (r: PresenceRowModel, id: string, name: string) => (r.row[id] != null ? { nativeId: String(r.row[id]), name: s(r, name) } : null);
const agentOf = (r: PresenceRowModel, ctx: GatewayContext) => {
  const id = s(r, 'user_id');
  return id ? ctx.loaders.agent.load(nodeKey(r.connectionId, id)) : null;
};
const customerOf = (r: PresenceRowModel) => {
  const c = r.row['customer_details'] as Record<string, unknown> | null | undefined;
  if (!c) return null;
  const phone = c['phone_info'] as Record<string, unknown> | null | undefined;
  return { nativeId: c['id'] != null ? String(c['id']) : null, name: (c['name'] as string) ?? null, phone: (phone?.['phone'] as string) ?? null, crtObjectId: (c['crt_object_id'] as string) ?? null };
};

export const presenceResolvers: Resolvers = {
  Query: {
    agentRuntimes: (_r, args, ctx) => tablePage('user-runtime-information', args as Args, ctx),
    chatInteractions: (_r, args, ctx) => tablePage('chat-information', args as Args, ctx),
    customerInteractions: (_r, args, ctx) => tablePage('customer-information', args as Args, ctx),
  },

  Agent: {
    presence: (a) => (a.presence ? { ...a.presence, connectionId: a.connectionId } : null),
  },
  AgentPresence: {
    callId: (p) => (p.callNativeId ? encodeGlobalId('Call', p.connectionId, p.callNativeId) : null),
  },

  AgentRuntimeConnection: { totalCount: (p) => p.totalCount() },
  ChatInteractionConnection: { totalCount: (p) => p.totalCount() },
  CustomerInteractionConnection: { totalCount: (p) => p.totalCount() },

  AgentRuntime: {
    userId: (r) => s(r, 'user_id') ?? '',
    userName: (r) => s(r, 'user_name'),
    userType: (r) => s(r, 'user_type'),
    status: (r) => ameyoAgentStatus(s(r, 'user_status')),
    rawStatus: (r) => s(r, 'user_status'),
    statusDuration: (r) => n(r, 'user_status_duration'),
    sessionId: (r) => s(r, 'session_id'),
    loginTime: (r) => date(r, 'login_time'),
    logoutTime: (r) => date(r, 'logout_time'),
    campaign: (r) => ref(r, 'campaign_id', 'campaign_name'),
    queue: (r) => ref(r, 'queue_id', 'queue_name'),
    channel: (r) => s(r, 'channel_type'),
    callId: (r) => (s(r, 'call_id') ? encodeGlobalId('Call', r.connectionId, s(r, 'call_id')!) : null),
    chatId: (r) => s(r, 'chat_id'),
    customerStatus: (r) => s(r, 'customer_status'),
    callsHandled: (r) => n(r, 'calls_handled'),
    talkTime: (r) => n(r, 'talk_time'),
    agent: (r, _a, ctx) => agentOf(r, ctx),
    raw: (r) => r.row,
  },

  ChatInteraction: {
    chatId: (r) => s(r, 'chat_id') ?? '',
    sessionId: (r) => s(r, 'session_id'),
    userId: (r) => s(r, 'user_id'),
    agent: (r, _a, ctx) => agentOf(r, ctx),
    campaign: (r) => ref(r, 'campaign_id', 'campaign_name'),
    queue: (r) => ref(r, 'queue_id', 'queue_name'),
    customerStatus: (r) => s(r, 'customer_status'),
    customerStatusDuration: (r) => n(r, 'customer_status_duration'),
    startedAt: (r) => date(r, 'chat_start_time'),
    duration: (r) => n(r, 'chat_duration'),
    customer: (r) => customerOf(r),
    waiting: (r) => (typeof r.row['waiting'] === 'boolean' ? (r.row['waiting'] as boolean) : null),
    raw: (r) => r.row,
  },

  CustomerInteraction: {
    customerId: (r) => s(r, 'customer_id'),
    name: (r) => s(r, 'customer_name'),
    phone: (r) => s(r, 'phone'),
    crtObjectId: (r) => s(r, 'crt_object_id'),
    channel: (r) => s(r, 'channel_type'),
    // Voice calls are identified by their crt object id, which is what voice logs and dispose take.
    callId: (r) => (s(r, 'crt_object_id') && s(r, 'channel_type') !== 'CHAT' ? encodeGlobalId('Call', r.connectionId, s(r, 'crt_object_id')!) : null),
    chatId: (r) => s(r, 'chat_id'),
    sessionId: (r) => s(r, 'session_id'),
    userId: (r) => s(r, 'user_id'),
    agent: (r, _a, ctx) => agentOf(r, ctx),
    campaign: (r) => ref(r, 'campaign_id', 'campaign_name'),
    queue: (r) => ref(r, 'queue_id', 'queue_name'),
    customerStatus: (r) => s(r, 'customer_status'),
    customerStatusDuration: (r) => n(r, 'customer_status_duration'),
    waiting: (r) => (typeof r.row['waiting'] === 'boolean' ? (r.row['waiting'] as boolean) : null),
    raw: (r) => r.row,
  },
};
