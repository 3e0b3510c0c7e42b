/**
 * Issue 12 items 3 and 5: every error answer is in the media type the client accepts, with the status the
 * GraphQL-over-HTTP spec prescribes for it, and names its request id (`extensions.requestId` equal to the
 * `x-request-id` header, the client's own when it sent a plain one). Apollo Client 4 reads the body of a
 * non-2xx answer only in application/graphql-response+json; older clients read application/json, where a
 * GraphQL request error is a 200.
 */
import { FAST_SIMS, rawRequest } from '../abuse/helpers';
import { KEY_A, startStack, type Stack } from '../support/stack';

const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

interface Case {
  name: string;
  headers: Record<string, string>;
  body: string;
  /** Status in application/graphql-response+json, and in application/json. */
  status: [number, number];
  error: { message: string; locations?: Array<{ line: number; column: number }>; extensions: Record<string, unknown> };
}

const auth = { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' };
const CASES: Case[] = [
  {
    name: 'a wrong API key',
    headers: { authorization: 'Bearer not-a-key-of-anyone', 'content-type': 'application/json' },
    body: '{"query":"{ __typename }"}',
    status: [401, 401],
    error: { message: 'invalid API key', extensions: { code: 'UNAUTHENTICATED' } },
  },
  {
    name: 'a body over maxBodyBytes',
    headers: auth,
    body: JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(2_000) } }),
    status: [413, 413],
    error: { message: 'request body is larger than 1024 bytes', extensions: { code: 'BAD_REQUEST' } },
  },
  { name: 'a body that is not JSON', headers: auth, body: '{"query":', status: [400, 400], error: { message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } } },
  {
    name: 'a parse error',
    headers: auth,
    body: '{"query":"{"}',
    status: [400, 200],
    error: { message: 'Syntax Error: Expected Name, found <EOF>.', locations: [{ line: 1, column: 2 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
  },
  {
    name: 'a validation error',
    headers: auth,
    body: '{"query":"{ nope }"}',
    status: [400, 200],
    error: { message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
  },
  {
    name: 'a variable that does not coerce',
    headers: auth,
    body: JSON.stringify({ query: 'query($n: Int) { agents(first: $n) { totalCount } }', variables: { n: 'many' } }),
    status: [400, 200],
    error: { message: 'Variable "$n" got invalid value "many"; Int cannot represent non-integer value: "many"', locations: [{ line: 1, column: 7 }], extensions: { code: 'BAD_USER_INPUT' } },
  },
  {
    name: 'a query over the token limit (checked before Apollo)',
    headers: auth,
    body: JSON.stringify({ query: `{ ${'__typename '.repeat(60)}}` }),
    status: [400, 200],
    // Counting stops at the first token over the limit.
    error: { message: 'query tokens is 51, over the limit of 50', extensions: { code: 'BAD_USER_INPUT', limit: 'tokens', max: 50, actual: 51 } },
  },
];

describe('issue 12 items 3 and 5: error answers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS, server: { maxBodyBytes: 1024, limits: { maxTokens: 50 } } });
  });
  afterAll(() => stack.close());

  const accepts: Array<[string, string | undefined, string, 0 | 1]> = [
    ['Accept: application/graphql-response+json (Apollo Client 4)', 'application/graphql-response+json, application/json;q=0.9', GRAPHQL_RESPONSE, 0],
    ['Accept: application/json', 'application/json', JSON_TYPE, 1],
    ['Accept: */* (Apollo Client 3)', '*/*', JSON_TYPE, 1],
    ['no Accept', undefined, JSON_TYPE, 1],
  ];
  describe.each(accepts)('%s', (_title, accept, contentType, column) => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const res = await rawRequest(stack.graphqlUrl, { headers: { ...c.headers, ...(accept ? { accept } : {}) }, body: c.body });
      const requestId = res.headers['x-request-id'];
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect({ status: res.status, contentType: res.headers['content-type'], body: JSON.parse(res.text) }).toEqual({
        status: c.status[column],
        contentType,
        body: { errors: [{ ...c.error, extensions: { ...c.error.extensions, requestId } }] },
      });
    });
  });

  it('keeps a plain x-request-id the client sent, on the header, the error and the log line', async () => {
    const res = await rawRequest(stack.graphqlUrl, { headers: { ...auth, 'x-request-id': 'client-req-42' }, body: '{"query":"{ nope }"}' });
    expect(res.headers['x-request-id']).toBe('client-req-42');
    expect(JSON.parse(res.text).errors[0].extensions.requestId).toBe('client-req-42');
    expect(stack.logs.filter((l) => l['reqId'] === 'client-req-42').length).toBeGreaterThan(0);
  });

  it('replaces an x-request-id that could forge log lines', async () => {
    const res = await rawRequest(stack.graphqlUrl, { headers: { ...auth, 'x-request-id': 'a b\u00e9' }, body: '{"query":"{ nope }"}' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the request id on the partial error of a vendor that failed', async () => {
    await fetch(`${stack.sims.campaignApi.url}/__sim/faults`, { method: 'PUT', body: JSON.stringify({ serverErrorStatus: 503 }) });
    try {
      const res = await rawRequest(stack.graphqlUrl, { headers: auth, body: '{"query":"{ agents(first: 1) { totalCount } }"}' });
      const body = JSON.parse(res.text);
      expect(res.status).toBe(200);
      expect(body.data.agents.totalCount).toBeGreaterThan(0);
      expect(body.errors.map((e: { extensions: Record<string, unknown> }) => [e.extensions['code'], e.extensions['connectionId'], e.extensions['requestId']])).toEqual([
        ['UPSTREAM_UNAVAILABLE', 'dialer-a', res.headers['x-request-id']],
      ]);
    } finally {
      await fetch(`${stack.sims.campaignApi.url}/__sim/faults`, { method: 'PUT', body: JSON.stringify({ serverErrorStatus: null }) });
    }
  });
});
