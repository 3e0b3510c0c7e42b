/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * The circuit breaker of one connection (src/upstream/breaker.ts), through GraphQL over real sockets:
 * `failureThreshold` consecutive vendor failures open it; while open a call fails at once with
 * UPSTREAM_UNAVAILABLE "... (circuit open)" and `retryAfterMs`, and nothing reaches the vendor; after
 * `cooldownMs` exactly one trial goes through; its success closes the circuit and its failure opens it
 * again. 4xx answers never open it. The other connections keep serving throughout, and
 * `connections { status lastErrorCode }` shows what happened.
 *
 * The breaker sits above the retry interceptor, so one failure it counts is one read that failed after its
 * retries: 3 vendor requests for a 503 (src/upstream/createUpstream.ts).
 */
import { encodeGlobalId } from '../../src/graphql/ids';
import type { Stack } from '../support/stack';
import { AGENTS_ALL, CONNECTIONS_STATUS, TIMING, agentsOf, logOf, resetSims, startFaultStack, times, untilHalfOpen, vendorsIn, waitUntil } from './support/faultStack';
import { installProcessGuard } from './support/guard';

installProcessGuard();

const THRESHOLD = 3;
const COOLDOWN_MS = 500;
const AGENTS = 'GET /manager/api/v1/agents';
const UNKNOWN_CALL = encodeGlobalId('Call', 'apps-a', '99999999');
const CALL = `query($id: ID!) { call(id: $id) { id } }`;
const STATUS_UPDATE = `mutation($input: AgentStatusUpdateInput!) { agentStatusUpdate(input: $input) { changes { agentNativeId } userErrors { field message code } } }`;

const UNAVAILABLE_503 = {
  message: 'apps-api is unavailable (HTTP 503): Internal Server Error',
  path: ['agents'],
  extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, vendor: 'apps-api', connectionId: 'apps-a', upstreamStatus: 503 },
};
/** The circuit-open error; a field resolver's own error (`call`) carries locations, a partial one (`agents`) does not. */
const circuitOpen = (path: string[]) => ({
  message: "apps-api is failing; connection 'apps-a' is not calling it for now (circuit open)",
  ...(path[0] === 'call' ? { locations: [{ line: 1, column: 19 }] } : {}),
  path,
  extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true, vendor: 'apps-api', connectionId: 'apps-a', retryAfterMs: expect.any(Number) },
});

describe('circuit breaker of apps-a (failureThreshold 3, cooldownMs 500)', () => {
  let stack: Stack;
  beforeEach(async () => {
    // Header timeout well above the trial's latency (below), so only the faults under test fail a call.
    stack = await startFaultStack({
      timeouts: { headersMs: 2_000, requestMs: 2_000 },
      circuitBreaker: { failureThreshold: THRESHOLD, cooldownMs: COOLDOWN_MS },
    });
  });
  afterEach(() => stack.close());

  const sim = () => stack.sims.appsApi;
  const appsStatus = async () => (await stack.gql(CONNECTIONS_STATUS)).body.data!['connections'].find((c: { id: string }) => c.id === 'apps-a');

  /** Three reads, each a 503 after its retries: the circuit opens. */
  async function openCircuit(): Promise<void> {
    sim().setFaults({ serverErrorStatus: 503 });
    for (let i = 0; i < THRESHOLD; i++) {
      const res = await agentsOf(stack, 'apps-a');
      expect(res.body.errors).toEqual([UNAVAILABLE_503]);
    }
  }

  it('opens after 3 consecutive 503 reads: the next call fails at once, sends nothing, and names retryAfterMs', async () => {
    await openCircuit();
    expect(logOf(sim())).toEqual(times(THRESHOLD * (1 + TIMING.maxRetries), `${AGENTS} 503`));

    sim().clearRequests();
    const started = Date.now();
    const res = await agentsOf(stack, 'apps-a');
    expect(Date.now() - started).toBeLessThan(300); // no retries, no backoff: nothing was tried
    expect(res.body).toEqual({ data: { agents: { totalCount: 0, edges: [] } }, errors: [circuitOpen(['agents'])] });
    const retryAfterMs: number = res.body.errors![0]!.extensions!['retryAfterMs'];
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(COOLDOWN_MS);

    // Every route of the connection is behind the same circuit.
    const call = await stack.gql(CALL, { variables: { id: UNKNOWN_CALL } });
    expect(call.body).toEqual({ data: { call: null }, errors: [circuitOpen(['call'])] });
    expect(logOf(sim())).toEqual([]);

    // The circuit is per connection: the other two vendors answer in full.
    const all = await stack.gql(AGENTS_ALL);
    expect(vendorsIn(all)).toEqual(['AMEYO', 'CAMPAIGN_API']);
    expect(all.body.errors).toEqual([circuitOpen(['agents'])]);
    expect(logOf(sim())).toEqual([]);
    expect(logOf(stack.sims.ameyo)).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information 200']);
    expect(await appsStatus()).toEqual({ id: 'apps-a', status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' });
  });

  it('after the cooldown lets exactly one trial through; its success closes the circuit', async () => {
    await openCircuit();
    sim().resetFaults();
    await untilHalfOpen(stack, 'apps-a');
    sim().clearRequests();

    // The trial is slow, so a second call arrives while it is out: that one still fails fast.
    sim().setFaults({ latencyMs: 600 });
    const trial = agentsOf(stack, 'apps-a');
    await waitUntil('the trial is at the vendor', () => sim().requests.length === 1, 2_000);
    const meanwhile = await stack.gql(CALL, { variables: { id: UNKNOWN_CALL } });
    expect(meanwhile.body).toEqual({ data: { call: null }, errors: [circuitOpen(['call'])] });
    expect(meanwhile.body.errors![0]!.extensions!['retryAfterMs']).toBe(1); // the cooldown is over; only the trial slot is taken
    const trialRes = await trial;
    expect(trialRes.body.errors).toBeUndefined();
    expect(trialRes.body.data!['agents'].totalCount).toBe(sim().state.agents.length);
    expect(logOf(sim())).toEqual([`${AGENTS} 200`]);

    // Closed: calls go through again, and a new failure streak starts from zero.
    sim().resetFaults();
    sim().clearRequests();
    const after = await stack.gql(CALL, { variables: { id: UNKNOWN_CALL } });
    expect(after.body.errors![0]!.extensions!['code']).toBe('NOT_FOUND');
    expect((await agentsOf(stack, 'apps-a')).body.errors).toBeUndefined();
    expect(logOf(sim())).toEqual(['GET /manager/api/v1/calls/99999999 404', `${AGENTS} 200`]);
    expect(await appsStatus()).toEqual({ id: 'apps-a', status: 'UP', lastErrorCode: null });
  });

  it('a failed trial opens the circuit again for a whole cooldown', async () => {
    await openCircuit();
    await untilHalfOpen(stack, 'apps-a');
    sim().clearRequests();

    // The vendor is still failing: the trial read is one breaker call (with its own retries) and fails.
    const trial = await agentsOf(stack, 'apps-a');
    expect(trial.body.errors).toEqual([UNAVAILABLE_503]);
    expect(logOf(sim())).toEqual(times(1 + TIMING.maxRetries, `${AGENTS} 503`));

    sim().clearRequests();
    const res = await agentsOf(stack, 'apps-a');
    expect(res.body.errors).toEqual([circuitOpen(['agents'])]);
    expect(res.body.errors![0]!.extensions!['retryAfterMs']).toBeGreaterThan(COOLDOWN_MS - 200);
    expect(logOf(sim())).toEqual([]);
    expect(await appsStatus()).toEqual({ id: 'apps-a', status: 'DOWN', lastErrorCode: 'UPSTREAM_UNAVAILABLE' });

    // It recovers on its own once the vendor does.
    sim().resetFaults();
    await untilHalfOpen(stack, 'apps-a');
    expect((await agentsOf(stack, 'apps-a')).body.errors).toBeUndefined();
    expect(logOf(sim())).toEqual([`${AGENTS} 200`]);
    expect(await appsStatus()).toEqual({ id: 'apps-a', status: 'UP', lastErrorCode: null });
  });

  it('4xx answers never open it: 404 (unknown call), 401 (refused credentials), 400 (BAD_USER_INPUT)', async () => {
    const someone = encodeGlobalId('Agent', 'apps-a', String(sim().state.agents[0]!.id));
    for (let i = 0; i < THRESHOLD + 1; i++) {
      const notFound = await stack.gql(CALL, { variables: { id: UNKNOWN_CALL } });
      expect(notFound.body.errors![0]).toMatchObject({ message: `could not resolve to a node with id "${UNKNOWN_CALL}"`, extensions: { code: 'NOT_FOUND' } });

      const badInput = await stack.gql(STATUS_UPDATE, { variables: { input: { connectionId: 'apps-a', status: 'No Such Status', agentIds: [someone] } } });
      expect(badInput.body.data!['agentStatusUpdate']).toEqual({
        changes: [],
        userErrors: [{ field: null, message: 'status No Such Status is not found', code: 'BAD_USER_INPUT' }],
      });

      sim().setFaults({ expiredToken: true });
      const refused = await agentsOf(stack, 'apps-a');
      expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 401 });
      sim().resetFaults();
    }
    expect(logOf(sim())).toEqual(Array.from({ length: THRESHOLD + 1 }, () => ['GET /manager/api/v1/calls/99999999 404', 'POST /apps/api/v1/agent_statuses 400', `${AGENTS} 401`]).flat());
    // Still closed: the next read is sent.
    sim().clearRequests();
    expect((await agentsOf(stack, 'apps-a')).body.errors).toBeUndefined();
    expect(logOf(sim())).toEqual([`${AGENTS} 200`]);
  });

  it('a 4xx between vendor failures neither counts nor breaks the streak, except a 404, which is an answer and resets it', async () => {
    // 503, 503, 401, 503: three consecutive vendor failures with a 4xx between them -> open.
    sim().setFaults({ serverErrorStatus: 503 });
    await agentsOf(stack, 'apps-a');
    await agentsOf(stack, 'apps-a');
    sim().setFaults({ serverErrorStatus: null, expiredToken: true });
    expect((await agentsOf(stack, 'apps-a')).body.errors![0]!.extensions!['upstreamStatus']).toBe(401);
    sim().setFaults({ serverErrorStatus: 503, expiredToken: false });
    expect((await agentsOf(stack, 'apps-a')).body.errors).toEqual([UNAVAILABLE_503]);
    sim().clearRequests();
    expect((await agentsOf(stack, 'apps-a')).body.errors).toEqual([circuitOpen(['agents'])]);
    expect(logOf(sim())).toEqual([]);

    // Closed again, then 503, 503, 404, 503: the 404 counts as a working vendor -> still closed.
    resetSims(stack);
    await untilHalfOpen(stack, 'apps-a');
    expect((await agentsOf(stack, 'apps-a')).body.errors).toBeUndefined();
    sim().setFaults({ serverErrorStatus: 503 });
    await agentsOf(stack, 'apps-a');
    await agentsOf(stack, 'apps-a');
    sim().resetFaults();
    expect((await stack.gql(CALL, { variables: { id: UNKNOWN_CALL } })).body.errors![0]!.extensions!['code']).toBe('NOT_FOUND');
    sim().setFaults({ serverErrorStatus: 503 });
    expect((await agentsOf(stack, 'apps-a')).body.errors).toEqual([UNAVAILABLE_503]);
    sim().clearRequests();
    expect((await agentsOf(stack, 'apps-a')).body.errors).toEqual([UNAVAILABLE_503]);
    expect(logOf(sim())).toEqual(times(1 + TIMING.maxRetries, `${AGENTS} 503`));
  });
});
