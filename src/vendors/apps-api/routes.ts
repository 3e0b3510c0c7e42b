/**
 * Every Apps API / Manager API endpoint the gateway calls. Paths are relative to the family's base URL:
 * `apps` = https://{subdomain}.{domain}/apps/api/v1, `manager` = https://{subdomain}.{domain}/manager/api/v1.
 * Lists come from the Manager API (notes/vendors-real-world.md §1: the agent filters of apps-api.txt
 * "Users" are documented for `GET /manager/api/v1/agents`).
 */
import type { RouteTable } from '../routes';

export type AppsApiFamily = 'apps' | 'manager';

export const appsApiRoutes = {
  listAgents: { route: 'GET /agents', family: 'manager', cached: true },
  listUserStatuses: { route: 'GET /user_statuses', family: 'manager', cached: true },
} as const satisfies RouteTable<AppsApiFamily>;
