/** Tests of the Apps API simulator (sim/apps-api): auth, errors, the Manager API agents list, rate limit, log, seed. */
import crypto from 'node:crypto';
import http from 'node:http';
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, CALL_STATUSES, buildAppsApiState, startAppsApiSim, type Agent, type AppsApiSim } from '../../sim/apps-api';
import { waitUntil } from '../support/wait';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const AUTH = basic(APPS_API_SIM_DEFAULTS.subdomain, APPS_API_SIM_DEFAULTS.token);

const PAGE_SIZE_400 = {
  message: 'Invalid page size request - check to ensure the max page size is a valid integer less than 1000',
};

/** Every call status in vendor-docs/apps-api.txt's call status table, as the table names them. */
const DOC_CALL_STATUSES = [
  'Selecting',
  'Queued',
  'Assigned',
  'Connecting',
  'Connected',
  'Finished',
  'Failed',
  'Switching',
  'Recovered',
  'Scheduled',
  'Action Only',
  'Action Only Finished',
  'Deflected',
  'Voicemail',
  'Voicemail Received',
  'Voicemail Read',
];
/** Every campaign contact status in vendor-docs/apps-api.txt, verbatim. */
const DOC_CONTACT_STATUSES = [
  'Upcoming',
  'Dialing',
  'Queued',
  'Connected',
  'Finished',
  'Transferred',
  'Transferred and Finished',
  'Not Picked Up',
  'Not Reached to Contact',
  'Abandoned by Contact',
  'Skipped',
  'Skipped & Closed',
  'Invalid Number',
  'Carrier Error',
  'Abandoned by Dialer',
  'Voicemail Hung Up',
  'Dialer General Error',
  'Redial Scheduled',
  'Do Not Call',
  'Invalid Outbound Number',
  'Blocked Phone Number',
];

/** `Link` header -> { rel: url }. */
function parseLink(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)) out[m[2]!] = m[1]!;
  return out;
}

let sim: AppsApiSim;

beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.resetFaults();
});

const get = (pathAndQuery: string, authorization: string | null = AUTH) => fetch(`${sim.url}${pathAndQuery}`, { headers: authorization === null ? {} : { authorization } });

/** GETs the agents list and returns the body as agents. */
async function agents(query: string): Promise<{ res: Response; body: Agent[] }> {
  const res = await get(`/manager/api/v1/agents${query ? `?${query}` : ''}`);
  return { res, body: (await res.json()) as Agent[] };
}

const ids = (list: Agent[]) => list.map((a) => a.id);

describe('handle', () => {
  it('exposes the base URLs and the seeded state', () => {
    expect(sim.appsBaseUrl).toBe(`${sim.url}/apps/api/v1`);
    expect(sim.managerBaseUrl).toBe(`${sim.url}/manager/api/v1`);
    expect(sim.state).toEqual(buildAppsApiState(APPS_API_SIM_DEFAULTS.seed));
  });

  it('keeps the live fault switches', () => {
    sim.setFaults({ latencyMs: 5 });
    expect(sim.faults.latencyMs).toBe(5);
    sim.resetFaults();
    expect(sim.faults.latencyMs).toBe(0);
  });
});

describe('auth', () => {
  it.each([
    ['missing', null],
    ['wrong token', basic('demo', 'nope')],
    ['wrong subdomain', basic('other', APPS_API_SIM_DEFAULTS.token)],
    ['not Basic', `Bearer ${APPS_API_SIM_DEFAULTS.token}`],
  ])('refuses %s credentials with 401', async (_, authorization) => {
    const res = await get('/manager/api/v1/agents', authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Application"');
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers valid credentials with 200', async () => {
    const res = await get('/manager/api/v1/agents');
    expect(res.status).toBe(200);
  });

  it('refuses valid credentials while the expiredToken fault is on', async () => {
    sim.setFaults({ expiredToken: true });
    const res = await get('/manager/api/v1/agents');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    sim.resetFaults();
    expect((await get('/manager/api/v1/agents')).status).toBe(200);
  });

  it('accepts any configured account', async () => {
    const multi = await startAppsApiSim({
      port: 0,
      requestsPerSecond: 0,
      accounts: [
        { subdomain: 'acme', token: 't1' },
        { subdomain: 'globex', token: 't2' },
      ],
    });
    try {
      const call = (auth: string) => fetch(`${multi.managerBaseUrl}/user_statuses`, { headers: { authorization: auth } });
      expect((await call(basic('acme', 't1'))).status).toBe(200);
      expect((await call(basic('globex', 't2'))).status).toBe(200);
      expect((await call(basic('acme', 't2'))).status).toBe(401);
      expect((await call(AUTH)).status).toBe(401);
    } finally {
      await multi.close();
    }
  });
});

describe('errors', () => {
  it('answers an unknown path with 404 {"message":"Not Found"}', async () => {
    const res = await get('/manager/api/v1/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found' });
    const apps = await get('/apps/api/v1/users');
    expect(apps.status).toBe(404);
    expect(await apps.json()).toEqual({ message: 'Not Found' });
  });

  it('answers the 5xx fault with its status and {"message":"Internal Server Error"}', async () => {
    sim.setFaults({ serverErrorStatus: 503 });
    const res = await get('/manager/api/v1/agents');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers the 429-storm fault with the vendor 429', async () => {
    sim.setFaults({ tooManyRequests: true });
    const res = await get('/manager/api/v1/agents');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ message: 'Too Many Requests' });
  });
});

describe('GET /manager/api/v1/agents paging', () => {
  it('returns a bare array ordered by id with the default page size 100', async () => {
    const { res, body } = await agents('');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Array.isArray(body)).toBe(true);
    expect(body).toEqual(sim.state.agents);
    expect(ids(body)).toEqual([...ids(body)].sort((a, b) => a - b));
    expect(res.headers.get('total')).toBe(String(sim.state.agents.length));
    expect(res.headers.get('per-page')).toBe('100');
    expect(parseLink(res.headers.get('link'))).toEqual({ last: `${sim.url}/manager/api/v1/agents?page=1` });
  });

  it('walks every agent exactly once following Link rel="next" with per=10', async () => {
    const total = sim.state.agents.length;
    const lastPage = Math.ceil(total / 10);
    const seen: number[] = [];
    let url: string | undefined = `${sim.managerBaseUrl}/agents?per=10`;
    let pages = 0;
    while (url) {
      const res: Response = await fetch(url, { headers: { authorization: AUTH } });
      expect(res.status).toBe(200);
      expect(res.headers.get('total')).toBe(String(total));
      expect(res.headers.get('per-page')).toBe('10');
      const links = parseLink(res.headers.get('link'));
      expect(links.last).toBe(`${sim.url}/manager/api/v1/agents?per=10&page=${lastPage}`);
      const body = (await res.json()) as Agent[];
      pages += 1;
      expect(body.length).toBe(pages < lastPage ? 10 : total - 10 * (lastPage - 1));
      seen.push(...ids(body));
      url = links.next;
      if (url) expect(url).toBe(`${sim.url}/manager/api/v1/agents?per=10&page=${pages + 1}`);
    }
    expect(pages).toBe(lastPage);
    expect(seen).toEqual(ids(sim.state.agents));
    expect(new Set(seen).size).toBe(total);
  });

  it('keeps other params in the Link URLs and replaces page', async () => {
    const res = await get('/manager/api/v1/agents?page=1&per=5&location[]=Dublin');
    const links = parseLink(res.headers.get('link'));
    const dublin = sim.state.agents.filter((a) => a.location === 'Dublin').length;
    expect(dublin).toBeGreaterThan(5);
    expect(links.next).toBe(`${sim.url}/manager/api/v1/agents?page=2&per=5&location%5B%5D=Dublin`);
    expect(links.last).toBe(`${sim.url}/manager/api/v1/agents?page=${Math.ceil(dublin / 5)}&per=5&location%5B%5D=Dublin`);
  });

  it('builds Link URLs from the Host header', async () => {
    const link = await new Promise<string | undefined>((resolve, reject) => {
      const req = http.get(`${sim.url}/manager/api/v1/agents?per=10`, { headers: { authorization: AUTH, host: 'demo.ujet.example:8443' } }, (res) => {
        res.resume();
        resolve(res.headers.link as string | undefined);
      });
      req.on('error', reject);
    });
    expect(parseLink(link ?? null).next).toBe('http://demo.ujet.example:8443/manager/api/v1/agents?per=10&page=2');
  });

  it('answers a page past the end with an empty array', async () => {
    const { res, body } = await agents('page=9&per=10');
    expect(res.status).toBe(200);
    expect(body).toEqual([]);
    expect(parseLink(res.headers.get('link'))).toEqual({ last: `${sim.url}/manager/api/v1/agents?page=3&per=10` });
  });

  it.each(['500', '101', '999'])('reduces per=%s to 100', async (per) => {
    const { res, body } = await agents(`per=${per}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('per-page')).toBe('100');
    expect(body.length).toBe(sim.state.agents.length);
  });

  it.each(['1000', 'abc', '0', '-5', '2.5', '5000'])('refuses per=%s with the vendor 400', async (per) => {
    const res = await get(`/manager/api/v1/agents?per=${per}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(PAGE_SIZE_400);
  });
});

describe('GET /manager/api/v1/agents filters', () => {
  const all = () => sim.state.agents;

  it('id[]', async () => {
    const want = [all()[7]!.id, all()[2]!.id];
    const { res, body } = await agents(`id[]=${want[0]}&id[]=${want[1]}`);
    expect(ids(body)).toEqual([all()[2]!.id, all()[7]!.id]);
    expect(res.headers.get('total')).toBe('2');
  });

  it('agent_number[]', async () => {
    const a = all()[4]!;
    const { body } = await agents(`agent_number[]=${a.agent_number}&agent_number[]=no-such`);
    expect(body).toEqual([a]);
  });

  it('status_id[]', async () => {
    const { res, body } = await agents('status_id[]=5&status_id[]=6');
    const want = all().filter((a) => a.status_id === 5 || a.status_id === 6);
    expect(want.length).toBeGreaterThanOrEqual(2);
    expect(body).toEqual(want);
    expect(body.every((a) => a.status === 'Break' || a.status === 'Lunch')).toBe(true);
    expect(res.headers.get('total')).toBe(String(want.length));
  });

  it('online[]', async () => {
    const offline = (await agents('online[]=false')).body;
    expect(offline).toEqual(all().filter((a) => !a.online));
    expect(offline.every((a) => a.status === 'Offline')).toBe(true);
    const online = (await agents('online[]=true')).body;
    expect(online).toEqual(all().filter((a) => a.online));
    expect(online.length + offline.length).toBe(all().length);
    expect((await agents('online[]=true&online[]=false')).body).toEqual(all());
  });

  it('wrap_up[]', async () => {
    const { body } = await agents('wrap_up[]=true');
    expect(body).toEqual(all().filter((a) => a.status === 'Wrap-up'));
    expect(body.length).toBeGreaterThanOrEqual(1);
    expect(body.every((a) => a.wrap_up && a.status_id === 4)).toBe(true);
  });

  it('location[]', async () => {
    const { body } = await agents('location[]=Austin&location[]=Manila');
    const want = all().filter((a) => a.location === 'Austin' || a.location === 'Manila');
    expect(want.length).toBeGreaterThan(0);
    expect(body).toEqual(want);
  });

  it('last_login_time[from] and [to] (inclusive; never-logged-in agents excluded)', async () => {
    const times = all()
      .map((a) => a.last_login_time)
      .filter((t): t is string => t !== null)
      .sort();
    const pivot = times[Math.floor(times.length / 2)]!;
    const from = (await agents(`last_login_time[from]=${pivot}`)).body;
    expect(from).toEqual(all().filter((a) => a.last_login_time !== null && a.last_login_time >= pivot));
    expect(from.some((a) => a.last_login_time === pivot)).toBe(true);
    const to = (await agents(`last_login_time[to]=${pivot}`)).body;
    expect(to).toEqual(all().filter((a) => a.last_login_time !== null && a.last_login_time <= pivot));
    expect(from.length + to.length).toBe(times.length + 1);
    const both = (await agents(`last_login_time[from]=${pivot}&last_login_time[to]=${pivot}`)).body;
    expect(both.every((a) => a.last_login_time === pivot)).toBe(true);
    expect(all().some((a) => a.last_login_time === null)).toBe(true);
  });

  it('status_updated_at[from] and [to]', async () => {
    const from = new Date(SEED_EPOCH_MS - 60 * 60_000).toISOString();
    const to = new Date(SEED_EPOCH_MS).toISOString();
    const { body } = await agents(`status_updated_at[from]=${from}&status_updated_at[to]=${to}`);
    const want = all().filter((a) => a.status_updated_at >= from && a.status_updated_at <= to);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all().length);
    expect(body).toEqual(want);
    const before = (await agents(`status_updated_at[to]=${from}`)).body;
    expect(before).toEqual(all().filter((a) => a.status_updated_at <= from));
  });

  it('combines filters (AND) when the legacy rules are off', async () => {
    const { body } = await agents('online[]=true&location[]=Dublin&per=50&page=1');
    expect(body).toEqual(all().filter((a) => a.online && a.location === 'Dublin'));
  });

  it('refuses more than 1000 values in one filter', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `id[]=${i + 1}`).join('&');
    const res = await get(`/manager/api/v1/agents?${many}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Ensure you are not filtering more than 1000 values at a time' });
    const ok = await get(`/manager/api/v1/agents?${many.split('&').slice(0, 1000).join('&')}`);
    expect(ok.status).toBe(200);
  });

  it('refuses an unreadable time with 400', async () => {
    const res = await get('/manager/api/v1/agents?last_login_time[from]=yesterday');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Invalid time for last_login_time[from] - use ISO 8601 in UTC' });
  });
});

describe('strictLegacyFilterRules', () => {
  let strict: AppsApiSim;
  beforeAll(async () => {
    strict = await startAppsApiSim({ port: 0, requestsPerSecond: 0, strictLegacyFilterRules: true });
  });
  afterAll(async () => {
    await strict.close();
  });
  const sget = (q: string) => fetch(`${strict.managerBaseUrl}/agents?${q}`, { headers: { authorization: AUTH } });

  it('refuses a filter together with pagination parameters', async () => {
    for (const q of ['location[]=Dublin&page=1', 'location[]=Dublin&per=10']) {
      const res = await sget(q);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        message: 'Cannot paginate filtered results - ensure that you are not using a filter and pagination parameters',
      });
    }
  });

  it('refuses two filters', async () => {
    const res = await sget('location[]=Dublin&online[]=true');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Only one filter should be configured at a time' });
  });

  it('allows one filter (a from/to pair counts as one) and plain paging', async () => {
    expect((await sget('location[]=Dublin&location[]=Austin')).status).toBe(200);
    expect((await sget('last_login_time[from]=2026-10-01T00:00:00Z&last_login_time[to]=2026-11-02T00:00:00Z')).status).toBe(200);
    expect((await sget('page=2&per=10')).status).toBe(200);
  });

  it('is off by default', async () => {
    expect((await get('/manager/api/v1/agents?location[]=Dublin&online[]=true&page=1')).status).toBe(200);
  });
});

describe('GET /manager/api/v1/user_statuses', () => {
  it('returns the eight statuses', async () => {
    const res = await get('/manager/api/v1/user_statuses');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { id: 1, name: 'Available', system: false },
      { id: 2, name: 'Unavailable', system: false },
      { id: 3, name: 'In-call', system: true },
      { id: 4, name: 'Wrap-up', system: true },
      { id: 5, name: 'Break', system: false },
      { id: 6, name: 'Lunch', system: false },
      { id: 7, name: 'Meeting', system: false },
      { id: 8, name: 'Offline', system: true },
    ]);
    expect(res.headers.get('total')).toBe('8');
  });
});

describe('rate limit (default 1 request/second per customer)', () => {
  it('answers the second request within a second with 429 and Retry-After', async () => {
    const limited = await startAppsApiSim({
      port: 0,
      accounts: [
        { subdomain: 'demo', token: 'apps-demo-token' },
        { subdomain: 'other', token: 'x' },
      ],
    });
    try {
      const call = (auth: string) => fetch(`${limited.managerBaseUrl}/user_statuses`, { headers: { authorization: auth } });
      const first = await call(AUTH);
      expect(first.status).toBe(200);
      const second = await call(AUTH);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(await second.json()).toEqual({ message: 'Too Many Requests' });
      // The key is the customer (Basic username): another customer is not limited by demo's requests.
      expect((await call(basic('other', 'x'))).status).toBe(200);
      // Asked until served: demo is refused until a second after its last accepted request, then served again.
      const served = async () => {
        const res = await call(AUTH);
        await res.arrayBuffer();
        return res.status === 200;
      };
      await waitUntil('demo is served again', served, 3_000);
      const demo = limited.requests.filter((r) => r.headers['authorization'] === AUTH);
      expect(demo.map((r) => r.status)).toEqual([200, ...Array<number>(demo.length - 2).fill(429), 200]);
      expect(demo[demo.length - 1]!.receivedAtMs - demo[0]!.receivedAtMs).toBeGreaterThanOrEqual(1_000);
      expect(demo[demo.length - 2]!.receivedAtMs - demo[0]!.receivedAtMs).toBeLessThan(1_000);
    } finally {
      await limited.close();
    }
  });
});

describe('request log', () => {
  it('records path, query and the authorization header', async () => {
    sim.clearRequests();
    await get('/manager/api/v1/agents?id[]=3&id[]=7&per=10');
    expect(sim.requests).toHaveLength(1);
    const entry = sim.requests[0]!;
    expect(entry.method).toBe('GET');
    expect(entry.path).toBe('/manager/api/v1/agents');
    expect(entry.rawQuery).toBe('id[]=3&id[]=7&per=10');
    expect(entry.query).toEqual({ 'id[]': ['3', '7'], per: ['10'] });
    expect(entry.headers.authorization).toBe(AUTH);
    expect(entry.route).toBe('GET /manager/api/v1/agents');
    expect(entry.status).toBe(200);
  });
});

describe('seed', () => {
  it('is deterministic', async () => {
    const other = await startAppsApiSim({ port: 0, requestsPerSecond: 0 });
    try {
      expect(other.state).toEqual(sim.state);
    } finally {
      await other.close();
    }
    expect(buildAppsApiState(7)).toEqual(buildAppsApiState(7));
    expect(buildAppsApiState(7)).not.toEqual(buildAppsApiState(8));
  });

  const state = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);

  it('keeps the records seeded before the write endpoints byte-identical (new fields and records only appended)', () => {
    // The state as it was before teams got ids, agents a last_login_ip, calls an updated_at, and the extra menus/collections were added.
    const original = {
      seed: state.seed,
      userStatuses: state.userStatuses,
      agents: state.agents.map(({ last_login_ip: _ip, ...a }) => ({ ...a, teams: a.teams.map((t) => ({ name: t.name })) })),
      menus: state.menus.slice(0, 5),
      campaigns: state.campaigns,
      campaignContacts: state.campaignContacts,
      calls: state.calls.map(({ updated_at: _updatedAt, ...c }) => c),
    };
    const digest = crypto.createHash('sha256').update(JSON.stringify(original)).digest('hex');
    expect(digest).toBe('8fa801c3383efe883e64279fb924ddac867284c54622c30903d28da13d8095b5');
  });

  it('has at least 25 agents using every user status, several offline', () => {
    expect(state.agents.length).toBeGreaterThanOrEqual(25);
    expect(new Set(state.agents.map((a) => a.status_id))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(state.agents.filter((a) => !a.online).length).toBeGreaterThanOrEqual(3);
    for (const a of state.agents) {
      expect(a.status).toBe(state.userStatuses.find((s) => s.id === a.status_id)!.name);
      expect(a.online).toBe(a.status !== 'Offline');
      expect(a.wrap_up).toBe(a.status === 'Wrap-up');
    }
    expect(new Set(state.agents.map((a) => a.id)).size).toBe(state.agents.length);
    expect(new Set(state.agents.map((a) => a.location)).size).toBeGreaterThan(1);
  });

  it('covers every call status and call type from the doc, with agents where the status implies one', () => {
    expect(state.calls.length).toBeGreaterThanOrEqual(250);
    expect(Object.keys(CALL_STATUSES).sort()).toEqual([...DOC_CALL_STATUSES].sort());
    const present = new Set(state.calls.map((c) => c.status));
    for (const label of DOC_CALL_STATUSES) {
      expect(present.has(CALL_STATUSES[label as keyof typeof CALL_STATUSES])).toBe(true);
    }
    expect(new Set(state.calls.map((c) => c.call_type))).toEqual(new Set(['Voice Outbound (API)', 'Voice Inbound (API)', 'Voice Scheduled (API)']));
    const agentIds = new Set(state.agents.map((a) => a.id));
    const thirtyDaysAgo = SEED_EPOCH_MS - 30 * 24 * 60 * 60_000;
    for (const c of state.calls) {
      const t = Date.parse(c.created_at);
      expect(t).toBeGreaterThanOrEqual(thirtyDaysAgo);
      expect(t).toBeLessThan(SEED_EPOCH_MS);
      if (['assigned', 'connecting', 'connected', 'finished'].includes(c.status) || c.call_type === 'Voice Outbound (API)') {
        expect(c.agent_info).not.toBeNull();
      }
      if (c.agent_info) expect(agentIds.has(c.agent_info.id)).toBe(true);
    }
  });

  it('has at least 3 campaigns of 20-80 contacts covering every contact status from the doc', () => {
    expect(state.campaigns.length).toBeGreaterThanOrEqual(3);
    for (const campaign of state.campaigns) {
      const mine = state.campaignContacts.filter((c) => c.campaign_id === campaign.id);
      expect(mine.length).toBeGreaterThanOrEqual(20);
      expect(mine.length).toBeLessThanOrEqual(80);
      expect(campaign.contact_stats.Contacts).toBe(mine.length);
      expect(Object.keys(campaign)).toEqual(expect.arrayContaining(['id', 'campaign_type', 'external_campaign_id', 'mode', 'status', 'queue', 'contact_stats']));
    }
    expect(new Set(state.campaignContacts.map((c) => c.status))).toEqual(new Set(DOC_CONTACT_STATUSES));
  });
});
