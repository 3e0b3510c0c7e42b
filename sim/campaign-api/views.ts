// Renders campaign-API state into the vendor doc's response shapes (key order as in the doc's examples).
import { LEAD_STATUSES, type AgentTag, type CampaignApiState, type Lead, type LeadStatus, type SeedAgent, type SeedQueue } from './seed';
import { campaignLeads } from './store';

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
    calls: Object.fromEntries(queue.calls.map((c) => [c.uuid, { caller_number: c.caller_number, wait_seconds: c.wait_seconds }])),
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

/** A lead in the doc's shape and key order ("Get Leads status by Campaign"), as a copy. */
export function leadView(lead: Lead): Lead {
  return {
    created: lead.created,
    campaign_id: lead.campaign_id,
    number: lead.number,
    status: lead.status,
    retries: lead.retries,
    first_name: lead.first_name,
    last_name: lead.last_name,
    priority: lead.priority,
    id: lead.id,
  };
}

/**
 * How a "success" count is split into the two "success" keys of the status report: [floor(n/3) (at least 1),
 * the rest] when n >= 2, else [n]. The doc's example reads `"success": 10, ..., "success": 25` with
 * `total_leads` 44 = 4 + 10 + 5 + 25, so the duplicate keys are parts to be summed (our reading).
 */
export function successParts(n: number): number[] {
  if (n < 2) return [n];
  const first = Math.max(1, Math.floor(n / 3));
  return [first, n - first];
}

/** One `leads_by_status` entry as emitted, in text order (a status may appear twice). */
export type StatusCountEntry = [LeadStatus, number];

/**
 * The `leads_by_status` entries of one campaign, in emission order: the statuses in `LEAD_STATUSES` order with
 * their counts (zero counts omitted), the first "success" part in its place and, when the count is at least 2,
 * the second "success" part last (as in the doc's example, where the second "success" closes the object).
 */
export function leadsByStatusEntries(leads: readonly Lead[]): StatusCountEntry[] {
  const counts = new Map<LeadStatus, number>();
  for (const l of leads) counts.set(l.status, (counts.get(l.status) ?? 0) + 1);
  const entries: StatusCountEntry[] = [];
  let tail: StatusCountEntry | undefined;
  for (const status of LEAD_STATUSES) {
    const n = counts.get(status) ?? 0;
    if (n === 0) continue;
    if (status === 'success') {
      const [first, second] = successParts(n) as [number, number | undefined];
      entries.push([status, first]);
      if (second !== undefined) tail = [status, second];
    } else {
      entries.push([status, n]);
    }
  }
  if (tail) entries.push(tail);
  return entries;
}

/**
 * `GET /api/v2/reports/campaigns/leads/status` as JSON TEXT: an object keyed by campaign id, each
 * `{name, status, total_leads, leads_by_status}` (doc key order). Written by hand, not with JSON.stringify,
 * because `leads_by_status` repeats the "success" key (see `successParts`); `JSON.parse` of this text keeps only
 * the last part, so clients must read the text with a parser that sums duplicate keys.
 */
export function leadsStatusReportText(state: CampaignApiState): string {
  const q = (v: string | number) => JSON.stringify(v);
  const campaigns = state.campaigns.map((c) => {
    const leads = campaignLeads(state, c.id);
    const byStatus = leadsByStatusEntries(leads)
      .map(([status, n]) => `${q(status)}:${n}`)
      .join(',');
    return `${q(c.id)}:{"name":${q(c.name)},"status":${q(c.status)},"total_leads":${leads.length},"leads_by_status":{${byStatus}}}`;
  });
  return `{${campaigns.join(',')}}`;
}
