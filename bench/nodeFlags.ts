/**
 * bench/nodeFlags: what `node` (V8) flags cost demo mode in throughput, CPU and RSS. For each set of flags in
 * NODE_FLAG_SETS it starts demo mode (`node <flags> dist/src/main.js`, exactly what `npm start` runs, on an
 * ephemeral port), warms it, then has FLAGS_CLIENTS clients send queries back to back for FLAGS_SECONDS and
 * prints requests/s, p50/p99 latency, the process's CPU time per request and its RSS afterwards.
 *
 *   npm run bench:node-flags
 *   NODE_FLAG_SETS='|--max-semi-space-size=2|--min-semi-space-size=16 --max-semi-space-size=16' npm run bench:node-flags
 *
 * The queries cost the vendors nothing after the first: `connections`, and `agents(first: 50)` answered from the
 * 2 s list cache (one vendor read per connection every 2 s, under the 1 request/s limit). So the figures are the
 * gateway's own work: HTTP, GraphQL, resolvers, JSON. Everything is on 127.0.0.1.
 *
 * Why it exists: the soak's RSS check moves with V8's young-generation size (bench/README.md), and the flags that
 * would hold that size still are only worth shipping if they cost nothing. This measures what they cost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { stopChildProcess } from './child';
import { percentile } from './stats';
import { cpuMs, rssBytes } from './proc';

const SECONDS = Number(process.env['FLAGS_SECONDS'] ?? 15);
const CLIENTS = Number(process.env['FLAGS_CLIENTS'] ?? 20);
/** Flag sets separated by `|`; an empty set is node's defaults. Each set runs in turn, then the default again. */
const FLAG_SETS = (process.env['NODE_FLAG_SETS'] ?? '|--max-semi-space-size=1|--max-semi-space-size=4|--min-semi-space-size=16 --max-semi-space-size=16|')
  .split('|')
  .map((s) => s.trim().split(/\s+/).filter(Boolean));
const WATCHDOG_S = Number(process.env['BENCH_TIMEOUT_S'] ?? FLAG_SETS.length * (SECONDS + 30) + 60);
if (!(SECONDS > 0) || !Number.isInteger(CLIENTS) || CLIENTS < 1) throw new Error('expected FLAGS_SECONDS > 0 and FLAGS_CLIENTS an integer >= 1');

const MAIN = path.resolve(__dirname, '../src/main.js');
const QUERIES = ['{ connections { id status } }', '{ agents(first: 50) { totalCount edges { node { id name status vendor } } } }'];

let current: ChildProcess | null = null;

/** utime + stime of `pid`, seconds. */

/** Starts demo mode with `flags`; resolves with its GraphQL URL and key once it prints them. */
async function startDemo(flags: string[]): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(process.execPath, [...flags, MAIN], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  current = child;
  child.stderr.setEncoding('utf8').on('data', (s: string) => process.stderr.write(s.replace(/^(?=.)/gm, '[demo] ')));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo mode did not print its URL within 30 s')), 30_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const url = /GraphQL:\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(out)?.[1];
      const key = /API key:\s+(\S+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        resolve({ child, url, key });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo mode exited with ${code} before it was ready`));
    });
  });
}

async function measure(flags: string[]): Promise<string> {
  const { child, url, key } = await startDemo(flags);
  const dispatcher = new Agent({ connections: CLIENTS });
  try {
    const post = async (query: string) => {
      const res = await request(url, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`${query} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    };
    for (const q of QUERIES) await post(q); // the first agents query reads the vendors and fills the cache
    const cpu0 = cpuMs(child.pid!);
    const latencies: number[] = [];
    const endAt = performance.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < endAt) {
          const t = performance.now();
          await post(QUERIES[n++ % QUERIES.length]!);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const cpu = cpuMs(child.pid!) - cpu0;
    latencies.sort((a, b) => a - b);
    return `| ${flags.join(' ') || '(defaults)'} | ${(latencies.length / SECONDS).toFixed(0)} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${(cpu / latencies.length).toFixed(2)} | ${(rssBytes(child.pid!) / 1024 / 1024).toFixed(0)} |`;
  } finally {
    await dispatcher.close();
    await stopChildProcess(child);
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run bench:node-flags does)`);
  process.stdout.write(`bench/nodeFlags: ${FLAG_SETS.length} runs of ${SECONDS} s, ${CLIENTS} clients, queries: connections and cached agents(first: 50)\n\n`);
  process.stdout.write('| node flags | requests/s | p50 ms | p99 ms | CPU ms/request | RSS after, MB |\n| --- | ---: | ---: | ---: | ---: | ---: |\n');
  for (const flags of FLAG_SETS) process.stdout.write(`${await measure(flags)}\n`);
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench/nodeFlags: gave up after ${WATCHDOG_S} s (BENCH_TIMEOUT_S)\n`);
  if (current) current.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_S * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (current) current.kill('SIGKILL');
    process.exit(130);
  });
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench/nodeFlags: failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => clearTimeout(watchdog));
