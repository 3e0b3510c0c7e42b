/**
 * `npm run bench:cache`: what the short-TTL cache is worth for the agents query now that a cached answer
 * keeps its parsed body (issue 14, "the parsed L1"). Two gateways, each in a process of its own
 * (bench/gatewayProcess.ts), on the same simulators (in this process, rate limits off, so the vendor is never
 * the bottleneck): one with `cacheTtlMs: 0` (every query reads every vendor and parses the answers), one with
 * the default 2 s cache. Rounds alternate between them; round 1 is a warm-up. Prints requests/s and latency,
 * the cached gateway as a ratio of the uncached one measured in the same run, and the gateways' CPU time per
 * query (from their own /metrics). The issue's must-show: the ratio is at least 1.
 *
 * Two concurrencies, because coalescing changes the picture: at 1 every uncached query waits for its three
 * vendor reads; at 50, concurrent identical reads share one vendor request (src/upstream/dedupe.ts) and its
 * parsed body (`readOnce`), so the uncached gateway does little more work than the cached one.
 *
 * Env: BENCH_REQUESTS (per round, default 2000), BENCH_CONCURRENCY (comma-separated, default "1,50"),
 * BENCH_ROUNDS (default 4), BENCH_TIMEOUT_S (whole-run watchdog, default 900).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simulatorConnections, startSimulators, type Simulators } from '../sim';
import { forkReady, runBench, stopChildProcess } from './child';
import { closedLoop } from './load';
import { metric, percentile } from './stats';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 2000);
const CONCURRENCIES = (process.env['BENCH_CONCURRENCY'] ?? '1,50').split(',').map(Number);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 4);
const WATCHDOG_S = Number(process.env['BENCH_TIMEOUT_S'] ?? 900);
const KEY = 'bench-key-0000000000000001';
const QUERY = JSON.stringify({ query: '{ agents(first: 50) { totalCount edges { node { id name status vendor } } } }' });
const SETUPS = [
  { name: 'cache off', cacheTtlMs: 0 },
  { name: 'cache on', cacheTtlMs: 2_000 },
] as const;

function configFor(sims: Simulators, cacheTtlMs: number, dataDir: string) {
  // No spacing margin: at 1000 requests/s the default 50 ms margin would make the connection, not the vendor, the bound.
  const common = { rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 }, cacheTtlMs };
  return {
    server: { host: '127.0.0.1', port: 0 },
    state: { dataDir },
    logging: { level: 'warn' },
    tenants: [
      {
        id: 'bench',
        apiKeys: [KEY],
        connections: simulatorConnections(sims, '').map((c) => ({ ...c, ...common })),
      },
    ],
  };
}

/** REQUESTS agents queries at `concurrency`; an answer with errors stops the run. */
const load = (url: URL, concurrency: number) =>
  closedLoop({
    url,
    requests: REQUESTS,
    concurrency,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: QUERY,
    check: (status, body) => {
      if (status !== 200 || body.includes('"errors"')) throw new Error(`HTTP ${status}: ${body.slice(0, 300)}`);
    },
  });

/** The gateway process's CPU seconds so far, from its /metrics. */
async function cpuSeconds(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return metric(text, 'switchboard_process_cpu_seconds_total');
}

let stopping = false;
const running: Array<import('node:child_process').ChildProcess> = [];

async function main(): Promise<void> {
  const sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-cache-'));
  const gateways: Array<{ name: string; url: string; child: import('node:child_process').ChildProcess }> = [];
  try {
    for (const s of SETUPS) {
      const dir = path.join(tmp, s.name.replace(' ', '-'));
      fs.mkdirSync(dir);
      const file = path.join(dir, 'switchboard.yaml');
      fs.writeFileSync(file, JSON.stringify(configFor(sims, s.cacheTtlMs, dir))); // JSON is YAML
      const gw = await forkReady<{ url: string }>(path.join(__dirname, 'gatewayProcess.js'), [file], [], s.name, () => stopping);
      gateways.push({ name: s.name, url: gw.ready.url, child: gw.child });
      running.push(gw.child);
    }
    console.log(
      `bench/cache: agents(first: 50) over 3 vendors, ${REQUESTS} requests x ${ROUNDS} rounds (round 1 warm-up) at concurrency ${CONCURRENCIES.join(' and ')}; ${os.cpus().length} cores, Node ${process.version}`,
    );
    const figures: Record<string, unknown> = {};
    let slower = false;
    for (const concurrency of CONCURRENCIES) {
      console.log(`\nconcurrency ${concurrency}:`);
      const results = new Map<string, Array<{ rps: number; latencies: number[]; cpuMsPerQuery: number }>>(SETUPS.map((s) => [s.name, []]));
      for (let round = 1; round <= ROUNDS; round++) {
        for (const gw of round % 2 ? gateways : [...gateways].reverse()) {
          const cpu0 = await cpuSeconds(gw.url);
          const r = await load(new URL(gw.url), concurrency);
          const cpuMsPerQuery = (((await cpuSeconds(gw.url)) - cpu0) * 1000) / REQUESTS;
          if (round > 1) results.get(gw.name)!.push({ ...r, cpuMsPerQuery });
          console.log(
            `  round ${round}${round === 1 ? ' (warm-up)' : ''} ${gw.name.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s, p50 ${percentile(r.latencies, 50).toFixed(2)} ms, p99 ${percentile(r.latencies, 99).toFixed(2)} ms, gateway CPU ${cpuMsPerQuery.toFixed(3)} ms/query`,
          );
        }
      }
      const summary = (name: string) => {
        const runs = results.get(name)!;
        const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
        const mean = (f: (r: (typeof runs)[number]) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
        return { rps: mean((r) => r.rps), p50: percentile(all, 50), p99: percentile(all, 99), cpuMsPerQuery: mean((r) => r.cpuMsPerQuery) };
      };
      const off = summary('cache off');
      const on = summary('cache on');
      console.log(`  after the warm-up, cache on as a ratio of cache off (same run):`);
      for (const [name, s] of [
        ['cache off', off],
        ['cache on', on],
      ] as const) {
        console.log(
          `    ${name.padEnd(9)} ${s.rps.toFixed(0).padStart(6)} req/s (${(s.rps / off.rps).toFixed(2)}x), p50 ${s.p50.toFixed(2)} ms (${(s.p50 / off.p50).toFixed(2)}x), p99 ${s.p99.toFixed(2)} ms, CPU ${s.cpuMsPerQuery.toFixed(3)} ms/query (${(s.cpuMsPerQuery / off.cpuMsPerQuery).toFixed(2)}x)`,
        );
      }
      figures[`c${concurrency}`] = { off, on, throughputRatio: on.rps / off.rps };
      if (on.rps < off.rps) slower = true;
    }
    console.log(JSON.stringify({ bench: 'cache', cores: os.cpus().length, node: process.version, requests: REQUESTS, rounds: ROUNDS, ...figures }));
    if (slower) process.exitCode = 1;
  } finally {
    stopping = true;
    await Promise.all(gateways.map((g) => stopChildProcess(g.child)));
    await sims.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runBench('bench/cache', WATCHDOG_S, running, main);
