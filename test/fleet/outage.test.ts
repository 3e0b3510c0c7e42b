/**
 * Issue 14, "Must have" 2, fourth item: Redis stopped for 10 s and started again under load. Two replicas on a
 * `redis-server` of this test's own (a child process on a free port: stopping it never touches the machine's
 * Redis), 20 clients polling the agents about once a second:
 *
 * - no gateway process exits;
 * - /readyz becomes 503 with `state.reachable: false`, then 200 again by itself once Redis is back;
 * - the budget fails closed: the vendor never sees two requests closer than 950 ms, and none while Redis is
 *   gone (after the few seconds a grant taken before the stop may still be spent); the clients get answers
 *   from the local cache or RATE_LIMITED (retryable, refused at once: the shared budget cannot be asked),
 *   nothing else;
 * - an idempotent mutation during the outage is refused before any vendor call, UPSTREAM_UNAVAILABLE with
 *   the contract's exact message;
 * - once Redis is back, the vendor is asked again and every query succeeds on both replicas, and a new dial
 *   runs, without restarting anything.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSimulators, type Simulators } from '../../sim';
import {
  DIAL_ACCEPTED,
  DIAL_KEY,
  DIAL_MUTATION,
  dialInput,
  dialRequests,
  ensureBuilt,
  fleetConfig,
  isClean,
  removeDir,
  smallestGapMs,
  startGatewayProcess,
  startPollers,
  startRedisServer,
  tempDir,
  uniquePrefix,
  waitUntil,
  type GatewayProcess,
  type PollResult,
  type RedisServer,
} from './support';

const now = () => performance.timeOrigin + performance.now();
const UNREACHABLE = "the gateway's state store is unreachable, so this request could not be recorded under its idempotencyKey; it was not sent: retry later";

describe('issue 14: Redis stopped for 10 s and started again under load', () => {
  let sims: Simulators;
  let dir: string;
  let redis: RedisServer | null = null;
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('outage');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await redis?.stop();
    await sims?.close();
    if (dir) removeDir(dir);
  });

  it('no crash, readiness false then true by itself, no vendor traffic above the budget, service back without a restart', async () => {
    redis = await startRedisServer();
    const config = fleetConfig(sims, { server: { requestTimeoutMs: 5_000 }, state: { dataDir: path.join(dir, 'data'), redis: { url: redis.url, keyPrefix: uniquePrefix('outage') } } });
    gateways = await Promise.all(['r1', 'r2'].map((name) => startGatewayProcess(name, config, dir)));
    const ready = async (g: GatewayProcess) => g.readyz();
    for (const g of gateways) {
      await waitUntil(`${g.name} is ready`, async () => (await ready(g)).status === 200, 15_000);
      expect((await ready(g)).body).toMatchObject({ ready: true, state: { store: 'redis', reachable: true } });
    }

    sims.appsApi.clearRequests();
    const pollers = startPollers(gateways, 20, { intervalMs: 1_000 });
    const cleanFrom = (g: GatewayProcess, since: number) => pollers.results.filter((r) => r.gateway === g.name && r.startedAtMs >= since && isClean(r)).length;
    for (const g of gateways) await waitUntil(`${g.name} answers the pollers`, () => cleanFrom(g, 0) >= 5, 20_000);

    // Redis goes away for 10 s.
    await redis.stop();
    const stoppedAt = now();
    await Promise.all(
      gateways.map(async (g) => {
        let last: { status: number; body: any } | null = null;
        await waitUntil(`${g.name}'s /readyz says the state store is unreachable`, async () => (last = await ready(g)).status === 503, 10_000);
        expect(last!.body).toMatchObject({ ready: false, state: { store: 'redis', reachable: false } });
      }),
    );

    // An idempotent mutation is refused before any vendor call.
    const refused = await gateways[0]!.gql(DIAL_MUTATION, { input: dialInput(sims, 'fleet-outage-0001') }, DIAL_KEY);
    expect(refused).toEqual({
      status: 200,
      body: { data: { callDial: null }, errors: [{ message: UNREACHABLE, locations: [{ line: 1, column: 36 }], path: ['callDial'], extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true } }] },
    });
    expect(dialRequests(sims)).toEqual([]);

    const waitMs = stoppedAt + 10_000 - now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs)); // the test's definition: stopped for 10 s
    expect(gateways.filter((g) => g.hasExited()).map((g) => g.name)).toEqual([]);

    // Redis is back (empty: nothing was saved); the gateways find it by themselves.
    await redis.start();
    const restartedAt = now();
    for (const g of gateways) {
      await waitUntil(`${g.name}'s /readyz is 200 again`, async () => (await ready(g)).status === 200, 30_000);
      expect((await ready(g)).body).toMatchObject({ ready: true, state: { store: 'redis', reachable: true } });
    }
    const readyAgainAt = now();
    // The vendor is asked again, and each replica answers cleanly after that.
    await waitUntil('the Apps API simulator is asked again', () => sims.appsApi.requests.some((r) => r.receivedAtMs > restartedAt), 30_000);
    const askedAgainAt = sims.appsApi.requests.find((r) => r.receivedAtMs > restartedAt)!.receivedAtMs;
    const recoveredAt = Math.max(askedAgainAt, readyAgainAt);
    for (const g of gateways) await waitUntil(`${g.name} answers cleanly again`, () => cleanFrom(g, recoveredAt) >= 5, 30_000);
    const results = await pollers.stop();

    // A new dial runs again.
    const dial = await gateways[1]!.gql(DIAL_MUTATION, { input: dialInput(sims, 'fleet-outage-0002') }, DIAL_KEY);
    expect(dial).toEqual({ status: 200, body: DIAL_ACCEPTED });
    expect(dialRequests(sims)).toHaveLength(1);

    const requests = sims.appsApi.requests;
    // On a failure, what happened when (ms after Redis stopped), to tell a gateway's fault from a test's.
    const timeline = () => {
      const at = (t: number) => Math.round(t - stoppedAt);
      const answers = new Map<string, { n: number; first: number; last: number; message: string }>();
      for (const r of results) {
        const key = `${r.gateway} ${r.status} ${r.errors.join(',') || 'clean'}`;
        const a = answers.get(key) ?? { n: 0, first: at(r.startedAtMs), last: at(r.startedAtMs), message: r.body?.errors?.[0]?.message ?? '' };
        answers.set(key, { ...a, n: a.n + 1, last: at(r.startedAtMs) });
      }
      return JSON.stringify(
        {
          restartedAt: at(restartedAt),
          readyAgainAt: at(readyAgainAt),
          askedAgainAt: at(askedAgainAt),
          vendorRequestsAt: requests.map((r) => `${at(r.receivedAtMs)}:${r.status}`),
          answersByGatewayAndOutcome: Object.fromEntries(answers),
          unclean: results.filter((r) => !isClean(r)).map((r) => `${r.gateway} start ${at(r.startedAtMs)} end ${at(r.startedAtMs + r.latencyMs)} ${r.status} ${r.errors.join(',')}`),
        },
        null,
        1,
      );
    };
    try {
      expect(requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.method} ${r.path}`)).toEqual([]);
      expect(smallestGapMs(requests)).toBeGreaterThanOrEqual(950);
      // Fails closed: nothing left while Redis was gone, after the slot a grant taken before the stop may still use.
      expect(requests.filter((r) => r.receivedAtMs > stoppedAt + 3_000 && r.receivedAtMs < restartedAt).map((r) => r.receivedAtMs - stoppedAt)).toEqual([]);
      // The clients: clean before the stop; during the outage, answers from the local cache or RATE_LIMITED (the
      // shared budget cannot be asked: refused at once, nothing sent); clean again once Redis is back and both
      // replicas say so.
      const codes = (which: (r: PollResult) => boolean) => [...new Set(results.filter(which).flatMap((r) => (r.status === 200 ? r.errors : [`HTTP ${r.status}`, ...r.errors])))];
      expect(codes((r) => r.startedAtMs + r.latencyMs < stoppedAt)).toEqual([]);
      expect(codes((r) => r.startedAtMs + r.latencyMs >= stoppedAt && r.startedAtMs < recoveredAt)).toEqual(['RATE_LIMITED']);
      expect(results.filter((r) => r.errors.includes('RATE_LIMITED')).flatMap((r) => r.body!.errors!.map((e) => e.extensions!['retryable']))).not.toContain(false);
      expect(codes((r) => r.startedAtMs >= recoveredAt)).toEqual([]);
    } catch (err) {
      (err as Error).message += `\n\ntimeline: ${timeline()}`;
      throw err;
    }
    expect(gateways.filter((g) => g.hasExited()).map((g) => g.name)).toEqual([]);
  });
});
