/**
 * Issue 18, item 3 in a fleet: two gateway processes on one Redis and one imports directory. Exactly one replica
 * works on a lead import (the job's lease); when it is killed (SIGKILL) in the middle of sending a row, the other
 * takes the job over once the lease has run out, reports the row whose answer was lost as UNCERTAIN without
 * sending it again, and sends the rest: the simulator's log holds every row exactly once.
 */
import path from 'node:path';
import { startSimulators, type Simulators } from '../../sim';
import type { ConfigInput } from '../../src/config/schema';
import { connectionsFor } from '../support/stack';
import { leadImportsReceived } from '../support/leadImports';
import { deleteKeys, redisUrl, removeDir, startGatewayProcess, tempDir, uniquePrefix, waitUntil, type GatewayProcess } from './support';

const KEY = 'fleet-key-imports-tenant-0003';
const LEASE_MS = 2_000;
const ROWS = 120;
const JOB = `query($id: ID!) { leadImportJob(id: $id) { status total sent succeeded failed uncertain errors(first: 10) { edges { node { rowNumber outcome reason values } } } } }`;

describe('a lead import in a fleet (Redis)', () => {
  let sims: Simulators;
  let dir: string;
  const prefix = uniquePrefix('imports');
  const gateways: GatewayProcess[] = [];

  const config = (): ConfigInput => {
    const dialer = connectionsFor(sims).find((c) => c.vendor === 'campaign-api')!;
    return {
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 1_000 },
      state: { redis: { url: redisUrl(), keyPrefix: prefix } },
      imports: { dir: path.join(dir, 'imports'), leaseMs: LEASE_MS },
      tenants: [{ id: 'tenant-imports', apiKeys: [KEY], connections: [{ ...dialer, rateLimit: { requestsPerSecond: 40 }, cacheTtlMs: 0 } as never] }],
    };
  };

  beforeAll(async () => {
    sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
    dir = tempDir('imports');
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop('SIGKILL');
    await sims.close();
    removeDir(dir);
    await deleteKeys(redisUrl(), prefix);
  });

  it('the replica that holds the lease dies mid-row: the other takes over, the lost row is UNCERTAIN and never resent, every row reached the vendor once', async () => {
    const r1 = await startGatewayProcess('r1', config(), dir);
    gateways.push(r1);
    const campaigns = await r1.gql('{ campaigns(first: 1) { edges { node { id } } } }', {}, KEY);
    const campaignId = campaigns.body.data!.campaigns.edges[0].node.id;
    const phones = Array.from({ length: ROWS }, (_, i) => `+1415${String(7_000_000 + i).padStart(7, '0')}`);
    const csv = `name,phone\r\n${phones.map((p, i) => `Lead ${i},${p}\r\n`).join('')}`;
    const form = new FormData();
    const query = 'mutation($input: LeadsImportInput!) { leadsImport(input: $input) { job { id } userErrors { message } } }';
    form.append('operations', JSON.stringify({ query, variables: { input: { campaignId, mapping: { name: 'name', phones: ['phone'] }, file: null } } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob([csv], { type: 'text/csv' }), 'leads.csv');
    const res = await fetch(r1.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'apollo-require-preflight': 'true' }, body: form });
    const created = (await res.json()) as any;
    expect(created.data.leadsImport.userErrors).toEqual([]);
    const id = created.data.leadsImport.job.id;
    const job = async (g: GatewayProcess) => (await g.gql(JOB, { id }, KEY)).body.data!.leadImportJob;

    await waitUntil('r1 has sent some rows', async () => (await job(r1)).succeeded >= 10, 30_000, 50);
    // r2 joins while r1 holds the lease: it must not touch the job.
    const r2 = await startGatewayProcess('r2', config(), dir);
    gateways.push(r2);
    // The next row hangs at the vendor; r1 dies while it is on the wire.
    sims.campaignApi.setFaults({ latencyMs: 3_000 });
    const before = sims.campaignApi.requests.length;
    await waitUntil('a row is on the wire', () => sims.campaignApi.requests.length > before, 10_000, 5);
    expect(await r1.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    sims.campaignApi.resetFaults();
    const lost = leadImportsReceived(sims, 'campaignApi').at(-1)!;

    const done = await (async () => {
      let last: any;
      await waitUntil('r2 finished the job', async () => (last = await job(r2)).status === 'FINISHED', 60_000, 100);
      return last;
    })();
    expect(done).toMatchObject({ total: ROWS, sent: ROWS, succeeded: ROWS - 1, failed: 0, uncertain: 1 });
    const row = phones.indexOf(lost) + 1;
    expect(done.errors.edges.map((e: any) => e.node)).toEqual([
      {
        rowNumber: row,
        outcome: 'UNCERTAIN',
        reason: 'the gateway stopped while this row was being sent, before the vendor answered: it may have been imported, and it was not sent again',
        values: [`Lead ${row - 1}`, lost],
      },
    ]);
    const received = leadImportsReceived(sims, 'campaignApi');
    expect(received.filter((p) => phones.includes(p)).sort()).toEqual([...phones].sort());
  }, 120_000);
});
