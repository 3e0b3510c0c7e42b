/**
 * Bugs the abuse suite found, each pinned by the request that showed it:
 * - a ~250-token fragment bomb held the event loop for seconds (the limits walk expanded every spread afresh);
 * - the token limit answered 500 INTERNAL (refused from a parsing hook Apollo treats as unexpected);
 * - a `subscription` (the schema has none) was masked as INTERNAL and logged as a resolver failure;
 * - "Did you mean ...?" leaked enum values through variable coercion errors with introspection off;
 * - a file the multipart request never delivered, or one over `maxFiles`, was INTERNAL.
 */
import { KEY_A, startStack, type Stack } from '../support/stack';
import { FAST_SIMS, jsonOf, multipartBody, rawRequest } from './helpers';

const BULK = 'mutation($input: BulkUsersUploadInput!) { bulkUsersUpload(input: $input) { job { nativeId } userErrors { field message code } } }';
const OPS = JSON.stringify({ query: BULK, variables: { input: { connectionId: 'apps-a', file: null } } });
const FILE = { name: '0', value: '[]', filename: 'users.json', type: 'application/json' };

describe('abuse regressions', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS });
  });
  afterAll(() => stack.close());
  const errorLogs = () => stack.logs.filter((l) => l['level'] >= 50);

  // 40 fragments: walked spread by spread that is 2^40 steps, which would never finish inside the timeout.
  it('measures a 40-fragment bomb once per fragment; graphql-js merges it into one field', async () => {
    const n = 40;
    const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const res = await stack.gql(`{ ...F0 }\n${frags}\nfragment F${n} on Query { __typename }`);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  }, 10_000);

  it('refuses a 40-fragment bomb with object leaves by its cost, which is counted without expanding it', async () => {
    const n = 40;
    const frags = Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const res = await stack.gql(`{ ...F0 }\n${frags}\nfragment F${n} on Query { connections { id } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'query cost is 1000000000000, over the limit of 5000', extensions: { code: 'BAD_USER_INPUT', limit: 'cost', max: 5000, actual: 1000000000000 } }]);
  }, 10_000);

  it('refuses 2001 tokens with HTTP 400 BAD_USER_INPUT and the exact message', async () => {
    const res = await stack.gql(`{ connections { ${'id '.repeat(3000)} } }`);
    expect({ status: res.status, body: res.body }).toEqual({
      status: 400,
      body: { errors: [{ message: 'query tokens is 2001, over the limit of 2000', extensions: { code: 'BAD_USER_INPUT', limit: 'tokens', max: 2000, actual: 2001 } }] },
    });
    expect(errorLogs()).toEqual([]);
  });

  it('refuses a subscription sent over HTTP as BAD_REQUEST, with no error logged (issue 17: subscriptions are served over graphql-ws and graphql-sse)', async () => {
    const res = await stack.gql('subscription { agentPresenceChanged { agent { id } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'subscriptions are served over graphql-ws (a WebSocket on /graphql) or graphql-sse (/graphql/stream), not as HTTP requests', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(errorLogs()).toEqual([]);
  });

  it('answers a bad enum variable without "Did you mean"', async () => {
    const res = await stack.gql('query($s: [CallStatus!]) { calls(filter: { statuses: $s }) { totalCount } }', { variables: { s: ['queued'] } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: 'Variable "$s" got invalid value "queued" at "s[0]"; Value "queued" does not exist in "CallStatus" enum.',
        locations: [{ line: 1, column: 7 }],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
  });

  describe('multipart files the library could not deliver', () => {
    const send = async (parts: Parameters<typeof multipartBody>[1]) => {
      const r = await rawRequest(stack.graphqlUrl, {
        headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true', 'content-type': 'multipart/form-data; boundary=XX' },
        body: multipartBody('XX', parts),
      });
      return { status: r.status, body: jsonOf(r.text) };
    };
    const userError = (message: string) => ({ data: { bulkUsersUpload: { job: null, userErrors: [{ field: ['input', 'file'], message, code: 'BAD_USER_INPUT' }] } } });

    it('a map naming a file part that never comes', async () => {
      const res = await send([
        { name: 'operations', value: OPS },
        { name: 'map', value: '{"0":["variables.input.file"]}' },
      ]);
      expect(res).toEqual({ status: 200, body: userError('file could not be read: File missing in the request.') });
      expect(stack.sims.appsApi.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    });

    it('an extra unmapped file over maxFiles', async () => {
      const res = await send([{ name: 'operations', value: OPS }, { name: 'map', value: '{"0":["variables.input.file"]}' }, FILE, { ...FILE, name: '1' }]);
      expect(res).toEqual({ status: 200, body: userError('file could not be read: 1 max file uploads exceeded.') });
      expect(stack.sims.appsApi.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    });
  });
});
