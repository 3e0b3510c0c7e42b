/**
 * Test support: the simulators and a gateway on them, over real sockets, with the gateway's log lines
 * captured. `startStack` registers nothing globally; callers close it in `afterAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { simulatorConnections, startSimulators, type Simulators, type SimulatorsOptions } from '../../sim';
import { resolveConfig } from '../../src/config/load';
import type { ConfigInput } from '../../src/config/schema';
import { createLogger } from '../../src/logger';
import { startGateway, type Gateway } from '../../src/http/server';
import { withoutRequestIds } from './graphqlBody';

export const KEY_A = 'test-key-tenant-a-0001';
export const KEY_B = 'test-key-tenant-b-0002';

type ConnectionInput = NonNullable<ConfigInput['tenants'][number]['connections']>[number];
type ConnectionOverrides = Partial<Record<'rateLimit' | 'timeouts' | 'cacheTtlMs', unknown>>;

/** Tenant A's connections, one per registered vendor (`ameyo-a`, `apps-a`, `dialer-a`, ...), pointing at `sims`. */
export function connectionsFor(sims: Simulators, overrides: ConnectionOverrides = {}): ConnectionInput[] {
  return simulatorConnections(sims, '-a').map((c) => ({ ...c, ...overrides }) as ConnectionInput);
}

export interface StackOptions {
  sims?: SimulatorsOptions;
  /** Applied to every connection of tenant A. */
  connection?: ConnectionOverrides;
  /** Extra server settings. */
  server?: ConfigInput['server'];
  /** Tenants besides A; gets the simulators so it can point at them. */
  moreTenants?: (sims: Simulators) => ConfigInput['tenants'];
  /** Tenant A's `auth` block (end-user tokens, issue 13). Default: none (API keys only). */
  tenantAuth?: ConfigInput['tenants'][number]['auth'];
  /** The `state` block. Default: the embedded store in a temporary directory of the stack's own. */
  state?: ConfigInput['state'];
  /** Changes tenant A's connections (after `connection`): add fields, add connections. */
  patchConnections?: (connections: ConnectionInput[], sims: Simulators) => ConnectionInput[];
  /**
   * The freshness engine's settings (`live`). Default `{ queryInterestMs: 0 }`: queries start no poller, so the
   * tests that count vendor requests see only their own (the live tests turn it on).
   */
  live?: ConfigInput['live'];
  /** The `imports` block (CSV lead imports). Default the gateway's. */
  imports?: ConfigInput['imports'];
}

export interface GqlResult {
  status: number;
  headers: Headers;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> };
}

export interface Stack {
  sims: Simulators;
  gateway: Gateway;
  graphqlUrl: string;
  /** Every line the gateway logged, parsed. */
  logs: Array<Record<string, any>>;
  /** POSTs `query` to `/graphql` as tenant A (or `apiKey`; null: none), naming `operationName` when given. */
  gql(query: string, opts?: { variables?: Record<string, unknown>; operationName?: string; apiKey?: string | null; headers?: Record<string, string> }): Promise<GqlResult>;
  /**
   * Stops the gateway as SIGTERM does (graceful) and starts a new one with the same config and state directory, on
   * a new port (`gateway` and `graphqlUrl` follow): a restart, with the simulators and their state untouched.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const sims = await startSimulators(opts.sims);
  const logs: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      cb();
    },
  });
  // Each stack has its own embedded store: test files run in parallel and reuse idempotency keys.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const config = resolveConfig({
    server: { host: '127.0.0.1', port: 0, ...(opts.server ?? {}) },
    state: opts.state ?? { dataDir },
    live: opts.live ?? { queryInterestMs: 0 },
    ...(opts.imports ? { imports: opts.imports } : {}),
    tenants: [
      { id: 'tenant-a', apiKeys: [KEY_A], connections: (opts.patchConnections ?? ((c) => c))(connectionsFor(sims, opts.connection), sims), ...(opts.tenantAuth ? { auth: opts.tenantAuth } : {}) },
      ...(opts.moreTenants?.(sims) ?? []),
    ],
  });
  const stack: Stack = {
    sims,
    gateway: await startGateway(config, { logger: createLogger('info', sink) }),
    graphqlUrl: '',
    logs,
    async gql(query, o = {}) {
      const apiKey = o.apiKey === undefined ? KEY_A : o.apiKey;
      const res = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // What Apollo Client 4 and graphql-http send: request errors answer 400 in this media type.
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          ...(o.headers ?? {}),
        },
        body: JSON.stringify({ query, variables: o.variables ?? {}, ...(o.operationName ? { operationName: o.operationName } : {}) }),
      });
      // Error bodies compare exactly without the per-request id; it must name this answer's x-request-id.
      return { status: res.status, headers: res.headers, body: withoutRequestIds((await res.json()) as GqlResult['body'], res.headers.get('x-request-id')) };
    },
    async restart() {
      await stack.gateway.close();
      stack.gateway = await startGateway(config, { logger: createLogger('info', sink) });
      stack.graphqlUrl = `${stack.gateway.url}/graphql`;
    },
    async close() {
      await stack.gateway.close();
      await sims.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  stack.graphqlUrl = `${stack.gateway.url}/graphql`;
  return stack;
}

/** Requests a simulator logged, as `'METHOD /path'` strings, in order. */
export const requestLines = (sim: { requests: ReadonlyArray<{ method: string; path: string }> }) => sim.requests.map((r) => `${r.method} ${r.path}`);
