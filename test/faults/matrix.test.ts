/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * The fault matrix: every vendor under every simulator fault switch, through GraphQL over real sockets.
 * For each pair, `agents` filtered to the faulty connection answers the exact error (code, vendor,
 * connectionId, upstreamStatus) after exactly the vendor requests the policy allows (retries for safe
 * reads on 502/503/504 and resets, one resend after a 429 pause, one re-login on a 401); `agents` over all
 * connections still brings the other two vendors' agents with one error for the faulty one; and once the
 * fault clears (and, where the failures opened the circuit, its cooldown has passed) the same read
 * succeeds with one vendor request.
 */
import type { Faults } from '../../sim/common/server';
import type { Stack } from '../support/stack';
import {
  AGENTS_ALL,
  CAMPAIGN_LOGIN,
  CONNECTIONS_STATUS,
  CONNECTIONS,
  TIMING,
  agentsOf,
  baselineCounts,
  logOf,
  resetSims,
  startFaultStack,
  times,
  untilHalfOpen,
  vendorsIn,
  type ConnectionUnderTest,
  type VendorKey,
} from './support/faultStack';
import { installProcessGuard } from './support/guard';

installProcessGuard();

/** What each simulator's error bodies say (sim/<vendor>/errors.ts), as the gateway carries them through. */
const WIRE: Record<VendorKey, { serverError: string; tooMany: string; unauthorized: string; codes?: { serverError: string; tooMany: string; unauthorized: string } }> = {
  ameyo: {
    serverError: 'An unexpected error occurred on the server.',
    tooMany: 'Rate limit exceeded.',
    unauthorized: 'Authentication token is missing or invalid.',
    codes: { serverError: 'CONF-1005', tooMany: 'CONF-1429', unauthorized: 'CONF-1002' },
  },
  'apps-api': { serverError: 'Internal Server Error', tooMany: 'Too Many Requests', unauthorized: 'Unauthorized' },
  'campaign-api': { serverError: 'Internal server error', tooMany: 'Too many requests', unauthorized: 'Authentication token is invalid' },
};

interface Expected {
  message: string;
  extensions: Record<string, unknown>;
  /** The faulty vendor's log for one `agents` read, as `METHOD /path STATUS`. */
  log: string[];
}

interface FaultCase {
  name: string;
  faults: Partial<Faults>;
  /** Whether the breaker counts the outcome as a vendor failure (TIMING.failureThreshold of them open it). */
  vendorFailure: boolean;
  /**
   * `connections { status lastErrorCode }` of the faulty connection afterwards (src/upstream/health.ts);
   * `unchanged` for a 429 (rate limiting says nothing about health). Not asserted for the malformed body:
   * health sees only the HTTP answer, and a 2xx with a malformed body counts as UP (src/upstream/health.ts).
   */
  health?: { status: string; lastErrorCode: string | null } | 'unchanged';
  expected(c: ConnectionUnderTest): Expected;
}

const facts = (c: ConnectionUnderTest) => ({ vendor: c.vendor, connectionId: c.connectionId });
const code = (c: ConnectionUnderTest, which: 'serverError' | 'tooMany' | 'unauthorized') => (WIRE[c.vendor].codes ? { upstreamCode: WIRE[c.vendor].codes![which] } : {});

const healthOf = async (stack: Stack, connectionId: string) => (await stack.gql(CONNECTIONS_STATUS)).body.data!['connections'].find((x: { id: string }) => x.id === connectionId);

const CASES: FaultCase[] = [
  {
    name: 'latency beyond the timeout -> UPSTREAM_TIMEOUT, not retried',
    faults: { latencyMs: TIMING.latencyMs },
    vendorFailure: true,
    health: { status: 'DOWN', lastErrorCode: 'UPSTREAM_TIMEOUT' },
    expected: (c) => ({
      message: `${c.vendor} did not answer in time`,
      extensions: { code: 'UPSTREAM_TIMEOUT', retryable: true, ...facts(c) },
      // Status 0: the gateway gave up and closed the socket before the simulator answered.
      log: [`${c.listAgents} 0`],
    }),
  },
  {
    name: '503 burst -> UPSTREAM_UNAVAILABLE after the read was tried 3 times',
    faults: { serverErrorStatus: 503 },
    vendorFailure: true,
    health: { status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' },
    expected: (c) => ({
      message: `${c.vendor} is unavailable (HTTP 503): ${WIRE[c.vendor].serverError}`,
      extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, ...facts(c), upstreamStatus: 503, ...code(c, 'serverError') },
      log: times(1 + TIMING.maxRetries, `${c.listAgents} 503`),
    }),
  },
  {
    name: '500 burst -> UPSTREAM_ERROR, not retried',
    faults: { serverErrorStatus: 500 },
    vendorFailure: true,
    health: { status: 'DEGRADED', lastErrorCode: 'UPSTREAM_ERROR' },
    expected: (c) => ({
      message: `${c.vendor} answered HTTP 500: ${WIRE[c.vendor].serverError}`,
      extensions: { code: 'UPSTREAM_ERROR', retryable: true, ...facts(c), upstreamStatus: 500, ...code(c, 'serverError') },
      log: [`${c.listAgents} 500`],
    }),
  },
  {
    name: 'connection reset -> UPSTREAM_UNAVAILABLE after the read was tried 3 times',
    faults: { connectionReset: true },
    vendorFailure: true,
    health: { status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' },
    expected: (c) => ({
      message: `${c.vendor} closed the connection before answering`,
      extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, ...facts(c) },
      log: times(1 + TIMING.maxRetries, `${c.listAgents} 0`),
    }),
  },
  {
    name: '429 storm -> RATE_LIMITED with upstreamStatus 429 and the clamped Retry-After, after one resend',
    faults: { tooManyRequests: true },
    vendorFailure: false,
    health: 'unchanged',
    expected: (c) => ({
      message: `${c.vendor} is rate limiting this connection: ${WIRE[c.vendor].tooMany}`,
      // Every simulator sends `Retry-After: 1`: clamped to [one interval, 60 s] that is 1000 ms.
      extensions: { code: 'RATE_LIMITED', retryable: true, ...facts(c), upstreamStatus: 429, ...code(c, 'tooMany'), retryAfterMs: 1_000 },
      log: times(2, `${c.listAgents} 429`),
    }),
  },
  {
    name: 'expired token -> UPSTREAM_ERROR 401 (campaign API: after one re-login)',
    faults: { expiredToken: true },
    vendorFailure: false,
    health: { status: 'DEGRADED', lastErrorCode: 'UPSTREAM_ERROR' },
    expected: (c) => ({
      message: `${c.vendor} refused the connection's credentials (HTTP 401): ${WIRE[c.vendor].unauthorized}`,
      extensions: { code: 'UPSTREAM_ERROR', retryable: false, ...facts(c), upstreamStatus: 401, ...code(c, 'unauthorized') },
      // Basic-auth vendors: the 401 goes up as it is. The bearer-token vendor logs in again once and resends.
      log: c.vendor === 'campaign-api' ? [`${c.listAgents} 401`, `${CAMPAIGN_LOGIN} 200`, `${c.listAgents} 401`] : [`${c.listAgents} 401`],
    }),
  },
  {
    name: 'malformed body -> UPSTREAM_ERROR "not valid JSON", not retried',
    faults: { malformedBody: true },
    vendorFailure: false,
    expected: (c) => ({
      message: `${c.vendor} sent a response that is not valid JSON`,
      extensions: { code: 'UPSTREAM_ERROR', retryable: false, ...facts(c), upstreamStatus: 200 },
      log: [`${c.listAgents} 200`],
    }),
  },
  {
    name: 'truncated body -> UPSTREAM_UNAVAILABLE after the read was tried 3 times',
    faults: { truncatedBody: true },
    vendorFailure: true,
    health: { status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' },
    expected: (c) => ({
      message: `${c.vendor} closed the connection before answering`,
      extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, ...facts(c) },
      // The simulator logs the status it announced (200) before it cut the body off.
      log: times(1 + TIMING.maxRetries, `${c.listAgents} 200`),
    }),
  },
];

describe.each(CONNECTIONS.map((c) => [c.connectionId, c] as const))('%s under each fault switch', (_id, c) => {
  let stack: Stack;
  let baseline: Record<string, number>;
  const others = CONNECTIONS.filter((o) => o !== c);

  beforeAll(async () => {
    stack = await startFaultStack();
    baseline = await baselineCounts(stack); // also logs the campaign-API connection in
  });
  afterAll(() => stack.close());

  it.each(CASES.map((k) => [k.name, k] as const))('%s', async (_name, kase) => {
    const sim = c.sim(stack);
    const expected = kase.expected(c);
    const error = { message: expected.message, path: ['agents'], extensions: expected.extensions };
    resetSims(stack);
    sim.setFaults(kase.faults);

    // One connection: the exact error, after exactly the requests the policy allows.
    const started = Date.now();
    const one = await agentsOf(stack, c.connectionId);
    const tookMs = Date.now() - started;
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ data: { agents: { totalCount: 0, edges: [] } }, errors: [error] });
    expect(logOf(sim)).toEqual(expected.log);
    for (const o of others) expect(logOf(o.sim(stack))).toEqual([]);
    if (kase.faults.latencyMs) expect(tookMs).toBeLessThan(kase.faults.latencyMs); // it did not wait for the answer
    if (kase.health) {
      const expectedHealth = kase.health === 'unchanged' ? { status: 'UP', lastErrorCode: null } : kase.health;
      expect(await healthOf(stack, c.connectionId)).toEqual({ id: c.connectionId, ...expectedHealth });
    }
    if (kase.faults.tooManyRequests) {
      // The resend waited out the vendor's Retry-After (1 s), as a pause of the whole connection.
      expect(sim.requests[1]!.receivedAtMs - sim.requests[0]!.receivedAtMs).toBeGreaterThanOrEqual(990);
    }

    // Every connection: the other two vendors still answer in full; one error names the faulty connection.
    sim.clearRequests();
    const all = await stack.gql(AGENTS_ALL);
    expect(all.status).toBe(200);
    expect(all.body.errors).toEqual([error]);
    expect(vendorsIn(all)).toEqual(others.map((o) => o.vendorEnum).sort());
    expect(all.body.data!['agents'].totalCount).toBe(others.reduce((n, o) => n + baseline[o.connectionId]!, 0));
    for (const o of others) expect(logOf(o.sim(stack))).toEqual([`${o.listAgents} 200`]);
    expect(logOf(sim)).toEqual(expected.log);

    // The fault clears.
    sim.resetFaults();
    if (kase.vendorFailure) {
      // Two reads, two vendor failures: the circuit opened. It fails fast, sending nothing, until its cooldown ends.
      sim.clearRequests();
      const open = await agentsOf(stack, c.connectionId);
      expect(open.body.errors).toEqual([
        {
          message: `${c.vendor} is failing; connection '${c.connectionId}' is not calling it for now (circuit open)`,
          path: ['agents'],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, ...facts(c), retryAfterMs: expect.any(Number) },
        },
      ]);
      const retryAfterMs: number = open.body.errors![0]!.extensions!['retryAfterMs'];
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(TIMING.cooldownMs);
      expect(logOf(sim)).toEqual([]);
      await untilHalfOpen(stack, c.connectionId);
    }
    sim.clearRequests();
    const again = await agentsOf(stack, c.connectionId);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!['agents'].totalCount).toBe(baseline[c.connectionId]);
    expect(vendorsIn(again)).toEqual([c.vendorEnum]);
    expect(logOf(sim)).toEqual([`${c.listAgents} 200`]);
    expect(await healthOf(stack, c.connectionId)).toEqual({ id: c.connectionId, status: 'UP', lastErrorCode: null });
  });
});
