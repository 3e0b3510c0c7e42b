/**
 * bench/dashboards (issue 19): what supervisor dashboards cost the vendors, and what they cost the gateway.
 *
 *   npm run bench:dashboards                 (builds with tsconfig.bench.json, runs dist/bench/dashboards.js)
 *   npm run bench:dashboards -- --quick      (a smoke run: fewer requests, 100 dashboards for 8 s)
 *
 * Layout, all on 127.0.0.1: this process (the clients, the report); every simulator in one child
 * (bench/dashboardSims.ts: their own rate limits off, one Apps API agent's `location` stamped with the simulator's
 * clock); each gateway in a child of its own (bench/gatewayProcess.ts, `--config`: demo mode's config from
 * src/demo.ts#demoConfig, NODE_ENV=production), so the CPU time and RSS read from /proc are the gateway's own.
 *
 * Part 1, the suite: each dashboard query (SUITE below) on a cold gateway (a fresh process: empty response cache, no
 * vendor token, no poller), counting the vendor requests in the simulators' own request logs between sending the
 * query and reading its answer, against the minimum the vendor APIs allow (written next to each query with the
 * reason). The subscription to presence is counted per poll interval with 1 and with many subscribers.
 * A query that costs more than its minimum fails the run (exit 2).
 *
 * Part 2, load figures, each as a ratio against a baseline measured in the same run:
 * - agents at 50 connections (closed loop, bench/load.ts): the gateway (demo config; the answer comes from the live
 *   engine's copy) against a bare node:http server answering the gateway's own bytes, and against the Apps API
 *   simulator's agent list called directly (one vendor's REST list: what a dashboard would call without a gateway);
 *   rounds alternate between the three, the first is a warm-up;
 * - an uncached read at concurrency 1: a gateway with `cacheTtlMs: 0`, `live.queryInterestMs: 0` and the
 *   connection's limiter out of the way, reading one Apps API agent list, against the same GET sent directly;
 *   the p50 overhead is gateway p50 minus direct p50;
 * - 1,000 dashboards: a fresh gateway (demo config, `live.budgetShare: 1` so the vendor sees 1 request/s), and
 *   DASHBOARDS clients that each poll the stamped agent's presence once a second (open loop: one every second on
 *   its own schedule), measured from the very first request: answered %, p50/p99, data age (receive time minus the
 *   simulator clock stamped into the answer's data: how long ago the vendor produced what the dashboard shows),
 *   vendor requests per second;
 * - the gateway's CPU time per query (/proc) over each part, and its RSS after the run.
 *
 * Output: the report on stdout, the JSON in bench/results/dashboards.json (DASH_JSON to change it), and
 * bench/RESULTS.md's dashboards section rewritten from it (bench/dashboardsResults.ts; DASH_NO_RESULTS_MD=1 skips).
 * DASH_LOG_LEVEL sets the gateways' logging.level (default: the config default, info).
 * DASH_PARTS=suite,agents,uncached,dashboards runs some parts only (for profiling; nothing is written then).
 * DASH_CPU_PROF=DIR runs the load gateways with --cpu-prof into DIR (the profile in bench/RESULTS.md came from there,
 * summarised by bench/profileTop.ts).
 * Exit code: 0 every suite query at its minimum and every goal met, 2 otherwise (figures printed), 1 the run failed.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { DEMO_API_KEY } from '../src/demo';
import { askChild, forkReady, runBench, stopChildProcess } from './child';
import type { DashboardSimRequest, DashboardSimsReady } from './dashboardSims';
import { writeDashboardsResults } from './dashboardsResults';
import { closedLoop } from './load';
import { stampOf } from './presenceStamp';
import { cpuMs, rssBytes, rssSampler } from './proc';
import { percentile } from './stats';

// ---------------------------------------------------------------------------------------------------------------
// Settings

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } }, strict: true });
const QUICK = flags.quick === true || process.env['DASH_QUICK'] === '1';

function num(envName: string, fallback: number): number {
  const raw = process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`expected ${envName} to be a number >= 0, got ${JSON.stringify(raw)}`);
  return n;
}

const LOAD_REQUESTS = num('DASH_LOAD_REQUESTS', QUICK ? 2_000 : 10_000); // per round and side, agents at 50 connections
const LOAD_ROUNDS = num('DASH_LOAD_ROUNDS', QUICK ? 2 : 4); // the first is a warm-up
const LOAD_CONCURRENCY = 50;
const UNCACHED_REQUESTS = num('DASH_UNCACHED_REQUESTS', QUICK ? 300 : 2_000); // per round and side, concurrency 1
const DASHBOARDS = num('DASH_DASHBOARDS', QUICK ? 100 : 1_000);
const DASH_SECONDS = num('DASH_SECONDS', QUICK ? 8 : 30);
const SUBSCRIBERS_MANY = num('DASH_SUBSCRIBERS', QUICK ? 50 : 200);
const SUB_WINDOW_S = num('DASH_SUB_WINDOW_S', QUICK ? 6 : 10);
const JSON_FILE = process.env['DASH_JSON'] ?? path.join(__dirname, '..', '..', 'bench', 'results', 'dashboards.json');
const CPU_PROF_DIR = process.env['DASH_CPU_PROF'] ?? '';
const WATCHDOG_S = num('BENCH_TIMEOUT_S', 1_200);
const PARTS = (process.env['DASH_PARTS'] ?? 'suite,agents,uncached,dashboards').split(',').map((p) => p.trim());

// Goals (issue 19).
const GOAL_AGENTS_VS_DIRECT = 0.6;
const GOAL_UNCACHED_OVERHEAD_P50_MS = 1;
const GOAL_ANSWERED = 1; // 100%
const GOAL_DASH_P99_MS = 50;
const GOAL_AGE_P99_MS = 1_100;
const GOAL_RSS_BYTES = 150 * 1048576;

const AUTH = { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' };
const APPS = 'apps-demo';

const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
const round3 = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null);

// ---------------------------------------------------------------------------------------------------------------
// The suite. Each minimum is what the vendor APIs allow for the query on a cold gateway (a fresh process: no
// cached answer, no token, no poller), from vendor-docs/*.txt and the routes tables (src/vendors/<key>/routes.ts).

interface SuiteQuery {
  name: string;
  query: string;
  /** Variables; `$campaign`/`$agent` are filled from the priming read. */
  variables?: (ids: Ids) => Record<string, unknown>;
  /** A second page: the variables for it from the first answer (the cost counted is both pages together). */
  nextPage?: (ids: Ids, first: unknown) => Record<string, unknown> | null;
  minimum: number;
  /** Why that is the minimum. */
  reason: string;
}

interface Ids {
  campaignId: string;
  agentId: string;
}

const SUITE: SuiteQuery[] = [
  {
    name: 'agents across vendors',
    query: '{ agents(first: 50) { totalCount edges { node { id name status rawStatus vendor statusChangedAt } } } }',
    minimum: 4,
    reason: 'one agent list per vendor (Ameyo, Apps API, campaign API: 3), each whole in one page at first: 50, plus the campaign API login (POST /api/v2/login; a cold gateway has no token): 4',
  },
  {
    name: 'calls with agent name and status',
    query: '{ calls(first: 20) { totalCount edges { node { id status direction agent { name status } } } } }',
    minimum: 2,
    reason:
      'only the Apps API has a call log: one call list page (first: 20 fits one page) + one batched agent read for the agents of the calls (GET /agents with id[] per agent: the call record has the agent id, not their name or status): 2',
  },
  {
    name: 'campaigns with lead stats',
    query: '{ campaigns(first: 20) { totalCount edges { node { id name leadStats { total } } } } }',
    minimum: 3,
    reason:
      'Apps API: one campaign list page; campaign API: one leads-status report that covers every campaign, plus the login a cold gateway needs; Ameyo: none (its documented APIs list no campaigns: the catalog is the connection config, src/vendors/ameyo/capabilities/campaigns.ts): 3',
  },
  {
    name: 'queues with agents',
    query: '{ queues { id name agents { id name status } } }',
    minimum: 3,
    reason:
      'Apps API: one queue status read; campaign API: one queue status read plus the login a cold gateway needs (each read carries the agents of its queues, so no agent read is needed); Ameyo: no queue capability: 3',
  },
  {
    name: "one campaign's leads, two pages",
    query: 'query ($id: ID!, $after: String) { campaign(id: $id) { name leads(first: 10, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } } }',
    variables: (ids) => ({ id: ids.campaignId }),
    nextPage: (ids, first) => {
      const info = (first as { data?: { campaign?: { leads?: { pageInfo?: { hasNextPage?: boolean; endCursor?: string } } } } }).data?.campaign?.leads?.pageInfo;
      return info?.hasNextPage && info.endCursor ? { id: ids.campaignId, after: info.endCursor } : null;
    },
    minimum: 3,
    reason: 'one campaign read for its name (the cached campaign list serves the second page) + one contacts page per page (page/per): 3',
  },
  {
    name: 'one agent with presence',
    query: 'query ($id: ID!) { agent(id: $id) { id name status rawStatus statusChangedAt } }',
    variables: (ids) => ({ id: ids.agentId }),
    minimum: 1,
    reason: 'one agent read (Apps API: GET /agents with id[]; presence is in the agent record): 1',
  },
];

const PRESENCE_SUBSCRIPTION = 'subscription { agentPresenceChanged { agent { id status } at } }';

// ---------------------------------------------------------------------------------------------------------------
// Child processes

const children: ChildProcess[] = [];
let stopping = false;

class Sims {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: DashboardSimsReady,
  ) {}

  static async start(): Promise<Sims> {
    const { child, ready } = await forkReady<DashboardSimsReady>(path.join(__dirname, 'dashboardSims.js'), [], [], 'sims', () => stopping);
    children.push(child);
    return new Sims(child, ready);
  }

  private ask<T>(msg: object, answer: string): Promise<T> {
    return askChild<T>(this.child, msg, answer, 'the simulators');
  }

  clear = () => this.ask({ type: 'clear' }, 'cleared');
  requests = async () => (await this.ask<{ requests: DashboardSimRequest[] }>({ type: 'log' }, 'log')).requests;
  bare = async (body: string) => (await this.ask<{ url: string }>({ type: 'bare', body }, 'bare')).url;
}

interface Gateway {
  name: string;
  child: ChildProcess;
  url: string;
  dir: string;
  stopping: boolean;
}

/** A gateway on demo mode's config, with `patch` applied to it and `connectionPatch` to every connection. */
async function startGateway(sims: Sims, name: string, patch: Record<string, unknown> = {}, connectionPatch: Record<string, unknown> = {}, profile = false): Promise<Gateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-bench-dash-${name.replace(/\W+/g, '-')}-`));
  const base = sims.ready.config as { server: Record<string, unknown>; tenants: Array<{ connections: Array<Record<string, unknown>> } & Record<string, unknown>> };
  const config = {
    ...base,
    server: { ...base.server, port: 0, ide: false, shutdownGraceMs: 1_000, subscriptions: { maxConnectionsPerTenant: 5_000, maxSubscriptionsPerTenant: 5_000 } },
    state: { dataDir: path.join(dir, 'data') },
    // Logging at the default (info: one line per request), as the gateway ships, unless DASH_LOG_LEVEL says; the lines go to a pipe this process drains.
    ...(process.env['DASH_LOG_LEVEL'] ? { logging: { level: process.env['DASH_LOG_LEVEL'] } } : {}),
    ...patch,
    tenants: base.tenants.map((t) => ({ ...t, connections: t.connections.map((c) => ({ ...c, ...connectionPatch })) })),
  };
  const file = path.join(dir, 'switchboard.yaml');
  fs.writeFileSync(file, JSON.stringify(config)); // JSON is YAML
  const execArgv = profile && CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR, '--cpu-prof-name', `${name.replace(/\W+/g, '-')}.cpuprofile`] : [];
  const gw = { name, dir, stopping: false } as Gateway;
  const { child, ready } = await forkReady<{ url: string }>(path.join(__dirname, 'gatewayProcess.js'), [file], execArgv, `gateway ${name}`, () => stopping || gw.stopping);
  children.push(child);
  gw.child = child;
  gw.url = ready.url;
  if (!ready.url.startsWith('http://127.0.0.1:')) throw new Error(`the gateway is not on loopback: ${ready.url}`);
  return gw;
}

async function stopGateway(gw: Gateway): Promise<void> {
  gw.stopping = true;
  await stopChildProcess(gw.child, 10_000); // a profiled gateway writes its profile on the way out
  fs.rmSync(gw.dir, { recursive: true, force: true });
}

/** One GraphQL POST; the parsed body. Throws on a transport error, a non-200 or `errors`. */
async function gql(gw: Gateway, query: string, variables?: Record<string, unknown>): Promise<{ text: string; body: { data?: unknown; errors?: unknown[] } }> {
  const res = await request(gw.url, { method: 'POST', headers: AUTH, body: JSON.stringify({ query, variables }) });
  const text = await res.body.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
  if (res.statusCode !== 200 || body.errors?.length) throw new Error(`gateway ${gw.name}: HTTP ${res.statusCode} ${text.slice(0, 400)}`);
  return { text, body };
}

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

const describe = (rs: DashboardSimRequest[]) => rs.map((r) => `${r.vendor} ${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''} ${r.status}`);

// ---------------------------------------------------------------------------------------------------------------
// Part 1: the suite

async function primeIds(sims: Sims): Promise<Ids> {
  const gw = await startGateway(sims, 'prime');
  try {
    const agents = (await gql(gw, `{ agents(first: 5, filter: { connectionIds: ["${APPS}"] }) { edges { node { id } } } }`)).body as {
      data: { agents: { edges: Array<{ node: { id: string } }> } };
    };
    const campaigns = (await gql(gw, '{ campaigns(first: 50) { edges { node { id leads(first: 1) { edges { node { id } } } } } } }')).body as {
      data: { campaigns: { edges: Array<{ node: { id: string; leads: { edges: unknown[] } | null } }> } };
    };
    const agentId = agents.data.agents.edges[0]?.node.id;
    // A campaign with more than one page of leads (first: 10); the first with any leads otherwise.
    const withLeads = campaigns.data.campaigns.edges.filter((e) => (e.node.leads?.edges.length ?? 0) > 0).map((e) => e.node.id);
    let campaignId: string | undefined;
    for (const id of withLeads) {
      const page = (await gql(gw, 'query ($id: ID!) { campaign(id: $id) { leads(first: 10) { pageInfo { hasNextPage } } } }', { id })).body as {
        data: { campaign: { leads: { pageInfo: { hasNextPage: boolean } } } };
      };
      campaignId ??= id;
      if (page.data.campaign.leads.pageInfo.hasNextPage) {
        campaignId = id;
        break;
      }
    }
    if (!agentId || !campaignId) throw new Error('the priming read found no Apps API agent or no campaign with leads');
    return { agentId, campaignId };
  } finally {
    await stopGateway(gw);
  }
}

interface SuiteResult {
  name: string;
  cost: number;
  minimum: number;
  reason: string;
  cold: string;
  atMinimum: boolean;
  requests: string[];
}

const COLD_QUERY = 'a fresh gateway process (no cached answer, no vendor token, no poller); requests counted from sending the query to reading its answer';

async function runSuiteQuery(sims: Sims, q: SuiteQuery, ids: Ids): Promise<SuiteResult> {
  const gw = await startGateway(sims, `suite ${q.name}`);
  try {
    await sims.clear();
    const from = wallMs();
    const first = await gql(gw, q.query, q.variables?.(ids));
    const next = q.nextPage?.(ids, first.body);
    if (q.nextPage && !next) throw new Error(`${q.name}: the first page has no next page`);
    if (next) await gql(gw, q.query, next);
    const to = wallMs();
    const counted = (await sims.requests()).filter((r) => r.receivedAtMs >= from && r.receivedAtMs <= to).sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    return { name: q.name, cost: counted.length, minimum: q.minimum, reason: q.reason, cold: COLD_QUERY, atMinimum: counted.length <= q.minimum, requests: describe(counted) };
  } finally {
    await stopGateway(gw);
  }
}

function openSubscriber(wsUrl: string): Promise<Client> {
  return new Promise<Client>((resolve, reject) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${DEMO_API_KEY}` },
      onNonLazyError: (err) => reject(err instanceof Error ? err : new Error(`subscriber could not connect: ${JSON.stringify(err)}`)),
      on: { connected: () => resolve(client) },
    });
    client.subscribe({ query: PRESENCE_SUBSCRIPTION }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  });
}

async function metricSum(gw: Gateway, name: string): Promise<number> {
  const res = await request(gw.url.replace(/\/graphql$/, '/metrics'));
  const text = await res.body.text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm'))) sum += Number(m[2]);
  return sum;
}

/**
 * The presence subscription with `n` subscribers on a fresh gateway: the vendor requests per poll interval once every
 * poller has its baseline, over SUB_WINDOW_S. The interval is the engine's for one resource per connection at the demo
 * connections' 1 request/s and the default `live.budgetShare` (0.5): 2 s, plus the limiter's spacing margin.
 */
async function runSubscription(sims: Sims, n: number) {
  const gw = await startGateway(sims, `suite subscription x${n}`);
  const clients: Client[] = [];
  try {
    const wsUrl = gw.url.replace(/^http/, 'ws');
    for (let i = 0; i < n; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => openSubscriber(wsUrl)))));
    await waitFor(`${n} subscriptions`, async () => (await metricSum(gw, 'switchboard_live_subscriptions_open')) >= n, 30_000);
    await waitFor('every poller past its baseline', async () => (await metricSum(gw, 'switchboard_live_refreshes_total')) >= 6, 30_000);
    await sims.clear();
    const from = wallMs();
    await sleep(SUB_WINDOW_S * 1000);
    const to = wallMs();
    const counted = (await sims.requests()).filter((r) => r.receivedAtMs >= from && r.receivedAtMs <= to);
    const pollers = await metricSum(gw, 'switchboard_live_pollers');
    return { subscribers: n, requests: counted.length, seconds: (to - from) / 1000, pollers, byVendor: countBy(counted.map((r) => `${r.vendor} ${r.method} ${r.path}`)) };
  } finally {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose())));
    await stopGateway(gw);
  }
}

/** TcpExtListenOverflows from /proc/net/netstat: connections the kernel dropped because an accept queue was full (the whole machine); NaN where unreadable. */
function listenOverflows(): number {
  try {
    const lines = fs.readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const header = lines.find((l) => l.startsWith('TcpExt:') && l.includes('ListenOverflows'))!.split(' ');
    const values = lines.filter((l) => l.startsWith('TcpExt:'))[1]!.split(' ');
    return Number(values[header.indexOf('ListenOverflows')]);
  } catch {
    return Number.NaN;
  }
}

/** Heap used, heap total, external and array buffers (bytes) from the gateway's /metrics. */
async function memoryOf(gw: Gateway): Promise<Record<string, number>> {
  const names = ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes', 'process_resident_memory_bytes'];
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await metricSum(gw, `switchboard_${n}`)] as const)));
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

async function partSuite(sims: Sims) {
  log('\npart 1: the dashboard suite, vendor requests per query on a cold gateway against the minimum the vendor APIs allow');
  const ids = await primeIds(sims);
  const results: SuiteResult[] = [];
  for (const q of SUITE) {
    const r = await runSuiteQuery(sims, q, ids);
    results.push(r);
    log(`  ${r.atMinimum ? 'AT MINIMUM' : 'OVER      '} ${r.name}: ${r.cost} (minimum ${r.minimum}: ${r.reason})`);
    for (const line of r.requests) log(`      ${line}`);
  }
  // Presence: one poller per connection, whatever the number of subscribers. The interval at 1 request/s and
  // budgetShare 0.5 is 2 s + the 50 ms margin per request; in the window each connection polls at most
  // ceil(window / interval) + 1 times (a poll at each edge).
  const intervalMs = 2_000 + 2 * 50;
  const connections = 3;
  const minimum = connections * (Math.ceil((SUB_WINDOW_S * 1000) / intervalMs) + 1);
  const one = await runSubscription(sims, 1);
  const many = await runSubscription(sims, SUBSCRIBERS_MANY);
  const reason = `one agent list per connection per poll interval (3 connections; ${intervalMs} ms at 1 request/s and live.budgetShare 0.5), whatever the number of subscribers: at most 3 x (ceil(${SUB_WINDOW_S * 1000} / ${intervalMs}) + 1) = ${minimum} in ${SUB_WINDOW_S} s`;
  for (const s of [one, many]) {
    const r: SuiteResult = {
      name: `presence subscription, ${s.subscribers} subscriber${s.subscribers === 1 ? '' : 's'}`,
      cost: s.requests,
      minimum,
      reason,
      cold: `a fresh gateway; requests counted over ${SUB_WINDOW_S} s once every poller had its baseline read`,
      atMinimum: s.requests <= minimum && s.requests <= one.requests + connections,
      requests: Object.entries(s.byVendor).map(([k, v]) => `${v} x ${k}`),
    };
    results.push(r);
    log(`  ${r.atMinimum ? 'AT MINIMUM' : 'OVER      '} ${r.name}: ${r.cost} in ${fmt(s.seconds, 1)} s, pollers ${s.pollers} (minimum ${r.minimum}: ${r.reason})`);
    for (const line of r.requests) log(`      ${line}`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: load

interface Side {
  name: string;
  rps: number[];
  latencies: number[];
  cpuMs: number;
  requests: number;
}

/** Rounds of closedLoop alternating between `sides`; the first round is a warm-up. CPU is the gateway's (pid) over its measured rounds. */
async function alternate(
  sides: Array<{ name: string; url: URL; method: 'GET' | 'POST'; headers: Record<string, string>; body: string; pid?: number; check?: (status: number, body: string) => void }>,
  requests: number,
  concurrency: number,
  rounds: number,
): Promise<Side[]> {
  const out: Side[] = sides.map((s) => ({ name: s.name, rps: [], latencies: [], cpuMs: 0, requests: 0 }));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => sides.length - 1 - i);
    for (const i of order) {
      const s = sides[i]!;
      const cpu0 = s.pid ? cpuMs(s.pid) : 0;
      const r = await closedLoop({ url: s.url, requests, concurrency, headers: s.headers, body: s.body, method: s.method, check: s.check });
      if (round === 0) continue;
      out[i]!.rps.push(r.rps);
      out[i]!.latencies.push(...r.latencies);
      out[i]!.requests += requests;
      if (s.pid) out[i]!.cpuMs += cpuMs(s.pid) - cpu0;
    }
  }
  for (const o of out) o.latencies.sort((a, b) => a - b);
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sideFigures = (s: Side) => ({
  rps: mean(s.rps),
  p50Ms: percentile(s.latencies, 50),
  p99Ms: percentile(s.latencies, 99),
  cpuMsPerQuery: s.cpuMs ? s.cpuMs / s.requests : Number.NaN,
});

const checkGraphql = (status: number, body: string) => {
  if (status !== 200 || body.includes('"errors"')) throw new Error(`HTTP ${status} ${body.slice(0, 300)}`);
};

const AGENTS_50 = '{ agents(first: 50) { totalCount edges { node { id name status rawStatus vendor statusChangedAt } } } }';

async function partAgents(sims: Sims) {
  log(`\npart 2a: agents(first: 50) across vendors at ${LOAD_CONCURRENCY} connections, ${LOAD_ROUNDS} rounds of ${LOAD_REQUESTS} per side (round 1 a warm-up)`);
  const gw = await startGateway(sims, 'agents', {}, {}, true);
  try {
    const body = JSON.stringify({ query: AGENTS_50 });
    const answer = (await gql(gw, AGENTS_50)).text;
    await sleep(1_500); // the live engine's pollers have their copies: every answer below comes from them
    const bareUrl = await sims.bare(answer);
    const direct = new URL(sims.ready.appsAgentsUrl);
    const vendorQuery = (await sims.requests()).find((r) => r.vendor === 'apps-api' && r.path.endsWith('/agents'))?.rawQuery ?? '';
    direct.search = vendorQuery;
    const sides = await alternate(
      [
        { name: 'gateway', url: new URL(gw.url), method: 'POST', headers: AUTH, body, pid: gw.child.pid!, check: checkGraphql },
        { name: 'bare node:http, same bytes', url: new URL(bareUrl), method: 'POST', headers: AUTH, body },
        { name: `simulator REST directly (GET ${direct.pathname}${direct.search})`, url: direct, method: 'GET', headers: { authorization: sims.ready.appsAuthorization }, body: '' },
      ],
      LOAD_REQUESTS,
      LOAD_CONCURRENCY,
      LOAD_ROUNDS,
    );
    const rss = rssBytes(gw.child.pid!);
    const [g, bare, rest] = sides.map(sideFigures) as [ReturnType<typeof sideFigures>, ReturnType<typeof sideFigures>, ReturnType<typeof sideFigures>];
    log('| side | req/s | p50 ms | p99 ms | gateway CPU ms/query |');
    log('| --- | ---: | ---: | ---: | ---: |');
    sides.forEach((s, i) => {
      const f = [g, bare, rest][i]!;
      log(`| ${s.name} | ${fmt(f.rps, 0)} | ${fmt(f.p50Ms, 2)} | ${fmt(f.p99Ms, 2)} | ${fmt(f.cpuMsPerQuery, 3)} |`);
    });
    const ratios = {
      vsBareRps: ratio(g.rps, bare.rps),
      vsDirectRps: ratio(g.rps, rest.rps),
      vsBareP50: ratio(g.p50Ms, bare.p50Ms),
      vsDirectP50: ratio(g.p50Ms, rest.p50Ms),
      vsDirectP99: ratio(g.p99Ms, rest.p99Ms),
    };
    log(
      `  gateway / bare: throughput ${fmt(ratios.vsBareRps, 2)}x, p50 ${fmt(ratios.vsBareP50, 2)}x; gateway / direct REST: throughput ${fmt(ratios.vsDirectRps, 2)}x, p50 ${fmt(ratios.vsDirectP50, 2)}x, p99 ${fmt(ratios.vsDirectP99, 2)}x; ` +
        `answer ${answer.length} bytes; gateway RSS after ${mb(rss)}`,
    );
    return { gateway: g, bare: bare, direct: { ...rest, path: `${direct.pathname}${direct.search}` }, ratios, answerBytes: answer.length, gatewayRssAfterBytes: rss };
  } finally {
    await stopGateway(gw);
  }
}

async function partUncached(sims: Sims) {
  log(`\npart 2b: one uncached read (agents of the Apps API connection) at concurrency 1, ${LOAD_ROUNDS} rounds of ${UNCACHED_REQUESTS} per side`);
  const gw = await startGateway(sims, 'uncached', { live: { queryInterestMs: 0 } }, { cacheTtlMs: 0, rateLimit: { requestsPerSecond: 1_000, spacingMarginMs: 0 } }, true);
  try {
    const query = `{ agents(first: 50, filter: { connectionIds: ["${APPS}"] }) { edges { node { id name status rawStatus statusChangedAt } } } }`;
    await sims.clear();
    await gql(gw, query);
    const sent = (await sims.requests()).filter((r) => r.vendor === 'apps-api');
    if (sent.length !== 1) throw new Error(`the uncached read cost ${sent.length} Apps API requests, expected 1: ${describe(sent).join(', ')}`);
    const direct = new URL(sims.ready.appsAgentsUrl);
    direct.search = sent[0]!.rawQuery;
    const sides = await alternate(
      [
        { name: 'gateway, uncached', url: new URL(gw.url), method: 'POST', headers: AUTH, body: JSON.stringify({ query }), pid: gw.child.pid!, check: checkGraphql },
        { name: `simulator directly (GET ${direct.pathname}${direct.search})`, url: direct, method: 'GET', headers: { authorization: sims.ready.appsAuthorization }, body: '' },
      ],
      UNCACHED_REQUESTS,
      1,
      LOAD_ROUNDS,
    );
    const [g, d] = sides.map(sideFigures) as [ReturnType<typeof sideFigures>, ReturnType<typeof sideFigures>];
    log('| side | req/s | p50 ms | p99 ms | gateway CPU ms/query |');
    log('| --- | ---: | ---: | ---: | ---: |');
    sides.forEach((s, i) => {
      const f = [g, d][i]!;
      log(`| ${s.name} | ${fmt(f.rps, 0)} | ${fmt(f.p50Ms, 3)} | ${fmt(f.p99Ms, 3)} | ${fmt(f.cpuMsPerQuery, 3)} |`);
    });
    const overheadP50Ms = g.p50Ms - d.p50Ms;
    log(`  overhead: p50 +${fmt(overheadP50Ms, 3)} ms (${fmt(ratio(g.p50Ms, d.p50Ms), 2)}x), p99 +${fmt(g.p99Ms - d.p99Ms, 3)} ms, throughput ${fmt(ratio(g.rps, d.rps), 2)}x`);
    return { gateway: g, direct: d, overheadP50Ms, overheadP99Ms: g.p99Ms - d.p99Ms, ratioP50: ratio(g.p50Ms, d.p50Ms), ratioRps: ratio(g.rps, d.rps) };
  } finally {
    await stopGateway(gw);
  }
}

interface DashPoll {
  sentAtMs: number;
  latencyMs: number;
  ok: boolean;
  outcome: string;
  ageMs: number;
}

async function partDashboards(sims: Sims) {
  log(`\npart 2c: ${DASHBOARDS} dashboards each polling one agent's presence once a second for ${DASH_SECONDS} s, from a fresh gateway's first second (live.budgetShare 1)`);
  const gw = await startGateway(sims, 'dashboards', { live: { budgetShare: 1 } }, {}, true);
  const dispatcher = new Agent({ connections: DASHBOARDS, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 30_000 });
  const pid = gw.child.pid!;
  const query = `query ($s: String) { agents(first: 5, filter: { connectionIds: ["${APPS}"], search: $s }) { edges { node { id status rawStatus statusChangedAt raw } } } }`;
  const body = JSON.stringify({ query, variables: { s: sims.ready.stamped.email } });
  const polls: DashPoll[] = [];
  let skipped = 0;
  const one = async () => {
    const sentAtMs = wallMs();
    const t0 = performance.now();
    try {
      const res = await request(gw.url, { method: 'POST', dispatcher, headers: AUTH, body });
      const text = await res.body.text();
      const receivedAt = wallMs();
      const parsed = JSON.parse(text) as { data?: { agents?: { edges?: Array<{ node?: { raw?: { location?: string } } }> } }; errors?: Array<{ extensions?: { code?: string } }> };
      const node = parsed.data?.agents?.edges?.[0]?.node;
      const outcome = parsed.errors?.length ? parsed.errors.map((e) => e.extensions?.code ?? 'UNKNOWN').join('+') : res.statusCode !== 200 ? `HTTP ${res.statusCode}` : node ? 'ok' : 'agent missing';
      polls.push({ sentAtMs, latencyMs: performance.now() - t0, ok: outcome === 'ok', outcome, ageMs: receivedAt - stampOf(node?.raw?.location) });
    } catch (err) {
      polls.push({ sentAtMs, latencyMs: performance.now() - t0, ok: false, outcome: `transport: ${(err as Error).message}`, ageMs: Number.NaN });
    }
  };
  try {
    await sims.clear();
    const overflows0 = listenOverflows();
    const clientLoop = monitorEventLoopDelay({ resolution: 10 });
    clientLoop.enable();
    const cpu0 = cpuMs(pid);
    const sampler = rssSampler(pid);
    const start = wallMs() + 50;
    const end = start + DASH_SECONDS * 1000;
    // Each dashboard on its own schedule, offset i/N of a second: one poll a second, skipped (and counted) while its last is unanswered.
    const loops = Array.from({ length: DASHBOARDS }, async (_, i) => {
      let at = start + (i * 1000) / DASHBOARDS;
      let inFlight: Promise<void> | null = null;
      while (at < end) {
        const wait = at - wallMs();
        if (wait > 0) await sleep(wait);
        if (inFlight) skipped++;
        else inFlight = one().finally(() => (inFlight = null));
        at += 1000;
      }
      await inFlight;
    });
    await Promise.all(loops);
    const windowS = (wallMs() - start) / 1000;
    const cpu = cpuMs(pid) - cpu0;
    const rss = sampler.stop();
    const vendor = (await sims.requests()).filter((r) => r.receivedAtMs >= start);
    const vendorAt = vendor.map((r) => r.receivedAtMs).sort((a, b) => a - b);
    let gap = Number.POSITIVE_INFINITY;
    for (let i = 1; i < vendorAt.length; i++) gap = Math.min(gap, vendorAt[i]! - vendorAt[i - 1]!);
    const ok = polls.filter((p) => p.ok);
    const lat = sorted(polls.map((p) => p.latencyMs));
    const ages = sorted(ok.map((p) => p.ageMs).filter(Number.isFinite));
    const expected = polls.length + skipped;
    // p99 by the second the poll was sent in: where the slow answers are (the cold start, or all along).
    const p99BySecond = Array.from({ length: Math.ceil(DASH_SECONDS) }, (_, sec) =>
      percentile(sorted(polls.filter((p) => p.sentAtMs >= start + sec * 1000 && p.sentAtMs < start + (sec + 1) * 1000).map((p) => p.latencyMs)), 99),
    );
    // What the RSS holds, from the gateway's own /metrics (prom-client's default process metrics).
    // The event-loop figures first: prom-client resets its histogram at each scrape, so this one covers the whole run.
    const gatewayLoopMaxMs = 1000 * (await metricSum(gw, 'switchboard_nodejs_eventloop_lag_max_seconds'));
    const gatewayLoopP99Ms = 1000 * (await metricSum(gw, 'switchboard_nodejs_eventloop_lag_p99_seconds'));
    const memory = await memoryOf(gw);
    const overflows = listenOverflows() - overflows0;
    clientLoop.disable();
    const figures = {
      dashboards: DASHBOARDS,
      seconds: DASH_SECONDS,
      polls: expected,
      answered: ok.length,
      answeredShare: ok.length / Math.max(1, expected),
      skippedWhileInFlight: skipped,
      errors: countBy(polls.filter((p) => !p.ok).map((p) => p.outcome)),
      latencyP50Ms: percentile(lat, 50),
      latencyP99Ms: percentile(lat, 99),
      latencyMaxMs: lat.length ? lat[lat.length - 1]! : Number.NaN,
      firstSecondP99Ms: p99BySecond[0] ?? Number.NaN,
      afterFirst5sP99Ms: percentile(sorted(polls.filter((p) => p.sentAtMs >= start + 5000).map((p) => p.latencyMs)), 99),
      latencyP99BySecondMs: p99BySecond,
      dataAgeP50Ms: percentile(ages, 50),
      dataAgeP99Ms: percentile(ages, 99),
      dataAgeMaxMs: ages.length ? ages[ages.length - 1]! : Number.NaN,
      vendorRequests: vendor.length,
      vendorRequestsPerS: vendor.length / windowS,
      vendorSmallestGapMs: Number.isFinite(gap) ? gap : Number.NaN,
      vendorByPath: countBy(vendor.map((r) => `${r.vendor} ${r.method} ${r.path}`)),
      gatewayCpuMsPerQuery: cpu / Math.max(1, polls.length),
      gatewayCpuMsPerS: cpu / windowS,
      gatewayRssPeakBytes: rss.peak,
      gatewayRssAfterBytes: rss.last,
      gatewayMemoryAfter: memory,
      listenOverflowsMachineWide: overflows,
      gatewayEventLoopDelayMaxMs: gatewayLoopMaxMs,
      gatewayEventLoopDelayP99Ms: gatewayLoopP99Ms,
      clientEventLoopDelayMaxMs: clientLoop.max / 1e6,
      clientEventLoopDelayP99Ms: clientLoop.percentile(99) / 1e6,
    };
    log(
      `  polls ${expected}: answered ${ok.length} (${fmt(100 * figures.answeredShare, 2)}%), skipped while the last was unanswered ${skipped}, errors ${JSON.stringify(figures.errors)}\n` +
        `  latency from the first second: p50 ${fmt(figures.latencyP50Ms, 2)} ms, p99 ${fmt(figures.latencyP99Ms, 2)} ms, max ${fmt(figures.latencyMaxMs, 0)} ms (first second alone: p99 ${fmt(figures.firstSecondP99Ms, 1)} ms)\n` +
        `  data age: p50 ${fmt(figures.dataAgeP50Ms, 0)} ms, p99 ${fmt(figures.dataAgeP99Ms, 0)} ms, max ${fmt(figures.dataAgeMaxMs, 0)} ms\n` +
        `  vendor: ${vendor.length} requests = ${fmt(figures.vendorRequestsPerS, 3)}/s, smallest gap ${fmt(figures.vendorSmallestGapMs, 0)} ms ${JSON.stringify(figures.vendorByPath)}\n` +
        `  p99 by second sent: ${p99BySecond.map((v) => fmt(v, 0)).join(' ')} ms; from the 6th second on: p99 ${fmt(figures.afterFirst5sP99Ms, 1)} ms\n` +
        `  event-loop delay: gateway p99 ${fmt(gatewayLoopP99Ms, 0)} ms, max ${fmt(gatewayLoopMaxMs, 0)} ms (over the run); this process (the ${DASHBOARDS} clients) p99 ${fmt(clientLoop.percentile(99) / 1e6, 0)} ms, max ${fmt(clientLoop.max / 1e6, 0)} ms\n` +
        `  accept queue overflows during the run (TcpExtListenOverflows, the whole machine): ${overflows}\n` +
        `  gateway memory after the run: ${Object.entries(memory)
          .map(([k, v]) => `${k} ${mb(v)}`)
          .join(', ')}\n` +
        `  gateway: CPU ${fmt(figures.gatewayCpuMsPerQuery, 3)} ms/query (${fmt(figures.gatewayCpuMsPerS / 10, 1)}% of a core), RSS peak ${mb(rss.peak)}, after the run ${mb(rss.last)}`,
    );
    return figures;
  } finally {
    await dispatcher.close().catch(() => undefined);
    await stopGateway(gw);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main

function roundAll(o: unknown): unknown {
  if (typeof o === 'number') return round3(o);
  if (Array.isArray(o)) return o.map(roundAll);
  if (o && typeof o === 'object') return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, roundAll(v)]));
  return o;
}

async function main(): Promise<void> {
  const gatewayJs = path.join(__dirname, 'gatewayProcess.js');
  if (!fs.existsSync(gatewayJs)) throw new Error(`${gatewayJs} is missing: build first (npm run bench:dashboards does)`);
  // The gateway as it runs in production: graphql's development-mode instanceof checks off.
  process.env['NODE_ENV'] = process.env['DASH_NODE_ENV'] ?? 'production';
  if (CPU_PROF_DIR) fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
  const started = new Date();
  const loadAvg = os.loadavg();
  log(
    `bench/dashboards${QUICK ? ' (quick)' : ''}: demo mode's config, simulators and each gateway in child processes; NODE_ENV=${process.env['NODE_ENV']}; ` +
      `nproc ${os.availableParallelism()}, node ${process.version}, load average ${loadAvg.map((l) => l.toFixed(2)).join(' ')}, ${started.toISOString()}`,
  );
  const sims = await Sims.start();
  const suite = PARTS.includes('suite') ? await partSuite(sims) : [];
  const agents = PARTS.includes('agents') ? await partAgents(sims) : null;
  const uncached = PARTS.includes('uncached') ? await partUncached(sims) : null;
  const dashboards = PARTS.includes('dashboards') ? await partDashboards(sims) : null;
  if (!agents || !uncached || !dashboards) {
    // A partial run (DASH_PARTS, for profiling): figures printed above, nothing written.
    stopping = true;
    return;
  }
  const goals = {
    suiteAtMinimum: suite.every((s) => s.atMinimum),
    agentsVsDirect: agents.ratios.vsDirectRps >= GOAL_AGENTS_VS_DIRECT,
    uncachedOverheadP50: uncached.overheadP50Ms <= GOAL_UNCACHED_OVERHEAD_P50_MS,
    dashboardsAnswered: dashboards.answeredShare >= GOAL_ANSWERED,
    dashboardsP99: dashboards.latencyP99Ms < GOAL_DASH_P99_MS,
    dataAgeP99: dashboards.dataAgeP99Ms <= GOAL_AGE_P99_MS,
    rssAfter: dashboards.gatewayRssAfterBytes < GOAL_RSS_BYTES,
  };
  const mark = (b: boolean) => (b ? 'MET' : 'MISSED');
  log(
    `\ngoals: every suite query at its minimum ${mark(goals.suiteAtMinimum)}; agents >= ${GOAL_AGENTS_VS_DIRECT} of direct REST throughput ${mark(goals.agentsVsDirect)} (${fmt(agents.ratios.vsDirectRps, 2)}); ` +
      `uncached p50 overhead <= ${GOAL_UNCACHED_OVERHEAD_P50_MS} ms ${mark(goals.uncachedOverheadP50)} (${fmt(uncached.overheadP50Ms, 3)}); ` +
      `dashboards 100% answered ${mark(goals.dashboardsAnswered)} (${fmt(100 * dashboards.answeredShare, 2)}%), p99 < ${GOAL_DASH_P99_MS} ms ${mark(goals.dashboardsP99)} (${fmt(dashboards.latencyP99Ms, 1)}), ` +
      `data age p99 <= ${GOAL_AGE_P99_MS} ms ${mark(goals.dataAgeP99)} (${fmt(dashboards.dataAgeP99Ms, 0)}); RSS after < 150 MB ${mark(goals.rssAfter)} (${mb(dashboards.gatewayRssAfterBytes)})`,
  );
  const out = {
    bench: 'dashboards',
    date: started.toISOString(),
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
    node: process.version,
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    loadAverageAtStart: loadAvg,
    nodeEnv: process.env['NODE_ENV'],
    quick: QUICK,
    command: `npm run bench:dashboards${QUICK ? ' -- --quick' : ''}`,
    settings: { LOAD_REQUESTS, LOAD_ROUNDS, LOAD_CONCURRENCY, UNCACHED_REQUESTS, DASHBOARDS, DASH_SECONDS, SUBSCRIBERS_MANY, SUB_WINDOW_S },
    suite,
    agents,
    uncached,
    dashboards,
    goals,
    allGoalsMet: Object.values(goals).every(Boolean),
  };
  fs.mkdirSync(path.dirname(JSON_FILE), { recursive: true });
  fs.writeFileSync(JSON_FILE, `${JSON.stringify(roundAll(out), null, 2)}\n`);
  log(`wrote ${JSON_FILE}`);
  if (process.env['DASH_NO_RESULTS_MD'] !== '1') log(`rewrote ${writeDashboardsResults(JSON_FILE)}'s dashboards section`);
  stopping = true;
  if (!out.allGoalsMet) process.exitCode = 2;
}

runBench('bench/dashboards', WATCHDOG_S, children, async () => {
  try {
    await main();
  } finally {
    stopping = true;
  }
});
