/** The config of a UJET Apps API connection (`vendor: apps-api`), beside the fields every connection has. */
import { z } from 'zod';
import { secret, url, vendorConnection } from '../../config/connection';
import { routeOverrides } from '../routes';
import { appsApiRoutes } from './routes';

export const appsApiConnection = vendorConnection('apps-api', {
  /** `https://{subdomain}.{domain}/apps/api/v1` and `.../manager/api/v1` (notes §1). */
  baseUrls: z.object({ apps: url, manager: url }).strict(),
  /**
   * Basic auth: username = subdomain, password = API token (apps-api.txt "Basic Authentication").
   * `companySecret` (optional) signs custom call data as an HS256 JWT (apps-api.txt "Send a custom data").
   */
  credentials: z.object({ subdomain: secret, apiToken: secret, companySecret: secret.optional() }).strict(),
  /** This connection's own method or path for some of the vendor's routes (README "Vendor routes"). Default none. */
  routes: routeOverrides(appsApiRoutes),
});

export type AppsApiConnectionConfig = z.output<typeof appsApiConnection>;
