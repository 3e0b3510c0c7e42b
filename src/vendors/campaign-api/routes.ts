/**
 * Every campaign-API (port 9443) endpoint the gateway calls; paths are relative to the connection's
 * `baseUrl` (https://{portalURL}:9443). campaign-api-9443.txt is the source; notes/vendors-real-world.md
 * §2 records where real deployments differ.
 */
import type { RouteTable } from '../routes';

export type CampaignApiFamily = 'portal';

export const campaignApiRoutes = {
  /** campaign-api-9443.txt "Get access token". Some deployments use /api/v2/config/login (notes §2). */
  login: { route: 'POST /api/v2/login', family: 'portal' },
  /** campaign-api-9443.txt "Get Queues Status". */
  queuesStatus: { route: 'GET /callcenter/queues/status', family: 'portal', cached: true },
} as const satisfies RouteTable<CampaignApiFamily>;
