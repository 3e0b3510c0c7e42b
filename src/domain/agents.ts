/**
 * The agent service: fans a query out over every connection of the tenant that has an agent directory,
 * merges the answers in config order, and turns a failed connection into a partial failure instead of
 * failing the whole answer.
 */
import { BadUserInputError, InternalError, isSwitchboardError, type SwitchboardError } from '../errors';
import type { Agent, AgentStatus, AppsApiAgentQuery, RequestScope, Tenant, VendorAdapter } from './types';

export interface AgentQuery {
  /** Only these connections (configured ids); all when empty or absent. */
  connectionIds?: readonly string[] | null;
  statuses?: readonly AgentStatus[] | null;
  /** Case-insensitive substring of the name, email, extension or native id. */
  search?: string | null;
  /** Filters the Apps API applies itself; when set, only connections that can apply them answer. */
  appsApi?: AppsApiAgentQuery | null;
}

export interface ConnectionFailure {
  connectionId: string;
  error: SwitchboardError;
}

export interface AgentListing {
  agents: Agent[];
  failures: ConnectionFailure[];
}

/** A SwitchboardError as is; anything else masked as INTERNAL with the connection named. */
export function asConnectionFailure(adapter: VendorAdapter, err: unknown): ConnectionFailure {
  const error = isSwitchboardError(err)
    ? err
    : new InternalError(`connection '${adapter.connectionId}' failed`, { vendor: adapter.vendor, connectionId: adapter.connectionId }, { cause: err });
  return { connectionId: adapter.connectionId, error };
}

/** The tenant's connections named by `ids` (all when empty), refusing ids the tenant does not have. */
export function selectConnections(tenant: Tenant, ids: readonly string[] | null | undefined): VendorAdapter[] {
  if (!ids || ids.length === 0) return [...tenant.connections.values()];
  return ids.map((id) => {
    const adapter = tenant.connections.get(id);
    if (!adapter) throw new BadUserInputError(`unknown connection '${id}'`);
    return adapter;
  });
}

function matches(agent: Agent, q: AgentQuery, needle: string | null): boolean {
  if (q.statuses && q.statuses.length > 0 && !q.statuses.includes(agent.status)) return false;
  if (needle) {
    const hay = [agent.name, agent.email, agent.extension, agent.nativeId].filter(Boolean).join('\n').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

export async function listAgents(tenant: Tenant, q: AgentQuery, scope: RequestScope): Promise<AgentListing> {
  const vendorFilter = q.appsApi ?? null;
  const adapters = selectConnections(tenant, q.connectionIds).filter((a) => (vendorFilter ? a.filterAgents : a.agents));
  const results = await Promise.allSettled(
    adapters.map((a) => (vendorFilter ? a.filterAgents!(vendorFilter, scope) : a.agents!.listAgents(scope))),
  );
  const needle = q.search?.trim().toLowerCase() || null;
  const agents: Agent[] = [];
  const failures: ConnectionFailure[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') agents.push(...r.value.filter((a) => matches(a, q, needle)));
    else failures.push(asConnectionFailure(adapters[i]!, r.reason));
  });
  return { agents, failures };
}
