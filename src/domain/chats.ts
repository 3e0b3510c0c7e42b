/**
 * The chat service: chats merged across connections page by page (as the call log is), chat lookups, and the
 * commands on a chat of one connection (create, finish, resume, messages, escalation, media, the chat's data).
 */
import { asConnectionFailure, capabilityAt, connectionsWith, memberAt, type ConnectionFailure, type PartialResult } from './fanOut';
import { pageAcrossSources, type LazyPage, type PagedSource } from './paging';
import type { Chat, ChatControl, ChatQuery, RequestScope, Tenant } from './types';

export interface ChatListQuery extends ChatQuery {
  /** Only these connections (configured ids); all when empty or absent. */
  connectionIds?: readonly string[] | null;
}

export async function listChats(tenant: Tenant, q: ChatListQuery, first: number, after: string | null | undefined, scope: RequestScope): Promise<PartialResult<LazyPage<Chat>>> {
  const query: ChatQuery = { statuses: q.statuses ?? null, createdAfter: q.createdAfter ?? null, createdBefore: q.createdBefore ?? null };
  const targets = connectionsWith(tenant, 'CHAT_LOG', { connectionIds: q.connectionIds });
  const sources: Array<PagedSource<Chat>> = targets.map(({ adapter, member }) => ({
    connectionId: adapter.connectionId,
    read: (offset, limit) => member.listChats(query, offset, limit, scope),
  }));
  const failures: ConnectionFailure[] = [];
  const page = await pageAcrossSources(sources, first, after, (connectionId, err) => {
    failures.push(asConnectionFailure(tenant.connections.get(connectionId)!, err));
  });
  return { value: page, failures };
}

/** One chat by native id; null without a chat log or when the vendor has no such chat. */
export async function getChat(tenant: Tenant, connectionId: string, nativeId: string, scope: RequestScope): Promise<Chat | null> {
  const log = memberAt(tenant, connectionId, 'CHAT_LOG');
  return log ? log.getChat(nativeId, scope) : null;
}

/** The commands on chats of one connection (UNSUPPORTED_BY_VENDOR without CHAT_CONTROL). */
export function chatControlAt(tenant: Tenant, connectionId: string): ChatControl {
  return capabilityAt(tenant, connectionId, 'CHAT_CONTROL').member;
}
