/** Builds the vendor adapter for one configured connection. */
import type { ConnectionConfig } from '../config/schema';
import type { VendorAdapter } from '../domain/types';
import type { PoolRegistry } from '../upstream/transport';
import { createAmeyoAdapter } from './ameyo/adapter';
import { createAppsApiAdapter } from './apps-api/adapter';
import { createCampaignApiAdapter } from './campaign-api/adapter';

export function createAdapter(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry): VendorAdapter {
  switch (connection.vendor) {
    case 'ameyo':
      return createAmeyoAdapter(tenantId, pools, connection);
    case 'apps-api':
      return createAppsApiAdapter(tenantId, pools, connection);
    case 'campaign-api':
      return createCampaignApiAdapter(tenantId, pools, connection);
  }
}
