/**
 * bench/upload: streams a generated CSV (default 200 MB) through the gateway's `contactsUpload` mutation to the
 * Ameyo simulator, beside a direct upload of the same file to the simulator in the same run, and prints the
 * throughput of both and the gateway's peak RSS growth during its upload.
 *
 * Targets (the project's issue): gateway RSS growth < 64 MB, and gateway throughput >= 70% of direct.
 *
 *   npm run bench:upload                       (builds with tsconfig.bench.json, then runs dist/bench/upload.js)
 *   BENCH_MB=50 BENCH_ROUNDS=3 npm run bench:upload
 *
 * Environment: BENCH_MB (file size in MB = 2^20 bytes, default 200), BENCH_ROUNDS (default 2; round 1 is the
 * warm-up and the verdict is taken from the later rounds), BENCH_TIMEOUT_S (whole-run watchdog, default 1800),
 * BENCH_KEEP_FILES=1 (keep the temp directory), BENCH_SAMPLES_FILE=path (write the gateway's memory samples
 * there as JSON: per round, {atS, rss, heapUsed, external} every 100 ms, atS from the sampler's start), BENCH_SIM_HEAP_MB (the simulator's --max-old-space-size,
 * default 16384: it parses the CSV whole), BENCH_UPSTREAM_HEADERS_MS (the gateway connection's `timeouts.headersMs`,
 * default 600000: the simulator answers only after parsing the whole CSV, ~15 s for 200 MB; the config default is 15000).
 *
 * Layout: three processes, all on 127.0.0.1. This one (client, sampler, report); the Ameyo simulator
 * (bench/simProcess.ts) and the gateway (bench/gatewayProcess.ts, src/cli.ts `run`) each in a child of its own,
 * so the gateway's RSS (its /metrics `switchboard_process_resident_memory_bytes`) holds only the gateway.
 * Exit code: 0 targets met, 2 a target missed, 1 the run failed (an upload refused, a check failed, a timeout).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { encodeGlobalId } from '../src/graphql/ids';
import { multipartStream } from '../src/upstream/multipart';
import { AMEYO_SIM_DEFAULTS } from '../sim/ameyo';
import { askChild, forkReady, stopChildProcess } from './child';
import { metric } from './stats';

const MB = 1024 * 1024;
const TARGET_RSS_GROWTH_MB = 64;
const TARGET_RATIO = 0.7;
const SAMPLE_EVERY_MS = 100;
const READ_CHUNK = 64 * 1024;
const API_KEY = `bench-${randomBytes(12).toString('hex')}`;
const CONNECTION_ID = 'ameyo-bench';
const CSV_HEADER = 'customer_name,phone1,email';
/** The Ameyo contact fields the CSV's columns fill (the rest of the simulator's header_mapping keys stay ""). */
const MAPPING: Record<string, string> = { name: 'customer_name', phone1: 'phone1', email: 'email' };
const AMEYO_FIELDS = ['name', 'phone1', 'phone2', 'phone3', 'phone4', 'phone5', 'email', 'twitter', 'facebook', 'timezone'];

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`expected ${name} to be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => bytes / MB;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

// ---------------------------------------------------------------------------------------------------------------
// The CSV

interface CsvFile {
  path: string;
  bytes: number;
  rows: number;
  sha256: string;
}

/** Writes `customer_name,phone1,email` and rows until the file reaches `targetBytes`, streaming (1 MB at a time). */
async function generateCsv(file: string, targetBytes: number): Promise<CsvFile> {
  const out = fs.createWriteStream(file);
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  const write = async (s: string) => {
    const buf = Buffer.from(s, 'utf8');
    hash.update(buf);
    bytes += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  await write(`${CSV_HEADER}\n`);
  while (bytes < targetBytes) {
    let chunk = '';
    while (chunk.length < MB && bytes + chunk.length < targetBytes) {
      const i = rows++;
      // Every row valid for the simulator: phone1 is + and 12 digits, the email has a dot in its domain.
      chunk += `Customer ${i},+91${9_000_000_000 + i},customer${i}@example.com\n`;
    }
    await write(chunk);
  }
  out.end();
  await once(out, 'close');
  return { path: file, bytes, rows, sha256: hash.digest('hex') };
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes

interface Children {
  sim: ChildProcess | null;
  gateway: ChildProcess | null;
}
const children: Children = { sim: null, gateway: null };

/** Sends `msg` to the simulator and resolves with its reply of type `replyType`. */
function askSim<T>(msg: { type: string }, replyType: string): Promise<T> {
  const sim = children.sim;
  if (!sim?.connected) return Promise.reject(new Error('the simulator process is gone'));
  return askChild<T>(sim, msg, replyType, 'the simulator', 60_000);
}

let shuttingDown = false;

// ---------------------------------------------------------------------------------------------------------------
// Uploads

interface UploadResult {
  status: number;
  text: string;
  /** Seconds from the request's start until its body was handed over whole. */
  bodySentS: number;
  /** Seconds from the request's start until the response was read whole. */
  totalS: number;
  /** Wall-clock ms (comparable with the simulator's) at the request's start. */
  startWallMs: number;
  /** Seconds from the request's start until the simulator had the whole body (set by checkSimTask). */
  arrivedS: number;
}

/** Yields the file from disk, 64 KB at a time, and notes when the last chunk has been taken. */
async function* fileChunks(file: string, onDone: () => void): AsyncGenerator<Buffer> {
  for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK })) yield chunk as Buffer;
  onDone();
}

async function timedPost(url: string, make: (onFileDone: () => void) => { headers: Record<string, string>; body: AsyncIterable<Buffer> }): Promise<UploadResult> {
  const t0 = performance.now();
  const startWallMs = performance.timeOrigin + t0;
  let sentAt = Number.NaN;
  let fileDoneAt = Number.NaN;
  const { headers, body } = make(() => {
    fileDoneAt = performance.now();
  });
  async function* tracked(): AsyncGenerator<Buffer> {
    yield* body;
    sentAt = performance.now();
  }
  const res = await request(url, { method: 'POST', headers, body: Readable.from(tracked(), { objectMode: false }), headersTimeout: 1_800_000, bodyTimeout: 1_800_000 });
  const text = await res.body.text();
  const end = performance.now();
  const sent = Number.isFinite(sentAt) ? sentAt : fileDoneAt;
  return { status: res.statusCode, text, bodySentS: (sent - t0) / 1000, totalS: (end - t0) / 1000, startWallMs, arrivedS: Number.NaN };
}

interface Target {
  simUrl: string;
  ccId: number;
  processId: string;
  leadId: string;
  graphqlUrl: string;
}

/** The upload the gateway makes, made by us: the same multipart body (src/upstream/multipart.ts), Basic auth. */
function directUpload(t: Target, csv: CsvFile): Promise<UploadResult> {
  const url = `${t.simUrl}/v1/cc-list/${t.ccId}/process-list/${encodeURIComponent(t.processId)}/leads/${encodeURIComponent(t.leadId)}/contact-upload-tasks`;
  const mapping = Object.fromEntries(AMEYO_FIELDS.map((f) => [f, MAPPING[f] ?? '']));
  const auth = `Basic ${Buffer.from(`${AMEYO_SIM_DEFAULTS.username}:${AMEYO_SIM_DEFAULTS.password}`).toString('base64')}`;
  return timedPost(url, (onDone) => {
    const mp = multipartStream([
      { name: 'user_id', value: 'bench' },
      { name: 'update_duplicate', value: 'false' },
      { name: 'churn_updated_records', value: 'false' },
      { name: 'migrate', value: 'false' },
      { name: 'header_mapping', value: JSON.stringify(mapping) },
      { name: 'file', filename: 'contacts.csv', contentType: 'text/csv', content: fileChunks(csv.path, onDone) },
    ]);
    return { headers: { authorization: auth, accept: '*/*', origin: new URL(t.simUrl).origin, 'content-type': mp.contentType }, body: mp.body };
  });
}

const UPLOAD_MUTATION = `mutation Upload($input: ContactsUploadInput!) {
  contactsUpload(input: $input) { task { id nativeId } userErrors { field message code } }
}`;

/** A GraphQL multipart request (operations, map, file part "0") streamed from disk, with its Content-Length. */
function gatewayUpload(t: Target, csv: CsvFile): Promise<UploadResult> {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const operations = JSON.stringify({
    query: UPLOAD_MUTATION,
    variables: {
      input: {
        campaignId: encodeGlobalId('Campaign', CONNECTION_ID, t.processId),
        leadListNativeId: t.leadId,
        file: null,
        headerMapping: Object.entries(MAPPING).map(([field, column]) => ({ field, column })),
        userNativeId: 'bench',
        updateDuplicates: false,
        churnUpdatedRecords: false,
        migrate: false,
      },
    },
  });
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n${JSON.stringify({ 0: ['variables.input.file'] })}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const headers = {
    authorization: `Bearer ${API_KEY}`,
    'apollo-require-preflight': 'true',
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(head.length + csv.bytes + tail.length),
    accept: 'application/json',
  };
  return timedPost(t.graphqlUrl, (onDone) => ({
    headers,
    body: (async function* () {
      yield head;
      yield* fileChunks(csv.path, onDone);
      yield tail;
    })(),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// The gateway's memory, from its own /metrics

interface MemSample {
  atS: number;
  rss: number;
  heapUsed: number;
  external: number;
}

async function readMem(metricsUrl: string, t0: number): Promise<MemSample> {
  const res = await request(metricsUrl, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}`);
  const rss = metric(text, 'switchboard_process_resident_memory_bytes');
  if (!Number.isFinite(rss)) throw new Error('GET /metrics has no switchboard_process_resident_memory_bytes');
  return {
    atS: (performance.now() - t0) / 1000,
    rss,
    heapUsed: metric(text, 'switchboard_nodejs_heap_size_used_bytes'),
    external: metric(text, 'switchboard_nodejs_external_memory_bytes'),
  };
}

/** Samples every 100 ms until `stop()`; resolves with the samples. */
function startSampler(metricsUrl: string, t0: number): { stop(): Promise<MemSample[]> } {
  const samples: MemSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        samples.push(await readMem(metricsUrl, t0));
      } catch (err) {
        if (!shuttingDown) process.stderr.write(`[bench] a /metrics sample failed: ${(err as Error).message}\n`);
      }
      await sleep(Math.max(0, SAMPLE_EVERY_MS - (performance.now() - started)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

interface SimTask {
  taskId: string;
  byteLength: number;
  sha256: string;
  rowCount: number;
  badRows: number;
}

/** Checks the simulator's newest task against the file, and notes in `r` when the simulator had the whole body. */
async function checkSimTask(r: UploadResult, taskId: string, csv: CsvFile, what: string): Promise<void> {
  const { task, body } = await askSim<{ task: SimTask | null; body: { headAtMs: number; endAtMs: number | null } | null }>({ type: 'lastTask' }, 'lastTask');
  if (body?.endAtMs != null && body.headAtMs >= r.startWallMs - 1) r.arrivedS = (body.endAtMs - r.startWallMs) / 1000;
  if (!task) throw new Error(`${what}: the simulator has no upload task`);
  const problems: string[] = [];
  if (task.taskId !== taskId) problems.push(`task id ${task.taskId}, answered ${taskId}`);
  if (task.byteLength !== csv.bytes) problems.push(`the simulator got ${task.byteLength} bytes of ${csv.bytes}`);
  if (task.sha256 !== csv.sha256) problems.push('the file the simulator got differs from the one sent (sha256)');
  if (task.rowCount !== csv.rows) problems.push(`${task.rowCount} rows of ${csv.rows}`);
  if (task.badRows !== 0) problems.push(`${task.badRows} rows refused`);
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
}

function directTaskId(r: UploadResult): string {
  if (r.status !== 200) throw new Error(`direct upload: the simulator answered ${r.status}: ${r.text.slice(0, 500)}`);
  // The task id may exceed 2^53: read its digits, not a JSON number.
  const m = /"task_id"\s*:\s*"?(\d+)/.exec(r.text);
  if (!m) throw new Error(`direct upload: no task_id in ${r.text.slice(0, 500)}`);
  return m[1]!;
}

function gatewayTaskId(r: UploadResult): string {
  let body: { data?: { contactsUpload?: { task: { id: string; nativeId: string } | null; userErrors: unknown[] } }; errors?: unknown[] };
  try {
    body = JSON.parse(r.text) as typeof body;
  } catch {
    throw new Error(`gateway upload: answered ${r.status} with a body that is not JSON: ${r.text.slice(0, 500)}`);
  }
  if (r.status !== 200 || body.errors?.length) throw new Error(`gateway upload: answered ${r.status}: ${r.text.slice(0, 1000)}`);
  const payload = body.data?.contactsUpload;
  if (!payload) throw new Error(`gateway upload: no contactsUpload in ${r.text.slice(0, 500)}`);
  if (payload.userErrors.length) throw new Error(`gateway upload: userErrors ${JSON.stringify(payload.userErrors)}`);
  if (!payload.task?.nativeId || !payload.task.id) throw new Error(`gateway upload: no task in ${r.text.slice(0, 500)}`);
  return payload.task.nativeId;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

interface RoundResult {
  round: number;
  order: string;
  direct: UploadResult;
  gateway: UploadResult;
  rssBefore: number;
  rssPeak: number;
  heapBefore: number;
  heapPeak: number;
  externalBefore: number;
  externalPeak: number;
  samples: number;
  rssAfter: number;
}

async function runGatewayUpload(t: Target, csv: CsvFile, metricsUrl: string) {
  // "Before": the last of a few samples taken while the gateway is idle.
  const t0 = performance.now();
  let before = await readMem(metricsUrl, t0);
  for (let i = 0; i < 4; i++) {
    await sleep(SAMPLE_EVERY_MS);
    before = await readMem(metricsUrl, t0);
  }
  const sampler = startSampler(metricsUrl, t0);
  let result: UploadResult;
  let samples: MemSample[];
  try {
    result = await gatewayUpload(t, csv);
  } finally {
    samples = await sampler.stop();
  }
  const after = await readMem(metricsUrl, t0);
  const all = [...samples, after];
  return {
    result,
    before,
    samples: samples.length,
    series: [before, ...samples, after],
    rssPeak: Math.max(...all.map((s) => s.rss)),
    heapPeak: Math.max(...all.map((s) => s.heapUsed)),
    externalPeak: Math.max(...all.map((s) => s.external)),
    after,
  };
}

async function main(): Promise<number> {
  const fileMb = envInt('BENCH_MB', 200, 1);
  const rounds = envInt('BENCH_ROUNDS', 2, 1);
  const simHeapMb = envInt('BENCH_SIM_HEAP_MB', 16_384, 512);
  // The gateway's default (15 s): an upload's own deadline, not this, bounds the wait for Ameyo's answer.
  const upstreamHeadersMs = envInt('BENCH_UPSTREAM_HEADERS_MS', 15_000, 1);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-upload-'));
  tmpDir = tmp;
  try {
    process.stdout.write(`bench/upload: ${fileMb} MB CSV, ${rounds} round(s) (round 1 is the warm-up${rounds === 1 ? ' and the only one' : ''}); MB = 2^20 bytes\n`);
    const t = performance.now();
    const csv = await generateCsv(path.join(tmp, 'contacts.csv'), fileMb * MB);
    process.stdout.write(`  generated ${csv.bytes} bytes, ${csv.rows} rows in ${fmt((performance.now() - t) / 1000)} s\n`);

    // The simulator, then the gateway pointed at it.
    const sim = await forkReady<{ url: string; ccId: number; processId: string; leadId: string }>(
      path.join(__dirname, 'simProcess.js'),
      [],
      [`--max-old-space-size=${simHeapMb}`],
      'sim',
      () => shuttingDown,
    );
    children.sim = sim.child;
    const config = {
      server: {
        host: '127.0.0.1',
        port: 0,
        ide: false,
        uploads: { maxFileBytes: Math.max(512 * MB, 2 * csv.bytes), maxFiles: 1 },
      },
      logging: { level: 'warn' },
      tenants: [
        {
          id: 'bench',
          apiKeys: [API_KEY],
          connections: [
            {
              id: CONNECTION_ID,
              vendor: 'ameyo',
              ccId: sim.ready.ccId,
              baseUrls: { cms: sim.ready.url, dataEngine: sim.ready.url, appServer: sim.ready.url },
              credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
              rateLimit: { requestsPerSecond: 1000 },
              // The simulator parses the whole CSV before it answers: allow it time before the headers.
              timeouts: { connectMs: 5_000, headersMs: upstreamHeadersMs, requestMs: 30_000 },
            },
          ],
        },
      ],
    };
    const configFile = path.join(tmp, 'switchboard.yaml');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    const gw = await forkReady<{ url: string }>(path.join(__dirname, 'gatewayProcess.js'), [configFile], [], 'gateway', () => shuttingDown);
    children.gateway = gw.child;
    const graphqlUrl = gw.ready.url;
    const origin = new URL(graphqlUrl).origin;
    const health = await request(`${origin}/healthz`);
    await health.body.text();
    if (health.statusCode !== 200) throw new Error(`gateway /healthz answered ${health.statusCode}`);
    const metricsUrl = `${origin}/metrics`;
    const target: Target = { simUrl: sim.ready.url, ccId: sim.ready.ccId, processId: sim.ready.processId, leadId: sim.ready.leadId, graphqlUrl };
    process.stdout.write(`  simulator ${sim.ready.url} (process ${target.processId}, lead list ${target.leadId}); gateway ${graphqlUrl} (pid ${gw.child.pid})\n\n`);

    const results: RoundResult[] = [];
    const series: Array<{ round: number; startS: number; samples: MemSample[] }> = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate the order so neither side always follows the other's leftovers in the simulator.
      const gatewayFirst = round % 2 === 0;
      let direct: UploadResult | null = null;
      let gateway: Awaited<ReturnType<typeof runGatewayUpload>> | null = null;
      for (const side of gatewayFirst ? ['gateway', 'direct'] : ['direct', 'gateway']) {
        await askSim({ type: 'clear' }, 'cleared');
        await sleep(500);
        if (side === 'direct') {
          direct = await directUpload(target, csv);
          await checkSimTask(direct, directTaskId(direct), csv, `round ${round}, direct`);
        } else {
          gateway = await runGatewayUpload(target, csv, metricsUrl);
          series.push({ round, startS: gateway.result.startWallMs / 1000, samples: gateway.series });
          await checkSimTask(gateway.result, gatewayTaskId(gateway.result), csv, `round ${round}, via gateway`);
        }
        const r = side === 'direct' ? direct! : gateway!.result;
        process.stdout.write(
          `  round ${round} ${side.padEnd(7)} ${fmt(r.totalS, 2)} s to response (${fmt(mb(csv.bytes) / r.totalS)} MB/s); client body sent at ${fmt(r.bodySentS, 2)} s, ` +
            `simulator had it all at ${fmt(r.arrivedS, 2)} s (${fmt(mb(csv.bytes) / r.arrivedS)} MB/s)` +
            (side === 'gateway' ? `, RSS ${fmt(mb(gateway!.before.rss))} -> peak ${fmt(mb(gateway!.rssPeak))} MB (${gateway!.samples} samples)` : '') +
            '\n',
        );
      }
      results.push({
        round,
        order: gatewayFirst ? 'gateway, direct' : 'direct, gateway',
        direct: direct!,
        gateway: gateway!.result,
        rssBefore: gateway!.before.rss,
        rssPeak: gateway!.rssPeak,
        heapBefore: gateway!.before.heapUsed,
        heapPeak: gateway!.heapPeak,
        externalBefore: gateway!.before.external,
        externalPeak: gateway!.externalPeak,
        samples: gateway!.samples,
        rssAfter: gateway!.after.rss,
      });
    }
    await askSim({ type: 'clear' }, 'cleared');

    const samplesFile = process.env['BENCH_SAMPLES_FILE'];
    if (samplesFile) {
      fs.writeFileSync(samplesFile, JSON.stringify({ fileBytes: csv.bytes, rounds: series }, null, 1));
      process.stdout.write(`  gateway memory samples written to ${samplesFile}\n`);
    }
    return report(csv, results);
  } finally {
    await killAll();
  }
}

function report(csv: CsvFile, results: RoundResult[]): number {
  const size = mb(csv.bytes);
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('');
  lines.push(`File: ${csv.bytes} bytes (${fmt(size)} MB), ${csv.rows} rows + header. MB = 2^20 bytes.`);
  lines.push('  seconds / MB/s:   request start to the whole response (what a client waits for; includes the simulator parsing the CSV)');
  lines.push('  transfer s / MB/s: request start until the simulator had the whole file (the streaming path alone)');
  lines.push('  sim s:            the simulator handling the complete body (its CSV parse) until the response was read');
  lines.push('');
  row([
    'round',
    'path',
    'bytes',
    'seconds',
    'MB/s',
    'transfer s',
    'transfer MB/s',
    'sim s',
    'gateway RSS before MB',
    'peak MB',
    'growth MB',
    'heap used before/peak MB',
    'external before/peak MB',
    'samples',
  ]);
  row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
  for (const r of results) {
    const label = `${r.round}${r.round === 1 && results.length > 1 ? ' (warm-up)' : ''}`;
    const common = (u: UploadResult) => [String(csv.bytes), fmt(u.totalS, 2), fmt(size / u.totalS), fmt(u.arrivedS, 2), fmt(size / u.arrivedS), fmt(u.totalS - u.arrivedS, 2)];
    row([label, 'direct', ...common(r.direct), '', '', '', '', '', '']);
    row([
      label,
      'via gateway',
      ...common(r.gateway),
      fmt(mb(r.rssBefore)),
      fmt(mb(r.rssPeak)),
      fmt(mb(r.rssPeak - r.rssBefore)),
      `${fmt(mb(r.heapBefore))} / ${fmt(mb(r.heapPeak))}`,
      `${fmt(mb(r.externalBefore))} / ${fmt(mb(r.externalPeak))}`,
      String(r.samples),
    ]);
  }
  // The verdict: the rounds after the warm-up (all of them when there is only one).
  const measured = results.length > 1 ? results.slice(1) : results;
  const sum = (f: (r: RoundResult) => number) => measured.reduce((s, r) => s + f(r), 0);
  const n = measured.length;
  const directS = sum((r) => r.direct.totalS);
  const gatewayS = sum((r) => r.gateway.totalS);
  const directXfer = sum((r) => r.direct.arrivedS);
  const gatewayXfer = sum((r) => r.gateway.arrivedS);
  // Same bytes on each side: the throughput ratio is the inverse ratio of the times.
  const ratio = directS / gatewayS;
  const xferRatio = directXfer / gatewayXfer;
  const growth = Math.max(...measured.map((r) => r.rssPeak - r.rssBefore));
  const growthAll = Math.max(...results.map((r) => r.rssPeak - r.rssBefore));
  const which = results.length > 1 ? `round${n > 1 ? 's' : ''} ${measured.map((r) => r.round).join(', ')}, after the warm-up` : 'round 1';
  const rssOk = mb(growth) < TARGET_RSS_GROWTH_MB;
  const ratioOk = ratio >= TARGET_RATIO;
  const xferOk = xferRatio >= TARGET_RATIO;
  lines.push('');
  lines.push(`Verdict (${which}):`);
  lines.push(
    `  throughput, end to end   direct ${fmt((size * n) / directS)} MB/s, via gateway ${fmt((size * n) / gatewayS)} MB/s: ${fmt(ratio * 100)}% of direct ` +
      `(target >= ${TARGET_RATIO * 100}%)  ${ratioOk ? 'PASS' : 'FAIL'}`,
  );
  lines.push(
    `  throughput, transfer     direct ${fmt((size * n) / directXfer)} MB/s, via gateway ${fmt((size * n) / gatewayXfer)} MB/s: ${fmt(xferRatio * 100)}% of direct ` +
      `(same target, without the simulator's CSV parse)  ${xferOk ? 'PASS' : 'FAIL'}`,
  );
  lines.push(
    `  memory                   gateway peak RSS growth ${fmt(mb(growth))} MB (target < ${TARGET_RSS_GROWTH_MB} MB)  ${rssOk ? 'PASS' : 'FAIL'}` +
      (results.length > 1 ? `   [warm-up included: ${fmt(mb(growthAll))} MB]` : ''),
  );
  lines.push(`  checks                   every upload answered a task id, no userErrors, and the simulator got all ${csv.bytes} bytes (sha256 match) and ${csv.rows} rows, none refused`);
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
  return rssOk && ratioOk && xferOk ? 0 : 2;
}

// ---------------------------------------------------------------------------------------------------------------

let tmpDir: string | null = null;

/** Stops both children and removes the temp directory (the CSV and the config). Safe to call twice. */
async function killAll(): Promise<void> {
  shuttingDown = true;
  await Promise.all([stopChildProcess(children.gateway), stopChildProcess(children.sim)]);
  if (tmpDir) {
    if (process.env['BENCH_KEEP_FILES'] === '1') process.stderr.write(`[bench] kept ${tmpDir}\n`);
    else fs.rmSync(tmpDir, { recursive: true, force: true });
    tmpDir = null;
  }
}

const timeoutS = envInt('BENCH_TIMEOUT_S', 1_800, 10);
const watchdog = setTimeout(() => {
  process.stderr.write(`bench/upload: gave up after ${timeoutS} s\n`);
  void killAll().finally(() => process.exit(1));
}, timeoutS * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench/upload: ${signal}, stopping\n`);
    void killAll().finally(() => process.exit(130));
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`bench/upload: failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(watchdog);
    // undici keeps idle sockets for a while; nothing else should hold the process.
    setTimeout(() => process.exit(), 100).unref();
  });
