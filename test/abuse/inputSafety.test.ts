/**
 * Abuse suite, input safety: IDs and arguments that reach vendor URLs stay one percent-encoded path
 * segment or one query value (path traversal, query injection), CR/LF never splits a header, scalars and
 * enums are refused at the edge with the exact coercion message and nothing sent, uploads are sniffed,
 * and a client's filename never reaches the vendor as a path.
 */
import { encodeGlobalId } from '../../src/graphql/ids';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { clearSimRequests, FAST_SIMS, jsonOf, multipartBody, rawRequest, simRequests } from './helpers';

const RECEIVED_NAMES = ['upload.json', 'passwd.json', 'boot.json', 'path.json', '.._2F.._2Fetc_2Fpasswd.json', 'a_b_c_.json'];
const CRLF = '\r\nX-Injected: yes';

describe('input safety', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      connection: { rateLimit: { requestsPerSecond: 1000 }, cacheTtlMs: 0 },
      server: { uploads: { maxJsonFileBytes: 4096 } },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => clearSimRequests(stack));

  /** No simulator request carries an injected header or a header value with CR/LF. */
  const expectNoSplitHeaders = () => {
    for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) {
      for (const r of sim.requests) {
        expect(Object.keys(r.headers).filter((h) => h.includes('injected'))).toEqual([]);
        expect(Object.entries(r.headers).filter(([, v]) => /[\r\n]/.test(v))).toEqual([]);
      }
    }
  };

  describe('path traversal', () => {
    it('answers a lead import job id of ../../agents/1 as not found, from the store, with nothing sent', async () => {
      const j = encodeGlobalId('LeadImportJob', 'apps-a', '../../agents/1');
      const res = await stack.gql('query($j: ID!) { leadImportJob(id: $j) { id } }', { variables: { j } });
      expect(res.body.data).toEqual({ leadImportJob: null });
      expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([[`could not resolve to a node with id ${JSON.stringify(j)}`, 'NOT_FOUND']]);
      expect(simRequests(stack)).toEqual([]);
    });

    it("keeps a Call id of '1/../../x' inside one encoded segment", async () => {
      const c = encodeGlobalId('Call', 'apps-a', '1/../../x');
      const res = await stack.gql('query($c: ID!) { call(id: $c) { id } }', { variables: { c } });
      expect(res.body.data).toEqual({ call: null });
      expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([[`could not resolve to a node with id ${JSON.stringify(c)}`, 'NOT_FOUND']]);
      expect(simRequests(stack)).toEqual(['apps GET /manager/api/v1/calls/1%2F..%2F..%2Fx']);
    });

    it('encodes a Lead native id holding %2F again, so the vendor decodes it to the same text', async () => {
      const l = encodeGlobalId('Lead', 'dialer-a', '7/lead%2F..%2F1');
      const res = await stack.gql('mutation($l: ID!) { leadDelete(input: { leadId: $l }) { deletedLeadId } }', { variables: { l } });
      expect(res.status).toBe(200);
      const deletes = stack.sims.campaignApi.requests.filter((r) => r.method === 'DELETE');
      expect(deletes.map((r) => r.path)).toEqual(['/api/v2/config/campaigns/leads/lead%252F..%252F1']);
      expect(decodeURIComponent(deletes[0]!.path.split('/').at(-1)!)).toBe('lead%2F..%2F1');
    });

    it("refuses '..' and '.' ids before anything is sent, with the exact message", async () => {
      for (const jobId of ['..', '.']) {
        const res = await stack.gql('query($j: ID!) { bulkUserJob(id: $j) { nativeId } }', { variables: { j: encodeGlobalId('BulkUserJob', 'apps-a', jobId) } });
        expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([[`expected jobId to be a non-empty id, got ${JSON.stringify(jobId)}`, 'BAD_USER_INPUT']]);
      }
      const lead = await stack.gql('mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: COMPLETED }) { leadId userErrors { message code } } }', {
        variables: { l: encodeGlobalId('Lead', 'dialer-a', '7/..') },
      });
      expect(JSON.stringify(lead.body)).toContain('expected leadId to be a non-empty id, got \\"..\\"');
      expect(simRequests(stack).filter((r) => !r.endsWith('/api/v2/login'))).toEqual([]);
    });
  });

  describe('query injection', () => {
    it("keeps '1&per=1000' one encoded path value", async () => {
      const j = encodeGlobalId('BulkUserJob', 'apps-a', '1&per=1000');
      const res = await stack.gql('query($j: ID!) { bulkUserJob(id: $j) { nativeId } }', { variables: { j } });
      expect(res.body.data).toEqual({ bulkUserJob: null });
      expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([[`could not resolve to a node with id ${JSON.stringify(j)}`, 'NOT_FOUND']]);
      expect(simRequests(stack)).toEqual(['apps GET /apps/api/v1/bulk/users/jobs/1%26per%3D1000']);
    });

    it("keeps 'en&per=1000#x' one encoded query value", async () => {
      const res = await stack.gql('{ queues(filter: { connectionIds: ["apps-a"], lang: "en&per=1000#x" }) { id } }');
      expect(res.body.errors).toBeUndefined();
      expect(simRequests(stack)).toEqual(['apps GET /apps/api/v1/queues/status?lang=en%26per%3D1000%23x']);
      expect(stack.sims.appsApi.requests[0]!.query).toEqual({ lang: ['en&per=1000#x'] });
    });

    it('keeps a Call native id with ?, & and # inside the path segment', async () => {
      const l = encodeGlobalId('Lead', 'dialer-a', '7/1?x=1&y=2#f');
      await stack.gql('mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: COMPLETED }) { leadId } }', { variables: { l } });
      const sent = stack.sims.campaignApi.requests.filter((r) => r.path.includes('/status/'));
      expect(sent.map((r) => [r.path, r.rawQuery])).toEqual([['/api/v2/config/campaigns/leads/1%3Fx%3D1%26y%3D2%23f/status/success', '']]);
    });
  });

  describe('header injection', () => {
    it('never splits a header with CR/LF in ids and arguments', async () => {
      await stack.gql('query($c: ID!) { recording(callId: $c) { url } }', { variables: { c: encodeGlobalId('Call', 'ameyo-a', `1${CRLF}`) } });
      await stack.gql('mutation($a: ID!, $d: String!) { callDispose(input: { agentId: $a, dispositionCode: $d, idempotencyKey: "abuse-key-0001" }) { accepted } }', {
        variables: { a: encodeGlobalId('Agent', 'ameyo-a', `u1${CRLF}`), d: `X${CRLF}` },
      });
      await stack.gql(
        'mutation($a: ID!, $p: ID!, $c: ID!) { callDisposeAndDial(input: { agentId: $a, campaignId: $p, callId: $c, dispositionCode: "X", phoneNumber: "+14155550101", idempotencyKey: "abuse-key-0002" }) { dialAttempt { id } } }',
        { variables: { a: encodeGlobalId('Agent', 'ameyo-a', `u1${CRLF}`), p: encodeGlobalId('Campaign', 'ameyo-a', '1'), c: encodeGlobalId('Call', 'ameyo-a', `c${CRLF}`) } },
      );
      await stack.gql('query($a: ID!) { agentRuntimes(connectionId: "ameyo-a", filter: { agentIds: [$a] }) { totalCount } }', {
        variables: { a: encodeGlobalId('Agent', 'ameyo-a', 'u1\r\nX-Injected: yes') },
      });
      await stack.gql('query($j: ID!) { bulkUserJob(id: $j) { nativeId } }', { variables: { j: encodeGlobalId('BulkUserJob', 'apps-a', `1${CRLF}`) } });
      expect(stack.sims.ameyo.requests.length).toBeGreaterThan(2);
      expectNoSplitHeaders();
      // The CR/LF travelled encoded inside the one value it belonged to.
      expect(simRequests(stack)).toContain('apps GET /apps/api/v1/bulk/users/jobs/1%0D%0AX-Injected%3A%20yes');
    });

    // A config value with CR/LF (it would reach X-Account-ID) is refused when the config loads:
    // test/unit/config.test.ts, 'a credential with a trailing newline'.
  });

  describe('scalars and enums at the edge', () => {
    const refusedAtEdge = async (query: string, variables: Record<string, unknown>, message: string, code: string) => {
      const res = await stack.gql(query, { variables });
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors!.map((e) => [e.message, e.extensions!['code']])).toEqual([[message, code]]);
    };

    it('refuses a bad PhoneNumber as a variable and as a literal, sending nothing', async () => {
      await refusedAtEdge(
        'query($p: PhoneNumber!) { dncCheck(connectionId: "apps-a", phoneNumber: $p) { listed } }',
        { p: '+1 415 CALL NOW' },
        'Variable "$p" got invalid value "+1 415 CALL NOW"; expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "+1 415 CALL NOW"',
        'BAD_USER_INPUT',
      );
      await refusedAtEdge(
        '{ dncCheck(connectionId: "apps-a", phoneNumber: "12") { listed } }',
        {},
        'expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "12"',
        'GRAPHQL_VALIDATION_FAILED',
      );
      await refusedAtEdge(
        'query($p: PhoneNumber!) { dncCheck(connectionId: "apps-a", phoneNumber: $p) { listed } }',
        { p: '+1415555\r\n0101' },
        'Variable "$p" got invalid value "+1415555\\r\\n0101"; expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "+1415555\\r\\n0101"',
        'BAD_USER_INPUT',
      );
      expect(simRequests(stack)).toEqual([]);
    });

    it('refuses a DateTime without a zone or in words, sending nothing', async () => {
      await refusedAtEdge(
        'query($f: DateTime!) { campaignActivity(filter: { from: $f, to: "2026-01-01T00:00:00Z" }) { edges { cursor } } }',
        { f: 'yesterday' },
        'Variable "$f" got invalid value "yesterday"; expected DateTime to be an ISO 8601 date-time with a zone, got "yesterday"',
        'BAD_USER_INPUT',
      );
      await refusedAtEdge(
        '{ campaignActivity(filter: { from: "2026-01-01", to: "2026-01-01T00:00:00Z" }) { edges { cursor } } }',
        {},
        'expected DateTime to be an ISO 8601 date-time with a zone, got "2026-01-01"',
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect(simRequests(stack)).toEqual([]);
    });

    it('refuses an unknown enum value and a negative Duration, sending nothing', async () => {
      await refusedAtEdge('{ calls(filter: { statuses: [NOPE] }) { totalCount } }', {}, 'Value "NOPE" does not exist in "CallStatus" enum.', 'GRAPHQL_VALIDATION_FAILED');
      await refusedAtEdge(
        'mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550101", coolOff: -5 }) { lead { id } } }',
        { c: encodeGlobalId('Campaign', 'dialer-a', '1') },
        'expected Duration to be a whole number of seconds >= 0, got -5',
        'GRAPHQL_VALIDATION_FAILED',
      );
      const res = await stack.gql('query($s: [CallStatus!]) { calls(filter: { statuses: $s }) { totalCount } }', { variables: { s: ['queued'] } });
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.message.startsWith('Variable "$s" got invalid value "queued" at "s[0]"; Value "queued" does not exist in "CallStatus" enum.')).toBe(true);
      expect(simRequests(stack)).toEqual([]);
    });
  });

  describe('uploads', () => {
    const BULK = 'mutation($input: BulkUsersUploadInput!) { bulkUsersUpload(input: $input) { job { nativeId } userErrors { field message code } } }';
    const upload = async (query: string, input: Record<string, unknown>, file: { name: string; type: string; content: string }) => {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables: { input: { ...input, file: null } } }));
      form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
      form.append('0', new Blob([file.content], { type: file.type }), file.name);
      const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true' }, body: form });
      return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
    };

    it('refuses a .json file that is not a JSON array, before the vendor sees it', async () => {
      const bulk = await upload(BULK, { connectionId: 'apps-a' }, { name: 'users.json', type: 'application/json', content: '{"not": "an array"}' });
      expect(bulk.body.data.bulkUsersUpload.userErrors).toEqual([{ field: ['input', 'file'], message: 'file must be a JSON array', code: 'BAD_USER_INPUT' }]);
      expect(simRequests(stack)).toEqual([]);
    });

    it('accepts a JSON array sent as text/csv: the content decides, not the MIME type', async () => {
      const res = await upload(BULK, { connectionId: 'apps-a' }, { name: 'users.json', type: 'text/csv', content: '[]' });
      expect(res.body.data.bulkUsersUpload.userErrors).toEqual([]);
      expect(simRequests(stack)).toEqual(['apps POST /apps/api/v1/bulk/users/upload']);
    });

    it('never puts a client filename on the wire as a path', async () => {
      // Raw multipart, so the filename arrives exactly as written (no client-side FormData escaping).
      const names = ['../../etc/passwd', '../../etc/passwd.json', '..\\..\\boot.json', '/abs/path.json', '..%2F..%2Fetc%2Fpasswd.json', 'a;b=c .json'];
      const received: string[] = [];
      for (const name of names) {
        clearSimRequests(stack);
        const body = multipartBody('XX', [
          { name: 'operations', value: JSON.stringify({ query: BULK, variables: { input: { connectionId: 'apps-a', file: null } } }) },
          { name: 'map', value: '{"0":["variables.input.file"]}' },
          { name: '0', value: '[]', filename: name, type: 'application/json' },
        ]);
        const res = await rawRequest(stack.graphqlUrl, {
          headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true', 'content-type': 'multipart/form-data; boundary=XX' },
          body,
        });
        expect(jsonOf(res.text)).toEqual({ data: { bulkUsersUpload: { job: { nativeId: expect.any(String) }, userErrors: [] } } });
        const sent = stack.sims.appsApi.requests.filter((r) => r.path === '/apps/api/v1/bulk/users/upload');
        expect(sent).toHaveLength(1);
        const dispositions = [...sent[0]!.body.matchAll(/Content-Disposition:[^\r\n]*/gi)].map((m) => m[0]);
        expect(dispositions).toHaveLength(1);
        const filename = /filename="([^"]*)"/.exec(dispositions[0]!)![1]!;
        received.push(filename);
        expect(filename).toMatch(/^[A-Za-z0-9._-]+$/);
        expect(sent[0]!.body).not.toContain('etc/passwd');
      }
      // Paths are stripped by the multipart parser or turned into '_' by the gateway; never a '/' or '\\'.
      expect(received).toEqual(RECEIVED_NAMES);
      expectNoSplitHeaders();
    });
  });
});
