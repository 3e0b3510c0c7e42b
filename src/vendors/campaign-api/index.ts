/** The port-9443 campaign API vendor module: what src/vendors/registry.ts lists for `campaign-api`. */
import { CAMPAIGN_API_SIM_DEFAULTS, startCampaignApiSim } from '../../../sim/campaign-api';
import { defineVendor } from '../module';
import { createCampaignApiAdapter } from './adapter';
import { campaignApiConnection } from './config';
import { campaignApiError } from './errors';

export const campaignApiModule = defineVendor({
  key: 'campaign-api',
  connection: campaignApiConnection,
  createAdapter: createCampaignApiAdapter,
  toError: campaignApiError,
  simulator: {
    start: startCampaignApiSim,
    defaults: CAMPAIGN_API_SIM_DEFAULTS,
    connectionName: 'dialer',
    connection: (sim) => ({
      baseUrl: sim.url,
      accountId: CAMPAIGN_API_SIM_DEFAULTS.accountId,
      credentials: {
        username: CAMPAIGN_API_SIM_DEFAULTS.username,
        password: CAMPAIGN_API_SIM_DEFAULTS.password,
        domain: CAMPAIGN_API_SIM_DEFAULTS.domain,
      },
    }),
    // An agent who is in a queue, so the demo agent sees queue status.
    demoAgent: (sim) => ({ nativeId: String(sim.state.queues.flatMap((q) => q.agentIds)[0]!) }),
  },
});
