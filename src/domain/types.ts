/**
 * Vendor-neutral types and the capability interfaces vendor adapters implement. Nothing here knows a
 * URL, a wire field or GraphQL.
 */
import type { VendorKey } from '../errors';
import type { RequestScope } from '../upstream/types';
import type { Upstream } from '../upstream/createUpstream';

export type { VendorKey, RequestScope };

export type AgentStatus = 'AVAILABLE' | 'ON_CALL' | 'WRAP_UP' | 'AWAY' | 'OFFLINE' | 'UNKNOWN';

/** What a connection can do; served by `Query.connections` as the feature table. */
export type Capability = 'AGENT_DIRECTORY' | 'AGENT_PRESENCE';

export interface Agent {
  connectionId: string;
  vendor: VendorKey;
  /** The vendor's own id, as a string (numeric ids are stringified). */
  nativeId: string;
  name: string;
  email: string | null;
  /** Phone extension or agent number, where the vendor has one. */
  extension: string | null;
  status: AgentStatus;
  /** The vendor's status value as it came (`'Wrap-up'`, `'idle'`, `'On Call'`). */
  rawStatus: string;
  statusChangedAt: Date | null;
  /** The wire record, for the `raw: JSON` escape hatch. */
  raw: unknown;
}

/** Lists and fetches a connection's agents, with their current presence. */
export interface AgentDirectory {
  /** Every agent of the connection (the adapter pages through the vendor's list). */
  listAgents(scope: RequestScope): Promise<Agent[]>;
  /** Agents by native id, in key order; null where the vendor has no such agent. */
  getAgents(nativeIds: readonly string[], scope: RequestScope): Promise<Array<Agent | null>>;
}

/** One configured connection with its vendor adapter. */
export interface VendorAdapter {
  readonly vendor: VendorKey;
  readonly connectionId: string;
  readonly capabilities: readonly Capability[];
  readonly upstream: Upstream;
  readonly agents?: AgentDirectory;
}

export interface Tenant {
  id: string;
  /** The tenant's connections, in config order, by id. */
  connections: Map<string, VendorAdapter>;
}
