/**
 * The per-request context: the caller's tenant, the request's deadline and cancellation, the loaders
 * (made here, per request, by name: STYLE.md rule 11) and the partial errors resolvers collect.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Agent, RequestScope, Tenant } from '../domain/types';
import { asConnectionFailure } from '../domain/agents';
import type { SwitchboardError } from '../errors';

/** A failure that leaves the rest of the answer intact (one connection down), reported beside the data. */
export interface PartialError {
  error: SwitchboardError;
  path: ReadonlyArray<string | number>;
}

export interface Loaders {
  /** Agents by `agentKey(connectionId, nativeId)`; null when the vendor has no such agent. */
  agent: DataLoader<string, Agent | null>;
}

export interface GatewayContext {
  tenant: Tenant;
  scope: RequestScope;
  loaders: Loaders;
  partialErrors: PartialError[];
  /**
   * Counters for the request's log line. An object, not fields: Apollo shallow-clones the context per
   * operation, so only state held by reference is seen by both resolvers and plugins.
   */
  stats: { upstreamCalls: number };
  log: Logger;
}

const SEP = '\u0000';
export const agentKey = (connectionId: string, nativeId: string) => `${connectionId}${SEP}${nativeId}`;

function createAgentLoader(tenant: Tenant, scope: RequestScope): DataLoader<string, Agent | null> {
  return new DataLoader<string, Agent | null>(async (keys) => {
    const byConnection = new Map<string, string[]>();
    for (const key of keys) {
      const [connectionId, nativeId] = key.split(SEP) as [string, string];
      let ids = byConnection.get(connectionId);
      if (!ids) byConnection.set(connectionId, (ids = []));
      if (!ids.includes(nativeId)) ids.push(nativeId);
    }
    const answers = new Map<string, Agent | null | Error>();
    await Promise.all(
      [...byConnection].map(async ([connectionId, ids]) => {
        const adapter = tenant.connections.get(connectionId);
        if (!adapter?.agents) {
          for (const id of ids) answers.set(agentKey(connectionId, id), null);
          return;
        }
        try {
          const found = await adapter.agents.getAgents(ids, scope);
          ids.forEach((id, i) => answers.set(agentKey(connectionId, id), found[i] ?? null));
        } catch (err) {
          const { error } = asConnectionFailure(adapter, err);
          for (const id of ids) answers.set(agentKey(connectionId, id), error);
        }
      }),
    );
    return keys.map((k) => answers.get(k) ?? null);
  });
}

export function createContext(tenant: Tenant, scope: RequestScope, log: Logger): GatewayContext {
  const stats = { upstreamCalls: 0 };
  const requestScope: RequestScope = {
    ...scope,
    onUpstreamCall: () => {
      stats.upstreamCalls++;
    },
  };
  return {
    tenant,
    scope: requestScope,
    loaders: { agent: createAgentLoader(tenant, requestScope) },
    partialErrors: [],
    stats,
    log,
  };
}
