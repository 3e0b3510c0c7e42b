/**
 * Issue 18, item 2: each vendor's best path for a CSV lead import, driven through the adapters' LEAD_IMPORT member
 * against the simulators over real sockets, with the exact requests each vendor received and how its answers map
 * to our rows. (The import service that batches a stored file is tested in its own files.)
 */
import { startSimulators, type Simulators } from '../../sim';
import { parseMultipart } from '../../sim/common/multipart';
import type { SimRequest } from '../../sim/common/server';
import { resolveConfig } from '../../src/config/load';
import type { ImportRow, LeadImporter, LeadImportOptions, RequestScope, VendorAdapter } from '../../src/domain/types';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAdapter } from '../../src/vendors';
import { APPS_API_IMPORT_FILE_MAX_BYTES } from '../../src/vendors/apps-api/capabilities/leadImports';
import { connectionsFor } from '../support/stack';
import { waitUntil } from '../support/wait';

const OPTIONS: LeadImportOptions = { updateDuplicates: false, leadListNativeId: null, vendorUserId: null };
const scope = (): RequestScope => ({ deadlineAt: Date.now() + 20_000, background: true });
const lines = (reqs: readonly SimRequest[]) => reqs.map((r) => `${r.method} ${r.path} ${r.status}`);

function row(rowNumber: number, lead: Partial<ImportRow['lead']> = {}): ImportRow {
  return { rowNumber, lead: { name: null, phones: [], email: null, externalId: null, custom: {}, ...lead } };
}

/** The multipart parts of a logged request, as text. */
function parts(req: SimRequest): Record<string, { filename: string | null; contentType: string | null; text: string }> {
  const found = parseMultipart({ headers: { 'content-type': req.headers['content-type'] }, rawBody: Buffer.from(req.body, 'utf8') })!;
  return Object.fromEntries(found.map((p) => [p.name, { filename: p.filename, contentType: p.contentType, text: p.data.toString('utf8') }]));
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; facts: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string; facts: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

let sims: Simulators;
let pools: PoolRegistry;
/** Tenant A's three connections, or patched ones, with no response cache and a budget that does not slow the tests. */
function adapters(patch: (c: Record<string, any>) => Record<string, any> = (c) => c, rps = 1000): Record<string, VendorAdapter> {
  const connections = connectionsFor(sims, { rateLimit: { requestsPerSecond: rps }, cacheTtlMs: 0 }).map((c) => patch(c as Record<string, any>));
  const config = resolveConfig({ tenants: [{ id: 'imports', apiKeys: ['imports-key-000000000001'], connections: connections as never }] });
  return Object.fromEntries(config.tenants[0]!.connections.map((c) => [c.vendor, createAdapter('imports', c, pools)]));
}

beforeAll(async () => {
  sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
  pools = new PoolRegistry();
});
afterAll(async () => {
  await pools.close();
  await sims.close();
});
beforeEach(() => {
  for (const s of [sims.ameyo, sims.appsApi, sims.campaignApi]) {
    s.resetFaults();
    s.clearRequests();
  }
});

describe('campaign API: one add-lead per row', () => {
  let importer: LeadImporter;
  let campaignId: string;
  beforeAll(async () => {
    importer = adapters()['campaign-api']!.leadImports!;
    campaignId = sims.campaignApi.state.campaigns[0]!.id;
  });
  const target = () => ({ campaignNativeId: campaignId });
  const addLeads = () => sims.campaignApi.requests.filter((r) => r.path.endsWith('/lead'));

  it('resolves the target from the campaigns report, and refuses a campaign the report does not name', async () => {
    expect(await importer.target(campaignId, OPTIONS, scope())).toEqual({ target: { campaignNativeId: campaignId } });
    expect(await importer.target('nope', OPTIONS, scope())).toEqual({ problems: [{ field: ['campaignId'], message: "campaign 'nope' is not a campaign of connection 'dialer-a'" }] });
    expect(lines(sims.campaignApi.requests).filter((l) => !l.startsWith('POST /api/v2/login'))).toEqual([
      'GET /api/v2/reports/campaigns/leads/status 200',
      'GET /api/v2/reports/campaigns/leads/status 200',
    ]);
    expect(importer.batch).toEqual({ rows: 1 });
    expect(importer.fields).toEqual({ name: true, email: false, externalId: false, maxPhones: 1, custom: ['first_name', 'last_name', 'type', 'ticket_id', 'note', 'retries', 'priority', 'cool_off'] });
  });

  it('sends the row as the documented add-lead body: PUT, the first phone as number, the name split, integers as integers', async () => {
    const lead = { name: 'Ada King Lovelace', phones: ['+14155550131', '+14155550132'], custom: { type: 'warm', priority: '3', note: 'from CSV', cool_off: '60' } };
    expect(await importer.submit(target(), [row(4, lead)], scope())).toEqual({ outcome: { failed: [], uncertain: [] } });
    expect(lines(addLeads())).toEqual([`PUT /api/v2/config/campaigns/${campaignId}/lead 200`]);
    expect(JSON.parse(addLeads()[0]!.body)).toEqual({ number: '+14155550131', first_name: 'Ada', last_name: 'King Lovelace', type: 'warm', priority: 3, note: 'from CSV', cool_off: 60 });
    expect(sims.campaignApi.state.leads.filter((l) => l.number === '+14155550131')).toHaveLength(1);
  });

  it("reports a row the vendor refuses as failed with the vendor's message; a row the body cannot carry fails without a request", async () => {
    expect(await importer.submit(target(), [row(5, { phones: ['12'] })], scope())).toEqual({ outcome: { failed: [{ rowNumber: 5, reason: 'The information sent is invalid.' }], uncertain: [] } });
    expect(lines(addLeads())).toEqual([`PUT /api/v2/config/campaigns/${campaignId}/lead 400`]);
    sims.campaignApi.clearRequests();
    expect(await importer.submit(target(), [row(6, { phones: ['+14155550133'], custom: { priority: 'high' } })], scope())).toEqual({
      outcome: { failed: [{ rowNumber: 6, reason: "priority must be an integer, got 'high'" }], uncertain: [] },
    });
    expect(await importer.submit(target(), [row(7, { name: 'No Phone' })], scope())).toEqual({
      outcome: { failed: [{ rowNumber: 7, reason: 'the row has no phone number (the add-lead body requires `number`)' }], uncertain: [] },
    });
    expect(addLeads()).toEqual([]);
  });

  it('rethrows a 429 as notSent (sent again later) and a 500 without it (the row is uncertain); never asks about an outcome', async () => {
    sims.campaignApi.setFaults({ tooManyRequests: true });
    const limited = await rejection(importer.submit(target(), [row(8, { phones: ['+14155550134'] })], scope()));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', facts: { notSent: true } });
    sims.campaignApi.setFaults({ tooManyRequests: false, serverErrorStatus: 500 });
    const failed = await rejection(importer.submit(target(), [row(9, { phones: ['+14155550135'] })], scope()));
    expect(failed).toMatchObject({ code: 'UPSTREAM_ERROR', facts: { upstreamStatus: 500 } });
    expect(failed.facts['notSent']).toBeUndefined();
    await expect(importer.outcome(target(), 'x', [1], scope())).rejects.toThrow(new TypeError('campaign-api lead imports settle each row when it is submitted; there is no vendor job to ask about'));
  });

  it('sends import rows at bulk priority: an interactive read asked for later still goes first', async () => {
    const slow = adapters((c) => c, 2)['campaign-api']!; // one request each 500 ms
    await slow.campaigns!.listCampaigns({ deadlineAt: Date.now() + 20_000 }); // logs in; the next slot is 500 ms away
    sims.campaignApi.clearRequests();
    // The caller forgot `background`: the importer sets it anyway.
    const submitted = slow.leadImports!.submit(target(), [row(10, { phones: ['+14155550136'] })], { deadlineAt: Date.now() + 20_000 });
    const read = slow.leads!.listLeads(campaignId, {}, null, 10, { deadlineAt: Date.now() + 20_000 });
    await Promise.all([submitted, read]);
    expect(lines(sims.campaignApi.requests)).toEqual([`GET /api/v2/config/campaigns/${campaignId}/leads 200`, `PUT /api/v2/config/campaigns/${campaignId}/lead 200`]);
  });
});

describe('Apps API: one contact import job per batch', () => {
  let importer: LeadImporter;
  let campaignId: number;
  beforeAll(() => {
    importer = adapters()['apps-api']!.leadImports!;
    campaignId = sims.appsApi.state.campaigns[3]!.id;
  });
  const target = () => ({ campaignNativeId: String(campaignId) });
  const base = () => `/apps/api/v1/outbound_dialer/campaigns/${campaignId}`;
  const job = (id: string) => sims.appsApi.state.contactImportJobs.find((j) => String(j.id) === id)!;

  async function settle(vendorRef: string, rowNumbers: number[]) {
    let out = null;
    await waitUntil('the job finishes', async () => (out = await importer.outcome(target(), vendorRef, rowNumbers, scope())) !== null, 5000);
    return out!;
  }

  it("checks the campaign with the Manager API's campaign read", async () => {
    expect(await importer.target(String(campaignId), OPTIONS, scope())).toEqual({ target: { campaignNativeId: String(campaignId) } });
    expect(await importer.target('1', OPTIONS, scope())).toEqual({ problems: [{ field: ['campaignId'], message: "the Apps API has no campaign '1' on connection 'apps-a'" }] });
    expect(lines(sims.appsApi.requests)).toEqual([`GET /manager/api/v1/outbound_dialer/campaigns/${campaignId} 200`, 'GET /manager/api/v1/outbound_dialer/campaigns/1 404']);
  });

  it('posts the batch as a multipart JSON file of contacts, polls the job, and maps its errors to our rows', async () => {
    const rows = [
      row(21, { name: 'Ada', phones: ['+13035550401'], email: 'ada@x.example.com', externalId: 'CSV-401', custom: { outbound_number: '+17608675309' } }),
      row(22, { name: 'Bad', phones: ['nope'] }),
      row(25, { name: 'Cy', phones: ['+13035550403'] }),
    ];
    const sub = await importer.submit(target(), rows, scope());
    expect(sub).toEqual({ vendorRef: expect.stringMatching(/^\d+$/) });
    expect(lines(sims.appsApi.requests)).toEqual([`POST ${base()}/contacts/import 202`]);
    expect(parts(sims.appsApi.requests[0]!)).toEqual({
      file: {
        filename: 'contacts.json',
        contentType: 'application/json',
        text:
          '[{"name":"Ada","email":"ada@x.example.com","phone_number":"+13035550401","outbound_number":"+17608675309","external_unique_id":"CSV-401"},' +
          '{"name":"Bad","phone_number":"nope"},{"name":"Cy","phone_number":"+13035550403"}]',
      },
    });
    expect(
      await settle(
        sub.vendorRef!,
        rows.map((r) => r.rowNumber),
      ),
    ).toEqual({ failed: [{ rowNumber: 22, reason: 'phone_number is invalid' }], uncertain: [] });
    expect(lines(sims.appsApi.requests).slice(1)).toEqual(Array(3).fill(`GET ${base()}/contacts/jobs/${sub.vendorRef} 200`));
    expect(job(sub.vendorRef!).rows.map((r) => (r as { phone_number: string }).phone_number)).toEqual(['+13035550401', 'nope', '+13035550403']);
  });

  it("reports rows the finished job's counters do not account for as uncertain; a failed job fails every row; an unknown status is never success", async () => {
    const rows = [row(31, { phones: ['+13035550411'] }), row(32, { phones: ['+13035550412'] }), row(33, { phones: [] })];
    const sub = await importer.submit(target(), rows, scope());
    const numbers = rows.map((r) => r.rowNumber);
    expect(await settle(sub.vendorRef!, numbers)).toEqual({ failed: [{ rowNumber: 33, reason: 'phone_number is missing' }], uncertain: [] });
    const j = job(sub.vendorRef!);
    j.imported_rows -= 1; // the vendor counts one row fewer than it was sent
    const reason = `the Apps API import job ${sub.vendorRef} finished, but its counters (imported 1, failed 1 of 3) do not account for all 3 rows sent`;
    expect(await importer.outcome(target(), sub.vendorRef!, numbers, scope())).toEqual({
      failed: [{ rowNumber: 33, reason: 'phone_number is missing' }],
      uncertain: [
        { rowNumber: 31, reason },
        { rowNumber: 32, reason },
      ],
    });
    (j as { status: string }).status = 'failed';
    expect(await importer.outcome(target(), sub.vendorRef!, numbers, scope())).toEqual({
      failed: numbers.map((rowNumber) => ({ rowNumber, reason: `the Apps API import job ${sub.vendorRef} ended 'failed'` })),
      uncertain: [],
    });
    (j as { status: string }).status = 'paused';
    const unknown = `the Apps API import job ${sub.vendorRef} answered status 'paused', which does not say whether the row was imported`;
    expect(await importer.outcome(target(), sub.vendorRef!, numbers, scope())).toEqual({
      failed: [{ rowNumber: 33, reason: 'phone_number is missing' }],
      uncertain: [
        { rowNumber: 31, reason: unknown },
        { rowNumber: 32, reason: unknown },
      ],
    });
  });

  it('splits by the byte cap: every file of a greedy split fits the 1 MiB limit exactly as bytesOf counts, and the simulator takes each', async () => {
    const { rows: maxRows, maxBytes, bytesOf } = importer.batch;
    expect(maxBytes).toBe(APPS_API_IMPORT_FILE_MAX_BYTES - 1);
    // 1,200 leads of ~1.1 kB: the byte cap, not the row cap, ends the first batch.
    const all = Array.from({ length: 1200 }, (_, i) => row(i + 1, { name: `Lead ${i} ${'x'.repeat(1050)}`, phones: [`+1303556${String(i).padStart(4, '0')}`] }));
    const batches: ImportRow[][] = [[]];
    let bytes = 0;
    for (const r of all) {
      const b = bytesOf!(r);
      if (batches.at(-1)!.length === maxRows || bytes + b > maxBytes!) {
        batches.push([]);
        bytes = 0;
      }
      batches.at(-1)!.push(r);
      bytes += b;
    }
    expect(batches.map((b) => b.length)).toEqual([952, 248]);
    const jobsBefore = sims.appsApi.state.contactImportJobs.length;
    for (const b of batches) expect(await importer.submit(target(), b, scope())).toEqual({ vendorRef: expect.any(String) });
    const files = sims.appsApi.requests.map((r) => Buffer.byteLength(parts(r).file!.text));
    expect(files).toEqual(batches.map((b) => 1 + b.reduce((n, r) => n + bytesOf!(r), 0)));
    expect(files[0]).toBeLessThanOrEqual(APPS_API_IMPORT_FILE_MAX_BYTES);
    expect(files[0]! + bytesOf!(batches[1]![0]!)).toBeGreaterThan(APPS_API_IMPORT_FILE_MAX_BYTES);
    const jobs = sims.appsApi.state.contactImportJobs.slice(jobsBefore);
    expect(jobs.flatMap((j) => j.rows.map((r) => (r as { phone_number: string }).phone_number))).toEqual(all.map((r) => r.lead.phones[0]));
  });

  it('fails a lead larger than the file limit without a request; a refused file fails its rows; a 429 goes up as notSent', async () => {
    const huge = row(41, { name: 'x'.repeat(APPS_API_IMPORT_FILE_MAX_BYTES), phones: ['+13035550421'] });
    const out = await importer.submit(target(), [huge], scope());
    expect(out.outcome?.failed).toEqual([{ rowNumber: 41, reason: expect.stringMatching(/^the lead is \d+ bytes as JSON, over the import file limit of 1048576$/) }]);
    expect(sims.appsApi.requests).toEqual([]);
    expect(await importer.submit({ campaignNativeId: '1' }, [row(42, { phones: ['+13035550422'] }), row(43, { phones: ['+13035550423'] })], scope())).toEqual({
      outcome: {
        failed: [
          { rowNumber: 42, reason: 'Not Found' },
          { rowNumber: 43, reason: 'Not Found' },
        ],
        uncertain: [],
      },
    });
    sims.appsApi.setFaults({ tooManyRequests: true });
    expect(await rejection(importer.submit(target(), [row(44, { phones: ['+13035550424'] })], scope()))).toMatchObject({ code: 'RATE_LIMITED', facts: { notSent: true } });
  });
});

describe('Ameyo: one native contact upload per batch', () => {
  let importer: LeadImporter;
  beforeAll(() => {
    importer = adapters()['ameyo']!.leadImports!;
  });
  const uploadPath = '/v1/cc-list/1/process-list/389/leads/17/contact-upload-tasks';

  it('resolves the lead list and user from the options, else from the config; names the field to set when neither has them', async () => {
    expect(await importer.target('389', OPTIONS, scope())).toEqual({ target: { campaignNativeId: '389', leadListNativeId: '17', userId: 'switchboard_api', updateDuplicates: false } });
    expect(await importer.target('389', { updateDuplicates: true, leadListNativeId: '18', vendorUserId: 'supervisor1' }, scope())).toEqual({
      target: { campaignNativeId: '389', leadListNativeId: '18', userId: 'supervisor1', updateDuplicates: true },
    });
    expect(await importer.target('999', OPTIONS, scope())).toEqual({
      problems: [{ field: ['campaignId'], message: "campaign '999' is not one of connection 'ameyo-a''s campaigns (its config's campaigns[])" }],
    });
    const bare = adapters((c) => (c.vendor === 'ameyo' ? { ...c, contactUploadUserId: undefined, campaigns: c.campaigns.map((x: any) => ({ id: x.id, name: x.name })) } : c))['ameyo']!;
    expect(await bare.leadImports!.target('389', OPTIONS, scope())).toEqual({
      problems: [
        { field: ['options', 'leadListNativeId'], message: "Ameyo imports into a lead list: set options.leadListNativeId, or leadListId of campaign '389' in connection 'ameyo-a''s config" },
        { field: ['options', 'vendorUserId'], message: "Ameyo uploads run as one of its users: set options.vendorUserId, or contactUploadUserId in connection 'ameyo-a''s config" },
      ],
    });
    expect(sims.ameyo.requests).toEqual([]);
    expect(importer.fields).toEqual({ name: true, email: true, externalId: false, maxPhones: 5, custom: ['twitter', 'facebook', 'timezone'] });
    expect(importer.batch).toEqual({ rows: 1000 });
  });

  it("streams the batch's CSV with the fields it fills, the documented parts and origin, and keeps the task id as Ameyo printed it", async () => {
    const target = (await importer.target('389', { ...OPTIONS, updateDuplicates: true }, scope())) as { target: Record<string, string | boolean> };
    const rows = [
      row(3, { name: 'Ada, Countess', phones: ['+14155550501', '+14155550502'], email: 'ada@x.example.com', custom: { timezone: 'Europe/London' } }),
      row(4, { name: 'Bob', phones: ['12'] }),
      row(6, { phones: ['+14155550503'] }),
      row(9, {}),
    ];
    const sub = await importer.submit(target.target, rows, scope());
    const task = sims.ameyo.state.uploadTasks.at(-1)!;
    expect(sub).toEqual({ vendorRef: task.taskId });
    expect(BigInt(task.taskId)).toBeGreaterThan(2n ** 53n);
    expect(lines(sims.ameyo.requests)).toEqual([`POST ${uploadPath} 200`]);
    const req = sims.ameyo.requests[0]!;
    expect(req.headers).toMatchObject({ accept: '*/*', origin: new URL(sims.ameyo.url).origin });
    expect(parts(req)).toEqual({
      user_id: { filename: null, contentType: null, text: 'switchboard_api' },
      update_duplicate: { filename: null, contentType: null, text: 'true' },
      churn_updated_records: { filename: null, contentType: null, text: 'false' },
      migrate: { filename: null, contentType: null, text: 'false' },
      header_mapping: {
        filename: null,
        contentType: null,
        text: JSON.stringify({ name: 'name', phone1: 'phone1', phone2: 'phone2', phone3: '', phone4: '', phone5: '', email: 'email', twitter: '', facebook: '', timezone: 'timezone' }),
      },
      file: {
        filename: 'leads.csv',
        contentType: 'text/csv',
        text: 'name,phone1,phone2,email,timezone\r\n"Ada, Countess",+14155550501,+14155550502,ada@x.example.com,Europe/London\r\nBob,12,,,\r\n,+14155550503,,,\r\n"",,,,\r\n',
      },
    });
    expect(task.phones).toEqual(['+14155550501', '12', '+14155550503', '']);

    sims.ameyo.clearRequests();
    expect(
      await importer.outcome(
        target.target,
        sub.vendorRef!,
        rows.map((r) => r.rowNumber),
        scope(),
      ),
    ).toEqual({
      failed: [
        { rowNumber: 4, reason: 'Invalid phone1' },
        { rowNumber: 9, reason: 'Invalid phone1' },
      ],
      uncertain: [],
    });
    expect(lines(sims.ameyo.requests)).toEqual([`GET ${uploadPath}/${task.taskId}/error-file 200`]);

    // An error line whose row number is none we sent: some row failed, which is unknown, so the unlisted rows are uncertain.
    task.badRows.push({ row: 7, values: ['', '', '', '', ''], reason: 'Duplicate' });
    const unknown = `Ameyo's error file for upload task ${task.taskId} lists 1 row(s) without a row number we sent`;
    expect(await importer.outcome(target.target, sub.vendorRef!, [3, 4, 6, 9], scope())).toEqual({
      failed: [
        { rowNumber: 4, reason: 'Invalid phone1' },
        { rowNumber: 9, reason: 'Invalid phone1' },
      ],
      uncertain: [
        { rowNumber: 3, reason: unknown },
        { rowNumber: 6, reason: unknown },
      ],
    });
  });

  it('fails every row of an upload Ameyo refuses, rethrows a 429 as notSent, and reports a task whose error file is gone as uncertain', async () => {
    const rows = [row(1, { phones: ['+14155550511'] }), row(2, { phones: ['+14155550512'] })];
    const wrongList = { campaignNativeId: '389', leadListNativeId: '99', userId: 'switchboard_api', updateDuplicates: false };
    expect(await importer.submit(wrongList, rows, scope())).toEqual({
      outcome: {
        failed: [
          { rowNumber: 1, reason: "Object doesn't exist." },
          { rowNumber: 2, reason: "Object doesn't exist." },
        ],
        uncertain: [],
      },
    });
    sims.ameyo.setFaults({ tooManyRequests: true });
    const right = { ...wrongList, leadListNativeId: '17' };
    expect(await rejection(importer.submit(right, rows, scope()))).toMatchObject({ code: 'RATE_LIMITED', facts: { notSent: true } });
    sims.ameyo.resetFaults();
    expect(await importer.outcome(right, '123', [1, 2], scope())).toEqual({
      failed: [],
      uncertain: [
        { rowNumber: 1, reason: 'Ameyo has no error file for upload task 123' },
        { rowNumber: 2, reason: 'Ameyo has no error file for upload task 123' },
      ],
    });
  });
});
