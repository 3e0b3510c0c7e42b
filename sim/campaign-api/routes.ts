// The campaign-API route table (campaign-api-9443.txt); later endpoints are added to `campaignApiRoutes`.
import type { SimContext, SimReply, SimRoute } from '../common/server';
import type { TokenIssuer } from './auth';
import { invalidCredentials, invalidInformation } from './errors';
import type { CampaignApiState } from './seed';
import { queuesStatusView } from './views';

/** What the handlers share. */
export interface RouteDeps {
  state: CampaignApiState;
  tokens: TokenIssuer;
}

interface LoginBody {
  username: string;
  password: string;
  domain: string;
}

/** The login body, or null when it is not JSON or lacks a non-empty string field. */
export function parseLoginBody(json: unknown): LoginBody | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const { username, password, domain } = json as Record<string, unknown>;
  const ok = (v: unknown): v is string => typeof v === 'string' && v !== '';
  return ok(username) && ok(password) && ok(domain) ? { username, password, domain } : null;
}

/**
 * `POST /api/v2/login` (vendor doc). Bad body: 400 (doc); wrong credentials: 401 (notes §2, [T]).
 * The `/api/v2/config/login` variant some deployments use (notes §2) is not served.
 */
function login({ state, tokens }: RouteDeps, ctx: SimContext): SimReply {
  const body = parseLoginBody(ctx.json);
  if (!body) return invalidInformation();
  const account = state.accounts.find(
    (a) => a.username === body.username && a.password === body.password && a.domain === body.domain,
  );
  if (!account) return invalidCredentials();
  return { status: 200, body: { user: { ...account.user }, ...tokens.issue(account) } };
}

export function campaignApiRoutes(deps: RouteDeps): SimRoute[] {
  return [
    { route: 'POST /api/v2/login', public: true, handler: (ctx) => login(deps, ctx) },
    { route: 'GET /callcenter/queues/status', handler: () => ({ status: 200, body: queuesStatusView(deps.state) }) },
  ];
}
