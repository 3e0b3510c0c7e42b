// Campaign-API authentication: login tokens (HS256 JWTs), API keys and the X-Account-ID check (notes §2).
import { randomBytes } from 'node:crypto';
import type { SimContext, SimReply } from '../common/server';
import { invalidInformation, invalidToken } from './errors';
import { signJwt, verifyJwt } from './jwt';
import type { CampaignApiAccount, CampaignApiState } from './seed';

/** Who a request acts as (the `principal` the route handlers receive). */
export interface CampaignApiPrincipal {
  account: CampaignApiAccount;
  via: 'bearer' | 'apiKey';
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
}

/** Refresh tokens live longer; no refresh endpoint is known (notes §2), so nothing accepts them yet. */
const REFRESH_TTL_SECONDS = 30 * 86_400;

/**
 * Issues and checks tokens. A token is valid when its signature, `type` and `exp` are right, its `identity`
 * names a known account, and its `jti` is still live: `expireAll()` forgets every live `jti`.
 */
export class TokenIssuer {
  private readonly live = new Set<string>();
  private logins = 0;

  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Number of successful logins (token pairs issued). */
  get loginCount(): number {
    return this.logins;
  }

  /** Payload `{identity: "<accountId>:<domain>", type, iat, exp, jti}` (identity/type/exp as in notes §2). */
  issue(account: CampaignApiAccount): IssuedTokens {
    this.logins++;
    const iat = Math.floor(this.now() / 1000);
    const identity = `${account.accountId}:${account.domain}`;
    const token = (type: 'access' | 'refresh', ttl: number) => {
      const jti = randomBytes(16).toString('hex');
      this.live.add(jti);
      return signJwt({ identity, type, iat, exp: iat + ttl, jti }, this.secret);
    };
    return { access_token: token('access', this.ttlSeconds), refresh_token: token('refresh', REFRESH_TTL_SECONDS) };
  }

  /** The account an access token acts for, or null when the token is not (or no longer) valid. */
  verifyAccess(token: string, accounts: readonly CampaignApiAccount[]): CampaignApiAccount | null {
    const payload = verifyJwt(token, this.secret);
    if (!payload || payload.type !== 'access') return null;
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= this.now()) return null;
    if (typeof payload.jti !== 'string' || !this.live.has(payload.jti)) return null;
    const identity = payload.identity;
    if (typeof identity !== 'string') return null;
    return accounts.find((a) => `${a.accountId}:${a.domain}` === identity) ?? null;
  }

  /** Every token issued so far becomes invalid, as if expired. */
  expireAll(): void {
    this.live.clear();
  }
}

const header = (ctx: SimContext, name: string): string | undefined => {
  const value = ctx.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
};

/**
 * Credentials first (401 `"Authentication token is invalid"`), then `X-Account-ID` (400 `"The information sent
 * is invalid."`). A Bearer token wins over `X-API-Key` when both are sent. The `expiredToken` fault applies to
 * bearer tokens only: API keys "never expire" (notes §2, "Auth and tokens").
 */
export function authenticate(ctx: SimContext, state: CampaignApiState, tokens: TokenIssuer): { principal: CampaignApiPrincipal } | { reply: SimReply } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(ctx, 'authorization') ?? '')?.[1];
  const apiKey = header(ctx, 'x-api-key');
  let principal: CampaignApiPrincipal;
  if (bearer !== undefined) {
    const account = ctx.faults.expiredToken ? null : tokens.verifyAccess(bearer, state.accounts);
    if (!account) return { reply: invalidToken() };
    principal = { account, via: 'bearer' };
  } else if (apiKey !== undefined) {
    const account = state.accounts.find((a) => a.apiKey !== undefined && a.apiKey === apiKey);
    if (!account) return { reply: invalidToken() };
    principal = { account, via: 'apiKey' };
  } else {
    return { reply: invalidToken() };
  }
  if (header(ctx, 'x-account-id') !== principal.account.accountId) return { reply: invalidInformation() };
  return { principal };
}
