/**
 * Issue 11 against a built gateway process (`node dist/src/main.js`, demo mode): the request-targets that
 * used to crash it, a fuzz of request-targets, methods and headers, memory that does not grow with abuse,
 * and a SIGTERM that drains.
 */
import net from 'node:net';
import { DEMO_API_KEY } from '../../src/demo';
import { startBuiltGateway, type BuiltGateway } from '../support/builtGateway';
import { waitUntil } from '../support/wait';
import { fiveHundredWithoutErrors, jsonOf, prng, rawRequest } from './helpers';

interface Exchange {
  /** The status line's code, or null when the server closed without one. */
  status: number | null;
  raw: string;
}

/** Writes `request` bytes on a new socket and collects the answer until the server closes it. */
function exchange(url: string, request: Buffer | string): Promise<Exchange> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => socket.end(request));
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : null, raw });
    });
  });
}

const TARGET_PIECES = [
  '/', '//', '///', '\\', '@', '?', '#', '%', '%zz', '%E0%A4%A', '%00', '%2F', '..', '.', '*', ':', 'http:', 'https://x', '~', ';', '=', '&', '[', ']', '{', '}', '|', '^', '`', '"', "'", '<', '>',
  'graphql', 'healthz', 'readyz', 'metrics', 'files', 'ide', 'recordings', 'contact-upload-errors', 'constructor', '__proto__', 'prototype', 'toString',
  'query=', 'format=wav', 'é', '\u2028', 'x'.repeat(300),
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'PROPFIND', 'FOO', 'get', 'G E T', ''];
const HEADER_CHOICES: Array<(r: ReturnType<typeof prng>) => string> = [
  () => `Authorization: Bearer ${DEMO_API_KEY}`,
  () => 'Authorization: Bearer nope-nope-nope-nope',
  () => 'Authorization: Basic Zm9vOmJhcg==',
  () => 'Authorization: ',
  () => 'Accept: text/html',
  () => 'Accept: application/graphql-response+json',
  () => 'Accept: */*;q=0.1, \u00ff',
  () => 'Content-Type: application/json',
  () => 'Content-Type: multipart/form-data; boundary=x',
  () => 'Apollo-Require-Preflight: true',
  (r) => `X-Request-Id: ${'r'.repeat(r.int(200))}`,
  () => 'X-Request-Id: \u00e9\u00e9',
  () => 'Host: evil.example',
  () => 'Host:',
  () => 'Forwarded: for=1.2.3.4',
  () => 'Upgrade: websocket',
  () => 'Connection: Upgrade',
  () => 'Expect: 100-continue',
  (r) => `X-Big: ${'b'.repeat(r.int(20_000))}`,
  (r) => `${'x-'.repeat(r.int(5) + 1)}${r.int(1e6)}: ${r.int(1e6)}`,
  () => 'Bad Header Name: x',
  () => 'X-Nul: a\u0000b',
  () => 'X-Cr: a\rb',
];

function randomRequest(r: ReturnType<typeof prng>): string {
  let target = r.pick(['/', '', 'http://h', '*', 'h:1']);
  for (let i = r.int(6); i > 0; i--) target += r.pick(TARGET_PIECES);
  const method = r.pick(METHODS);
  const headers = ['Connection: close'];
  for (let i = r.int(5); i > 0; i--) headers.push(r.pick(HEADER_CHOICES)(r));
  let body = '';
  if (r.next() < 0.3) {
    body = r.pick(['{"query":"{ connections { id } }"}', '{"query":', 'null', '[]', '--x\r\n', '\u0000\u00ff']);
    headers.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  }
  return `${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** Runs `n` requests from `make`, `concurrency` at a time; returns the exchanges in order. */
async function pool(n: number, concurrency: number, make: (i: number) => Promise<Exchange>): Promise<Exchange[]> {
  const out: Exchange[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await make(i);
      }
    }),
  );
  return out;
}

async function healthz(gw: BuiltGateway): Promise<number> {
  return (await fetch(`${gw.url}/healthz`)).status;
}

describe('issue 11 against a built gateway', () => {
  let gw: BuiltGateway;
  beforeAll(async () => {
    gw = await startBuiltGateway();
  }, 120_000);
  afterAll(() => gw?.stop());

  it.each(['//', '///', '//@', '/\\'])('curl --request-target %s gets an answer and the process stays up', async (target) => {
    const res = await exchange(gw.url, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(404);
    expect(await healthz(gw)).toBe(200);
  });

  it('survives 3,000 random request-targets, methods and headers: every answer is a status, no 5xx without a GraphQL body', async () => {
    const seed = 20261205;
    const r = prng(seed);
    const requests = Array.from({ length: 3_000 }, () => randomRequest(r));
    const answers = await pool(requests.length, 16, (i) => exchange(gw.url, Buffer.from(requests[i]!, 'latin1')));
    const problems: string[] = [];
    answers.forEach((a, i) => {
      const head = JSON.stringify(requests[i]!.slice(0, 120));
      if (a.status === null) problems.push(`no answer to ${head}`);
      else {
        const body = a.raw.slice(a.raw.indexOf('\r\n\r\n') + 4);
        const bad = fiveHundredWithoutErrors(a.status, body);
        if (bad) problems.push(`${bad} for ${head}`);
        if (a.status >= 500) problems.push(`HTTP ${a.status} for ${head}`);
      }
    });
    expect({ seed, problems: problems.slice(0, 10), count: problems.length }).toEqual({ seed, problems: [], count: 0 });
    expect(await healthz(gw)).toBe(200);
    expect(gw.child.exitCode).toBeNull();
  }, 120_000);

  it('memory: after three more abuse rounds and a full GC, RSS and the heap are within 10% of their warm-up level', async () => {
    const longName = `Op${'x'.repeat(100_000)}`;
    const round = async (k: number) => {
      // Unbounded metric labels (item 4): 300 operations with 100 KB names.
      await pool(300, 8, async (i) => {
        const res = await rawRequest(gw.graphqlUrl, {
          headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: `query ${longName}${k}x${i} { connections { id } }` }),
        });
        return { status: res.status, raw: res.text };
      });
      // Random request-targets, methods and headers (item 1).
      const r = prng(k);
      await pool(500, 16, () => exchange(gw.url, Buffer.from(randomRequest(r), 'latin1')));
    };
    const heapUsed = async () => Number(/^switchboard_nodejs_heap_size_used_bytes (\d+)/m.exec(await (await fetch(`${gw.url}/metrics`)).text())![1]);
    // Warm-up: JIT code, caches, V8's heap and the allocator's arenas reach their working size. Every
    // reading follows a full, compacting, memory-reducing GC (test/support/gcOnSignal.js): V8 keeps garbage,
    // and the pages it freed, until its heuristics collect and release them (seen idle for 40 s), so a
    // reading without one measures V8's laziness, not what the gateway holds. After it, RSS still moves
    // between rounds (glibc keeps its arenas; one reading beside a loaded machine was 20% up, the next ones
    // back down), so each side is the median of three readings: the three warm-up rounds, then three more.
    // A leak raises every later reading, so it moves the median.
    const reading = async () => {
      await gw.collectGarbage();
      return { rss: await gw.rssBytes(), heap: await heapUsed() };
    };
    const median = (xs: Array<{ rss: number; heap: number }>) => {
      const mid = (k: 'rss' | 'heap') => xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      return { rss: mid('rss'), heap: mid('heap') };
    };
    const warm: Array<{ rss: number; heap: number }> = [];
    for (const k of [1, 2, 3]) {
      await round(k);
      warm.push(await reading());
    }
    const later: Array<{ rss: number; heap: number }> = [];
    for (const k of [4, 5, 6]) {
      await round(k);
      later.push(await reading());
    }
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics.length).toBeLessThan(512 * 1024);
    const baseline = median(warm);
    const after = median(later);
    const mb = (n: number) => Math.round(n / 1e6);
    // The bound for RSS, and the same for the heap (what the gateway itself holds).
    const verdict = (name: 'rss' | 'heap') =>
      `${name} ${mb(after[name])} MB after, ${mb(baseline[name])} MB baseline: ${after[name] <= baseline[name] * 1.1 ? 'within' : 'over'} 10%`;
    expect([verdict('heap'), verdict('rss')]).toEqual([expect.stringMatching(/: within 10%$/), expect.stringMatching(/: within 10%$/)]);
  }, 180_000);
});

describe('issue 11 item 8: SIGTERM drains', () => {
  it('turns readiness 503 and refuses new work at once, lets the request in flight finish, then exits 0', async () => {
    const gw = await startBuiltGateway();
    try {
      // Hold the Apps API simulator's answers for 2 s so one query is in flight when SIGTERM arrives.
      await fetch(`${gw.sims.appsApi}/__sim/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs: 2_000 }) });
      const inFlight = rawRequest(gw.graphqlUrl, {
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ agents(first: 1, filter: { connectionIds: ["apps-demo"] }) { totalCount } }' }),
      });
      await waitUntil(
        'the simulator received the vendor read',
        async () => ((await (await fetch(`${gw.sims.appsApi}/__sim/requests`)).json()) as unknown[]).length > 0,
        10_000,
      );
      gw.child.kill('SIGTERM');
      await waitUntil('readiness turned 503', async () => (await fetch(`${gw.url}/readyz`)).status === 503, 5_000);
      expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ ready: false, draining: true });
      const refused = await rawRequest(gw.graphqlUrl, {
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ connections { id } }' }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers['connection']).toBe('close');
      expect(refused.headers['retry-after']).toBe('1');
      expect(jsonOf(refused.text)).toEqual({ errors: [{ message: 'the gateway is shutting down; send the request again', extensions: { code: 'SHUTTING_DOWN' } }] });
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(jsonOf(finished.text).data.agents.totalCount).toBeGreaterThan(0);
      expect(await gw.exited).toEqual({ code: 0, signal: null });
    } finally {
      await gw.stop();
    }
  }, 60_000);
});
