/** The Ameyo simulator: basicauth, HTTP Basic, the data-engine monitoring API, errors, rate limit, log and seed. */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { AMEYO_SIM_DEFAULTS, AMEYO_USER_STATUSES, MONITORING_TABLES, agentLegId, seedAmeyoState, startAmeyoSim, type AmeyoSim } from '../../sim/ameyo';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const AUTH = basic(AMEYO_SIM_DEFAULTS.username, AMEYO_SIM_DEFAULTS.password);
const MONITORING = '/v4/cc-list/1/monitoring/user-session-information';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const UNAUTHORIZED = { statusCode: 401, status: 'Unauthorized', errorCode: 'CONF-1002', errorMessage: 'Authentication token is missing or invalid.' };
const NOT_FOUND = { statusCode: 404, status: 'Not Found', errorCode: 'CONF-1004', errorMessage: "Object doesn't exist." };
const badRequest = (detail: string) => ({
  statusCode: 400,
  status: 'Bad Request',
  errorCode: 'CONF-1001',
  errorMessage: `Invalid input or malformed request. ${detail}`,
});

type Row = Record<string, unknown>;
interface Envelope {
  http_code: number;
  method: string;
  request_id: string;
  response: Array<{ data: Row }>;
  metadata: { total: number; count: number; offset: number; limit: number };
}

let sim: AmeyoSim;

beforeAll(async () => {
  sim = await startAmeyoSim({ port: 0, requestsPerSecond: 0 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => sim.resetFaults());

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(sim.url + path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** GET the monitoring API with the default Basic credentials. */
const monitor = (query: string, headers: Record<string, string> = { authorization: AUTH }) => call(`${MONITORING}?${query}`, { headers });

async function rows(query: string): Promise<{ env: Envelope; rows: Row[] }> {
  const r = await monitor(query);
  expect(r.status).toBe(200);
  const env = r.body as Envelope;
  return { env, rows: env.response.map((x) => x.data) };
}

const provision = (body: unknown, token: string = AMEYO_SIM_DEFAULTS.adminBearerToken) =>
  call('/configuration/basicauth', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

describe('HTTP Basic auth', () => {
  it('answers 401 CONF-1002 without credentials', async () => {
    const r = await monitor('table-name=user-session-information', {});
    expect(r).toMatchObject({ status: 401, body: UNAUTHORIZED });
  });

  it('answers 401 CONF-1002 for a wrong password, an unknown user or a non-Basic scheme', async () => {
    for (const authorization of [basic('switchboard_api', 'nope'), basic('nobody', 'ameyo-demo-password'), 'Bearer ameyo-demo-admin-token']) {
      const r = await monitor('table-name=user-session-information', { authorization });
      expect({ status: r.status, body: r.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    }
  });

  it('refuses valid credentials with the same 401 while the expiredToken fault is on', async () => {
    sim.setFaults({ expiredToken: true });
    const r = await monitor('table-name=user-session-information');
    expect({ status: r.status, body: r.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    sim.resetFaults();
    expect((await monitor('table-name=user-session-information')).status).toBe(200);
  });
});

describe('POST /configuration/basicauth', () => {
  const valid = {
    username: 'customer_manager',
    password: 'customer_manager@123',
    context: 'ContactCenter',
    contextId: '1',
    dateExpiry: '2030-05-19T12:20:57.310Z',
    userRole: 'Administrator',
  };

  it('provisions Basic credentials that the monitoring API then accepts', async () => {
    const before = await monitor('table-name=chat-information', { authorization: basic(valid.username, valid.password) });
    expect(before.status).toBe(401);

    const r = await provision(valid);
    expect(r.status).toBe(200);
    const body = r.body as { request_id: string };
    expect(body.request_id).toMatch(UUID);
    expect(body).toEqual({
      http_code: 200,
      method: 'POST',
      request_id: body.request_id,
      response: [
        {
          data: { username: 'customer_manager', context: 'ContactCenter', context_id: '1', user_role: 'Administrator', date_expiry: '2030-05-19T12:20:57.310Z' },
          http_code: 200,
          error_data: null,
        },
      ],
      metadata: null,
    });

    const after = await monitor('table-name=chat-information', { authorization: basic(valid.username, valid.password) });
    expect(after.status).toBe(200);
  });

  it('answers date_expiry null when dateExpiry is omitted', async () => {
    const { dateExpiry: _omit, ...rest } = valid;
    const r = await provision({ ...rest, username: 'no_expiry' });
    expect((r.body as { response: Array<{ data: Row }> }).response[0]!.data.date_expiry).toBeNull();
  });

  it('does not accept credentials past their dateExpiry', async () => {
    const r = await provision({ ...valid, username: 'expired_user', dateExpiry: '2020-01-01T00:00:00.000Z' });
    expect(r.status).toBe(200);
    const m = await monitor('table-name=chat-information', { authorization: basic('expired_user', valid.password) });
    expect({ status: m.status, body: m.body }).toEqual({ status: 401, body: UNAUTHORIZED });
  });

  it('requires the admin Bearer token', async () => {
    const r = await provision(valid, 'wrong-token');
    expect({ status: r.status, body: r.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    const basicOnly = await call('/configuration/basicauth', {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(basicOnly.status).toBe(401);
  });

  it('answers 400 CONF-1001 naming a missing field', async () => {
    const { userRole: _omit, ...rest } = valid;
    const r = await provision(rest);
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: badRequest("Missing or invalid required field 'userRole'.") });
  });

  it("answers 400 for a context other than 'ContactCenter' and a bad dateExpiry", async () => {
    const r = await provision({ ...valid, context: 'Campaign' });
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: badRequest("Field 'context' must be 'ContactCenter'.") });
    const d = await provision({ ...valid, dateExpiry: 'tomorrow' });
    expect(d.body).toEqual(badRequest("Field 'dateExpiry' must be an ISO 8601 timestamp."));
  });

  it('answers 400 naming \'contextId\' when it is a JSON integer (the doc types it String; its sample sends "1")', async () => {
    const r = await provision({ ...valid, username: 'numeric_context', contextId: 1 });
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: badRequest("Missing or invalid required field 'contextId'.") });
    expect(sim.state.apiUsers.some((u) => u.username === 'numeric_context')).toBe(false);
  });

  it('answers 404 for another contact center', async () => {
    const r = await provision({ ...valid, contextId: '7' });
    expect({ status: r.status, body: r.body }).toEqual({ status: 404, body: NOT_FOUND });
  });
});

describe('monitoring: tables and envelope', () => {
  const DOC_SESSION_KEYS = [
    'contact_center_id',
    'user_id',
    'user_name',
    'user_status',
    'user_status_duration',
    'service_info',
    'campaign_id',
    'campaign_name',
    'queue_id',
    'queue_name',
    'interaction_id',
    'channel_details',
    'customer_status',
    'customer_status_duration',
    'customer_details',
    'waiting',
  ];

  it.each([
    ['user-session-information', () => sim.state.sessions.length],
    ['user-runtime-information', () => sim.state.agents.length],
    ['chat-information', () => sim.state.interactions.filter((i) => i.channelType === 'CHAT').length],
    ['customer-information', () => sim.state.interactions.length],
  ] as const)('%s returns the documented envelope with correct metadata', async (table, expectedTotal) => {
    const r = await monitor(`table-name=${table}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const env = r.body as Envelope;
    expect(Object.keys(env)).toEqual(['http_code', 'method', 'request_id', 'response', 'metadata']);
    expect(env.http_code).toBe(200);
    expect(env.method).toBe('GET');
    expect(env.request_id).toMatch(UUID);
    const total = expectedTotal();
    expect(total).toBeGreaterThan(0);
    expect(env.metadata).toEqual({ total, count: total, offset: 0, limit: 100 });
    for (const item of env.response) expect(Object.keys(item)).toEqual(['data']);
  });

  it('session rows have the doc example fields in order plus session_id, user_type, call_id', async () => {
    const { rows: all } = await rows('table-name=user-session-information');
    for (const row of all) {
      expect(Object.keys(row)).toEqual([...DOC_SESSION_KEYS, 'session_id', 'user_type', 'call_id']);
      expect(Object.keys(row.service_info as Row)).toEqual(['instance_id', 'sip_trunk_id', 'grpc_callback_url']);
      expect(Object.keys(row.channel_details as Row)).toEqual(['channel_type', 'addition_details']);
      expect(Object.keys(row.customer_details as Row)).toEqual(['id', 'name', 'phone_info', 'crt_object_id', 'addition_details']);
      expect(row.interaction_id).toBe(`${row.user_id}_${row.campaign_id}`);
      expect(row.contact_center_id).toBe(1);
    }
    expect(new Set(all.map((r) => r.user_status))).toEqual(new Set(AMEYO_USER_STATUSES));
    const idle = all.find((r) => r.user_status === 'Ready')!;
    expect(idle.customer_status).toBeNull();
    expect(idle.customer_details).toEqual({
      id: null,
      name: null,
      phone_info: { phone: null, display_phone: null, unique_identifier: null },
      crt_object_id: null,
      addition_details: {},
    });
    const busy = all.find((r) => r.user_status === 'On Call' && r.customer_status === 'connected')!;
    expect((busy.customer_details as Row).crt_object_id).toMatch(/^[0-9a-f]{4}-[0-9a-f]{8}-(vce|cht)-\d+$/);
  });

  it('runtime rows include logged-off agents', async () => {
    const { rows: all } = await rows('table-name=user-runtime-information');
    const off = all.filter((r) => r.user_status === 'Logged Off');
    expect(off.length).toBe(sim.state.agents.length - sim.state.sessions.length);
    for (const r of off) expect(r).toMatchObject({ session_id: null, campaign_id: null, login_time: null });
  });

  it('pages with offset/limit, returning every row exactly once', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 30; offset += 4) {
      const { env, rows: page } = await rows(`table-name=user-runtime-information&offset=${offset}&limit=4`);
      expect(env.metadata).toEqual({ total: sim.state.agents.length, count: page.length, offset, limit: 4 });
      seen.push(...page.map((r) => r.user_id as string));
    }
    expect(seen).toHaveLength(sim.state.agents.length);
    expect(new Set(seen)).toEqual(new Set(sim.state.agents.map((a) => a.userId)));
  });

  it('answers 400 for a bad offset or limit', async () => {
    expect((await monitor('table-name=chat-information&limit=-1')).body).toEqual(badRequest("Parameter 'limit' must be a non-negative integer."));
    expect((await monitor('table-name=chat-information&limit=2.5')).status).toBe(400);
    expect((await monitor('table-name=chat-information&offset=x')).body).toEqual(badRequest("Parameter 'offset' must be a non-negative integer."));
  });
});

describe('monitoring: filters', () => {
  /** Guards against vacuous filter tests: the expectation must be a proper, non-empty subset. */
  const narrows = (expected: unknown[], total: number) => {
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
  };

  it('campaign-ids (repeated and comma-separated)', async () => {
    const expected = sim.state.sessions.filter((s) => s.campaignId === 389 || s.campaignId === 437).map((s) => s.sessionId);
    narrows(expected, sim.state.sessions.length);
    const a = await rows('table-name=user-session-information&campaign-ids=389&campaign-ids=437');
    const b = await rows('table-name=user-session-information&campaign-ids=389,437');
    expect(a.rows.map((r) => r.session_id)).toEqual(expected);
    expect(b.rows.map((r) => r.session_id)).toEqual(expected);
    expect(a.env.metadata.total).toBe(expected.length);
  });

  it('user-ids', async () => {
    const ids = sim.state.agents.slice(0, 3).map((a) => a.userId);
    const { rows: r } = await rows(`table-name=user-runtime-information&user-ids=${ids[0]},${ids[1]}&user-ids=${ids[2]}`);
    expect(r.map((x) => x.user_id)).toEqual(ids);
  });

  it('user-name (case-insensitive substring)', async () => {
    const needle = sim.state.agents[0]!.userName.split(' ')[1]!.toUpperCase();
    const expected = sim.state.agents.filter((a) => a.userName.toUpperCase().includes(needle)).map((a) => a.userId);
    narrows(expected, sim.state.agents.length);
    const { rows: r } = await rows(`table-name=user-runtime-information&user-name=${needle}`);
    expect(r.map((x) => x.user_id)).toEqual(expected);
  });

  it('status applies to user_status (case-insensitive) on session rows', async () => {
    const expected = sim.state.sessions.filter((s) => s.userStatus === 'Ready' || s.userStatus === 'On Call').map((s) => s.sessionId);
    narrows(expected, sim.state.sessions.length);
    const { rows: r } = await rows('table-name=user-session-information&status=ready,on%20call');
    expect(r.map((x) => x.session_id)).toEqual(expected);
  });

  it('status applies to customer_status on customer rows', async () => {
    const expected = sim.state.interactions.filter((i) => i.customerStatus === 'connected' || i.customerStatus === 'Inactive').map((i) => i.crtObjectId);
    narrows(expected, sim.state.interactions.length);
    const { rows: r } = await rows('table-name=customer-information&status=connected&status=Inactive');
    expect(r.map((x) => x.crt_object_id)).toEqual(expected);
  });

  it('queue-ids', async () => {
    const q = sim.state.sessions[0]!.queueId!;
    const expected = sim.state.sessions.filter((s) => s.queueId === q).map((s) => s.sessionId);
    narrows(expected, sim.state.sessions.length);
    const { rows: r } = await rows(`table-name=user-session-information&queue-ids=${q}`);
    expect(r.map((x) => x.session_id)).toEqual(expected);
  });

  it('user-types', async () => {
    const expected = sim.state.agents.filter((a) => a.userType === 'Supervisor').map((a) => a.userId);
    narrows(expected, sim.state.agents.length);
    const { rows: r } = await rows('table-name=user-runtime-information&user-types=Supervisor');
    expect(r.map((x) => x.user_id)).toEqual(expected);
  });

  it('session-ids', async () => {
    const ids = [sim.state.sessions[2]!.sessionId, sim.state.sessions[5]!.sessionId];
    const { rows: r } = await rows(`table-name=user-session-information&session-ids=${ids.join(',')}`);
    expect(r.map((x) => x.session_id)).toEqual(ids);
  });

  it('call-ids', async () => {
    const callId = sim.state.interactions.find((i) => i.callId !== null)!.callId!;
    const { rows: r } = await rows(`table-name=customer-information&call-ids=${callId}`);
    expect(r.map((x) => x.call_id)).toEqual([callId]);
  });

  it('chat-ids', async () => {
    const chatId = sim.state.interactions.find((i) => i.chatId !== null)!.chatId!;
    const { rows: r } = await rows(`table-name=chat-information&chat-ids=${chatId}`);
    expect(r.map((x) => x.chat_id)).toEqual([chatId]);
  });

  it('ignores a filter on a field the table does not have', async () => {
    const { env } = await rows('table-name=user-session-information&chat-ids=whatever');
    expect(env.metadata.total).toBe(sim.state.sessions.length);
  });

  it('answers 400 for a non-integer id filter', async () => {
    const r = await monitor('table-name=user-session-information&campaign-ids=abc');
    expect({ status: r.status, body: r.body }).toEqual({ status: 400, body: badRequest("Parameter 'campaign-ids' must be a list of integers.") });
  });
});

describe('monitoring: sort_by', () => {
  const sorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  it('sorts ascending and descending', async () => {
    const asc = (await rows('table-name=user-runtime-information&sort_by=user_id:asc')).rows.map((r) => r.user_id as string);
    const desc = (await rows('table-name=user-runtime-information&sort_by=user_id:desc')).rows.map((r) => r.user_id as string);
    expect(asc).toEqual(sorted(asc));
    expect(desc).toEqual(sorted(desc).reverse());
    expect(asc).toHaveLength(sim.state.agents.length);
  });

  it('applies several criteria in order', async () => {
    const { rows: r } = await rows('table-name=user-session-information&sort_by=campaign_id:asc&sort_by=user_id:desc');
    const keys = r.map((x) => [x.campaign_id as number, x.user_id as string] as const);
    const expected = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0));
    expect(keys).toEqual(expected);
  });

  it('answers 400 for a malformed sort_by, an unknown field or an object field', async () => {
    const r = await monitor('table-name=user-session-information&sort_by=user_id');
    expect({ status: r.status, body: r.body }).toEqual({
      status: 400,
      body: badRequest("Parameter 'sort_by' must be 'property:asc' or 'property:desc' with a sortable field of the table, got 'user_id'."),
    });
    expect((await monitor('table-name=user-session-information&sort_by=chat_id:asc')).status).toBe(400);
    expect((await monitor('table-name=user-session-information&sort_by=customer_details:asc')).status).toBe(400);
  });
});

describe('monitoring: errors', () => {
  it('answers the exact 400 for a bad or missing table-name', async () => {
    const r = await monitor('table-name=agents');
    expect({ status: r.status, body: r.body }).toEqual({
      status: 400,
      body: badRequest("Parameter 'table-name' must be one of: user-runtime-information, user-session-information, chat-information, customer-information."),
    });
    expect((await monitor('offset=0')).body).toEqual(badRequest("Missing required parameter 'table-name'."));
    expect(MONITORING_TABLES).toHaveLength(4);
  });

  it('answers 404 for another contact center and 400 for a non-integer ccId', async () => {
    const r = await call('/v4/cc-list/2/monitoring/user-session-information?table-name=chat-information', { headers: { authorization: AUTH } });
    expect({ status: r.status, body: r.body }).toEqual({ status: 404, body: NOT_FOUND });
    const bad = await call('/v4/cc-list/one/monitoring/user-session-information?table-name=chat-information', { headers: { authorization: AUTH } });
    expect({ status: bad.status, body: bad.body }).toEqual({ status: 400, body: badRequest("Path parameter 'cc-id' must be an integer.") });
  });

  it('answers 404 CONF-1004 for an unknown path', async () => {
    const r = await call('/v4/cc-list/1/monitoring/nothing-here', { headers: { authorization: AUTH } });
    expect({ status: r.status, body: r.body }).toEqual({ status: 404, body: NOT_FOUND });
  });

  it('answers 405 with the ExceptionBody shape for a known path with another method', async () => {
    const r = await call('/configuration/basicauth', { headers: { authorization: AUTH } });
    expect({ status: r.status, body: r.body }).toEqual({
      status: 405,
      body: { statusCode: 405, status: 'Method Not Allowed', errorCode: 'CONF-1001', errorMessage: 'Invalid input or malformed request.' },
    });
  });

  it('answers 5xx faults in the ExceptionBody shape', async () => {
    sim.setFaults({ serverErrorStatus: 500 });
    const r = await monitor('table-name=chat-information');
    expect({ status: r.status, body: r.body }).toEqual({
      status: 500,
      body: { statusCode: 500, status: 'Internal Server Error', errorCode: 'CONF-1005', errorMessage: 'An unexpected error occurred on the server.' },
    });
    sim.setFaults({ serverErrorStatus: 503 });
    const u = await monitor('table-name=chat-information');
    expect({ status: u.status, body: u.body }).toEqual({
      status: 503,
      body: { statusCode: 503, status: 'Service Unavailable', errorCode: 'CONF-1005', errorMessage: 'An unexpected error occurred on the server.' },
    });
  });
});

describe('request log', () => {
  it('records path, query and the authorization header', async () => {
    sim.clearRequests();
    await monitor('table-name=user-session-information&campaign-ids=389&campaign-ids=412&limit=5');
    expect(sim.requests).toHaveLength(1);
    const entry = sim.requests[0]!;
    expect(entry).toMatchObject({
      method: 'GET',
      path: MONITORING,
      rawQuery: 'table-name=user-session-information&campaign-ids=389&campaign-ids=412&limit=5',
      query: { 'table-name': ['user-session-information'], 'campaign-ids': ['389', '412'], limit: ['5'] },
      status: 200,
      route: 'GET /v4/cc-list/:ccId/monitoring/user-session-information',
    });
    expect(entry.headers.authorization).toBe(AUTH);
  });
});

describe("the agent's voice leg in session rows (issue 16, item 1)", () => {
  it('is not there: channel_details.addition_details is {} as the presence document prints it', async () => {
    const { rows: all } = await rows('table-name=user-session-information');
    const voice = all.filter((r) => (r.channel_details as Row).channel_type === 'VOICE');
    expect(voice.length).toBeGreaterThan(0);
    for (const row of all) expect((row.channel_details as Row).addition_details).toEqual({});
  });

  it("only the undocumented agentLegInSessionRow option names it, as user_crt_object_id, in voice sessions' rows", async () => {
    const other = await startAmeyoSim({ port: 0, requestsPerSecond: 0, agentLegInSessionRow: true });
    try {
      const res = await fetch(`${other.url}${MONITORING}?table-name=user-session-information`, { headers: { authorization: AUTH } });
      const data = ((await res.json()) as Envelope).response.map((x) => x.data);
      for (const row of data) {
        const session = other.state.sessions.find((s) => s.sessionId === row.session_id)!;
        const channel = row.channel_details as Row;
        expect(channel.addition_details).toEqual(channel.channel_type === 'VOICE' ? { user_crt_object_id: agentLegId(session) } : {});
      }
    } finally {
      await other.close();
    }
  });
});

describe('rate limit (default 1 request/second)', () => {
  let limited: AmeyoSim;
  beforeAll(async () => {
    limited = await startAmeyoSim({ port: 0 });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers the second request within one second with 429 CONF-1429 and Retry-After: 1', async () => {
    const get = () => fetch(`${limited.url}${MONITORING}?table-name=chat-information`, { headers: { authorization: AUTH } });
    const first = await get();
    expect(first.status).toBe(200);
    const second = await get();
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toEqual({ statusCode: 429, status: 'Too Many Requests', errorCode: 'CONF-1429', errorMessage: 'Rate limit exceeded.' });
  });
});

describe('seed', () => {
  const opts = { seed: AMEYO_SIM_DEFAULTS.seed, ccId: 1, users: [{ username: 'u', password: 'p' }] };

  it('is deterministic: the same seed gives equal state, another seed differs', async () => {
    expect(seedAmeyoState(opts)).toEqual(seedAmeyoState(opts));
    expect(seedAmeyoState({ ...opts, seed: 7 })).not.toEqual(seedAmeyoState(opts));
    const other = await startAmeyoSim({ port: 0, requestsPerSecond: 0 });
    try {
      expect(other.state).toEqual(seedAmeyoState({ ...opts, users: [{ username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password }] }));
    } finally {
      await other.close();
    }
  });

  it('has the required volume and variety', () => {
    for (const seed of [AMEYO_SIM_DEFAULTS.seed, 1, 2, 3, 42]) {
      const s = seedAmeyoState({ ...opts, seed });
      expect(s.agents.length).toBeGreaterThanOrEqual(22);
      expect(new Set(s.agents.map((a) => a.userId)).size).toBe(s.agents.length);
      for (const a of s.agents) expect(a.userId).toMatch(/^[a-z]+\.[a-z]+$/);
      expect(new Set(s.sessions.map((x) => x.userStatus))).toEqual(new Set(AMEYO_USER_STATUSES));
      expect(s.campaigns.length).toBeGreaterThanOrEqual(3);
      for (const c of s.campaigns) {
        expect(c.leadListIds.length).toBeGreaterThanOrEqual(2);
        expect(c.queueIds.length).toBeGreaterThanOrEqual(1);
        for (const l of c.leadListIds) expect(s.contacts.some((x) => x.leadId === l && x.campaignId === c.campaignId)).toBe(true);
      }
      expect(s.calls.length).toBeGreaterThanOrEqual(100);
      for (const call of s.calls) {
        expect(call.crtObjectId).toMatch(/^[0-9a-f]{4}-[0-9a-f]{8}-vce-\d+$/);
        expect(call.startedAtMs).toBeLessThan(call.endedAtMs);
        expect(call.endedAtMs).toBeLessThan(SEED_EPOCH_MS);
      }
    }
  });
});
