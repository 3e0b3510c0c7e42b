/** The Ameyo wire client: requests by route name, envelopes unwrapped; no domain mapping. */
import type { AmeyoConnectionConfig } from '../../config/schema';
import type { ErrorFacts } from '../../errors';
import type { Upstream } from '../../upstream/createUpstream';
import type { RequestScope } from '../../upstream/types';
import { callRoute, type QueryValue, type RouteContext } from '../routes';
import { expectJson, parseWire } from '../wire';
import { ameyoRoutes, type AmeyoFamily, type MonitoringTable } from './routes';
import { wireMonitoringEnvelope } from './types';

/** Rows per monitoring page we ask for (the doc's default `limit`). */
export const AMEYO_MONITORING_PAGE = 100;

export interface MonitoringQuery {
  offset?: number;
  limit?: number;
  /** `prop:asc` / `prop:desc`, repeatable. */
  sortBy?: string[];
  /** Kebab-case filters as documented (`user-ids`, `campaign-ids`, `status`, ...). */
  filters?: Record<string, QueryValue>;
}

export interface MonitoringPage {
  rows: unknown[];
  /** `metadata.total` (some builds send it as a string: notes §3d). */
  total: number | null;
}

export class AmeyoClient {
  private readonly ctx: RouteContext<AmeyoFamily>;
  private readonly facts: ErrorFacts;

  constructor(
    upstream: Upstream,
    private readonly config: AmeyoConnectionConfig,
  ) {
    this.ctx = { send: upstream.send, baseUrls: config.baseUrls, cacheTtlMs: config.cacheTtlMs };
    this.facts = { vendor: 'ameyo', connectionId: config.id };
  }

  /** `GET /v4/cc-list/{ccId}/monitoring/user-session-information?table-name=...`. */
  async monitoring(scope: RequestScope, table: MonitoringTable, q: MonitoringQuery = {}): Promise<MonitoringPage> {
    const res = await callRoute(this.ctx, ameyoRoutes, 'monitoring', scope, {
      params: { ccId: this.config.ccId },
      query: {
        'table-name': table,
        offset: q.offset ?? 0,
        limit: q.limit ?? AMEYO_MONITORING_PAGE,
        sort_by: q.sortBy,
        ...(q.filters ?? {}),
      },
    });
    const facts = { ...this.facts, route: 'monitoring' };
    const env = parseWire(wireMonitoringEnvelope, expectJson(res, facts), facts);
    const total = env.metadata?.total != null ? Number(env.metadata.total) : null;
    return { rows: env.response.map((r) => r.data), total: Number.isFinite(total) ? total : null };
  }
}
