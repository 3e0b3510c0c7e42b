/**
 * Issue 14, "Must have" 2, first item: three replicas against one Redis spend one vendor budget. One Apps API
 * connection at the vendor's 1 request/s (rateLimit defaults: spacingMarginMs 50):
 *
 * - 100 polling clients spread over the replicas for 30 s, each asking for the agents about once a second
 *   (the list cache at its default 2 s, shared through Redis): the simulator never sees two requests closer
 *   than 1000 ms minus the documented margin (950 ms), and every client answer is a 200 without errors;
 * - the same with the cache off, so every poll needs the vendor and the budget alone holds the replicas back:
 *   the three together still leave 950 ms or more between requests while using the budget to the full.
 *
 * The Apps API simulator keeps the vendor's own limit (a request inside its 1 s window is a 429).
 */
import path from 'node:path';
import { startSimulators, type Simulators } from '../../sim';
import {
  deleteKeys,
  describeFailures,
  ensureBuilt,
  fleetConfig,
  isClean,
  redisUrl,
  removeDir,
  smallestGapMs,
  startGatewayProcess,
  startPollers,
  tempDir,
  uniquePrefix,
  waitUntil,
  type GatewayProcess,
  type PollResult,
} from './support';

describe('issue 14: one vendor budget across three replicas (Redis)', () => {
  let sims: Simulators;
  let dir: string;
  const prefixes: string[] = [];
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('budget');
  }, 120_000);
  afterEach(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    gateways = [];
  });
  afterAll(async () => {
    await sims?.close();
    for (const p of prefixes) await deleteKeys(redisUrl(), p);
    if (dir) removeDir(dir);
  });

  const threeReplicas = async (label: string, apps: Record<string, unknown> = {}) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    const config = fleetConfig(sims, { apps, state: { dataDir: path.join(dir, `data-${label}`), redis: { url: redisUrl(), keyPrefix: prefix } } });
    gateways = await Promise.all(['r1', 'r2', 'r3'].map((name) => startGatewayProcess(`${label}-${name}`, config, dir)));
    sims.appsApi.clearRequests();
    return gateways;
  };
  const allClean = (results: PollResult[]) =>
    expect({ clean: results.filter(isClean).length, failures: results.every(isClean) ? '' : describeFailures(results) }).toEqual({ clean: results.length, failures: '' });

  it('100 clients polling agents for 30 s over 3 replicas: vendor gaps >= 950 ms, 0 client errors', async () => {
    await threeReplicas('budget');
    const pollers = startPollers(gateways, 100, { intervalMs: 1_000 });
    // About 30 s of polling: the 2 s cache lets one agents read through every 2 s, so 15 reads is 30 s of it.
    await waitUntil('the vendor has answered 15 agents reads', () => sims.appsApi.requests.length >= 15, 60_000);
    const results = await pollers.stop();

    // Every answer clean, from every replica, with the simulator's 30 agents.
    allClean(results);
    for (const gw of gateways) expect(results.filter((r) => r.gateway === gw.name).length).toBeGreaterThan(300); // 33 or 34 clients each, about once a second for 30 s
    expect(new Set(results.map((r) => r.body!.data!['agents'].totalCount))).toEqual(new Set([30]));

    const requests = sims.appsApi.requests;
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.method} ${r.path}`)).toEqual([]);
    expect(smallestGapMs(requests)).toBeGreaterThanOrEqual(950);
    expect(gateways.filter((g) => g.hasExited()).map((g) => g.name)).toEqual([]);
  });

  it('cache off, 6 clients polling back to back for 15 s over 3 replicas: the budget is used to the full and every gap is >= 950 ms', async () => {
    await threeReplicas('nocache', { cacheTtlMs: 0 });
    const started = Date.now();
    // Two clients per replica, each asking again as soon as it has an answer: far more than 1 request/s.
    const pollers = startPollers(gateways, 6, { intervalMs: 0 });
    // About 15 s of polling: with the budget saturated, 14 vendor requests take 14 intervals of 1050 ms.
    await waitUntil('the vendor has answered 14 requests', () => sims.appsApi.requests.length >= 14, 45_000);
    const results = await pollers.stop();
    const seconds = (Date.now() - started) / 1000;

    allClean(results);
    for (const gw of gateways) expect(results.filter((r) => r.gateway === gw.name).length).toBeGreaterThan(0);
    const requests = sims.appsApi.requests;
    expect(requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.method} ${r.path}`)).toEqual([]);
    expect(smallestGapMs(requests)).toBeGreaterThanOrEqual(950);
    // Saturated: at one request every 1050 ms the window holds about 14; three replicas on budgets of their own
    // would have sent about three times as many (and met the simulator's 429).
    expect(requests.length).toBeGreaterThanOrEqual(Math.floor(seconds / 1.05) - 3);
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(seconds / 0.95) + 1);
  });
});
