/** The campaign-API wire client: login and requests by route name; no domain mapping. */
import type { CampaignApiConnectionConfig } from '../../config/schema';
import type { ErrorFacts } from '../../errors';
import type { IssuedToken } from '../../upstream/auth';
import type { RequestScope, UpstreamHandler } from '../../upstream/types';
import { callRoute, type RouteContext } from '../routes';
import { expectJson, parseWire } from '../wire';
import { jwtExpiryMs } from '../jwt';
import { campaignApiError } from './errors';
import { campaignApiRoutes, type CampaignApiFamily } from './routes';
import { wireLogin, wireQueueList, type WireQueue } from './types';

export class CampaignApiClient {
  private readonly ctx: RouteContext<CampaignApiFamily>;
  private readonly facts: ErrorFacts;

  constructor(
    send: UpstreamHandler,
    private readonly config: CampaignApiConnectionConfig,
  ) {
    this.ctx = { send, baseUrls: { portal: config.baseUrl }, cacheTtlMs: config.cacheTtlMs };
    this.facts = { vendor: 'campaign-api', connectionId: config.id };
  }

  /**
   * `POST /api/v2/login`. `send` is the rate-limited chain below auth, so errors are mapped here. The
   * token's lifetime comes from its `exp`; without one, `tokenTtlMs` (notes §2: clients assume ~1 h).
   */
  static async login(send: UpstreamHandler, config: CampaignApiConnectionConfig, scope: RequestScope): Promise<IssuedToken> {
    if (!('username' in config.credentials)) throw new TypeError('login needs username/password credentials');
    const { username, password, domain } = config.credentials;
    const facts: ErrorFacts = { vendor: 'campaign-api', connectionId: config.id, route: 'login' };
    const ctx: RouteContext<CampaignApiFamily> = { send, baseUrls: { portal: config.baseUrl }, cacheTtlMs: 0 };
    const res = await callRoute(ctx, campaignApiRoutes, 'login', scope, { json: { username, password, domain } });
    if (res.status >= 400) throw campaignApiError(res, { ...facts, upstreamStatus: res.status });
    const body = parseWire(wireLogin, expectJson(res, facts), facts);
    return { token: body.access_token, expiresAt: jwtExpiryMs(body.access_token) ?? Date.now() + config.tokenTtlMs };
  }

  /** `GET /callcenter/queues/status`: every queue with its agents. */
  async queuesStatus(scope: RequestScope): Promise<WireQueue[]> {
    const res = await callRoute(this.ctx, campaignApiRoutes, 'queuesStatus', scope);
    const facts = { ...this.facts, route: 'queuesStatus' };
    return parseWire(wireQueueList, expectJson(res, facts), facts);
  }
}
