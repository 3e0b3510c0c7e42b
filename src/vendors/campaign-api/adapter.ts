/**
 * Campaign-API adapter: agents, queues, campaigns, leads, activity, the voicemail disposition and CSV lead imports, one
 * module each under ./capabilities/, composed here on one upstream (login or API key auth).
 */
import type { RequestScope, VendorAdapter } from '../../domain/types';
import { createStaticHeadersInterceptor, createTokenAuth } from '../../upstream/auth';
import { createUpstream, type SharedConnectionState } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { compose } from '../../upstream/types';
import { createCallDisposer, createActivitySource } from './capabilities/activity';
import { agentsOfQueues, createAgentDirectory, createQueueStatus } from './capabilities/agents';
import { createCampaignCatalog, createLeadStatusSetter, createLeadStore, toCampaign } from './capabilities/campaigns';
import type { CampaignApiContext } from './capabilities/context';
import { createLeadImporter } from './capabilities/leadImports';
import { CampaignApiClient } from './client';
import type { CampaignApiConnectionConfig } from './config';
import { campaignApiError } from './errors';

export { agentsOfQueues, campaignApiAgentStatus } from './capabilities/agents';
export { CAMPAIGN_API_LEAD_STATUSES, campaignApiCampaignStatus, campaignApiLeadStatus, campaignApiLeadStatusValue, leadStatsOfReport } from './capabilities/campaigns';

export function createCampaignApiAdapter(tenantId: string, pools: PoolRegistry, config: CampaignApiConnectionConfig, shared: SharedConnectionState = {}): VendorAdapter {
  const accountHeader = createStaticHeadersInterceptor({ 'x-account-id': config.accountId });
  const upstream = createUpstream(tenantId, config, pools, shared, {
    toError: campaignApiError,
    createAuth: (paced) => {
      const creds = config.credentials;
      if ('apiKey' in creds) {
        // notes §2: `X-API-Key` plus `X-Account-ID` instead of a login.
        return (next) => compose(next, [accountHeader, createStaticHeadersInterceptor({ 'x-api-key': creds.apiKey })]);
      }
      const tokens = createTokenAuth({
        obtainToken: (scope) => CampaignApiClient.login(paced, config, scope),
        applyToken: (headers, token) => ({ ...headers, authorization: `Bearer ${token}` }),
        refreshSkewMs: config.tokenRefreshSkewMs,
      });
      return (next) => compose(next, [accountHeader, tokens.interceptor]);
    },
  });
  const client = new CampaignApiClient(upstream.send, config);
  const cid = config.id;
  const ctx: CampaignApiContext = {
    client,
    cid,
    listAgents: async (scope: RequestScope) => agentsOfQueues(cid, await client.queuesStatus(scope)),
    listCampaigns: async (scope: RequestScope) => (await client.campaignsStatus(scope)).map((r) => toCampaign(cid, r)),
  };

  // The members' order is the order `Query.connections` lists the capabilities in (src/domain/capabilities.ts).
  return {
    vendor: 'campaign-api',
    connectionId: cid,
    upstream,
    agents: createAgentDirectory(ctx),
    queues: createQueueStatus(ctx),
    campaigns: createCampaignCatalog(ctx),
    leads: createLeadStore(ctx),
    leadStatus: createLeadStatusSetter(ctx),
    activity: createActivitySource(ctx),
    dispositions: createCallDisposer(ctx),
    leadImports: createLeadImporter(ctx),
  };
}
