/** The Apps API wire client: requests by route name, responses checked and paged; no domain mapping. */
import type { AppsApiConnectionConfig } from '../../config/schema';
import type { ErrorFacts } from '../../errors';
import type { Upstream } from '../../upstream/createUpstream';
import type { HttpMethod, RequestScope, UpstreamResponse } from '../../upstream/types';
import { callRoute, type QueryValue, type RouteCall, type RouteContext } from '../routes';
import { readWire } from '../wire';
import { appsApiRoutes, type AppsApiFamily, type AppsApiRoute } from './routes';
import type { z } from 'zod';

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

/**
 * The pages to read for items [offset, offset + limit) of a page/per list: one page when the offset is a
 * multiple of the limit (the usual case: a client paging with a fixed `first`), otherwise the pages of 100
 * that cover the range (at most two, since limit <= 100).
 */
export function pagesFor(offset: number, limit: number): { per: number; pages: number[]; skip: number } {
  if (offset % limit === 0) return { per: limit, pages: [offset / limit + 1], skip: 0 };
  const per = APPS_API_MAX_PER;
  const firstPage = Math.floor(offset / per) + 1;
  const lastPage = Math.floor((offset + limit - 1) / per) + 1;
  const pages: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) pages.push(p);
  return { per, pages, skip: offset - (firstPage - 1) * per };
}

export class AppsApiClient {
  private readonly ctx: RouteContext<AppsApiFamily>;
  private readonly facts: ErrorFacts;

  constructor(upstream: Upstream, config: AppsApiConnectionConfig) {
    this.ctx = { send: upstream.send, baseUrls: config.baseUrls, cacheTtlMs: config.cacheTtlMs, overrides: config.routes };
    this.facts = { vendor: 'apps-api', connectionId: config.id };
  }

  /** Sends one row; returns the raw response (any 2xx). */
  send(route: AppsApiRoute, scope: RequestScope, call: RouteCall = {}): Promise<UpstreamResponse> {
    return callRoute(this.ctx, appsApiRoutes, route, scope, call);
  }

  /** Sends one row and checks its JSON body against `schema`. */
  async json<T>(route: AppsApiRoute, schema: z.ZodType<T>, scope: RequestScope, call: RouteCall = {}): Promise<T> {
    const res = await this.send(route, scope, call);
    const facts = { ...this.facts, route };
    return readWire(res, schema, facts);
  }

  /** Sends a JSON body with `method` (a row's own method, or one of its alternates). */
  write<T>(route: AppsApiRoute, schema: z.ZodType<T>, scope: RequestScope, json: unknown, call: Omit<RouteCall, 'json'> & { method?: HttpMethod } = {}): Promise<T> {
    return this.json(route, schema, scope, { ...call, json });
  }

  /** One page of a page/per list (Link/Total headers, notes §1 "Pagination"). */
  async page<T>(
    route: AppsApiRoute,
    schema: z.ZodType<T[]>,
    scope: RequestScope,
    opts: { page?: number; per?: number; query?: Record<string, QueryValue>; params?: Record<string, string | number> },
  ): Promise<AppsApiPage<T>> {
    const { page, per, query = {}, params } = opts;
    const res = await this.send(route, scope, { query: { ...query, page, per }, ...(params ? { params } : {}) });
    const facts = { ...this.facts, route };
    const items = readWire(res, schema, facts);
    const total = res.headers['total'] !== undefined ? Number(res.headers['total']) : null;
    return {
      items,
      total: total !== null && Number.isFinite(total) ? total : null,
      nextPage: pageOf(parseLinkHeader(res.headers['link'])['next']),
    };
  }

  /** Items [offset, offset + limit) of a page/per list, in as few requests as `pagesFor` allows. */
  async slice<T>(
    route: AppsApiRoute,
    schema: z.ZodType<T[]>,
    scope: RequestScope,
    offset: number,
    limit: number,
    opts: { query?: Record<string, QueryValue>; params?: Record<string, string | number> } = {},
  ): Promise<{ items: T[]; total: number | null }> {
    const plan = pagesFor(offset, limit);
    const items: T[] = [];
    let total: number | null = null;
    for (const p of plan.pages) {
      const res = await this.page(route, schema, scope, { ...opts, page: p, per: plan.per });
      items.push(...res.items);
      total = res.total;
      if (res.items.length < plan.per) break;
    }
    return { items: items.slice(plan.skip, plan.skip + limit), total };
  }

  /** Every item of a page/per list, following `Link rel="next"` (bounded by `maxPages`). */
  async all<T>(route: AppsApiRoute, schema: z.ZodType<T[]>, scope: RequestScope, opts: { query?: Record<string, QueryValue>; maxPages?: number } = {}): Promise<T[]> {
    const { query, maxPages = 100 } = opts;
    const out: T[] = [];
    let page: number | null = 1;
    for (let n = 0; page !== null && n < maxPages; n++) {
      const res: AppsApiPage<T> = await this.page(route, schema, scope, { page, per: APPS_API_MAX_PER, ...(query ? { query } : {}) });
      out.push(...res.items);
      page = res.nextPage !== null && res.nextPage > page ? res.nextPage : null;
    }
    return out;
  }
}
