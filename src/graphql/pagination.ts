/**
 * Relay connections over lists the gateway holds in full (merged across connections). The cursor is
 * opaque base64url of the item's offset; `first` is 1..100 as DESIGN.md requires.
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
