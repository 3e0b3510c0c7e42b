/**
 * Regression test for issue 11 item 4: "Unbounded metric labels."
 *
 * Before the fix, `switchboard_graphql_requests_total` and `..._duration_seconds` took the client's
 * operation name as their `operation` label as sent: 300 requests with 100 KB operation names grew
 * /metrics from 48 KB to 480 MB and RSS to 1.67 GB. And /metrics, which names every tenant and connection,
 * answered anyone who could reach the API port.
 *
 * Expected: a name that is not a GraphQL name of at most 64 characters, or a tenant's 101st distinct
 * name, is counted as `other`, so /metrics stays small; the log line keeps 64 characters of the name;
 * /metrics answers loopback clients only by default, a bearer token when one is configured (401
 * otherwise), and on a listener of its own when a port is configured.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Writable } from 'node:stream';
import { Gauge, Registry } from 'prom-client';
import { createMetricsHandler, isLoopbackAddress, metricsExposure, startMetricsListener, type MetricsHandlerOptions } from '../../src/http/metricsRoute';
import { createLogger } from '../../src/logger';
import { registry } from '../../src/metrics';
import { startStack, type Stack } from '../support/stack';
import { FAST_SIMS } from './helpers';

const TOKEN = 'metrics-token-0123456789abcdef';
const NOT_FOUND = '{"error":"not found"}';
const unauthorized = (message: string) => JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
const MISSING = unauthorized('missing metrics token: send `Authorization: Bearer <token>`');
const INVALID = unauthorized('invalid metrics token');

/** This machine's first address that is not loopback (and not link-local), per family; tests from there. */
function externalAddress(family: 'IPv4' | 'IPv6'): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && a.family === family && !a.address.toLowerCase().startsWith('fe80')) return a.address;
    }
  }
  return undefined;
}
const EXTERNAL_V4 = externalAddress('IPv4');
const EXTERNAL_V6 = externalAddress('IPv6');
const LOOPBACK_V6 = Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((a) => a.internal && a.address === '::1'));

/**
 * A test that needs an address this machine may lack. Skipped on a machine without it; in CI (`CI=true`),
 * whose machine has them all, it fails instead, so a missing address can never hide a check there.
 */
const withAddress = (present: unknown, what: string) =>
  present ? it : process.env['CI'] ? (name: string) => it(name, () => expect({ address: what, present: Boolean(present) }).toEqual({ address: what, present: true })) : it.skip;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request to `host:port` (so the source address is the one the route to `host` uses). */
function request(host: string, port: number, opts: { path?: string; method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: opts.path ?? '/metrics', method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const disposers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

const logLines: Array<Record<string, unknown>> = [];
const logger = createLogger(
  'info',
  new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      cb();
    },
  }),
);

/** The handler on a real listener on every address (dual stack when the machine has IPv6), port 0. */
async function serveHandler(opts: MetricsHandlerOptions): Promise<number> {
  const handler = createMetricsHandler(opts);
  const server = http.createServer((req, res) => {
    handler(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // No IPv6 on this machine: IPv4 only (the IPv6 cases skip themselves).
      if (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL') server.listen(0, '0.0.0.0', () => resolve());
      else reject(err);
    });
    server.listen(0, '::', () => resolve());
  });
  disposers.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

describe('metricsExposure: where /metrics is served and to whom', () => {
  const exposure = (metrics: Record<string, unknown>, demo = false) => metricsExposure({ server: { metrics: { host: '127.0.0.1', ...metrics } } }, { demo });

  it.each<[string, Record<string, unknown>, boolean, ReturnType<typeof metricsExposure>]>([
    ['nothing set: main port, loopback clients only', {}, false, { main: { loopbackOnly: true }, listener: null }],
    ['nothing set, demo mode: main port, open', {}, true, { main: { loopbackOnly: false }, listener: null }],
    ['a token: main port, any client with the token', { token: TOKEN }, false, { main: { token: TOKEN, loopbackOnly: false }, listener: null }],
    ['a port: its own listener on loopback, not the main port', { port: 9464 }, false, { main: null, listener: { host: '127.0.0.1', port: 9464 } }],
    ['a port in demo mode: the same', { port: 9464 }, true, { main: null, listener: { host: '127.0.0.1', port: 9464 } }],
    ['host, port and token: its own listener with the token', { host: '0.0.0.0', port: 9464, token: TOKEN }, false, { main: null, listener: { host: '0.0.0.0', port: 9464, token: TOKEN } }],
  ])('%s', (_title, metrics, demo, expected) => {
    expect(exposure(metrics, demo)).toEqual(expected);
  });
});

describe('isLoopbackAddress', () => {
  it.each<[string | undefined, boolean]>([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.0.0.2', true],
    ['10.0.0.1', false],
    ['192.0.2.2', false],
    ['::ffff:10.0.0.1', false],
    ['128.0.0.1', false],
    ['1127.0.0.1', false],
    ['fd00::2', false],
    ['::', false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('the handler, loopback only (the default outside demo mode), over real HTTP', () => {
  let port: number;
  beforeAll(async () => {
    port = await serveHandler({ loopbackOnly: true });
  });

  it('answers a client on 127.0.0.1 (seen as ::ffff:127.0.0.1 on a dual-stack listener) with the registry', async () => {
    const res = await request('127.0.0.1', port);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(registry.contentType);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('# TYPE switchboard_graphql_requests_total counter');
  });

  withAddress(LOOPBACK_V6, 'IPv6 loopback (::1)')('answers a client on ::1', async () => {
    expect((await request('::1', port)).status).toBe(200);
  });

  withAddress(EXTERNAL_V4, 'IPv4 address besides loopback')(`404s a client on this machine's other IPv4 address (${EXTERNAL_V4})`, async () => {
    const res = await request(EXTERNAL_V4!, port);
    expect({ status: res.status, text: res.text }).toEqual({ status: 404, text: NOT_FOUND });
  });

  withAddress(EXTERNAL_V6, 'IPv6 address besides loopback')(`404s a client on this machine's other IPv6 address (${EXTERNAL_V6})`, async () => {
    const res = await request(EXTERNAL_V6!, port);
    expect({ status: res.status, text: res.text }).toEqual({ status: 404, text: NOT_FOUND });
  });

  it.each(['x-forwarded-for', 'forwarded', 'x-real-ip'])('404s a loopback peer that relays for someone else (%s)', async (header) => {
    const res = await request('127.0.0.1', port, { headers: { [header]: header === 'forwarded' ? 'for=198.51.100.7' : '198.51.100.7' } });
    expect({ status: res.status, text: res.text }).toEqual({ status: 404, text: NOT_FOUND });
  });

  withAddress(EXTERNAL_V4, 'IPv4 address besides loopback')('a remote client that presents a token is still 404 (no token is configured)', async () => {
    const res = await request(EXTERNAL_V4!, port, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
  });
});

describe('the handler with a token, over real HTTP', () => {
  let port: number;
  beforeAll(async () => {
    port = await serveHandler({ loopbackOnly: false, token: TOKEN });
  });

  it.each<[string, Record<string, string>, string]>([
    ['no Authorization header', {}, MISSING],
    ['another scheme', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, MISSING],
    ['Bearer with nothing after it', { authorization: 'Bearer ' }, MISSING],
    ['a wrong token', { authorization: 'Bearer metrics-token-0123456789abcdeX' }, INVALID],
    ['the token without its last character', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, INVALID],
    ['the token with a character more', { authorization: `Bearer ${TOKEN}x` }, INVALID],
    ['an API-key-looking token', { authorization: 'Bearer test-key-tenant-a-0001' }, INVALID],
  ])('401 for %s', async (_title, headers, body) => {
    const res = await request('127.0.0.1', port, { headers });
    expect({ status: res.status, auth: res.headers['www-authenticate'], type: res.headers['content-type'], text: res.text }).toEqual({
      status: 401,
      auth: 'Bearer realm="metrics"',
      type: 'application/json; charset=utf-8',
      text: body,
    });
  });

  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN} `])('200 for %j', async (authorization) => {
    const res = await request('127.0.0.1', port, { headers: { authorization } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('switchboard_graphql_requests_total');
  });

  withAddress(EXTERNAL_V4, 'IPv4 address besides loopback')('a token answers a remote client too: the token is the gate, not the address', async () => {
    expect((await request(EXTERNAL_V4!, port, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await request(EXTERNAL_V4!, port)).status).toBe(401);
  });
});

describe('startMetricsListener: GET /metrics on its own listener and nothing else', () => {
  let url: string;
  let port: number;
  beforeAll(async () => {
    const listener = await startMetricsListener({ host: '127.0.0.1', port: 0, token: TOKEN, logger });
    disposers.push(() => listener.close());
    url = listener.url;
    port = Number(new URL(url).port);
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('reports its URL and serves the registry with the token', async () => {
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const res = await request('127.0.0.1', port, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(registry.contentType);
    expect(res.text).toContain('switchboard_process_resident_memory_bytes');
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'metrics listener started', url: `${url}/metrics`, tokenRequired: true }));
  });

  it('401s without the token', async () => {
    const res = await request('127.0.0.1', port);
    expect({ status: res.status, text: res.text }).toEqual({ status: 401, text: MISSING });
  });

  it.each<[string, string, string]>([
    ['GET', '/', 'the root'],
    ['GET', '/graphql', 'the API path'],
    ['GET', '/metrics/', 'a trailing slash'],
    ['GET', '/metricsx', 'a longer path'],
    ['POST', '/metrics', 'another method'],
    ['HEAD', '/metrics', 'HEAD'],
    ['GET', '//', 'a target `new URL` cannot parse'],
    ['GET', '/healthz', 'the health path'],
  ])('%s %s (%s) is 404', async (method, path) => {
    const res = await request('127.0.0.1', port, { method, path, headers: auth });
    expect(res.status).toBe(404);
    if (method !== 'HEAD') expect(res.text).toBe(NOT_FOUND);
  });

  it('a query string does not change the path', async () => {
    expect((await request('127.0.0.1', port, { path: '/metrics?name[]=x', headers: auth })).status).toBe(200);
  });

  withAddress(EXTERNAL_V4, 'IPv4 address besides loopback')("listens on the host it was given only: the machine's other address refuses the connection", async () => {
    await expect(request(EXTERNAL_V4!, port, { headers: auth })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a registry that fails to collect is a logged 500; the listener keeps serving', async () => {
    const broken = new Registry();
    new Gauge({
      name: 'broken_gauge',
      help: 'collect throws',
      registers: [broken],
      collect() {
        throw new Error('collect failed');
      },
    });
    const listener = await startMetricsListener({ host: '127.0.0.1', port: 0, logger, registry: broken });
    disposers.push(() => listener.close());
    const p = Number(new URL(listener.url).port);
    const res = await request('127.0.0.1', p);
    expect({ status: res.status, text: res.text }).toEqual({ status: 500, text: '{"error":"internal error"}' });
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'metrics request failed', listener: 'metrics' }));
    expect((await request('127.0.0.1', p, { path: '/' })).status).toBe(404);
  });

  it('close() stops it', async () => {
    const listener = await startMetricsListener({ host: '127.0.0.1', port: 0, logger });
    const p = Number(new URL(listener.url).port);
    expect((await request('127.0.0.1', p)).status).toBe(200);
    await listener.close();
    await expect(request('127.0.0.1', p)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses bad options with the contract', async () => {
    await expect(startMetricsListener({ host: '', port: 0, logger })).rejects.toThrow('expected opts.host to be a non-empty string, got ""');
    await expect(startMetricsListener({ host: '127.0.0.1', port: 70_000, logger })).rejects.toThrow('expected opts.port to be an integer 0-65535, got 70000');
  });
});

describe('operation names through the real gateway', () => {
  let stack: Stack;
  let metricsUrl: string;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS });
    // The page as the metrics listener serves it (`server.metrics.port`): the process registry the
    // gateway's plugin writes to, read over HTTP whichever way the main routes table exposes it.
    const listener = await startMetricsListener({ host: '127.0.0.1', port: 0, logger });
    disposers.push(() => listener.close());
    metricsUrl = `${listener.url}/metrics`;
  });
  afterAll(() => stack.close());

  const metricsText = async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** Distinct `operation` values of tenant-a in switchboard_graphql_requests_total. */
  const operationLabels = (text: string) =>
    new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('switchboard_graphql_requests_total{') && l.includes('tenant="tenant-a"'))
        .map((l) => /operation="([^"]*)"/.exec(l)?.[1]),
    );
  /** Sends `n` queries, `concurrency` at a time; every one must succeed. */
  const send = async (n: number, query: (i: number) => string, concurrency = 10) => {
    for (let i = 0; i < n; i += concurrency) {
      const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, k) => stack.gql(query(i + k)));
      for (const res of await Promise.all(batch)) expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    }
  };

  it('300 queries with distinct 100 KB operation names leave /metrics small and the log lines short', async () => {
    const before = Buffer.byteLength(await metricsText());
    // A name is one lexer token (maxTokens 2000 does not refuse it) and ~100 KB of a 1 MiB body limit.
    const name = (i: number) => `Q${String(i).padStart(3, '0')}${'x'.repeat(100 * 1024)}`;
    await send(300, (i) => `query ${name(i)} { __typename }`);

    const text = await metricsText();
    const size = Buffer.byteLength(text);
    // Before the fix: each name was a series of the counter and 15 of the histogram, about 480 MB.
    expect(size).toBeLessThan(100 * 1024);
    expect(size - before).toBeLessThan(10 * 1024);
    expect(operationLabels(text)).toEqual(new Set(['other']));
    expect(text).toMatch(/^switchboard_graphql_requests_total\{[^}]*operation="other"[^}]*\} 300$/m);

    const lines = stack.logs.filter((l) => l['msg'] === 'graphql request' && String(l['operation']).startsWith('Q'));
    expect(lines).toHaveLength(300);
    for (const l of lines) expect(String(l['operation'])).toMatch(/^Q\d{3}x{60}…$/);
  }, 60_000);

  it("a tenant's first 100 distinct names are kept, later new ones are other", async () => {
    await send(150, (i) => `query Op_${i} { __typename }`);
    await send(1, () => '{ __typename }');
    const expected = new Set(['other', 'anonymous', ...Array.from({ length: 100 }, (_, i) => `Op_${i}`)]);
    expect(operationLabels(await metricsText())).toEqual(expected);
    const logged = stack.logs.filter((l) => l['msg'] === 'graphql request' && String(l['operation']).startsWith('Op_')).map((l) => l['operation']);
    // the log line keeps every name, capped or not
    expect(new Set(logged)).toEqual(new Set(Array.from({ length: 150 }, (_, i) => `Op_${i}`)));
  }, 60_000);
});
