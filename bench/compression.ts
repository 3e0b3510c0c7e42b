/**
 * bench/compression: what response compression saves on the wire and costs in throughput (issue 12, item 4).
 *
 *   npm run bench:compression
 *   BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 npm run bench:compression
 *
 * The simulators and one gateway in this process, on 127.0.0.1, as the test stack runs them: simulators without
 * a rate limit of their own, the gateway's connections at 1000 requests/s, so the figures are the gateway's and
 * not the vendor budget's. One query, `calls(first: 100)` with the agent's name (the 17.7 KB answer),
 * is sent with `Accept-Encoding` identity, gzip and br:
 *
 * - bytes on the wire: everything the gateway wrote on the socket for one answer, headers included;
 * - throughput and p50/p99 of the same query at BENCH_CONCURRENCY, each encoding measured in the same run, in
 *   alternating rounds, and printed as a ratio against identity.
 *
 * Environment: BENCH_REQUESTS per encoding and round (default 1000), BENCH_CONCURRENCY (default 8), BENCH_ROUNDS
 * (default 3; the first is a warm-up and is not counted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simulatorConnections, startSimulators } from '../sim';
import { resolveConfig } from '../src/config/load';
import { startGateway } from '../src/http/server';
import { createLogger } from '../src/logger';
import { closedLoop } from './load';
import { percentile } from './stats';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const KEY = 'bench-key-0000000000000001';
const QUERY = JSON.stringify({ query: '{ calls(first: 100) { edges { node { id nativeId status rawStatus type direction createdAt connectedAt endedAt callDuration agent { name } } } } }' });
const ENCODINGS = ['identity', 'gzip', 'br'] as const;
type Enc = (typeof ENCODINGS)[number];

/** One request on a fresh socket: every byte the server wrote until it closed. */
function wireBytes(url: URL, encoding: Enc): Promise<{ total: number; head: string; bodyBytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nAccept-Encoding: ${encoding}\r\nContent-Length: ${Buffer.byteLength(QUERY)}\r\nConnection: close\r\n\r\n${QUERY}`,
      );
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      resolve({ total: all.length, head: all.subarray(0, split).toString('latin1'), bodyBytes: all.length - split - 4 });
    });
  });
}

/** REQUESTS requests at CONCURRENCY over keep-alive, asking for `encoding`; requests/s and latencies (ms). */
const load = (url: URL, encoding: Enc) =>
  closedLoop({
    url: new URL('/graphql', url),
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'accept-encoding': encoding },
    body: QUERY,
  });

async function main(): Promise<void> {
  const sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
  const fast = { rateLimit: { requestsPerSecond: 1000 } };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const config = resolveConfig({
    server: { host: '127.0.0.1', port: 0 },
    state: { dataDir },
    logging: { level: 'silent' },
    tenants: [
      {
        id: 'bench',
        apiKeys: [KEY],
        connections: simulatorConnections(sims, '').map((c) => ({ ...c, ...fast })),
      },
    ],
  });
  const gateway = await startGateway(config, { logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
  const url = new URL(gateway.url);
  try {
    console.log(`bench/compression: calls(first: 100) against ${gateway.url}, ${REQUESTS} requests x ${ENCODINGS.length} encodings x ${ROUNDS} rounds (round 1 warm-up), concurrency ${CONCURRENCY}`);
    console.log('\nBytes on the wire for one answer (status line and headers included):');
    const identityBytes = (await wireBytes(url, 'identity')).total;
    for (const enc of ENCODINGS) {
      const w = await wireBytes(url, enc);
      if (!w.head.startsWith('HTTP/1.1 200')) throw new Error(`calls(first: 100) answered ${JSON.stringify(w.head.slice(0, 300))} (${w.total} bytes)`);
      const encoding = /\r\ncontent-encoding: (\S+)/i.exec(w.head)?.[1] ?? 'none';
      console.log(
        `  Accept-Encoding: ${enc.padEnd(8)} content-encoding ${encoding.padEnd(5)} ${String(w.total).padStart(6)} bytes (body ${w.bodyBytes}), ${((w.total / identityBytes) * 100).toFixed(1)}% of identity`,
      );
    }

    const results = new Map<Enc, Array<{ rps: number; latencies: number[] }>>(ENCODINGS.map((e) => [e, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? ENCODINGS : [...ENCODINGS].reverse();
      for (const enc of order) {
        const r = await load(url, enc);
        if (round > 1) results.get(enc)!.push(r);
        console.log(
          `  round ${round}${round === 1 ? ' (warm-up)' : ''} ${enc.padEnd(8)} ${r.rps.toFixed(0)} req/s, p50 ${percentile(r.latencies, 50).toFixed(2)} ms, p99 ${percentile(r.latencies, 99).toFixed(2)} ms`,
        );
      }
    }
    const summary = (enc: Enc) => {
      const runs = results.get(enc)!;
      const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
      return { rps: runs.reduce((s, r) => s + r.rps, 0) / runs.length, p50: percentile(all, 50), p99: percentile(all, 99) };
    };
    const base = summary('identity');
    console.log('\nThroughput (rounds after the warm-up), as a ratio of identity measured in the same run:');
    for (const enc of ENCODINGS) {
      const s = summary(enc);
      console.log(
        `  ${enc.padEnd(8)} ${s.rps.toFixed(0).padStart(5)} req/s (${(s.rps / base.rps).toFixed(2)}x identity), p50 ${s.p50.toFixed(2)} ms (${(s.p50 / base.p50).toFixed(2)}x), p99 ${s.p99.toFixed(2)} ms (${(s.p99 / base.p99).toFixed(2)}x)`,
      );
    }
  } finally {
    await gateway.close();
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  console.error('bench/compression: timed out');
  process.exit(1);
}, 600_000);
watchdog.unref();
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
