/**
 * Not public API. The fault suite's stack: the three simulators (their own rate limit off, so every
 * request the gateway sends is answered by the fault under test, never by the simulator's limiter) and a
 * gateway whose three connections of tenant A use small, explicit timings, so a suite of faults runs in
 * seconds. Every timing is a parameter; no test uses fake timers around sockets.
 */
import type { SimRequest, SimServer } from '../../../sim/common/server';
import { startStack, type GqlResult, type Stack, type StackOptions } from '../../support/stack';
import { metricValue } from '../../support/metrics';
import { waitUntil } from '../../support/wait';

/** The timings every fault test starts from; a test overrides what it is about. */
export const TIMING = {
  /** Header timeout of every connection. undici's header timer is coarse (~1 s), so a latency fault is 3 s. */
  headersMs: 300,
  /** Overall cap for one upstream call: well above a healthy answer, below the latency fault. */
  requestMs: 2_000,
  /** The latency fault: far beyond both timeouts. */
  latencyMs: 3_000,
  /** Backoff base of the retry interceptor (doubling, full jitter). */
  baseDelayMs: 10,
  maxDelayMs: 50,
  maxRetries: 2,
  /** Consecutive vendor failures that open a connection's circuit. */
  failureThreshold: 2,
  /** How long an open circuit stays open before one trial call. */
  cooldownMs: 500,
  /** Our pacing toward each vendor: one request per 5 ms, no extra margin. */
  requestsPerSecond: 200,
} as const;

export interface FaultStackOptions {
  timeouts?: Partial<{ connectMs: number; headersMs: number; requestMs: number }>;
  retry?: Partial<{ maxRetries: number; baseDelayMs: number; maxDelayMs: number }>;
  circuitBreaker?: Partial<{ failureThreshold: number; cooldownMs: number }>;
  server?: StackOptions['server'];
}

/** Starts the simulators and a gateway on them. The caller closes it in `afterAll`. */
export async function startFaultStack(opts: FaultStackOptions = {}): Promise<Stack> {
  // `retry` and `circuitBreaker` are real connection settings (src/config/schema.ts) that the shared
  // harness's override type does not list; it spreads every override into each connection as is.
  const connection: Record<string, unknown> = {
    timeouts: { connectMs: 1_000, headersMs: TIMING.headersMs, requestMs: TIMING.requestMs, ...opts.timeouts },
    retry: { maxRetries: TIMING.maxRetries, baseDelayMs: TIMING.baseDelayMs, maxDelayMs: TIMING.maxDelayMs, ...opts.retry },
    circuitBreaker: { failureThreshold: TIMING.failureThreshold, cooldownMs: TIMING.cooldownMs, ...opts.circuitBreaker },
    rateLimit: { requestsPerSecond: TIMING.requestsPerSecond, spacingMarginMs: 0 },
    cacheTtlMs: 0,
  };
  return startStack({
    sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
    connection: connection,
    ...(opts.server ? { server: opts.server } : {}),
  });
}

export type VendorKey = 'ameyo' | 'apps-api' | 'campaign-api';

/** One connection of tenant A, with the simulator behind it and what `agents` sends it. */
export interface ConnectionUnderTest {
  connectionId: 'ameyo-a' | 'apps-a' | 'dialer-a';
  vendor: VendorKey;
  /** The `Vendor` enum value agents carry. */
  vendorEnum: 'AMEYO' | 'APPS_API' | 'CAMPAIGN_API';
  sim(stack: Stack): SimServer;
  /** The one request `agents` sends this connection (once logged in). */
  listAgents: string;
}

export const CONNECTIONS: readonly ConnectionUnderTest[] = [
  {
    connectionId: 'ameyo-a',
    vendor: 'ameyo',
    vendorEnum: 'AMEYO',
    sim: (s) => s.sims.ameyo,
    listAgents: 'GET /v4/cc-list/1/monitoring/user-session-information',
  },
  { connectionId: 'apps-a', vendor: 'apps-api', vendorEnum: 'APPS_API', sim: (s) => s.sims.appsApi, listAgents: 'GET /manager/api/v1/agents' },
  { connectionId: 'dialer-a', vendor: 'campaign-api', vendorEnum: 'CAMPAIGN_API', sim: (s) => s.sims.campaignApi, listAgents: 'GET /callcenter/queues/status' },
];

export const CAMPAIGN_LOGIN = 'POST /api/v2/login';

export const allSims = (stack: Stack): SimServer[] => CONNECTIONS.map((c) => c.sim(stack));

/** Clears every simulator's log and fault switches. */
export function resetSims(stack: Stack): void {
  for (const sim of allSims(stack)) {
    sim.resetFaults();
    sim.clearRequests();
  }
}

/** A simulator's log as `METHOD /path STATUS` lines, in order (status 0: the socket closed before an answer). */
export const logOf = (sim: { requests: readonly SimRequest[] }): string[] => sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

/** `n` copies of a log line. */
export const times = (n: number, line: string): string[] => Array.from({ length: n }, () => line);

export { untilLatencyHasPassed, waitUntil } from '../../support/wait';

/** Reads of tenant A's connection that joined an identical read already in flight (`switchboard_upstream_coalesced_requests_total`). */
export const coalescedReads = async (stack: Stack, connectionId: string): Promise<number> =>
  (await metricValue(stack.gateway.url, 'switchboard_upstream_coalesced_requests_total', { connection: `tenant-a/${connectionId}` })) ?? 0;

/**
 * Waits until the circuit of tenant A's connection has gone half-open: its cooldown is over and the next call
 * is the one trial. Read from the connection's own breaker, the state its next call is admitted by (the
 * `switchboard_circuit_breaker_state` gauge says the same, but an earlier stack's breaker of the same
 * connection label may still set it when its own cooldown ends).
 */
export async function untilHalfOpen(stack: Stack, connectionId: string): Promise<void> {
  const breaker = stack.gateway.tenants.get('tenant-a')!.connections.get(connectionId)!.upstream.breaker;
  await waitUntil(`the circuit of ${connectionId} is half-open`, () => breaker.state === 'half-open', 5_000);
}

export const AGENTS_OF = `query($ids: [ID!]) { agents(first: 100, filter: { connectionIds: $ids }) { totalCount edges { node { vendor } } } }`;
export const AGENTS_ALL = `{ agents(first: 100) { totalCount edges { node { vendor } } } }`;
export const CONNECTIONS_STATUS = `{ connections { id status lastErrorCode } }`;

/** `agents` filtered to one connection. */
export const agentsOf = (stack: Stack, connectionId: string) => stack.gql(AGENTS_OF, { variables: { ids: [connectionId] } });

/** The vendors of the agents an `agents` answer holds, sorted, each once. */
export function vendorsIn(res: GqlResult): string[] {
  const edges: Array<{ node: { vendor: string } }> = res.body.data?.['agents']?.edges ?? [];
  return [...new Set(edges.map((e) => e.node.vendor))].sort();
}

/** The `agents` totalCount of each connection while every vendor is healthy (also checks they all answer). */
export async function baselineCounts(stack: Stack): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of CONNECTIONS) {
    const res = await agentsOf(stack, c.connectionId);
    if (res.body.errors) throw new Error(`baseline read of ${c.connectionId} failed: ${JSON.stringify(res.body.errors)}`);
    counts[c.connectionId] = res.body.data!['agents'].totalCount;
  }
  return counts;
}
