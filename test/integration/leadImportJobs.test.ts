/**
 * CSV lead imports (issue 18) end to end: GraphQL multipart over HTTP into the gateway, the simulators of every
 * vendor over real sockets, the embedded state store on disk. Every import is checked against what the vendor's
 * simulator received: each good row exactly once, none of the bad ones.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { encodeGlobalId } from '../../src/graphql/ids';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';
import { leadImportsReceived } from '../support/leadImports';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };

const JOB_FIELDS = `id status fileName columns total sent succeeded failed uncertain failure startedAt finishedAt errorFileUrl
  errors(first: 100) { edges { cursor node { rowNumber outcome reason values } } pageInfo { hasNextPage endCursor } }`;
const IMPORT = `mutation Import($input: LeadsImportInput!) { leadsImport(input: $input) { job { ${JOB_FIELDS} } userErrors { field message code } } }`;
const JOB = `query Job($id: ID!) { leadImportJob(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation Cancel($id: ID!) { leadImportCancel(input: { jobId: $id }) { job { id status } userErrors { field message code } } }`;

/** A GraphQL multipart request as a browser sends it: operations, map, then the file. */
async function upload(stack: Stack, input: Record<string, unknown>, csv: string | Buffer, fileName = 'leads.csv', apiKey = KEY_A) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: IMPORT, variables: { input: { ...input, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([csv], { type: 'text/csv' }), fileName);
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': 'true' }, body: form });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

/** `n` rows of `name,phone,email`, phones +1415555xxxx from `from`. */
function rows(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return `Lead ${k},+1415${String(5_000_000 + k).padStart(7, '0')},lead${k}@example.com`;
  });
}
const csvOf = (lines: string[]) => `name,phone,email\r\n${lines.map((l) => `${l}\r\n`).join('')}`;
/** The fields every vendor takes (the campaign API's add-lead has no email). */
const MAPPING = { name: 'name', phones: ['phone'] };

describe('CSV lead imports into every vendor (issue 18)', () => {
  let stack: Stack;
  /** A campaign of each connection, by connection id. */
  const campaigns: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200, spacingMarginMs: 0 }, cacheTtlMs: 0 }, imports: { leaseMs: 1_000 } });
    const res = await stack.gql('{ campaigns(first: 100) { edges { node { id connection { id } } } } }');
    for (const { node } of res.body.data!.campaigns.edges) campaigns[node.connection.id] ??= node.id;
  });
  afterAll(() => stack.close());

  async function job(id: string) {
    const res = await stack.gql(JOB, { variables: { id } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.leadImportJob;
  }
  async function until(id: string, status: string, timeoutMs = 30_000) {
    let last: any;
    await waitUntil(`job ${id} is ${status}`, async () => (last = await job(id)).status === status, timeoutMs, 50);
    return last;
  }

  // The campaign API takes one lead per call: a shorter file keeps its restart test at a few seconds.
  describe.each([
    ['ameyo-a', 'ameyo', 3_000],
    ['apps-a', 'appsApi', 3_000],
    ['dialer-a', 'campaignApi', 600],
  ] as const)('%s', (connectionId, sim, restartRows) => {
    it('imports every good row once, reports the bad ones with their values, and serves them as an error CSV', async () => {
      const good = rows(25, 1_000);
      // The last bad row's name is a spreadsheet formula (a DDE command): the error CSV must not hand it to Excel as one.
      const lines = [...good.slice(0, 10), 'No Phone,,nophone@example.com', ...good.slice(10, 20), 'Short Row,+14155550999', ...good.slice(20), "=cmd|' /C calc'!A0,,dde@example.com"];
      const before = leadImportsReceived(stack.sims, sim).length;
      const res = await upload(stack, { campaignId: campaigns[connectionId], mapping: MAPPING }, csvOf(lines), 'spring leads.csv');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.leadsImport.userErrors).toEqual([]);
      const created = res.body.data.leadsImport.job;
      expect(created).toMatchObject({ status: 'QUEUED', fileName: 'spring leads.csv', columns: ['name', 'phone', 'email'], total: 28, sent: 0, failed: 0 });

      const done = await until(created.id, 'FINISHED');
      expect(done).toMatchObject({ total: 28, sent: 25, succeeded: 25, failed: 3, uncertain: 0, failure: null });
      expect(done.errors.edges.map((e: any) => e.node)).toEqual([
        { rowNumber: 11, outcome: 'FAILED', reason: "no phone number in 'phone'", values: ['No Phone', '', 'nophone@example.com'] },
        { rowNumber: 22, outcome: 'FAILED', reason: 'row has 2 fields; the header has 3', values: ['Short Row', '+14155550999'] },
        { rowNumber: 28, outcome: 'FAILED', reason: "no phone number in 'phone'", values: ["=cmd|' /C calc'!A0", '', 'dde@example.com'] },
      ]);
      // Each good row reached the vendor exactly once.
      const received = leadImportsReceived(stack.sims, sim).slice(before);
      expect(received.sort()).toEqual(good.map((l) => l.split(',')[1]!).sort());

      const file = await fetch(done.errorFileUrl.startsWith('http') ? done.errorFileUrl : `${stack.gateway.url}${done.errorFileUrl}`, { headers: { authorization: `Bearer ${KEY_A}` } });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="spring_leads-errors.csv"');
      expect(await file.text()).toBe(
        'name,phone,email,import_row,import_error\r\n' +
          "No Phone,,nophone@example.com,11,no phone number in 'phone'\r\n" +
          'Short Row,+14155550999,,22,row has 2 fields; the header has 3\r\n' +
          "'=cmd|' /C calc'!A0,,dde@example.com,28,no phone number in 'phone'\r\n",
      );
    });

    it('resumes after a restart halfway, and every row reaches the vendor exactly once', async () => {
      const good = rows(restartRows, 10_000 * (1 + ['ameyo-a', 'apps-a', 'dialer-a'].indexOf(connectionId)));
      const before = leadImportsReceived(stack.sims, sim).length;
      const res = await upload(stack, { campaignId: campaigns[connectionId], mapping: MAPPING }, csvOf(good));
      const id = res.body.data.leadsImport.job.id;
      await waitUntil('the import is under way', async () => (await job(id)).succeeded > 0, 30_000, 20);
      await stack.restart();
      const done = await until(id, 'FINISHED', 60_000);
      expect(done).toMatchObject({ total: restartRows, sent: restartRows, succeeded: restartRows, failed: 0, uncertain: 0 });
      const received = leadImportsReceived(stack.sims, sim).slice(before);
      expect(received).toHaveLength(restartRows);
      expect(new Set(received).size).toBe(restartRows);
    }, 90_000);
  });

  it('settles a file of mostly bad rows in bounded steps: every bad row failed once, every good row sent once', async () => {
    // 2,500 rows without a phone around 5 good ones: more bad rows than one read collects (1,000).
    const good = rows(5, 70_000);
    const lines = [good[0]!, ...Array.from({ length: 1_200 }, (_, i) => `Bad ${i},,`), good[1]!, good[2]!, ...Array.from({ length: 1_300 }, (_, i) => `Worse ${i},,`), good[3]!, good[4]!];
    const before = leadImportsReceived(stack.sims, 'appsApi').length;
    const res = await upload(stack, { campaignId: campaigns['apps-a'], mapping: MAPPING }, csvOf(lines));
    const done = await until(res.body.data.leadsImport.job.id, 'FINISHED');
    expect(done).toMatchObject({ total: 2_505, sent: 5, succeeded: 5, failed: 2_500, uncertain: 0 });
    expect(done.errors.edges[0].node).toEqual({ rowNumber: 2, outcome: 'FAILED', reason: "no phone number in 'phone'", values: ['Bad 0', '', ''] });
    expect(leadImportsReceived(stack.sims, 'appsApi').slice(before)).toEqual(good.map((l) => l.split(',')[1]));
  });

  it('reports progress to a graphql-ws subscriber from QUEUED to FINISHED, each step newer than the last', async () => {
    const res = await upload(stack, { campaignId: campaigns['apps-a'], mapping: MAPPING }, csvOf(rows(2_500, 50_000)));
    const id = res.body.data.leadsImport.job.id;
    const client = createClient({ url: stack.graphqlUrl.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${KEY_A}` }, lazy: true });
    const seen: any[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription P($id: ID!) { leadImportProgress(jobId: $id) { id status total sent succeeded failed uncertain } }`, variables: { id } },
        { next: (r) => seen.push(r.data?.leadImportProgress ?? r.errors), error: reject, complete: resolve },
      );
    });
    await client.dispose();
    expect(seen.at(-1)).toEqual({ id, status: 'FINISHED', total: 2_500, sent: 2_500, succeeded: 2_500, failed: 0, uncertain: 0 });
    for (let i = 1; i < seen.length; i++) expect(seen[i].succeeded).toBeGreaterThanOrEqual(seen[i - 1].succeeded);
    expect(seen.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('cancels: sending stops before the next batch, what was sent stays reported, the rest is never sent', async () => {
    // The campaign API takes one lead per call: slow it to 20 a second so there is time to cancel midway.
    const before = leadImportsReceived(stack.sims, 'campaignApi').length;
    const res = await upload(stack, { campaignId: campaigns['dialer-a'], mapping: MAPPING }, csvOf(rows(5_000, 90_000)));
    const id = res.body.data.leadsImport.job.id;
    await waitUntil('some rows were sent', async () => (await job(id)).succeeded >= 5, 30_000, 10);
    // The answer waits for the worker to stop: the job is CANCELLED in it, with what was sent.
    const cancel = await stack.gql(CANCEL, { variables: { id } });
    expect(cancel.body.data!.leadImportCancel).toEqual({ job: { id, status: 'CANCELLED' }, userErrors: [] });
    const done = await job(id);
    expect(done.sent).toBeLessThan(5_000);
    expect(done.succeeded).toBe(done.sent);
    expect(leadImportsReceived(stack.sims, 'campaignApi').length - before).toBe(done.sent);
    const again = await stack.gql(CANCEL, { variables: { id } });
    expect(again.body.data!.leadImportCancel).toEqual({ job: null, userErrors: [{ field: ['input', 'jobId'], message: 'the lead import has already ended (CANCELLED)', code: 'BAD_USER_INPUT' }] });
  }, 60_000);

  describe('refuses what the caller can fix before anything is sent, and keeps nothing of it', () => {
    const importsDir = () => path.join(stack.gateway.imports.dir, 'tenant-a');
    const stored = () => {
      try {
        return readdirSync(importsDir()).filter((f) => !f.startsWith('.')).length;
      } catch {
        return 0;
      }
    };
    it.each([
      [
        'a mapped column missing from the header',
        { mapping: { name: 'full_name', phones: ['phone'] } },
        'name,phone\r\nA,+14155550100\r\n',
        [{ field: ['input', 'mapping', 'name'], message: "column 'full_name' is not in the file's header (it has 'name', 'phone')", code: 'BAD_USER_INPUT' }],
      ],
      [
        'no phone column',
        { mapping: { name: 'name', phones: [] } },
        'name,phone\r\nA,+14155550100\r\n',
        [{ field: ['input', 'mapping', 'phones'], message: 'phones must name at least one column', code: 'BAD_USER_INPUT' }],
      ],
      [
        'a file that is not UTF-8',
        { mapping: MAPPING },
        Buffer.concat([Buffer.from('name,phone,email\r\nJos'), Buffer.from([0xe9]), Buffer.from(',+14155550100,\r\n')]),
        [{ field: ['input', 'file'], message: 'file is not UTF-8: invalid byte 0xe9 at offset 21', code: 'BAD_USER_INPUT' }],
      ],
      ['an empty file', { mapping: MAPPING }, '', [{ field: ['input', 'file'], message: 'file is empty', code: 'BAD_USER_INPUT' }]],
      [
        'duplicate column names',
        { mapping: MAPPING },
        'name,phone,name\r\nA,+14155550100,B\r\n',
        [{ field: ['input', 'file'], message: "the file's header repeats a column name: 'name' (columns 1 and 3)", code: 'BAD_USER_INPUT' }],
      ],
      [
        'a field the vendor does not take',
        { mapping: { phones: ['phone'], email: 'email' } },
        'name,phone,email\r\nA,+14155550100,a@example.com\r\n',
        [{ field: ['input', 'mapping', 'email'], message: "connection 'dialer-a' (campaign-api) has no lead field for email", code: 'BAD_USER_INPUT' }],
      ],
      [
        'more phone columns than the vendor takes',
        { mapping: { phones: ['phone', 'mobile'] } },
        'phone,mobile\r\n+14155550100,+14155550101\r\n',
        [{ field: ['input', 'mapping', 'phones'], message: "connection 'dialer-a' (campaign-api) takes at most 1 phone number per lead; got 2", code: 'BAD_USER_INPUT' }],
      ],
      [
        'a custom field the vendor does not have',
        { mapping: { phones: ['phone'], custom: [{ field: 'twitter', column: 'phone' }] } },
        'phone\r\n+14155550100\r\n',
        [
          {
            field: ['input', 'mapping', 'custom', '0', 'field'],
            message: "connection 'dialer-a' (campaign-api) has no lead field 'twitter' (expected one of first_name, last_name, type, ticket_id, note, retries, priority, cool_off)",
            code: 'BAD_USER_INPUT',
          },
        ],
      ],
    ])('%s', async (_what, input, csv, userErrors) => {
      const sent = stack.sims.campaignApi.requests.length;
      const storedBefore = stored();
      const res = await upload(stack, { campaignId: campaigns['dialer-a'], ...input }, csv);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.leadsImport).toEqual({ job: null, userErrors });
      expect(stack.sims.campaignApi.requests.length).toBe(sent);
      expect(stored()).toBe(storedBefore);
    });

    it('a job id of another type or connection is NOT_FOUND', async () => {
      const res = await stack.gql(JOB, { variables: { id: encodeGlobalId('LeadImportJob', 'apps-a', '00000000-0000-0000-0000-000000000000') } });
      expect(res.body.errors).toEqual([
        {
          message: `could not resolve to a node with id ${JSON.stringify(encodeGlobalId('LeadImportJob', 'apps-a', '00000000-0000-0000-0000-000000000000'))}`,
          path: ['leadImportJob'],
          locations: expect.any(Array),
          extensions: { code: 'NOT_FOUND' },
        },
      ]);
    });
  });
});

describe('lead import limits per tenant (issue 18)', () => {
  let stack: Stack;
  let campaignId: string;
  beforeAll(async () => {
    // The campaign API at 5 rows a second: a job stays running for the length of the test.
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 5, spacingMarginMs: 0 }, cacheTtlMs: 0 }, imports: { maxActiveJobs: 1, maxRows: 100 } });
    campaignId = (await stack.gql('{ campaigns(first: 1, filter: { connectionIds: ["dialer-a"] }) { edges { node { id } } } }')).body.data!.campaigns.edges[0].node.id;
  });
  afterAll(() => stack.close());

  it('refuses a file with more rows than imports.maxRows, and a job past imports.maxActiveJobs until the running one ends', async () => {
    const tooLong = await upload(stack, { campaignId, mapping: MAPPING }, csvOf(rows(101)));
    expect(tooLong.body.data.leadsImport).toEqual({ job: null, userErrors: [{ field: ['input', 'file'], message: 'file has more than 100 data rows', code: 'BAD_USER_INPUT' }] });

    const first = await upload(stack, { campaignId, mapping: MAPPING }, csvOf(rows(100)));
    const id = first.body.data.leadsImport.job.id;
    const second = await upload(stack, { campaignId, mapping: MAPPING }, csvOf(rows(10)));
    expect(second.body.data.leadsImport).toEqual({
      job: null,
      userErrors: [{ field: ['input'], message: 'this tenant has 1 lead import queued or running, the most it may: wait for one to end, or cancel one', code: 'BAD_USER_INPUT' }],
    });
    expect((await stack.gql(CANCEL, { variables: { id } })).body.data!.leadImportCancel.job.status).toBe('CANCELLED');
    const third = await upload(stack, { campaignId, mapping: MAPPING }, csvOf(rows(10)));
    expect(third.body.data.leadsImport).toMatchObject({ job: { status: 'QUEUED', total: 10 }, userErrors: [] });
  }, 30_000);
});
