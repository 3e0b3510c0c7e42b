/**
 * Not public API. The fleet suite's harness (issue 14), in one place: gateways as operators run them
 * (`node dist/src/main.js --config FILE`, each in a process of its own, so a test can SIGKILL one), a Redis
 * server of the test's own for the outage test, the tenants' config, polling clients, and the figures the
 * tests assert on (the simulator's smallest gap between requests).
 *
 * Redis: the shared one at `REDIS_URL` (default redis://127.0.0.1:6379; `.ci/run` starts one when none
 * answers) for the normal tests, each with a `state.redis.keyPrefix` of its own so nothing collides; the
 * outage test starts `redis-server` itself on a free port (`startRedisServer`), so stopping it never touches
 * the machine's Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { stringify as toYaml } from 'yaml';
import type { Simulators } from '../../sim';
import type { ConfigInput } from '../../src/config/schema';
import { encodeGlobalId } from '../../src/graphql/ids';
import { ensureBuilt } from '../support/builtGateway';
import { withoutRequestIds } from '../support/graphqlBody';
import { connectionsFor } from '../support/stack';
import { waitUntil } from '../support/wait';

export { ensureBuilt, waitUntil };

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

export const APPS_KEY = 'fleet-key-apps-tenant-0001';
export const DIAL_KEY = 'fleet-key-dial-tenant-0002';

/** The shared Redis of the normal tests. */
export const redisUrl = (): string => process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

let prefixes = 0;
/** A key prefix (`state.redis.keyPrefix`: at most 64 of A-Z a-z 0-9 : _ . -) no other test, run or machine sharing the Redis uses. */
export const uniquePrefix = (label: string): string => `sb-fleet-test:${label}:${process.pid}.${Date.now().toString(36)}.${++prefixes}:`;

/** Deletes every key under `prefix` (the records a test left behind); never touches another key. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True when a Redis server answers PING on `port` (RESP over a raw socket: no client library, no retries). */
export function redisAnswers(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let got = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

/** A `redis-server` child of the test's own, on one port for its whole life: stop it and start it again there. */
export interface RedisServer {
  port: number;
  url: string;
  /** Output of every start, for a failure message. */
  output(): string;
  /** SIGTERM, then waits for the exit (and SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved); resolves once it answers PING. */
  start(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const start = async () => {
    // `--save ""` and `--appendonly no`: nothing on disk, so a restart starts empty, as a lost Redis does.
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    c.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    let gone = false;
    exited = new Promise<void>((resolve) => {
      c.once('exit', () => {
        gone = true;
        resolve();
      });
      c.once('error', (err) => {
        out += `\nspawn failed: ${err.message}`;
        gone = true;
        resolve();
      });
    });
    await waitUntil(
      `redis-server answers on port ${port}`,
      async () => {
        if (gone) throw new Error(`redis-server exited before it answered on port ${port}: ${out.slice(-2000)}`);
        return redisAnswers(port);
      },
      15_000,
    );
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    c.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, output: () => out, stop, start };
}

export interface GqlAnswer {
  status: number;
  /** The body without `extensions.requestId` (each checked against the answer's x-request-id). */
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> };
}

/** A gateway process started from a config file. */
export interface GatewayProcess {
  name: string;
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  graphqlUrl: string;
  /** Every line it wrote, stdout and stderr, as written. */
  lines: string[];
  /** Its stdout lines that are JSON (the log). */
  logs: Array<Record<string, any>>;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  gql(query: string, variables?: Record<string, unknown>, apiKey?: string): Promise<GqlAnswer>;
  readyz(): Promise<{ status: number; body: any }>;
  /** Sends `signal` and waits for the exit (SIGKILL after 15 s). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A temporary directory removed by `removeDir`. */
export const tempDir = (label: string): string => mkdtempSync(path.join(os.tmpdir(), `switchboard-fleet-${label}-`));
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/**
 * Writes `config` as YAML to `<dir>/<name>.yaml` and starts `node dist/src/main.js --config` on it, with
 * `dir` as its working directory (so a default `./data` lands there); resolves once it logged
 * "switchboard started".
 */
export async function startGatewayProcess(name: string, config: ConfigInput, dir: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  ensureBuilt();
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, toYaml(config));
  const child = spawn(process.execPath, [MAIN, '--config', file], {
    cwd: dir,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const logs: Array<Record<string, any>> = [];
  let gone = false;
  // 'close', not 'exit': resolves once stdout and stderr are read to the end, so `lines` then holds every line.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }),
  );
  const reader = (stream: NodeJS.ReadableStream, json: boolean) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (s: string) => {
      const parts = (rest + s).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (!line) continue;
        lines.push(line);
        if (json && line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line));
          } catch {
            /* not a log line */
          }
        }
      }
    });
    stream.on('end', () => {
      if (rest) lines.push(rest);
    });
  };
  reader(child.stdout, true);
  reader(child.stderr, false);
  await waitUntil(
    `gateway ${name} logged "switchboard started"`,
    () => {
      if (gone) throw new Error(`gateway ${name} exited before it started:\n${lines.join('\n')}`);
      return logs.some((l) => l['msg'] === 'switchboard started');
    },
    60_000,
  );
  const graphqlUrl = String(logs.find((l) => l['msg'] === 'switchboard started')!['url']);
  const url = graphqlUrl.replace(/\/graphql$/, '');
  return {
    name,
    child,
    url,
    graphqlUrl,
    lines,
    logs,
    exited,
    hasExited: () => gone,
    async gql(query, variables = {}, apiKey = APPS_KEY) {
      const res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: GqlAnswer['body'];
      try {
        body = JSON.parse(text) as GqlAnswer['body'];
      } catch {
        throw new Error(`gateway ${name} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
      }
      return { status: res.status, body: withoutRequestIds(body, res.headers.get('x-request-id')) };
    },
    async readyz() {
      const res = await fetch(`${url}/readyz`);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* kept as text */
      }
      return { status: res.status, body };
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!gone) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.kill(signal);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}

type ConnectionInput = ReturnType<typeof connectionsFor>[number];

/**
 * Two tenants on the simulators: `tenant-apps` with only the Apps API connection `apps-a` (so `agents`
 * reaches that one vendor only), at the vendor's 1 request/s unless `apps` says otherwise; `tenant-dial` with
 * only the Ameyo connection `ameyo-a` (callDial), whose budget never holds a dial back.
 */
export function fleetConfig(
  sims: Simulators,
  opts: { state?: Record<string, unknown>; server?: ConfigInput['server']; apps?: Partial<ConnectionInput>; ameyo?: Partial<ConnectionInput> } = {},
): ConfigInput {
  const [ameyo, apps] = connectionsFor(sims);
  return {
    server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1_000, ...(opts.server ?? {}) },
    ...(opts.state ? { state: opts.state } : {}),
    tenants: [
      { id: 'tenant-apps', apiKeys: [APPS_KEY], connections: [{ ...apps!, ...(opts.apps ?? {}) } as ConnectionInput] },
      {
        id: 'tenant-dial',
        apiKeys: [DIAL_KEY],
        connections: [{ ...ameyo!, rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 }, cacheTtlMs: 0, ...(opts.ameyo ?? {}) } as ConnectionInput],
      },
    ],
  };
}

export const DIAL_MUTATION = 'mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { id accepted vendorReason } userErrors { field message code } } }';

/** A callDial input for a Ready agent of the Ameyo simulator (the dial succeeds), under `idempotencyKey`. */
export function dialInput(sims: Simulators, idempotencyKey: string, phoneNumber = '+14155550161') {
  const session = sims.ameyo.state.sessions.find((s) => s.userStatus === 'Ready');
  if (!session) throw new Error('the Ameyo simulator has no Ready agent');
  // One ID model (issue 15): the campaign's global id says the connection.
  return { agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId), campaignId: encodeGlobalId('Campaign', 'ameyo-a', String(session.campaignId)), phoneNumber, idempotencyKey };
}

/** The dial commands the Ameyo simulator received (whatever became of them). */
export const dialRequests = (sims: Simulators) => sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess/command'));

/** A dial the vendor accepted, as the gateway answers it. */
export const DIAL_ACCEPTED = { data: { callDial: { dialAttempt: { id: expect.any(String), accepted: true, vendorReason: 'success' }, userErrors: [] } } };

export const AGENTS_QUERY = '{ agents(first: 5) { totalCount edges { node { id name status } } } }';

/** The smallest gap between consecutive requests of a simulator log, ms (Infinity with fewer than two). */
export function smallestGapMs(requests: ReadonlyArray<{ receivedAtMs: number }>): number {
  const at = requests.map((r) => r.receivedAtMs).sort((a, b) => a - b);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < at.length; i++) min = Math.min(min, at[i]! - at[i - 1]!);
  return min;
}

/** One poll's outcome. */
export interface PollResult {
  client: number;
  gateway: string;
  startedAtMs: number;
  latencyMs: number;
  /** HTTP status; 0 when the request itself failed (connection refused, reset). */
  status: number;
  /** `extensions.code`s of the answer's errors (or the transport error's message). */
  errors: string[];
  body: GqlAnswer['body'] | null;
}

export const isClean = (r: PollResult): boolean => r.status === 200 && r.errors.length === 0;

/**
 * `clients` clients, client i on `gateways[i % n]`, each sending `query` about every `intervalMs` (its start
 * offset spread over the first interval), until `stop()`; `results` fills as answers arrive.
 */
export function startPollers(gateways: GatewayProcess[], clients: number, opts: { query?: string; apiKey?: string; intervalMs?: number } = {}) {
  const { query = AGENTS_QUERY, apiKey = APPS_KEY, intervalMs = 1_000 } = opts;
  const results: PollResult[] = [];
  let stopping = false;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const loops = Array.from({ length: clients }, async (_, i) => {
    const gw = gateways[i % gateways.length]!;
    await sleep((i * intervalMs) / clients);
    while (!stopping) {
      const started = performance.now();
      const startedAtMs = performance.timeOrigin + started;
      try {
        const res = await gw.gql(query, {}, apiKey);
        results.push({
          client: i,
          gateway: gw.name,
          startedAtMs,
          latencyMs: performance.now() - started,
          status: res.status,
          errors: (res.body.errors ?? []).map((e) => String(e.extensions?.['code'] ?? e.message)),
          body: res.body,
        });
      } catch (err) {
        results.push({ client: i, gateway: gw.name, startedAtMs, latencyMs: performance.now() - started, status: 0, errors: [String((err as Error).message)], body: null });
      }
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0 && !stopping) await sleep(wait);
    }
  });
  return {
    results,
    /** Stops sending and waits for the requests in flight. */
    async stop(): Promise<PollResult[]> {
      stopping = true;
      await Promise.all(loops);
      return results;
    },
  };
}

/** A short description of the answers that were not clean, for a failure message. */
export function describeFailures(results: PollResult[], max = 5): string {
  const bad = results.filter((r) => !isClean(r));
  const byKind = new Map<string, number>();
  for (const r of bad) byKind.set(`${r.status} ${r.errors.join(',')}`, (byKind.get(`${r.status} ${r.errors.join(',')}`) ?? 0) + 1);
  return `${bad.length} of ${results.length} answers were not clean: ${JSON.stringify(Object.fromEntries(byKind))}; first: ${JSON.stringify(bad.slice(0, max).map((r) => ({ gateway: r.gateway, status: r.status, body: r.body })))}`;
}
