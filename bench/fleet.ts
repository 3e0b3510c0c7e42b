/**
 * bench/fleet (issue 14, "Must have" 4): polling clients against 1 and N gateway replicas that share one vendor
 * budget, cache and single-flight through Redis, beside one replica on the embedded store (the baseline), in one
 * run. Prints per configuration the vendor's request rate and smallest gap, client errors, p50/p99 latency, and
 * the age of the data the clients got, with ratios against the baseline.
 *
 *   npm run bench:fleet                                   (builds with tsconfig.bench.json, runs dist/bench/fleet.js)
 *   npm run bench:fleet -- --clients 50 --seconds 60 --replicas 3 --redis-url redis://127.0.0.1:6379
 *
 * Flags (environment in brackets): --clients N [FLEET_CLIENTS] polling clients, default 100; --seconds D
 * [FLEET_SECONDS] measured per configuration, default 20; --warmup-seconds W [FLEET_WARMUP_S] of polling before
 * it, default 5; --interval-ms I [FLEET_INTERVAL_MS] between one client's polls (start to start), default 1000;
 * --replicas R [FLEET_REPLICAS] of the fleet configuration, default 3; --redis-url [REDIS_URL], default
 * redis://127.0.0.1:6379; --configs [FLEET_CONFIGS], default `embedded-1,redis-1,redis-R`. BENCH_TIMEOUT_S is the
 * watchdog.
 *
 * Layout, all on 127.0.0.1: this process (the clients and the report); the three simulators in a child
 * (bench/fleetSims.ts), so the clients never delay the simulator's clock; each gateway replica a child process
 * exactly as an operator runs it (`node dist/src/main.js --config FILE`). One tenant with one Apps API connection
 * at the vendor's 1 request/s (rateLimit and cacheTtlMs at their defaults: spacingMarginMs 50, cache 2 s).
 * Client i polls `agents(first: 5)` on replica i mod R, starts spread over the first interval. Each configuration
 * gets its own key prefix in Redis (deleted afterwards) and its own data directory, and the simulator's log is
 * cleared when its measured window starts.
 *
 * Figures:
 * - vendor requests/s: the Apps API simulator's requests received in the window / the window; smallest gap:
 *   between two consecutive ones (the budget's promise: >= 1000 ms - spacingMarginMs); 429s: the simulator's
 *   own limit refusing one (never, if the budget holds).
 * - client errors: answers that were not HTTP 200 without `errors`, by code.
 * - latency: request start to the whole answer read, at the client.
 * - data age: how old the agents in an answer were when the client had it. The simulator child writes the time
 *   into every agent's `last_name` every 20 ms (bench/fleetSims.ts), so the list it serves carries when it was
 *   produced; age = the client's receive time - that stamp (so up to 20 ms more than the truth). It measures the
 *   whole path: the vendor answer's wait in the gateway's L1 and the shared cache, single-flight, and the
 *   transfer. With a 2 s cache its mean is about 1 s plus whatever the refresh waits for a vendor slot.
 * - gateway CPU ms per client request: utime + stime of every replica (from /proc) over the window / requests.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { stringify as toYaml } from 'yaml';
import { APPS_API_SIM_DEFAULTS } from '../sim/apps-api';
import { runBench, stopChildProcess } from './child';
import { percentile } from './stats';
import { cpuMs } from './proc';

// ---------------------------------------------------------------------------------------------------------------
// Settings

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string' },
    seconds: { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'interval-ms': { type: 'string' },
    replicas: { type: 'string' },
    'redis-url': { type: 'string' },
    configs: { type: 'string' },
  },
  strict: true,
});

function num(flag: string | undefined, envName: string, fallback: number, min: number, max: number, integer = false): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`expected ${envName} (or its flag) to be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return n;
}

const CLIENTS = num(flags.clients, 'FLEET_CLIENTS', 100, 1, 10_000, true);
const SECONDS = num(flags.seconds, 'FLEET_SECONDS', 20, 1, 3_600);
const WARMUP_S = num(flags['warmup-seconds'], 'FLEET_WARMUP_S', 5, 0, 600);
const INTERVAL_MS = num(flags['interval-ms'], 'FLEET_INTERVAL_MS', 1_000, 10, 60_000);
const REPLICAS = num(flags.replicas, 'FLEET_REPLICAS', 3, 2, 16, true);
const REDIS_URL = flags['redis-url'] ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CONFIG_NAMES = (flags.configs ?? process.env['FLEET_CONFIGS'] ?? `embedded-1,redis-1,redis-${REPLICAS}`)
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const WATCHDOG_S = num(undefined, 'BENCH_TIMEOUT_S', CONFIG_NAMES.length * (SECONDS + WARMUP_S + 90) + 120, 10, 86_400);
/** A client waits at most this long for one answer (the gateway's own deadline is 30 s). */
const CLIENT_TIMEOUT_MS = 60_000;

const MAIN = path.resolve(__dirname, '../src/main.js');
const SIMS = path.resolve(__dirname, 'fleetSims.js');
const API_KEY = 'bench-fleet-key-000000000001';
const QUERY = '{ agents(first: 5) { totalCount edges { node { id name status } } } }';

const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

interface Configuration {
  name: string;
  store: 'embedded' | 'redis';
  replicas: number;
}

function parseConfiguration(name: string): Configuration {
  const m = /^(embedded|redis)-(\d+)$/.exec(name);
  if (!m) throw new Error(`expected a configuration such as embedded-1 or redis-3, got '${name}'`);
  const replicas = Number(m[2]);
  if (m[1] === 'embedded' && replicas !== 1) throw new Error(`embedded-${replicas}: replicas on the embedded store share nothing; only embedded-1 is a configuration`);
  if (replicas < 1 || replicas > 16) throw new Error(`expected 1 to 16 replicas, got ${replicas} in '${name}'`);
  return { name, store: m[1] as Configuration['store'], replicas };
}
const CONFIGURATIONS = CONFIG_NAMES.map(parseConfiguration);

// ---------------------------------------------------------------------------------------------------------------
// Child processes

const children: ChildProcess[] = [];

interface SimsReady {
  type: 'ready';
  appsApi: { url: string; appsBaseUrl: string; managerBaseUrl: string };
  ameyo: string;
  campaignApi: string;
}

async function startSims(): Promise<{ child: ChildProcess; ready: SimsReady }> {
  const child = fork(SIMS, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const ready = await new Promise<SimsReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulators did not start within 30 s')), 30_000);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m as SimsReady);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulators exited with ${code} before they were ready`));
    });
  });
  return { child, ready };
}

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  dispatcher: Agent;
  stderr: string[];
}

async function startReplica(name: string, configFile: string, cwd: string): Promise<Replica> {
  const child = spawn(process.execPath, [MAIN, '--config', configFile], { cwd, env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    for (const line of s.split('\n')) if (line.trim() && stderr.length < 50) stderr.push(line);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${name} did not log "switchboard started" within 60 s`)), 60_000);
    let rest = '';
    let started = false;
    // Every GraphQL request is an info line: read them all (the pipe must drain), parse only until the start.
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (started) return;
      const lines = (rest + s).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (!line.includes('"switchboard started"')) continue;
        started = true;
        clearTimeout(timer);
        resolve(String((JSON.parse(line) as { url: string }).url));
        return;
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica ${name} exited with ${code} before it started: ${stderr.join('\n')}`));
    });
  });
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`replica ${name} is not on loopback: ${url}`);
  return { name, child, url, dispatcher: new Agent({ connections: CLIENTS, headersTimeout: CLIENT_TIMEOUT_MS, bodyTimeout: CLIENT_TIMEOUT_MS }), stderr };
}

/** utime + stime of `pid`, seconds. */

async function simJson(url: string, method: 'GET' | 'DELETE'): Promise<unknown> {
  const res = await request(url, { method });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${method} ${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Clients

interface Poll {
  startedAtMs: number;
  latencyMs: number;
  /** `ok`, or what went wrong: an error code, `HTTP <status>`, or the transport error. */
  outcome: string;
  /** ms; NaN when the answer carried no stamped agent. */
  dataAgeMs: number;
}

async function poll(replica: Replica): Promise<Poll> {
  const startedAtMs = wallMs();
  const started = performance.now();
  try {
    const res = await request(replica.url, {
      method: 'POST',
      dispatcher: replica.dispatcher,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const text = await res.body.text();
    const receivedAt = wallMs();
    const latencyMs = performance.now() - started;
    let body: { data?: { agents?: { edges?: Array<{ node?: { name?: string } }> } } | null; errors?: Array<{ extensions?: { code?: string } }> } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return { startedAtMs, latencyMs, outcome: `HTTP ${res.statusCode} (not JSON)`, dataAgeMs: Number.NaN };
    }
    const stamp = /\bt(\d+)$/.exec(body.data?.agents?.edges?.[0]?.node?.name ?? '')?.[1];
    const dataAgeMs = stamp ? receivedAt - Number(stamp) : Number.NaN;
    if (body.errors?.length) return { startedAtMs, latencyMs, outcome: body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN').join('+'), dataAgeMs };
    if (res.statusCode !== 200) return { startedAtMs, latencyMs, outcome: `HTTP ${res.statusCode}`, dataAgeMs };
    return { startedAtMs, latencyMs, outcome: 'ok', dataAgeMs };
  } catch (err) {
    return { startedAtMs, latencyMs: performance.now() - started, outcome: `transport: ${(err as Error).message}`, dataAgeMs: Number.NaN };
  }
}

/** CLIENTS clients, client i on replica i mod R, each polling every INTERVAL_MS until `stop()`. */
function startClients(replicas: Replica[]) {
  const polls: Poll[] = [];
  let stopping = false;
  const loops = Array.from({ length: CLIENTS }, async (_, i) => {
    const replica = replicas[i % replicas.length]!;
    await sleep((i * INTERVAL_MS) / CLIENTS);
    while (!stopping) {
      const started = performance.now();
      polls.push(await poll(replica));
      const wait = INTERVAL_MS - (performance.now() - started);
      if (wait > 0 && !stopping) await sleep(wait);
    }
  });
  return {
    polls,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One configuration

interface Figures {
  name: string;
  store: Configuration['store'];
  replicas: number;
  clientRequests: number;
  clientRequestsPerS: number;
  clientErrors: number;
  errorsByOutcome: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  vendorRequests: number;
  vendorRequestsPerS: number;
  smallestGapMs: number | null;
  vendor429s: number;
  dataAgeP50Ms: number;
  dataAgeP99Ms: number;
  dataAgeMaxMs: number;
  gatewayCpuMsPerRequest: number;
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function runConfiguration(conf: Configuration, sims: SimsReady): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-bench-fleet-${conf.name}-`));
  const keyPrefix = `sb-bench-fleet:${process.pid}.${Date.now().toString(36)}.${conf.name}:`;
  const replicas: Replica[] = [];
  try {
    const config = {
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1_000 },
      state: { dataDir: path.join(dir, 'data'), ...(conf.store === 'redis' ? { redis: { url: REDIS_URL, keyPrefix } } : {}) },
      tenants: [
        {
          id: 'bench',
          apiKeys: [API_KEY],
          connections: [
            {
              id: 'apps',
              vendor: 'apps-api',
              baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
              credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
            },
          ],
        },
      ],
    };
    const configFile = path.join(dir, 'config.yaml');
    fs.writeFileSync(configFile, toYaml(config));
    for (let i = 0; i < conf.replicas; i++) replicas.push(await startReplica(`${conf.name}#${i + 1}`, configFile, dir));
    // Each replica answers once before the clients start.
    for (const r of replicas) {
      const p = await poll(r);
      if (p.outcome !== 'ok') throw new Error(`replica ${r.name} answered its first query with ${p.outcome}`);
    }

    const clients = startClients(replicas);
    await sleep(WARMUP_S * 1000);
    await simJson(`${sims.appsApi.url}/__sim/requests`, 'DELETE');
    const from = wallMs();
    const cpu0 = replicas.map((r) => cpuMs(r.child.pid!));
    await sleep(SECONDS * 1000);
    const to = wallMs();
    const cpu = replicas.reduce((sum, r, i) => sum + cpuMs(r.child.pid!) - cpu0[i]!, 0);
    await clients.stop();
    const vendor = ((await simJson(`${sims.appsApi.url}/__sim/requests`, 'GET')) as Array<{ receivedAtMs: number; status: number }>).filter((r) => r.receivedAtMs >= from && r.receivedAtMs < to);
    for (const r of replicas) if (r.child.exitCode !== null || r.child.signalCode !== null) throw new Error(`replica ${r.name} exited during the run: ${r.stderr.join('\n')}`);

    const measured = clients.polls.filter((p) => p.startedAtMs >= from && p.startedAtMs < to);
    const latencies = measured.map((p) => p.latencyMs).sort((a, b) => a - b);
    const ages = measured
      .map((p) => p.dataAgeMs)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const errorsByOutcome: Record<string, number> = {};
    for (const p of measured) if (p.outcome !== 'ok') errorsByOutcome[p.outcome] = (errorsByOutcome[p.outcome] ?? 0) + 1;
    const at = vendor.map((r) => r.receivedAtMs).sort((a, b) => a - b);
    let gap = Number.POSITIVE_INFINITY;
    for (let i = 1; i < at.length; i++) gap = Math.min(gap, at[i]! - at[i - 1]!);
    const windowS = (to - from) / 1000;
    return {
      name: conf.name,
      store: conf.store,
      replicas: conf.replicas,
      clientRequests: measured.length,
      clientRequestsPerS: measured.length / windowS,
      clientErrors: measured.length - measured.filter((p) => p.outcome === 'ok').length,
      errorsByOutcome,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      vendorRequests: vendor.length,
      vendorRequestsPerS: vendor.length / windowS,
      smallestGapMs: Number.isFinite(gap) ? gap : null,
      vendor429s: vendor.filter((r) => r.status === 429).length,
      dataAgeP50Ms: percentile(ages, 50),
      dataAgeP99Ms: percentile(ages, 99),
      dataAgeMaxMs: ages.length ? ages[ages.length - 1]! : Number.NaN,
      gatewayCpuMsPerRequest: cpu / Math.max(1, measured.length),
    };
  } finally {
    for (const r of replicas) {
      await r.dispatcher.close().catch(() => undefined);
      await stopChildProcess(r.child);
    }
    if (conf.store === 'redis') await deleteKeys(keyPrefix).catch((err: Error) => process.stderr.write(`bench/fleet: could not delete ${keyPrefix}*: ${err.message}\n`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run bench:fleet does)`);
  const where = new URL(REDIS_URL);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(where.hostname)) throw new Error(`refusing Redis at ${where.hostname}: the benchmark writes and deletes keys; use a local one`);
  if (CONFIGURATIONS.some((c) => c.store === 'redis') && !(await redisAnswers())) {
    throw new Error(`no Redis answers at ${where.host} (--redis-url or REDIS_URL; \`redis-server --save "" --appendonly no\` starts one)`);
  }
  log(
    `bench/fleet: ${CLIENTS} clients polling agents(first: 5) every ${INTERVAL_MS} ms, ${SECONDS} s measured after ${WARMUP_S} s per configuration ` +
      `(${CONFIG_NAMES.join(', ')}); one Apps API connection at 1 request/s (spacingMarginMs 50, cacheTtlMs 2000); Redis ${where.host}; ` +
      `nproc ${os.availableParallelism()}, node ${process.version}, ${new Date().toISOString()}\n`,
  );
  const { ready: sims } = await startSims();
  const results: Figures[] = [];
  for (const conf of CONFIGURATIONS) {
    log(`  running ${conf.name} (${conf.replicas} replica${conf.replicas === 1 ? '' : 's'}, ${conf.store} store) ...`);
    results.push(await runConfiguration(conf, sims));
  }
  const base = results.find((r) => r.name === 'embedded-1') ?? null;
  const ratio = (a: number, b: number | undefined) => (b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? Number.NaN : a / b);

  log('');
  log(
    '| configuration | replicas | store | client req | client req/s | client errors | p50 ms | p99 ms | vendor req | vendor req/s | smallest gap ms | vendor 429s | data age p50 ms | p99 ms | max ms | gateway CPU ms/req |',
  );
  log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    log(
      `| ${r.name} | ${r.replicas} | ${r.store} | ${r.clientRequests} | ${fmt(r.clientRequestsPerS)} | ${r.clientErrors} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ` +
        `${r.vendorRequests} | ${fmt(r.vendorRequestsPerS, 3)} | ${r.smallestGapMs === null ? 'n/a' : fmt(r.smallestGapMs)} | ${r.vendor429s} | ` +
        `${fmt(r.dataAgeP50Ms, 0)} | ${fmt(r.dataAgeP99Ms, 0)} | ${fmt(r.dataAgeMaxMs, 0)} | ${fmt(r.gatewayCpuMsPerRequest, 3)} |`,
    );
  }
  for (const r of results) if (r.clientErrors > 0) log(`  ${r.name} client errors: ${JSON.stringify(r.errorsByOutcome)}`);
  const ratios: Record<string, Record<string, number>> = {};
  if (base) {
    log('\nRatios against embedded-1 (same run):');
    log('| configuration | vendor req/s | p50 | p99 | data age p50 | data age p99 | client req/s | gateway CPU/req |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      const x = {
        vendorRequestsPerS: ratio(r.vendorRequestsPerS, base.vendorRequestsPerS),
        p50: ratio(r.p50Ms, base.p50Ms),
        p99: ratio(r.p99Ms, base.p99Ms),
        dataAgeP50: ratio(r.dataAgeP50Ms, base.dataAgeP50Ms),
        dataAgeP99: ratio(r.dataAgeP99Ms, base.dataAgeP99Ms),
        clientRequestsPerS: ratio(r.clientRequestsPerS, base.clientRequestsPerS),
        gatewayCpuPerRequest: ratio(r.gatewayCpuMsPerRequest, base.gatewayCpuMsPerRequest),
      };
      ratios[r.name] = x;
      log(
        `| ${r.name} | ${fmt(x.vendorRequestsPerS, 2)} | ${fmt(x.p50, 2)} | ${fmt(x.p99, 2)} | ${fmt(x.dataAgeP50, 2)} | ${fmt(x.dataAgeP99, 2)} | ` +
          `${fmt(x.clientRequestsPerS, 2)} | ${fmt(x.gatewayCpuPerRequest, 2)} |`,
      );
    }
  }
  const budgetHeld = results.every((r) => r.vendor429s === 0 && (r.smallestGapMs === null || r.smallestGapMs >= 950));
  log(`\nbudget: ${budgetHeld ? 'held in every configuration (no vendor 429, every gap >= 950 ms)' : 'NOT held: see vendor 429s and smallest gap above'}`);
  const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null);
  log(
    JSON.stringify({
      bench: 'fleet',
      date: new Date().toISOString(),
      node: process.version,
      nproc: os.availableParallelism(),
      clients: CLIENTS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_S,
      intervalMs: INTERVAL_MS,
      configurations: results.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]))),
      ratiosToEmbedded1: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, round(vv)]))])),
      budgetHeld,
    }),
  );
  if (!budgetHeld) process.exitCode = 2;
}

runBench('bench/fleet', WATCHDOG_S, children, main);
