/** Agents: thin resolvers over the agent service and the per-request agent loader. */
import { listAgents } from '../../domain/agents';
import type { Agent } from '../../domain/types';
import { NotFoundError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { agentKey, type GatewayContext } from '../context';
import { vendorEnum } from '../enums';
import { decodeGlobalId, encodeGlobalId } from '../ids';
import { checkFirst, pageOfList } from '../pagination';

const notFound = (id: string) => new NotFoundError(`could not resolve to a node with id ${JSON.stringify(id)}`);

/** Resolves a global ID of any node type within the caller's tenant; NOT_FOUND for anything else. */
export async function loadNode(id: string, ctx: GatewayContext): Promise<Agent> {
  const gid = decodeGlobalId(id);
  const adapter = ctx.tenant.connections.get(gid.connectionId);
  if (!adapter || !adapter.agents) throw notFound(id);
  const agent = await ctx.loaders.agent.load(agentKey(gid.connectionId, gid.nativeId));
  if (!agent) throw notFound(id);
  return agent;
}

export const agentResolvers: Resolvers = {
  Query: {
    agent: (_root, { id }, ctx) => loadNode(id, ctx),
    agents: async (_root, { filter, first, after }, ctx, info) => {
      checkFirst(first ?? 50);
      const listing = await listAgents(ctx.tenant, filter ?? {}, ctx.scope);
      for (const f of listing.failures) ctx.partialErrors.push({ error: f.error, path: [info.path.key] });
      for (const a of listing.agents) ctx.loaders.agent.prime(agentKey(a.connectionId, a.nativeId), a);
      return pageOfList(listing.agents, first ?? 50, after);
    },
  },
  Agent: {
    id: (a) => encodeGlobalId('Agent', a.connectionId, a.nativeId),
    vendor: (a) => vendorEnum(a.vendor),
    connection: (a, _args, ctx) => ctx.tenant.connections.get(a.connectionId)!,
    raw: (a) => a.raw ?? {},
  },
};
