/** Tests of the simulators' shared engine (sim/common/server.ts) that no single vendor simulator owns. */
import { startSimServer, type SimServer, type SimVendor } from '../../sim/common/server';

const vendor: SimVendor = {
  name: 'test',
  routes: [{ route: 'GET /ping/:n', handler: (ctx) => ({ status: 200, body: { n: ctx.params['n'] } }) }],
  authenticate: () => ({ principal: 'anyone' }),
  tooManyRequests: () => ({ status: 429, body: { error: 'slow down' } }),
  serverError: (status) => ({ status, body: { error: 'boom' } }),
  notFound: () => ({ status: 404, body: { error: 'no such path' } }),
};

describe('request log bound', () => {
  let sim: SimServer;
  afterEach(async () => {
    await sim?.close();
  });

  it('keeps only the latest maxLoggedRequests entries, oldest dropped first', async () => {
    sim = await startSimServer(vendor, { requestsPerSecond: 0, maxLoggedRequests: 3 });
    for (let n = 1; n <= 5; n++) expect((await fetch(`${sim.url}/ping/${n}`)).status).toBe(200);
    expect(sim.requests.map((r) => r.path)).toEqual(['/ping/3', '/ping/4', '/ping/5']);
    const viaControl = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as Array<{ path: string }>;
    expect(viaControl.map((r) => r.path)).toEqual(['/ping/3', '/ping/4', '/ping/5']);
  });

  it('refuses a bound below 1', async () => {
    await expect(startSimServer(vendor, { maxLoggedRequests: 0 })).rejects.toThrow('expected opts.maxLoggedRequests to be an integer >= 1, got 0');
  });
});
