/**
 * bench/soak: a steady mix of GraphQL queries and mutations against demo mode for SOAK_SECONDS (default 600),
 * beside a status board's vendor-free `connections` polls, while fault switches on the vendor simulators go on
 * and off, and prints requests by operation, errors by code (explained by a fault switch or not),
 * p50/p95/p99/max latency, and the gateway process's RSS and heap over time.
 *
 * The issue: "Soak (`bench/soak`): ten minutes of mixed queries and mutations at a steady rate against demo mode
 * with faults switching on and off; prints errors by code, p50/p99 latency and RSS over time. Must show: the
 * soak's RSS at the end is within 10% of its value after the first minute, and every error it saw is one the
 * fault switches explain."
 *
 *   npm run bench:soak                          (builds with tsconfig.bench.json, then runs dist/bench/soak.js)
 *   SOAK_SECONDS=90 SOAK_TOUR_ON_S=0 SOAK_QUIET_START_S=15 SOAK_QUIET_END_S=15 SOAK_FAULT_EVERY_S=20 SOAK_FAULT_ON_S=10 npm run bench:soak
 *
 * Layout: this process (the client, the fault schedule, the sampler, the report) and demo mode in a child
 * (bench/soakGateway.ts: `startDemo()`, i.e. the gateway and the three simulators), all on 127.0.0.1. The RSS is
 * the child's own (`switchboard_process_resident_memory_bytes` from the gateway's /metrics).
 *
 * Verdict (exit 0 PASS, 2 FAIL, 1 the run itself failed): RSS at the end within 10% of RSS after the first minute;
 * no unexplained error; no INTERNAL; no HTTP 5xx without a GraphQL error body. See bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createRandom } from '../sim/common/seed';
import { encodeGlobalId } from '../src/graphql/ids';
import { stopChildProcess } from './child';
import { metric, percentile } from './stats';

// ---------------------------------------------------------------------------------------------------------------
// Settings

function envNum(name: string, fallback: number, min: number, max = Number.POSITIVE_INFINITY): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`expected ${name} to be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

const DURATION_S = envNum('SOAK_SECONDS', 600, 10, 24 * 3600);
/**
 * 1 request/s: the demo tenant has one connection per vendor at the vendors' 1 request/s, and this mix asks the Apps
 * API connection for 0.75 requests/s at 1 GraphQL request/s and 0.95 at 2/s (the 2 s list cache absorbs more as the
 * rate rises). At 2/s that connection has almost no headroom: a fault on it leaves a queue that drains at a few
 * hundredths of a request per second and sheds requests (RATE_LIMITED, gateway pacing) minutes after the switch went
 * off (bench/RESULTS.md, the 40-minute run).
 */
const RPS = envNum('SOAK_RPS', 1, 0.1, 200);
/**
 * The status board: beside the mix, `{ connections { id status } }` at this steady rate, the poll agent desktops and
 * wallboards make (100 desktops every 2 s). It reads the gateway's own connection health and never reaches a vendor,
 * so it adds nothing to the vendors' 1 request/s. It keeps demo mode's allocation rate steady and above the line
 * (1,000 bytes/ms) where V8 shrinks its young generation, so new space keeps one size for the whole run. With the
 * mix alone (0), or with a board too slow to hold the rate above that line (5), new space moves between 1 and 32 MB
 * for minutes at a time after a burst (the startup, a fault's backlog), and the RSS check reads where V8 happened to
 * leave it (bench/RESULTS.md). Its answers are counted and classified apart from the mix.
 */
const POLL_RPS = envNum('SOAK_POLL_RPS', 50, 0, 1000);
const SEED = envNum('SOAK_SEED', 1, 0, 2 ** 32 - 1) >>> 0;
const MAX_IN_FLIGHT = envNum('SOAK_MAX_IN_FLIGHT', 400, 1, 10_000);
const FAULT_EVERY_S = envNum('SOAK_FAULT_EVERY_S', 60, 1);
const FAULT_ON_S = envNum('SOAK_FAULT_ON_S', 20, 1);
const QUIET_START_S = envNum('SOAK_QUIET_START_S', 60, 0);
/**
 * The first minute's tour: each of the seven switches on for this many seconds, one after another from
 * TOUR_START_S, so every error path has run once before RSS is read "after the first minute". 0 turns it off.
 */
const TOUR_ON_S = envNum('SOAK_TOUR_ON_S', 5, 0);
const TOUR_START_S = 3;
const QUIET_END_S = envNum('SOAK_QUIET_END_S', 90, 0);
/** After a switch goes off, its effects may still be seen for this long (2 s cache, queues, in-flight calls). */
const GRACE_MS = envNum('SOAK_GRACE_MS', 5_000, 0);
/** An open circuit breaker keeps failing fast for its cooldown (10 s by default) after the vendor failures stop. */
const BREAKER_GRACE_MS = envNum('SOAK_BREAKER_GRACE_MS', 30_000, 0);
/** The gateway's own deadline is 30 s; a client that waits longer than this counts the request as lost. */
const CLIENT_TIMEOUT_MS = envNum('SOAK_CLIENT_TIMEOUT_MS', 60_000, 1_000);
const SAMPLE_EVERY_S = envNum('SOAK_SAMPLE_S', 2, 1);
const TABLE_EVERY_S = envNum('SOAK_TABLE_S', 30, 1);
const RSS_BASELINE_S = envNum('SOAK_RSS_BASELINE_S', 60, 0);
/** RSS saw-tooths with the garbage collector by 10-20% between samples: each end of the comparison is the median of the samples over this many seconds. */
const RSS_WINDOW_S = envNum('SOAK_RSS_WINDOW_S', 15, 0);
const RSS_TOLERANCE = 0.1;
/** An informational reference after demo mode's memory warm-up (about 4-5 minutes at 1-2 requests/s, bench/RESULTS.md). */
const WARM_FROM_S = 240;
const WARM_TO_S = 300;
const WATCHDOG_S = envNum('BENCH_TIMEOUT_S', DURATION_S + 300, 10);
const REPORT_FILE = process.env['SOAK_REPORT_FILE'] || null;

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pad = (s: string | number, n: number) => String(s).padStart(n);
const log = (s: string) => process.stdout.write(`${s}\n`);

// Seeded, so SOAK_SEED repeats the same sequence of operations.
const random = createRandom(SEED);

// ---------------------------------------------------------------------------------------------------------------
// Demo mode in a child process

type SimKey = 'ameyo' | 'appsApi' | 'campaignApi';
const SIM_KEYS: SimKey[] = ['ameyo', 'appsApi', 'campaignApi'];
/** The demo tenant's connection ids and vendor keys, to the simulator behind them. */
const SIM_OF_CONNECTION: Record<string, SimKey> = { 'ameyo-demo': 'ameyo', 'apps-demo': 'appsApi', 'dialer-demo': 'campaignApi' };
const SIM_OF_VENDOR: Record<string, SimKey> = { ameyo: 'ameyo', 'apps-api': 'appsApi', 'campaign-api': 'campaignApi' };

interface Ready {
  type: 'ready';
  url: string;
  metricsUrl: string;
  apiKey: string;
  sims: Record<SimKey, string>;
}

let child: ChildProcess | null = null;
let shuttingDown = false;

async function startChild(): Promise<Ready> {
  const c = fork(`${__dirname}/soakGateway.js`, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' } });
  child = c;
  // Keep the pipes drained; show everything (the gateway logs at warn and above, JSON lines).
  const warnLines: string[] = [];
  c.stdout!.setEncoding('utf8').on('data', (s: string) => {
    for (const line of s.split('\n')) {
      if (!line.trim()) continue;
      gatewayLogLines++;
      if (warnLines.length < 20) warnLines.push(line);
      if (gatewayLogLines <= 20) process.stderr.write(`[demo] ${line.slice(0, 400)}\n`);
      else if (gatewayLogLines === 21) process.stderr.write('[demo] (further log lines counted, not shown)\n');
    }
  });
  c.stderr!.setEncoding('utf8').on('data', (s: string) => process.stderr.write(s.replace(/^(?=.)/gm, '[demo] ')));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo mode did not start within 60 s')), 60_000);
    c.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m as Ready);
      }
    });
    c.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`demo mode exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  c.on('exit', (code, signal) => {
    if (!shuttingDown) {
      childDied = `demo mode exited unexpectedly (code ${code}, signal ${signal})`;
      process.stderr.write(`[demo] ${childDied}\n`);
    }
  });
  return ready;
}
let gatewayLogLines = 0;
let childDied: string | null = null;

// ---------------------------------------------------------------------------------------------------------------
// HTTP (loopback only)

const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 10_000, headersTimeout: CLIENT_TIMEOUT_MS, bodyTimeout: CLIENT_TIMEOUT_MS });

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1') throw new Error(`refusing to send traffic to ${url}: only 127.0.0.1`);
}

async function httpJson(method: 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  assertLoopback(url);
  const res = await request(url, {
    method,
    dispatcher,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.statusCode, json };
}

// ---------------------------------------------------------------------------------------------------------------
// Fault switches and their schedule

type SwitchName = 'latencyMs' | 'serverErrorStatus' | 'connectionReset' | 'tooManyRequests' | 'expiredToken' | 'malformedBody' | 'truncatedBody';

interface FaultPlan {
  sim: SimKey;
  name: SwitchName;
  body: Record<string, unknown>;
  /** Planned, seconds from the soak's start. */
  onS: number;
  offS: number;
}

interface FaultWindow extends FaultPlan {
  /** Measured, ms on this process's performance clock: just before the PUT that turned it on was sent ... */
  onSentAt: number;
  /** ... and once the PUT that turned it off was answered (Infinity until then). */
  offAckAt: number;
  label: string;
}

/** One switch on one simulator per slot; the list is walked in order, and round by round each switch moves to the next simulator. */
const SWITCH_CYCLE: Array<{ name: SwitchName; body: Record<string, unknown>; sim: SimKey }> = [
  { name: 'latencyMs', body: { latencyMs: 3000 }, sim: 'ameyo' },
  { name: 'serverErrorStatus', body: { serverErrorStatus: 503 }, sim: 'appsApi' },
  { name: 'connectionReset', body: { connectionReset: true }, sim: 'campaignApi' },
  { name: 'tooManyRequests', body: { tooManyRequests: true }, sim: 'ameyo' },
  { name: 'expiredToken', body: { expiredToken: true }, sim: 'campaignApi' }, // the campaign API issues tokens (a login, then a bearer JWT)
  { name: 'malformedBody', body: { malformedBody: true }, sim: 'appsApi' },
  { name: 'truncatedBody', body: { truncatedBody: true }, sim: 'ameyo' },
  { name: 'serverErrorStatus', body: { serverErrorStatus: 503 }, sim: 'campaignApi' },
];

/** The tour (each distinct switch once, back to back, inside the first minute), then one switch every FAULT_EVERY_S. */
function faultPlan(): FaultPlan[] {
  const plans: FaultPlan[] = [];
  if (TOUR_ON_S > 0) {
    const kinds = SWITCH_CYCLE.filter((slot, i) => SWITCH_CYCLE.findIndex((o) => o.name === slot.name) === i);
    kinds.forEach((slot, i) => {
      const onS = TOUR_START_S + i * TOUR_ON_S;
      plans.push({ sim: slot.sim, name: slot.name, body: slot.body, onS, offS: onS + TOUR_ON_S });
    });
    const tourEnd = TOUR_START_S + kinds.length * TOUR_ON_S;
    if (tourEnd > QUIET_START_S) {
      throw new Error(`the first minute's tour ends at ${tourEnd} s, after the scheduled switches start (SOAK_QUIET_START_S=${QUIET_START_S}): set SOAK_TOUR_ON_S=0 or a later start`);
    }
    if (tourEnd > RSS_BASELINE_S - RSS_WINDOW_S - 5) {
      throw new Error(`the first minute's tour ends at ${tourEnd} s, within 5 s of the RSS reference window [${RSS_BASELINE_S - RSS_WINDOW_S}, ${RSS_BASELINE_S}] s: lower SOAK_TOUR_ON_S`);
    }
  }
  const lastEnd = DURATION_S - QUIET_END_S;
  for (let k = 0; ; k++) {
    const onS = QUIET_START_S + k * FAULT_EVERY_S;
    const offS = onS + FAULT_ON_S;
    if (offS > lastEnd || k > 10_000) break;
    const slot = SWITCH_CYCLE[k % SWITCH_CYCLE.length]!;
    const round = Math.floor(k / SWITCH_CYCLE.length);
    const sim = slot.name === 'expiredToken' ? 'campaignApi' : SIM_KEYS[(SIM_KEYS.indexOf(slot.sim) + round) % SIM_KEYS.length]!;
    plans.push({ sim, name: slot.name, body: slot.body, onS, offS });
  }
  return plans;
}

/** Which error codes each switch can cause, as the gateway maps the simulator's behaviour (src/vendors/wire.ts, src/upstream/normalizeErrors.ts). */
const CODES_OF_SWITCH: Record<SwitchName, string[]> = {
  latencyMs: ['UPSTREAM_TIMEOUT', 'RATE_LIMITED'],
  serverErrorStatus: ['UPSTREAM_UNAVAILABLE'],
  connectionReset: ['UPSTREAM_UNAVAILABLE'],
  truncatedBody: ['UPSTREAM_UNAVAILABLE'],
  tooManyRequests: ['RATE_LIMITED'],
  malformedBody: ['UPSTREAM_ERROR'],
  expiredToken: ['UPSTREAM_ERROR'],
};
/**
 * A command (callDial) whose call failed after it was sent (5xx, reset, truncated answer) is reported as
 * UPSTREAM_TIMEOUT "the command may have reached it and was not retried" (src/graphql/resolvers/dialing.ts):
 * the vendor may have acted, so the gateway neither resends it nor calls it unavailable.
 */
const COMMAND_OPS = new Set(['callDial']);
const COMMAND_TIMEOUT_SWITCHES = new Set<SwitchName>(['serverErrorStatus', 'connectionReset', 'truncatedBody']);
const codeFits = (w: { name: SwitchName }, code: string, op: string) =>
  CODES_OF_SWITCH[w.name].includes(code) || (code === 'UPSTREAM_TIMEOUT' && COMMAND_OPS.has(op) && COMMAND_TIMEOUT_SWITCHES.has(w.name));
/** Switches whose failures count towards the circuit breaker (5xx, timeouts, resets). */
const BREAKER_SWITCHES = new Set<SwitchName>(['serverErrorStatus', 'connectionReset', 'truncatedBody', 'latencyMs']);

let simUrls: Record<SimKey, string> | null = null;

async function putFaults(sim: SimKey, body: Record<string, unknown>): Promise<void> {
  const res = await httpJson('PUT', `${simUrls![sim]}/__sim/faults`, body);
  if (res.status !== 200) throw new Error(`PUT ${sim} /__sim/faults answered ${res.status}: ${JSON.stringify(res.json)}`);
  const now = res.json as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) if (now[k] !== v) throw new Error(`PUT ${sim} /__sim/faults: ${k} is ${JSON.stringify(now[k])}, expected ${JSON.stringify(v)}`);
}

const NO_FAULTS = { latencyMs: 0, serverErrorStatus: null, connectionReset: false, tooManyRequests: false, expiredToken: false, malformedBody: false, truncatedBody: false };

/** Turns every switch off on every simulator and reads them back. Resolves with a line per simulator. */
async function allFaultsOff(): Promise<string[]> {
  if (!simUrls) return [];
  const out: string[] = [];
  for (const sim of SIM_KEYS) {
    try {
      await putFaults(sim, {});
      const { json } = await httpJson('GET', `${simUrls[sim]}/__sim/faults`);
      const on = Object.entries(json as Record<string, unknown>).filter(([k, v]) => (NO_FAULTS as Record<string, unknown>)[k] !== v);
      out.push(`${sim}: ${on.length === 0 ? 'all off (read back)' : `STILL ON: ${JSON.stringify(Object.fromEntries(on))}`}`);
    } catch (err) {
      out.push(`${sim}: could not turn off/read back: ${(err as Error).message}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

interface OpSpec {
  name: string;
  weight: number;
  /** The simulator an error without a connectionId/vendor is charged to (single-connection operations). */
  sim?: SimKey;
  build(): { query: string; variables?: Record<string, unknown> } | null;
}

const AGENTS_Q = '{ agents(first: 50) { totalCount edges { node { id name status vendor } } } }';
const CONNECTIONS_Q = '{ connections { id status } }';
/** The demo's Ameyo campaign 389 (a Campaign id, as `campaigns` lists it), for callDial. */
const AMEYO_CAMPAIGN_ID = encodeGlobalId('Campaign', 'ameyo-demo', '389');

let agentIds: string[] = [];
let ameyoAgentIds: string[] = [];
let dialSeq = 0;
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;

const OPS: OpSpec[] = [
  { name: 'agents', weight: 18, build: () => ({ query: AGENTS_Q }) },
  { name: 'connections', weight: 8, build: () => ({ query: CONNECTIONS_Q }) },
  { name: 'calls', weight: 12, build: () => ({ query: '{ calls(first: 20) { edges { node { id status agent { name } } } } }' }) },
  { name: 'campaigns', weight: 12, build: () => ({ query: '{ campaigns(first: 20) { edges { node { name leadStats { total } } } } }' }) },
  { name: 'queues', weight: 10, build: () => ({ query: '{ queues { name agents { name } } }' }) },
  {
    name: 'agent(id)',
    weight: 14,
    build: () => (agentIds.length ? { query: 'query($id: ID!) { agent(id: $id) { id name status vendor } }', variables: { id: pick(agentIds) } } : null),
  },
  {
    name: 'callDial',
    weight: 9,
    sim: 'ameyo',
    build: () =>
      ameyoAgentIds.length
        ? {
            query: 'mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { id accepted vendorReason } userErrors { field message code } } }',
            variables: {
              input: {
                agentId: pick(ameyoAgentIds),
                campaignId: AMEYO_CAMPAIGN_ID,
                phoneNumber: '+14155550100',
                idempotencyKey: `soak-${SEED}-${process.pid}-${++dialSeq}`,
              },
            },
          }
        : null,
  },
  {
    name: 'smsSend',
    weight: 8,
    sim: 'appsApi',
    build: () => ({
      query: 'mutation($input: SmsSendInput!) { smsSend(input: $input) { sms { nativeId } userErrors { field message code } } }',
      variables: { input: { connectionId: 'apps-demo', endUserNumber: '+14155550100', outboundNumber: '+18005550100', message: 'soak' } },
    }),
  },
  {
    name: 'dncCheck',
    weight: 9,
    sim: 'appsApi',
    build: () => ({ query: '{ dncCheck(connectionId: "apps-demo", phoneNumber: "+14155550100") { phoneNumber listed } }' }),
  },
];
/** The status board's poll (SOAK_POLL_RPS): not part of the mix, no vendor behind it. */
const POLL_OP: OpSpec = { name: 'connections (status board)', weight: 0, build: () => ({ query: CONNECTIONS_Q }) };
const TOTAL_WEIGHT = OPS.reduce((s, o) => s + o.weight, 0);

function chooseOp(): OpSpec {
  let r = random() * TOTAL_WEIGHT;
  for (const op of OPS) {
    r -= op.weight;
    if (r < 0) return op;
  }
  return OPS[OPS.length - 1]!;
}

/** Ids for agent(id) and callDial, refreshed from every agents answer. */
function noteAgents(data: unknown): void {
  const edges = (data as { agents?: { edges?: Array<{ node?: { id?: string; vendor?: string } | null }> } } | null)?.agents?.edges;
  if (!Array.isArray(edges) || edges.length === 0) return;
  const nodes = edges.map((e) => e?.node).filter((n): n is { id: string; vendor?: string } => typeof n?.id === 'string');
  if (nodes.length) agentIds = nodes.map((n) => n.id);
  const ameyo = nodes.filter((n) => n.vendor === 'AMEYO').map((n) => n.id);
  if (ameyo.length) ameyoAgentIds = ameyo;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and their classification

interface SeenError {
  code: string;
  message: string;
  connectionId?: string;
  vendor?: string;
  upstreamStatus?: number;
  /** 'error' = errors[]; 'userError' = a payload's userErrors (other than VENDOR_REFUSED); 'transport' = no GraphQL answer. */
  kind: 'error' | 'userError' | 'transport';
}

interface Outcome {
  op: string;
  startAt: number;
  endAt: number;
  httpStatus: number;
  errors: SeenError[];
  vendorRefused: number;
  nullResult: boolean;
}

interface Classified extends SeenError {
  op: string;
  atS: number;
  explained: boolean;
  reason: string;
  windowIndex: number | null;
}

let graphqlUrl = '';
let apiKey = '';

type GraphQLBody = { data?: Record<string, unknown> | null; errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> };

async function runOp(op: OpSpec, body: { query: string; variables?: Record<string, unknown> }): Promise<Outcome> {
  const startAt = performance.now();
  const out: Outcome = { op: op.name, startAt, endAt: startAt, httpStatus: 0, errors: [], vendorRefused: 0, nullResult: false };
  try {
    const res = await request(graphqlUrl, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    out.endAt = performance.now();
    out.httpStatus = res.statusCode;
    let json: GraphQLBody | null;
    try {
      json = JSON.parse(text) as GraphQLBody | null;
    } catch {
      json = null;
    }
    const gqlErrors = Array.isArray(json?.errors) ? json.errors : [];
    if (res.statusCode >= 500 && gqlErrors.length === 0) {
      out.errors.push({ code: `HTTP_${res.statusCode}_NO_GRAPHQL_BODY`, message: text.slice(0, 200), kind: 'transport' });
      return out;
    }
    if (!json || (json.data === undefined && gqlErrors.length === 0)) {
      out.errors.push({ code: `HTTP_${res.statusCode}_NOT_GRAPHQL`, message: text.slice(0, 200), kind: 'transport' });
      return out;
    }
    for (const e of gqlErrors) {
      const ext = e.extensions ?? {};
      out.errors.push({
        code: typeof ext['code'] === 'string' ? ext['code'] : 'NO_CODE',
        message: String(e.message ?? '').slice(0, 300),
        ...(typeof ext['connectionId'] === 'string' ? { connectionId: ext['connectionId'] } : {}),
        ...(typeof ext['vendor'] === 'string' ? { vendor: ext['vendor'] } : {}),
        ...(typeof ext['upstreamStatus'] === 'number' ? { upstreamStatus: ext['upstreamStatus'] } : {}),
        kind: 'error',
      });
    }
    const data = json.data ?? null;
    if (data) {
      if (op.name === 'agents') noteAgents(data);
      for (const value of Object.values(data)) {
        const ues = (value as { userErrors?: Array<{ code?: string; message?: string }> } | null)?.userErrors;
        if (!Array.isArray(ues)) continue;
        for (const ue of ues) {
          if (ue.code === 'VENDOR_REFUSED') out.vendorRefused++;
          else out.errors.push({ code: String(ue.code ?? 'NO_CODE'), message: String(ue.message ?? '').slice(0, 300), kind: 'userError' });
        }
      }
      if (op.name === 'agent(id)' && data['agent'] === null && gqlErrors.length === 0) out.nullResult = true;
    }
  } catch (err) {
    out.endAt = performance.now();
    const e = err as Error & { code?: string };
    out.errors.push({ code: `CLIENT_${e.code ?? e.name ?? 'ERROR'}`, message: e.message.slice(0, 200), kind: 'transport' });
  }
  return out;
}

let t0 = 0;
const atS = (t: number) => (t - t0) / 1000;

function classify(o: Outcome, e: SeenError, op: OpSpec, windows: FaultWindow[]): Classified {
  const base = { ...e, op: o.op, atS: atS(o.startAt) };
  if (e.kind === 'transport') return { ...base, explained: false, reason: 'no GraphQL answer', windowIndex: null };
  if (e.code === 'INTERNAL') return { ...base, explained: false, reason: 'INTERNAL is never explained by a fault', windowIndex: null };
  const sim = (e.connectionId && SIM_OF_CONNECTION[e.connectionId]) || (e.vendor && SIM_OF_VENDOR[e.vendor]) || op.sim;
  // A switch on the error's simulator, on during the request or within the grace period before it began.
  const overlapping = (grace: number, pred: (w: FaultWindow) => boolean) => windows.findIndex((w) => w.sim === sim && pred(w) && w.onSentAt <= o.endAt && w.offAckAt + grace >= o.startAt);
  if (sim) {
    const i = overlapping(GRACE_MS, (w) => codeFits(w, e.code, o.op));
    if (i >= 0) {
      const w = windows[i]!;
      const asCommand = !CODES_OF_SWITCH[w.name].includes(e.code) ? ' (a command whose call failed after sending: "may have reached it")' : '';
      return { ...base, explained: true, reason: `${w.label}${asCommand}`, windowIndex: i };
    }
    if (e.code === 'UPSTREAM_UNAVAILABLE' && /circuit/i.test(e.message)) {
      const j = overlapping(BREAKER_GRACE_MS, (w) => BREAKER_SWITCHES.has(w.name));
      if (j >= 0) return { ...base, explained: true, reason: `circuit breaker after ${windows[j]!.label}`, windowIndex: j };
    }
  }
  // Outside every matching window a RATE_LIMITED is not a fault's: without upstreamStatus it is the gateway's own
  // pacing (the offered load asks the vendor for more than its 1 request/s, and a queue wait would pass the
  // request's deadline); with upstreamStatus 429 the vendor's limit was hit, i.e. the gateway sent too fast.
  const what = sim ? `no matching switch on ${sim}` : 'no connection/vendor to charge it to';
  const reason = e.code !== 'RATE_LIMITED' ? what : e.upstreamStatus === undefined ? `gateway pacing: the load exceeds the vendor's limit (${what})` : `vendor 429 outside a 429 storm (${what})`;
  return { ...base, explained: false, reason, windowIndex: null };
}

// ---------------------------------------------------------------------------------------------------------------
// Memory samples and the simulators' request logs

interface MemSample {
  atS: number;
  rss: number;
  heapUsed: number;
  /** V8's heap as reserved from the OS (used + free pages it keeps). */
  heapTotal: number;
  /** The part of heapTotal that is the young generation (V8 grows and shrinks it with the allocation rate). */
  newSpace: number;
  /** V8's heap spaces (new, old, code, large_object, ...): bytes used and reserved, for the JSON report. */
  spaces?: Record<string, { used: number; total: number }>;
  external: number;
  inFlight: number;
  done: number;
  errors: number;
  fault: string;
}

let metricsUrl = '';
function heapSpaces(text: string): Record<string, { used: number; total: number }> {
  const out: Record<string, { used: number; total: number }> = {};
  for (const m of text.matchAll(/^switchboard_nodejs_heap_space_size_(used|total)_bytes\{space="([a-z_]+)"\} ([0-9.eE+-]+)$/gm)) {
    const e = (out[m[2]!] ??= { used: 0, total: 0 });
    e[m[1] as 'used' | 'total'] = Number(m[3]);
  }
  return out;
}

async function readMem(): Promise<{ rss: number; heapUsed: number; heapTotal: number; newSpace: number; external: number; spaces: Record<string, { used: number; total: number }>; text: string }> {
  const res = await httpJson('GET', metricsUrl);
  if (res.status !== 200 || typeof res.json !== 'string') throw new Error(`GET /metrics answered ${res.status}`);
  const text = res.json;
  const rss = metric(text, 'switchboard_process_resident_memory_bytes');
  if (!Number.isFinite(rss)) throw new Error('GET /metrics has no switchboard_process_resident_memory_bytes');
  const spaces = heapSpaces(text);
  return {
    rss,
    heapUsed: metric(text, 'switchboard_nodejs_heap_size_used_bytes'),
    heapTotal: metric(text, 'switchboard_nodejs_heap_size_total_bytes'),
    newSpace: spaces['new']?.total ?? Number.NaN,
    spaces,
    external: metric(text, 'switchboard_nodejs_external_memory_bytes'),
    text,
  };
}

/** Upstream requests the simulators logged, by simulator and status (0 = reset by a fault). */
const simTally: Record<SimKey, Map<number, number>> = { ameyo: new Map(), appsApi: new Map(), campaignApi: new Map() };
/** Simulator 429s that no tooManyRequests switch explains (the gateway's pacing let two requests through within 1 s). */
const stray429: Array<{ sim: SimKey; atS: number; route: string | null }> = [];
let windowsRef: FaultWindow[] = [];

/**
 * Reads each simulator's request log, tallies it, and clears it. Demo mode keeps the simulators in the gateway's
 * process and their logs keep every request (headers and body) until cleared: without this the soak would measure
 * the simulators' log growing, not the gateway. (A request logged between the GET and the DELETE is not tallied.)
 */
async function drainSimLogs(): Promise<void> {
  if (!simUrls) return;
  for (const sim of SIM_KEYS) {
    const { status, json } = await httpJson('GET', `${simUrls[sim]}/__sim/requests`);
    await httpJson('DELETE', `${simUrls[sim]}/__sim/requests`);
    if (status !== 200 || !Array.isArray(json)) continue;
    for (const r of json as Array<{ status: number; receivedAtMs: number; route: string | null }>) {
      simTally[sim].set(r.status, (simTally[sim].get(r.status) ?? 0) + 1);
      if (r.status === 429) {
        const at = r.receivedAtMs - performance.timeOrigin; // on this process's performance clock
        const storm = windowsRef.some((w) => w.sim === sim && w.name === 'tooManyRequests' && w.onSentAt - 50 <= at && at <= w.offAckAt + 50);
        if (!storm) stray429.push({ sim, atS: atS(at), route: r.route });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

function latencyRow(name: string, ms: number[]): string[] {
  const s = [...ms].sort((a, b) => a - b);
  return [name, String(s.length), fmt(percentile(s, 50), 0), fmt(percentile(s, 95), 0), fmt(percentile(s, 99), 0), fmt(s.length ? s[s.length - 1]! : Number.NaN, 0)];
}

function table(header: string[], rows: string[][], align: Array<'l' | 'r'>): string[] {
  const out = [`| ${header.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

async function main(): Promise<number> {
  const plan = faultPlan();
  log(
    `bench/soak: ${DURATION_S} s at ${RPS} GraphQL requests/s of the mix${POLL_RPS > 0 ? ` and ${POLL_RPS}/s of the status board's poll` : ''} ` +
      `(seed ${SEED}, at most ${MAX_IN_FLIGHT} in flight), demo mode in a child process`,
  );
  const ready = await startChild();
  graphqlUrl = ready.url;
  metricsUrl = ready.metricsUrl;
  apiKey = ready.apiKey;
  simUrls = ready.sims;
  for (const u of [graphqlUrl, metricsUrl, ...Object.values(simUrls)]) assertLoopback(u);
  log(`  gateway ${graphqlUrl} (pid ${child!.pid}); simulators: ameyo ${simUrls.ameyo}, apps-api ${simUrls.appsApi}, campaign-api ${simUrls.campaignApi}`);
  log(
    `  faults: ${TOUR_ON_S > 0 ? `a tour of the seven switches, ${TOUR_ON_S} s each, from ${TOUR_START_S} s; then ` : ''}` +
      `every ${FAULT_EVERY_S} s one switch on one simulator for ${FAULT_ON_S} s, from ${QUIET_START_S} s until ${DURATION_S - QUIET_END_S} s ` +
      `(${plan.length} windows in all); grace ${GRACE_MS / 1000} s after a switch, ${BREAKER_GRACE_MS / 1000} s for an open circuit breaker`,
  );
  for (const line of await allFaultsOff()) log(`  start: ${line}`);
  await drainSimLogs();

  // Priming: one agents query for the ids agent(id) and callDial use (not counted).
  const prime = await runOp(OPS[0]!, { query: AGENTS_Q });
  if (prime.errors.length || !ameyoAgentIds.length) throw new Error(`the priming agents query failed: ${JSON.stringify(prime.errors).slice(0, 500)}`);
  log(`  primed: ${agentIds.length} agent ids (${ameyoAgentIds.length} Ameyo) in ${fmt(prime.endAt - prime.startAt, 0)} ms`);
  await sleep(2_500); // past the 2 s list cache, so the soak starts cold-ish
  await drainSimLogs();
  const idle = await readMem();
  log(`  idle before the soak: RSS ${fmt(idle.rss / MB)} MB, heap used ${fmt(idle.heapUsed / MB)} MB\n`);

  t0 = performance.now();
  const endAt = t0 + DURATION_S * 1000;
  const windows: FaultWindow[] = [];
  windowsRef = windows;
  const outcomes: Outcome[] = [];
  const skipped = new Map<string, number>();
  const sent = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  const samples: MemSample[] = [];
  let errorsSoFar = 0;
  let activeFault = '';
  let failure: Error | null = null;

  // The fault schedule: planned times, measured switch times.
  const faultLoop = (async () => {
    for (const p of plan) {
      await sleep(Math.max(0, t0 + p.onS * 1000 - performance.now()));
      if (failure || childDied) return;
      const w: FaultWindow = {
        ...p,
        onSentAt: performance.now(),
        offAckAt: Number.POSITIVE_INFINITY,
        label: `${p.name}${p.name === 'latencyMs' ? '=3000' : p.name === 'serverErrorStatus' ? '=503' : ''} on ${p.sim}`,
      };
      windows.push(w);
      activeFault = w.label;
      await putFaults(p.sim, p.body);
      log(`  [${pad(fmt(atS(w.onSentAt)), 6)} s] fault ON : ${w.label}`);
      await sleep(Math.max(0, t0 + p.offS * 1000 - performance.now()));
      await putFaults(p.sim, {});
      w.offAckAt = performance.now();
      activeFault = '';
      log(`  [${pad(fmt(atS(w.offAckAt)), 6)} s] fault OFF: ${w.label}`);
    }
  })().catch((err: unknown) => {
    failure = err as Error;
  });

  // Memory every SAMPLE_EVERY_S from t0 (one at exactly RSS_BASELINE_S), the simulators' logs every TABLE_EVERY_S.
  let samplerStop = false;
  const samplerLoop = (async () => {
    for (let k = 0; !samplerStop; k++) {
      await sleep(Math.max(0, t0 + k * SAMPLE_EVERY_S * 1000 - performance.now()));
      if (samplerStop) break;
      try {
        const m = await readMem();
        const s: MemSample = {
          atS: atS(performance.now()),
          rss: m.rss,
          heapUsed: m.heapUsed,
          heapTotal: m.heapTotal,
          newSpace: m.newSpace,
          spaces: m.spaces,
          external: m.external,
          inFlight: inflight.size,
          done: outcomes.length,
          errors: errorsSoFar,
          fault: activeFault,
        };
        samples.push(s);
        if (k % Math.max(1, Math.round(TABLE_EVERY_S / SAMPLE_EVERY_S)) === 0) {
          log(
            `  [${pad(fmt(s.atS), 6)} s] RSS ${fmt(s.rss / MB)} MB, heap ${fmt(s.heapUsed / MB)} MB; ${s.done} done, ${s.inFlight} in flight, ${s.errors} with errors${s.fault ? `; fault: ${s.fault}` : ''}`,
          );
          await drainSimLogs();
        }
      } catch (err) {
        if (!shuttingDown) process.stderr.write(`[soak] a /metrics sample failed: ${(err as Error).message}\n`);
      }
      if (performance.now() >= endAt) break;
    }
  })();

  /** Open loop: call `fire` for the i-th time at t0 + i / rate whatever the answers do, until `count` calls or the end. */
  const openLoop = async (rate: number, count: number, fire: () => void): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      if (performance.now() >= endAt || failure || childDied) return;
      fire();
    }
  };
  /** Sends one request unless the in-flight cap is reached (then returns false); its outcome goes to `into`. */
  const send = (op: OpSpec, body: { query: string; variables?: Record<string, unknown> }, into: Outcome[]): boolean => {
    if (inflight.size >= MAX_IN_FLIGHT) return false;
    const p: Promise<void> = runOp(op, body).then((o) => {
      into.push(o);
      if (o.errors.length) errorsSoFar++;
      inflight.delete(p);
    });
    inflight.add(p);
    return true;
  };

  // The status board and the mix, each bounded by count and by time.
  const polls: Outcome[] = [];
  let pollsSkipped = 0;
  const pollBody = POLL_OP.build()!;
  const pollLoop =
    POLL_RPS > 0
      ? openLoop(POLL_RPS, Number.POSITIVE_INFINITY, () => {
          if (!send(POLL_OP, pollBody, polls)) pollsSkipped++;
        })
      : Promise.resolve();
  await openLoop(RPS, Math.floor(DURATION_S * RPS), () => {
    let op = chooseOp();
    let body = op.build();
    if (!body) {
      op = OPS[0]!; // no agent ids yet: fetch them
      body = op.build()!;
    }
    const counts = send(op, body, outcomes) ? sent : skipped;
    counts.set(op.name, (counts.get(op.name) ?? 0) + 1);
  });
  await pollLoop;
  const trafficEndS = atS(performance.now());
  log(`  [${pad(fmt(trafficEndS), 6)} s] traffic stopped; waiting for ${inflight.size} in-flight request(s)`);
  await Promise.all(inflight);
  await faultLoop;
  samplerStop = true;
  await samplerLoop;
  const endMem = await readMem();
  const endSample: MemSample = {
    atS: atS(performance.now()),
    rss: endMem.rss,
    heapUsed: endMem.heapUsed,
    heapTotal: endMem.heapTotal,
    newSpace: endMem.newSpace,
    external: endMem.external,
    inFlight: 0,
    done: outcomes.length,
    errors: errorsSoFar,
    fault: '',
  };
  samples.push(endSample);
  log(`  [${pad(fmt(endSample.atS), 6)} s] drained: RSS ${fmt(endSample.rss / MB)} MB, heap ${fmt(endSample.heapUsed / MB)} MB`);
  const offLines = await allFaultsOff();
  await drainSimLogs();
  if (failure) throw failure;
  if (childDied) throw new Error(childDied);

  return report({ plan, windows, outcomes, polls, pollsSkipped, sent, skipped, samples, endSample, offLines, idle, trafficEndS, metricsText: endMem.text });
}

interface ReportInput {
  plan: FaultPlan[];
  windows: FaultWindow[];
  outcomes: Outcome[];
  /** The status board's answers (SOAK_POLL_RPS), kept out of the mix's counts and latency. */
  polls: Outcome[];
  pollsSkipped: number;
  sent: Map<string, number>;
  skipped: Map<string, number>;
  samples: MemSample[];
  endSample: MemSample;
  offLines: string[];
  idle: { rss: number; heapUsed: number; text: string };
  trafficEndS: number;
  metricsText: string;
}

function report(r: ReportInput): number {
  const L: string[] = [];
  const opByName = new Map([...OPS, POLL_OP].map((o) => [o.name, o]));
  const classified: Classified[] = [];
  const answered = [...r.outcomes, ...r.polls];
  for (const o of answered) for (const e of o.errors) classified.push(classify(o, e, opByName.get(o.op)!, r.windows));

  // Requests by operation.
  L.push('', `Requests by operation (${r.outcomes.length} answered, traffic for ${fmt(r.trafficEndS)} s = ${fmt(r.outcomes.length / r.trafficEndS, 2)} req/s):`, '');
  const opRows: string[][] = [];
  for (const op of OPS) {
    const os = r.outcomes.filter((o) => o.op === op.name);
    const withErr = os.filter((o) => o.errors.length > 0).length;
    const refused = os.reduce((s, o) => s + o.vendorRefused, 0);
    const nulls = os.filter((o) => o.nullResult).length;
    opRows.push([op.name, String(r.sent.get(op.name) ?? 0), String(os.length), String(os.length - withErr), String(withErr), String(refused), String(nulls), String(r.skipped.get(op.name) ?? 0)]);
  }
  const allWithErr = r.outcomes.filter((o) => o.errors.length).length;
  opRows.push([
    '**all**',
    String([...r.sent.values()].reduce((a, b) => a + b, 0)),
    String(r.outcomes.length),
    String(r.outcomes.length - allWithErr),
    String(allWithErr),
    String(r.outcomes.reduce((s, o) => s + o.vendorRefused, 0)),
    String(r.outcomes.filter((o) => o.nullResult).length),
    String([...r.skipped.values()].reduce((a, b) => a + b, 0)),
  ]);
  const pollsWithErr = r.polls.filter((o) => o.errors.length).length;
  if (POLL_RPS > 0) {
    opRows.push([
      `${POLL_OP.name}, not in **all**`,
      String(r.polls.length + r.pollsSkipped),
      String(r.polls.length),
      String(r.polls.length - pollsWithErr),
      String(pollsWithErr),
      '0',
      '0',
      String(r.pollsSkipped),
    ]);
  }
  L.push(
    ...table(['operation', 'sent', 'answered', 'clean', 'with errors', 'VENDOR_REFUSED (not an error)', 'null result', 'skipped (in-flight cap)'], opRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
  );

  // Errors by code.
  const codes = [...new Set(classified.map((c) => c.code))].sort();
  L.push('', `Errors by code (${classified.length} errors in ${allWithErr + pollsWithErr} responses; one response can carry several):`, '');
  L.push(
    ...table(
      ['code', 'errors', 'responses', 'explained', 'unexplained', 'errors by operation'],
      codes.map((code) => {
        const cs = classified.filter((c) => c.code === code);
        const responses = answered.filter((o) => o.errors.some((e) => e.code === code)).length;
        const byOp = new Map<string, number>();
        for (const c of cs) byOp.set(c.op, (byOp.get(c.op) ?? 0) + 1);
        return [
          code,
          String(cs.length),
          String(responses),
          String(cs.filter((c) => c.explained).length),
          String(cs.filter((c) => !c.explained).length),
          [...byOp].map(([k, v]) => `${k} ${v}`).join(', '),
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  L.push('(A failure of one vendor call is reported on every field that needed it: `calls` carries one error per call whose agent could not be loaded.)');
  const reasons = new Map<string, Map<string, number>>();
  for (const c of classified) {
    const key = `${c.explained ? 'explained' : 'UNEXPLAINED'}: ${c.reason}`;
    const m = reasons.get(key) ?? new Map<string, number>();
    m.set(c.code, (m.get(c.code) ?? 0) + 1);
    reasons.set(key, m);
  }
  L.push('', 'Errors by reason:', '');
  L.push(
    ...table(
      ['reason', 'errors'],
      [...reasons].sort().map(([k, m]) => [k, [...m].map(([c, n]) => `${c} ${n}`).join(', ')]),
      ['l', 'l'],
    ),
  );

  // The fault timeline.
  L.push('', 'Fault timeline (seconds from the start; "on" = the PUT sent, "off" = the PUT answered):', '');
  L.push(
    ...table(
      ['#', 'switch', 'simulator', 'on s', 'off s', 'errors it explains'],
      r.windows.map((w, i) => {
        const cs = classified.filter((c) => c.windowIndex === i);
        const m = new Map<string, number>();
        for (const c of cs) m.set(c.code, (m.get(c.code) ?? 0) + 1);
        return [
          String(i + 1),
          w.name === 'latencyMs' ? 'latencyMs 3000' : w.name === 'serverErrorStatus' ? 'serverErrorStatus 503' : w.name,
          w.sim,
          fmt(atS(w.onSentAt)),
          fmt(atS(w.offAckAt)),
          [...m].map(([c, n]) => `${c} ${n}`).join(', ') || '-',
        ];
      }),
      ['r', 'l', 'l', 'r', 'r', 'l'],
    ),
  );
  const unexplained = classified.filter((c) => !c.explained);
  if (unexplained.length) {
    L.push('', `Unexplained errors (first 30 of ${unexplained.length}):`);
    for (const c of unexplained.slice(0, 30))
      L.push(`  ${fmt(c.atS)} s ${c.op}: ${c.code} [${c.connectionId ?? c.vendor ?? '-'}${c.upstreamStatus ? ` upstream ${c.upstreamStatus}` : ''}] ${c.reason}: ${c.message}`);
  }

  // Latency.
  L.push('', "Latency, ms (client side: request sent to response read; includes the gateway's queueing at 1 vendor request/s):", '');
  const latRows = [
    latencyRow(
      '**all**',
      r.outcomes.map((o) => o.endAt - o.startAt),
    ),
  ];
  for (const op of OPS)
    latRows.push(
      latencyRow(
        op.name,
        r.outcomes.filter((o) => o.op === op.name).map((o) => o.endAt - o.startAt),
      ),
    );
  const inFault = (o: Outcome) => r.windows.some((w) => w.onSentAt <= o.endAt && w.offAckAt + GRACE_MS >= o.startAt);
  latRows.push(
    latencyRow(
      'all, no switch on (± grace)',
      r.outcomes.filter((o) => !inFault(o)).map((o) => o.endAt - o.startAt),
    ),
  );
  latRows.push(
    latencyRow(
      'all, a switch on (± grace)',
      r.outcomes.filter(inFault).map((o) => o.endAt - o.startAt),
    ),
  );
  latRows.push(
    latencyRow(
      'all, clean answers only',
      r.outcomes.filter((o) => !o.errors.length).map((o) => o.endAt - o.startAt),
    ),
  );
  if (POLL_RPS > 0)
    latRows.push(
      latencyRow(
        `${POLL_OP.name}, not in **all**`,
        r.polls.map((o) => o.endAt - o.startAt),
      ),
    );
  L.push(...table(['operation', 'n', 'p50', 'p95', 'p99', 'max'], latRows, ['l', 'r', 'r', 'r', 'r', 'r']));

  // Memory over time.
  const step = Math.max(1, Math.round(TABLE_EVERY_S / SAMPLE_EVERY_S));
  const rows = r.samples.filter((_, i) => i % step === 0 || r.samples[i] === r.endSample);
  L.push(
    '',
    `Gateway process memory (demo mode: gateway + simulators), every ${TABLE_EVERY_S} s; MB = 2^20 bytes; idle before the soak: RSS ${fmt(r.idle.rss / MB)} MB, heap ${fmt(r.idle.heapUsed / MB)} MB:`,
    '',
  );
  L.push(
    ...table(
      ['t s', 'RSS MB', 'heap used MB', 'heap total MB', 'of which new space MB', 'external MB', 'answered', 'in flight', 'responses with errors', 'switch on'],
      rows.map((s) => [
        fmt(s.atS, 0),
        fmt(s.rss / MB),
        fmt(s.heapUsed / MB),
        fmt(s.heapTotal / MB),
        fmt(s.newSpace / MB),
        fmt(s.external / MB),
        String(s.done),
        String(s.inFlight),
        String(s.errors),
        s.fault || '-',
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length ? (v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2) : Number.NaN;
  };
  const nearest = (t: number) => r.samples.reduce<MemSample | null>((best, s) => (best === null || Math.abs(s.atS - t) < Math.abs(best.atS - t) ? s : best), null)!;
  const during = r.samples.filter((s) => s !== r.endSample);
  const baseWin = during.filter((s) => s.atS >= RSS_BASELINE_S - RSS_WINDOW_S - 0.5 && s.atS <= RSS_BASELINE_S + 0.5);
  const endWin = during.filter((s) => s.atS >= r.trafficEndS - RSS_WINDOW_S - 0.5 && s.atS <= r.trafficEndS + 0.5);
  const baseRss = median(baseWin.map((s) => s.rss));
  const endRss = median(endWin.map((s) => s.rss));
  const diff = (endRss - baseRss) / baseRss;
  const baseOne = nearest(RSS_BASELINE_S);
  const endOne = nearest(r.trafficEndS);
  const drained = r.endSample;
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100, 1)}%`;
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  const peak = r.samples.reduce((m, s) => Math.max(m, s.rss), 0);
  const later = r.samples.filter((s) => s.atS >= RSS_BASELINE_S);
  const minLater = later.reduce((m, s) => Math.min(m, s.rss), Number.POSITIVE_INFINITY);
  L.push(
    '',
    `RSS, MB (samples every ${SAMPLE_EVERY_S} s; each side of the check is the median over ${RSS_WINDOW_S} s, both under the same steady traffic with no switch on):`,
    `  after the first minute: median of ${baseWin.length} samples in [${fmt(RSS_BASELINE_S - RSS_WINDOW_S, 0)}, ${fmt(RSS_BASELINE_S, 0)}] s = ${fmt(baseRss / MB)} MB ` +
      `(heap ${fmt(median(baseWin.map((s) => s.heapUsed)) / MB)} MB, mean in flight ${fmt(meanOf(baseWin.map((s) => s.inFlight)))})`,
    `  at the end:             median of ${endWin.length} samples in [${fmt(r.trafficEndS - RSS_WINDOW_S, 0)}, ${fmt(r.trafficEndS, 0)}] s = ${fmt(endRss / MB)} MB ` +
      `(heap ${fmt(median(endWin.map((s) => s.heapUsed)) / MB)} MB, mean in flight ${fmt(meanOf(endWin.map((s) => s.inFlight)))}): ${pct(baseRss, endRss)}`,
    `  single samples:         ${fmt(baseOne.rss / MB)} MB at ${fmt(baseOne.atS)} s -> ${fmt(endOne.rss / MB)} MB at ${fmt(endOne.atS)} s (${pct(baseOne.rss, endOne.rss)}); ` +
      `after the in-flight requests drained (${fmt(drained.atS)} s): ${fmt(drained.rss / MB)} MB (${pct(baseRss, drained.rss)} against the first-minute median)`,
    `  from ${fmt(RSS_BASELINE_S, 0)} s on: min ${fmt(minLater / MB)} MB; peak of the whole run ${fmt(peak / MB)} MB`,
  );
  // Not part of the verdict: the same comparison without V8's young generation (which V8 resizes with the allocation
  // rate) and with the reference after the warm-up, so a failed check can be read (bench/README.md).
  const warmWin = during.filter((s) => s.atS >= WARM_FROM_S - 0.5 && s.atS <= WARM_TO_S + 0.5);
  if (warmWin.length && r.trafficEndS > WARM_TO_S + RSS_WINDOW_S) {
    const lessNew = (w: MemSample[]) => median(w.map((s) => s.rss - s.newSpace));
    const [b1, e1, b2] = [lessNew(baseWin), lessNew(endWin), lessNew(warmWin)];
    L.push(
      `  for reading it (not in the verdict), RSS minus V8 new space: [${fmt(RSS_BASELINE_S - RSS_WINDOW_S, 0)}, ${fmt(RSS_BASELINE_S, 0)}] s ${fmt(b1 / MB)} MB -> end ${fmt(e1 / MB)} MB (${pct(b1, e1)}); ` +
        `from after the warm-up, [${WARM_FROM_S}, ${WARM_TO_S}] s ${fmt(b2 / MB)} MB -> end (${pct(b2, e1)})`,
    );
  }

  // Simulator side.
  L.push('', 'Upstream requests the simulators logged, by status (0 = connection reset by the switch):');
  for (const sim of SIM_KEYS)
    L.push(
      `  ${sim}: ${
        [...simTally[sim]]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ') || 'none'
      }`,
    );
  L.push(
    `  simulator 429s outside a 429 storm (the vendor's own 1 req/s limit hit): ${stray429.length}${
      stray429.length
        ? ` (${stray429
            .slice(0, 10)
            .map((x) => `${x.sim} ${fmt(x.atS)} s ${x.route ?? ''}`)
            .join('; ')})`
        : ''
    }`,
  );
  L.push(`  gateway log lines at warn or above: ${gatewayLogLines}`);
  const cpuS = metric(r.metricsText, 'switchboard_process_cpu_seconds_total') - metric(r.idle.text, 'switchboard_process_cpu_seconds_total');
  L.push(`  demo mode's CPU over the run: ${fmt(cpuS)} s, ${fmt((cpuS / r.trafficEndS) * 100, 1)}% of one core (gateway and simulators)`);
  const rlRejections = [...r.metricsText.matchAll(/^switchboard_rate_limiter_rejections_total\{[^}]*connection="([^"]+)"[^}]*\} (\d+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  if (rlRejections.length) L.push(`  gateway rate-limiter rejections (metrics): ${rlRejections.join(', ')}`);
  L.push('', 'Fault switches at the end:', ...r.offLines.map((l) => `  ${l}`));

  // Verdict.
  const internal = classified.filter((c) => c.code === 'INTERNAL').length;
  const no5xxBody = classified.filter((c) => /^HTTP_5\d\d_NO_GRAPHQL_BODY$/.test(c.code)).length;
  const rssOk = Math.abs(diff) <= RSS_TOLERANCE;
  const switchesOff = r.offLines.length === SIM_KEYS.length && r.offLines.every((l) => l.includes('all off'));
  const checks: Array<[string, boolean]> = [
    [`RSS at the end within ${RSS_TOLERANCE * 100}% of RSS after the first minute (${RSS_WINDOW_S} s medians): ${fmt(baseRss / MB)} -> ${fmt(endRss / MB)} MB (${pct(baseRss, endRss)})`, rssOk],
    [`unexplained errors: ${unexplained.length}`, unexplained.length === 0],
    [`INTERNAL errors: ${internal}`, internal === 0],
    [`HTTP 5xx without a GraphQL error body: ${no5xxBody}`, no5xxBody === 0],
    [`every fault switch off at the end, read back from each simulator`, switchesOff],
    [
      `requests answered: ${r.outcomes.length} of the mix, ${r.polls.length} status-board polls (skipped by the client's in-flight cap of ${MAX_IN_FLIGHT}: ${[...r.skipped.values()].reduce((a, b) => a + b, 0) + r.pollsSkipped})`,
      r.outcomes.length > 0,
    ],
  ];
  L.push('', 'Verdict:');
  for (const [text, ok] of checks) L.push(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
  const pass = checks.every(([, ok]) => ok);
  L.push(`  => ${pass ? 'PASS' : 'FAIL'}`, '');
  log(L.join('\n'));

  if (REPORT_FILE) {
    fs.writeFileSync(
      REPORT_FILE,
      JSON.stringify(
        {
          settings: { DURATION_S, RPS, POLL_RPS, SEED, MAX_IN_FLIGHT, FAULT_EVERY_S, FAULT_ON_S, QUIET_START_S, QUIET_END_S, GRACE_MS, BREAKER_GRACE_MS },
          windows: r.windows.map((w) => ({ sim: w.sim, name: w.name, onS: atS(w.onSentAt), offS: atS(w.offAckAt) })),
          samples: r.samples,
          errors: classified,
          simTally: Object.fromEntries(SIM_KEYS.map((s) => [s, Object.fromEntries(simTally[s])])),
          stray429,
          pass,
        },
        null,
        1,
      ),
    );
    log(`  report written to ${REPORT_FILE}`);
  }
  return pass ? 0 : 2;
}

// ---------------------------------------------------------------------------------------------------------------

let cleaned = false;
/** Turns every switch off (if demo mode still runs), then stops it. Safe to call twice. */
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  if (child && child.exitCode === null && child.signalCode === null) {
    const lines = await Promise.race([allFaultsOff(), sleep(10_000).then(() => ['(timed out turning the switches off)'])]);
    if (lines.some((l) => !l.includes('all off'))) process.stderr.write(`[soak] ${lines.join('; ')}\n`);
  }
  shuttingDown = true;
  await stopChildProcess(child);
  await dispatcher.close().catch(() => undefined);
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench/soak: gave up after ${WATCHDOG_S} s (BENCH_TIMEOUT_S)\n`);
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_S * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench/soak: ${signal}, stopping\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`bench/soak: failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    clearTimeout(watchdog);
    setTimeout(() => process.exit(), 100).unref();
  });
