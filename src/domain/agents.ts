/**
 * The agent service: lists agents across every connection of the tenant that has an agent directory
 * (merged in config order, a failed connection a partial failure), applies the schema's filters the same
 * way to every vendor's agents, looks agents up for the loader, and sets statuses and logs agents out.
 */
import { capabilityAt, fanOut, memberAt, type PartialResult } from './fanOut';
import type { Agent, AgentCriteria, AgentStatus, AgentControl, RequestScope, Tenant } from './types';

export interface AgentQuery extends AgentCriteria {
  /** Only these connections (configured ids); all when empty or absent. */
  connectionIds?: readonly string[] | null;
  statuses?: readonly AgentStatus[] | null;
  /** Case-insensitive substring of the name, email, extension or native id. */
  search?: string | null;
  /**
   * The escape hatch: vendor filter languages by the schema field that carries each
   * (`AgentFilter.vendorFilter`). When any is set, only connections whose directory declares one answer.
   */
  vendorFilters?: Readonly<Record<string, unknown>> | null;
}

const hasCriteria = (c: AgentCriteria) => Boolean(c.extensions?.length) || (c.online !== null && c.online !== undefined) || Boolean(c.statusChangedAfter) || Boolean(c.statusChangedBefore);

/** Whether an agent meets the capability-shaped criteria, whichever vendor it came from. */
export function matchesCriteria(agent: Agent, c: AgentCriteria): boolean {
  if (c.extensions?.length && (agent.extension === null || !c.extensions.includes(agent.extension))) return false;
  if (c.online === true && agent.status === 'OFFLINE') return false;
  if (c.online === false && agent.status !== 'OFFLINE') return false;
  const changed = agent.statusChangedAt?.getTime() ?? null;
  if (c.statusChangedAfter && (changed === null || changed < c.statusChangedAfter.getTime())) return false;
  if (c.statusChangedBefore && (changed === null || changed > c.statusChangedBefore.getTime())) return false;
  return true;
}

function matches(agent: Agent, q: AgentQuery, needle: string | null): boolean {
  if (q.statuses && q.statuses.length > 0 && !q.statuses.includes(agent.status)) return false;
  if (needle) {
    const hay = [agent.name, agent.email, agent.extension, agent.nativeId].filter(Boolean).join('\n').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return matchesCriteria(agent, q);
}

/** The vendor filters the client set, as `[field, raw]` pairs; empty when none. */
const vendorFiltersOf = (q: AgentQuery): Array<[string, unknown]> => Object.entries(q.vendorFilters ?? {}).filter(([, raw]) => raw !== null && raw !== undefined);

export async function listAgents(tenant: Tenant, q: AgentQuery, scope: RequestScope): Promise<PartialResult<Agent[]>> {
  const vendorFilters = vendorFiltersOf(q);
  const criteria: AgentCriteria = { extensions: q.extensions, online: q.online, statusChangedAfter: q.statusChangedAfter, statusChangedBefore: q.statusChangedBefore };
  const needle = q.search?.trim().toLowerCase() || null;
  const answered = await fanOut(
    tenant,
    'AGENT_DIRECTORY',
    async (directory, adapter) => {
      if (vendorFilters.length > 0) {
        const own = vendorFilters.find(([field]) => directory.vendorFilter?.field === field);
        // A connection that cannot apply the filter the client asked for has nothing to say.
        if (!own || !directory.vendorFilter) return [];
        return directory.vendorFilter.filterAgents(own[1], criteria, scope);
      }
      // The freshness engine's copy when it is fresh (issue 17): no vendor request, no wait; `matches` filters it below.
      const live = await tenant.live?.agents(adapter.connectionId, scope.deadlineAt);
      if (live) return live;
      if (hasCriteria(criteria) && directory.filterAgents) return directory.filterAgents(criteria, scope);
      return directory.listAgents(scope);
    },
    { connectionIds: q.connectionIds },
  );
  return { value: answered.value.flat().filter((a) => matches(a, q, needle)), failures: answered.failures };
}

/** Agents of one connection by native id, in key order (the agent loader's batch); null without a directory. */
export function getAgents(tenant: Tenant, connectionId: string, nativeIds: readonly string[], scope: RequestScope): Promise<Array<Agent | null>> | null {
  return memberAt(tenant, connectionId, 'AGENT_DIRECTORY')?.getAgents(nativeIds, scope) ?? null;
}

export interface AgentStatusChange {
  connectionId: string;
  agentNativeId: string;
  previousStatus: string | null;
  currentStatus: string | null;
  message: string | null;
}

/** Agent control of one connection (UNSUPPORTED_BY_VENDOR without it): statuses and logouts, results tagged with the connection. */
export function agentControlAt(tenant: Tenant, connectionId: string) {
  const control: AgentControl = capabilityAt(tenant, connectionId, 'AGENT_CONTROL').member;
  return {
    async updateStatuses(req: Parameters<AgentControl['updateStatuses']>[0], scope: RequestScope): Promise<AgentStatusChange[]> {
      return (await control.updateStatuses(req, scope)).map((c) => ({ ...c, connectionId }));
    },
    async forceLogout(req: Parameters<AgentControl['forceLogout']>[0], scope: RequestScope) {
      return { connectionId, ...(await control.forceLogout(req, scope)) };
    },
  };
}
