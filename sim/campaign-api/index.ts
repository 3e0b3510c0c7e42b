// The campaign-API ("port 9443", FonoUC) simulator: seed state + routes + auth on the shared sim engine.
import { startSimServer, type SimServer, type SimVendor } from '../common/server';
import { authenticate, TokenIssuer, type CampaignApiPrincipal } from './auth';
import { notFound, serverError, tooManyRequests } from './errors';
import { campaignApiRoutes, type ActivityAnswer } from './routes';
import { createCampaignApiState, type AccountInput, type CampaignApiState } from './seed';

export type { CampaignApiPrincipal } from './auth';
export * from './seed';
export * from './errors';
export * from './store';
export * from './validate';
export * from './views';
export { DISPOSITION_SET, LEAD_DELETED, LEAD_STATUS_SET, historyKey, type ActivityAnswer } from './routes';

export interface CampaignApiSimOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Per account (login: per domain). Default 1; 0 turns the limit off. */
  requestsPerSecond?: number;
  /** Default `CAMPAIGN_API_SIM_DEFAULTS.seed`. */
  seed?: number;
  /** Access-token lifetime. Default 3600 (notes §2: clients re-login after ~3300 s; the real value is unconfirmed). */
  tokenTtlSeconds?: number;
  /** Default: the one account in `CAMPAIGN_API_SIM_DEFAULTS`. */
  accounts?: AccountInput[];
  /** HMAC key for the JWTs. Default `CAMPAIGN_API_SIM_DEFAULTS.jwtSecret`. */
  jwtSecret?: string;
  /** The activity report's answer: the document's bare array (default) or the `{data, next_start_key}` envelope. */
  activityAnswer?: ActivityAnswer;
}

export const CAMPAIGN_API_SIM_DEFAULTS = {
  accountId: 'c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e',
  domain: 'demo',
  username: 'switchboard',
  password: 'campaign-demo-password',
  apiKey: 'campaign-demo-api-key',
  seed: 9443,
  jwtSecret: 'campaign-sim-hs256-secret',
} as const;

export interface CampaignApiSim extends SimServer {
  /** The live state: the route handlers mutate it in place (add/delete lead, lead status, CDR disposition). */
  readonly state: CampaignApiState;
  /** Number of successful logins so far. */
  readonly loginCount: number;
  /** Makes every token issued so far invalid (as if expired). */
  expireAllTokens(): void;
  /** The HS256 key the tokens are signed with (for tests that verify signatures). */
  readonly jwtSecret: string;
  /** The activity report's answer from now on. */
  setActivityAnswer(shape: ActivityAnswer): void;
}

const HEX32 = /^[0-9a-f]{32}$/;

export async function startCampaignApiSim(opts: CampaignApiSimOptions = {}): Promise<CampaignApiSim> {
  const d = CAMPAIGN_API_SIM_DEFAULTS;
  const accounts = opts.accounts ?? [{ accountId: d.accountId, domain: d.domain, username: d.username, password: d.password, apiKey: d.apiKey }];
  for (const a of accounts) {
    if (!HEX32.test(a.accountId)) throw new TypeError(`expected accountId to be 32 lowercase hex, got '${a.accountId}'`);
  }
  const tokenTtlSeconds = opts.tokenTtlSeconds ?? 3600;
  if (!(tokenTtlSeconds > 0)) throw new TypeError(`expected tokenTtlSeconds to be > 0, got ${tokenTtlSeconds}`);
  const jwtSecret = opts.jwtSecret ?? d.jwtSecret;

  const state = createCampaignApiState(opts.seed ?? d.seed, accounts);
  const tokens = new TokenIssuer(jwtSecret, tokenTtlSeconds);
  const shapes: { activityAnswer: ActivityAnswer } = { activityAnswer: opts.activityAnswer ?? 'array' };
  const vendor: SimVendor = {
    name: 'campaign-api',
    routes: campaignApiRoutes({ state, tokens, shapes }),
    authenticate: (ctx) => authenticate(ctx, state, tokens),
    // "Per customer": the account id once authenticated; the domain for login (which has no account yet).
    rateLimitKey: (ctx) => {
      const principal = ctx.principal as CampaignApiPrincipal | undefined;
      if (principal) return `account:${principal.account.accountId}`;
      const domain = (ctx.json as { domain?: unknown } | null | undefined)?.domain;
      return `domain:${typeof domain === 'string' ? domain : ''}`;
    },
    tooManyRequests,
    serverError,
    notFound,
  };
  const server = await startSimServer(vendor, {
    ...(opts.host !== undefined && { host: opts.host }),
    ...(opts.port !== undefined && { port: opts.port }),
    ...(opts.requestsPerSecond !== undefined && { requestsPerSecond: opts.requestsPerSecond }),
  });

  // Delegate explicitly: `faults` is a getter on the server handle, so spreading it would freeze its value.
  return {
    get url() {
      return server.url;
    },
    get port() {
      return server.port;
    },
    get requests() {
      return server.requests;
    },
    clearRequests: () => server.clearRequests(),
    get faults() {
      return server.faults;
    },
    setFaults: (faults) => server.setFaults(faults),
    resetFaults: () => server.resetFaults(),
    close: () => server.close(),
    get state() {
      return state;
    },
    get loginCount() {
      return tokens.loginCount;
    },
    expireAllTokens: () => tokens.expireAll(),
    jwtSecret,
    setActivityAnswer: (shape) => {
      shapes.activityAnswer = shape;
    },
  };
}
