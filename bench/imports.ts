/**
 * bench/imports (issue 18's must-show): CSV lead imports into every vendor, in demo mode, with a restart halfway.
 *
 *   npm run bench:imports                     (builds with tsconfig.bench.json, runs dist/bench/imports.js)
 *   IMPORTS_PARTS=vendors IMPORTS_ROWS=2000 npm run bench:imports
 *
 * Part `vendors`: demo mode (src/demo.ts `demoConfig`: the simulators at their vendors' 1 request/s, one connection
 * each at the default `rateLimit`, 1 request/s plus a 50 ms spacing margin) in this process, as test/support/stack.ts
 * runs a gateway. Per vendor: a CSV of IMPORTS_ROWS rows (10,000) uploaded by `leadsImport` (GraphQL multipart, the
 * file streamed from disk), a restart once about half the rows are settled (`gateway.close()`, then `startGateway` on
 * the same config and state directory, the same simulators), then completion. Checked: every row received by the
 * simulator exactly once (test/support/leadImports.ts), 0 uncertain, counters = rows. Printed: rows/s over the wall
 * time (upload to FINISHED, the restart included), vendor requests per batch, and rows/s as a share of the most the
 * connection's rate allows with that many requests per batch.
 *   The campaign API takes one add-lead per row, so 10,000 rows at 1 request/s take ~2.8 hours: at demo mode's rate
 * it runs for fixed windows instead: IMPORTS_WINDOW_S (60) of the import alone, then as long with a dashboard
 * client querying `agents(first: 50)` once a second (which reaches the same connection), then the import cancelled
 * and the dashboard alone as long (the baseline, same run). Printed: rows/s per window against the 1 request/s
 * floor; from the simulator's request log, the smallest gap between two requests to it and its 429s; the dashboard's
 * answered share and p50/p99 latency with and without the import. The 10,000-row restart check for the campaign API
 * then runs on simulators of its own with the connection's and the simulator's rate raised (IMPORTS_RAISED_RPS).
 *
 * Part `big`: RSS while importing a large CSV (IMPORTS_BIG_MB, 200 MB = 2^20 bytes each): the file generated on disk
 * by streaming, uploaded by streaming to a gateway in a child process (bench/gatewayProcess.ts, demo config with the
 * Ameyo connection and simulator at a raised rate), whose VmRSS is sampled every 100 ms through the upload (the
 * gateway stores the file as it arrives) and the import into Ameyo. Printed: idle, peak and steady RSS, their ratios
 * to idle, and rows/s; checked: every row received once.
 *
 * Writes every figure to bench/results/imports.json (IMPORTS_JSON to change). Environment: IMPORTS_PARTS
 * (`vendors,big`), IMPORTS_ROWS (10000), IMPORTS_WINDOW_S (60), IMPORTS_RAISED_RPS (1000), IMPORTS_BIG_MB (200),
 * BENCH_TIMEOUT_S (watchdog, default 3600). Exit code: 0 every check passed, 2 a check failed (figures printed),
 * 1 the run failed.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { simulatorOf, startSimulators, type Simulators, type SimulatorsOptions } from '../sim';
import { resolveConfig } from '../src/config/load';
import type { Config, ConfigInput } from '../src/config/schema';
import { DEMO_API_KEY, demoConfig } from '../src/demo';
import { startGateway, type Gateway } from '../src/http/server';
import { createLogger } from '../src/logger';
import type { VendorKey } from '../src/vendors/registry';
import { leadImportsReceived, type ImportingSimulator } from '../test/support/leadImports';
import { waitUntil } from '../test/support/wait';
import { forkReady, runBench } from './child';
import { rssBytes } from './proc';
import { percentile } from './stats';

// ---------------------------------------------------------------------------------------------------------------
// Settings

function envNum(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`expected ${name} to be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const ROWS = envNum('IMPORTS_ROWS', 10_000, 10);
const WINDOW_S = envNum('IMPORTS_WINDOW_S', 60, 5);
const RAISED_RPS = envNum('IMPORTS_RAISED_RPS', 1_000, 2);
const BIG_MB = envNum('IMPORTS_BIG_MB', 200, 1);
const PARTS = (process.env['IMPORTS_PARTS'] ?? 'vendors,big').split(',').map((s) => s.trim());
for (const p of PARTS) if (p !== 'vendors' && p !== 'big') throw new Error(`expected IMPORTS_PARTS of vendors,big, got '${p}'`);
const JSON_FILE = process.env['IMPORTS_JSON'] ?? path.join(__dirname, '..', '..', 'bench', 'results', 'imports.json');
const WATCHDOG_S = envNum('BENCH_TIMEOUT_S', 3_600, 10);

const MB = 1024 * 1024;
/** Demo mode's connections: `rateLimit` defaults (src/config/connection.ts), so requests at least 1000 + 50 ms apart. */
const DEMO_RPS = 1;
const DEMO_SPACING_MARGIN_MS = 50;
const DEMO_LIMITER_RPS = 1000 / (1000 / DEMO_RPS + DEMO_SPACING_MARGIN_MS);
const RSS_SAMPLE_MS = 100;
const HEADER = 'name,phone,email';
const MAPPING = { name: 'name', phones: ['phone'], email: 'email' };
/** The campaign API's add-lead has no email (test/integration/leadImportJobs.test.ts). */
const MAPPING_NO_EMAIL = { name: 'name', phones: ['phone'] };

const JOB_FIELDS = 'id status total sent succeeded failed uncertain failure startedAt finishedAt';
const IMPORT = `mutation Import($input: LeadsImportInput!) { leadsImport(input: $input) { job { ${JOB_FIELDS} } userErrors { field message code } } }`;
const JOB = `query Job($id: ID!) { leadImportJob(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation Cancel($id: ID!) { leadImportCancel(input: { jobId: $id }) { job { ${JOB_FIELDS} } userErrors { field message code } } }`;
const DASHBOARD = '{ agents(first: 50) { totalCount edges { node { id status } } } }';

/** The demo connections' ids (`<connectionName>-demo`, src/demo.ts) and their simulators. */
const VENDOR_RUNS = [
  { vendor: 'ameyo', connectionId: 'ameyo-demo', sim: 'ameyo', label: 'Ameyo (contact upload)' },
  { vendor: 'apps-api', connectionId: 'apps-demo', sim: 'appsApi', label: 'Apps API (import job)' },
  { vendor: 'campaign-api', connectionId: 'dialer-demo', sim: 'campaignApi', label: 'campaign API (add-lead per row)' },
] as const satisfies ReadonlyArray<{ vendor: VendorKey; connectionId: string; sim: ImportingSimulator; label: string }>;
type VendorRun = (typeof VENDOR_RUNS)[number];

const log = (s = '') => process.stdout.write(`${s}\n`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const round3 = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null);

// ---------------------------------------------------------------------------------------------------------------
// The CSV: `name,phone,email` rows as test/integration/leadImportJobs.test.ts's `rows()` writes them

const phoneOf = (k: number) => `+1415${String(5_000_000 + k).padStart(7, '0')}`;

/** Writes the header and rows `from`, `from + 1`, ... to `file` until it has `rows` rows or `bytes` bytes, streaming. */
async function writeCsv(file: string, limit: { rows: number } | { bytes: number }, from = 0): Promise<{ file: string; rows: number; bytes: number; from: number }> {
  const out = fs.createWriteStream(file);
  let bytes = 0;
  let rows = 0;
  const full = () => ('rows' in limit ? rows >= limit.rows : bytes >= limit.bytes);
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${HEADER}\r\n`);
  while (!full()) {
    let chunk = '';
    while (chunk.length < MB && !('rows' in limit ? rows >= limit.rows : bytes + chunk.length >= limit.bytes)) {
      const k = from + rows++;
      chunk += `Lead ${k},${phoneOf(k)},lead${k}@example.com\r\n`;
    }
    await write(chunk);
  }
  out.end();
  await once(out, 'close');
  if (5_000_000 + from + rows > 9_999_999) throw new Error(`${rows} rows from ${from} run past the 7-digit phone numbers`);
  return { file, rows, bytes, from };
}

// ---------------------------------------------------------------------------------------------------------------
// GraphQL over HTTP, as a client: JSON, and the multipart upload

interface Job {
  id: string;
  status: string;
  total: number;
  sent: number;
  succeeded: number;
  failed: number;
  uncertain: number;
  failure: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}
const settled = (j: Job) => j.succeeded + j.failed + j.uncertain;

const AUTH = { authorization: `Bearer ${DEMO_API_KEY}` };

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (res.status !== 200 || body.errors?.length || !body.data) throw new Error(`${query.slice(0, 40)}... answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/**
 * `leadsImport` as a GraphQL multipart request (operations, map, file part `0`), the file streamed from disk
 * (`fs.openAsBlob`: fetch reads it as the socket drains), as test/integration/leadImportJobs.test.ts's `upload()`.
 */
async function uploadCsv(url: string, campaignId: string, file: string, mapping: object): Promise<Job> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: IMPORT, variables: { input: { campaignId, mapping, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', (await fs.openAsBlob(file, { type: 'text/csv' })) as Blob, path.basename(file));
  const res = await fetch(url, { method: 'POST', headers: { ...AUTH, 'apollo-require-preflight': 'true' }, body: form });
  const body = (await res.json()) as { data?: { leadsImport?: { job: Job | null; userErrors: unknown[] } }; errors?: unknown[] };
  const payload = body.data?.leadsImport;
  if (res.status !== 200 || body.errors?.length || !payload?.job || payload.userErrors.length) {
    throw new Error(`leadsImport answered ${res.status}: ${JSON.stringify(body).slice(0, 1000)}`);
  }
  return payload.job;
}

const getJob = async (url: string, id: string) => (await gql<{ leadImportJob: Job }>(url, JOB, { id })).leadImportJob;

/** Polls the job (a read of the gateway's state store, no vendor request) until `done` holds; the last job read. */
async function jobUntil(url: () => string, id: string, what: string, done: (j: Job) => boolean, timeoutMs: number, intervalMs: number): Promise<Job> {
  let last: Job | null = null;
  await waitUntil(what, async () => done((last = await getJob(url(), id))), timeoutMs, intervalMs);
  return last!;
}

const ended = (j: Job) => j.status !== 'QUEUED' && j.status !== 'RUNNING';

// ---------------------------------------------------------------------------------------------------------------
// Demo mode in this process, with a restart

interface DemoStack {
  sims: Simulators;
  gateway: Gateway;
  graphqlUrl: string;
  /** A Campaign id of each demo connection. */
  campaigns: Record<string, string>;
  /** gateway.close(), then startGateway on the same config (same state directory) and simulators: a new port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The demo config's simulators and gateway (src/demo.ts), with `patch` applied to the config. */
async function startDemoStack(simOpts: SimulatorsOptions, patch: (c: ConfigInput) => ConfigInput = (c) => c): Promise<DemoStack> {
  const sims = await startSimulators(simOpts);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-imports-'));
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  let config: Config;
  let gateway: Gateway;
  try {
    config = resolveConfig(patch(demoConfig(sims, 0, { dataDir })));
    gateway = await startGateway(config, { logger, demo: true });
  } catch (err) {
    await sims.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const stack: DemoStack = {
    sims,
    gateway,
    graphqlUrl: `${gateway.url}/graphql`,
    campaigns: {},
    async restart() {
      await stack.gateway.close();
      stack.gateway = await startGateway(config, { logger, demo: true });
      stack.graphqlUrl = `${stack.gateway.url}/graphql`;
    },
    async close() {
      await stack.gateway.close();
      await sims.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const res = await gql<{ campaigns: { edges: Array<{ node: { id: string; connection: { id: string } } }> } }>(
    stack.graphqlUrl,
    '{ campaigns(first: 100) { edges { node { id connection { id } } } } }',
  );
  for (const { node } of res.campaigns.edges) stack.campaigns[node.connection.id] ??= node.id;
  return stack;
}

/** A connection of the demo config with its `rateLimit` replaced. */
function withRate(connectionId: string, requestsPerSecond: number) {
  return (c: ConfigInput): ConfigInput => ({
    ...c,
    tenants: c.tenants.map((t) => ({
      ...t,
      connections: (t.connections ?? []).map((conn) => (conn.id === connectionId ? { ...conn, rateLimit: { requestsPerSecond, spacingMarginMs: 0 } } : conn)),
    })),
  });
}

/**
 * The simulator keeps its latest 10,000 requests (sim/common/server.ts `maxLoggedRequests`); a 10,000-row campaign
 * API import sends more. This moves the log aside as it grows and puts it back, whole, when stopped, so the
 * simulator's own log (what test/support/leadImports.ts reads) holds every request of the run.
 */
function keepWholeLog(requests: unknown[]): { stop(): void } {
  const kept: unknown[] = [];
  const timer = setInterval(() => {
    for (const r of requests.splice(0)) kept.push(r);
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      const later = requests.splice(0);
      for (const r of kept) requests.push(r);
      for (const r of later) requests.push(r);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One vendor: N rows, a restart halfway, completion, exactly once

interface RestartRun {
  vendor: string;
  connectionId: string;
  rate: string;
  rows: number;
  wallS: number;
  rowsPerS: number;
  restartAtSettled: number;
  restartS: number;
  batches: number;
  vendorRequests: number;
  /** From the simulator's log over the run: the smallest gap between two requests, and its 429s (its own 1 request/s limit, where on). */
  smallestGapMs: number;
  status429: number;
  requestsByRoute: Record<string, number>;
  requestsPerBatch: number;
  rowsPerBatch: number;
  /** rows/s the connection's rate allows at this many requests per batch. */
  boundRowsPerS: number;
  shareOfBound: number;
  /** The same, were each batch one request. */
  oneRequestBoundRowsPerS: number;
  job: Job;
  received: number;
  receivedDistinct: number;
  missing: number;
  checks: { exactlyOnce: boolean; noUncertain: boolean; counters: boolean };
}

/** Vendor jobs or upload tasks the simulator holds (each one batch of ours); the campaign API's add-leads. */
function batchesIn(stack: DemoStack, run: VendorRun): number {
  if (run.sim === 'ameyo') return stack.sims.ameyo.state.uploadTasks.length;
  if (run.sim === 'appsApi') return stack.sims.appsApi.state.contactImportJobs.length;
  return leadImportsReceived(stack.sims, 'campaignApi').length;
}

async function restartRun(stack: DemoStack, run: VendorRun, rows: number, from: number, dir: string, rate: { rps: number; marginMs: number; label: string }): Promise<RestartRun> {
  const csv = await writeCsv(path.join(dir, `${run.connectionId}-${rows}.csv`), { rows }, from);
  const sim = simulatorOf(stack.sims, run.vendor);
  sim.clearRequests();
  const log = keepWholeLog(sim.requests);
  const receivedBefore = leadImportsReceived(stack.sims, run.sim).length;
  const batchesBefore = batchesIn(stack, run);
  const t0 = performance.now();
  const fromMs = Date.now();
  let job: Job;
  let restartAtSettled: number;
  let restartS: number;
  try {
    const created = await uploadCsv(stack.graphqlUrl, stack.campaigns[run.connectionId]!, csv.file, run.vendor === 'campaign-api' ? MAPPING_NO_EMAIL : MAPPING);
    const half = await jobUntil(
      () => stack.graphqlUrl,
      created.id,
      `half the rows of ${run.connectionId} are settled`,
      (j) => settled(j) >= rows / 2 || ended(j),
      30 * 60_000,
      50,
    );
    if (ended(half)) throw new Error(`${run.connectionId}: the job ended before the restart: ${JSON.stringify(half)}`);
    restartAtSettled = settled(half);
    const r0 = performance.now();
    await stack.restart();
    restartS = (performance.now() - r0) / 1000;
    job = await jobUntil(() => stack.graphqlUrl, created.id, `the import into ${run.connectionId} ends`, ended, 3 * 60 * 60_000, 100);
  } finally {
    log.stop();
  }
  const wallS = (performance.now() - t0) / 1000;
  const received = leadImportsReceived(stack.sims, run.sim).slice(receivedBefore);
  const distinct = new Set(received);
  let missing = 0;
  for (let k = csv.from; k < csv.from + csv.rows; k++) if (!distinct.has(phoneOf(k))) missing++;
  const requestsByRoute: Record<string, number> = {};
  for (const r of sim.requests) {
    const key = `${r.route ?? `${r.method} ${r.path}`}${r.status >= 300 ? ` -> ${r.status}` : ''}`;
    requestsByRoute[key] = (requestsByRoute[key] ?? 0) + 1;
  }
  const vendorRequests = sim.requests.length;
  const gaps = vendorWindow(sim.requests, fromMs, Date.now() + 1);
  const batches = batchesIn(stack, run) - batchesBefore;
  const requestsPerBatch = vendorRequests / batches;
  const rowsPerBatch = rows / batches;
  const limiterRps = 1000 / (1000 / rate.rps + rate.marginMs);
  const boundRowsPerS = (rowsPerBatch / requestsPerBatch) * limiterRps;
  const rowsPerS = rows / wallS;
  return {
    vendor: run.vendor,
    connectionId: run.connectionId,
    rate: rate.label,
    rows,
    wallS,
    rowsPerS,
    restartAtSettled,
    restartS,
    batches,
    vendorRequests,
    requestsByRoute,
    requestsPerBatch,
    rowsPerBatch,
    boundRowsPerS,
    shareOfBound: rowsPerS / boundRowsPerS,
    oneRequestBoundRowsPerS: rowsPerBatch * limiterRps,
    smallestGapMs: gaps.smallestGapMs,
    status429: gaps.status429,
    job,
    received: received.length,
    receivedDistinct: distinct.size,
    missing,
    checks: {
      exactlyOnce: received.length === rows && distinct.size === rows && missing === 0,
      noUncertain: job.uncertain === 0,
      counters: job.status === 'FINISHED' && job.total === rows && job.sent === rows && job.succeeded === rows && job.failed === 0,
    },
  };
}

function printRestartRuns(runs: RestartRun[]): void {
  log(
    '| vendor | connection rate | rows | wall s | rows/s | restart at settled (took s) | batches | vendor requests per batch | bound rows/s (at that many requests per batch) | rows/s / bound | smallest gap ms | 429s | exactly once | uncertain | counters |',
  );
  log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |');
  for (const r of runs) {
    log(
      `| ${r.vendor} | ${r.rate} | ${r.rows} | ${fmt(r.wallS)} | ${fmt(r.rowsPerS, 2)} | ${r.restartAtSettled} (${fmt(r.restartS, 2)}) | ${r.batches} | ${fmt(r.requestsPerBatch, 2)} | ` +
        `${fmt(r.boundRowsPerS, 1)} | ${fmt(r.shareOfBound, 2)} | ${fmt(r.smallestGapMs, 0)} | ${r.status429} | ${r.checks.exactlyOnce ? 'yes' : 'NO'} (${r.received} received, ${r.receivedDistinct} distinct, ${r.missing} missing) | ${r.job.uncertain} | ` +
        `${r.checks.counters ? 'yes' : 'NO'} (${r.job.status} sent ${r.job.sent} succeeded ${r.job.succeeded} failed ${r.job.failed}) |`,
    );
  }
  for (const r of runs) log(`  ${r.vendor} vendor requests: ${JSON.stringify(r.requestsByRoute)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The campaign API at demo mode's 1 request/s, with and without a dashboard

interface DashboardQuery {
  startedAtMs: number;
  latencyMs: number;
  ok: boolean;
  error: string | null;
}

/** A client sending `DASHBOARD` once a second (each query on its own, not waiting for the last) until stopped. */
function startDashboard(url: () => string) {
  const queries: DashboardQuery[] = [];
  const pending = new Set<Promise<void>>();
  const one = async () => {
    const startedAtMs = Date.now();
    const t = performance.now();
    let ok = false;
    let error: string | null = null;
    try {
      const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify({ query: DASHBOARD }), signal: AbortSignal.timeout(30_000) });
      const body = (await res.json()) as { data?: { agents?: unknown }; errors?: Array<{ extensions?: { code?: string } }> };
      ok = res.status === 200 && !body.errors?.length && body.data?.agents != null;
      if (!ok) error = body.errors?.map((e) => e.extensions?.code ?? 'UNKNOWN').join('+') ?? `HTTP ${res.status}`;
    } catch (err) {
      error = `transport: ${(err as Error).name}`;
    }
    queries.push({ startedAtMs, latencyMs: performance.now() - t, ok, error });
  };
  const timer = setInterval(() => {
    const p = one().finally(() => pending.delete(p));
    pending.add(p);
  }, 1_000);
  return {
    queries,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

function dashboardFigures(queries: DashboardQuery[], from: number, to: number) {
  const q = queries.filter((x) => x.startedAtMs >= from && x.startedAtMs < to);
  const lat = q
    .filter((x) => x.ok)
    .map((x) => x.latencyMs)
    .sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const x of q) if (!x.ok) errors[x.error ?? '?'] = (errors[x.error ?? '?'] ?? 0) + 1;
  // The three slowest, with when in the window they were sent: tells a cold first query from a slow steady state.
  const slowest = [...q]
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, 3)
    .map((x) => ({ atS: (x.startedAtMs - from) / 1000, ms: x.latencyMs }));
  return { queries: q.length, answered: lat.length, answeredShare: q.length ? lat.length / q.length : Number.NaN, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), slowest, errors };
}

interface SimRequestLite {
  receivedAtMs: number;
  method: string;
  path: string;
  status: number;
}

function vendorWindow(requests: readonly SimRequestLite[], from: number, to: number) {
  const inWindow = requests.filter((r) => r.receivedAtMs >= from && r.receivedAtMs < to);
  const at = inWindow.map((r) => r.receivedAtMs).sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < at.length; i++) gap = Math.min(gap, at[i]! - at[i - 1]!);
  const addLeads = inWindow.filter((r) => /^\/api\/v2\/config\/campaigns\/[^/]+\/lead$/.test(r.path)).length;
  return {
    requests: inWindow.length,
    addLeads,
    other: inWindow.length - addLeads,
    requestsPerS: inWindow.length / ((to - from) / 1000),
    smallestGapMs: Number.isFinite(gap) ? gap : Number.NaN,
    status429: inWindow.filter((r) => r.status === 429).length,
  };
}

async function campaignApiWindows(stack: DemoStack, dir: string) {
  const run = VENDOR_RUNS[2];
  const csv = await writeCsv(path.join(dir, 'dialer-windows.csv'), { rows: ROWS }, 200_000);
  const sim = stack.sims.campaignApi;
  sim.clearRequests();
  const receivedBefore = leadImportsReceived(stack.sims, 'campaignApi').length;
  const url = () => stack.graphqlUrl;
  const created = await uploadCsv(url(), stack.campaigns[run.connectionId]!, csv.file, MAPPING_NO_EMAIL);
  // The window starts once the first row is settled (the job taken up, the connection logged in).
  const first = await jobUntil(url, created.id, 'the first campaign API row is settled', (j) => settled(j) >= 1 || ended(j), 60_000, 50);
  if (ended(first)) throw new Error(`the campaign API job ended at once: ${JSON.stringify(first)}`);
  const windows: Array<{ name: string; from: number; to: number; settledFrom: number; settledTo: number }> = [];
  const window = async (name: string) => {
    const from = Date.now();
    const before = await getJob(url(), created.id);
    await sleep(WINDOW_S * 1000); // a measurement window: its length is the figure's denominator
    const after = await getJob(url(), created.id);
    windows.push({ name, from, to: Date.now(), settledFrom: settled(before), settledTo: settled(after) });
  };
  log(`  window 1: the import alone, ${WINDOW_S} s`);
  await window('import alone');
  const dashboard = startDashboard(url);
  let cancelled: Job;
  try {
    log(`  window 2: the import and a dashboard (agents(first: 50) once a second), ${WINDOW_S} s`);
    await window('import + dashboard');
    const c = await gql<{ leadImportCancel: { job: Job | null; userErrors: unknown[] } }>(url(), CANCEL, { id: created.id });
    if (!c.leadImportCancel.job) throw new Error(`leadImportCancel: ${JSON.stringify(c.leadImportCancel.userErrors)}`);
    cancelled = await jobUntil(url, created.id, 'the campaign API import is cancelled', ended, 60_000, 100);
    log(`  window 3: the dashboard alone (the import cancelled: ${cancelled.status}, ${cancelled.sent} rows sent), ${WINDOW_S} s`);
    const from = Date.now();
    await sleep(WINDOW_S * 1000); // the baseline's measurement window
    windows.push({ name: 'dashboard alone (baseline)', from, to: Date.now(), settledFrom: settled(cancelled), settledTo: settled(cancelled) });
  } finally {
    await dashboard.stop();
  }
  const requests = sim.requests as SimRequestLite[];
  const received = leadImportsReceived(stack.sims, 'campaignApi').slice(receivedBefore);
  const rowsOf = (w: (typeof windows)[number]) => ({
    name: w.name,
    seconds: (w.to - w.from) / 1000,
    rowsSettled: w.settledTo - w.settledFrom,
    rowsPerS: (w.settledTo - w.settledFrom) / ((w.to - w.from) / 1000),
    vendor: vendorWindow(requests, w.from, w.to),
    dashboard: w.name === 'import alone' ? null : dashboardFigures(dashboard.queries, w.from, w.to),
  });
  const figures = windows.map(rowsOf);
  const all = vendorWindow(requests, windows[0]!.from, windows[windows.length - 1]!.to);
  const distinct = new Set(received);
  return {
    limiterRps: DEMO_LIMITER_RPS,
    windows: figures,
    wholeRun: all,
    job: cancelled,
    received: received.length,
    receivedDistinct: distinct.size,
    checks: {
      smallestGapAtLeast1s: all.smallestGapMs >= 1000 && all.status429 === 0,
      sentOnce: received.length === cancelled.sent && distinct.size === received.length,
      dashboardAnswered: figures.every((f) => !f.dashboard || f.dashboard.answered === f.dashboard.queries),
    },
  };
}

function printWindows(w: Awaited<ReturnType<typeof campaignApiWindows>>): void {
  log(
    `| window | seconds | rows settled | rows/s (floor 1.0; limiter max ${fmt(w.limiterRps, 3)}) | vendor requests (add-lead + other) | smallest gap ms | 429s | dashboard answered | dashboard p50 / p99 ms |`,
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const f of w.windows) {
    const d = f.dashboard;
    log(
      `| ${f.name} | ${fmt(f.seconds)} | ${f.rowsSettled} | ${fmt(f.rowsPerS, 3)} | ${f.vendor.requests} (${f.vendor.addLeads} + ${f.vendor.other}) | ${fmt(f.vendor.smallestGapMs, 0)} | ${f.vendor.status429} | ` +
        `${d ? `${d.answered}/${d.queries} (${fmt(100 * d.answeredShare, 1)}%)` : '-'} | ${d ? `${fmt(d.p50Ms, 1)} / ${fmt(d.p99Ms, 1)}` : '-'} |`,
    );
  }
  const withImport = w.windows.find((f) => f.name === 'import + dashboard')?.dashboard;
  const base = w.windows.find((f) => f.name.startsWith('dashboard alone'))?.dashboard;
  if (withImport && base) {
    const slow = (d: typeof base) => d.slowest.map((x) => `${fmt(x.ms, 0)} ms at ${fmt(x.atS, 0)} s`).join(', ');
    log(`  dashboard's slowest queries (sent at, from the window's start): with the import ${slow(withImport)}; without ${slow(base)}`);
    log(
      `  dashboard with the import / without (same run): p50 ${fmt(withImport.p50Ms / base.p50Ms, 2)}x, p99 ${fmt(withImport.p99Ms / base.p99Ms, 2)}x; errors ${JSON.stringify(withImport.errors)} / ${JSON.stringify(base.errors)}`,
    );
  }
  log(
    `  whole run: ${w.wholeRun.requests} requests to the campaign API, smallest gap ${fmt(w.wholeRun.smallestGapMs, 0)} ms, 429s ${w.wholeRun.status429}; ` +
      `job ${w.job.status} with ${w.job.sent} sent, ${w.job.succeeded} succeeded, ${w.job.uncertain} uncertain; the simulator received ${w.received} (${w.receivedDistinct} distinct)`,
  );
}

async function partVendors(dir: string) {
  log(
    `\npart 1: ${ROWS} rows into a campaign of each vendor, demo mode (simulators at 1 request/s; connections at rateLimit 1 request/s + ${DEMO_SPACING_MARGIN_MS} ms margin: at most ${fmt(DEMO_LIMITER_RPS, 3)}/s)`,
  );
  const demoRate = { rps: DEMO_RPS, marginMs: DEMO_SPACING_MARGIN_MS, label: `demo: 1/s + ${DEMO_SPACING_MARGIN_MS} ms` };
  const runs: RestartRun[] = [];
  let windows: Awaited<ReturnType<typeof campaignApiWindows>>;
  const demo = await startDemoStack({});
  try {
    for (const [i, run] of VENDOR_RUNS.slice(0, 2).entries()) {
      log(`  ${run.label}: ${ROWS} rows, restart at half ...`);
      runs.push(await restartRun(demo, run, ROWS, i * 100_000, dir, demoRate));
    }
    log(`  campaign API at demo mode's rate: three windows of ${WINDOW_S} s ...`);
    windows = await campaignApiWindows(demo, dir);
  } finally {
    await demo.close();
  }
  log(`  campaign API: ${ROWS} rows, restart at half, the connection at ${RAISED_RPS}/s and the simulator's limit off (RAISED, not demo mode's rate) ...`);
  const raised = await startDemoStack({ campaignApi: { requestsPerSecond: 0 } }, withRate('dialer-demo', RAISED_RPS));
  try {
    runs.push(await restartRun(raised, VENDOR_RUNS[2], ROWS, 300_000, dir, { rps: RAISED_RPS, marginMs: 0, label: `RAISED: ${RAISED_RPS}/s, simulator limit off` }));
  } finally {
    await raised.close();
  }
  log('');
  printRestartRuns(runs);
  log('');
  printWindows(windows);
  const ok = runs.every((r) => Object.values(r.checks).every(Boolean)) && Object.values(windows.checks).every(Boolean);
  return { runs, campaignApiAtDemoRate: windows, ok };
}

// ---------------------------------------------------------------------------------------------------------------
// Part big: the gateway's RSS while it takes and imports a large CSV

function rssSampler(pid: number) {
  const samples: Array<{ atMs: number; rss: number }> = [];
  const take = () => samples.push({ atMs: Date.now(), rss: rssBytes(pid) });
  take();
  const timer = setInterval(take, RSS_SAMPLE_MS);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function partBig(dir: string, children: ChildProcess[], stopping: () => boolean) {
  log(`\npart 2: a ${BIG_MB} MB CSV through a gateway in a child process into Ameyo (connection at ${RAISED_RPS}/s, simulator limit off), VmRSS every ${RSS_SAMPLE_MS} ms`);
  const t = performance.now();
  const csv = await writeCsv(path.join(dir, 'big.csv'), { bytes: BIG_MB * MB });
  log(`  generated ${csv.bytes} bytes, ${csv.rows} rows in ${fmt((performance.now() - t) / 1000)} s`);
  const sims = await startSimulators({ ameyo: { requestsPerSecond: 0 } });
  try {
    const dataDir = path.join(dir, 'big-data');
    const config = withRate('ameyo-demo', RAISED_RPS)(demoConfig(sims, 0, { dataDir }));
    const fileLimit = Math.max(256 * MB, 2 * csv.bytes);
    config.server = { ...config.server, uploads: { maxFileBytes: fileLimit } };
    config.imports = { maxFileBytes: fileLimit, maxRows: Math.max(1_000_000, 2 * csv.rows) };
    config.logging = { level: 'warn' };
    const configFile = path.join(dir, 'big.yaml');
    fs.writeFileSync(configFile, JSON.stringify(config)); // JSON is YAML
    const gw = await forkReady<{ url: string }>(path.join(__dirname, 'gatewayProcess.js'), [configFile], [], 'gateway', stopping);
    children.push(gw.child);
    const url = gw.ready.url;
    const pid = gw.child.pid!;
    // Warm: one campaigns query (the Campaign ids), then idle samples.
    const res = await gql<{ campaigns: { edges: Array<{ node: { id: string; connection: { id: string } } }> } }>(url, '{ campaigns(first: 100) { edges { node { id connection { id } } } } }');
    const campaignId = res.campaigns.edges.find((e) => e.node.connection.id === 'ameyo-demo')?.node.id;
    if (!campaignId) throw new Error('no Ameyo campaign in demo mode');
    const idleSampler = rssSampler(pid);
    await sleep(3_000); // idle samples for 3 s: the baseline's measurement window
    idleSampler.stop();
    const idle = median(idleSampler.samples.map((s) => s.rss));

    // The simulator keeps each request's body in its log: clear it as it goes (its count kept), the bench holds no more than it must.
    let vendorRequests = 0;
    const clearer = setInterval(() => {
      vendorRequests += sims.ameyo.requests.length;
      sims.ameyo.clearRequests();
    }, 2_000);
    const sampler = rssSampler(pid);
    const t0 = Date.now();
    let job: Job;
    let t1: number;
    try {
      const created = await uploadCsv(url, campaignId, csv.file, MAPPING);
      t1 = Date.now();
      log(`  uploaded and stored in ${fmt((t1 - t0) / 1000)} s (${fmt(csv.bytes / MB / ((t1 - t0) / 1000))} MB/s); job ${created.status}, total ${created.total}`);
      let lastLog = Date.now();
      job = await jobUntil(
        () => url,
        created.id,
        'the large import ends',
        (j) => {
          if (Date.now() - lastLog > 15_000) {
            lastLog = Date.now();
            log(`    ${settled(j)} of ${j.total} rows settled, ${fmt(settled(j) / ((Date.now() - t1) / 1000), 0)} rows/s, RSS ${mb(sampler.samples[sampler.samples.length - 1]!.rss)}`);
          }
          return ended(j);
        },
        2 * 60 * 60_000,
        250,
      );
    } finally {
      sampler.stop();
      clearInterval(clearer);
      vendorRequests += sims.ameyo.requests.length;
      sims.ameyo.clearRequests();
    }
    const t2 = Date.now();
    const upload = sampler.samples.filter((s) => s.atMs <= t1).map((s) => s.rss);
    const importing = sampler.samples.filter((s) => s.atMs > t1).map((s) => s.rss);
    const received = leadImportsReceived(sims, 'ameyo');
    const distinct = new Set(received);
    const figures = {
      fileBytes: csv.bytes,
      rows: csv.rows,
      uploadS: (t1 - t0) / 1000,
      uploadMBPerS: csv.bytes / MB / ((t1 - t0) / 1000),
      importS: (t2 - t1) / 1000,
      importRowsPerS: csv.rows / ((t2 - t1) / 1000),
      wallRowsPerS: csv.rows / ((t2 - t0) / 1000),
      vendorRequests,
      batches: sims.ameyo.state.uploadTasks.length,
      rssIdleBytes: idle,
      rssUploadPeakBytes: Math.max(...upload),
      rssImportPeakBytes: Math.max(...importing),
      rssImportSteadyBytes: median(importing),
      rssEndBytes: importing[importing.length - 1]!,
      samples: sampler.samples.length,
      job,
      received: received.length,
      receivedDistinct: distinct.size,
    };
    const checks = {
      exactlyOnce: received.length === csv.rows && distinct.size === csv.rows,
      noUncertain: job.uncertain === 0,
      counters: job.status === 'FINISHED' && job.total === csv.rows && job.succeeded === csv.rows,
    };
    log('');
    log(
      '| file | rows | upload + store s (MB/s) | import s | rows/s (import) | RSS idle | upload peak (x idle) | import peak (x idle) | import steady, median (x idle) | end | exactly once | uncertain |',
    );
    log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
    const x = (b: number) => `${mb(b)} (${fmt(b / idle, 2)}x)`;
    log(
      `| ${mb(csv.bytes)} | ${csv.rows} | ${fmt(figures.uploadS)} (${fmt(figures.uploadMBPerS)}) | ${fmt(figures.importS)} | ${fmt(figures.importRowsPerS, 0)} | ${mb(idle)} | ${x(figures.rssUploadPeakBytes)} | ` +
        `${x(figures.rssImportPeakBytes)} | ${x(figures.rssImportSteadyBytes)} | ${x(figures.rssEndBytes)} | ${checks.exactlyOnce ? 'yes' : 'NO'} (${received.length} received, ${distinct.size} distinct) | ${job.uncertain} |`,
    );
    log(
      `  ${figures.batches} upload tasks, ${vendorRequests} Ameyo requests (${fmt(vendorRequests / figures.batches, 2)} per batch); job ${job.status}, sent ${job.sent}, succeeded ${job.succeeded}, failed ${job.failed}`,
    );
    return { figures, checks, ok: Object.values(checks).every(Boolean) };
  } finally {
    await sims.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

function roundAll(v: unknown): unknown {
  if (typeof v === 'number') return round3(v);
  if (Array.isArray(v)) return v.map(roundAll);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundAll(x)]));
  return v;
}

const children: ChildProcess[] = [];
let stopping = false;

runBench('bench/imports', WATCHDOG_S, children, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-imports-files-'));
  try {
    const started = new Date();
    log(
      `bench/imports: nproc ${os.availableParallelism()}, node ${process.version}, ${os.arch()}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${started.toISOString()}`,
    );
    const out: Record<string, unknown> = {
      bench: 'imports',
      date: started.toISOString(),
      node: process.version,
      nproc: os.availableParallelism(),
      loadAverageAtStart: os.loadavg(),
      rows: ROWS,
      windowSeconds: WINDOW_S,
      raisedRps: RAISED_RPS,
    };
    let ok = true;
    if (PARTS.includes('vendors')) {
      const r = await partVendors(dir);
      out['vendors'] = r;
      ok &&= r.ok;
    }
    if (PARTS.includes('big')) {
      const r = await partBig(dir, children, () => stopping);
      out['big'] = r;
      ok &&= r.ok;
    }
    out['allChecksPassed'] = ok;
    out['seconds'] = (Date.now() - started.getTime()) / 1000;
    fs.mkdirSync(path.dirname(JSON_FILE), { recursive: true });
    fs.writeFileSync(JSON_FILE, `${JSON.stringify(roundAll(out), null, 1)}\n`);
    log(`\n${ok ? 'every check passed' : 'A CHECK FAILED'}; figures in ${path.relative(process.cwd(), JSON_FILE)}`);
    if (!ok) process.exitCode = 2;
  } finally {
    stopping = true;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
