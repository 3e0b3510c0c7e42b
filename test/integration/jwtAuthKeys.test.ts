/**
 * Issue 13, Must show: where a tenant's signing keys come from, over real HTTP. Key rotation at the
 * identity provider (the new `kid` fetched once, the old key refused), a flood of unknown `kid`s (at most
 * one JWKS fetch per 30 s cooldown, src/identity/jwt.ts `JWKS_COOLDOWN_MS`), a JWKS file, an identity
 * provider that cannot be reached, and the config refusals at load.
 *
 * Tenants: A (provider `idpRotating`), B (provider `idpFlooded`), C (keys from a JWKS file, ES256 only),
 * D (a JWKS URL nobody answers). No tenant turns the token cookie on.
 * Accepted and refused tokens, roles, tenant isolation, the cookie, APQ and downloads: jwtAuth.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { startIdentityProvider, type IdentityProvider } from '../../sim/idp';
import { resolveConfig } from '../../src/config/load';
import type { ConfigInput } from '../../src/config/schema';
import { clearSimRequests, FAST_SIMS, rawRequest, simRequests } from '../abuse/helpers';
import { withoutRequestIds } from '../support/graphqlBody';
import { startStack, type Stack } from '../support/stack';

const REALM = 'Bearer realm="switchboard"';
const INVALID_TOKEN = 'Bearer realm="switchboard", error="invalid_token"';
const NOT_ACCEPTED = { errors: [{ message: 'the token was not accepted: sign in again', extensions: { code: 'UNAUTHENTICATED' } }] };
const NO_MATCHING_KEY = 'ERR_JWKS_NO_MATCHING_KEY: no applicable key found in the JSON Web Key Set';
const CONNECTIONS_A = { data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } };

const now = () => Math.floor(Date.now() / 1000);

/** A port on loopback that was free a moment ago: nothing answers there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("issue 13: signing keys of the tenants' identity providers", () => {
  let idpRotating: IdentityProvider;
  let idpFlooded: IdentityProvider;
  let stack: Stack;
  let dir: string;
  let jwksFile: string;
  let unreachablePort: number;
  /** Tenant C's keys: an ES256 key and an RS256 key in its JWKS file, and ES256 keys that are not (yet). */
  const fileKeys: Record<'ec' | 'rsa' | 'stranger' | 'next', { kid: string; privateKey: KeyLike; jwk: JWK }> = {} as never;

  const post = async (credential: string | null, headers: Record<string, string> = {}) => {
    const res = await rawRequest(stack.graphqlUrl, {
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
      body: JSON.stringify({ query: '{ connections { id } }' }),
    });
    const requestId = String(res.headers['x-request-id']);
    return { status: res.status, wwwAuthenticate: res.headers['www-authenticate'], requestId, body: withoutRequestIds(JSON.parse(res.text), requestId) };
  };
  const refusal = { status: 401, wwwAuthenticate: INVALID_TOKEN, body: NOT_ACCEPTED };
  const shape = (r: Awaited<ReturnType<typeof post>>) => ({ status: r.status, wwwAuthenticate: r.wwwAuthenticate, body: r.body });
  const reasonsOf = (requestId: string) => stack.logs.filter((l) => l['reqId'] === requestId && l['msg'] === 'token refused').map((l) => l['reason']);
  const anyLogContains = (secret: string) => stack.logs.some((l) => JSON.stringify(l).includes(secret));
  const signWithFileKey = (which: keyof typeof fileKeys, alg: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ iss: 'https://login.tenant-c.example', aud: 'switchboard-c', sub: 'c-user', roles: ['agent'], exp: now() + 600, ...claims })
      .setProtectedHeader({ alg, kid: fileKeys[which].kid, typ: 'JWT' })
      .sign(fileKeys[which].privateKey);

  beforeAll(async () => {
    idpRotating = await startIdentityProvider({ audience: 'switchboard-a' });
    idpFlooded = await startIdentityProvider({ audience: 'switchboard-b' });
    for (const [which, alg] of [
      ['ec', 'ES256'],
      ['rsa', 'RS256'],
      ['stranger', 'ES256'],
      ['next', 'ES256'],
    ] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      const kid = `file-${which}`;
      fileKeys[which] = { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-jwks-'));
    jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [fileKeys.ec.jwk, fileKeys.rsa.jwk] }));
    unreachablePort = await closedPort();
    const unreachable = `http://127.0.0.1:${unreachablePort}/.well-known/jwks.json`;
    stack = await startStack({
      sims: FAST_SIMS,
      tenantAuth: { jwt: { issuer: idpRotating.issuer, audiences: ['switchboard-a'], jwks: { url: idpRotating.jwksUrl } } },
      moreTenants: () => [
        { id: 'tenant-b', apiKeys: ['test-key-tenant-b-0002'], auth: { jwt: { issuer: idpFlooded.issuer, audiences: ['switchboard-b'], jwks: { url: idpFlooded.jwksUrl } } } },
        {
          id: 'tenant-c',
          apiKeys: ['test-key-tenant-c-0003'],
          auth: { jwt: { issuer: 'https://login.tenant-c.example', audiences: ['switchboard-c'], jwks: { file: jwksFile }, algorithms: ['ES256'] } },
        },
        { id: 'tenant-d', apiKeys: ['test-key-tenant-d-0004'], auth: { jwt: { issuer: 'https://login.tenant-d.example', audiences: ['switchboard-d'], jwks: { url: unreachable } } } },
      ],
    });
  });
  afterAll(async () => {
    await stack?.close();
    await idpRotating?.close();
    await idpFlooded?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => clearSimRequests(stack));

  it('key rotation: the first kid works, the new kid works after one more JWKS fetch, the old key is then refused', async () => {
    const user = { sub: 'u-agent', roles: ['agent'] };
    expect(idpRotating.jwksRequests).toBe(0);
    expect(shape(await post(await idpRotating.sign(user)))).toEqual({ status: 200, wwwAuthenticate: undefined, body: CONNECTIONS_A });
    expect(shape(await post(await idpRotating.sign(user)))).toEqual({ status: 200, wwwAuthenticate: undefined, body: CONNECTIONS_A });
    expect(idpRotating.jwksRequests).toBe(1);
    const oldToken = await idpRotating.sign(user);

    await idpRotating.rotate();
    const newToken = await idpRotating.sign(user);
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid: 'key-2' });
    const rotated = await post(newToken);
    expect({ ...shape(rotated), reasons: reasonsOf(rotated.requestId) }).toEqual({ status: 200, wwwAuthenticate: undefined, body: CONNECTIONS_A, reasons: [] });
    expect(idpRotating.jwksRequests).toBe(2);

    const old = await post(oldToken);
    expect({ ...shape(old), reasons: reasonsOf(old.requestId) }).toEqual({ ...refusal, reasons: [NO_MATCHING_KEY] });
    expect(idpRotating.jwksRequests).toBe(2);
    expect(anyLogContains(oldToken)).toBe(false);
    expect(simRequests(stack)).toEqual([]);
  });

  it('a flood of tokens with unknown kids makes at most one JWKS fetch, and the known key keeps working', async () => {
    const user = { sub: 'b-agent', roles: ['agent'] };
    expect(shape(await post(await idpFlooded.sign(user)))).toMatchObject({ status: 200 });
    expect(idpFlooded.jwksRequests).toBe(1);

    const flood = await Promise.all(Array.from({ length: 40 }, async () => post(await idpFlooded.sign(user, { header: { kid: randomUUID() } }))));
    for (let i = 0; i < 20; i++) flood.push(await post(await idpFlooded.sign(user, { header: { kid: randomUUID() } })));
    expect(new Set(flood.map((r) => JSON.stringify(shape(r))))).toEqual(new Set([JSON.stringify(refusal)]));
    expect(new Set(flood.flatMap((r) => reasonsOf(r.requestId)))).toEqual(new Set([NO_MATCHING_KEY]));
    expect(idpFlooded.jwksRequests).toBeLessThanOrEqual(2);

    const fetched = idpFlooded.jwksRequests;
    expect(shape(await post(await idpFlooded.sign(user)))).toEqual({ status: 200, wwwAuthenticate: undefined, body: { data: { connections: [] } } });
    expect(idpFlooded.jwksRequests).toBe(fetched);
    expect(simRequests(stack)).toEqual([]);
  });

  describe('keys from a JWKS file (tenant C, algorithms [ES256])', () => {
    it('accepts a token signed by a key in the file', async () => {
      expect(shape(await post(await signWithFileKey('ec', 'ES256')))).toEqual({ status: 200, wwwAuthenticate: undefined, body: { data: { connections: [] } } });
    });

    it('refuses a token signed by a key that is not in the file', async () => {
      const token = await signWithFileKey('stranger', 'ES256');
      const res = await post(token);
      expect({ ...shape(res), reasons: reasonsOf(res.requestId) }).toEqual({ ...refusal, reasons: [NO_MATCHING_KEY] });
      expect(anyLogContains(token)).toBe(false);
    });

    it('refuses an algorithm the tenant does not allow, even from a key in its file (RS256)', async () => {
      const res = await post(await signWithFileKey('rsa', 'RS256'));
      expect({ ...shape(res), reasons: reasonsOf(res.requestId) }).toEqual({ ...refusal, reasons: ['ERR_JOSE_ALG_NOT_ALLOWED: "alg" (Algorithm) Header Parameter value not allowed'] });
    });

    it('rotation in the file: a token with the kid of a key just added is accepted, one with a removed key refused', async () => {
      expect(shape(await post(await signWithFileKey('ec', 'ES256')))).toMatchObject({ status: 200 });
      writeFileSync(jwksFile, JSON.stringify({ keys: [fileKeys.next.jwk, fileKeys.rsa.jwk] }));
      const rotated = await post(await signWithFileKey('next', 'ES256'));
      expect({ ...shape(rotated), reasons: reasonsOf(rotated.requestId) }).toEqual({ status: 200, wwwAuthenticate: undefined, body: { data: { connections: [] } }, reasons: [] });
      const old = await post(await signWithFileKey('ec', 'ES256'));
      expect({ ...shape(old), reasons: reasonsOf(old.requestId) }).toEqual({ ...refusal, reasons: [NO_MATCHING_KEY] });
    });
  });

  it('refuses a token when the identity provider cannot be reached: 401 invalid_token, not a 5xx, the reason logged', async () => {
    const token = await new SignJWT({ iss: 'https://login.tenant-d.example', aud: 'switchboard-d', sub: 'd-user', roles: ['agent'], exp: now() + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: fileKeys.ec.kid })
      .sign(fileKeys.ec.privateKey);
    const res = await post(token);
    expect(shape(res)).toEqual(refusal);
    expect(reasonsOf(res.requestId)).toEqual([`ERR_UNKNOWN: the JWKS at http://127.0.0.1:${unreachablePort}/.well-known/jwks.json could not be fetched: ECONNREFUSED`]);
    expect(simRequests(stack)).toEqual([]);
  });

  it('ignores a token cookie when no tenant turned the cookie on: 401 missing credentials', async () => {
    const res = await post(null, { cookie: `sb_token=${await idpRotating.sign({ sub: 'u-agent', roles: ['agent'] })}; token=x; jwt=y` });
    expect(shape(res)).toEqual({
      status: 401,
      wwwAuthenticate: REALM,
      body: { errors: [{ message: 'missing credentials: send `Authorization: Bearer <API key or token>`', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });
});

describe('issue 13: auth.jwt refused when the config is loaded', () => {
  const tenant = (id: string, jwt: Record<string, unknown>) => ({
    id,
    apiKeys: [`test-key-${id}-000000000`],
    auth: { jwt: { issuer: 'https://login.example', audiences: ['switchboard'], jwks: { url: 'https://login.example/jwks.json' }, ...jwt } },
  });
  const load = (tenants: unknown[]) => () => resolveConfig({ tenants } as ConfigInput);
  const ALLOWED = 'expected one of "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA"';

  it.each([
    ['an HMAC algorithm', ['HS256']],
    ['alg none', ['none']],
    ['none beside an allowed one', ['RS256', 'none']],
  ])('refuses %s in algorithms', (_name, algorithms) => {
    const at = algorithms.length - 1;
    expect(load([tenant('a', { algorithms })])).toThrow(`config is invalid:\n  tenants[0].auth.jwt.algorithms[${at}]: ${ALLOWED}`);
  });

  it('refuses two tenants with the same issuer and an overlapping audience, naming the first', () => {
    const error = (() => {
      try {
        load([tenant('a', { audiences: ['switchboard', 'wallboard'] }), tenant('b', { audiences: ['desktop', 'wallboard'] })])();
      } catch (err) {
        return (err as Error).message;
      }
      return 'loaded';
    })();
    expect(error).toBe('config is invalid:\n  tenants[1].auth.jwt.audiences: tenant "a" accepts the same issuer and audience: a token would select either');
  });

  it.each([
    ['a missing file', (dir: string) => path.join(dir, 'nope.json'), 'cannot be read (ENOENT)'],
    ['a file that is not JSON', (dir: string) => (writeFileSync(path.join(dir, 'bad.json'), 'keys:'), path.join(dir, 'bad.json')), 'is not valid JSON'],
    [
      'a JSON file without keys',
      (dir: string) => (writeFileSync(path.join(dir, 'empty.json'), '{"keys":[]}'), path.join(dir, 'empty.json')),
      'is not a JWKS: expected {"keys": [...]} with at least one key',
    ],
  ])('refuses a JWKS file at load: %s', (_title, make, problem) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-jwks-'));
    try {
      const file = make(dir);
      expect(load([tenant('a', { jwks: { file } })])).toThrow(`config is invalid:\n  tenants[0].auth.jwt.jwks.file: ${problem}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads two tenants with the same issuer and different audiences', () => {
    expect(load([tenant('a', { audiences: ['switchboard-a'] }), tenant('b', { audiences: ['switchboard-b'] })])).not.toThrow();
  });
});
