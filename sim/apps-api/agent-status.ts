/**
 * Agent Status Endpoints: `POST /apps/api/v1/agent_statuses` (bulk status change) and
 * `POST /apps/api/v1/agent_statuses/force_logout` (vendor-docs/apps-api.txt "Agent Status Endpoints"; notes §1).
 */
import crypto from 'node:crypto';
import type { SimContext, SimReply } from '../common/server';
import { badRequest, MISSING_PARAMETER } from './errors';
import { isoAt, type AppsEnv, type RouteModule } from './env';
import { STATUS_OFFLINE_ID, type Agent } from './seed';
import { asId, asText, bodyObject, ipMatcher } from './util';

/** More matched agents than this make force logout a background job (our assumption for the doc's "large number", vendor doc "Agent Status Endpoints"). */
export const FORCE_LOGOUT_JOB_THRESHOLD = 20;

/** A list of ids from the body (numbers or digit strings); null when the key is there but not an array. */
function idList(v: unknown): number[] | null {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const item of v) {
    const id = asId(item);
    if (id !== null) out.push(id);
  }
  return out;
}

/** Agents selected by id or by team id, ascending, each once. Our assumption: unknown ids are ignored. */
function selectAgents(agents: readonly Agent[], agentIds: number[], teamIds: number[]): Agent[] {
  const ids = new Set(agentIds);
  const teams = new Set(teamIds);
  return agents.filter((a) => ids.has(a.id) || a.teams.some((t) => teams.has(t.id))).sort((a, b) => a.id - b.id);
}

function changeStatus(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const b = bodyObject(ctx);
  const agentIds = idList(b.agent_ids);
  const teamIds = idList(b.team_ids);
  const name = asText(b.status);
  if (name === null || agentIds === null || teamIds === null || (agentIds.length === 0 && teamIds.length === 0)) {
    return badRequest(MISSING_PARAMETER);
  }
  // Status names match case-insensitively (our assumption); answers use the canonical name.
  const target = state.userStatuses.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!target) return badRequest(`status ${name} is not found`); // our assumption (wording; the docs give none)
  // "Transitions to and from system-defined statuses like 'In-Call' will trigger an error." (vendor doc)
  if (target.system) return badRequest(`Cannot change agent status to system status ${target.name}`); // our assumption (wording)
  const nowIso = isoAt(env.now());
  const body = selectAgents(state.agents, agentIds, teamIds).map((agent) => {
    const previous = agent.status;
    const base = {
      agent_id: agent.id,
      name: `${agent.first_name} ${agent.last_name}`,
      email: agent.email,
      agent_number: agent.agent_number,
      previous_status: previous,
    };
    const current = state.userStatuses.find((s) => s.id === agent.status_id);
    if (current?.system) {
      // An agent in a system status (In-call, Wrap-up, Offline) keeps it (notes §1: system statuses can't be changed).
      return { ...base, current_status: previous, message: `Cannot change status from system status ${previous}` };
    }
    agent.status_id = target.id;
    agent.status = target.name;
    agent.status_updated_at = nowIso;
    agent.online = true;
    agent.wrap_up = false;
    return { ...base, current_status: target.name };
  });
  return { status: 200, body };
}

function forceLogout(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const b = bodyObject(ctx);
  const agentIds = idList(b.agent_ids);
  const teamIds = idList(b.team_ids);
  const rawIps = b.ip_addrs === undefined || b.ip_addrs === null ? [] : b.ip_addrs;
  if (agentIds === null || teamIds === null || !Array.isArray(rawIps)) return badRequest(MISSING_PARAMETER);
  if (agentIds.length === 0 && teamIds.length === 0 && rawIps.length === 0) return badRequest(MISSING_PARAMETER);
  const matchers: Array<(ip: string) => boolean> = [];
  for (const entry of rawIps) {
    const m = ipMatcher(entry);
    if (!m) return badRequest(`ip_addrs contains an invalid address: ${typeof entry === 'string' ? entry : JSON.stringify(entry)}`);
    matchers.push(m);
  }
  const selected = new Set(selectAgents(state.agents, agentIds, teamIds).map((a) => a.id));
  const matched = state.agents
    .filter((a) => a.online)
    .filter((a) => selected.has(a.id) || (a.last_login_ip !== null && matchers.some((m) => m(a.last_login_ip!))))
    .sort((a, b) => a.id - b.id);
  // The doc: agents in calls/chats are logged out when their interaction ends, idle ones at once. We log every matched
  // agent out at once (our assumption), so later reads see them Offline.
  const nowIso = isoAt(env.now());
  const offline = state.userStatuses.find((s) => s.id === STATUS_OFFLINE_ID)!;
  for (const agent of matched) {
    agent.status_id = offline.id;
    agent.status = offline.name;
    agent.online = false;
    agent.wrap_up = false;
    agent.status_updated_at = nowIso;
  }
  // "For a large number of agents, a background job is created" (vendor doc): our assumption, over 20 agents -> 202 with a job id.
  if (matched.length > FORCE_LOGOUT_JOB_THRESHOLD) {
    return { status: 202, body: { agent_ids: [], job_id: crypto.randomUUID() } };
  }
  return { status: 200, body: { agent_ids: matched.map((a) => a.id), job_id: null } };
}

export const agentStatusRoutes: RouteModule = (env) => [
  { route: 'POST /apps/api/v1/agent_statuses', handler: (ctx) => changeStatus(env, ctx) },
  { route: 'POST /apps/api/v1/agent_statuses/force_logout', handler: (ctx) => forceLogout(env, ctx) },
];
