/** The config of a port-9443 campaign API connection (`vendor: campaign-api`), beside the fields every connection has. */
import { z } from 'zod';
import { secret, url, vendorConnection } from '../../config/connection';
import { routeOverrides } from '../routes';
import { campaignApiRoutes } from './routes';

export const campaignApiConnection = vendorConnection('campaign-api', {
  /** `https://{portalURL}:9443`. */
  baseUrl: url,
  /** Sent as `X-Account-ID` on every call except login. */
  accountId: secret,
  /** Either a login (`POST /api/v2/login`) or an `X-API-Key` (notes §2). */
  credentials: z.union([z.object({ username: secret, password: secret, domain: secret }).strict(), z.object({ apiKey: secret }).strict()]),
  /** Renew the access token this long before it expires. Default 60 s. */
  tokenRefreshSkewMs: z.number().int().min(0).default(60_000),
  /** Token lifetime assumed when the token carries no `exp`. Default 3300 s (notes §2). */
  tokenTtlMs: z.number().int().positive().default(3_300_000),
  /** Method for "Add Lead to campaign": the doc says PUT, deployments are seen taking POST (notes §2). Default PUT. */
  leadCreateMethod: z.enum(['PUT', 'POST']).default('PUT'),
  /** This connection's own method or path for some of the vendor's routes (README "Vendor routes"). Default none. */
  routes: routeOverrides(campaignApiRoutes),
});

export type CampaignApiConnectionConfig = z.output<typeof campaignApiConnection>;
