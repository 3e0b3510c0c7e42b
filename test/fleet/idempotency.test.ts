/**
 * Issue 14, "Must have" 2, second and third items: idempotency records shared by replicas through Redis.
 *
 * - One callDial key sent to two replicas at the same moment reaches the vendor once. The simulator answers
 *   slowly (latency fault) so the second request surely arrives while the first is still running: it is
 *   answered IDEMPOTENCY_CONFLICT "still in progress" at once (a replica does not wait for another's call),
 *   and once the first is done both replicas replay its answer, equal.
 * - A replica killed (SIGKILL) in the middle of a dial leaves its record "running": a retry through another
 *   replica never dials again. Within the lease (server.requestTimeoutMs + 5 s after the claim, 8 s here) it
 *   is IDEMPOTENCY_CONFLICT "still in progress"; after it, "may have been sent" (the contract's texts).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { startSimulators, type Simulators } from '../../sim';
import {
  DIAL_ACCEPTED,
  DIAL_KEY,
  DIAL_MUTATION,
  deleteKeys,
  dialInput,
  dialRequests,
  ensureBuilt,
  fleetConfig,
  redisUrl,
  removeDir,
  startGatewayProcess,
  tempDir,
  uniquePrefix,
  waitUntil,
  type GatewayProcess,
  type GqlAnswer,
} from './support';

const now = () => performance.timeOrigin + performance.now();
/** Answers in a fixed order whatever order they came in: the accepted one (no `errors`) first. */
const acceptedFirst = <T extends object>(xs: T[]): T[] => [...xs].sort((a, b) => Number('errors' in a) - Number('errors' in b));

/** The answer to a callDial refused with IDEMPOTENCY_CONFLICT (src/domain/idempotency.ts, the contract). */
const conflict = (message: string) => ({
  data: { callDial: null },
  errors: [{ message, locations: [{ line: 1, column: 36 }], path: ['callDial'], extensions: { code: 'IDEMPOTENCY_CONFLICT' } }],
});
const inProgress = (key: string) => conflict(`a request with idempotencyKey '${key}' is still in progress`);
const MAY_HAVE_BEEN_SENT = conflict('the first request with this idempotencyKey was in progress when the gateway stopped: it may have been sent; check before sending again');

describe('issue 14: idempotency records shared by replicas (Redis)', () => {
  let sims: Simulators;
  let dir: string;
  const prefixes: string[] = [];
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('idempotency');
  }, 120_000);
  afterEach(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    gateways = [];
    sims.ameyo.resetFaults();
    sims.ameyo.clearRequests();
  });
  afterAll(async () => {
    await sims?.close();
    for (const p of prefixes) await deleteKeys(redisUrl(), p);
    if (dir) removeDir(dir);
  });

  /** Two replicas on one Redis prefix of this test's own. */
  const twoReplicas = async (label: string, server: Record<string, unknown> = {}) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    const config = fleetConfig(sims, { server: server, state: { dataDir: path.join(dir, `data-${label}`), redis: { url: redisUrl(), keyPrefix: prefix } } });
    gateways = await Promise.all(['r1', 'r2'].map((name) => startGatewayProcess(`${label}-${name}`, config, dir)));
    return gateways as [GatewayProcess, GatewayProcess];
  };

  it('one key sent to two replicas at the same moment: one vendor dial; the one that lost the race is told it is in progress, then replays the same answer', async () => {
    const [r1, r2] = await twoReplicas('race');
    sims.ameyo.setFaults({ latencyMs: 1_500 }); // the vendor takes 1.5 s: the second request arrives while the first runs
    const input = dialInput(sims, 'fleet-race-0001');
    const answers = await Promise.all([r1.gql(DIAL_MUTATION, { input }, DIAL_KEY), r2.gql(DIAL_MUTATION, { input }, DIAL_KEY)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const bodies = answers.map((a) => a.body);
    // Exactly one of the two ran the dial; the other found the record still running.
    expect(acceptedFirst(bodies)).toEqual([DIAL_ACCEPTED, inProgress('fleet-race-0001')]);
    // Once it is done, both replicas answer the stored result: both answers equal.
    sims.ameyo.resetFaults();
    const replays = await Promise.all([r1.gql(DIAL_MUTATION, { input }, DIAL_KEY), r2.gql(DIAL_MUTATION, { input }, DIAL_KEY)]);
    expect(replays.map((a) => a.body)).toEqual([DIAL_ACCEPTED, DIAL_ACCEPTED]);
    expect(dialRequests(sims).map((r) => `${r.method} ${r.path}?${r.rawQuery}`)).toEqual(['POST /ameyowebaccess/command/?command=clickToDialWithTokenAsync']);
  });

  it('a replica killed (SIGKILL) mid-dial: the retry through another replica is "still in progress" within the lease, "may have been sent" after it, and never dials again', async () => {
    const requestTimeoutMs = 3_000; // the lease: requestTimeoutMs + 5 s = 8 s after the claim
    const leaseMs = requestTimeoutMs + 5_000;
    const [r1, r2] = await twoReplicas('sigkill', { requestTimeoutMs });
    sims.ameyo.setFaults({ latencyMs: 5_000 }); // the dial hangs at the vendor past r1's kill (and its 3 s deadline)
    const input = dialInput(sims, 'fleet-kill-0001');

    const sentAt = now(); // the claim happens after this and before the vendor receives the dial
    const first = r1.gql(DIAL_MUTATION, { input }, DIAL_KEY).then(
      (a) => ({ answered: a }),
      (err: Error) => ({ failed: err.message }),
    );
    await waitUntil('the simulator received the dial', () => dialRequests(sims).length === 1, 10_000);
    const receivedAt = dialRequests(sims)[0]!.receivedAtMs;
    expect(await r1.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await first).toEqual({ failed: 'fetch failed' }); // the connection went with the process
    expect(now() - receivedAt).toBeLessThan(requestTimeoutMs); // killed before its own deadline could record an outcome

    // Within the lease: still in progress.
    const retry = await r2.gql(DIAL_MUTATION, { input }, DIAL_KEY);
    expect(now()).toBeLessThan(sentAt + leaseMs);
    expect(retry).toEqual({ status: 200, body: inProgress('fleet-kill-0001') });

    // Retry every 250 ms until the answer changes: in progress until the lease ends, then "may have been sent".
    const seen: Array<{ startedAt: number; endedAt: number; answer: GqlAnswer }> = [];
    try {
      await waitUntil(
        'the retry answers "may have been sent"',
        async () => {
          const startedAt = now();
          const answer = await r2.gql(DIAL_MUTATION, { input }, DIAL_KEY);
          seen.push({ startedAt, endedAt: now(), answer });
          return isDeepStrictEqual(answer.body, MAY_HAVE_BEEN_SENT);
        },
        leaseMs + 10_000,
        250,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; the answers: ${JSON.stringify([...new Set(seen.map((x) => JSON.stringify(x.answer)))])}`, { cause: err });
    }
    const last = seen[seen.length - 1]!;
    const before = seen.slice(0, -1);
    expect(last.answer).toEqual({ status: 200, body: MAY_HAVE_BEEN_SENT });
    expect(before.map((s) => s.answer)).toEqual(before.map(() => ({ status: 200, body: inProgress('fleet-kill-0001') })));
    // The lease ends between sentAt + 8 s and receivedAt + 8 s: never "may have been sent" before, never "in progress" after.
    expect(last.endedAt).toBeGreaterThanOrEqual(sentAt + leaseMs);
    for (const s of before) expect(s.startedAt).toBeLessThan(receivedAt + leaseMs);
    // Seen within 2 s of the lease's end (the retries are 250 ms apart).
    expect(last.startedAt).toBeLessThan(receivedAt + leaseMs + 2_000);

    // The same answer from then on, and the vendor saw one dial in all.
    expect(await r2.gql(DIAL_MUTATION, { input }, DIAL_KEY)).toEqual({ status: 200, body: MAY_HAVE_BEEN_SENT });
    expect(dialRequests(sims)).toHaveLength(1);
    expect(r2.hasExited()).toBe(false);
  });
});
