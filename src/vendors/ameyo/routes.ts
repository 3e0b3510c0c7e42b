/**
 * Every Ameyo endpoint the gateway calls, by API family (notes/vendors-real-world.md §3): `cms` for
 * /configuration and /v1/cc-list, `dataEngine` for /v4 monitoring, `appServer` for /ameyorestapi and
 * /ameyowebaccess.
 */
import type { RouteTable } from '../routes';

export type AmeyoFamily = 'cms' | 'dataEngine' | 'appServer';

export const ameyoRoutes = {
  /** ameyo-contact-management-and-presence.txt "Agent Presence API's"; `table-name` picks the table. */
  monitoring: { route: 'GET /v4/cc-list/{ccId}/monitoring/user-session-information', family: 'dataEngine', cached: true },
} as const satisfies RouteTable<AmeyoFamily>;

/** The data-engine monitoring tables (the `table-name` query param). */
export type MonitoringTable = 'user-session-information' | 'user-runtime-information' | 'chat-information' | 'customer-information';
