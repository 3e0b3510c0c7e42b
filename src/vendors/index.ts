/** Builds the vendor adapter for one configured connection, with the module registered for its vendor. */
import type { ConnectionConfig } from '../config/schema';
import type { VendorAdapter } from '../domain/types';
import type { SharedConnectionState } from '../upstream/createUpstream';
import type { PoolRegistry } from '../upstream/transport';
import { vendorModule } from './registry';

/** `shared`: the connection's budget and cache in the fleet store (src/state/); default: the process's own. */
export function createAdapter(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry, shared: SharedConnectionState = {}): VendorAdapter {
  // The config schema chose the connection's shape by its `vendor`: it is what this module's schema outputs.
  return vendorModule(connection.vendor).createAdapter(tenantId, pools, connection, shared);
}
