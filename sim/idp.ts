/**
 * A local identity provider, for demo mode and the tests (issue 13): the parts of an OpenID provider the
 * gateway uses, on loopback.
 *
 *   GET  /.well-known/openid-configuration   issuer, jwks_uri, token_endpoint
 *   GET  /.well-known/jwks.json              the public signing keys (counted: `jwksRequests`)
 *   POST /token                              OAuth 2 password grant (form-encoded `grant_type=password`,
 *                                            `username`, `password`) for the configured users: an RS256 JWT
 *
 * Every answer allows any origin (CORS `*`): it is a development provider on loopback, and browser tests log
 * in from a page on another origin.
 *
 * Tests also sign any claims and header they like (`sign`), and rotate the key (`rotate`: the new key
 * replaces the old one in the JWKS, as a provider does once the old key's tokens have expired).
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

export interface IdpUser {
  username: string;
  password: string;
  /** Claims of this user's tokens besides iss, aud, iat, exp: `sub`, `roles`, `email`, `agent_id` ... */
  claims: JWTPayload & { sub: string };
}

export interface IdentityProviderOptions {
  /** The `aud` of the tokens it issues. */
  audience: string;
  users?: IdpUser[];
  /** Lifetime of issued tokens. Default 3600 s. */
  tokenTtlSeconds?: number;
  port?: number;
}

export interface IdentityProvider {
  /** `http://127.0.0.1:port`, also the issuer (`iss`). */
  readonly url: string;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  /** The `kid` signing now. */
  readonly kid: string;
  /** GET /.well-known/jwks.json answered so far. */
  readonly jwksRequests: number;
  /** A token with these claims (iss, aud, iat and exp filled unless given) and header fields. */
  sign(claims: JWTPayload, opts?: { expiresInSeconds?: number; header?: Record<string, unknown> }): Promise<string>;
  /** A token for a configured user, as `/token` issues it. */
  tokenFor(username: string): Promise<string>;
  /** A new signing key replaces the current one in the JWKS. */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function newKey(n: number): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `key-${n}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 16_384) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startIdentityProvider(opts: IdentityProviderOptions): Promise<IdentityProvider> {
  const { audience, users = [], tokenTtlSeconds = 3600 } = opts;
  let generation = 1;
  let key = await newKey(generation);
  let jwksRequests = 0;
  let issuer = '';

  const sign = (claims: JWTPayload, o: { expiresInSeconds?: number; header?: Record<string, unknown> } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, aud: audience, iat: now, exp: now + (o.expiresInSeconds ?? tokenTtlSeconds), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...o.header })
      .sign(key.privateKey);
  };
  const tokenFor = (username: string) => {
    const user = users.find((u) => u.username === username);
    if (!user) throw new Error(`no user ${username}`);
    return sign(user.claims);
  };

  const server = http.createServer(async (req, res) => {
    const json = (status: number, body: unknown) => {
      // A development provider: any page may fetch a token (browser tests log in from another origin).
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(body));
    };
    try {
      const path = new URL(req.url ?? '/', 'http://idp').pathname;
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
        return res.end();
      }
      if (req.method === 'GET' && path === '/.well-known/jwks.json') {
        jwksRequests++;
        return json(200, { keys: [key.jwk] });
      }
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          token_endpoint: `${issuer}/token`,
          grant_types_supported: ['password'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (req.method === 'POST' && path === '/token') {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('grant_type') !== 'password') return json(400, { error: 'unsupported_grant_type' });
        const user = users.find((u) => u.username === form.get('username') && u.password === form.get('password'));
        if (!user) return json(400, { error: 'invalid_grant', error_description: 'unknown user or wrong password' });
        return json(200, { access_token: await sign(user.claims), token_type: 'Bearer', expires_in: tokenTtlSeconds });
      }
      json(404, { error: 'not_found' });
    } catch {
      if (!res.headersSent) json(500, { error: 'server_error' });
    }
  });
  server.listen(opts.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: issuer,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    audience,
    get kid() {
      return key.kid;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    sign,
    tokenFor,
    async rotate() {
      key = await newKey(++generation);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
