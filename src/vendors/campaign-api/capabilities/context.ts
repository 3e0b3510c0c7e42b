/** What every campaign-API capability module is built from. Not public API. */
import type { Agent, Campaign, RequestScope } from '../../../domain/types';
import type { CampaignApiClient } from '../client';

export interface CampaignApiContext {
  client: CampaignApiClient;
  /** The connection's id, on every domain object. */
  cid: string;
  /** Every agent of every queue (one cached, shared queue-status read). */
  listAgents(scope: RequestScope): Promise<Agent[]>;
  /** Every campaign, from the (cached) leads-by-status report. */
  listCampaigns(scope: RequestScope): Promise<Campaign[]>;
}

/** Page size the adapter asks for when a caller wants more than the vendor's largest page. */
export const MAX_PAGE = 1000;
