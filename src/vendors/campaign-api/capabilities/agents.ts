/**
 * Campaign-API agents and queues: the queue-status report lists each queue with its members, which is
 * the only agent list this API has (campaign-api-9443.txt "Get Queues Status").
 */
import type { Agent, AgentDirectory, AgentStatus, Queue, QueueStatusSource } from '../../../domain/types';
import { pickByNativeId } from '../../../domain/lookup';
import type { WireQueue, WireQueueAgent } from '../types';
import type { CampaignApiContext } from './context';

/**
 * Queue-member states. The doc shows only "idle"; "ringing", "in_call", "wrap_up" and "paused" are the
 * other states our simulator (and FreeSWITCH-style dialers) use. `logged_in: false` wins over any status.
 */
export function campaignApiAgentStatus(agent: Pick<WireQueueAgent, 'logged_in' | 'status'>): AgentStatus {
  if (agent.logged_in === false) return 'OFFLINE';
  const s = agent.status
    ?.trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (!s) return 'UNKNOWN';
  if (s === 'idle' || s === 'available' || s === 'waiting') return 'AVAILABLE';
  if (s === 'ringing' || s === 'in_call' || s === 'on_call' || s === 'busy' || s === 'in_a_queue_call' || s === 'receiving') return 'ON_CALL';
  if (s === 'wrap_up' || s === 'wrapup') return 'WRAP_UP';
  if (s === 'paused' || s === 'on_break' || s === 'break') return 'AWAY';
  if (s === 'logged_out' || s === 'offline') return 'OFFLINE';
  return 'UNKNOWN';
}

function toAgent(connectionId: string, w: WireQueueAgent): Agent {
  return {
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
  };
}

/** Every distinct agent of every queue, in first-seen order (an agent can sit in several queues). */
export function agentsOfQueues(connectionId: string, queues: readonly WireQueue[]): Agent[] {
  const seen = new Map<string, Agent>();
  for (const q of queues) for (const w of q.agents ?? []) if (!seen.has(w.id)) seen.set(w.id, toAgent(connectionId, w));
  return [...seen.values()];
}

function toQueue(connectionId: string, q: WireQueue & Record<string, unknown>): Queue {
  const n = (k: string) => (typeof q[k] === 'number' ? q[k] : null);
  return {
    connectionId,
    vendor: 'campaign-api',
    nativeId: q.id,
    name: q.name ?? null,
    lang: null,
    menuType: null,
    currentWait: null,
    scheduledCallbackWait: null,
    loggedInAgentCount: n('logged_in_agents'),
    availableAgentCount: n('idle_agents'),
    extension: typeof q['extension'] === 'string' ? q['extension'] : null,
    strategy: typeof q['strategy'] === 'string' ? q['strategy'] : null,
    maxWait: n('max_time_caller_in_queue'),
    agentCount: n('total_agents'),
    idleAgentCount: n('idle_agents'),
    onCallAgentCount: n('agents_on_call'),
    loggedOutAgentCount: n('logged_out_agents'),
    agents: (q.agents ?? []).map((a) => toAgent(connectionId, a)),
    raw: q,
  };
}

export function createAgentDirectory({ listAgents }: CampaignApiContext): AgentDirectory {
  return {
    listAgents,
    // The API has no agent lookup: one (cached, shared) queue-status read answers any number of ids.
    getAgents: async (nativeIds, scope) => pickByNativeId(await listAgents(scope), nativeIds),
  };
}

export function createQueueStatus({ client, cid }: CampaignApiContext): QueueStatusSource {
  return {
    listQueues: async (_lang, scope) => (await client.queuesStatus(scope)).map((q) => toQueue(cid, q as WireQueue & Record<string, unknown>)),
  };
}
