/**
 * bench/tracing: what OpenTelemetry tracing costs demo mode in GraphQL read throughput, measured in one run as
 * a ratio of tracing on to tracing off.
 *
 *   npm run bench:tracing
 *   TRACING_SECONDS=60 npm run bench:tracing
 *
 * This process starts a local OTLP/HTTP receiver on 127.0.0.1 (it counts the spans it is sent and answers
 * 200), then demo mode twice, in two child processes, exactly as `npm start` runs it (`node dist/src/main.js`,
 * PORT=0): one without any OTEL_* variable (tracing off: no provider registered), one with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at the receiver (tracing on: the BatchSpanProcessor and the OTLP exporter
 * src/main.ts starts). Both run side by side and the clients load them in turn, in short slices
 * (TRACING_SLICE_MS) ordered off/on, on/off, off/on, ...: whatever else the machine is doing falls on both
 * sides alike, which consecutive runs of whole minutes did not give on a shared 2-core machine (a neighbour's
 * test run moved one side by 40%). TRACING_CLIENTS clients send `connections` and `agents(first: 50)` back to
 * back. The reads are answered from the 2 s list cache after the first, so the vendors see about one agents
 * read per connection every 2 s: the figures are the gateway's own work (HTTP, GraphQL, resolvers and, when
 * on, the spans), which is where tracing's cost is.
 *
 * It prints one row per side (requests/s over its own slices, p50/p99 latency, the child's CPU per request over
 * the whole measured window, spans received and per request) and the on/off ratios: of the summed throughput,
 * the median (and quartiles) of the per-pair ratios, and of CPU per request. Nothing leaves the machine: the
 * gateways, their simulators, the receiver and the clients are all on 127.0.0.1, and every OTEL_* variable of
 * this process's environment is removed from the children's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { runBench, stopChildProcess } from './child';
import { percentile } from './stats';
import { cpuMs } from './proc';

const SECONDS = Number(process.env['TRACING_SECONDS'] ?? 30);
const SLICE_MS = Number(process.env['TRACING_SLICE_MS'] ?? 1000);
const WARMUP_S = Number(process.env['TRACING_WARMUP_S'] ?? 10);
const CLIENTS = Number(process.env['TRACING_CLIENTS'] ?? 20);
/** Extra `NAME=value` pairs (space-separated) for the traced child only, e.g. `OTEL_TRACES_SAMPLER=always_off`. */
const ON_ENV = Object.fromEntries(
  (process.env['TRACING_ON_ENV'] ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const WATCHDOG_S = Number(process.env['BENCH_TIMEOUT_S'] ?? 2 * (SECONDS + WARMUP_S) + 120);
if (!(SECONDS > 0) || !(SLICE_MS >= 100) || !(WARMUP_S >= 0) || !Number.isInteger(CLIENTS) || CLIENTS < 1) {
  throw new Error('expected TRACING_SECONDS > 0, TRACING_SLICE_MS >= 100, TRACING_WARMUP_S >= 0 and TRACING_CLIENTS an integer >= 1');
}

const MAIN = path.resolve(__dirname, '../src/main.js');
const QUERIES = ['{ connections { id status } }', '{ agents(first: 50) { totalCount edges { node { id name status vendor } } } }'];
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

type Mode = 'off' | 'on';

/** One demo-mode child and what was measured on it. */
interface Side {
  mode: Mode;
  child: ChildProcess;
  url: string;
  key: string;
  dispatcher: Agent;
  stderrLines: string[];
  /** Every request it answered, priming and warm-up included: what its spans came from. */
  allRequests: number;
  /** Latencies of the measured slices, ms. */
  latencies: number[];
  /** Time spent in its measured slices, ms. */
  measuredMs: number;
}

const children: ChildProcess[] = [];

/** utime + stime of `pid`, seconds. */

/** The OTLP/HTTP receiver: POST /v1/traces with a JSON ExportTraceServiceRequest; counts spans and requests. */
async function startReceiver(): Promise<{ url: string; counts: { spans: number; requests: number; bytes: number }; close(): Promise<void> }> {
  const counts = { spans: 0, requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      counts.requests++;
      counts.bytes += body.length;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
        for (const rs of parsed.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) counts.spans += ss.spans?.length ?? 0;
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Demo mode with tracing `mode`, primed (the first agents read fills the list cache). */
async function startSide(mode: Mode, otlpUrl: string): Promise<Side> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) env[k] = v;
  Object.assign(env, { PORT: '0', LOG_LEVEL: 'warn' }, mode === 'on' ? { ...ON_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl } : {});
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const stderrLines: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    for (const line of s.split('\n')) if (line.trim()) stderrLines.push(line);
  });
  let out = '';
  const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo mode did not print its URL within 30 s')), 30_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const u = /GraphQL:\s+(http:\/\/127\.0\.0\.1:\d+\/graphql)/.exec(out)?.[1];
      const k = /API key:\s+(\S+)/.exec(out)?.[1];
      if (u && k) {
        clearTimeout(timer);
        resolve({ url: u, key: k });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo mode (tracing ${mode}) exited with ${code} before it was ready: ${stderrLines.join('\n')}`));
    });
  });
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`demo mode is not on loopback: ${url}`);
  const side: Side = { mode, child, url, key, dispatcher: new Agent({ connections: CLIENTS }), stderrLines, allRequests: 0, latencies: [], measuredMs: 0 };
  for (const q of QUERIES) await post(side, q);
  return side;
}

async function post(side: Side, query: string): Promise<void> {
  const res = await request(side.url, {
    method: 'POST',
    dispatcher: side.dispatcher,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${side.key}` },
    body: JSON.stringify({ query }),
  });
  const text = await res.body.text();
  side.allRequests++;
  if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(`${query} answered ${res.statusCode}: ${text.slice(0, 300)}`);
}

/** CLIENTS clients back to back on `side` for `ms`; returns how many requests were answered. */
async function slice(side: Side, ms: number, measured: boolean): Promise<number> {
  const started = performance.now();
  const endAt = started + ms;
  let n = 0;
  let answered = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < endAt) {
        const t = performance.now();
        await post(side, QUERIES[n++ % QUERIES.length]!);
        answered++;
        if (measured) side.latencies.push(performance.now() - t);
      }
    }),
  );
  if (measured) side.measuredMs += performance.now() - started;
  return answered;
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run bench:tracing does)`);
  const receiver = await startReceiver();
  const sides: Side[] = [];
  try {
    const pairs = Math.max(1, Math.round((SECONDS * 1000) / SLICE_MS));
    process.stdout.write(
      `bench/tracing: demo mode with tracing off and on side by side, loaded in turn: ${pairs} pairs of ${SLICE_MS} ms slices ` +
        `(off/on, on/off, ...), ${SECONDS} s per side after ${WARMUP_S} s of warm-up, ${CLIENTS} clients; ` +
        `queries: connections and cached agents(first: 50); nproc ${os.availableParallelism()}, node ${process.version}; OTLP receiver ${receiver.url}` +
        `${Object.keys(ON_ENV).length ? `; traced child also has ${JSON.stringify(ON_ENV)}` : ''}\n\n`,
    );
    const off = await startSide('off', receiver.url);
    sides.push(off);
    const on = await startSide('on', receiver.url);
    sides.push(on);
    for (let warmed = 0; warmed < WARMUP_S * 1000; warmed += 2 * SLICE_MS) {
      await slice(off, SLICE_MS, false);
      await slice(on, SLICE_MS, false);
    }
    const cpu0 = { off: cpuMs(off.child.pid!), on: cpuMs(on.child.pid!) };
    const pairRatios: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? [off, on] : [on, off];
      const counts = new Map<Mode, number>();
      for (const side of order) counts.set(side.mode, await slice(side, SLICE_MS, true));
      pairRatios.push(counts.get('on')! / counts.get('off')!);
    }
    const cpu = { off: cpuMs(off.child.pid!) - cpu0.off, on: cpuMs(on.child.pid!) - cpu0.on };
    const spansBeforeStop = receiver.counts.spans;
    // SIGTERM: the traced child drains, then exports the spans it still buffers (src/main.ts).
    for (const side of sides) {
      await side.dispatcher.close();
      await stopChildProcess(side.child);
    }

    process.stdout.write('| tracing | requests | requests/s | p50 ms | p99 ms | CPU ms/request | spans received | spans/request | OTLP POSTs | drop warnings |\n');
    process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
    const figures = new Map<Mode, { rps: number; cpuMsPerRequest: number }>();
    for (const side of sides) {
      side.latencies.sort((a, b) => a - b);
      const requests = side.latencies.length;
      const rps = requests / (side.measuredMs / 1000);
      const cpuMsPerRequest = cpu[side.mode] / requests;
      figures.set(side.mode, { rps, cpuMsPerRequest });
      const spans = side.mode === 'on' ? receiver.counts.spans : 0;
      process.stdout.write(
        `| ${side.mode} | ${requests} | ${rps.toFixed(0)} | ${percentile(side.latencies, 50).toFixed(1)} | ${percentile(side.latencies, 99).toFixed(1)} | ` +
          `${cpuMsPerRequest.toFixed(3)} | ${spans} | ${(spans / side.allRequests).toFixed(2)} | ${side.mode === 'on' ? receiver.counts.requests : 0} | ` +
          `${side.stderrLines.filter((l) => l.includes('Dropped')).length} |\n`,
      );
    }
    if (on.stderrLines.some((l) => l.includes('Dropped')))
      process.stdout.write(`note: the SDK dropped spans (its queue was full): ${on.stderrLines.filter((l) => l.includes('Dropped')).join(' | ')}\n`);
    if (receiver.counts.spans === 0 && !ON_ENV['OTEL_TRACES_SAMPLER'] && !ON_ENV['OTEL_SDK_DISABLED']) throw new Error('the receiver got no span from the child with tracing on');
    const f = { off: figures.get('off')!, on: figures.get('on')! };
    pairRatios.sort((a, b) => a - b);
    const median = percentile(pairRatios, 50);
    process.stdout.write(
      `\nthroughput: off ${f.off.rps.toFixed(0)} requests/s, on ${f.on.rps.toFixed(0)} requests/s: on/off = ${(f.on.rps / f.off.rps).toFixed(3)} (${signed((f.on.rps / f.off.rps - 1) * 100)}%)\n` +
        `per pair of slices: median on/off = ${median.toFixed(3)} (${signed((median - 1) * 100)}%), quartiles ${percentile(pairRatios, 25).toFixed(3)} .. ${percentile(pairRatios, 75).toFixed(3)}, ${pairRatios.length} pairs\n` +
        `CPU per request: off ${f.off.cpuMsPerRequest.toFixed(3)} ms, on ${f.on.cpuMsPerRequest.toFixed(3)} ms: on/off = ${(f.on.cpuMsPerRequest / f.off.cpuMsPerRequest).toFixed(3)} (${signed((f.on.cpuMsPerRequest / f.off.cpuMsPerRequest - 1) * 100)}%)\n` +
        `spans: ${spansBeforeStop} received while measuring, ${receiver.counts.spans} in all after the traced child stopped\n`,
    );
  } finally {
    for (const side of sides) {
      await side.dispatcher.close().catch(() => undefined);
      await stopChildProcess(side.child);
    }
    await receiver.close();
  }
}

runBench('bench/tracing', WATCHDOG_S, children, main);
