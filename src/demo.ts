/**
 * Demo mode: the three vendor simulators on loopback, and a config with one tenant that has one
 * connection to each, at the vendors' real 1 request/second limit. The demo API key is fixed so the
 * README's example works as written; it only ever exists on 127.0.0.1.
 */
import type { Logger } from 'pino';
import { AMEYO_SIM_DEFAULTS, APPS_API_SIM_DEFAULTS, CAMPAIGN_API_SIM_DEFAULTS, startSimulators, type Simulators } from '../sim';
import { resolveConfig } from './config/load';
import type { ConfigInput } from './config/schema';
import { startGateway, type Gateway } from './http/server';

export const DEMO_API_KEY = 'sb_demo_0123456789abcdef';
export const DEMO_TENANT_ID = 'demo';

/** What a caller of `startDemo` may change in the demo config. */
export interface DemoOptions {
  /** Browser origins allowed to call the demo gateway (`server.cors`). Default none. */
  cors?: NonNullable<ConfigInput['server']>['cors'];
}

/** The demo config for running simulators. `port` defaults to 4000; the host is always loopback. */
export function demoConfig(sims: Simulators, port: number, options: DemoOptions = {}): ConfigInput {
  return {
    // Demo mode is for exploring: the IDE is on, and it needs introspection.
    server: { host: '127.0.0.1', port, ide: true, introspection: true, ...(options.cors ? { cors: options.cors } : {}) },
    tenants: [
      {
        id: DEMO_TENANT_ID,
        apiKeys: [DEMO_API_KEY],
        connections: [
          {
            id: 'ameyo-demo',
            vendor: 'ameyo',
            ccId: AMEYO_SIM_DEFAULTS.ccId,
            baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
            credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
            webAccess: { hashKey: AMEYO_SIM_DEFAULTS.hashKey, requestingHost: AMEYO_SIM_DEFAULTS.requestingHost },
            appServerToken: AMEYO_SIM_DEFAULTS.appServerToken,
          },
          {
            id: 'apps-demo',
            vendor: 'apps-api',
            baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
            credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
          },
          {
            id: 'dialer-demo',
            vendor: 'campaign-api',
            baseUrl: sims.campaignApi.url,
            accountId: CAMPAIGN_API_SIM_DEFAULTS.accountId,
            credentials: {
              username: CAMPAIGN_API_SIM_DEFAULTS.username,
              password: CAMPAIGN_API_SIM_DEFAULTS.password,
              domain: CAMPAIGN_API_SIM_DEFAULTS.domain,
            },
          },
        ],
      },
    ],
  };
}

export interface Demo {
  gateway: Gateway;
  sims: Simulators;
  close(): Promise<void>;
}

/** Starts the simulators and a gateway on them: what `npm start` does with no config. */
export async function startDemo(opts: { port: number; logger: Logger } & DemoOptions): Promise<Demo> {
  const sims = await startSimulators();
  try {
    const gateway = await startGateway(resolveConfig(demoConfig(sims, opts.port, opts)), {
      logger: opts.logger,
      ideDefaultHeaders: { Authorization: `Bearer ${DEMO_API_KEY}` },
      demo: true,
    });
    return {
      gateway,
      sims,
      close: async () => {
        await gateway.close();
        await sims.close();
      },
    };
  } catch (err) {
    await sims.close();
    throw err;
  }
}
