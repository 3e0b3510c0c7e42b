// Renders campaign-API state into the vendor doc's response shapes (key order as in the doc's examples).
import type { AgentTag, CampaignApiState, SeedAgent, SeedQueue } from './seed';

export interface QueueAgentView {
  id: string;
  name: string;
  extension: string;
  extension_is_valid: boolean;
  delay: number;
  timeout: number;
  logged_in: boolean;
  status: string;
  registered: boolean;
  tags: AgentTag[];
}

export interface QueueStatusView {
  id: string;
  name: string;
  extension: string;
  max_time_caller_in_queue: number;
  strategy: string;
  agents: QueueAgentView[];
  /** Keyed by call UUID; `{}` when nobody waits (vendor doc). The value shape is our design. */
  calls: Record<string, { caller_number: string; wait_seconds: number }>;
  total_agents: number;
  logged_in_agents: number;
  logged_out_agents: number;
  idle_agents: number;
  misconfigured_agents: number;
  agents_registered: number;
  agents_on_call: number;
}

function agentView(agent: SeedAgent, tagsById: Map<string, AgentTag>): QueueAgentView {
  return {
    id: agent.id,
    name: agent.name,
    extension: agent.extension,
    extension_is_valid: agent.extension_is_valid,
    delay: agent.delay,
    timeout: agent.timeout,
    logged_in: agent.logged_in,
    // A logged-out agent reads "idle" whatever it was doing (the vendor doc's example).
    status: agent.logged_in ? agent.status : 'idle',
    registered: agent.registered,
    tags: agent.tagIds.flatMap((id) => {
      const tag = tagsById.get(id);
      return tag ? [{ ...tag }] : [];
    }),
  };
}

/**
 * The counts, derived from the listed agents (the vendor doc's example fixes only the logged-out case):
 * idle = logged in and "idle"; on call = logged in and "in_call"; misconfigured = invalid extension.
 */
function queueView(queue: SeedQueue, agentsById: Map<string, SeedAgent>, tagsById: Map<string, AgentTag>): QueueStatusView {
  const agents = queue.agentIds.flatMap((id) => {
    const agent = agentsById.get(id);
    return agent ? [agentView(agent, tagsById)] : [];
  });
  const count = (test: (a: QueueAgentView) => boolean) => agents.filter(test).length;
  const loggedIn = count((a) => a.logged_in);
  return {
    id: queue.id,
    name: queue.name,
    extension: queue.extension,
    max_time_caller_in_queue: queue.max_time_caller_in_queue,
    strategy: queue.strategy,
    agents,
    calls: Object.fromEntries(
      queue.calls.map((c) => [c.uuid, { caller_number: c.caller_number, wait_seconds: c.wait_seconds }]),
    ),
    total_agents: agents.length,
    logged_in_agents: loggedIn,
    logged_out_agents: agents.length - loggedIn,
    idle_agents: count((a) => a.logged_in && a.status === 'idle'),
    misconfigured_agents: count((a) => !a.extension_is_valid),
    agents_registered: count((a) => a.registered),
    agents_on_call: count((a) => a.logged_in && a.status === 'in_call'),
  };
}

/** `GET /callcenter/queues/status`: a bare array, one entry per queue. */
export function queuesStatusView(state: CampaignApiState): QueueStatusView[] {
  const agentsById = new Map(state.agents.map((a) => [a.id, a]));
  const tagsById = new Map(state.tags.map((t) => [t.id, t]));
  return state.queues.map((q) => queueView(q, agentsById, tagsById));
}
