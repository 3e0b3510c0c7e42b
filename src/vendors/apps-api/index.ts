/** The UJET Apps API vendor module: what src/vendors/registry.ts lists for `apps-api`. */
import { APPS_API_SIM_DEFAULTS, startAppsApiSim } from '../../../sim/apps-api';
import { defineVendor } from '../module';
import { createAppsApiAdapter } from './adapter';
import { appsApiConnection } from './config';
import { appsApiError } from './errors';

export const appsApiModule = defineVendor({
  key: 'apps-api',
  connection: appsApiConnection,
  createAdapter: createAppsApiAdapter,
  toError: appsApiError,
  simulator: {
    start: startAppsApiSim,
    defaults: APPS_API_SIM_DEFAULTS,
    connectionName: 'apps',
    connection: (sim) => ({
      baseUrls: { apps: sim.appsBaseUrl, manager: sim.managerBaseUrl },
      credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
    }),
    demoAgent: (sim) => {
      const agent = sim.state.agents[0]!;
      return { nativeId: String(agent.id), email: agent.email };
    },
  },
});
