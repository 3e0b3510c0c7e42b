/**
 * Issue 12 item 4 over real HTTP: GraphQL answers of 1 KB or more in brotli or gzip when the client accepts
 * them (identical once decoded), the IDE's assets compressed once with a strong ETag per encoding and a
 * year of `immutable` caching behind content-hashed URLs, and GET answers `private, no-store` unless
 * `server.getCacheMaxAgeSeconds` allows a max-age.
 */
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import http from 'node:http';
import { FAST_SIMS } from '../abuse/helpers';
import { KEY_A, startStack, type Stack } from '../support/stack';

/** A GET or POST whose body is kept as bytes (fetch would decode it). */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const decode = (bytes: Buffer, encoding: string | undefined) => (encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : bytes);
const CALLS = JSON.stringify({ query: '{ calls(first: 100) { edges { node { id nativeId status rawStatus type direction createdAt connectedAt endedAt callDuration agent { name } } } } }' });
const post = (stack: Stack, headers: Record<string, string>, body = CALLS) =>
  request(stack.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', ...headers }, body });

describe('issue 12 item 4: compression', () => {
  let stack: Stack;
  let identity: Buffer;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS, server: { ide: true }, connection: { rateLimit: { requestsPerSecond: 100 } } });
    const plain = await post(stack, {});
    identity = plain.bytes;
  });
  afterAll(() => stack.close());

  it('sends calls(first: 100) as it is when the client accepts no encoding', async () => {
    const plain = await post(stack, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(identity.toString('utf8').slice(0, 300)).toMatch(/^{"data"/);
    expect(identity.length).toBeGreaterThan(1024);
    expect(JSON.parse(identity.toString('utf8')).data.calls.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ['br', 'br', 'br'],
    ['gzip', 'gzip', 'gzip'],
    ["a browser's list: brotli", 'gzip, deflate, br, zstd', 'br'],
    ['the client prefers gzip', 'gzip;q=1, br;q=0.5', 'gzip'],
    ['deflate only: nothing we send', 'deflate', undefined],
  ])('Accept-Encoding, %s', async (_title, accept, expected) => {
    const res = await post(stack, { 'accept-encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(expected);
    expect(res.headers['vary']).toContain('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
    // Identical once decoded (the answer is the same data: the simulators' calls do not change between reads).
    expect(decode(res.bytes, expected).toString('utf8')).toBe(identity.toString('utf8'));
    if (expected) expect(res.bytes.length).toBeLessThan(identity.length / 3);
  });

  it('leaves answers under 1 KB uncompressed', async () => {
    const res = await post(stack, { 'accept-encoding': 'br, gzip' }, '{"query":"{ connections { id } }"}');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.bytes.toString('utf8'))).toEqual({ data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } });
  });

  describe('the IDE', () => {
    let assetUrl: string;
    beforeAll(async () => {
      const page = await request(stack.graphqlUrl, { headers: { accept: 'text/html' } });
      const src = /<script src="(\/ide\/graphiql\.min\.js\?v=[A-Za-z0-9_-]{22})">/.exec(page.bytes.toString('utf8'));
      expect(src).not.toBeNull();
      assetUrl = `${stack.gateway.url}${src![1]}`;
    });

    it('names each asset by its content hash and serves it for a year, immutable, with an ETag per encoding', async () => {
      const plain = await request(assetUrl);
      const hash = createHash('sha256').update(plain.bytes).digest('base64url').slice(0, 22);
      expect(assetUrl.endsWith(`?v=${hash}`)).toBe(true);
      expect(plain.headers['etag']).toBe(`"${hash}"`);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['vary']).toBe('Accept-Encoding');
      const br = await request(assetUrl, { headers: { 'accept-encoding': 'br' } });
      expect({ encoding: br.headers['content-encoding'], etag: br.headers['etag'] }).toEqual({ encoding: 'br', etag: `"${hash}-br"` });
      expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
      expect(br.bytes.length).toBeLessThan(plain.bytes.length / 4);
      const gz = await request(assetUrl, { headers: { 'accept-encoding': 'gzip' } });
      expect({ encoding: gz.headers['content-encoding'], etag: gz.headers['etag'] }).toEqual({ encoding: 'gzip', etag: `"${hash}-gzip"` });
      expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    });

    it('answers 304 with no body to a revalidation of the same representation, 200 to another', async () => {
      const br = await request(assetUrl, { headers: { 'accept-encoding': 'br' } });
      const again = await request(assetUrl, { headers: { 'accept-encoding': 'br', 'if-none-match': `W/"x", ${br.headers['etag']}` } });
      expect({ status: again.status, length: again.bytes.length, etag: again.headers['etag'] }).toEqual({ status: 304, length: 0, etag: br.headers['etag'] });
      const otherEncoding = await request(assetUrl, { headers: { 'accept-encoding': 'gzip', 'if-none-match': br.headers['etag']! } });
      expect(otherEncoding.status).toBe(200);
    });

    it('compresses the page itself, which is never cached', async () => {
      const page = await request(stack.graphqlUrl, { headers: { accept: 'text/html', 'accept-encoding': 'gzip' } });
      expect(page.headers['content-encoding']).toBe('gzip');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(gunzipSync(page.bytes).toString('utf8')).toContain('<title>Switchboard GraphQL</title>');
    });
  });
});

describe('issue 12 item 4: caching of GET answers', () => {
  const get = (stack: Stack, query: string) =>
    request(`${stack.graphqlUrl}?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true', origin: 'http://127.0.0.1:5173' } });

  it('says private, no-store by default', async () => {
    const stack = await startStack({ sims: FAST_SIMS });
    try {
      const res = await get(stack, '{ connections { id } }');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
    } finally {
      await stack.close();
    }
  });

  it('allows a private max-age with getCacheMaxAgeSeconds, varying on Authorization and Origin, never for an error', async () => {
    const stack = await startStack({ sims: FAST_SIMS, server: { getCacheMaxAgeSeconds: 60, cors: { origins: ['http://127.0.0.1:5173'] } } });
    try {
      const ok = await get(stack, '{ connections { id } }');
      expect({ cacheControl: ok.headers['cache-control'], vary: ok.headers['vary'] }).toEqual({ cacheControl: 'private, max-age=60', vary: 'Origin, Authorization' });
      const failed = await get(stack, '{ nope }');
      expect(failed.headers['cache-control']).toBe('private, no-store');
    } finally {
      await stack.close();
    }
  });
});
