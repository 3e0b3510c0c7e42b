/**
 * The UJET "Apps API" simulator (vendor-docs/apps-api.txt) with its sibling Manager API list endpoints
 * (notes/vendors-real-world.md §1). Routes, by module:
 *
 *   agents.ts        GET  /manager/api/v1/agents, GET /manager/api/v1/user_statuses (below)
 *   calls.ts         POST /apps/api/v1/calls; GET /manager/api/v1/calls[/:id];
 *                    GET|PATCH|PUT /apps/api/v1/calls/:id/customer_flag; POST /apps/api/v1/calls/:id/end_user;
 *                    POST /apps/api/v1/calls/:id/custom_data
 *   agent-status.ts  POST /apps/api/v1/agent_statuses; POST /apps/api/v1/agent_statuses/force_logout
 *   campaigns.ts     GET /manager/api/v1/outbound_dialer/campaigns[/:id];
 *                    GET|POST /apps/api/v1/outbound_dialer/campaigns/:id/contacts; PATCH|DELETE .../:id/contact;
 *                    POST .../:id/contacts/import; GET .../:id/contacts/jobs/:job_id;
 *                    POST|DELETE|GET /apps/api/v1/outbound_dialer/dnc
 *   queues.ts        GET /apps/api/v1/wait_times; GET /apps/api/v1/queues/status; GET /apps/api/v1/queue_operation_statuses
 *   misc.ts          POST /apps/api/v1/sms; POST /apps/api/v1/crm/contact_data; POST|GET /apps/api/v1/end_users
 *   chats.ts         GET /manager/api/v1/chats[/:id]; POST /apps/api/v1/chats; GET|PATCH|PUT .../chats/:id;
 *                    PATCH .../chats/:id/resume; POST .../chats/:id/messages; POST .../chats/:id/escalations;
 *                    PATCH|PUT .../chats/:id/escalations/:id; POST|GET .../chats/:id/{photos,videos};
 *                    GET .../chats/:id/{photos,videos}/upload_url; GET .../chats/:id/media/:media_id;
 *                    GET|PATCH|PUT .../chats/:id/customer_flag; POST .../chats/:id/custom_data; POST .../chats/:id/end_user
 *   bulk-users.ts    GET /apps/api/v1/bulk/users/template; POST|PUT .../bulk/users/upload; POST .../bulk/users/proceed;
 *                    GET .../bulk/users/jobs[/:job_id]; GET .../bulk/users/errors/{scheme,update}/:job_id
 *   queue-settings.ts POST /apps/api/v1/queue_settings/{export,import}; GET .../queue_settings/version_histories[/:id[/download]];
 *                    POST .../version_histories/{auto_saved,restore}   (paths [U], issue 16 item 9)
 *   contact-lists.ts POST /apps/api/v1/contact_lists; PATCH|PUT|DELETE .../contact_lists/:id;
 *                    POST .../contact_lists/:id/entries; PATCH|PUT|DELETE .../entries/:id   (paths and bodies [U], issue 16 item 10)
 *
 * Write endpoints change `state`, so later reads see the change. Every 400 is `{"message": ...}`; unknown records are
 * 404 `{"message":"Not Found"}`.
 */
import { startSimServer, type SimContext, type SimServer, type SimVendor } from '../common/server';
import { agentStatusRoutes } from './agent-status';
import { listAgents } from './agents';
import { bulkUserRoutes } from './bulk-users';
import { callRoutes } from './calls';
import { chatRoutes } from './chats';
import { campaignRoutes } from './campaigns';
import type { AppsEnv } from './env';
import { miscRoutes } from './misc';
import { queueRoutes } from './queues';
import { queueSettingsRoutes } from './queue-settings';
import { contactListRoutes } from './contact-lists';
import { notFound, serverError, tooManyRequests, unauthorized } from './errors';
import { pageReply, readPage, requestOrigin } from './paging';
import { buildAppsApiState, type AppsApiState } from './seed';

export type {
  Agent,
  AgentInfo,
  AppsApiState,
  BulkUserJob,
  Call,
  CallStatus,
  CallType,
  Campaign,
  CampaignContact,
  ChatSession,
  ChatStatus,
  ContactImportJob,
  ContactStatus,
  CustomerFlags,
  DncEntry,
  EndUser,
  Menu,
  MenuQueue,
  SmsChat,
  UserStatus,
} from './seed';
export { CALL_STATUSES, CALL_STATUS_VALUES, CALL_TYPES, CHAT_STATUSES, CONTACT_STATUSES, OFFICE_IP_BLOCK, TEAM_IDS, USER_STATUSES, buildAppsApiState } from './seed';
export { CALLS_400, END_USER_400, MISSING_PARAMETER, USERS_400 } from './errors';
export { CALL_TYPE_ALIASES, CALLS_OUR_400, END_USER_DUPLICATE_INTERVAL_MS } from './calls';
export { CHATS_400, CHAT_MESSAGE_TYPES } from './chats';
export { FORCE_LOGOUT_JOB_THRESHOLD } from './agent-status';
export { CONTACTS_400, IMPORT_FILE_MAX_BYTES, IMPORT_FILE_TOO_LARGE } from './campaigns';
export { QUEUES_400 } from './queues';
export { MISC_400, SMS_CHAT_TYPES } from './misc';
export { BULK_400, BULK_MAX_CHAT_LIMIT, BULK_ROLES } from './bulk-users';
export { signHs256Jwt } from './util';
export { QUEUE_SETTINGS_400, zipOne, type QueueSettingsVersion } from './queue-settings';
export { CONTACT_LISTS_400, type ContactList, type ContactListEntry } from './contact-lists';

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
  /**
   * The company secret that signs custom data `signed_data` (HS256 JWT, vendor doc "Calls" custom data). Default
   * `APPS_API_SIM_DEFAULTS.companySecret`.
   */
  companySecret?: string;
  /** The simulator's clock in ms since the epoch (timestamps of new records, "future time" checks, DNC expiry). Default Date.now. */
  now?: () => number;
}

export const APPS_API_SIM_DEFAULTS: {
  subdomain: 'demo';
  token: 'apps-demo-token';
  seed: number;
  companySecret: 'apps-demo-company-secret';
} = Object.freeze({
  subdomain: 'demo',
  token: 'apps-demo-token',
  seed: 20_261_102,
  companySecret: 'apps-demo-company-secret',
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
    companySecret = APPS_API_SIM_DEFAULTS.companySecret,
    now = Date.now,
  } = opts;
  const state = buildAppsApiState(seed);
  // The server's own address, for Link URLs when a request has no Host header; known once it listens.
  let selfUrl = 'http://127.0.0.1';
  const env: AppsEnv = { state, now, companySecret, origin: (ctx) => requestOrigin(ctx, selfUrl) };

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
      ...callRoutes(env),
      ...agentStatusRoutes(env),
      ...campaignRoutes(env),
      ...queueRoutes(env),
      ...miscRoutes(env),
      ...bulkUserRoutes(env),
      ...chatRoutes(env),
      ...queueSettingsRoutes(env),
      ...contactListRoutes(env),
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
