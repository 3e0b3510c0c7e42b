/** Manager API pagination for the Apps API simulator: `page`/`per`, and the `Link`, `Total` and `Per-Page` headers. */
import type { SimContext, SimReply } from '../common/server';
import { badRequest, USERS_400 } from './errors';

/** Default and maximum page size (notes/vendors-real-world.md §1 "Pagination": default 100, max 100). */
export const DEFAULT_PER = 100;
export const MAX_PER = 100;
/** `per` at or above this is a 400 (the vendor doc's old limit, "a valid integer less than 1000"). */
export const PER_REJECTED_FROM = 1000;

export interface PageRequest {
  page: number;
  per: number;
}

/**
 * Reads `page` and `per`. `per` that is not an integer, is < 1 or is >= 1000 gets the vendor doc's 400
 * (vendor-docs/apps-api.txt "Users"); 101..999 is reduced to 100 (notes §1: "a larger `per` is reduced to 100").
 * ASSUMPTION: a `page` that is not a positive integer is treated as page 1 (what Rails' Kaminari does); the docs say nothing.
 */
export function readPage(query: URLSearchParams): PageRequest | { reply: SimReply } {
  let per = DEFAULT_PER;
  const rawPer = query.get('per');
  if (rawPer !== null) {
    const trimmed = rawPer.trim();
    const n = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n >= PER_REJECTED_FROM) {
      return { reply: badRequest(USERS_400.invalidPageSize) };
    }
    per = Math.min(n, MAX_PER);
  }
  const rawPage = query.get('page')?.trim() ?? '';
  const page = /^\d+$/.test(rawPage) && Number(rawPage) >= 1 ? Number(rawPage) : 1;
  return { page: Number.isSafeInteger(page) ? page : 1, per };
}

/** The absolute base URL of the request, from its Host header (falling back to the simulator's own address). */
export function requestOrigin(ctx: SimContext, fallback: string): string {
  const host = ctx.headers.host;
  return host ? `http://${host}` : fallback;
}

/**
 * Answers one page of `items` (already filtered and ordered) as a bare JSON array with `Total`, `Per-Page` and an
 * RFC 5988 `Link` header: `rel="next"` while more records exist and always `rel="last"` (an empty result's last page
 * is page 1). Link URLs keep every other query parameter and set `page` (notes §1 "Pagination").
 */
export function pageReply<T>(ctx: SimContext, origin: string, items: readonly T[], { page, per }: PageRequest): SimReply {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / per));
  const link = (n: number, rel: string) => {
    const params = new URLSearchParams(ctx.query);
    params.set('page', String(n)); // replaces an existing `page` in place, else appends it
    return `<${origin}${ctx.path}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < lastPage) links.push(link(page + 1, 'next'));
  links.push(link(lastPage, 'last'));
  return {
    status: 200,
    headers: { Link: links.join(', '), Total: String(total), 'Per-Page': String(per) },
    body: items.slice((page - 1) * per, page * per),
  };
}
