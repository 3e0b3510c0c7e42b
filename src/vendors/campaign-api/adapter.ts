/** Campaign-API adapter: queue-status agents <-> domain agents. */
import type { CampaignApiConnectionConfig } from '../../config/schema';
import type { Agent, AgentDirectory, AgentStatus, RequestScope, VendorAdapter } from '../../domain/types';
import { createStaticHeadersInterceptor, createTokenAuth } from '../../upstream/auth';
import { createUpstream } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { compose } from '../../upstream/types';
import { CampaignApiClient } from './client';
import { campaignApiError } from './errors';
import type { WireQueue, WireQueueAgent } from './types';

/**
 * Queue-member states. The doc shows only "idle"; "ringing", "in_call", "wrap_up" and "paused" are the
 * other states our simulator (and FreeSWITCH-style dialers) use. `logged_in: false` wins over any status.
 */
export function campaignApiAgentStatus(agent: Pick<WireQueueAgent, 'logged_in' | 'status'>): AgentStatus {
  if (agent.logged_in === false) return 'OFFLINE';
  const s = agent.status?.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (!s) return 'UNKNOWN';
  if (s === 'idle' || s === 'available' || s === 'waiting') return 'AVAILABLE';
  if (s === 'ringing' || s === 'in_call' || s === 'on_call' || s === 'busy' || s === 'in_a_queue_call' || s === 'receiving') return 'ON_CALL';
  if (s === 'wrap_up' || s === 'wrapup') return 'WRAP_UP';
  if (s === 'paused' || s === 'on_break' || s === 'break') return 'AWAY';
  if (s === 'logged_out' || s === 'offline') return 'OFFLINE';
  return 'UNKNOWN';
}

/** Every distinct agent of every queue, in first-seen order (an agent can sit in several queues). */
export function agentsOfQueues(connectionId: string, queues: readonly WireQueue[]): Agent[] {
  const seen = new Map<string, Agent>();
  for (const q of queues) {
    for (const w of q.agents ?? []) {
      if (seen.has(w.id)) continue;
      seen.set(w.id, {
        connectionId,
        vendor: 'campaign-api',
        nativeId: w.id,
        name: w.name || w.extension || w.id,
        email: null,
        extension: w.extension ?? null,
        status: campaignApiAgentStatus(w),
        rawStatus: w.status ?? '',
        statusChangedAt: null,
        raw: w,
      });
    }
  }
  return [...seen.values()];
}

export function createCampaignApiAdapter(tenantId: string, pools: PoolRegistry, config: CampaignApiConnectionConfig): VendorAdapter {
  const accountHeader = createStaticHeadersInterceptor({ 'x-account-id': config.accountId });
  const upstream = createUpstream(tenantId, config, pools, {
    toError: campaignApiError,
    createAuth: (paced) => {
      const creds = config.credentials;
      if ('apiKey' in creds) {
        // notes §2: `X-API-Key` plus `X-Account-ID` instead of a login.
        return (next) => compose(next, [accountHeader, createStaticHeadersInterceptor({ 'x-api-key': creds.apiKey })]);
      }
      const tokens = createTokenAuth({
        obtainToken: (scope) => CampaignApiClient.login(paced, config, scope),
        applyToken: (headers, token) => ({ ...headers, authorization: `Bearer ${token}` }),
        refreshSkewMs: config.tokenRefreshSkewMs,
      });
      return (next) => compose(next, [accountHeader, tokens.interceptor]);
    },
  });
  const client = new CampaignApiClient(upstream.send, config);

  const agents: AgentDirectory = {
    async listAgents(scope: RequestScope) {
      return agentsOfQueues(config.id, await client.queuesStatus(scope));
    },
    async getAgents(nativeIds, scope) {
      // The API has no agent lookup: one (cached, shared) queue-status read answers any number of ids.
      const byId = new Map(agentsOfQueues(config.id, await client.queuesStatus(scope)).map((a) => [a.nativeId, a]));
      return nativeIds.map((id) => byId.get(id) ?? null);
    },
  };

  return { vendor: 'campaign-api', connectionId: config.id, capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE'], upstream, agents };
}
