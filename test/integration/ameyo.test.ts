/**
 * Issue 5, Ameyo over real HTTP: a browser-style multipart CSV upload reaching the simulator byte for byte,
 * refusals that send nothing, error reports and their download, presence and the monitoring tables with
 * every documented filter, dial/dispose under idempotency keys, and recordings.
 */
import { createHash } from 'node:crypto';
import { AMEYO_SIM_DEFAULTS, agentLegId } from '../../sim';
import { encodeGlobalId } from '../../src/graphql/ids';
import { bodyOf } from '../support/graphqlBody';
import { KEY_A, requestLines, startStack, type Stack } from '../support/stack';
import { untilLatencyHasPassed } from '../support/wait';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const UPLOAD = `mutation($input: ContactsUploadInput!) { contactsUpload(input: $input) {
  task { id nativeId campaign { id nativeId } leadListNativeId connection { id } errorReport { rows { rowNumber reason values { column value } } downloadUrl } }
  userErrors { field message code } } }`;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A GraphQL multipart request as a browser sends it: operations, map, then the file. */
async function upload(
  stack: Stack,
  input: Record<string, unknown>,
  csv: string,
  headers: Record<string, string> = { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true' },
  query = UPLOAD,
) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { input: { ...input, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers, body: form });
  return { status: res.status, body: await bodyOf<{ data?: any; errors?: any[] }>(res) };
}

describe('Ameyo contact uploads', () => {
  let stack: Stack;
  /** The vendor's ids of the campaign (its process) and lead list; `campaignGid` is the Campaign's id from `campaigns`. */
  let campaignId: string;
  let leadListId: string;
  let campaignGid: string;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 }, server: { uploads: { maxFileBytes: 4096 } } });
    const list = stack.sims.ameyo.state.leadLists[0]!;
    campaignId = String(list.campaignId);
    leadListId = String(list.leadId);
    campaignGid = encodeGlobalId('Campaign', 'ameyo-a', campaignId);
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.ameyo.clearRequests());

  const base = () => ({
    campaignId: campaignGid,
    leadListNativeId: leadListId,
    userNativeId: 'supervisor1',
    headerMapping: [
      { field: 'name', column: 'customer_name' },
      { field: 'phone1', column: 'phone1' },
      { field: 'email', column: 'email' },
    ],
  });

  it('streams the CSV to Ameyo byte for byte with the documented fields, and returns the task id exactly', async () => {
    const csv = 'customer_name,phone1,email\r\n"Lovelace, Ada",+14155550101,ada@example.com\r\nBad Phone,12,bad@example.com\r\nGrace Hopper,+14155550102,not-an-email\r\n';
    const res = await upload(stack, { ...base(), updateDuplicates: true, migrate: false }, csv);
    expect(res.body.errors).toBeUndefined();
    const task = res.body.data.contactsUpload.task;
    const stored = stack.sims.ameyo.state.uploadTasks.at(-1)!;
    // 9007199254740993 is 2^53 + 1: JSON.parse would have rounded it.
    expect(task.nativeId).toBe(String(stored.taskId));
    expect(task.nativeId).toBe('9007199254740993');
    expect(task).toMatchObject({ campaign: { id: campaignGid, nativeId: campaignId }, leadListNativeId: leadListId, connection: { id: 'ameyo-a' } });
    expect(task.id).toBe(encodeGlobalId('ContactUploadTask', 'ameyo-a', `${campaignId}/${leadListId}/${task.nativeId}`));
    expect(stored.sha256).toBe(sha256(csv));
    expect(stored.byteLength).toBe(Buffer.byteLength(csv));
    expect(stored.fields).toEqual({
      user_id: 'supervisor1',
      update_duplicate: true,
      churn_updated_records: false,
      migrate: false,
      header_mapping: { name: 'customer_name', phone1: 'phone1', phone2: '', phone3: '', phone4: '', phone5: '', email: 'email', twitter: '', facebook: '', timezone: '' },
    });
    const sent = stack.sims.ameyo.requests.filter((r) => r.path.endsWith('/contact-upload-tasks'));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1/cc-list/1/process-list/${campaignId}/leads/${leadListId}/contact-upload-tasks`]);
    expect(sent[0]!.headers['authorization']).toBe(`Basic ${Buffer.from(`${AMEYO_SIM_DEFAULTS.username}:${AMEYO_SIM_DEFAULTS.password}`).toString('base64')}`);
    expect(sent[0]!.headers['hash-key']).toBeUndefined();
    // The document's four headers (issue 16, item 5); `origin` defaults to the origin of the CMS base URL.
    expect(sent[0]!.headers).toMatchObject({ accept: '*/*', origin: new URL(stack.sims.ameyo.url).origin, 'content-type': expect.stringMatching(/^multipart\/form-data; boundary=/) });

    // The error report: the two bad rows, parsed, and a download URL that streams the vendor's CSV.
    expect(task.errorReport.rows).toEqual([
      {
        rowNumber: 2,
        reason: 'Invalid phone1',
        values: [
          { column: 'customer_name', value: 'Bad Phone' },
          { column: 'phone1', value: '12' },
          { column: 'email', value: 'bad@example.com' },
        ],
      },
      {
        rowNumber: 3,
        reason: 'Invalid email',
        values: [
          { column: 'customer_name', value: 'Grace Hopper' },
          { column: 'phone1', value: '+14155550102' },
          { column: 'email', value: 'not-an-email' },
        ],
      },
    ]);
    const url = task.errorReport.downloadUrl as string;
    // Relative: no server.publicUrl is configured, and the Host header is never used to build it.
    expect(url).toBe(`/files/contact-upload-errors/${encodeURIComponent(task.id)}`);
    const download = await fetch(`${stack.gateway.url}${url}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('text/csv');
    const direct = await fetch(`${stack.sims.ameyo.url}/v1/cc-list/1/process-list/${campaignId}/leads/${leadListId}/contact-upload-tasks/${task.nativeId}/error-file`, {
      headers: { authorization: `Basic ${Buffer.from(`${AMEYO_SIM_DEFAULTS.username}:${AMEYO_SIM_DEFAULTS.password}`).toString('base64')}` },
    });
    expect(await download.text()).toBe(await direct.text());
  });

  it("lists the connection's configured campaigns in `campaigns`, asking Ameyo nothing, and uploads to one by its id", async () => {
    const res = await stack.gql(
      `{ campaigns(first: 10, filter: { connectionIds: ["ameyo-a"] }) { totalCount edges { node { id nativeId name vendor status rawStatus leadStats { total } leads { totalCount } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const seeded = stack.sims.ameyo.state.campaigns;
    expect(res.body.data!['campaigns'].totalCount).toBe(seeded.length);
    const nodes = res.body.data!['campaigns'].edges.map((e: any) => e.node);
    expect(nodes).toEqual(
      seeded.map((c) => ({
        id: encodeGlobalId('Campaign', 'ameyo-a', String(c.campaignId)),
        nativeId: String(c.campaignId),
        name: c.campaignName,
        vendor: 'AMEYO',
        status: 'UNKNOWN',
        rawStatus: '',
        leadStats: null,
        // Ameyo has no lead store: null, and no error.
        leads: null,
      })),
    );
    expect(stack.sims.ameyo.requests).toEqual([]);
    const picked = nodes.find((n: any) => n.nativeId === campaignId);
    const up = await upload(stack, { ...base(), campaignId: picked.id }, 'customer_name,phone1,email\r\nAda,+14155550101,ada@example.com\r\n');
    expect(up.body.data.contactsUpload.userErrors).toEqual([]);
    expect(up.body.data.contactsUpload.task.campaign).toEqual({ id: picked.id, nativeId: campaignId });
    expect(requestLines(stack.sims.ameyo).filter((l) => l.startsWith('POST'))).toEqual([`POST /v1/cc-list/1/process-list/${campaignId}/leads/${leadListId}/contact-upload-tasks`]);
  });

  it("refuses the error download without a key, and for another tenant's or an unknown task", async () => {
    const id = encodeGlobalId('ContactUploadTask', 'ameyo-a', `${campaignId}/${leadListId}/1`);
    const noKey = await fetch(`${stack.gateway.url}/files/contact-upload-errors/${encodeURIComponent(id)}`);
    expect(noKey.status).toBe(401);
    expect(await bodyOf(noKey)).toEqual({ errors: [{ message: 'missing API key: send `Authorization: Bearer <api key>`', extensions: { code: 'UNAUTHENTICATED' } }] });
    const foreign = encodeGlobalId('ContactUploadTask', 'someone-elses', `${campaignId}/${leadListId}/1`);
    const other = await fetch(`${stack.gateway.url}/files/contact-upload-errors/${encodeURIComponent(foreign)}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(other.status).toBe(404);
    expect(await bodyOf(other)).toEqual({ errors: [{ message: `could not resolve to a node with id "${foreign}"`, extensions: { code: 'NOT_FOUND' } }] });
    const unknown = await fetch(`${stack.gateway.url}/files/contact-upload-errors/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]!.extensions).toMatchObject({ code: 'NOT_FOUND', vendor: 'ameyo', upstreamCode: 'CONF-1004' });
  });

  it('refuses an unknown target field and a column the file lacks, sending nothing', async () => {
    const csv = 'customer_name,phone1\r\nAda,+14155550101\r\n';
    const res = await upload(
      stack,
      {
        ...base(),
        headerMapping: [
          { field: 'name', column: 'customer_name' },
          { field: 'fax', column: 'phone1' },
        ],
      },
      csv,
    );
    expect(res.body.data.contactsUpload).toEqual({
      task: null,
      userErrors: [
        {
          field: ['input', 'headerMapping', '1', 'field'],
          message: "unknown contact field 'fax' (expected one of name, phone1, phone2, phone3, phone4, phone5, email, twitter, facebook, timezone)",
          code: 'BAD_USER_INPUT',
        },
      ],
    });
    const missing = await upload(stack, base(), csv);
    expect(missing.body.data.contactsUpload).toEqual({
      task: null,
      userErrors: [{ field: ['input', 'file'], message: "the file's header has no column 'email' (it has 'customer_name', 'phone1')", code: 'BAD_USER_INPUT' }],
    });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it('refuses an oversized file, a missing preflight header and a missing key, sending nothing', async () => {
    // Declared larger than every limit allows: refused from Content-Length alone, before reading.
    const big = `customer_name,phone1,email\r\n${'Ada,+14155550101,ada@example.com\r\n'.repeat(34_000)}`;
    const tooBig = await upload(stack, base(), big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ errors: [{ message: `request body is larger than ${4096 + 1_048_576} bytes`, extensions: { code: 'BAD_REQUEST' } }] });

    const csv = 'customer_name,phone1,email\r\nAda,+14155550101,ada@example.com\r\n';
    const noPreflight = await upload(stack, base(), csv, { authorization: `Bearer ${KEY_A}` });
    expect(noPreflight).toEqual({
      status: 400,
      body: { errors: [{ message: 'multipart requests need an Apollo-Require-Preflight (or X-Apollo-Operation-Name) header', extensions: { code: 'BAD_REQUEST' } }] },
    });
    const noKey = await upload(stack, base(), csv, { 'apollo-require-preflight': 'true' });
    expect(noKey).toEqual({ status: 401, body: { errors: [{ message: 'missing API key: send `Authorization: Bearer <api key>`', extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it('refuses a file past the byte limit that declared no size, as a user error', async () => {
    // Sent chunked (no Content-Length), so only the streaming byte count can catch it.
    const body = `customer_name,phone1,email\r\n${'Ada,+14155550101,ada@example.com\r\n'.repeat(200)}`;
    const boundary = '----test-boundary';
    const ops = JSON.stringify({ query: UPLOAD, variables: { input: { ...base(), file: null } } });
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${ops}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${body}\r\n--${boundary}--\r\n`,
    ];
    const stream = new ReadableStream({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    });
    const res = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true', 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: stream,
      duplex: 'half',
    });
    const json = (await res.json()) as { data: any };
    expect(json.data.contactsUpload).toEqual({ task: null, userErrors: [{ field: ['input', 'file'], message: 'file is larger than 4096 bytes', code: 'BAD_USER_INPUT' }] });
    expect(stack.sims.ameyo.state.uploadTasks.filter((t) => t.byteLength > 4096)).toEqual([]);
  });
});

describe('Ameyo presence and monitoring tables', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.ameyo.clearRequests());

  it('gives Ameyo agents their session: campaign, queue, interaction, channel and customer', async () => {
    const res = await stack.gql(`{ agents(first: 100, filter: { connectionIds: ["ameyo-a"], statuses: [ON_CALL] }) { edges { node { nativeId presence {
        sessionNativeId campaign { nativeId name } queue { nativeId name } interactionNativeId channel customerStatus customer { name phone crtObjectNativeId } callId waiting } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!['agents'].edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      const session = stack.sims.ameyo.state.sessions.find((s) => s.userId === n.nativeId)!;
      expect(n.presence.sessionNativeId).toBe(session.sessionId);
      expect(n.presence.campaign.nativeId).toBe(String(session.campaignId));
      expect(typeof n.presence.channel).toBe('string');
      if (n.presence.customer) expect(n.presence.callId).toBe(encodeGlobalId('Call', 'ameyo-a', n.presence.customer.crtObjectNativeId));
    }
  });

  // Objects the schema has (campaigns, agents, calls) by their global IDs; the rest by the vendor's ids. The wire is the same.
  const FILTERS: Array<[string, string, Record<string, unknown>, Record<string, string[]>]> = [
    ['campaignIds', 'customerInteractions', { campaignIds: [encodeGlobalId('Campaign', 'ameyo-a', '389')] }, { 'campaign-ids': ['389'] }],
    ['agentIds', 'agentRuntimes', { agentIds: [encodeGlobalId('Agent', 'ameyo-a', 'u1'), encodeGlobalId('Agent', 'ameyo-a', 'u2')] }, { 'user-ids': ['u1', 'u2'] }],
    ['userName', 'agentRuntimes', { userName: 'ar' }, { 'user-name': ['ar'] }],
    ['statuses', 'customerInteractions', { statuses: ['connected', 'ringing'] }, { status: ['connected', 'ringing'] }],
    ['queueNativeIds', 'chatInteractions', { queueNativeIds: ['51'] }, { 'queue-ids': ['51'] }],
    ['userTypes', 'agentRuntimes', { userTypes: ['Supervisor'] }, { 'user-types': ['Supervisor'] }],
    ['sessionNativeIds', 'chatInteractions', { sessionNativeIds: ['s-1'] }, { 'session-ids': ['s-1'] }],
    ['callIds', 'customerInteractions', { callIds: [encodeGlobalId('Call', 'ameyo-a', 'c-1')] }, { 'call-ids': ['c-1'] }],
    ['chatNativeIds', 'chatInteractions', { chatNativeIds: ['chat-1'] }, { 'chat-ids': ['chat-1'] }],
  ];

  it.each(FILTERS)('sends the %s filter as documented (%s)', async (_name, field, filter, query) => {
    const res = await stack.gql(`query($f: PresenceFilter) { ${field}(connectionId: "ameyo-a", filter: $f, first: 5) { totalCount edges { node { raw } } } }`, { variables: { f: filter } });
    expect(res.body.errors).toBeUndefined();
    const table = { agentRuntimes: 'user-runtime-information', chatInteractions: 'chat-information', customerInteractions: 'customer-information' }[field]!;
    expect(stack.sims.ameyo.requests.map((r) => r.query)).toEqual([{ 'table-name': [table], offset: ['0'], limit: ['5'], ...query }]);
  });

  it('refuses an id of another type or connection in a filter as BAD_USER_INPUT, sending nothing', async () => {
    const wrong = encodeGlobalId('Campaign', 'apps-a', '389');
    const res = await stack.gql(`query($f: PresenceFilter) { agentRuntimes(connectionId: "ameyo-a", filter: $f) { totalCount } }`, { variables: { f: { campaignIds: [wrong] } } });
    expect(res.body.errors).toEqual([expect.objectContaining({ message: "filter.campaignIds[0]: expected a Campaign of connection 'ameyo-a'", extensions: { code: 'BAD_USER_INPUT' } })]);
    const native = await stack.gql(`{ agentRuntimes(connectionId: "ameyo-a", filter: { agentIds: ["u1"] }) { totalCount } }`);
    expect(native.body.errors![0]).toMatchObject({ message: 'filter.agentIds[0]: expected a Switchboard global ID, got "u1"', extensions: { code: 'BAD_USER_INPUT' } });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it('pages the runtime table over offset/limit with totalCount and sorting', async () => {
    const all = stack.sims.ameyo.state.agents.length;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
        `query($after: String) { agentRuntimes(connectionId: "ameyo-a", sort: [{ field: "user_id", direction: ASC }], first: 10, after: $after) {
           totalCount pageInfo { hasNextPage endCursor } edges { node { userNativeId status rawStatus agent { nativeId } } } } }`,
        { variables: { after } },
      );
      expect(res.body.errors).toBeUndefined();
      const page = res.body.data!['agentRuntimes'];
      expect(page.totalCount).toBe(all);
      seen.push(...page.edges.map((e: any) => e.node.userNativeId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(all);
    const offsets = stack.sims.ameyo.requests.filter((r) => r.query['table-name']?.[0] === 'user-runtime-information').map((r) => r.query['offset']![0]);
    expect(offsets).toEqual(Array.from({ length: Math.ceil(all / 10) }, (_, i) => String(i * 10)));
    expect(stack.sims.ameyo.requests[0]!.query['sort_by']).toEqual(['user_id:asc']);
  });

  it('carries a data-engine CONF-1001 as a top-level BAD_USER_INPUT with the vendor code', async () => {
    const res = await stack.gql(`{ agentRuntimes(connectionId: "ameyo-a", sort: [{ field: "no_such_field", direction: ASC }]) { totalCount } }`);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', vendor: 'ameyo', connectionId: 'ameyo-a', upstreamStatus: 400, upstreamCode: 'CONF-1001' } });
    expect(res.body.errors![0]!.message).toMatch(/^Invalid input or malformed request\./);
  });
});

describe('Ameyo dialing and disposition', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Voice session rows name the agent's leg (the simulator's undocumented `agentLegInSessionRow`): the gateway reads it
    // there defensively. The documented source, the CRM URLs' userCrtObjectId, is test/integration/ameyoAgentLeg.test.ts.
    stack = await startStack({ sims: { ...FAST, ameyo: { ...FAST.ameyo, agentLegInSessionRow: true } }, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.ameyo.clearRequests());

  const DIAL = `mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { id accepted vendorReason } userErrors { field message code } } }`;
  const agentOf = (status: string) => {
    const s = stack.sims.ameyo.state.sessions.find((x) => x.userStatus === status)!;
    return { session: s, id: encodeGlobalId('Agent', 'ameyo-a', s.userId) };
  };
  /** The Campaign id `campaigns` gives the Ameyo campaign `nativeId`. */
  const campaignGid = (nativeId: string | number) => encodeGlobalId('Campaign', 'ameyo-a', String(nativeId));
  const attemptId = (key: string) => encodeGlobalId('DialAttempt', 'ameyo-a', `callDial/${key}`);

  it('dials once per idempotency key: one request at Ameyo, the same answer twice', async () => {
    const { session, id } = agentOf('Ready');
    const input = { agentId: id, campaignId: campaignGid(session.campaignId), phoneNumber: '+14155550111', extraParams: { recordId: 'crm-1' }, idempotencyKey: 'dial-0001-abcdef' };
    const first = await stack.gql(DIAL, { variables: { input } });
    const second = await stack.gql(DIAL, { variables: { input } });
    expect(first.body).toEqual({ data: { callDial: { dialAttempt: { id: attemptId('dial-0001-abcdef'), accepted: true, vendorReason: 'success' }, userErrors: [] } } });
    expect(second.body).toEqual(first.body);
    const dials = stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess/command'));
    expect(dials.map((r) => `${r.method} ${r.path}?${r.rawQuery}`)).toEqual(['POST /ameyowebaccess/command/?command=clickToDialWithTokenAsync']);
    expect(JSON.parse(dials[0]!.body)).toEqual({ userId: session.userId, campaignId: String(session.campaignId), phone: '+14155550111', additionalParams: { recordId: 'crm-1' } });
    expect(dials[0]!.headers).toMatchObject({ 'hash-key': AMEYO_SIM_DEFAULTS.hashKey, 'policy-name': 'token-based-authorization-policy', 'requesting-host': AMEYO_SIM_DEFAULTS.requestingHost });
    expect(dials[0]!.headers['authorization']).toBeUndefined();
  });

  it('answers a dial attempt that node(id:) and dialAttempt(id:) read back from its record, asking Ameyo nothing', async () => {
    const { session, id } = agentOf('Ready');
    const input = { agentId: id, campaignId: campaignGid(session.campaignId), phoneNumber: '+14155550119', idempotencyKey: 'dial-0009-abcdef' };
    const FIELDS = 'id vendor phoneNumber accepted vendorReason requestedAt idempotencyKey connection { id }';
    const before = Date.now();
    const dialled = await stack.gql(`mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { __typename ${FIELDS} } userErrors { code } } }`, { variables: { input } });
    expect(dialled.body.errors).toBeUndefined();
    const attempt = dialled.body.data!['callDial'].dialAttempt;
    expect(attempt).toEqual({
      __typename: 'DialAttempt',
      id: attemptId('dial-0009-abcdef'),
      vendor: 'AMEYO',
      phoneNumber: '+14155550119',
      accepted: true,
      vendorReason: 'success',
      requestedAt: expect.any(String),
      idempotencyKey: 'dial-0009-abcdef',
      connection: { id: 'ameyo-a' },
    });
    expect(Date.parse(attempt.requestedAt)).toBeGreaterThanOrEqual(before - 1000);
    stack.sims.ameyo.clearRequests();
    const read = await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on DialAttempt { ${FIELDS} } } dialAttempt(id: $id) { ${FIELDS} } }`, { variables: { id: attempt.id } });
    expect(read.body).toEqual({ data: { node: attempt, dialAttempt: (({ __typename: _t, ...rest }) => rest)(attempt) } });
    expect(stack.sims.ameyo.requests).toEqual([]);
    // Its references are the objects `agents` and `campaigns` answer (the agent is read from Ameyo).
    const refs = await stack.gql(`query($id: ID!) { dialAttempt(id: $id) { agent { id } campaign { id nativeId name } } }`, { variables: { id: attempt.id } });
    expect(refs.body.data!['dialAttempt']).toEqual({ agent: { id }, campaign: { id: campaignGid(session.campaignId), nativeId: String(session.campaignId), name: expect.any(String) } });
    // A key that never dialled, and another tenant's attempt, are not found.
    const unknown = attemptId('dial-none-abcdef');
    const missing = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { variables: { id: unknown } });
    expect(missing.body).toMatchObject({ data: { node: null }, errors: [{ message: `could not resolve to a node with id "${unknown}"`, extensions: { code: 'NOT_FOUND' } }] });
  });

  it('refuses the same key with a different input with IDEMPOTENCY_CONFLICT, sending nothing', async () => {
    const { session, id } = agentOf('Ready');
    const input = { agentId: id, campaignId: campaignGid(session.campaignId), phoneNumber: '+14155550112', idempotencyKey: 'dial-0002-abcdef' };
    await stack.gql(DIAL, { variables: { input } });
    stack.sims.ameyo.clearRequests();
    const other = await stack.gql(DIAL, { variables: { input: { ...input, phoneNumber: '+14155550113' } } });
    expect(other.body).toEqual({
      data: { callDial: null },
      errors: [
        {
          message: "idempotencyKey 'dial-0002-abcdef' was already used with a different input",
          locations: [{ line: 1, column: 36 }],
          path: ['callDial'],
          extensions: { code: 'IDEMPOTENCY_CONFLICT' },
        },
      ],
    });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it("carries Ameyo's refusal as a VENDOR_REFUSED user error, and replays it for the same key", async () => {
    const loggedOff = stack.sims.ameyo.state.agents.find((a) => !stack.sims.ameyo.state.sessions.some((s) => s.userId === a.userId))!;
    const input = { agentId: encodeGlobalId('Agent', 'ameyo-a', loggedOff.userId), campaignId: campaignGid('389'), phoneNumber: '+14155550114', idempotencyKey: 'dial-0003-abcdef' };
    const res = await stack.gql(DIAL, { variables: { input } });
    expect(res.body.data!['callDial']).toEqual({
      dialAttempt: { id: attemptId('dial-0003-abcdef'), accepted: false, vendorReason: `User ${loggedOff.userId} is not logged in` },
      userErrors: [{ field: null, message: `User ${loggedOff.userId} is not logged in`, code: 'VENDOR_REFUSED' }],
    });
    expect((await stack.gql(DIAL, { variables: { input } })).body).toEqual(res.body);
    expect(stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess'))).toHaveLength(1);
  });

  it.each([
    [500, 'UPSTREAM_ERROR', 'ameyo answered HTTP 500'],
    [503, 'UPSTREAM_UNAVAILABLE', 'ameyo is unavailable (HTTP 503)'],
  ])('a dial Ameyo answers %i is not retryable under its key: the replay answers the same error, and the message says what to do', async (status, code, said) => {
    const { session, id } = agentOf('Ready');
    const key = `dial-5xx-${status}-abc`;
    const input = { agentId: id, campaignId: campaignGid(session.campaignId), phoneNumber: '+14155550120', idempotencyKey: key };
    stack.sims.ameyo.setFaults({ serverErrorStatus: status });
    let first: Awaited<ReturnType<Stack['gql']>>;
    let again: Awaited<ReturnType<Stack['gql']>>;
    try {
      first = await stack.gql(DIAL, { variables: { input } });
      again = await stack.gql(DIAL, { variables: { input } });
    } finally {
      stack.sims.ameyo.resetFaults();
    }
    const error = first.body.errors![0]!;
    expect(error.message).toMatch(new RegExp(`^${said.replace(/[()]/g, '\\$&')}`));
    expect(error.message).toMatch(
      /\. The command may have taken effect and was not retried; a repeat with this idempotencyKey answers this error again\. Check the agent's call before trying again with a new idempotencyKey\.$/,
    );
    expect(error.extensions).toMatchObject({ code, vendor: 'ameyo', connectionId: 'ameyo-a', upstreamStatus: status, retryable: false });
    expect(again.body.errors).toEqual(first.body.errors);
    // One request reached Ameyo; the replay sent nothing.
    expect(stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess'))).toHaveLength(1);
  });

  it("refuses an agent of another connection than the campaign's and a short key at the edge", async () => {
    const res = await stack.gql(DIAL, {
      variables: { input: { agentId: encodeGlobalId('Agent', 'apps-a', '1'), campaignId: campaignGid('389'), phoneNumber: '+14155550115', idempotencyKey: 'short' } },
    });
    expect(res.body.data!['callDial']).toEqual({
      dialAttempt: null,
      userErrors: [
        { field: ['input', 'idempotencyKey'], message: 'idempotencyKey must be 8 to 255 characters', code: 'BAD_USER_INPUT' },
        { field: ['input', 'agentId'], message: "expected an Agent of connection 'ameyo-a'", code: 'BAD_USER_INPUT' },
      ],
    });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it("refuses the vendor's own campaign id (a global ID is required) and a campaign of a connection that cannot dial", async () => {
    const { session, id } = agentOf('Ready');
    const native = await stack.gql(DIAL, { variables: { input: { agentId: id, campaignId: String(session.campaignId), phoneNumber: '+14155550117', idempotencyKey: 'dial-0007-abcdef' } } });
    expect(native.body).toMatchObject({
      data: { callDial: null },
      errors: [{ message: `expected a Switchboard global ID, got "${session.campaignId}"`, extensions: { code: 'BAD_USER_INPUT' } }],
    });
    const apps = encodeGlobalId('Campaign', 'apps-a', '1');
    const unsupported = await stack.gql(DIAL, { variables: { input: { agentId: id, campaignId: apps, phoneNumber: '+14155550118', idempotencyKey: 'dial-0008-abcdef' } } });
    expect(unsupported.body.errors![0]).toMatchObject({ extensions: { code: 'UNSUPPORTED_BY_VENDOR', vendor: 'apps-api', connectionId: 'apps-a' } });
    expect(stack.sims.ameyo.requests).toEqual([]);
  });

  it('disposes with the app-server token and the documented body', async () => {
    const session = stack.sims.ameyo.state.sessions.find((s) => s.userStatus === 'Wrap-up' || s.userStatus === 'On Call')!;
    const plan = stack.sims.ameyo.state.dispositionPlans[session.campaignId] as string[];
    const agentId = encodeGlobalId('Agent', 'ameyo-a', session.userId);
    const res = await stack.gql(`mutation($input: CallDisposeInput!) { callDispose(input: $input) { accepted vendorReason agent { id } userErrors { message code } } }`, {
      variables: { input: { agentId, dispositionCode: plan[0], callbackAt: '2026-12-01T10:00:00.000Z', selfCallback: true, notes: 'n', idempotencyKey: 'dispose-0001-abc' } },
    });
    expect(res.body.data!['callDispose']).toEqual({ accepted: true, vendorReason: 'success', agent: { id: agentId }, userErrors: [] });
    const sent = stack.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeCallForUser');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['authorization']).toBe(AMEYO_SIM_DEFAULTS.appServerToken);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      userId: session.userId,
      dispositionCodeName: plan[0],
      dispositionParams: { isSelfCallback: true, callbackTime: '2026-12-01T10:00:00.000Z', phone: '' },
      requestId: 'dispose-0001-abc',
      notes: 'n',
    });
  });

  it("maps the app server's non-standard 512 (user not found) to a top-level UPSTREAM_ERROR", async () => {
    const res = await stack.gql(`mutation($input: CallDisposeInput!) { callDispose(input: $input) { accepted } }`, {
      variables: { input: { agentId: encodeGlobalId('Agent', 'ameyo-a', 'nobody.here'), dispositionCode: 'sale', idempotencyKey: 'dispose-0002-abc' } },
    });
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'UPSTREAM_ERROR', vendor: 'ameyo', connectionId: 'ameyo-a', upstreamStatus: 512, upstreamCode: '909091' } });
  });

  it("disposes and dials in the agent's own session (sessionId header from the session table)", async () => {
    const session = stack.sims.ameyo.state.sessions.find(
      (s) => s.userStatus === 'On Call' && stack.sims.ameyo.state.interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE'),
    )!;
    const call = stack.sims.ameyo.state.interactions.find((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE')!;
    const plan = stack.sims.ameyo.state.dispositionPlans[session.campaignId] as string[];
    const res = await stack.gql(
      `mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { dialAttempt { id accepted vendorReason phoneNumber } userErrors { message code } } }`,
      {
        variables: {
          input: {
            agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId),
            campaignId: campaignGid(session.campaignId),
            callId: encodeGlobalId('Call', 'ameyo-a', call.crtObjectId),
            dispositionCode: plan[0],
            phoneNumber: '+14155550116',
            idempotencyKey: 'dad-0001-abcdef',
          },
        },
      },
    );
    expect(res.body.data!['callDisposeAndDial']).toEqual({
      dialAttempt: { id: encodeGlobalId('DialAttempt', 'ameyo-a', 'callDisposeAndDial/dad-0001-abcdef'), accepted: true, vendorReason: 'success', phoneNumber: '+14155550116' },
      userErrors: [],
    });
    const sent = stack.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeAndManualDial');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['sessionid']).toBe(session.sessionId);
    expect(sent[0]!.headers['authorization']).toBeUndefined();
    // The document's required fields, the agent's leg read from its session row where one names it (issue 16, item 1).
    expect(JSON.parse(sent[0]!.body)).toEqual({
      campaignContextId: session.campaignId,
      userCRTObjectId: agentLegId(session),
      crtObjectId: call.crtObjectId,
      dispositionCode: plan[0],
      phone: '+14155550116',
      customerId: '-1',
      requestId: 'dad-0001-abcdef',
    });
    // One session read (the session id and the leg), then the command.
    expect(requestLines(stack.sims.ameyo)).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information', 'POST /ameyorestapi/voice/disposeAndManualDial']);
  });

  const DISPOSE_AND_DIAL = `mutation($input: CallDisposeAndDialInput!) { callDisposeAndDial(input: $input) { dialAttempt { accepted vendorReason } userErrors { field message code } } }`;
  const onVoiceCall = () => {
    const { sessions, interactions } = stack.sims.ameyo.state;
    const session = sessions.find((s) => s.userStatus === 'On Call' && interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE'))!;
    return { session, call: interactions.find((i) => i.sessionId === session.sessionId && i.channelType === 'VOICE')! };
  };

  it("sends the caller's agentLegNativeId instead of the session's, and Ameyo refuses a leg that is not the agent's", async () => {
    const { session, call } = onVoiceCall();
    const plan = stack.sims.ameyo.state.dispositionPlans[session.campaignId] as string[];
    const input = {
      agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId),
      campaignId: campaignGid(session.campaignId),
      callId: encodeGlobalId('Call', 'ameyo-a', call.crtObjectId),
      agentLegNativeId: 'd202-5b4d83c1-ses-someone-else-1-uce-5',
      dispositionCode: plan[0],
      phoneNumber: '+14155550125',
      idempotencyKey: 'dad-0002-abcdef',
    };
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input } });
    expect(res.body.data!['callDisposeAndDial']).toEqual({
      dialAttempt: { accepted: false, vendorReason: 'Invalid userCRTObjectId' },
      userErrors: [{ field: null, message: 'Invalid userCRTObjectId', code: 'VENDOR_REFUSED' }],
    });
    const sent = stack.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeAndManualDial');
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ userCRTObjectId: 'd202-5b4d83c1-ses-someone-else-1-uce-5' });
  });

  it('asks the caller for agentLegNativeId when the session names no leg, sends nothing, and keeps the key free for the fixed input', async () => {
    // A chat session's row has no voice leg in it.
    const { sessions, interactions } = stack.sims.ameyo.state;
    const session = sessions.find((s) => interactions.some((i) => i.sessionId === s.sessionId && i.channelType === 'CHAT'))!;
    expect(session).toBeDefined();
    const input = {
      agentId: encodeGlobalId('Agent', 'ameyo-a', session.userId),
      campaignId: campaignGid(session.campaignId),
      callId: encodeGlobalId('Call', 'ameyo-a', 'd865-00000000-vce-1'),
      dispositionCode: 'sale',
      phoneNumber: '+14155550126',
      idempotencyKey: 'dad-0003-abcdef',
    };
    const res = await stack.gql(DISPOSE_AND_DIAL, { variables: { input } });
    expect(res.body.data!['callDisposeAndDial']).toEqual({
      dialAttempt: null,
      userErrors: [
        {
          field: ['input', 'agentLegNativeId'],
          message: `Ameyo's session of agent ${session.userId} does not name the agent's voice leg (userCRTObjectId), which Ameyo requires: give it`,
          code: 'BAD_USER_INPUT',
        },
      ],
    });
    expect(requestLines(stack.sims.ameyo)).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information']);
    // Nothing was recorded under the key: the same key with the leg given goes to Ameyo (which refuses the made-up call).
    const fixed = await stack.gql(DISPOSE_AND_DIAL, { variables: { input: { ...input, agentLegNativeId: agentLegId(session) } } });
    expect(fixed.body.errors).toBeUndefined();
    expect(fixed.body.data!['callDisposeAndDial'].dialAttempt).toEqual({ accepted: false, vendorReason: 'Invalid crtObjectId' });
    expect(stack.sims.ameyo.requests.filter((r) => r.path === '/ameyorestapi/voice/disposeAndManualDial')).toHaveLength(1);
  });

  it("reads the agent's leg into Agent.presence.agentLegNativeId", async () => {
    const { session } = onVoiceCall();
    const res = await stack.gql(`query($id: ID!) { agent(id: $id) { presence { agentLegNativeId channel } } }`, { variables: { id: encodeGlobalId('Agent', 'ameyo-a', session.userId) } });
    expect(res.body.data!['agent']).toEqual({ presence: { agentLegNativeId: agentLegId(session), channel: 'VOICE' } });
  });
});

describe('Ameyo recordings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());

  const crts = () => {
    const calls = stack.sims.ameyo.state.calls as Array<{ crtObjectId: string; hasRecording?: boolean }>;
    return { withRec: calls.find((c) => c.hasRecording !== false)!.crtObjectId, without: calls.find((c) => c.hasRecording === false)!.crtObjectId };
  };

  it.each([
    ['WAV', 'audio/wav', 'RIFF'],
    ['MP3', 'audio/mpeg', 'ID3'],
  ])("serves a %s voice log through a gateway URL under the caller's key", async (format, type, magic) => {
    const callId = encodeGlobalId('Call', 'ameyo-a', crts().withRec);
    const res = await stack.gql(`query($id: ID!, $f: RecordingFormat) { recording(callId: $id, format: $f) { callId format url contentType byteLength } }`, { variables: { id: callId, f: format } });
    expect(res.body.errors).toBeUndefined();
    const rec = res.body.data!['recording'];
    expect(rec).toMatchObject({ callId, format, contentType: type, url: `/files/recordings/${encodeURIComponent(callId)}?format=${format.toLowerCase()}` });
    const file = await fetch(`${stack.gateway.url}${rec.url}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe(type);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
    expect(bytes.length).toBe(rec.byteLength);
    const logged = stack.sims.ameyo.requests.filter((r) => r.rawQuery.includes('downloadVoiceLog')).at(-1)!;
    expect(logged.query['data']).toEqual([JSON.stringify({ crtObjectId: crts().withRec, targetFormat: format.toLowerCase() })]);
    expect(logged.headers['hash-key']).toBe(AMEYO_SIM_DEFAULTS.hashKey);
    const noKey = await fetch(`${stack.gateway.url}${rec.url}`);
    expect(noKey.status).toBe(401);
  });

  it('answers NOT_FOUND when Ameyo has no recording for the call', async () => {
    const callId = encodeGlobalId('Call', 'ameyo-a', crts().without);
    const res = await stack.gql(`query($id: ID!) { recording(callId: $id) { url } }`, { variables: { id: callId } });
    expect(res.body.data).toEqual({ recording: null });
    expect(res.body.errors![0]).toMatchObject({ message: `could not resolve to a node with id "${callId}"`, extensions: { code: 'NOT_FOUND' } });
    const file = await fetch(`${stack.gateway.url}/files/recordings/${encodeURIComponent(callId)}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(file.status).toBe(404);
    expect(requestLines(stack.sims.ameyo).length).toBeGreaterThan(0);
  });
});

describe('Ameyo error families and ambiguous timeouts', () => {
  const KEY_W = 'test-key-tenant-w-0005';
  const KEY_T = 'test-key-tenant-t-0006';
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST,
      connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 },
      moreTenants: (sims) => [
        {
          id: 'tenant-w',
          apiKeys: [KEY_W],
          connections: [
            {
              id: 'ameyo-wrong',
              vendor: 'ameyo',
              ccId: 1,
              baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
              credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
              webAccess: { hashKey: 'not-the-hash-key', requestingHost: AMEYO_SIM_DEFAULTS.requestingHost },
              appServerToken: 'not-the-app-token',
              rateLimit: { requestsPerSecond: 200 },
            },
          ],
        },
        {
          id: 'tenant-t',
          apiKeys: [KEY_T],
          connections: [
            {
              id: 'ameyo-slow',
              vendor: 'ameyo',
              ccId: 1,
              baseUrls: { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url },
              credentials: { username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password },
              webAccess: { hashKey: AMEYO_SIM_DEFAULTS.hashKey, requestingHost: AMEYO_SIM_DEFAULTS.requestingHost },
              rateLimit: { requestsPerSecond: 200 },
              timeouts: { headersMs: 300 },
              uploadOrigin: 'https://crm.example.com',
            },
          ],
        },
      ],
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.sims.ameyo.clearRequests();
    stack.sims.ameyo.resetFaults();
  });

  const session = () => stack.sims.ameyo.state.sessions.find((s) => s.userStatus === 'Ready')!;

  it('web-access family: {status, reason, details} on a refused hash key -> UPSTREAM_ERROR with the reason', async () => {
    const s = session();
    const res = await stack.gql(`mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { accepted } } }`, {
      apiKey: KEY_W,
      variables: {
        input: {
          agentId: encodeGlobalId('Agent', 'ameyo-wrong', s.userId),
          campaignId: encodeGlobalId('Campaign', 'ameyo-wrong', String(s.campaignId)),
          phoneNumber: '+14155550120',
          idempotencyKey: 'dial-w-0001-abc',
        },
      },
    });
    expect(res.body.errors![0]).toMatchObject({
      message: "ameyo refused the connection's credentials (HTTP 401): Invalid token",
      extensions: { code: 'UPSTREAM_ERROR', vendor: 'ameyo', connectionId: 'ameyo-wrong', upstreamStatus: 401 },
    });
    const sent = stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess'));
    expect(sent.map((r) => r.status)).toEqual([401]);
    expect(sent[0]!.headers['hash-key']).toBe('not-the-hash-key');
  });

  it('app-server family: RESTAPIErrorResponseEntity on a refused token -> UPSTREAM_ERROR with its code', async () => {
    const s = stack.sims.ameyo.state.sessions.find((x) => x.userStatus === 'Wrap-up' || x.userStatus === 'On Call')!;
    const res = await stack.gql(`mutation($input: CallDisposeInput!) { callDispose(input: $input) { accepted } }`, {
      apiKey: KEY_W,
      variables: { input: { agentId: encodeGlobalId('Agent', 'ameyo-wrong', s.userId), dispositionCode: 'sale', idempotencyKey: 'dispose-w-0001' } },
    });
    expect(res.body.errors![0]).toMatchObject({
      message: "ameyo refused the connection's credentials (HTTP 401): invalid.authentication.token",
      extensions: { code: 'UPSTREAM_ERROR', vendor: 'ameyo', connectionId: 'ameyo-wrong', upstreamStatus: 401, upstreamCode: '909090' },
    });
  });

  it('a dial whose answer times out is reported as possibly sent, never resent, and the same key replays it', async () => {
    const s = session();
    stack.sims.ameyo.setFaults({ latencyMs: 3_000 });
    const input = {
      agentId: encodeGlobalId('Agent', 'ameyo-slow', s.userId),
      campaignId: encodeGlobalId('Campaign', 'ameyo-slow', String(s.campaignId)),
      phoneNumber: '+14155550121',
      idempotencyKey: 'dial-t-0001-abc',
    };
    const query = `mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { accepted } } }`;
    const first = await stack.gql(query, { apiKey: KEY_T, variables: { input } });
    const expected = {
      message: "ameyo did not answer; the command may have reached it and was not retried. Check the agent's call before trying again with a new idempotencyKey.",
      extensions: { code: 'UPSTREAM_TIMEOUT', vendor: 'ameyo', connectionId: 'ameyo-slow', retryable: false },
    };
    expect(first.body.errors![0]).toMatchObject(expected);
    const again = await stack.gql(query, { apiKey: KEY_T, variables: { input } });
    expect(again.body.errors![0]).toMatchObject(expected);
    // The simulator logs a request as it arrives: one dial reached Ameyo, and the replay sent nothing.
    const dials = stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess'));
    expect(dials).toHaveLength(1);
    // It still holds that dial for the rest of its 3 s; no timer of it may outlive the file.
    await untilLatencyHasPassed(dials[0]!.receivedAtMs, 3_000);
  }, 15_000);

  it("an upload waits for Ameyo's answer past the connection's header timeout (its own deadline bounds it)", async () => {
    const list = stack.sims.ameyo.state.leadLists[0]!;
    stack.sims.ameyo.setFaults({ latencyMs: 1_000 }); // Ameyo takes 1 s to answer; headersMs is 300
    const csv = 'customer_name,phone1\r\nAda,+14155550101\r\n';
    const res = await upload(
      stack,
      {
        campaignId: encodeGlobalId('Campaign', 'ameyo-slow', String(list.campaignId)),
        leadListNativeId: String(list.leadId),
        userNativeId: 'supervisor1',
        headerMapping: [{ field: 'phone1', column: 'phone1' }],
      },
      csv,
      { authorization: `Bearer ${KEY_T}`, 'apollo-require-preflight': 'true' },
      `mutation($input: ContactsUploadInput!) { contactsUpload(input: $input) { task { nativeId } userErrors { field message code } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.contactsUpload.userErrors).toEqual([]);
    expect(res.body.data.contactsUpload.task.nativeId).toMatch(/^\d+$/);
    // The connection's configured `uploadOrigin` replaces the default.
    const sent = stack.sims.ameyo.requests.filter((r) => r.path.endsWith('/contact-upload-tasks'));
    expect(sent.map((r) => r.headers['origin'])).toEqual(['https://crm.example.com']);
  }, 15_000);
});
