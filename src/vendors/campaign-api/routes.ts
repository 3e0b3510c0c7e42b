/**
 * Every campaign-API (port 9443) endpoint the gateway calls; paths are relative to the connection's
 * `baseUrl` (https://{portalURL}:9443). campaign-api-9443.txt is the source ([D], the tags of docs/vendor-coverage.md);
 * notes/vendors-real-world.md §2 records where real deployments differ ([T]: FonoUC publishes no pages, so no row is [C]).
 */
import type { RouteTable } from '../routes';

export type CampaignApiFamily = 'portal';

export const campaignApiRoutes = {
  /** [D] "Get access token"; [T] clients log in here, some deployments at /api/v2/config/login (notes §2). */
  login: { route: 'POST /api/v2/login', family: 'portal' },
  /** [D] "Get Queues Status"; [T] the Frappe client (notes §2). */
  queuesStatus: { route: 'GET /callcenter/queues/status', family: 'portal', cached: true },
  /** [D] "Get Campaigns status and Leads by status": an object keyed by campaign id. */
  campaignsStatus: { route: 'GET /api/v2/reports/campaigns/leads/status', family: 'portal', cached: true },
  /** [D] "Get Leads status by Campaign": `page_size`, `next_start_key`. */
  listLeads: { route: 'GET /api/v2/config/campaigns/{campaignId}/leads', family: 'portal' },
  /** [D] "Get Campaigns activity"; [T] report clients (notes §2): `startDate`, `endDate` (Unix seconds; the doc's `starDate` is a typo, notes §2), `pageSize`, `startKey`. */
  campaignActivity: { route: 'GET /api/v2/reports/campaigns/leads/history', family: 'portal' },
  /** [D] "Add Lead to campaign": the doc says PUT; [T] clients are seen using POST (notes §2). `leadCreateMethod` picks. */
  addLead: { route: 'PUT /api/v2/config/campaigns/{campaignId}/lead', family: 'portal', alternates: { method: ['POST'] } },
  /** [D] "Set Lead status". */
  setLeadStatus: { route: 'POST /api/v2/config/campaigns/leads/{leadId}/status/{status}', family: 'portal' },
  /** [D] "Delete Lead". */
  deleteLead: { route: 'DELETE /api/v2/config/campaigns/leads/{leadId}', family: 'portal' },
  /** [D] "Set call disposition to Voicemail". */
  setVoicemailDisposition: { route: 'PUT /api/v2/config/campaigns/call/{cdrId}/disposition/voicemail', family: 'portal' },
} as const satisfies RouteTable<CampaignApiFamily>;

export type CampaignApiRoute = keyof typeof campaignApiRoutes;
