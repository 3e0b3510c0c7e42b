/**
 * Issue 12 item 1: CORS over real HTTP. A preflight is answered before any auth check, an allowed origin
 * gets its own origin back (never `*` with credentials), a disallowed one gets no CORS header at all, a
 * tenant's own list replaces the server's for that tenant's requests, and every answer varies on Origin.
 * The browser side (a page on another loopback port, fetch and Apollo Client) is in test/e2e.
 */
import { resolveConfig } from '../../src/config/load';
import { FAST_SIMS, jsonOf, rawRequest } from '../abuse/helpers';
import { KEY_A, KEY_B, connectionsFor, startStack, type Stack } from '../support/stack';

const APP = 'http://127.0.0.1:5173';
const OTHER = 'http://127.0.0.1:5174';
const B_ONLY = 'https://wallboard.tenant-b.example';
const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
];
const corsHeadersOf = (headers: Record<string, unknown>) => Object.fromEntries(CORS_HEADERS.filter((h) => headers[h] !== undefined).map((h) => [h, headers[h]]));

const preflight = (url: string, origin: string, extra: Record<string, string> = {}) =>
  rawRequest(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type', ...extra },
  });

describe('issue 12 item 1: CORS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      server: { cors: { origins: [APP], allowCredentials: true, maxAgeSeconds: 300 } },
      moreTenants: (sims) => [{ id: 'tenant-b', apiKeys: [KEY_B], cors: { origins: [B_ONLY] }, connections: connectionsFor(sims).slice(1, 2) }],
    });
  });
  afterAll(() => stack.close());

  it('a preflight from an allowed origin gets 204 and the allow headers, with no key (before any auth check)', async () => {
    const res = await preflight(stack.graphqlUrl, APP);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(corsHeadersOf(res.headers)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'authorization, content-type, accept, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version, x-request-id, traceparent, tracestate',
      'access-control-max-age': '300',
    });
    expect(res.headers['vary']).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  });

  it.each([
    ['another origin', OTHER],
    ['the same host on another scheme', 'https://127.0.0.1:5173'],
    ['the origin with a trailing slash', `${APP}/`],
    ['the string "null" (sandboxed frames, file: pages)', 'null'],
  ])('a preflight from %s gets 403 FORBIDDEN and no CORS header', async (_title, origin) => {
    const res = await preflight(stack.graphqlUrl, origin);
    expect(res.status).toBe(403);
    expect(corsHeadersOf(res.headers)).toEqual({});
    expect(jsonOf(res.text)).toEqual({
      errors: [{ message: `cross-origin requests from ${JSON.stringify(origin)} are not allowed (server.cors.origins)`, extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('a preflight for /files is answered the same way; /healthz has no CORS', async () => {
    expect((await preflight(`${stack.gateway.url}/files/recordings/x`, APP)).status).toBe(204);
    const health = await preflight(`${stack.gateway.url}/healthz`, APP);
    expect(health.status).toBe(405);
    expect(corsHeadersOf(health.headers)).toEqual({});
  });

  it('an OPTIONS without Access-Control-Request-Method is not a preflight: it reaches auth', async () => {
    const res = await rawRequest(stack.graphqlUrl, { method: 'OPTIONS', headers: { origin: APP } });
    expect(res.status).toBe(401);
  });

  it('an answer to an allowed origin names it and exposes x-request-id and retry-after', async () => {
    const res = await rawRequest(stack.graphqlUrl, {
      headers: { origin: APP, authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connections { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({ 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-request-id, retry-after' });
    expect(res.headers['vary']).toContain('Origin');
  });

  it('a 401 to an allowed origin carries the CORS headers, so the page can read UNAUTHENTICATED', async () => {
    const res = await rawRequest(stack.graphqlUrl, { headers: { origin: APP, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(jsonOf(res.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('an answer to a disallowed origin has no CORS header and still varies on Origin', async () => {
    const res = await rawRequest(stack.graphqlUrl, {
      headers: { origin: OTHER, authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connections { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res.headers)).toEqual({});
    expect(res.headers['vary']).toContain('Origin');
  });

  it.each([
    ['tenant A, the server list', KEY_A, APP, APP],
    ["tenant A, tenant B's origin", KEY_A, B_ONLY, undefined],
    ['tenant B, its own origin', KEY_B, B_ONLY, B_ONLY],
    ['tenant B, the server list it replaced', KEY_B, APP, undefined],
  ])("a tenant's own origins replace the server's: %s", async (_title, key, origin, allowed) => {
    // The preflight carries no key, so it passes for an origin any tenant allows.
    expect((await preflight(stack.graphqlUrl, origin)).status).toBe(204);
    const res = await rawRequest(stack.graphqlUrl, {
      headers: { origin, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ connections { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
  });
});

describe('issue 12 item 1: CORS config', () => {
  const tenant = { id: 't', apiKeys: ['k'.repeat(16)] };
  it.each([
    [
      '"*" with credentials',
      { server: { cors: { origins: ['*'], allowCredentials: true } }, tenants: [tenant] },
      'server.cors.origins: origins "*" cannot be combined with allowCredentials (browsers refuse it): list the origins',
    ],
    [
      'a tenant\'s "*" with the server\'s credentials',
      { server: { cors: { origins: [APP], allowCredentials: true } }, tenants: [{ ...tenant, cors: { origins: ['*'] } }] },
      'tenants[0].cors.origins: origins "*" cannot be combined with server.cors.allowCredentials (browsers refuse it): list the origins',
    ],
    [
      'an origin with a path',
      { server: { cors: { origins: [`${APP}/app`] } }, tenants: [tenant] },
      'server.cors.origins[0]: expected an origin such as "https://app.example.com" (scheme, host and port; no path or trailing slash), or "*"',
    ],
  ])('refuses %s at load', (_title, input, message) => {
    expect(() => resolveConfig(input as never)).toThrow(message);
  });

  it('is off by default: no origins, no credentials, 600 s preflight cache', () => {
    expect(resolveConfig({ tenants: [tenant] }).server.cors).toEqual({ origins: [], allowCredentials: false, maxAgeSeconds: 600 });
  });

  it('"*" without credentials answers "*"', async () => {
    const stack = await startStack({ sims: FAST_SIMS, server: { cors: { origins: ['*'] } } });
    try {
      const res = await preflight(stack.graphqlUrl, OTHER);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
