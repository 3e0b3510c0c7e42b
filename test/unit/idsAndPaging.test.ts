/** Global IDs, Relay paging over a known list, and API key -> tenant resolution: results and exact misuse messages. */
import { createTenantResolver } from '../../src/auth';
import type { SwitchboardError } from '../../src/errors';
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/ids';
import { checkFirst, decodeOffsetCursor, encodeOffsetCursor, MAX_FIRST, pageOfList, type Page } from '../../src/domain/paging';

function thrown(fn: () => unknown): SwitchboardError {
  try {
    fn();
  } catch (err) {
    return err as SwitchboardError;
  }
  throw new Error('expected a throw');
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

describe('global IDs', () => {
  it.each([
    ['dialer', 'a1'],
    ['ujet', '12345'],
    ['ameyo-1', 'user/with spaces?&#'],
    ['c', 'ünïcødé'],
  ])('round-trips Agent %s/%s through an opaque base64url string', (connectionId, nativeId) => {
    const id = encodeGlobalId('Agent', connectionId, nativeId);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id).not.toContain(nativeId);
    expect(decodeGlobalId(id)).toEqual({ type: 'Agent', connectionId, nativeId });
  });

  it('different parts give different IDs', () => {
    expect(encodeGlobalId('Agent', 'a', 'bc')).not.toBe(encodeGlobalId('Agent', 'ab', 'c'));
  });

  it.each([
    ['garbage with spaces and !', 'garbage with spaces and !'],
    ['empty string', ''],
    ['base64url of text that is not JSON', b64('hello world')],
    ['an unknown type', b64(['Widget', 'dialer', 'a1'])],
    ['wrong arity (2)', b64(['Agent', 'dialer'])],
    ['wrong arity (4)', b64(['Agent', 'dialer', 'a1', 'x'])],
    ['an object, not an array', b64({ type: 'Agent', connectionId: 'dialer', nativeId: 'a1' })],
    ['a number connection id', b64(['Agent', 7, 'a1'])],
    ['an empty native id', b64(['Agent', 'dialer', ''])],
    ['JSON null', b64('null')],
  ])('%s -> BAD_USER_INPUT', (_name, id) => {
    const err = thrown(() => decodeGlobalId(id));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toBe(`expected a Switchboard global ID, got ${JSON.stringify(id.slice(0, 64))}`);
  });

  it('quotes at most 64 characters of a long ID', () => {
    const id = 'x'.repeat(2_000);
    expect(thrown(() => decodeGlobalId(id)).message).toBe(`expected a Switchboard global ID, got "${'x'.repeat(64)}"`);
  });

  it('refuses an over-long ID even when it would decode', () => {
    const id = encodeGlobalId('Agent', 'dialer', 'n'.repeat(1_000));
    expect(id.length).toBeGreaterThan(1024);
    expect(thrown(() => decodeGlobalId(id)).message).toBe(`expected a Switchboard global ID, got ${JSON.stringify(id.slice(0, 64))}`);
  });
});

describe('checkFirst', () => {
  it.each([1, 50, MAX_FIRST])('accepts %d', (n) => {
    expect(checkFirst(n)).toBe(n);
  });

  it.each([
    [0, 'expected `first` between 1 and 100, got 0'],
    [101, 'expected `first` between 1 and 100, got 101'],
    [500, 'expected `first` between 1 and 100, got 500'],
    [-1, 'expected `first` between 1 and 100, got -1'],
    [1.5, 'expected `first` between 1 and 100, got 1.5'],
    [Number.NaN, 'expected `first` between 1 and 100, got NaN'],
  ])('refuses %d', (n, message) => {
    const err = thrown(() => checkFirst(n));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toBe(message);
    expect(err.extensions()).toEqual({ code: 'BAD_USER_INPUT' });
  });
});

describe('pageOfList', () => {
  const items = Array.from({ length: 10 }, (_, i) => `item${i}`);
  const c = encodeOffsetCursor;

  it('first page', () => {
    expect(pageOfList(items, 3, null)).toEqual({
      edges: [
        { cursor: c(0), node: 'item0' },
        { cursor: c(1), node: 'item1' },
        { cursor: c(2), node: 'item2' },
      ],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: c(0), endCursor: c(2) },
      totalCount: 10,
    });
  });

  it('middle page, after the first page end cursor', () => {
    const first = pageOfList(items, 3, undefined);
    const page = pageOfList(items, 3, first.pageInfo.endCursor);
    expect(page.edges.map((e) => e.node)).toEqual(['item3', 'item4', 'item5']);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true, startCursor: c(3), endCursor: c(5) });
  });

  it('last page, shorter than first', () => {
    const page = pageOfList(items, 3, c(8));
    expect(page.edges).toEqual([{ cursor: c(9), node: 'item9' }]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: c(9), endCursor: c(9) });
    expect(page.totalCount).toBe(10);
  });

  it('a page that ends exactly at the end has no next page', () => {
    expect(pageOfList(items, 5, c(4)).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: c(5), endCursor: c(9) });
  });

  it('after the last item: empty page, null cursors', () => {
    expect(pageOfList(items, 3, c(9))).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
      totalCount: 10,
    });
  });

  it('an empty list', () => {
    expect(pageOfList([], 10, null)).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it('walking the pages visits every item once, in order', () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const page: Page<string> = pageOfList(items, 4, after);
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(items);
  });

  it('checks `first` before anything else', () => {
    expect(thrown(() => pageOfList(items, 500, 'garbage!')).message).toBe('expected `first` between 1 and 100, got 500');
  });

  it.each([
    ['garbage!', 'garbage!'],
    ['a global ID', encodeGlobalId('Agent', 'dialer', 'a1')],
    ['a negative offset', b64('o:-1')],
    ['an offset with 10 digits', b64('o:1234567890')],
    ['a different prefix', b64('x:3')],
  ])('refuses a bad cursor: %s', (_name, cursor) => {
    const err = thrown(() => pageOfList(items, 3, cursor));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toBe(`expected \`after\` to be a cursor from this connection, got ${JSON.stringify(cursor)}`);
  });

  it('quotes at most 64 characters of a long cursor', () => {
    const cursor = 'A'.repeat(300);
    expect(thrown(() => decodeOffsetCursor(cursor)).message).toBe(`expected \`after\` to be a cursor from this connection, got "${'A'.repeat(64)}"`);
  });

  it('cursor round trip', () => {
    for (const n of [0, 1, 99, 123_456_789]) expect(decodeOffsetCursor(encodeOffsetCursor(n))).toBe(n);
  });
});

describe('createTenantResolver', () => {
  const ACME_1 = 'acme-key-0123456789abcdef';
  const ACME_2 = 'acme-key-second-0123456789';
  const GLOBEX = 'globex-key-0123456789abcd';
  const resolver = createTenantResolver([
    { apiKeys: [ACME_1, ACME_2], tenant: 'acme' },
    { apiKeys: [GLOBEX], tenant: 'globex' },
  ]);

  it.each([
    [`Bearer ${ACME_1}`, 'acme'],
    [`Bearer ${ACME_2}`, 'acme'],
    [`Bearer ${GLOBEX}`, 'globex'],
    [`bearer ${GLOBEX}`, 'globex'],
    [`Bearer   ${ACME_1}  `, 'acme'],
  ])('%s -> %s', (header, tenant) => {
    expect(resolver.resolve(header)).toBe(tenant);
  });

  it.each([
    ['an unknown key', 'Bearer not-a-configured-key-000000'],
    ['a prefix of a key', `Bearer ${ACME_1.slice(0, -1)}`],
    ['a key with a suffix', `Bearer ${ACME_1}x`],
    ['a key in another case', `Bearer ${ACME_1.toUpperCase()}`],
  ])('%s -> UNAUTHENTICATED invalid API key', (_name, header) => {
    const err = thrown(() => resolver.resolve(header));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('invalid API key');
    expect(err.httpStatus).toBe(401);
    expect(err.extensions()).toEqual({ code: 'UNAUTHENTICATED' });
    expect(err.message).not.toContain(header.slice(7));
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['Bearer and nothing', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['a bare key', ACME_1],
    ['Basic credentials', `Basic ${Buffer.from(`u:${ACME_1}`).toString('base64')}`],
    ['two words after Bearer', `Bearer ${ACME_1} extra`],
    ['a tab instead of a space', `Bearer\t${ACME_1}`],
  ])('%s -> UNAUTHENTICATED missing API key', (_name, header) => {
    const err = thrown(() => resolver.resolve(header));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('missing API key: send `Authorization: Bearer <api key>`');
    expect(err.httpStatus).toBe(401);
  });

  it('no tenants: every key is invalid', () => {
    expect(thrown(() => createTenantResolver<string>([]).resolve(`Bearer ${ACME_1}`)).message).toBe('invalid API key');
  });
});
