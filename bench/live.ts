/**
 * bench/live (issue 17's must-show): live data at a vendor's 1 request/s.
 *
 *   npm run bench:live                        (builds with tsconfig.bench.json, runs dist/bench/live.js)
 *   npm run bench:live -- --quick             (a short smoke run: 50 subscribers, 10 pollers, seconds each)
 *
 * Part 1, subscribers: N graphql-ws clients (one WebSocket each) subscribed to
 * `agentPresenceChanged(filter: { connectionIds: ["apps"] }) { agent { id status rawStatus statusChangedAt } at }` on
 * the one Apps API connection, while the simulator changes one agent's status every ~2 s. For every change: which
 * poll saw it (the first vendor agents request after the change, from the simulator's own request log), and when
 * each subscriber had the event. Goals: every subscriber gets every change, each within 1.5 s of the poll that saw
 * it; the vendor at <= 1 request/s (and no 429 from the simulator's own 1 request/s limit); the gateway's RSS and
 * CPU.
 *
 * Part 2, polling clients: M clients, each polling the changing agent (`agents(filter: { connectionIds, search })`,
 * with `raw`) once a second, against two gateways in turn: `engine` (the freshness engine on: queries keep the
 * connection's poller running, and are answered from its copy) and `baseline` (`live.queryInterestMs: 0` and the
 * default 2 s response cache: the gateway before issue 17). Figures, with engine/baseline ratios:
 * - data age: the client's receive time minus when the vendor produced the answer's data. The simulator writes its
 *   clock into the agent's `location` every 20 ms (bench/liveSims.ts; not a field the engine compares, so it
 *   publishes nothing), and the answer carries it in `raw.location`. This is the age under data that changes all
 *   the time (it is never less than the staleness below), and the figure the goals are judged on: p50 <= 0.55 s,
 *   p99 <= 1.1 s, with the vendor at its budget: at least 95% of the most the gateway's limiter sends (it spaces
 *   requests 1000 ms + `spacingMarginMs` (50) apart: 0.952/s), at most 1/s, and no 429.
 * - staleness: how long ago the state the answer shows stopped being current in the simulator (0 if current);
 *   the answer's `statusChangedAt` says which change it shows, the simulator's change log when the next came.
 *
 * Layout, all on 127.0.0.1: this process (the clients and the report); the Apps API simulator in a child
 * (bench/liveSims.ts: its clock times the changes and the requests, undisturbed by the clients); each gateway in a
 * child (bench/gatewayProcess.ts, `--config FILE`), its RSS and CPU read from /proc. One tenant, one Apps API
 * connection at the vendor's 1 request/s (rateLimit defaults), `live.budgetShare` from --budget-share (default 1:
 * the engine may use the whole budget, as the goals ask), the tenant's live caps raised for N WebSockets.
 *
 * Flags (environment in brackets): --subscribers N [LIVE_SUBSCRIBERS] 1000; --seconds S [LIVE_SECONDS] 60 of
 * changes in part 1; --pollers M [LIVE_POLLERS] 100; --poll-seconds P [LIVE_POLL_SECONDS] 60 measured per gateway
 * in part 2, after --warmup-seconds W [LIVE_WARMUP_S] 10; --change-every-ms [LIVE_CHANGE_EVERY_MS] 2000, jitter
 * --change-jitter-ms [LIVE_CHANGE_JITTER_MS] 250; --budget-share [LIVE_BUDGET_SHARE] 1; --parts [LIVE_PARTS]
 * `subscribers,polling`; --quick [LIVE_QUICK=1]. BENCH_TIMEOUT_S is the watchdog.
 * Exit code: 0 every goal met, 2 a goal missed (figures printed), 1 the run failed.
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
import { APPS_API_SIM_DEFAULTS } from '../sim/apps-api';
import { askChild, forkReady, runBench, stopChildProcess } from './child';
import type { LiveSimChange } from './liveSims';
import { stampOf } from './presenceStamp';
import { cpuMs, rssBytes, rssSampler } from './proc';
import { percentile } from './stats';

// ---------------------------------------------------------------------------------------------------------------
// Settings

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    subscribers: { type: 'string' },
    seconds: { type: 'string' },
    pollers: { type: 'string' },
    'poll-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'change-every-ms': { type: 'string' },
    'change-jitter-ms': { type: 'string' },
    'budget-share': { type: 'string' },
    parts: { type: 'string' },
  },
  strict: true,
});

const QUICK = flags.quick === true || process.env['LIVE_QUICK'] === '1';

function num(flag: string | undefined, envName: string, fallback: number, min: number, max: number, integer = false): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`expected ${envName} (or its flag) to be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return n;
}

const SUBSCRIBERS = num(flags.subscribers, 'LIVE_SUBSCRIBERS', QUICK ? 50 : 1_000, 1, 20_000, true);
const SECONDS = num(flags.seconds, 'LIVE_SECONDS', QUICK ? 10 : 60, 2, 3_600);
const POLLERS = num(flags.pollers, 'LIVE_POLLERS', QUICK ? 10 : 100, 1, 5_000, true);
const POLL_SECONDS = num(flags['poll-seconds'], 'LIVE_POLL_SECONDS', QUICK ? 8 : 60, 2, 3_600);
const WARMUP_S = num(flags['warmup-seconds'], 'LIVE_WARMUP_S', QUICK ? 4 : 10, 0, 600);
const CHANGE_EVERY_MS = num(flags['change-every-ms'], 'LIVE_CHANGE_EVERY_MS', 2_000, 100, 60_000);
const CHANGE_JITTER_MS = num(flags['change-jitter-ms'], 'LIVE_CHANGE_JITTER_MS', 250, 0, 30_000);
const BUDGET_SHARE = num(flags['budget-share'], 'LIVE_BUDGET_SHARE', 1, 0.01, 1);
const PARTS = (flags.parts ?? process.env['LIVE_PARTS'] ?? 'subscribers,polling').split(',').map((s) => s.trim());
for (const p of PARTS) if (p !== 'subscribers' && p !== 'polling') throw new Error(`expected --parts of subscribers,polling, got '${p}'`);
const WATCHDOG_S = num(undefined, 'BENCH_TIMEOUT_S', SECONDS + 2 * (POLL_SECONDS + WARMUP_S) + 300 + SUBSCRIBERS / 10, 10, 86_400);

const VENDOR_RPS = 1; // the connection's rateLimit.requestsPerSecond (the default) and the simulator's own limit
const DELIVERY_GOAL_MS = 1_500;
const AGE_P50_GOAL_MS = 550;
const AGE_P99_GOAL_MS = 1_100;
const SPACING_MARGIN_MS = 50; // rateLimit.spacingMarginMs, the default: the limiter spaces requests 1000 / rps + this apart
/** The most the gateway's limiter ever sends: the budget "used fully". */
const LIMITER_MAX_RPS = 1000 / (1000 / VENDOR_RPS + SPACING_MARGIN_MS);
const BUDGET_USED_MIN_RPS = 0.95 * LIMITER_MAX_RPS;
const API_KEY = 'bench-live-key-0000000000000001';
const CONNECTION = 'apps';
const PRESENCE = `subscription { agentPresenceChanged(filter: { connectionIds: ["${CONNECTION}"] }) { agent { id status rawStatus statusChangedAt } at } }`;
const POLL = `query ($s: String) { agents(first: 5, filter: { connectionIds: ["${CONNECTION}"], search: $s }) { edges { node { nativeId status rawStatus statusChangedAt raw } } } }`;

const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN);
const round3 = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null);

// ---------------------------------------------------------------------------------------------------------------
// Child processes

const children: ChildProcess[] = [];
let stopping = false;

interface SimsReady {
  type: 'ready';
  url: string;
  appsBaseUrl: string;
  managerBaseUrl: string;
  agent: { id: string; email: string; agentNumber: string; status: string; statusUpdatedAt: string };
}

interface VendorRequest {
  receivedAtMs: number;
  path: string;
  status: number;
}

class Sims {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: SimsReady,
  ) {}

  static async start(): Promise<Sims> {
    const { child, ready } = await forkReady<SimsReady>(path.join(__dirname, 'liveSims.js'), [], [], 'liveSims', () => stopping);
    children.push(child);
    return new Sims(child, ready);
  }

  private ask<T>(msg: object, answer: string): Promise<T> {
    return askChild<T>(this.child, msg, answer, 'the simulator');
  }

  clear = () => this.ask({ type: 'clear' }, 'cleared');
  startChanges = () => this.ask({ type: 'start', everyMs: CHANGE_EVERY_MS, jitterMs: CHANGE_JITTER_MS }, 'started');
  stopChanges = async () => (await this.ask<{ changes: LiveSimChange[] }>({ type: 'stop' }, 'stopped')).changes;
  requests = async () => (await this.ask<{ requests: VendorRequest[] }>({ type: 'log' }, 'log')).requests;
}

interface Gateway {
  name: string;
  child: ChildProcess;
  url: string;
  dir: string;
  stopping: boolean;
}

async function startGateway(name: string, sims: SimsReady, live: Record<string, unknown>): Promise<Gateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchboard-bench-live-${name}-`));
  const config = {
    server: {
      host: '127.0.0.1',
      port: 0,
      shutdownGraceMs: 1_000,
      subscriptions: { maxConnectionsPerTenant: SUBSCRIBERS + 100, maxSubscriptionsPerTenant: SUBSCRIBERS + 100 },
    },
    state: { dataDir: path.join(dir, 'data') },
    logging: { level: 'warn' },
    live,
    tenants: [
      {
        id: 'bench',
        apiKeys: [API_KEY],
        connections: [
          {
            id: CONNECTION,
            vendor: 'apps-api',
            baseUrls: { apps: sims.appsBaseUrl, manager: sims.managerBaseUrl },
            credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token },
          },
        ],
      },
    ],
  };
  const file = path.join(dir, 'switchboard.yaml');
  fs.writeFileSync(file, JSON.stringify(config)); // JSON is YAML
  const gw = { name, dir, stopping: false } as Gateway;
  const { child, ready } = await forkReady<{ url: string }>(path.join(__dirname, 'gatewayProcess.js'), [file], [], `gateway ${name}`, () => stopping || gw.stopping);
  children.push(child);
  gw.child = child;
  gw.url = ready.url;
  if (!ready.url.startsWith('http://127.0.0.1:')) throw new Error(`the gateway is not on loopback: ${ready.url}`);
  return gw;
}

async function stopGateway(gw: Gateway): Promise<void> {
  gw.stopping = true;
  await stopChildProcess(gw.child);
  fs.rmSync(gw.dir, { recursive: true, force: true });
}

/** The sum of every sample of `name` in the gateway's /metrics (0 when it has none), of those whose labels contain `labelMatch` if given. */
async function metricSum(gw: Gateway, name: string, labelMatch = ''): Promise<number> {
  const res = await request(gw.url.replace(/\/graphql$/, '/metrics'));
  const text = await res.body.text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm'))) {
    if (labelMatch && !(m[1] ?? '').includes(labelMatch)) continue;
    sum += Number(m[2]);
  }
  return sum;
}

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The vendor's agent reads (the polls) and figures over [from, to). */
function vendorFigures(requests: VendorRequest[], from: number, to: number) {
  const inWindow = requests.filter((r) => r.receivedAtMs >= from && r.receivedAtMs < to);
  const at = inWindow.map((r) => r.receivedAtMs).sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < at.length; i++) gap = Math.min(gap, at[i]! - at[i - 1]!);
  const seconds = (to - from) / 1000;
  return {
    requests: inWindow.length,
    seconds,
    requestsPerS: inWindow.length / seconds,
    /** Requests per second between the first and the last (n - 1 gaps): the steady rate, without the window's fence-post error. */
    steadyPerS: at.length > 1 ? ((at.length - 1) * 1000) / (at[at.length - 1]! - at[0]!) : Number.NaN,
    agentReads: inWindow.filter((r) => r.path.endsWith('/agents')).length,
    smallestGapMs: Number.isFinite(gap) ? gap : Number.NaN,
    status429: inWindow.filter((r) => r.status === 429).length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: subscribers

interface Subscriber {
  client: Client;
  /** statusChangedAt (ms) -> receive time (wall ms), the first delivery of each change. */
  got: Map<number, number>;
  duplicates: number;
  errors: string[];
  closed: { code: number; reason: string } | null;
}

/** Opens one graphql-ws client and subscribes; resolves once the socket is acknowledged (connection_ack). */
function openSubscriber(wsUrl: string, gatewaySaw: Map<number, number>): Promise<Subscriber> {
  return new Promise<Subscriber>((resolve, reject) => {
    let connected = false;
    const sub: Subscriber = { client: null as unknown as Client, got: new Map(), duplicates: 0, errors: [], closed: null };
    sub.client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${API_KEY}` },
      onNonLazyError: (err) => {
        if (!connected) reject(err instanceof Error ? err : new Error(`subscriber could not connect: ${JSON.stringify(err)}`));
      },
      on: {
        connected: () => {
          connected = true;
          resolve(sub);
        },
        closed: (e) => {
          const ev = e as { code?: number; reason?: string };
          sub.closed = { code: ev.code ?? 0, reason: ev.reason ?? '' };
          if (!connected) reject(new Error(`subscriber closed before connection_ack: ${sub.closed.code} ${sub.closed.reason}`));
        },
      },
    });
    sub.client.subscribe<{ agentPresenceChanged: { agent: { statusChangedAt: string | null }; at: string } }>(
      { query: PRESENCE },
      {
        next: (v) => {
          const receivedAt = wallMs();
          if (v.errors?.length) return void sub.errors.push(JSON.stringify(v.errors).slice(0, 200));
          const ev = v.data?.agentPresenceChanged;
          const key = ev?.agent.statusChangedAt ? Date.parse(ev.agent.statusChangedAt) : Number.NaN;
          if (sub.got.has(key)) sub.duplicates++;
          else sub.got.set(key, receivedAt);
          if (ev && !gatewaySaw.has(key)) gatewaySaw.set(key, Date.parse(ev.at));
        },
        error: (e) => void sub.errors.push(e instanceof Error ? e.message : JSON.stringify(e).slice(0, 200)),
        complete: () => undefined,
      },
    );
  });
}

async function partSubscribers(sims: Sims) {
  log(`\npart 1: ${SUBSCRIBERS} graphql-ws subscribers (one WebSocket each) to agentPresenceChanged on one Apps API connection, ${SECONDS} s of changes`);
  const gw = await startGateway('subscribers', sims.ready, { budgetShare: BUDGET_SHARE });
  const subscribers: Subscriber[] = [];
  try {
    const pid = gw.child.pid!;
    await sleep(1_000);
    const rssIdle = rssBytes(pid);
    const wsUrl = gw.url.replace(/^http/, 'ws');
    const gatewaySaw = new Map<number, number>();
    const connectStart = performance.now();
    const cpuBeforeConnect = cpuMs(pid);
    for (let i = 0; i < SUBSCRIBERS; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, () => openSubscriber(wsUrl, gatewaySaw)));
      subscribers.push(...batch);
    }
    await waitFor(`${SUBSCRIBERS} subscriptions open at the gateway`, async () => (await metricSum(gw, 'switchboard_live_subscriptions_open')) >= SUBSCRIBERS, 60_000);
    const connectS = (performance.now() - connectStart) / 1000;
    const cpuConnectMs = cpuMs(pid) - cpuBeforeConnect;
    // The poller's first read is the baseline (publishes nothing); start changing after its second.
    await waitFor('two poller reads', async () => (await metricSum(gw, 'switchboard_live_refreshes_total', 'outcome="ok"')) >= 2, 30_000);
    const pollers = await metricSum(gw, 'switchboard_live_pollers');
    await sleep(1_000);
    const rssConnected = rssBytes(pid);
    log(`  ${SUBSCRIBERS} subscribed in ${fmt(connectS, 1)} s (gateway CPU ${fmt(cpuConnectMs, 0)} ms); pollers running: ${pollers}`);

    await sims.clear();
    const from = wallMs();
    const cpu0 = cpuMs(pid);
    const published0 = await metricSum(gw, 'switchboard_live_events_published_total');
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const sampler = rssSampler(pid);
    await sims.startChanges();
    await sleep(SECONDS * 1000);
    const changes = await sims.stopChanges();
    const changesEndAt = wallMs();
    // The last change is seen by the next poll (within a refresh interval) and delivered after it.
    const intervalMs = 1000 / (VENDOR_RPS * BUDGET_SHARE);
    await sleep(intervalMs + DELIVERY_GOAL_MS + 1_000);
    const to = wallMs();
    const cpuWindowMs = cpuMs(pid) - cpu0;
    loopDelay.disable();
    const rss = sampler.stop();
    const published = (await metricSum(gw, 'switchboard_live_events_published_total')) - published0;
    const requests = await sims.requests();
    const vendor = vendorFigures(requests, from, to);

    // Which poll saw each change: the first agent read answered 200 after it, before the next change.
    const polls = requests
      .filter((r) => r.path.endsWith('/agents') && r.status === 200)
      .map((r) => r.receivedAtMs)
      .sort((a, b) => a - b);
    const real = changes.filter((c) => c.seq > 0);
    const perChange: Array<{ seq: number; atMs: number; pollAtMs: number | null; superseded: boolean }> = real.map((c, i) => {
      const pollAtMs = polls.find((t) => t > c.atMs) ?? null;
      const next = real[i + 1];
      return { seq: c.seq, atMs: c.atMs, pollAtMs, superseded: pollAtMs === null || (next !== undefined && next.atMs < pollAtMs) };
    });
    const expected = perChange.filter((c) => !c.superseded);
    const fromPoll: number[] = [];
    const fromChange: number[] = [];
    const pollToGateway: number[] = [];
    let delivered = 0;
    let late = 0;
    const missingByChange: Record<number, number> = {};
    for (const c of expected) {
      const key = Math.floor(c.atMs);
      const saw = gatewaySaw.get(key);
      if (saw !== undefined) pollToGateway.push(saw - c.pollAtMs!);
      for (const s of subscribers) {
        const at = s.got.get(key);
        if (at === undefined) {
          missingByChange[c.seq] = (missingByChange[c.seq] ?? 0) + 1;
          continue;
        }
        delivered++;
        fromPoll.push(at - c.pollAtMs!);
        fromChange.push(at - c.atMs);
        if (at - c.pollAtMs! > DELIVERY_GOAL_MS) late++;
      }
    }
    const expectedKeys = new Set(expected.map((c) => Math.floor(c.atMs)));
    const allKeys = new Set(real.map((c) => Math.floor(c.atMs)));
    let unexpected = 0;
    let ofSuperseded = 0;
    for (const s of subscribers) {
      for (const key of s.got.keys()) {
        if (expectedKeys.has(key)) continue;
        if (allKeys.has(key)) ofSuperseded++;
        else unexpected++;
      }
    }
    const duplicates = subscribers.reduce((n, s) => n + s.duplicates, 0);
    const errors = subscribers.flatMap((s) => s.errors);
    const closed = subscribers.filter((s) => s.closed !== null).length;
    const sortedFromPoll = sorted(fromPoll);
    const sortedFromChange = sorted(fromChange);
    const sortedPollToGateway = sorted(pollToGateway);
    const windowS = (to - from) / 1000;
    const expectedDeliveries = expected.length * SUBSCRIBERS;
    const figures = {
      subscribers: SUBSCRIBERS,
      connectSeconds: connectS,
      changes: real.length,
      changesSeenByAPoll: expected.length,
      changesSuperseded: real.length - expected.length,
      expectedDeliveries,
      delivered,
      missing: expectedDeliveries - delivered,
      duplicates,
      deliveredOfSupersededChanges: ofSuperseded,
      unexpectedEvents: unexpected,
      subscriptionErrors: errors.length,
      socketsClosed: closed,
      fromPollP50Ms: percentile(sortedFromPoll, 50),
      fromPollP99Ms: percentile(sortedFromPoll, 99),
      fromPollMaxMs: sortedFromPoll.length ? sortedFromPoll[sortedFromPoll.length - 1]! : Number.NaN,
      lateOver1500Ms: late,
      pollToGatewaySawP50Ms: percentile(sortedPollToGateway, 50),
      pollToGatewaySawMaxMs: sortedPollToGateway.length ? sortedPollToGateway[sortedPollToGateway.length - 1]! : Number.NaN,
      fromChangeP50Ms: percentile(sortedFromChange, 50),
      fromChangeP99Ms: percentile(sortedFromChange, 99),
      fromChangeMaxMs: sortedFromChange.length ? sortedFromChange[sortedFromChange.length - 1]! : Number.NaN,
      vendorRequests: vendor.requests,
      vendorRequestsPerS: vendor.requestsPerS,
      vendorSteadyRequestsPerS: vendor.steadyPerS,
      vendorAgentReads: vendor.agentReads,
      vendorSmallestGapMs: vendor.smallestGapMs,
      vendor429s: vendor.status429,
      windowSeconds: windowS,
      gatewayRssIdleBytes: rssIdle,
      gatewayRssSubscribedBytes: rssConnected,
      gatewayRssPeakBytes: rss.peak,
      gatewayRssEndBytes: rss.last,
      gatewayCpuMsPerS: cpuWindowMs / windowS,
      gatewayCpuConnectMs: cpuConnectMs,
      gatewayCpuMsPerChange: expected.length ? cpuWindowMs / expected.length : Number.NaN,
      gatewayEventsPublished: published,
      clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      clientLoopDelayMaxMs: loopDelay.max / 1e6,
    };
    log(
      `  changes: ${real.length} (every ${CHANGE_EVERY_MS} ± ${CHANGE_JITTER_MS} ms over ${fmt((changesEndAt - from) / 1000, 1)} s); seen by a poll: ${expected.length}; superseded before any poll: ${figures.changesSuperseded}`,
    );
    log(
      `  deliveries: ${delivered} of ${expectedDeliveries} expected (${fmt((100 * delivered) / Math.max(1, expectedDeliveries), 2)}%), missing ${figures.missing}, duplicates ${duplicates}, ` +
        `unexpected ${unexpected}, subscription errors ${errors.length}, sockets closed ${closed}`,
    );
    log(
      `  the gateway published ${published} events (one per change it saw); this process's event-loop delay (it holds the ${SUBSCRIBERS} clients): ` +
        `p99 ${fmt(figures.clientLoopDelayP99Ms, 0)} ms, max ${fmt(figures.clientLoopDelayMaxMs, 0)} ms`,
    );
    if (Object.keys(missingByChange).length) log(`  missing by change seq: ${JSON.stringify(missingByChange)}`);
    if (errors.length) log(`  first errors: ${errors.slice(0, 3).join(' | ')}`);
    log(
      `  poll -> subscriber: p50 ${fmt(figures.fromPollP50Ms, 0)} ms, p99 ${fmt(figures.fromPollP99Ms, 0)} ms, max ${fmt(figures.fromPollMaxMs, 0)} ms; over ${DELIVERY_GOAL_MS} ms: ${late}` +
        ` (of which poll -> gateway saw the change: p50 ${fmt(figures.pollToGatewaySawP50Ms, 0)} ms, max ${fmt(figures.pollToGatewaySawMaxMs, 0)} ms)`,
    );
    log(`  change -> subscriber (includes waiting for the next poll): p50 ${fmt(figures.fromChangeP50Ms, 0)} ms, p99 ${fmt(figures.fromChangeP99Ms, 0)} ms, max ${fmt(figures.fromChangeMaxMs, 0)} ms`);
    log(
      `  vendor: ${vendor.requests} requests in ${fmt(windowS, 1)} s = ${fmt(vendor.requestsPerS, 3)}/s (agent reads ${vendor.agentReads}), steady rate ${fmt(vendor.steadyPerS, 3)}/s, smallest gap ${fmt(vendor.smallestGapMs, 0)} ms, 429s ${vendor.status429}`,
    );
    log(
      `  gateway RSS: idle ${mb(rssIdle)}, with ${SUBSCRIBERS} subscribers ${mb(rssConnected)}, peak during changes ${mb(rss.peak)}, end ${mb(rss.last)}; ` +
        `CPU ${fmt(figures.gatewayCpuMsPerS, 1)} ms/s (${fmt(figures.gatewayCpuMsPerS / 10, 2)}% of a core), ${fmt(figures.gatewayCpuMsPerChange, 0)} ms per change fanned out`,
    );
    const goals = {
      everyChangeDelivered: expected.length > 0 && figures.missing === 0,
      withinGoalOfPoll: delivered > 0 && late === 0,
      // At most 1 request/s: no two requests closer than 1 s (so no 1 s window holds two), and no 429 from the simulator's own limit.
      vendorAtMostBudget: vendor.smallestGapMs >= 1000 / VENDOR_RPS && vendor.status429 === 0,
    };
    log(
      `  goals: every subscriber every change ${goals.everyChangeDelivered ? 'MET' : 'MISSED'}; within ${DELIVERY_GOAL_MS} ms of the poll ${goals.withinGoalOfPoll ? 'MET' : 'MISSED'}; ` +
        `vendor <= ${VENDOR_RPS}/s (smallest gap >= ${1000 / VENDOR_RPS} ms) without 429 ${goals.vendorAtMostBudget ? 'MET' : 'MISSED'}`,
    );
    return { figures, goals };
  } finally {
    await Promise.all(subscribers.map((s) => Promise.resolve(s.client.dispose())));
    await stopGateway(gw);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: polling clients

interface Poll {
  startedAtMs: number;
  latencyMs: number;
  outcome: string;
  /** ms; NaN when the answer had no stamp. */
  ageMs: number;
  /** statusChangedAt of the answer (ms), receive time: staleness is worked out once the change log is known. */
  shows: number;
  receivedAtMs: number;
}

async function poll(url: string, dispatcher: Agent, search: string): Promise<Poll> {
  const startedAtMs = wallMs();
  const started = performance.now();
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ query: POLL, variables: { s: search } }),
    });
    const text = await res.body.text();
    const receivedAtMs = wallMs();
    const latencyMs = performance.now() - started;
    const body = JSON.parse(text) as {
      data?: { agents?: { edges?: Array<{ node?: { statusChangedAt?: string | null; raw?: { location?: string } } }> } } | null;
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    const node = body.data?.agents?.edges?.[0]?.node;
    const ageMs = receivedAtMs - stampOf(node?.raw?.location);
    const shows = node?.statusChangedAt ? Date.parse(node.statusChangedAt) : Number.NaN;
    let outcome = 'ok';
    if (body.errors?.length) outcome = body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN').join('+');
    else if (res.statusCode !== 200) outcome = `HTTP ${res.statusCode}`;
    else if (!node) outcome = 'agent missing';
    return { startedAtMs, latencyMs, outcome, ageMs, shows, receivedAtMs };
  } catch (err) {
    return { startedAtMs, latencyMs: performance.now() - started, outcome: `transport: ${(err as Error).message}`, ageMs: Number.NaN, shows: Number.NaN, receivedAtMs: wallMs() };
  }
}

async function runPolling(sims: Sims, name: string, live: Record<string, unknown>) {
  const gw = await startGateway(name, sims.ready, live);
  const dispatcher = new Agent({ connections: POLLERS, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const search = sims.ready.agent.email;
  try {
    const pid = gw.child.pid!;
    const first = await poll(gw.url, dispatcher, search);
    if (first.outcome !== 'ok') throw new Error(`gateway ${name} answered its first query with ${first.outcome}`);
    await sims.clear();
    await sims.startChanges();
    const polls: Poll[] = [];
    let stop = false;
    const loops = Array.from({ length: POLLERS }, async (_, i) => {
      await sleep((i * 1000) / POLLERS);
      while (!stop) {
        const started = performance.now();
        polls.push(await poll(gw.url, dispatcher, search));
        const wait = 1000 - (performance.now() - started);
        if (wait > 0 && !stop) await sleep(wait);
      }
    });
    await sleep(WARMUP_S * 1000);
    const from = wallMs();
    const cpu0 = cpuMs(pid);
    const sampler = rssSampler(pid);
    await sleep(POLL_SECONDS * 1000);
    const to = wallMs();
    const cpuWindowMs = cpuMs(pid) - cpu0;
    const rss = sampler.stop();
    stop = true;
    await Promise.all(loops);
    const changes = await sims.stopChanges();
    const vendor = vendorFigures(await sims.requests(), from, to);

    // Staleness: the answer shows the state that began at `shows`; it stopped being current when the next change came.
    const order = changes.map((c) => Math.floor(c.atMs));
    const startIndex = new Map<number, number>(changes.map((c, i) => [Date.parse(c.statusUpdatedAt), i]));
    const measured = polls.filter((p) => p.startedAtMs >= from && p.startedAtMs < to);
    const ok = measured.filter((p) => p.outcome === 'ok');
    const staleness: number[] = [];
    let unmatched = 0;
    for (const p of ok) {
      const i = startIndex.get(p.shows);
      if (i === undefined) {
        unmatched++;
        continue;
      }
      const next = order[i + 1];
      staleness.push(next !== undefined && next < p.receivedAtMs ? p.receivedAtMs - next : 0);
    }
    const ages = sorted(ok.map((p) => p.ageMs).filter(Number.isFinite));
    const stale = sorted(staleness);
    const latencies = sorted(measured.map((p) => p.latencyMs));
    const errorsByOutcome: Record<string, number> = {};
    for (const p of measured) if (p.outcome !== 'ok') errorsByOutcome[p.outcome] = (errorsByOutcome[p.outcome] ?? 0) + 1;
    const windowS = (to - from) / 1000;
    return {
      name,
      live,
      clientRequests: measured.length,
      clientRequestsPerS: measured.length / windowS,
      clientErrors: measured.length - ok.length,
      errorsByOutcome,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      dataAgeP50Ms: percentile(ages, 50),
      dataAgeP99Ms: percentile(ages, 99),
      dataAgeMaxMs: ages.length ? ages[ages.length - 1]! : Number.NaN,
      stalenessP50Ms: percentile(stale, 50),
      stalenessP99Ms: percentile(stale, 99),
      stalenessMaxMs: stale.length ? stale[stale.length - 1]! : Number.NaN,
      stalenessMeanMs: stale.length ? stale.reduce((a, b) => a + b, 0) / stale.length : Number.NaN,
      staleShare: stale.length ? stale.filter((s) => s > 0).length / stale.length : Number.NaN,
      unmatchedAnswers: unmatched,
      changes: changes.filter((c) => c.seq > 0).length,
      vendorRequests: vendor.requests,
      vendorRequestsPerS: vendor.requestsPerS,
      vendorSteadyRequestsPerS: vendor.steadyPerS,
      vendorSmallestGapMs: vendor.smallestGapMs,
      vendor429s: vendor.status429,
      gatewayCpuMsPerS: cpuWindowMs / windowS,
      gatewayCpuMsPerQuery: cpuWindowMs / Math.max(1, measured.length),
      gatewayRssPeakBytes: rss.peak,
      windowSeconds: windowS,
    };
  } finally {
    await dispatcher.close().catch(() => undefined);
    await stopGateway(gw);
  }
}

async function partPolling(sims: Sims) {
  log(`\npart 2: ${POLLERS} clients each polling the changing agent (agents(filter: { connectionIds, search })) once a second, ${WARMUP_S} s warm-up then ${POLL_SECONDS} s measured, per gateway`);
  const setups = [
    { name: 'engine', live: { budgetShare: BUDGET_SHARE } },
    { name: 'baseline', live: { budgetShare: BUDGET_SHARE, queryInterestMs: 0 } },
  ];
  const results = [];
  for (const s of setups) {
    log(`  running ${s.name} (live ${JSON.stringify(s.live)}) ...`);
    results.push(await runPolling(sims, s.name, s.live));
  }
  log('');
  log(
    '| gateway | client req/s | errors | latency p50 / p99 ms | data age p50 / p99 / max ms | staleness p50 / p99 / max / mean ms (stale answers) | vendor req/s (steady) | smallest gap ms | 429s | CPU ms/s | CPU ms/query |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    log(
      `| ${r.name} | ${fmt(r.clientRequestsPerS)} | ${r.clientErrors} | ${fmt(r.latencyP50Ms, 2)} / ${fmt(r.latencyP99Ms, 2)} | ${fmt(r.dataAgeP50Ms, 0)} / ${fmt(r.dataAgeP99Ms, 0)} / ${fmt(r.dataAgeMaxMs, 0)} | ` +
        `${fmt(r.stalenessP50Ms, 0)} / ${fmt(r.stalenessP99Ms, 0)} / ${fmt(r.stalenessMaxMs, 0)} / ${fmt(r.stalenessMeanMs, 0)} (${fmt(100 * r.staleShare, 1)}%) | ` +
        `${fmt(r.vendorRequestsPerS, 3)} (${fmt(r.vendorSteadyRequestsPerS, 3)}) | ${fmt(r.vendorSmallestGapMs, 0)} | ${r.vendor429s} | ${fmt(r.gatewayCpuMsPerS, 1)} | ${fmt(r.gatewayCpuMsPerQuery, 3)} |`,
    );
  }
  for (const r of results) {
    if (r.clientErrors) log(`  ${r.name} client errors: ${JSON.stringify(r.errorsByOutcome)}`);
    if (r.unmatchedAnswers) log(`  ${r.name}: ${r.unmatchedAnswers} answers showed a state not in the change log`);
  }
  const [engine, base] = results as [(typeof results)[number], (typeof results)[number]];
  const ratios = {
    dataAgeP50: ratio(engine.dataAgeP50Ms, base.dataAgeP50Ms),
    dataAgeP99: ratio(engine.dataAgeP99Ms, base.dataAgeP99Ms),
    stalenessMean: ratio(engine.stalenessMeanMs, base.stalenessMeanMs),
    stalenessP99: ratio(engine.stalenessP99Ms, base.stalenessP99Ms),
    staleShare: ratio(engine.staleShare, base.staleShare),
    vendorRequestsPerS: ratio(engine.vendorSteadyRequestsPerS, base.vendorSteadyRequestsPerS),
    latencyP50: ratio(engine.latencyP50Ms, base.latencyP50Ms),
    gatewayCpuPerQuery: ratio(engine.gatewayCpuMsPerQuery, base.gatewayCpuMsPerQuery),
  };
  log(
    `  engine / baseline (same run): data age p50 ${fmt(ratios.dataAgeP50, 2)}x, p99 ${fmt(ratios.dataAgeP99, 2)}x; staleness mean ${fmt(ratios.stalenessMean, 2)}x, ` +
      `p99 ${fmt(ratios.stalenessP99, 2)}x, stale answers ${fmt(ratios.staleShare, 2)}x; vendor req/s ${fmt(ratios.vendorRequestsPerS, 2)}x; latency p50 ${fmt(ratios.latencyP50, 2)}x; CPU/query ${fmt(ratios.gatewayCpuPerQuery, 2)}x`,
  );
  const goals = {
    dataAgeP50: engine.dataAgeP50Ms <= AGE_P50_GOAL_MS,
    dataAgeP99: engine.dataAgeP99Ms <= AGE_P99_GOAL_MS,
    budgetUsedFully: engine.vendorSteadyRequestsPerS >= BUDGET_USED_MIN_RPS && engine.vendorSmallestGapMs >= 1000 / VENDOR_RPS && engine.vendor429s === 0,
    noClientErrors: engine.clientErrors === 0,
  };
  log(
    `  goals (engine): data age p50 <= ${AGE_P50_GOAL_MS} ms ${goals.dataAgeP50 ? 'MET' : 'MISSED'} (${fmt(engine.dataAgeP50Ms, 0)}); p99 <= ${AGE_P99_GOAL_MS} ms ${goals.dataAgeP99 ? 'MET' : 'MISSED'} (${fmt(engine.dataAgeP99Ms, 0)}); ` +
      `vendor budget used fully (steady rate >= ${fmt(BUDGET_USED_MIN_RPS, 3)}/s, smallest gap >= ${1000 / VENDOR_RPS} ms, no 429) ${goals.budgetUsedFully ? 'MET' : 'MISSED'} (${fmt(engine.vendorSteadyRequestsPerS, 3)}/s, ${fmt(engine.vendorSmallestGapMs, 0)} ms); no client errors ${goals.noClientErrors ? 'MET' : 'MISSED'}`,
  );
  return { results, ratios, goals };
}

// ---------------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const gatewayJs = path.join(__dirname, 'gatewayProcess.js');
  if (!fs.existsSync(gatewayJs)) throw new Error(`${gatewayJs} is missing: build first (npm run bench:live does)`);
  log(
    `bench/live${QUICK ? ' (quick)' : ''}: one Apps API connection at ${VENDOR_RPS} request/s (spacingMarginMs ${SPACING_MARGIN_MS}: at most ${fmt(LIMITER_MAX_RPS, 3)}/s), live.budgetShare ${BUDGET_SHARE}; one agent's status changes every ${CHANGE_EVERY_MS} ± ${CHANGE_JITTER_MS} ms; ` +
      `nproc ${os.availableParallelism()}, node ${process.version}, ${new Date().toISOString()}`,
  );
  const sims = await Sims.start();
  log(`  changing agent: Apps API id ${sims.ready.agent.id} (${sims.ready.agent.email})`);
  const out: Record<string, unknown> = {};
  let missed = false;
  if (PARTS.includes('subscribers')) {
    const r = await partSubscribers(sims);
    out['subscribers'] = { figures: roundAll(r.figures), goals: r.goals };
    if (Object.values(r.goals).includes(false)) missed = true;
  }
  if (PARTS.includes('polling')) {
    const r = await partPolling(sims);
    out['polling'] = { setups: r.results.map(roundAll), ratiosEngineToBaseline: roundAll(r.ratios), goals: r.goals };
    if (Object.values(r.goals).includes(false)) missed = true;
  }
  log(
    JSON.stringify({
      bench: 'live',
      date: new Date().toISOString(),
      node: process.version,
      nproc: os.availableParallelism(),
      quick: QUICK,
      budgetShare: BUDGET_SHARE,
      changeEveryMs: CHANGE_EVERY_MS,
      changeJitterMs: CHANGE_JITTER_MS,
      pollers: POLLERS,
      pollSeconds: POLL_SECONDS,
      warmupSeconds: WARMUP_S,
      ...out,
      allGoalsMet: !missed,
    }),
  );
  stopping = true;
  if (missed) process.exitCode = 2;
}

function roundAll<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round3(v) : v]));
}

runBench('bench/live', WATCHDOG_S, children, async () => {
  try {
    await main();
  } finally {
    stopping = true;
  }
});
