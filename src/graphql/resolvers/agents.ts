/** Agents: thin resolvers over the agent service (src/domain/agents.ts) and the per-request agent loader. */
import net from 'node:net';
import { agentControlAt, listAgents } from '../../domain/agents';
import type { GraphQLResolveInfo } from 'graphql';
import type { Agent, AgentSummary, VendorKey } from '../../domain/types';
import type { Resolvers } from '../../generated/graphql';
import { nodeKey, type GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { encodeGlobalId } from '../ids';
import type { AgentStatusChangeModel, ForceLogoutModel } from '../mappers';
import { inputError, inputNodeId, withUserErrors, type UserError } from '../mutations';
import { checkFirst, pageOfList } from '../../domain/paging';
import { answerPartially } from '../partial';
import { selectsOnly } from '../selection';
import { loadNode } from './nodes';

/** The Agent fields a record's own summary of its agent answers (`AgentSummary`). */
const AGENT_SUMMARY_FIELDS: ReadonlySet<string> = new Set(['__typename', 'id', 'nativeId', 'name', 'extension', 'vendor', 'connection']);

/**
 * A call's or chat's agent: from the record itself when it names the agent and the query asks only for what it names
 * (no agents request: issue 16, item 6), otherwise through the batched agent loader. The summary answers as an Agent
 * with only those fields, which is all a selection within AGENT_SUMMARY_FIELDS reads.
 */
export function agentOfRecord(
  r: { connectionId: string; vendor: VendorKey; agentNativeId: string | null; agentSummary: AgentSummary | null },
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): Agent | Promise<Agent | null> | null {
  if (!r.agentNativeId) return null;
  if (r.agentSummary && selectsOnly(info, AGENT_SUMMARY_FIELDS)) return { connectionId: r.connectionId, vendor: r.vendor, nativeId: r.agentNativeId, ...r.agentSummary } as Agent;
  return ctx.loaders.agent.load(nodeKey(r.connectionId, r.agentNativeId));
}

/** Agent global IDs -> the vendor's ids, each of which must belong to `connectionId`. */
function agentNativeIds(connectionId: string, ids: readonly string[], field: string): { ids: string[]; errors: UserError[] } {
  const out: string[] = [];
  const errors: UserError[] = [];
  ids.forEach((id, i) => {
    const r = inputNodeId(id, 'Agent', connectionId, ['input', field, String(i)]);
    if ('error' in r) errors.push(r.error);
    else out.push(r.nativeId);
  });
  return { ids: out, errors };
}

/** An IPv4/IPv6 address, a CIDR block (`34.211.11.0/24`) or a range (`10.0.0.1-10.0.0.9`), as force-logout takes. */
export function isIpSelector(s: string): boolean {
  const t = s.trim();
  const cidr = /^(.+)\/(\d{1,3})$/.exec(t);
  if (cidr) {
    const v = net.isIP(cidr[1]!);
    return v !== 0 && Number(cidr[2]) <= (v === 4 ? 32 : 128);
  }
  const range = t.split('-');
  if (range.length === 2) return net.isIP(range[0]!.trim()) !== 0 && net.isIP(range[0]!.trim()) === net.isIP(range[1]!.trim());
  return net.isIP(t) !== 0;
}

export const agentResolvers: Resolvers = {
  Query: {
    agent: (_root, { id }, ctx) => loadNode<Agent>(id, ctx, 'Agent'),
    agents: async (_root, { filter, first, after }, ctx, info) => {
      checkFirst(first ?? 50);
      const { vendorFilter, ...f } = filter ?? {};
      const agents = answerPartially(ctx, info, await listAgents(ctx.tenant, { ...f, vendorFilters: vendorFilter ?? null }, ctx.scope));
      for (const a of agents) ctx.loaders.agent.prime(nodeKey(a.connectionId, a.nativeId), a);
      return pageOfList(agents, first ?? 50, after);
    },
  },
  Mutation: {
    agentStatusUpdate: async (_root, { input }, ctx) => {
      const control = agentControlAt(ctx.tenant, input.connectionId);
      const agentIds = agentNativeIds(input.connectionId, input.agentIds ?? [], 'agentIds');
      if (agentIds.errors.length) return { changes: [], userErrors: agentIds.errors };
      const teamIds = input.teamNativeIds ?? [];
      if (agentIds.ids.length === 0 && teamIds.length === 0) {
        return { changes: [], userErrors: [inputError(['input', 'agentIds'], 'give agentIds or teamNativeIds')] };
      }
      if (!input.status.trim()) return { changes: [], userErrors: [inputError(['input', 'status'], 'status must not be empty')] };
      return withUserErrors<{ changes: AgentStatusChangeModel[] }>({ changes: [] }, async () => ({
        changes: await control.updateStatuses({ status: input.status, agentIds: agentIds.ids, teamIds }, ctx.scope),
      }));
    },
    agentsForceLogout: async (_root, { input }, ctx) => {
      const control = agentControlAt(ctx.tenant, input.connectionId);
      const agentIds = agentNativeIds(input.connectionId, input.agentIds ?? [], 'agentIds');
      const ipAddresses = input.ipAddresses ?? [];
      const errors = [...agentIds.errors];
      ipAddresses.forEach((ip, i) => {
        if (!isIpSelector(ip)) errors.push(inputError(['input', 'ipAddresses', String(i)], `expected an IP address, CIDR block or range, got ${JSON.stringify(ip)}`));
      });
      const teamIds = input.teamNativeIds ?? [];
      if (!errors.length && agentIds.ids.length === 0 && teamIds.length === 0 && ipAddresses.length === 0) {
        errors.push(inputError(['input'], 'give agentIds, teamNativeIds or ipAddresses'));
      }
      const connectionId = input.connectionId;
      if (errors.length) return { connectionId, agentNativeIds: [], jobId: null, userErrors: errors };
      return withUserErrors<Omit<ForceLogoutModel, 'userErrors'>>({ connectionId, agentNativeIds: [], jobId: null }, () =>
        control.forceLogout({ agentIds: agentIds.ids, teamIds, ipAddresses }, ctx.scope),
      );
    },
  },

  AgentStatusChange: {
    agent: (c, _a, ctx) => ctx.loaders.agent.load(nodeKey(c.connectionId, c.agentNativeId)),
  },

  AgentsForceLogoutPayload: {
    jobNativeId: (p) => p.jobId,
    // Logged-out agents as they are now (after the logout), in one batched lookup.
    agents: async (p, _a, ctx) => p.agentNativeIds && (await Promise.all(p.agentNativeIds.map((id) => ctx.loaders.agent.load(nodeKey(p.connectionId, id))))).filter((a): a is Agent => a !== null),
  },

  Agent: {
    id: (a) => encodeGlobalId('Agent', a.connectionId, a.nativeId),
    vendor: (a) => vendorEnum(a.vendor),
    connection: (a, _args, ctx) => ctx.tenant.connections.get(a.connectionId)!,
    raw: (a) => a.raw ?? {},
  },
};
