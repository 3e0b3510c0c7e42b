/**
 * What a query may learn or reuse: persisted queries (APQ), introspection off outside demo mode, no field
 * suggestions, and unknown errors masked as INTERNAL with no detail or stack.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startDemo, DEMO_API_KEY, type Demo } from '../../src/demo';
import { createFormatError, INTERNAL_MESSAGE } from '../../src/graphql/errors';
import { createLogger } from '../../src/logger';
import { startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('a gateway on a config file (introspection off by default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST });
  });
  afterAll(() => stack.close());

  it('refuses introspection', async () => {
    const res = await stack.gql(INTROSPECTION);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(res.body.errors![0]!.message).toMatch(/introspection is not allowed/i);
  });

  it('hides "Did you mean" suggestions for misspelled fields', async () => {
    const res = await stack.gql('{ agentz { totalCount } }');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'Cannot query field "agentz" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
  });

  it('serves automatic persisted queries: hash unknown, then registered, then by hash alone', async () => {
    const query = '{ connections { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const post = (body: unknown) =>
      fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-key-tenant-a-0001' }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const unknown = await post({ extensions: ext });
    expect(unknown.body).toMatchObject({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    const registered = await post({ query, extensions: ext });
    expect(registered.body).toEqual({ data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } });
    const byHash = await post({ extensions: ext });
    expect(byHash.body).toEqual(registered.body);
    const mismatch = await post({ query: '{ connections { vendor } }', extensions: ext });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toEqual([{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }]);
  });
});

describe('demo mode (introspection on, for the IDE)', () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
  });
  afterAll(() => demo.close());

  it('answers introspection', async () => {
    const res = await fetch(`${demo.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEY}` },
      body: JSON.stringify({ query: INTROSPECTION }),
    });
    expect(await res.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('the error formatter', () => {
  const lines: string[] = [];
  const log = pino({ level: 'error' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  const format = createFormatError(log);

  it('masks an unexpected error as INTERNAL with no detail, and logs the detail', () => {
    const err = new Error('db password is hunter2');
    const out = format({ message: 'db password is hunter2', path: ['agents'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, err);
    expect(out).toEqual({ message: INTERNAL_MESSAGE, path: ['agents'], extensions: { code: 'INTERNAL' } });
    expect(lines.join('')).toContain('hunter2');
  });

  it('keeps request errors but drops any stack trace', () => {
    const out = format({ message: 'Syntax Error: Unexpected "}".', extensions: { code: 'GRAPHQL_PARSE_FAILED', stacktrace: ['GraphQLError: ...'] } }, new Error('x'));
    expect(out).toEqual({ message: 'Syntax Error: Unexpected "}".', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });

  it('never throws, whatever it is given', () => {
    expect(format(undefined as never, undefined)).toEqual({ message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL' } });
  });
});
