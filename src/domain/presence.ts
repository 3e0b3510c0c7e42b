/** The presence service: a connection's live monitoring tables (runtime, chats, customers), Relay-paged over offset/limit. */
import { capabilityAt } from './fanOut';
import { pageKeyed, type LazyPage } from './paging';
import type { PageResult, PresenceQuery, PresenceTables, RequestScope, Tenant } from './types';

type TableRead<T> = (q: PresenceQuery, offset: number, limit: number, scope: RequestScope) => Promise<PageResult<T>>;

/** A table read by offset and limit, as a Relay page whose start key is the row offset. */
function offsetPage<T>(read: TableRead<T>, q: PresenceQuery, first: number, after: string | null | undefined, scope: RequestScope): Promise<LazyPage<T>> {
  return pageKeyed<T>(
    async (startKey, limit) => {
      const offset = startKey === null ? 0 : Number(startKey);
      const res = await read(q, offset, limit, scope);
      const next = offset + res.items.length;
      const more = res.items.length === limit && (res.total === null || next < res.total);
      return { items: res.items, nextKey: more ? String(next) : null, total: async () => res.total };
    },
    first,
    after,
  );
}

/** The monitoring tables of one connection (UNSUPPORTED_BY_VENDOR without PRESENCE_TABLES). */
export function presenceTablesAt(tenant: Tenant, connectionId: string) {
  const tables: PresenceTables = capabilityAt(tenant, connectionId, 'PRESENCE_TABLES').member;
  type Args = [q: PresenceQuery, first: number, after: string | null | undefined, scope: RequestScope];
  return {
    agentRuntimes: (...[q, first, after, scope]: Args) => offsetPage((...a) => tables.agentRuntimes(...a), q, first, after, scope),
    chatInteractions: (...[q, first, after, scope]: Args) => offsetPage((...a) => tables.chatInteractions(...a), q, first, after, scope),
    customerInteractions: (...[q, first, after, scope]: Args) => offsetPage((...a) => tables.customerInteractions(...a), q, first, after, scope),
  };
}
