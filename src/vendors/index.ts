/** Builds the vendor adapter for one configured connection, with the module registered for its vendor. */
import type { ConnectionConfig } from '../config/schema';
import type { VendorAdapter } from '../domain/types';
import type { PoolRegistry } from '../upstream/transport';
import type { ConnectionState } from './module';
import { vendorModule } from './registry';

/** `shared`: the connection's budget and cache in the fleet store (src/state/), and its agents' recorded legs; default: the process's own, none. */
export function createAdapter(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry, shared: ConnectionState = {}): VendorAdapter {
  // The config schema chose the connection's shape by its `vendor`: it is what this module's schema outputs.
  return vendorModule(connection.vendor).createAdapter(tenantId, pools, connection, shared);
}
