/**
 * Issue 16, item 7 ("Row 1"), over real HTTP against the Ameyo simulator: a connection configured with the CC
 * admin's token instead of a Basic user. The gateway provisions its own Basic user with
 * `POST /configuration/basicauth` on first use (once, however many queries wait for it), sends it to the CMS
 * and data-engine families only, provisions again before `dateExpiry`, recovers once from a 401, and reports a
 * refused admin token to the caller and in `Query.connections` without printing the token or the password.
 */
import { AMEYO_SIM_DEFAULTS, simulatorConnections } from '../../sim';
import type { SimRequest } from '../../sim/common/server';
import { encodeGlobalId } from '../../src/graphql/ids';
import { bodyOf } from '../support/graphqlBody';
import { requestLines, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const KEY_P = 'test-key-tenant-p-0007';
const ADMIN_TOKEN = 'eyJhbGciOiJSUzUxMiJ9.sim-admin-token';
const WRONG_TOKEN = 'eyJhbGciOiJSUzUxMiJ9.not-the-admin-token';
const FAST = { ameyo: { requestsPerSecond: 0, adminBearerToken: ADMIN_TOKEN }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const BASICAUTH = 'POST /configuration/basicauth';
const MONITORING = 'GET /v4/cc-list/1/monitoring/user-session-information';
const DAY_MS = 86_400_000;

interface BasicAuthBody {
  username: string;
  password: string;
  context: string;
  contextId: string;
  dateExpiry: string;
  userRole: string;
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const bodyOfRequest = (r: SimRequest) => JSON.parse(r.body) as BasicAuthBody;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    sims: FAST,
    connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 },
    moreTenants: (sims) => {
      // The simulator's Ameyo connection (campaigns, web access), with the admin-token form of `credentials`.
      const { id: _id, credentials: _basic, ...ameyo } = simulatorConnections(sims, '-p').find((c) => c.vendor === 'ameyo')!;
      const conn = (id: string, credentials: Record<string, unknown>) => ({ ...ameyo, id, credentials, rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 });
      return [
        {
          id: 'tenant-p',
          apiKeys: [KEY_P],
          connections: [
            conn('ameyo-p', { adminToken: ADMIN_TOKEN, username: 'switchboard_api' }),
            conn('ameyo-c', { adminToken: ADMIN_TOKEN, username: 'switchboard_conc' }),
            conn('ameyo-r', { adminToken: ADMIN_TOKEN, username: 'switchboard_renew', ttlSeconds: 3, renewBeforeSeconds: 2 }),
            conn('ameyo-x', { adminToken: WRONG_TOKEN, username: 'switchboard_wrong', userRole: 'Supervisor' }),
          ],
        },
      ] as never;
    },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sims.ameyo.clearRequests();
  stack.sims.ameyo.resetFaults();
});

const gql = (query: string, variables: Record<string, unknown> = {}) => stack.gql(query, { apiKey: KEY_P, variables });
const runtimes = (connectionId: string, first = 5) => gql(`{ agentRuntimes(connectionId: "${connectionId}", first: ${first}) { totalCount } }`);
const statusOf = async (id: string) => {
  const res = await gql(`{ connections { id status lastErrorCode } }`);
  return (res.body.data!['connections'] as Array<{ id: string; status: string; lastErrorCode: string | null }>).find((c) => c.id === id);
};

/** Every basicauth body the simulator received so far (the passwords, to look for them everywhere). */
const provisioned: BasicAuthBody[] = [];
afterEach(() => {
  for (const r of stack.sims.ameyo.requests) if (r.path === '/configuration/basicauth') provisioned.push(bodyOfRequest(r));
});

describe('first use: POST /configuration/basicauth as the document writes it, then Basic for CMS and data engine', () => {
  it('provisions with the admin Bearer token and the documented body, then sends the provisioned user as Basic', async () => {
    const before = Date.now();
    const res = await runtimes('ameyo-p');
    expect(res.body.errors).toBeUndefined();
    expect(requestLines(stack.sims.ameyo)).toEqual([BASICAUTH, 'GET /v4/cc-list/1/monitoring/user-session-information']);

    const [auth, monitoring] = stack.sims.ameyo.requests;
    expect(auth!.rawQuery).toBe('');
    // The document's three headers, and nothing else but HTTP's own.
    const { host: _host, connection: _connection, 'content-length': length, ...headers } = auth!.headers;
    expect(headers).toEqual({ accept: 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' });
    expect(Number(length)).toBe(Buffer.byteLength(auth!.body));
    const body = bodyOfRequest(auth!);
    expect(Object.keys(body)).toEqual(['username', 'password', 'context', 'contextId', 'dateExpiry', 'userRole']);
    expect(body).toEqual({
      username: expect.stringMatching(/^switchboard_api_[0-9a-f]{8}$/),
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      context: 'ContactCenter',
      contextId: '1',
      dateExpiry: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      userRole: 'Administrator',
    });
    // dateExpiry = now + ttlSeconds (default 24 h).
    expect(Date.parse(body.dateExpiry)).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(Date.parse(body.dateExpiry)).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect(auth!.status).toBe(200);

    expect(monitoring!.headers['authorization']).toBe(basic(body.username, body.password));
    expect(monitoring!.status).toBe(200);
    // The simulator holds the user as provisioned; its password is not the configured user's.
    expect(stack.sims.ameyo.state.apiUsers.find((u) => u.username === body.username)).toMatchObject({ password: body.password, userRole: 'Administrator', dateExpiry: body.dateExpiry });
  });

  it('reuses the user for later data-engine and CMS calls (a contact upload), and never gives it to the app-server family', async () => {
    const first = stack.sims.ameyo.state.apiUsers.find((u) => u.username.startsWith('switchboard_api_'))!;
    expect((await runtimes('ameyo-p', 7)).body.errors).toBeUndefined();

    const list = stack.sims.ameyo.state.leadLists[0]!;
    const form = new FormData();
    const query = `mutation($input: ContactsUploadInput!) { contactsUpload(input: $input) { task { nativeId } userErrors { field message code } } }`;
    const input = {
      campaignId: encodeGlobalId('Campaign', 'ameyo-p', String(list.campaignId)),
      leadListNativeId: String(list.leadId),
      userNativeId: 'supervisor1',
      headerMapping: [{ field: 'phone1', column: 'phone1' }],
      file: null,
    };
    form.append('operations', JSON.stringify({ query, variables: { input } }));
    form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
    form.append('0', new Blob(['phone1\r\n+14155550101\r\n'], { type: 'text/csv' }), 'contacts.csv');
    const up = await fetch(stack.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${KEY_P}`, 'apollo-require-preflight': 'true' }, body: form });
    const upBody = await bodyOf<{ data?: any; errors?: unknown[] }>(up);
    expect(upBody.errors).toBeUndefined();
    expect(upBody.data.contactsUpload.userErrors).toEqual([]);

    const s = stack.sims.ameyo.requests.find((r) => r.path === '/v4/cc-list/1/monitoring/user-session-information' && r.query['limit']?.[0] === '7')!;
    expect(requestLines(stack.sims.ameyo)).toEqual([MONITORING, `POST /v1/cc-list/1/process-list/${list.campaignId}/leads/${list.leadId}/contact-upload-tasks`]);
    for (const r of stack.sims.ameyo.requests)
      expect({ path: r.path, authorization: r.headers['authorization'], status: r.status }).toEqual({ path: r.path, authorization: basic(first.username, first.password), status: 200 });
    expect(s.status).toBe(200);

    // A web-access command keeps its own headers: no Basic, no Bearer.
    const session = stack.sims.ameyo.state.sessions.find((x) => x.userStatus === 'Ready')!;
    const dial = await gql(`mutation($input: CallDialInput!) { callDial(input: $input) { dialAttempt { accepted } } }`, {
      input: {
        agentId: encodeGlobalId('Agent', 'ameyo-p', session.userId),
        campaignId: encodeGlobalId('Campaign', 'ameyo-p', String(session.campaignId)),
        phoneNumber: '+14155550131',
        idempotencyKey: 'dial-p-0001-abc',
      },
    });
    expect(dial.body.errors).toBeUndefined();
    const web = stack.sims.ameyo.requests.filter((r) => r.path.startsWith('/ameyowebaccess'));
    expect(web.map((r) => [r.headers['authorization'], r.headers['hash-key']])).toEqual([[undefined, AMEYO_SIM_DEFAULTS.hashKey]]);
    expect(requestLines(stack.sims.ameyo).filter((l) => l === BASICAUTH)).toEqual([]);
  });

  it('concurrent first queries wait for one provisioning and all use it', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => runtimes('ameyo-c', n)));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    const lines = requestLines(stack.sims.ameyo);
    expect(lines[0]).toBe(BASICAUTH);
    expect(lines.filter((l) => l === BASICAUTH)).toHaveLength(1);
    expect(lines.slice(1)).toEqual([MONITORING, MONITORING, MONITORING, MONITORING, MONITORING]);
    const body = bodyOfRequest(stack.sims.ameyo.requests[0]!);
    expect(body.username).toMatch(/^switchboard_conc_[0-9a-f]{8}$/);
    const monitoring = stack.sims.ameyo.requests.slice(1);
    expect(new Set(monitoring.map((r) => r.headers['authorization']))).toEqual(new Set([basic(body.username, body.password)]));
    expect(monitoring.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('renewal and recovery', () => {
  it('provisions again before dateExpiry (renewBeforeSeconds), same user and password, and no call is refused', async () => {
    expect((await runtimes('ameyo-r')).body.errors).toBeUndefined();
    const first = bodyOfRequest(stack.sims.ameyo.requests[0]!);
    // ttlSeconds 3, renewBeforeSeconds 2: a query from 1 s after provisioning on provisions again.
    await waitUntil(
      'the gateway provisions the user again',
      async () => {
        expect((await runtimes('ameyo-r')).body.errors).toBeUndefined();
        return requestLines(stack.sims.ameyo).filter((l) => l === BASICAUTH).length === 2;
      },
      10_000,
    );
    const auths = stack.sims.ameyo.requests.filter((r) => r.path === '/configuration/basicauth');
    const second = bodyOfRequest(auths[1]!);
    expect(auths[1]!.receivedAtMs).toBeLessThan(Date.parse(first.dateExpiry));
    // Not before the renewal window (50 ms for the simulator's clock, performance-based, against Date.now).
    expect(auths[1]!.receivedAtMs).toBeGreaterThanOrEqual(Date.parse(first.dateExpiry) - 2_000 - 50);
    expect(second).toEqual({ ...first, dateExpiry: second.dateExpiry });
    expect(Date.parse(second.dateExpiry)).toBeGreaterThan(Date.parse(first.dateExpiry));
    const monitoring = stack.sims.ameyo.requests.filter((r) => r.path !== '/configuration/basicauth');
    expect(new Set(monitoring.map((r) => r.status))).toEqual(new Set([200]));
  }, 15_000);

  it('a 401 (Ameyo dropped the user) provisions once more with a new password and resends the call once', async () => {
    const user = stack.sims.ameyo.state.apiUsers.find((u) => u.username.startsWith('switchboard_api_'))!;
    const oldPassword = user.password;
    user.dateExpiry = new Date(Date.now() - 1_000).toISOString(); // as if Ameyo expired it early
    const res = await runtimes('ameyo-p');
    expect(res.body.errors).toBeUndefined();
    expect(requestLines(stack.sims.ameyo)).toEqual([MONITORING, BASICAUTH, MONITORING]);
    const [refused, auth, resent] = stack.sims.ameyo.requests;
    const body = bodyOfRequest(auth!);
    expect(body.username).toBe(user.username);
    expect(body.password).not.toBe(oldPassword);
    expect(body.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect([refused!.status, auth!.status, resent!.status]).toEqual([401, 200, 200]);
    expect(refused!.headers['authorization']).toBe(basic(user.username, oldPassword));
    expect(resent!.headers['authorization']).toBe(basic(body.username, body.password));
    expect(await statusOf('ameyo-p')).toEqual({ id: 'ameyo-p', status: 'UP', lastErrorCode: null });
  });

  it('a second 401 after provisioning again is the upstream auth error, and the connection shows DEGRADED', async () => {
    stack.sims.ameyo.setFaults({ expiredToken: true }); // every Basic user refused; the admin Bearer still works
    const res = await runtimes('ameyo-p');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: "ameyo refused the connection's credentials (HTTP 401): Authentication token is missing or invalid.",
        extensions: { code: 'UPSTREAM_ERROR', vendor: 'ameyo', connectionId: 'ameyo-p', upstreamStatus: 401, upstreamCode: 'CONF-1002', retryable: false },
      }),
    ]);
    expect(requestLines(stack.sims.ameyo)).toEqual([MONITORING, BASICAUTH, MONITORING]);
    expect(stack.sims.ameyo.requests.map((r) => r.status)).toEqual([401, 200, 401]);
    expect(await statusOf('ameyo-p')).toEqual({ id: 'ameyo-p', status: 'DEGRADED', lastErrorCode: 'UPSTREAM_ERROR' });

    // Ameyo accepts the user again: the user provisioned above is kept (a 401 on the resend drops nothing; the
    // next 401 would start one more recovery), so the next query needs no provisioning.
    stack.sims.ameyo.resetFaults();
    stack.sims.ameyo.clearRequests();
    expect((await runtimes('ameyo-p')).body.errors).toBeUndefined();
    expect(requestLines(stack.sims.ameyo)).toEqual([MONITORING]);
    expect(await statusOf('ameyo-p')).toEqual({ id: 'ameyo-p', status: 'UP', lastErrorCode: null });
  });
});

describe('a refused admin token', () => {
  it('fails the query with UPSTREAM_ERROR naming adminToken, sends nothing else, and shows the connection DEGRADED', async () => {
    const res = await runtimes('ameyo-x');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: "ameyo refused the connection's adminToken (HTTP 401): Authentication token is missing or invalid.",
        extensions: { code: 'UPSTREAM_ERROR', vendor: 'ameyo', connectionId: 'ameyo-x', upstreamStatus: 401, upstreamCode: 'CONF-1002', retryable: false },
      }),
    ]);
    expect(requestLines(stack.sims.ameyo)).toEqual([BASICAUTH]);
    const auth = stack.sims.ameyo.requests[0]!;
    expect(auth.status).toBe(401);
    expect(auth.headers['authorization']).toBe(`Bearer ${WRONG_TOKEN}`);
    expect(bodyOfRequest(auth).userRole).toBe('Supervisor');
    expect(await statusOf('ameyo-x')).toEqual({ id: 'ameyo-x', status: 'DEGRADED', lastErrorCode: 'UPSTREAM_ERROR' });

    // The refusal is answered from memory for 30 s (refusedHoldMs): a dashboard polling every second does not
    // spend the connection's budget on logins Ameyo refuses.
    stack.sims.ameyo.clearRequests();
    const again = await runtimes('ameyo-x');
    expect(again.body.errors![0]).toMatchObject({
      message: "ameyo refused the connection's adminToken (HTTP 401): Authentication token is missing or invalid.",
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    expect(requestLines(stack.sims.ameyo)).toEqual([]);
  });
});

describe('secrets', () => {
  it('the provisioning calls show in the metrics under route basicAuth, and no admin token or password is in a log line or the metrics', async () => {
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_upstream_request_duration_seconds_count\{vendor="ameyo",connection="tenant-p\/ameyo-p",route="basicAuth"\} [1-9]/);
    expect(metrics).toMatch(/switchboard_upstream_request_duration_seconds_count\{vendor="ameyo",connection="tenant-p\/ameyo-x",route="basicAuth"\} [1-9]/);
    expect(provisioned.length).toBeGreaterThanOrEqual(5);
    const logs = JSON.stringify(stack.logs);
    for (const secret of [ADMIN_TOKEN, WRONG_TOKEN, ...provisioned.map((p) => p.password)]) {
      expect(logs.includes(secret) ? `log has ${secret.slice(0, 4)}…` : null).toBeNull();
      expect(metrics.includes(secret) ? `metrics have ${secret.slice(0, 4)}…` : null).toBeNull();
    }
  });
});
