/**
 * Ameyo monitoring tables (runtime, chats, customers) as domain rows: the data engine's snake_case columns
 * are read here and nowhere else (ameyo-contact-management-and-presence.txt "Agent Presence API's").
 */
import type { AgentRuntime, ChatInteraction, CustomerInteraction, PresenceCustomer, PresenceQuery, PresenceRef, PresenceTables, RequestScope } from '../../../domain/types';
import type { QueryValue } from '../../routes';
import type { MonitoringTable } from '../routes';
import { ameyoAgentStatus } from './agents';
import { str, type AmeyoContext } from './context';

type Row = Record<string, unknown>;

const num = (r: Row, k: string): number | null => (typeof r[k] === 'number' ? r[k] : null);
const date = (r: Row, k: string): Date | null => {
  const v = r[k];
  if (v === null || v === undefined || v === '') return null;
  const d = new Date(typeof v === 'number' ? v : String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};
const ref = (r: Row, id: string, name: string): PresenceRef | null => (r[id] != null ? { nativeId: String(r[id]), name: str(r[name]) } : null);
const waiting = (r: Row) => (typeof r['waiting'] === 'boolean' ? r['waiting'] : null);

/** `customer_details` of a chat row, as the doc's example nests it. */
function customerOf(r: Row): PresenceCustomer | null {
  const c = r['customer_details'] as Row | null | undefined;
  if (!c) return null;
  const phone = c['phone_info'] as Row | null | undefined;
  return { nativeId: c['id'] != null ? String(c['id']) : null, name: (c['name'] as string) ?? null, phone: (phone?.['phone'] as string) ?? null, crtObjectId: (c['crt_object_id'] as string) ?? null };
}

function toAgentRuntime(connectionId: string, r: Row): AgentRuntime {
  return {
    connectionId,
    userId: str(r['user_id']) ?? '',
    userName: str(r['user_name']),
    userType: str(r['user_type']),
    status: ameyoAgentStatus(str(r['user_status'])),
    rawStatus: str(r['user_status']),
    statusDuration: num(r, 'user_status_duration'),
    sessionId: str(r['session_id']),
    loginTime: date(r, 'login_time'),
    logoutTime: date(r, 'logout_time'),
    campaign: ref(r, 'campaign_id', 'campaign_name'),
    queue: ref(r, 'queue_id', 'queue_name'),
    channel: str(r['channel_type']),
    callNativeId: str(r['call_id']),
    chatId: str(r['chat_id']),
    customerStatus: str(r['customer_status']),
    callsHandled: num(r, 'calls_handled'),
    talkTime: num(r, 'talk_time'),
    agentNativeId: str(r['user_id']),
    raw: r,
  };
}

function toChatInteraction(connectionId: string, r: Row): ChatInteraction {
  return {
    connectionId,
    chatId: str(r['chat_id']) ?? '',
    sessionId: str(r['session_id']),
    userId: str(r['user_id']),
    agentNativeId: str(r['user_id']),
    campaign: ref(r, 'campaign_id', 'campaign_name'),
    queue: ref(r, 'queue_id', 'queue_name'),
    customerStatus: str(r['customer_status']),
    customerStatusDuration: num(r, 'customer_status_duration'),
    startedAt: date(r, 'chat_start_time'),
    duration: num(r, 'chat_duration'),
    customer: customerOf(r),
    waiting: waiting(r),
    raw: r,
  };
}

function toCustomerInteraction(connectionId: string, r: Row): CustomerInteraction {
  const crtObjectId = str(r['crt_object_id']);
  const channel = str(r['channel_type']);
  return {
    connectionId,
    customerId: str(r['customer_id']),
    name: str(r['customer_name']),
    phone: str(r['phone']),
    crtObjectId,
    channel,
    // Voice calls are identified by their crt object id, which is what voice logs and dispose take.
    callNativeId: crtObjectId && channel !== 'CHAT' ? crtObjectId : null,
    chatId: str(r['chat_id']),
    sessionId: str(r['session_id']),
    userId: str(r['user_id']),
    agentNativeId: str(r['user_id']),
    campaign: ref(r, 'campaign_id', 'campaign_name'),
    queue: ref(r, 'queue_id', 'queue_name'),
    customerStatus: str(r['customer_status']),
    customerStatusDuration: num(r, 'customer_status_duration'),
    waiting: waiting(r),
    raw: r,
  };
}

/** Documented monitoring filters (kebab-case) for a presence query. */
function monitoringFilters(q: PresenceQuery): Record<string, QueryValue> {
  return {
    'campaign-ids': q.campaignIds ?? undefined,
    'user-ids': q.userIds ?? undefined,
    'user-name': q.userName ?? undefined,
    status: q.statuses ?? undefined,
    'queue-ids': q.queueIds ?? undefined,
    'user-types': q.userTypes ?? undefined,
    'session-ids': q.sessionIds ?? undefined,
    'call-ids': q.callIds ?? undefined,
    'chat-ids': q.chatIds ?? undefined,
  };
}

export function createPresenceTables({ client, cid }: AmeyoContext): PresenceTables {
  const page =
    <T>(table: MonitoringTable, toRow: (cid: string, r: Row) => T) =>
    async (q: PresenceQuery, offset: number, limit: number, scope: RequestScope) => {
      // `sort_by=prop:asc`, repeatable, in the table's own column names.
      const sortBy = q.sort?.map((s) => `${s.field}:${s.direction.toLowerCase()}`);
      const res = await client.monitoring(scope, table, { offset, limit, ...(sortBy?.length ? { sortBy } : {}), filters: monitoringFilters(q) });
      return { items: (res.rows as Row[]).map((r) => toRow(cid, r)), total: res.total };
    };
  return {
    agentRuntimes: page('user-runtime-information', toAgentRuntime),
    chatInteractions: page('chat-information', toChatInteraction),
    customerInteractions: page('customer-information', toCustomerInteraction),
  };
}
