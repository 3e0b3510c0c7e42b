/** The Ameyo vendor module: what src/vendors/registry.ts lists for `ameyo`. */
import { AMEYO_SIM_DEFAULTS, startAmeyoSim } from '../../../sim/ameyo';
import { AMEYO_SEEDED_CAMPAIGNS } from '../../../sim/ameyo/seed';
import { defineVendor } from '../module';
import { createAmeyoAdapter } from './adapter';
import { ameyoConnection } from './config';
import { createAmeyoCrmRoutes } from './crmRoute';
import { ameyoError } from './errors';

/** Demo mode's CRM integration secrets: they only ever exist on 127.0.0.1. */
export const AMEYO_DEMO_CRM = { urlSecret: 'demo-crm-url-secret-0123', agentPassword: 'demo' } as const;

export const ameyoModule = defineVendor({
  key: 'ameyo',
  connection: ameyoConnection,
  createAdapter: createAmeyoAdapter,
  toError: ameyoError,
  // Ameyo's CRM URLs and SSO API, the gateway as the tenant's CRM (./crmRoute.ts).
  httpRoutes: createAmeyoCrmRoutes,
  simulator: {
    start: startAmeyoSim,
    defaults: AMEYO_SIM_DEFAULTS,
    connectionName: 'ameyo',
    // The simulator serves all three API families on one origin.
    connection: (sim) => ({
      ccId: AMEYO_SIM_DEFAULTS.ccId,
      baseUrls: { cms: sim.url, dataEngine: sim.url, appServer: sim.url },
      credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
      webAccess: { hashKey: AMEYO_SIM_DEFAULTS.hashKey, requestingHost: AMEYO_SIM_DEFAULTS.requestingHost },
      appServerToken: AMEYO_SIM_DEFAULTS.appServerToken,
      // The simulator's seeded campaigns, as an operator would name them (Ameyo lists none), each with its first seeded
      // lead list for CSV lead imports, which upload as the API user (demo mode and the test stack alike).
      campaigns: AMEYO_SEEDED_CAMPAIGNS.map((c) => ({ id: String(c.campaignId), name: c.campaignName, leadListId: String(c.leadListIds[0]) })),
      contactUploadUserId: AMEYO_SIM_DEFAULTS.username,
    }),
    demoAgent: (sim) => ({ nativeId: sim.state.sessions[0]!.userId }),
    // Demo mode: the gateway is the CRM of the simulated Ameyo (README "Ameyo CRM integration").
    demo: {
      connection: (sim) => ({
        crm: {
          urlSecret: AMEYO_DEMO_CRM.urlSecret,
          sso: { verifier: { agents: Object.fromEntries(sim.state.sessions.map((s) => [s.userId, AMEYO_DEMO_CRM.agentPassword])) } },
        },
      }),
      afterStart: async (sim, gw) => {
        const base = `${gw.url}/ameyo/${encodeURIComponent(gw.tenantId)}/${encodeURIComponent(gw.connectionId)}`;
        const key = `key=${encodeURIComponent(AMEYO_DEMO_CRM.urlSecret)}`;
        sim.crm.urls['*'] = {
          knowledgeBaseUrl: `${base}/crm/knowledge-base?${key}`,
          customerUrl: `${base}/crm/customer?${key}`,
          previewUrl: `${base}/crm/preview?${key}`,
          disposeUrl: `${base}/crm/dispose?${key}`,
          ssoUrl: `${base}/sso?${key}`,
          ssoPassword: AMEYO_DEMO_CRM.agentPassword,
        };
      },
    },
  },
});
