/**
 * Paging the gateway's lists: Relay-shaped pages (`edges`, `pageInfo`) over lists held in full (merged
 * across connections), over several vendor lists one after another, and over a vendor's own start keys.
 * Cursors are opaque base64url of the paging state; `first` is 1..100 as DESIGN.md requires. Domain
 * services page with these; the GraphQL layer serves the pages as they are.
 */
import { BadUserInputError } from '../errors';

export const MAX_FIRST = 100;

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

export function decodeOffsetCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^o:(\d{1,9})$/.exec(text);
  if (!m) throw new BadUserInputError(`expected \`after\` to be a cursor from this connection, got ${JSON.stringify(cursor.slice(0, 64))}`);
  return Number(m[1]);
}

export function checkFirst(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw new BadUserInputError(`expected \`first\` between 1 and ${MAX_FIRST}, got ${first}`);
  }
  return first;
}

/** Slices a fully known list into one Relay page. */
export function pageOfList<T>(items: readonly T[], first: number, after: string | null | undefined): Page<T> {
  checkFirst(first);
  const start = after ? decodeOffsetCursor(after) + 1 : 0;
  const slice = items.slice(start, start + first);
  const edges = slice.map((node, i) => ({ cursor: encodeOffsetCursor(start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: items.length,
  };
}

/** A page whose total is read only when the client asks for `totalCount`. */
export interface LazyPage<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: Page<T>['pageInfo'];
  totalCount: () => Promise<number | null>;
}

/** A page with nothing on it (and nothing after it). */
export const emptyPage = <T>(): LazyPage<T> => ({
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  totalCount: async () => 0,
});

/** One vendor list, read by offset and limit (the adapter maps them onto the vendor's own paging). */
export interface PagedSource<T> {
  connectionId: string;
  read(offset: number, limit: number): Promise<{ items: T[]; total: number | null }>;
}

/** Where a page stopped: the source index and the offset of the last item returned in it. */
interface SourcePosition {
  s: number;
  o: number;
}

function encodeSourceCursor(p: SourcePosition): string {
  return Buffer.from(`s:${p.s}:${p.o}`, 'utf8').toString('base64url');
}

function decodeSourceCursor(cursor: string, sources: number): SourcePosition {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^s:(\d{1,4}):(\d{1,9})$/.exec(text);
  if (!m || Number(m[1]) >= sources) {
    throw new BadUserInputError(`expected \`after\` to be a cursor from this connection, got ${JSON.stringify(cursor.slice(0, 64))}`);
  }
  return { s: Number(m[1]), o: Number(m[2]) };
}

/**
 * Pages through several vendor lists one after another (connection 1's items, then connection 2's),
 * reading only what the page needs. The cursor holds the source and the offset within it, which each
 * adapter maps onto the vendor's paging (page/per, offset/limit). A source that fails is reported through
 * `onFailure` and skipped, so the others still answer.
 */
export async function pageAcrossSources<T>(
  sources: ReadonlyArray<PagedSource<T>>,
  first: number,
  after: string | null | undefined,
  onFailure: (connectionId: string, err: unknown) => void,
): Promise<LazyPage<T>> {
  checkFirst(first);
  let { s, o } = after ? decodeSourceCursor(after, sources.length) : { s: 0, o: -1 };
  o += 1;
  const totals = new Map<number, number | null>();
  const failed = new Set<number>();
  const edges: Array<{ cursor: string; node: T }> = [];
  let lastHasMore = false;
  while (edges.length < first && s < sources.length) {
    const want = first - edges.length;
    let res: { items: T[]; total: number | null };
    try {
      res = await sources[s]!.read(o, want);
    } catch (err) {
      failed.add(s);
      onFailure(sources[s]!.connectionId, err);
      s += 1;
      o = 0;
      continue;
    }
    totals.set(s, res.total);
    res.items.forEach((node, i) => edges.push({ cursor: encodeSourceCursor({ s, o: o + i }), node }));
    const exhausted = res.items.length < want || (res.total !== null && o + res.items.length >= res.total);
    lastHasMore = !exhausted;
    if (exhausted) {
      s += 1;
      o = 0;
    } else {
      o += res.items.length;
    }
  }
  // More remains if the last source read was not exhausted, or a later source has items.
  let hasNextPage = lastHasMore;
  for (let later = s; !hasNextPage && later < sources.length; later++) {
    if (later === s && lastHasMore) break;
    try {
      const probe = await sources[later]!.read(0, 1);
      totals.set(later, probe.total);
      hasNextPage = probe.items.length > 0;
    } catch (err) {
      failed.add(later);
      onFailure(sources[later]!.connectionId, err);
    }
  }
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: after !== null && after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => totalAcross(sources, totals, failed),
  };
}

/**
 * The sum of the sources' totals: those a page read already know theirs, the others are asked with a
 * one-item read. Null when any source does not say; failed sources count nothing.
 */
async function totalAcross<T>(sources: ReadonlyArray<PagedSource<T>>, totals: ReadonlyMap<number, number | null>, failed: ReadonlySet<number>): Promise<number | null> {
  let sum = 0;
  for (let i = 0; i < sources.length; i++) {
    if (failed.has(i)) continue;
    let total = totals.get(i);
    if (total === undefined) {
      try {
        total = (await sources[i]!.read(0, 1)).total;
      } catch {
        continue; // already reported when the page was read, or reported by the next page
      }
    }
    if (total === null) return null;
    sum += total;
  }
  return sum;
}

interface KeyPosition {
  /** The vendor start key the page was read from (null: the first page). */
  k: string | null;
  /** The item's index in that read; -1 means "before the first item" (resume exactly at `k`). */
  i: number;
}

function encodeKeyCursor(p: KeyPosition): string {
  return Buffer.from(JSON.stringify([p.k, p.i]), 'utf8').toString('base64url');
}

/** A two-element array, as a key cursor's JSON is, its elements still unchecked. */
const isCursorPair = (v: unknown): v is [unknown, unknown] => Array.isArray(v) && v.length === 2;

function decodeKeyCursor(cursor: string): KeyPosition {
  try {
    if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not ours');
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (isCursorPair(v)) {
      const [k, i] = v;
      if ((k === null || typeof k === 'string') && typeof i === 'number' && Number.isInteger(i) && i >= -1 && i < 1000) return { k, i };
    }
  } catch {
    // fall through
  }
  throw new BadUserInputError(`expected \`after\` to be a cursor from this connection, got ${JSON.stringify(cursor.slice(0, 64))}`);
}

/**
 * Relay pages over a list the vendor reads from opaque start keys (`next_start_key`, or an offset). A
 * client following `endCursor` costs exactly one vendor read per page: the last edge's cursor is the
 * vendor's next key itself. Any other cursor re-reads its page from that page's key and skips to it.
 * `keep` drops items the vendor could not filter out; the page may then hold fewer than `first`.
 */
export async function pageKeyed<T>(
  read: (startKey: string | null, limit: number) => Promise<{ items: T[]; nextKey: string | null; total: () => Promise<number | null> }>,
  first: number,
  after: string | null | undefined,
  keep: (item: T) => boolean = () => true,
): Promise<LazyPage<T>> {
  checkFirst(first);
  const from = after ? decodeKeyCursor(after) : { k: null, i: -1 };
  const skip = from.i + 1;
  const res = await read(from.k, skip + first);
  const items = res.items.slice(skip, skip + first);
  const edges: Array<{ cursor: string; node: T }> = [];
  // endCursor is the last item examined, kept or not, so the next page never re-reads a filtered tail.
  let lastCursor: string | null = null;
  items.forEach((node, j) => {
    const index = skip + j;
    const lastOfRead = index === res.items.length - 1;
    lastCursor = encodeKeyCursor(lastOfRead && res.nextKey !== null ? { k: res.nextKey, i: -1 } : { k: from.k, i: index });
    if (keep(node)) edges.push({ cursor: lastCursor, node });
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: res.nextKey !== null || res.items.length > skip + first,
      hasPreviousPage: after !== null && after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: lastCursor,
    },
    totalCount: res.total,
  };
}
