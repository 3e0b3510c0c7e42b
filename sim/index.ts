/**
 * Starts all three vendor simulators on loopback with their seeded data: demo mode runs on these, and so
 * do the integration tests. Each listens on an ephemeral port unless told otherwise.
 */
import { AMEYO_SIM_DEFAULTS, startAmeyoSim, type AmeyoSim, type AmeyoSimOptions } from './ameyo';
import { APPS_API_SIM_DEFAULTS, startAppsApiSim, type AppsApiSim, type AppsApiSimOptions } from './apps-api';
import { CAMPAIGN_API_SIM_DEFAULTS, startCampaignApiSim, type CampaignApiSim, type CampaignApiSimOptions } from './campaign-api';

export { AMEYO_SIM_DEFAULTS, APPS_API_SIM_DEFAULTS, CAMPAIGN_API_SIM_DEFAULTS };
export type { AmeyoSim, AppsApiSim, CampaignApiSim };

export interface Simulators {
  ameyo: AmeyoSim;
  appsApi: AppsApiSim;
  campaignApi: CampaignApiSim;
  close(): Promise<void>;
}

export interface SimulatorsOptions {
  ameyo?: AmeyoSimOptions;
  appsApi?: AppsApiSimOptions;
  campaignApi?: CampaignApiSimOptions;
}

export async function startSimulators(opts: SimulatorsOptions = {}): Promise<Simulators> {
  const [ameyo, appsApi, campaignApi] = await Promise.all([
    startAmeyoSim(opts.ameyo),
    startAppsApiSim(opts.appsApi),
    startCampaignApiSim(opts.campaignApi),
  ]);
  return {
    ameyo,
    appsApi,
    campaignApi,
    close: async () => {
      await Promise.all([ameyo.close(), appsApi.close(), campaignApi.close()]);
    },
  };
}
