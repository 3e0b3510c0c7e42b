/**
 * Issue 13, Must show: end users' JWTs from a tenant's identity provider, over real HTTP both ways (the
 * gateway fetches each tenant's JWKS from a local provider, sim/idp.ts). Every refusal is pinned exactly:
 * status, `WWW-Authenticate`, message and code; the reason is in the gateway's log and the token in no
 * log line; and no simulator received anything.
 *
 * Two tenants, each with a provider of its own: A (audience `switchboard-a`, token cookie `sb_token`) and
 * B (audience `switchboard-b`, no cookie), B with connection `ameyo-b` at the same Ameyo simulator.
 * Key rotation, the unknown-`kid` flood, a JWKS file and the config refusals are in jwtAuthKeys.test.ts.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { createClient as createSseClient } from 'graphql-sse';
import { generateKeyPair, SignJWT, type JWK } from 'jose';
import { startIdentityProvider, type IdentityProvider } from '../../sim/idp';
import { encodeGlobalId } from '../../src/graphql/ids';
import { LocalBus } from '../../src/live/bus';
import { clearSimRequests, FAST_SIMS, rawRequest, simRequests, type RawResponse } from '../abuse/helpers';
import { withoutRequestIds } from '../support/graphqlBody';
import { connectionsFor, KEY_A, KEY_B, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const REALM = 'Bearer realm="switchboard"';
const INVALID_TOKEN = 'Bearer realm="switchboard", error="invalid_token"';
const INSUFFICIENT_SCOPE = 'Bearer realm="switchboard", error="insufficient_scope"';
const NOT_ACCEPTED = { errors: [{ message: 'the token was not accepted: sign in again', extensions: { code: 'UNAUTHENTICATED' } }] };
const MISSING = { errors: [{ message: 'missing credentials: send `Authorization: Bearer <API key or token>`', extensions: { code: 'UNAUTHENTICATED' } }] };
/** Apollo Server's CSRF refusal (its `preventCsrf`), word for word. */
const CSRF = {
  errors: [
    {
      message:
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a non-empty value for one of the following headers: x-apollo-operation-name, apollo-require-preflight\n",
      extensions: { code: 'BAD_REQUEST' },
    },
  ],
};
const CONNECTIONS_A = { data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } };

const now = () => Math.floor(Date.now() / 1000);
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

interface Answer {
  status: number;
  wwwAuthenticate: string | undefined;
  requestId: string;
  body: any;
}

/** One request with exactly these headers; the body read without its request ids (each checked against x-request-id). */
async function call(url: string, headers: Record<string, string>, opts: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const method = opts.method ?? 'POST';
  const res = await rawRequest(url, {
    method,
    headers: method === 'POST' ? { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers } : headers,
    ...(method === 'POST' ? { body: JSON.stringify(opts.body) } : {}),
  });
  const requestId = String(res.headers['x-request-id']);
  const isJson = /json/.test(String(res.headers['content-type']));
  return {
    status: res.status,
    wwwAuthenticate: res.headers['www-authenticate'],
    requestId,
    body: isJson ? withoutRequestIds(JSON.parse(res.text), requestId) : res.text,
  };
}
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

describe("issue 13: end-user JWTs from the tenant's identity provider", () => {
  let idpA: IdentityProvider;
  let idpB: IdentityProvider;
  let stack: Stack;
  /** Tenant A's provider's public signing key, as fetched from its JWKS. */
  let publicJwkA: JWK;
  const gql = (headers: Record<string, string>, body: unknown = { query: '{ connections { id } }' }) => call(stack.graphqlUrl, headers, { body });
  /** Every token tenant A's provider signed for these tests: none may appear in a log line. */
  const issued: string[] = [];
  const tokenA = async (claims: Record<string, unknown>, opts?: Parameters<IdentityProvider['sign']>[1]) => {
    const token = await idpA.sign(claims, opts);
    issued.push(token);
    return token;
  };
  const userA = (role: string, extra: Record<string, unknown> = {}) => tokenA({ sub: `u-${role}`, roles: [role], ...extra });
  /** Lines the gateway logged with this request id. */
  const logsOf = (requestId: string) => stack.logs.filter((l) => l['reqId'] === requestId);
  const anyLogContains = (secret: string) => stack.logs.some((l) => JSON.stringify(l).includes(secret));

  beforeAll(async () => {
    idpA = await startIdentityProvider({ audience: 'switchboard-a' });
    idpB = await startIdentityProvider({ audience: 'switchboard-b' });
    stack = await startStack({
      sims: FAST_SIMS,
      connection: { rateLimit: { requestsPerSecond: 1000 } },
      tenantAuth: { jwt: { issuer: idpA.issuer, audiences: ['switchboard-a'], jwks: { url: idpA.jwksUrl }, cookie: 'sb_token' } },
      moreTenants: (sims) => [
        {
          id: 'tenant-b',
          apiKeys: [KEY_B],
          auth: { jwt: { issuer: idpB.issuer, audiences: ['switchboard-b'], jwks: { url: idpB.jwksUrl } } },
          // Tenant A's Ameyo connection, under tenant B's own id.
          connections: [{ ...connectionsFor(sims)[0]!, id: 'ameyo-b' }],
        },
      ],
    });
    const jwks = (await (await fetch(idpA.jwksUrl)).json()) as { keys: JWK[] };
    publicJwkA = jwks.keys[0]!;
  });
  afterAll(async () => {
    await stack?.close();
    await idpA?.close();
    await idpB?.close();
  });
  beforeEach(() => clearSimRequests(stack));

  describe('accepted callers', () => {
    it.each(['agent', 'supervisor', 'admin'])('answers a valid token with role %s with 200 and data', async (role) => {
      const res = await gql(bearer(await userA(role)));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 200, wwwAuthenticate: undefined, body: CONNECTIONS_A });
    });

    it('reads a vendor with a token as with the API key, and keeps the API key working', async () => {
      const agent = stack.sims.ameyo.state.agents[0]!;
      const body = { query: 'query($id: ID!) { agent(id: $id) { nativeId } }', variables: { id: encodeGlobalId('Agent', 'ameyo-a', agent.userId) } };
      const withToken = await gql(bearer(await userA('agent')), body);
      const withKey = await gql(bearer(KEY_A), body);
      expect({ status: withToken.status, body: withToken.body }).toEqual({ status: 200, body: { data: { agent: { nativeId: agent.userId } } } });
      expect({ status: withKey.status, body: withKey.body }).toEqual({ status: 200, body: withToken.body });
      expect(simRequests(stack).length).toBeGreaterThan(0);
    });

    it('accepts a token that expired less than the 30 s clock skew ago', async () => {
      const res = await gql(bearer(await userA('agent', { exp: now() - 10 })));
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: CONNECTIONS_A });
    });

    it('answers a request without any credential 401 missing credentials (no error= attribute)', async () => {
      const res = await gql({});
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: REALM, body: MISSING });
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('refused tokens: 401 invalid_token, the reason logged, the token never', () => {
    /** Each case: how the token is made, and the reason the gateway logs. */
    const CASES: Array<[string, () => Promise<string>, string | (() => string)]> = [
      ['expired beyond the 30 s skew', () => userA('agent', { exp: now() - 60 }), 'ERR_JWT_EXPIRED: "exp" claim timestamp check failed'],
      ['not yet valid (nbf in the future)', () => userA('agent', { nbf: now() + 120 }), 'ERR_JWT_CLAIM_VALIDATION_FAILED: "nbf" claim timestamp check failed'],
      ['without exp', () => userA('agent', { exp: undefined }), 'ERR_JWT_CLAIM_VALIDATION_FAILED: missing required "exp" claim'],
      ['without sub', () => tokenA({ roles: ['agent'] }), 'ERR_JWT_CLAIM_VALIDATION_FAILED: missing required "sub" claim'],
      ['from another issuer', () => userA('agent', { iss: 'https://evil.example' }), 'no tenant accepts issuer "https://evil.example" with audience ["switchboard-a"]'],
      ['for another audience', () => userA('agent', { aud: 'someone-else' }), () => `no tenant accepts issuer ${JSON.stringify(idpA.issuer)} with audience ["someone-else"]`],
      [
        'with alg none (unsigned)',
        async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: idpA.issuer, aud: 'switchboard-a', sub: 'u-admin', roles: ['admin'], exp: now() + 600 })}.`,
        'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed',
      ],
      [
        "with alg HS256, the provider's RS256 public key (PEM) as the HMAC secret",
        async () => {
          const pem = createPublicKey({ key: publicJwkA as any, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
          return new SignJWT({ iss: idpA.issuer, aud: 'switchboard-a', sub: 'u-admin', roles: ['admin'], exp: now() + 600 })
            .setProtectedHeader({ alg: 'HS256', kid: idpA.kid, typ: 'JWT' })
            .sign(Buffer.from(pem));
        },
        'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed',
      ],
      [
        "with alg HS256, the provider's public JWK (JSON bytes) as the HMAC secret",
        async () =>
          new SignJWT({ iss: idpA.issuer, aud: 'switchboard-a', sub: 'u-admin', roles: ['admin'], exp: now() + 600 })
            .setProtectedHeader({ alg: 'HS256', kid: idpA.kid, typ: 'JWT' })
            .sign(Buffer.from(JSON.stringify(publicJwkA))),
        'ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed',
      ],
      [
        'signed by a key the provider never published, under its kid',
        async () => {
          const { privateKey } = await generateKeyPair('RS256');
          return new SignJWT({ iss: idpA.issuer, aud: 'switchboard-a', sub: 'u-admin', roles: ['admin'], exp: now() + 600 })
            .setProtectedHeader({ alg: 'RS256', kid: idpA.kid, typ: 'JWT' })
            .sign(privateKey);
        },
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed',
      ],
      [
        'with a payload changed after signing (agent made admin)',
        async () => {
          const [header, , signature] = (await userA('agent')).split('.');
          return `${header}.${b64url({ iss: idpA.issuer, aud: 'switchboard-a', sub: 'u-agent', roles: ['admin'], exp: now() + 600 })}.${signature}`;
        },
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed',
      ],
      ['that is garbage shaped like a JWT', async () => 'abc.def.ghi', 'not a JWT'],
    ];

    it.each(CASES)('refuses a token %s', async (_name, make, reason) => {
      const token = await make();
      const res = await gql(bearer(token));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
      expect(
        logsOf(res.requestId)
          .filter((l) => l['msg'] === 'token refused')
          .map((l) => l['reason']),
      ).toEqual([typeof reason === 'function' ? reason() : reason]);
      expect(anyLogContains(token)).toBe(false);
      const signature = token.split('.')[2]!;
      if (signature.length > 10) expect(anyLogContains(signature)).toBe(false);
      expect(simRequests(stack)).toEqual([]);
    });

    it('refuses a download with a refused token the same way', async () => {
      const token = await userA('admin', { exp: now() - 60 });
      const res = await call(`${stack.gateway.url}/files/recordings/${encodeGlobalId('Call', 'ameyo-a', 'crt-1')}`, bearer(token), { method: 'GET' });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
      expect(
        logsOf(res.requestId)
          .map((l) => l['reason'])
          .filter(Boolean),
      ).toEqual(['ERR_JWT_EXPIRED: "exp" claim timestamp check failed']);
      expect(anyLogContains(token)).toBe(false);
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('a valid token that grants none of our roles', () => {
    it.each([
      ['a role name the tenant does not map', { roles: ['viewer'] }],
      ['no roles claim', {}],
      ['roles of another type (a number)', { roles: 7 }],
    ])('answers %s with 403 FORBIDDEN and error="insufficient_scope"', async (_name, claims) => {
      const res = await gql(bearer(await tokenA({ sub: 'u-viewer', ...claims })));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({
        status: 403,
        wwwAuthenticate: INSUFFICIENT_SCOPE,
        body: { errors: [{ message: 'the token grants none of the roles agent, supervisor or admin (claim "roles")', extensions: { code: 'FORBIDDEN' } }] },
      });
      expect(logsOf(res.requestId).filter((l) => l['msg'] === 'token grants no role')).toHaveLength(1);
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('tenant isolation', () => {
    const agentOfB = () => encodeGlobalId('Agent', 'ameyo-b', stack.sims.ameyo.state.agents[0]!.userId);
    const AGENT_QUERY = 'query($id: ID!) { agent(id: $id) { nativeId } }';
    const notFound = (id: string) => ({
      data: { agent: null },
      errors: [{ message: `could not resolve to a node with id "${id}"`, locations: [{ line: 1, column: 19 }], path: ['agent'], extensions: { code: 'NOT_FOUND' } }],
    });

    it("answers tenant A's token on tenant B's global id like an unknown id, sending nothing", async () => {
      const id = agentOfB();
      const unknown = encodeGlobalId('Agent', 'no-such-connection', stack.sims.ameyo.state.agents[0]!.userId);
      for (const role of ['agent', 'supervisor', 'admin']) {
        const res = await gql(bearer(await userA(role)), { query: AGENT_QUERY, variables: { id } });
        expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: notFound(id) });
        const other = await gql(bearer(await userA(role)), { query: AGENT_QUERY, variables: { id: unknown } });
        expect({ status: other.status, body: other.body }).toEqual({ status: 200, body: notFound(unknown) });
      }
      const node = await gql(bearer(await userA('supervisor')), { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id } });
      expect(node.body).toEqual({
        data: { node: null },
        errors: [{ message: `could not resolve to a node with id "${id}"`, locations: [{ line: 1, column: 19 }], path: ['node'], extensions: { code: 'NOT_FOUND' } }],
      });
      expect(simRequests(stack)).toEqual([]);
      // The same id is tenant B's own: B's token reads it.
      const b = await gql(bearer(await idpB.sign({ sub: 'b-agent', roles: ['agent'] })), { query: AGENT_QUERY, variables: { id } });
      expect({ status: b.status, body: b.body }).toEqual({ status: 200, body: { data: { agent: { nativeId: stack.sims.ameyo.state.agents[0]!.userId } } } });
    });

    it("refuses a token signed by A's provider that claims B's issuer and audience (B's keys check it)", async () => {
      const token = await tokenA({ iss: idpB.issuer, aud: 'switchboard-b', sub: 'u-admin', roles: ['admin'] });
      const res = await gql(bearer(token));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
      expect(
        logsOf(res.requestId)
          .map((l) => l['reason'])
          .filter(Boolean),
      ).toEqual(['ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed']);
      expect(simRequests(stack)).toEqual([]);
    });

    it("refuses a token of A's provider with B's audience only (no tenant has that issuer and audience)", async () => {
      const res = await gql(bearer(await userA('admin', { aud: 'switchboard-b' })));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
      expect(
        logsOf(res.requestId)
          .map((l) => l['reason'])
          .filter(Boolean),
      ).toEqual([`no tenant accepts issuer ${JSON.stringify(idpA.issuer)} with audience ["switchboard-b"]`]);
    });

    it("keeps a token of A's provider naming both audiences (and a tenant claim) in tenant A", async () => {
      const token = await userA('supervisor', { aud: ['switchboard-b', 'switchboard-a'], tenant: 'tenant-b', tid: 'tenant-b' });
      const res = await gql(bearer(token));
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: CONNECTIONS_A });
      const id = agentOfB();
      const b = await gql(bearer(token), { query: AGENT_QUERY, variables: { id } });
      expect(b.body).toEqual(notFound(id));
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('the token cookie (tenant A: auth.jwt.cookie "sb_token")', () => {
    it('accepts a token in the cookie when there is no Authorization header', async () => {
      const res = await gql({ cookie: `theme=dark; sb_token=${await userA('agent')}` });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: CONNECTIONS_A });
    });

    it('reads the Authorization header first: a wrong key there is refused whatever the cookie holds', async () => {
      const res = await gql({ authorization: 'Bearer not-a-key-of-anyone', cookie: `sb_token=${await userA('admin')}` });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({
        status: 401,
        wwwAuthenticate: REALM,
        body: { errors: [{ message: 'invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    });

    it('refuses an expired token in the cookie as invalid_token', async () => {
      const token = await userA('agent', { exp: now() - 60 });
      const res = await gql({ cookie: `sb_token=${token}` });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
      expect(anyLogContains(token)).toBe(false);
    });

    it('ignores a cookie of another name: 401 missing credentials', async () => {
      const res = await gql({ cookie: `token=${await userA('agent')}` });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: REALM, body: MISSING });
    });

    it('blocks a request a page on another site could send with the cookie (CSRF prevention), sending nothing', async () => {
      const cookie = `sb_token=${await userA('admin')}`;
      const query = encodeURIComponent('{ connections { id } }');
      const answers = [
        await call(`${stack.graphqlUrl}?query=${query}`, { cookie }, { method: 'GET' }),
        await rawRequest(stack.graphqlUrl, { headers: { cookie, 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ connections { id } }' }) }).then((r) => ({
          status: r.status,
          wwwAuthenticate: r.headers['www-authenticate'],
          body: withoutRequestIds(JSON.parse(r.text), String(r.headers['x-request-id'])),
        })),
      ];
      expect(answers.map((r) => ({ status: r.status, wwwAuthenticate: r.wwwAuthenticate, body: r.body }))).toEqual([
        { status: 400, wwwAuthenticate: undefined, body: CSRF },
        { status: 400, wwwAuthenticate: undefined, body: CSRF },
      ]);
      expect(simRequests(stack)).toEqual([]);
    });

    it('blocks the same requests on /graphql/stream (graphql-sse) with the same 400 answer, running nothing', async () => {
      const cookie = `sb_token=${await userA('admin')}`;
      const agent = stack.sims.ameyo.state.agents[0]!;
      const operation = { query: 'query($id: ID!) { agent(id: $id) { nativeId } }', variables: { id: encodeGlobalId('Agent', 'ameyo-a', agent.userId) } };
      const search = `?query=${encodeURIComponent(operation.query)}&variables=${encodeURIComponent(JSON.stringify(operation.variables))}`;
      const answer = (r: RawResponse) => ({
        status: r.status,
        contentType: r.headers['content-type'],
        body: /json/.test(String(r.headers['content-type'])) ? withoutRequestIds(JSON.parse(r.text), String(r.headers['x-request-id'])) : r.text,
      });
      const streamUrl = `${stack.graphqlUrl}/stream`;
      const answers = [
        // A form or fetch() on another site: a simple request (no preflight) that graphql-sse read as JSON.
        await rawRequest(streamUrl, { headers: { cookie, 'content-type': 'text/plain; a=application/json', accept: 'text/event-stream' }, body: JSON.stringify(operation) }),
        await rawRequest(streamUrl, { headers: { cookie, 'content-type': 'text/plain', accept: 'text/event-stream' }, body: JSON.stringify(operation) }),
        // An EventSource (or <img>) on another site: a GET with no content type and no header of its choosing.
        await rawRequest(`${streamUrl}${search}`, { method: 'GET', headers: { cookie, accept: 'text/event-stream' } }),
      ].map(answer);
      const refused = { status: 400, contentType: 'application/json; charset=utf-8', body: CSRF };
      expect(answers).toEqual([refused, refused, refused]);
      expect(simRequests(stack)).toEqual([]);
    });

    it("graphql-sse's own client still subscribes on /graphql/stream with the token cookie (a JSON POST)", async () => {
      const client = createSseClient({ url: `${stack.graphqlUrl}/stream`, headers: { cookie: `sb_token=${await userA('supervisor')}` }, retryAttempts: 0 });
      const events: unknown[] = [];
      const errors: unknown[] = [];
      const dispose = client.subscribe(
        { query: 'subscription { callEvents(filter: { connectionIds: ["ameyo-a"] }) { type callNativeId } }' },
        { next: (v) => void events.push(v), error: (e) => void errors.push(e), complete: () => undefined },
      );
      const { bus, engine } = stack.gateway.live;
      try {
        await waitUntil('the stream listens', () => bus instanceof LocalBus && bus.listenerCount('tenant-a', 'callEvents') === 1, 5_000);
        bus.publish('tenant-a', { topic: 'callEvents', connectionId: 'ameyo-a', type: 'SCREEN_POP', at: new Date(), callNativeId: 'crt-csrf', agentNativeId: null, call: null, screenPop: null });
        await waitUntil('the event arrived', () => events.length === 1, 5_000);
        expect({ events, errors }).toEqual({ events: [{ data: { callEvents: { type: 'SCREEN_POP', callNativeId: 'crt-csrf' } } }], errors: [] });
      } finally {
        dispose();
        client.dispose();
        await waitUntil('the calls poller stopped', () => engine.size === 0, 5_000);
      }
    });

    it('runs a GET on /graphql/stream that carries Apollo-Require-Preflight (a browser preflights it)', async () => {
      const res = await rawRequest(`${stack.graphqlUrl}/stream?query=${encodeURIComponent('{ connections { id } }')}`, {
        method: 'GET',
        headers: { cookie: `sb_token=${await userA('agent')}`, accept: 'text/event-stream', 'apollo-require-preflight': 'true' },
      });
      expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({ status: 200, contentType: 'text/event-stream; charset=utf-8' });
      expect(res.text).toContain(`event: next\ndata: ${JSON.stringify(CONNECTIONS_A)}\n\n`);
    });

    it('does not take an API key from the cookie (the cookie carries tokens only)', async () => {
      const res = await gql({ cookie: `sb_token=${KEY_A}` });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: REALM, body: MISSING });
    });

    it("ignores the cookie for tenant B's token: B did not turn the cookie on", async () => {
      const res = await gql({ cookie: `sb_token=${await idpB.sign({ sub: 'b-agent', roles: ['agent'] })}` });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: REALM, body: MISSING });
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('persisted queries (APQ) with a token', () => {
    const apq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } });

    it('registers a query and runs it by hash with a token', async () => {
      const query = '{ connections { id } __typename }';
      const token = await userA('agent');
      const unknown = await gql(bearer(token), { extensions: apq(query) });
      expect(unknown.body).toMatchObject({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
      const registered = await gql(bearer(token), { query, extensions: apq(query) });
      expect({ status: registered.status, body: registered.body }).toEqual({ status: 200, body: { data: { ...CONNECTIONS_A.data, __typename: 'Query' } } });
      const byHash = await gql(bearer(await userA('supervisor')), { extensions: apq(query) });
      expect({ status: byHash.status, body: byHash.body }).toEqual({ status: 200, body: registered.body });
    });

    it('applies the role rules to a query run by hash: an agent is refused a supervisor field, sending nothing', async () => {
      const query = '{ calls(first: 1) { totalCount } connections { id } }';
      const registered = await gql(bearer(KEY_A), { query, extensions: apq(query) });
      expect(registered.status).toBe(200);
      clearSimRequests(stack);
      const byHash = await gql(bearer(await userA('agent')), { extensions: apq(query) });
      expect({ status: byHash.status, body: byHash.body }).toEqual({
        status: 200,
        body: {
          data: { calls: null, ...CONNECTIONS_A.data },
          errors: [{ message: 'Query.calls needs the SUPERVISOR role', locations: [{ line: 1, column: 3 }], path: ['calls'], extensions: { code: 'FORBIDDEN' } }],
        },
      });
      expect(simRequests(stack)).toEqual([]);
    });

    it('refuses a persisted query with a refused token before looking it up', async () => {
      const res = await gql(bearer(await userA('agent', { exp: now() - 60 })), { extensions: apq('{ connections { id } }') });
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED });
    });
  });

  describe('file downloads with a token', () => {
    const download = async (path: string, headers: Record<string, string>) => call(`${stack.gateway.url}${path}`, headers, { method: 'GET' });
    const recordingPath = () => {
      const calls = stack.sims.ameyo.state.calls as Array<{ crtObjectId: string; hasRecording?: boolean }>;
      return `/files/recordings/${encodeURIComponent(encodeGlobalId('Call', 'ameyo-a', calls.find((c) => c.hasRecording !== false)!.crtObjectId))}?format=wav`;
    };
    const uploadErrorsPath = () => `/files/contact-upload-errors/${encodeURIComponent(encodeGlobalId('ContactUploadTask', 'ameyo-a', '389/1/999999'))}`;
    const forbidden = (message: string) => ({ errors: [{ message, extensions: { code: 'FORBIDDEN' } }] });

    it('refuses a recording to an agent with 403 FORBIDDEN, sending nothing', async () => {
      const res = await download(recordingPath(), bearer(await userA('agent')));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({
        status: 403,
        wwwAuthenticate: undefined,
        body: forbidden('downloading recordings needs the SUPERVISOR role'),
      });
      expect(simRequests(stack)).toEqual([]);
    });

    it.each(['supervisor', 'admin'])('serves a recording to the %s role exactly as to the API key', async (role) => {
      const withKey = await download(recordingPath(), bearer(KEY_A));
      expect(withKey.status).toBe(200);
      clearSimRequests(stack);
      const res = await download(recordingPath(), bearer(await userA(role)));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: 200, wwwAuthenticate: undefined, body: withKey.body });
      expect(simRequests(stack).length).toBeGreaterThan(0);
    });

    it.each(['agent', 'supervisor'])("refuses a contact upload's error file to the %s role with 403 FORBIDDEN, sending nothing", async (role) => {
      const res = await download(uploadErrorsPath(), bearer(await userA(role)));
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({
        status: 403,
        wwwAuthenticate: undefined,
        body: forbidden('downloading contact-upload-errors needs the ADMIN role'),
      });
      expect(simRequests(stack)).toEqual([]);
    });

    it("answers an admin's error-file download exactly as the API key's (the vendor's NOT_FOUND)", async () => {
      const withKey = await download(uploadErrorsPath(), bearer(KEY_A));
      const res = await download(uploadErrorsPath(), bearer(await userA('admin')));
      expect(withKey.status).toBe(404);
      expect({ status: res.status, wwwAuthenticate: res.wwwAuthenticate, body: res.body }).toEqual({ status: withKey.status, wwwAuthenticate: undefined, body: withKey.body });
    });

    it("answers tenant A's supervisor on tenant B's recording like an unknown id", async () => {
      const id = encodeGlobalId('Call', 'ameyo-b', 'crt-1');
      const res = await download(`/files/recordings/${encodeURIComponent(id)}`, bearer(await userA('supervisor')));
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { errors: [{ message: `could not resolve to a node with id "${id}"`, extensions: { code: 'NOT_FOUND' } }] } });
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('the log, after every case above', () => {
    // Declared last, so it runs last: every token the cases sent, accepted or refused, in a header or a cookie.
    it('never holds a token it was sent, nor its signature', () => {
      expect(issued.length).toBeGreaterThan(40);
      expect(stack.logs.filter((l) => l['msg'] === 'token refused').length).toBeGreaterThan(10);
      expect(issued.filter((token) => anyLogContains(token) || anyLogContains(token.split('.')[2]!))).toEqual([]);
    });
  });
});
