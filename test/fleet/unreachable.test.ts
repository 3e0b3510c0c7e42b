/**
 * Issue 14, "Failure" and "Config validation": a config whose `state.redis.url` points at a port where nothing
 * listens still starts (Redis may come up later), /readyz answers 503 with `state.reachable: false`, an
 * idempotent mutation is refused with the contract's message, and the password in the URL appears in no line
 * the process writes (stdout or stderr, start to exit), nor in /readyz or /metrics.
 */
import path from 'node:path';
import { startSimulators, type Simulators } from '../../sim';
import {
  AGENTS_QUERY,
  DIAL_KEY,
  DIAL_MUTATION,
  dialInput,
  dialRequests,
  ensureBuilt,
  fleetConfig,
  freePort,
  removeDir,
  startGatewayProcess,
  tempDir,
  uniquePrefix,
  waitUntil,
  type GatewayProcess,
} from './support';

const PASSWORD = 'Fl33t-s3cret-pa55word';
const UNREACHABLE = "the gateway's state store is unreachable, so this request could not be recorded under its idempotencyKey; it was not sent: retry later";

describe('issue 14: Redis unreachable at start (config mode)', () => {
  let sims: Simulators;
  let dir: string;
  let gateway: GatewayProcess | null = null;

  beforeAll(async () => {
    ensureBuilt();
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('unreachable');
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await sims?.close();
    if (dir) removeDir(dir);
  });

  it('starts, /readyz is 503 with state.reachable false, and the password is printed nowhere', async () => {
    const port = await freePort();
    // A 3 s deadline: the read below waits that long for a shared slot it cannot get (fails closed).
    const config = fleetConfig(sims, {
      server: { requestTimeoutMs: 3_000 },
      state: { dataDir: path.join(dir, 'data'), redis: { url: `redis://:${PASSWORD}@127.0.0.1:${port}/0`, keyPrefix: uniquePrefix('unreachable') } },
    });
    gateway = await startGatewayProcess('nowhere', config, dir);

    let readyz: { status: number; body: any } = { status: 0, body: null };
    await waitUntil('/readyz answers 503', async () => (readyz = await gateway!.readyz()).status === 503, 15_000);
    expect(readyz.body).toMatchObject({ ready: false, state: { store: 'redis', reachable: false } });
    expect(JSON.stringify(readyz.body)).not.toContain(PASSWORD);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchboard_state_store_up 0$/m);
    expect(metrics).not.toContain(PASSWORD);

    expect(await gateway.gql(DIAL_MUTATION, { input: dialInput(sims, 'fleet-nowhere-0001') }, DIAL_KEY)).toEqual({
      status: 200,
      body: { data: { callDial: null }, errors: [{ message: UNREACHABLE, locations: [{ line: 1, column: 36 }], path: ['callDial'], extensions: { code: 'UPSTREAM_UNAVAILABLE', retryable: true } }] },
    });
    expect(dialRequests(sims)).toEqual([]);
    // A read too: whatever it answers (its connection gets no shared slot), neither the answer nor its log lines
    // hold the password.
    const read = await gateway.gql(AGENTS_QUERY);
    expect(read.body.errors!.map((e) => e.extensions!['code'])).toEqual(['RATE_LIMITED']);
    expect(JSON.stringify(read)).not.toContain(PASSWORD);

    expect(await gateway.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(gateway.lines.length).toBeGreaterThan(0);
    expect(gateway.lines.filter((l) => l.includes(PASSWORD))).toEqual([]);
  });
});
