/**
 * Apps API agents: the Manager API's user list as the agent directory (with its filters pushed to the
 * vendor), and agent control (statuses, force logout). apps-api.txt "Users", "Agent Status Endpoint".
 */
import type { Agent, AgentControl, AgentCriteria, AgentDirectory, AgentStatus, RequestScope } from '../../../domain/types';
import type { QueryValue } from '../../routes';
import { APPS_API_MAX_PER } from '../client';
import { readWireIfShaped } from '../../wire';
import { wireAgentList, wireAgentStatusChanges, wireForceLogout, type WireAgent } from '../types';
import { idNumber, type AppsApiContext } from './context';

/**
 * Status names: the system statuses "Available", "In-call", "Wrap-up" and "Offline"; anything else is
 * a custom status an agent picks when not taking calls (apps-api.txt "Agent Status Endpoint": "changes
 * to and from 'Available' to any custom status").
 */
export function appsApiAgentStatus(agent: Pick<WireAgent, 'status' | 'online' | 'wrap_up'>): AgentStatus {
  if (agent.online === false) return 'OFFLINE';
  if (agent.wrap_up === true) return 'WRAP_UP';
  const name = agent.status
    ?.trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (!name) return 'UNKNOWN';
  if (name === 'available') return 'AVAILABLE';
  if (name === 'in-call' || name === 'incall' || name === 'on-call') return 'ON_CALL';
  if (name === 'wrap-up' || name === 'wrapup') return 'WRAP_UP';
  if (name === 'offline') return 'OFFLINE';
  return 'AWAY';
}

export function toAgent(connectionId: string, w: WireAgent): Agent {
  const name = [w.first_name, w.last_name].filter(Boolean).join(' ').trim();
  const changed = w.status_updated_at ? new Date(w.status_updated_at) : null;
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    name: name || w.email || String(w.id),
    email: w.email ?? null,
    extension: w.agent_number ?? null,
    status: appsApiAgentStatus(w),
    rawStatus: w.status ?? (w.status_id != null ? String(w.status_id) : ''),
    statusChangedAt: changed && !Number.isNaN(changed.getTime()) ? changed : null,
    raw: w,
  };
}

/**
 * The schema's escape hatch for the Manager API's own filters (`AgentFilter.vendorFilter.appsApi`,
 * schema/agents.graphql `AppsApiAgentFilter`): what `AgentCriteria` has no field for.
 */
export interface AppsApiAgentFilter {
  nativeIds?: readonly string[] | null;
  statusNativeIds?: readonly string[] | null;
  wrapUp?: boolean | null;
  locations?: readonly string[] | null;
  lastLoginAfter?: Date | null;
  lastLoginBefore?: Date | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

/** Manager API agent filters (apps-api.txt "Users"): Rails-style array params and [from]/[to] ranges. */
export function agentFilterQuery(criteria: AgentCriteria, raw: AppsApiAgentFilter = {}): Record<string, QueryValue> {
  return {
    'id[]': raw.nativeIds ?? undefined,
    'agent_number[]': criteria.extensions ?? undefined,
    'status_id[]': raw.statusNativeIds ?? undefined,
    'online[]': criteria.online ?? undefined,
    'wrap_up[]': raw.wrapUp ?? undefined,
    'location[]': raw.locations ?? undefined,
    'last_login_time[from]': iso(raw.lastLoginAfter),
    'last_login_time[to]': iso(raw.lastLoginBefore),
    'status_updated_at[from]': iso(criteria.statusChangedAfter),
    'status_updated_at[to]': iso(criteria.statusChangedBefore),
  };
}

export function createAgentDirectory({ client, cid }: AppsApiContext): AgentDirectory {
  const filtered = async (query: Record<string, QueryValue>, scope: RequestScope) => (await client.all('listAgents', wireAgentList, scope, { query })).map((w) => toAgent(cid, w));
  return {
    listAgents: async (scope) => (await client.all('listAgents', wireAgentList, scope)).map((w) => toAgent(cid, w)),
    async getAgents(nativeIds, scope) {
      const found = new Map<string, Agent>();
      for (let i = 0; i < nativeIds.length; i += APPS_API_MAX_PER) {
        // Filtered reads send no page/per: apps-api.txt "Users" says filtered results cannot be paginated.
        const wire = await client.json('listAgents', wireAgentList, scope, { query: { 'id[]': nativeIds.slice(i, i + APPS_API_MAX_PER) } });
        for (const w of wire) found.set(String(w.id), toAgent(cid, w));
      }
      return nativeIds.map((id) => found.get(id) ?? null);
    },
    filterAgents: (criteria, scope) => filtered(agentFilterQuery(criteria), scope),
    vendorFilter: {
      field: 'appsApi',
      filterAgents: (raw, criteria, scope) => filtered(agentFilterQuery(criteria, raw as AppsApiAgentFilter), scope),
    },
  };
}

export function createAgentControl({ client }: AppsApiContext): AgentControl {
  return {
    async updateStatuses(req, scope) {
      const body = { status: req.status, agent_ids: req.agentIds.map(idNumber), team_ids: req.teamIds.map(idNumber) };
      const changes = await client.write('updateAgentStatuses', wireAgentStatusChanges, scope, body);
      return changes.map((c) => ({
        agentNativeId: String(c.agent_id),
        previousStatus: c.previous_status ?? null,
        currentStatus: c.current_status ?? null,
        message: c.message ?? null,
      }));
    },
    async forceLogout(req, scope) {
      const body = { agent_ids: req.agentIds.map(idNumber), team_ids: req.teamIds.map(idNumber), ip_addrs: req.ipAddresses };
      // A 2xx is the vendor's "done": it logged the agents out, whatever the body says (the shape is undocumented,
      // notes §1). The body names them (`agent_ids`) or its background job (`job_id`) when it is the shape we know;
      // otherwise the answer does not say who, which is not "nobody" (issue 16, item 4).
      const said = readWireIfShaped(await client.send('forceLogoutAgents', scope, { json: body }), wireForceLogout);
      const jobId = said?.job_id !== null && said?.job_id !== undefined ? String(said.job_id) : null;
      return { agentNativeIds: said?.agent_ids ? said.agent_ids.map(String) : jobId !== null ? [] : null, jobId };
    },
  };
}
