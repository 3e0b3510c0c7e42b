/**
 * Issue 14, "Must show": a restart with the embedded store (no Redis; SQLite under `state.dataDir`) replays a
 * stored dial without a vendor call. The gateway dials with an idempotency key, is stopped (SIGTERM), and is
 * started again on the same data directory: the same dial answers the stored result and the simulator saw
 * one dial.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startSimulators, type Simulators } from '../../sim';
import { DIAL_ACCEPTED, DIAL_KEY, DIAL_MUTATION, dialInput, dialRequests, ensureBuilt, fleetConfig, removeDir, startGatewayProcess, tempDir, type GatewayProcess } from './support';

describe('issue 14: the embedded store keeps idempotency records across a restart', () => {
  let sims: Simulators;
  let dir: string;
  let gateway: GatewayProcess | null = null;

  beforeAll(async () => {
    ensureBuilt();
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('embedded');
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await sims?.close();
    if (dir) removeDir(dir);
  });

  it('dial, SIGTERM, start again on the same dataDir: the same dial replays the stored answer, one vendor dial', async () => {
    const dataDir = path.join(dir, 'data');
    const config = fleetConfig(sims, { state: { dataDir } });
    const input = dialInput(sims, 'fleet-embedded-0001');

    gateway = await startGatewayProcess('first', config, dir);
    expect(await gateway.readyz()).toMatchObject({ status: 200, body: { ready: true, state: { store: 'embedded', reachable: true } } });
    expect(await gateway.gql(DIAL_MUTATION, { input }, DIAL_KEY)).toEqual({ status: 200, body: DIAL_ACCEPTED });
    expect(await gateway.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, 'state.sqlite'))).toBe(true);

    gateway = await startGatewayProcess('second', config, dir);
    expect(await gateway.gql(DIAL_MUTATION, { input }, DIAL_KEY)).toEqual({ status: 200, body: DIAL_ACCEPTED });
    // The stored record is the one the first process wrote: the same key with another number is refused.
    expect(await gateway.gql(DIAL_MUTATION, { input: { ...input, phoneNumber: '+14155550162' } }, DIAL_KEY)).toEqual({
      status: 200,
      body: {
        data: { callDial: null },
        errors: [
          {
            message: "idempotencyKey 'fleet-embedded-0001' was already used with a different input",
            locations: [{ line: 1, column: 36 }],
            path: ['callDial'],
            extensions: { code: 'IDEMPOTENCY_CONFLICT' },
          },
        ],
      },
    });
    expect(dialRequests(sims).map((r) => `${r.method} ${r.path}?${r.rawQuery}`)).toEqual(['POST /ameyowebaccess/command/?command=clickToDialWithTokenAsync']);
  });
});
