/**
 * The per-request context: the caller's tenant, the request's deadline and cancellation, the loaders
 * (made here, per request, by name: STYLE.md rule 11) and the partial errors resolvers collect.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Agent, Call, Campaign, CustomerFlags, RequestScope, Tenant } from '../domain/types';
import { getAgents } from '../domain/agents';
import { getCalls, getCustomerFlags } from '../domain/calls';
import { getCampaigns } from '../domain/campaigns';
import { asConnectionFailure } from '../domain/fanOut';
import type { SwitchboardError } from '../errors';
import type { IdempotencyRecords } from '../domain/idempotency';
import type { LeadImportService } from '../imports/service';
import type { Principal } from '../identity/principal';
import type { LiveBus } from '../live/bus';
import type { LiveEngine } from '../live/engine';

/** What subscriptions need (issue 17): the bus they listen on, the engine they hold pollers with, and how to drop a slow client. */
export interface LiveServices {
  bus: LiveBus;
  engine: LiveEngine;
  /** Most events one subscription may have waiting to be sent. */
  maxQueuedEvents: number;
  /** Closes the subscription's transport: its client does not keep up (WebSocket 1013, SSE stream ended). */
  slowConsumer(queued: number): void;
}

/** A failure that leaves the rest of the answer intact (one connection down), reported beside the data. */
export interface PartialError {
  error: SwitchboardError;
  path: ReadonlyArray<string | number>;
}

export interface Loaders {
  /** Agents by `agentKey(connectionId, nativeId)`; null when the vendor has no such agent. */
  agent: DataLoader<string, Agent | null>;
  /** Calls by `agentKey(connectionId, nativeId)` (one vendor read per call: no batch lookup exists). */
  call: DataLoader<string, Call | null>;
  /** Campaigns by `agentKey(connectionId, nativeId)`, batched per connection. */
  campaign: DataLoader<string, Campaign | null>;
  /** A call's customer flags by `agentKey(connectionId, callNativeId)`. */
  customerFlags: DataLoader<string, CustomerFlags | null>;
}

/** Upload limits resolvers apply (config `server.uploads`). */
export interface RequestLimits {
  maxFileBytes: number;
  maxJsonFileBytes: number;
}

export interface GatewayContext {
  tenant: Tenant;
  /** Who is calling: an API key, or an end user's token with a role (src/identity/principal.ts). */
  principal: Principal;
  /** The request's `x-request-id`. */
  requestId: string;
  limits: RequestLimits;
  /** `http(s)://host[:port]` clients reach this gateway at, for download URLs. */
  publicBaseUrl: string;
  /**
   * Shared by every request, partitioned by tenant: remembers side-effecting mutations by idempotency key
   * (src/domain/idempotency.ts; the state store's, src/state/: SQLite embedded, Redis in a fleet).
   */
  idempotency: IdempotencyRecords;
  /** CSV lead import jobs (issue 18, src/imports/): every call names the tenant. */
  imports: LeadImportService;
  scope: RequestScope;
  loaders: Loaders;
  partialErrors: PartialError[];
  /** Set for operations over graphql-ws and graphql-sse (src/http/live.ts); absent over HTTP. */
  live?: LiveServices;
  /**
   * Counters for the request's log line. An object, not fields: Apollo shallow-clones the context per
   * operation, so only state held by reference is seen by both resolvers and plugins.
   */
  stats: { upstreamCalls: number };
  log: Logger;
}

const SEP = '\u0000';
/** A loader key: the connection and the vendor's id, so tenants and connections never share an entry. */
export const nodeKey = (connectionId: string, nativeId: string) => `${connectionId}${SEP}${nativeId}`;

/**
 * A loader that groups keys by connection and asks `fetch` (a domain lookup) once per connection with its
 * ids; a missing record, or a connection that cannot look up (`fetch` answers null), is null; a failed
 * connection an Error for its keys only (graphql/dataloader's contract).
 */
function createConnectionLoader<T>(tenant: Tenant, fetch: (connectionId: string, nativeIds: string[]) => Promise<Array<T | null>> | null): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const byConnection = new Map<string, string[]>();
    for (const key of keys) {
      const [connectionId, nativeId] = key.split(SEP) as [string, string];
      let ids = byConnection.get(connectionId);
      if (!ids) byConnection.set(connectionId, (ids = []));
      if (!ids.includes(nativeId)) ids.push(nativeId);
    }
    const answers = new Map<string, T | null | Error>();
    await Promise.all(
      [...byConnection].map(async ([connectionId, ids]) => {
        const adapter = tenant.connections.get(connectionId);
        const pending = adapter ? fetch(connectionId, ids) : null;
        if (!adapter || !pending) {
          for (const id of ids) answers.set(nodeKey(connectionId, id), null);
          return;
        }
        try {
          const found = await pending;
          ids.forEach((id, i) => answers.set(nodeKey(connectionId, id), found[i] ?? null));
        } catch (err) {
          const { error } = asConnectionFailure(adapter, err);
          for (const id of ids) answers.set(nodeKey(connectionId, id), error);
        }
      }),
    );
    return keys.map((k) => answers.get(k) ?? null);
  });
}

export interface ContextOptions {
  principal: Principal;
  /** The request's `x-request-id` (src/http/router.ts): on its log lines and in `extensions.requestId` of its errors. */
  requestId: string;
  limits: RequestLimits;
  publicBaseUrl: string;
  idempotency: IdempotencyRecords;
  imports: LeadImportService;
  live?: LiveServices;
}

export function createContext(tenant: Tenant, scope: RequestScope, log: Logger, opts: ContextOptions): GatewayContext {
  const stats = { upstreamCalls: 0 };
  const requestScope: RequestScope = {
    ...scope,
    onUpstreamCall: () => {
      stats.upstreamCalls++;
    },
  };
  return {
    tenant,
    ...opts,
    scope: requestScope,
    loaders: {
      agent: createConnectionLoader(tenant, (cid, ids) => getAgents(tenant, cid, ids, requestScope)),
      call: createConnectionLoader(tenant, (cid, ids) => getCalls(tenant, cid, ids, requestScope)),
      campaign: createConnectionLoader(tenant, (cid, ids) => getCampaigns(tenant, cid, ids, requestScope)),
      customerFlags: createConnectionLoader(tenant, (cid, ids) => getCustomerFlags(tenant, cid, ids, requestScope)),
    },
    partialErrors: [],
    stats,
    log,
  };
}
