/**
 * What a query may learn or reuse: persisted queries (APQ), introspection off outside demo mode, no field
 * suggestions, and unknown errors masked as INTERNAL with no detail or stack.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { getIntrospectionQuery } from 'graphql';
import pino from 'pino';
import { startDemo, DEMO_API_KEY, type Demo } from '../../src/demo';
import { createFormatError, INTERNAL_MESSAGE } from '../../src/graphql/errors';
import { createLogger } from '../../src/logger';
import { withoutRequestIds } from '../support/graphqlBody';
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
    expect(res.body.errors).toEqual([{ message: 'Cannot query field "agentz" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
  });

  it('serves automatic persisted queries: hash unknown, then registered, then by hash alone', async () => {
    const query = '{ connections { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const post = (body: unknown) =>
      fetch(stack.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-key-tenant-a-0001' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: withoutRequestIds((await r.json()) as any, r.headers.get('x-request-id')),
      }));
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

  const post = async (query: string) => {
    const res = await fetch(`${demo.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${DEMO_API_KEY}` },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: withoutRequestIds((await res.json()) as any, res.headers.get('x-request-id')) };
  };

  // Issue 12 item 2: GraphiQL opened with "query depth is 14, over the limit of 10" and no Docs pane.
  it.each([
    ['graphql-js defaults', {}],
    ['GraphiQL 3 (input value deprecation)', { inputValueDeprecation: true }],
    ['every option', { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }],
  ])('passes the limits with the standard introspection query (%s)', async (_title, options) => {
    const res = await post(getIntrospectionQuery(options));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType).toMatchObject({ name: 'Query' });
  });

  it('still measures the rest of a query that also introspects', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await post(`{ __schema { queryType { name } } ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'query aliases is 11, over the limit of 10', extensions: { code: 'BAD_USER_INPUT', limit: 'aliases', max: 10, actual: 11 } }]);
  });

  it("refuses an introspection bomb: graphql-js's MaxIntrospectionDepthRule bounds what the limits skip", async () => {
    const res = await post('{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'Maximum introspection depth exceeded', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }]);
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
