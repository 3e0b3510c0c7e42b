/** The UJET "Apps API" simulator (vendor-docs/apps-api.txt) with its sibling Manager API list endpoints (notes/vendors-real-world.md §1). */
import { startSimServer, type SimContext, type SimServer, type SimVendor } from '../common/server';
import { listAgents } from './agents';
import { notFound, serverError, tooManyRequests, unauthorized } from './errors';
import { pageReply, readPage, requestOrigin } from './paging';
import { buildAppsApiState, type AppsApiState } from './seed';

export type {
  Agent, AgentInfo, AppsApiState, Call, CallStatus, CallType, Campaign, CampaignContact, ContactStatus, Menu, UserStatus,
} from './seed';
export { CALL_STATUSES, CALL_STATUS_VALUES, CALL_TYPES, CONTACT_STATUSES, USER_STATUSES, buildAppsApiState } from './seed';
export { USERS_400 } from './errors';

export interface AppsApiSimOptions {
  host?: string;
  port?: number;
  /** Per customer (Basic username). Default 1, the vendor doc's "1 request per second per customer". 0 turns it off. */
  requestsPerSecond?: number;
  seed?: number;
  /** Accepted Basic credentials: username = subdomain, password = API token. Default: the one account in the defaults. */
  accounts?: Array<{ subdomain: string; token: string }>;
  /**
   * Enforce the vendor doc's old agent-list rules ("Cannot paginate filtered results …", "Only one filter should be
   * configured at a time"), which the current docs no longer have (notes §1). Default false.
   */
  strictLegacyFilterRules?: boolean;
}

export const APPS_API_SIM_DEFAULTS: { subdomain: 'demo'; token: 'apps-demo-token'; seed: number } = Object.freeze({
  subdomain: 'demo',
  token: 'apps-demo-token',
  seed: 20_261_102,
});

export interface AppsApiSim extends SimServer {
  state: AppsApiState;
  /** `${url}/apps/api/v1` */
  appsBaseUrl: string;
  /** `${url}/manager/api/v1` */
  managerBaseUrl: string;
}

export interface AppsApiAccount {
  subdomain: string;
  token: string;
}

/** Reads `Authorization: Basic base64(user:pass)`; null when absent or malformed. */
function basicCredentials(ctx: SimContext): { username: string; password: string } | null {
  const header = ctx.headers.authorization;
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts the simulator. Resolves once it is listening. */
export async function startAppsApiSim(opts: AppsApiSimOptions = {}): Promise<AppsApiSim> {
  const {
    host,
    port,
    requestsPerSecond = 1,
    seed = APPS_API_SIM_DEFAULTS.seed,
    accounts = [{ subdomain: APPS_API_SIM_DEFAULTS.subdomain, token: APPS_API_SIM_DEFAULTS.token }],
    strictLegacyFilterRules = false,
  } = opts;
  const state = buildAppsApiState(seed);
  // The server's own address, for Link URLs when a request has no Host header; known once it listens.
  let selfUrl = 'http://127.0.0.1';

  const vendor: SimVendor = {
    name: 'apps-api',
    routes: [
      {
        route: 'GET /manager/api/v1/agents',
        handler: (ctx) => listAgents(state, ctx, selfUrl, strictLegacyFilterRules),
      },
      {
        // A Manager API list like the others, so it takes `page`/`per` and sends the paging headers too.
        route: 'GET /manager/api/v1/user_statuses',
        handler: (ctx) => {
          const paging = readPage(ctx.query);
          if ('reply' in paging) return paging.reply;
          return pageReply(ctx, requestOrigin(ctx, selfUrl), state.userStatuses, paging);
        },
      },
    ],
    // HTTP Basic: username = subdomain, password = API token (vendor-docs/apps-api.txt "Basic Authentication").
    authenticate(ctx) {
      const creds = basicCredentials(ctx);
      const account = creds && accounts.find((a) => a.subdomain === creds.username && a.token === creds.password);
      if (!account) return { reply: unauthorized() };
      if (ctx.faults.expiredToken) return { reply: unauthorized() }; // a revoked/expired token looks like a wrong one
      return { principal: account };
    },
    // "1 request per second per customer" (vendor-docs/apps-api.txt "Rate Limits"); the customer is the subdomain.
    rateLimitKey: (ctx) => (ctx.principal as AppsApiAccount).subdomain,
    tooManyRequests,
    serverError,
    notFound,
  };

  const server = await startSimServer(vendor, {
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    requestsPerSecond,
  });
  selfUrl = server.url;
  // Copy property descriptors, not values: a spread would freeze the live `faults` getter at its current value.
  const sim = Object.defineProperties({}, Object.getOwnPropertyDescriptors(server)) as SimServer;
  return Object.assign(sim, {
    state,
    appsBaseUrl: `${server.url}/apps/api/v1`,
    managerBaseUrl: `${server.url}/manager/api/v1`,
  });
}
