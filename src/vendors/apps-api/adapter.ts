/** Apps API adapter: Manager API agents <-> domain agents. */
import type { AppsApiConnectionConfig } from '../../config/schema';
import type { Agent, AgentDirectory, AgentStatus, RequestScope, VendorAdapter } from '../../domain/types';
import { basicAuthHeader, createStaticHeadersInterceptor } from '../../upstream/auth';
import { createUpstream } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { APPS_API_MAX_PER, AppsApiClient } from './client';
import { appsApiError } from './errors';
import type { WireAgent } from './types';

/** Pages read at most for one full listing (10,000 agents): a guard against a Link loop. */
const MAX_PAGES = 100;

/**
 * Status names: the system statuses "Available", "In-call", "Wrap-up" and "Offline"; anything else is
 * a custom status an agent picks when not taking calls (apps-api.txt "Agent Status Endpoint": "changes
 * to and from 'Available' to any custom status").
 */
export function appsApiAgentStatus(agent: Pick<WireAgent, 'status' | 'online' | 'wrap_up'>): AgentStatus {
  if (agent.online === false) return 'OFFLINE';
  if (agent.wrap_up === true) return 'WRAP_UP';
  const name = agent.status?.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!name) return 'UNKNOWN';
  if (name === 'available') return 'AVAILABLE';
  if (name === 'in-call' || name === 'incall' || name === 'on-call') return 'ON_CALL';
  if (name === 'wrap-up' || name === 'wrapup') return 'WRAP_UP';
  if (name === 'offline') return 'OFFLINE';
  return 'AWAY';
}

function toAgent(connectionId: string, w: WireAgent): Agent {
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

export function createAppsApiAdapter(tenantId: string, pools: PoolRegistry, config: AppsApiConnectionConfig): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, {
    toError: appsApiError,
    createAuth: () =>
      createStaticHeadersInterceptor({ authorization: basicAuthHeader(config.credentials.subdomain, config.credentials.apiToken) }),
  });
  const client = new AppsApiClient(upstream, config);

  const agents: AgentDirectory = {
    async listAgents(scope: RequestScope) {
      const out: Agent[] = [];
      let page: number | null = 1;
      for (let n = 0; page !== null && n < MAX_PAGES; n++) {
        const res = await client.listAgents(scope, { page, per: APPS_API_MAX_PER });
        for (const w of res.items) out.push(toAgent(config.id, w));
        page = res.nextPage !== null && res.nextPage > page ? res.nextPage : null;
      }
      return out;
    },
    async getAgents(nativeIds, scope) {
      const found = new Map<string, Agent>();
      for (let i = 0; i < nativeIds.length; i += APPS_API_MAX_PER) {
        const ids = nativeIds.slice(i, i + APPS_API_MAX_PER);
        const res = await client.listAgents(scope, { filters: { 'id[]': ids } });
        for (const w of res.items) found.set(String(w.id), toAgent(config.id, w));
      }
      return nativeIds.map((id) => found.get(id) ?? null);
    },
  };

  return { vendor: 'apps-api', connectionId: config.id, capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE'], upstream, agents };
}
