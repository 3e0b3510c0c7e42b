/**
 * The call service: the call log merged across connections page by page (connection 1's calls, then
 * connection 2's), reading only what a page needs; call lookups for the loaders; creating calls under the
 * vendor's own rules; and a call's data (end user, customer flags, custom data).
 */
import { asConnectionFailure, capabilityAt, connectionsWith, memberAt, type ConnectionFailure, type PartialResult } from './fanOut';
import { pageAcrossSources, type LazyPage, type PagedSource } from './paging';
import type { Call, CallCreateRequest, CallCreateResult, CallData, CallQuery, CallType, CustomerFlags, InputProblem, RequestScope, Tenant } from './types';

export interface CallListQuery extends CallQuery {
  /** Only these connections (configured ids); all when empty or absent. */
  connectionIds?: readonly string[] | null;
}

export async function listCalls(tenant: Tenant, q: CallListQuery, first: number, after: string | null | undefined, scope: RequestScope): Promise<PartialResult<LazyPage<Call>>> {
  const query: CallQuery = { statuses: q.statuses ?? null, types: q.types ?? null, createdAfter: q.createdAfter ?? null, createdBefore: q.createdBefore ?? null };
  // Not `fanOut`: a page asks the connections one after another, and only as far as it needs.
  const targets = connectionsWith(tenant, 'CALL_LOG', { connectionIds: q.connectionIds });
  const sources: Array<PagedSource<Call>> = targets.map(({ adapter, member }) => ({
    connectionId: adapter.connectionId,
    read: (offset, limit) => member.listCalls(query, offset, limit, scope),
  }));
  const failures: ConnectionFailure[] = [];
  const page = await pageAcrossSources(sources, first, after, (connectionId, err) => {
    failures.push(asConnectionFailure(tenant.connections.get(connectionId)!, err));
  });
  return { value: page, failures };
}

/** Calls of one connection by native id (one vendor read per call: no batch lookup exists); null without a call log. */
export function getCalls(tenant: Tenant, connectionId: string, nativeIds: readonly string[], scope: RequestScope): Promise<Array<Call | null>> | null {
  const log = memberAt(tenant, connectionId, 'CALL_LOG');
  return log ? Promise.all(nativeIds.map((id) => log.getCall(id, scope))) : null;
}

/** Customer flags of calls of one connection (one read per call); null without call data. */
export function getCustomerFlags(tenant: Tenant, connectionId: string, callNativeIds: readonly string[], scope: RequestScope): Promise<Array<CustomerFlags | null>> | null {
  const data = memberAt(tenant, connectionId, 'CALL_DATA');
  return data ? Promise.all(callNativeIds.map((id) => data.getCustomerFlags(id, scope))) : null;
}

/** A create-call request as the client gave it: its type may be one the gateway cannot create. */
export type CallCreateInput = Omit<CallCreateRequest, 'type'> & { type: CallType | string };

const isCreatable = (t: string): t is CallCreateRequest['type'] => t === 'OUTBOUND' || t === 'INBOUND' || t === 'SCHEDULED';

/** Creating calls on one connection (UNSUPPORTED_BY_VENDOR without CALL_CREATE). */
export function callCreatorAt(tenant: Tenant, connectionId: string) {
  const creator = capabilityAt(tenant, connectionId, 'CALL_CREATE').member;
  return {
    /** Problems with the request, by the vendor's own rules; empty when it may be sent. */
    inputProblems(req: CallCreateInput): InputProblem[] {
      if (!isCreatable(req.type)) return [{ field: ['type'], message: 'type must be OUTBOUND, INBOUND or SCHEDULED' }];
      return creator.inputProblems({ ...req, type: req.type });
    },
    create(req: CallCreateInput, scope: RequestScope): Promise<CallCreateResult> {
      return creator.createCall({ ...req, type: req.type as CallCreateRequest['type'] }, scope);
    },
  };
}

/** A call's data on one connection (UNSUPPORTED_BY_VENDOR without CALL_DATA). */
export function callDataAt(tenant: Tenant, connectionId: string): CallData {
  return capabilityAt(tenant, connectionId, 'CALL_DATA').member;
}
