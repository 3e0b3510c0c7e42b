/** The Apps API wire client: requests by route name, responses checked and paged; no domain mapping. */
import type { AppsApiConnectionConfig } from '../../config/schema';
import type { ErrorFacts } from '../../errors';
import type { Upstream } from '../../upstream/createUpstream';
import type { RequestScope } from '../../upstream/types';
import { callRoute, type QueryValue, type RouteContext } from '../routes';
import { expectJson, parseWire } from '../wire';
import { appsApiRoutes, type AppsApiFamily } from './routes';
import { wireAgentList, type WireAgent } from './types';

/** Largest page the Manager API serves (notes §1: "The maximum is 100"). */
export const APPS_API_MAX_PER = 100;

export interface AppsApiPage<T> {
  items: T[];
  /** From the `Total` header; null when absent. */
  total: number | null;
  /** The page `Link rel="next"` points at; null on the last page. */
  nextPage: number | null;
}

/** Reads `<url>; rel="next"` from an RFC 5988 Link header. */
export function parseLinkHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (!m) continue;
    const rel = /rel="?([^";]+)"?/.exec(m[2]!);
    if (rel) for (const r of rel[1]!.trim().split(/\s+/)) out[r] = m[1]!;
  }
  return out;
}

function pageOf(link: string | undefined): number | null {
  if (!link) return null;
  try {
    const page = Number(new URL(link).searchParams.get('page'));
    return Number.isInteger(page) && page > 0 ? page : null;
  } catch {
    return null;
  }
}

export class AppsApiClient {
  private readonly ctx: RouteContext<AppsApiFamily>;
  private readonly facts: ErrorFacts;

  constructor(upstream: Upstream, config: AppsApiConnectionConfig) {
    this.ctx = { send: upstream.send, baseUrls: config.baseUrls, cacheTtlMs: config.cacheTtlMs };
    this.facts = { vendor: 'apps-api', connectionId: config.id };
  }

  /**
   * One page of `GET /manager/api/v1/agents` with the documented filters (`id[]`, `status_id[]`, ...).
   * Filtered reads send no `page`/`per`: apps-api.txt "Users" says filtered results cannot be paginated.
   */
  async listAgents(scope: RequestScope, opts: { page?: number; per?: number; filters?: Record<string, QueryValue> }): Promise<AppsApiPage<WireAgent>> {
    const { page, per, filters = {} } = opts;
    const res = await callRoute(this.ctx, appsApiRoutes, 'listAgents', scope, { query: { ...filters, page, per } });
    const facts = { ...this.facts, route: 'listAgents' };
    const items = parseWire(wireAgentList, expectJson(res, facts), facts);
    const total = res.headers['total'] !== undefined ? Number(res.headers['total']) : null;
    return {
      items,
      total: Number.isFinite(total) ? total : null,
      nextPage: pageOf(parseLinkHeader(res.headers['link'])['next']),
    };
  }
}
