/** Builds the vendor adapter for one configured connection. */
import type { ConnectionConfig } from '../config/schema';
import type { VendorAdapter } from '../domain/types';
import type { SharedConnectionState } from '../upstream/createUpstream';
import type { PoolRegistry } from '../upstream/transport';
import { createAmeyoAdapter } from './ameyo/adapter';
import { createAppsApiAdapter } from './apps-api/adapter';
import { createCampaignApiAdapter } from './campaign-api/adapter';

/** `shared`: the connection's budget and cache in the fleet store (src/state/); default: the process's own. */
export function createAdapter(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry, shared: SharedConnectionState = {}): VendorAdapter {
  switch (connection.vendor) {
    case 'ameyo':
      return createAmeyoAdapter(tenantId, pools, connection, shared);
    case 'apps-api':
      return createAppsApiAdapter(tenantId, pools, connection, shared);
    case 'campaign-api':
      return createCampaignApiAdapter(tenantId, pools, connection, shared);
  }
}
