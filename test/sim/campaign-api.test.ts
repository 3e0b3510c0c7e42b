/** The campaign-API ("port 9443", FonoUC) simulator: login, auth quirks, queue status, faults, seed data. */
import { createHmac } from 'node:crypto';
import { AGENT_STATUSES, CAMPAIGN_API_SIM_DEFAULTS as D, LEAD_STATUSES, createCampaignApiState, startCampaignApiSim, type CampaignApiSim } from '../../sim/campaign-api';
import type { QueueStatusView } from '../../sim/campaign-api/views';
import { waitUntil } from '../support/wait';

const INVALID_INFORMATION = '"The information sent is invalid."';
const INVALID_TOKEN = '"Authentication token is invalid"';
const INVALID_CREDENTIALS = '"Invalid credentials"';
const TOO_MANY_REQUESTS = '"Too many requests"';

const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

const CREDENTIALS = { username: D.username, password: D.password, domain: D.domain };

function login(sim: CampaignApiSim, body: unknown = CREDENTIALS): Promise<Response> {
  return fetch(`${sim.url}/api/v2/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function accessToken(sim: CampaignApiSim): Promise<string> {
  const res = await login(sim);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function queues(sim: CampaignApiSim, headers: Record<string, string>): Promise<Response> {
  return fetch(`${sim.url}/callcenter/queues/status`, { headers });
}

const bearer = (token: string, accountId: string = D.accountId) => ({
  authorization: `Bearer ${token}`,
  'x-account-id': accountId,
});

async function expectBody(res: Response, status: number, text: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.text()).toBe(text);
}

describe('campaign-api simulator', () => {
  let sim: CampaignApiSim;

  beforeAll(async () => {
    sim = await startCampaignApiSim({ port: 0, requestsPerSecond: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.resetFaults();
  });

  describe('POST /api/v2/login', () => {
    it('answers the user and a real HS256 access JWT for the account', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await login(sim);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { user: Record<string, unknown>; access_token: string; refresh_token: string };
      expect(Object.keys(body)).toEqual(['user', 'access_token', 'refresh_token']);
      expect(body.user).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        username: D.username,
        first_name: expect.any(String),
        last_name: expect.any(String),
        email: expect.stringContaining('@'),
        domain: D.domain,
        account_id: D.accountId,
      });

      const [head, payload, signature] = body.access_token.split('.') as [string, string, string];
      expect(decodePart(head)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const claims = decodePart(payload);
      expect(claims.identity).toBe(`${D.accountId}:${D.domain}`);
      expect(claims.type).toBe('access');
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.exp).toBe((claims.iat as number) + 3600);
      const expected = createHmac('sha256', sim.jwtSecret).update(`${head}.${payload}`).digest('base64url');
      expect(signature).toBe(expected);

      const refresh = decodePart(body.refresh_token.split('.')[1]!);
      expect(refresh).toMatchObject({ identity: `${D.accountId}:${D.domain}`, type: 'refresh' });
    });

    it.each([
      ['a missing password', { username: D.username, domain: D.domain }],
      ['a missing domain', { username: D.username, password: D.password }],
      ['an empty username', { ...CREDENTIALS, username: '' }],
      ['a non-string field', { ...CREDENTIALS, password: 42 }],
      ['a JSON array', [CREDENTIALS]],
      ['a body that is not JSON', 'username=switchboard'],
    ])('answers 400 with the bare string for %s', async (_, body) => {
      await expectBody(await login(sim, body), 400, INVALID_INFORMATION);
    });

    it.each([
      ['a wrong password', { ...CREDENTIALS, password: 'nope' }],
      ['an unknown user', { ...CREDENTIALS, username: 'someone' }],
      ['a wrong domain', { ...CREDENTIALS, domain: 'other' }],
    ])('answers 401 with the bare string for %s', async (_, body) => {
      await expectBody(await login(sim, body), 401, INVALID_CREDENTIALS);
    });

    it('counts successful logins only', async () => {
      const start = sim.loginCount;
      await accessToken(sim);
      await login(sim, { ...CREDENTIALS, password: 'nope' });
      await login(sim, {});
      await accessToken(sim);
      expect(sim.loginCount).toBe(start + 2);
    });
  });

  describe('authentication of GET /callcenter/queues/status', () => {
    it('accepts a bearer token with the matching X-Account-ID', async () => {
      const res = await queues(sim, bearer(await accessToken(sim)));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Array.isArray(await res.json())).toBe(true);
    });

    it('accepts X-API-Key with the matching X-Account-ID, with the same answer', async () => {
      const viaKey = await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId });
      expect(viaKey.status).toBe(200);
      const viaToken = await queues(sim, bearer(await accessToken(sim)));
      expect(await viaKey.json()).toEqual(await viaToken.json());
    });

    it('answers 400 when X-Account-ID is missing or names another account', async () => {
      const token = await accessToken(sim);
      await expectBody(await queues(sim, { authorization: `Bearer ${token}` }), 400, INVALID_INFORMATION);
      await expectBody(await queues(sim, bearer(token, 'f'.repeat(32))), 400, INVALID_INFORMATION);
      await expectBody(await queues(sim, { 'x-api-key': D.apiKey }), 400, INVALID_INFORMATION);
      await expectBody(await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': '0'.repeat(32) }), 400, INVALID_INFORMATION);
    });

    it('answers 401 with the bare string for missing or invalid credentials', async () => {
      const token = await accessToken(sim);
      const [head, payload] = token.split('.') as [string, string];
      const forged = `${head}.${payload}.${createHmac('sha256', 'wrong-secret').update(`${head}.${payload}`).digest('base64url')}`;
      const refresh = ((await (await login(sim)).json()) as { refresh_token: string }).refresh_token;
      const attempts: Array<Record<string, string>> = [
        { 'x-account-id': D.accountId },
        bearer('not-a-jwt'),
        bearer(forged),
        bearer(refresh),
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}`, 'x-account-id': D.accountId },
        { 'x-api-key': 'wrong-key', 'x-account-id': D.accountId },
      ];
      for (const headers of attempts) {
        await expectBody(await queues(sim, headers), 401, INVALID_TOKEN);
      }
    });

    it('rejects every token issued before expireAllTokens(), and accepts a new login', async () => {
      const old = await accessToken(sim);
      expect((await queues(sim, bearer(old))).status).toBe(200);
      sim.expireAllTokens();
      await expectBody(await queues(sim, bearer(old)), 401, INVALID_TOKEN);
      expect((await queues(sim, bearer(await accessToken(sim)))).status).toBe(200);
    });

    it('answers 401 to bearer tokens while the expiredToken fault is on; API keys never expire', async () => {
      const token = await accessToken(sim);
      sim.setFaults({ expiredToken: true });
      await expectBody(await queues(sim, bearer(token)), 401, INVALID_TOKEN);
      expect((await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId })).status).toBe(200);
      sim.resetFaults();
      expect((await queues(sim, bearer(token))).status).toBe(200);
    });

    it('answers the bare-string 5xx and 404 bodies', async () => {
      sim.setFaults({ serverErrorStatus: 503 });
      await expectBody(await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId }), 503, '"Internal server error"');
      sim.resetFaults();
      await expectBody(await fetch(`${sim.url}/api/v2/nothing-here`), 404, '"Not found"');
    });

    it('logs the path and the Authorization and X-Account-ID headers', async () => {
      const token = await accessToken(sim);
      sim.clearRequests();
      await queues(sim, bearer(token));
      expect(sim.requests).toHaveLength(1);
      const [entry] = sim.requests;
      expect(entry).toMatchObject({ method: 'GET', path: '/callcenter/queues/status', status: 200, route: 'GET /callcenter/queues/status' });
      expect(entry!.headers.authorization).toBe(`Bearer ${token}`);
      expect(entry!.headers['x-account-id']).toBe(D.accountId);
    });
  });

  describe('queue status body', () => {
    let body: QueueStatusView[];
    beforeAll(async () => {
      const res = await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId });
      body = (await res.json()) as QueueStatusView[];
    });

    it('has the vendor doc shape, key for key', () => {
      expect(body.length).toBeGreaterThanOrEqual(4);
      for (const q of body) {
        expect(Object.keys(q)).toEqual([
          'id',
          'name',
          'extension',
          'max_time_caller_in_queue',
          'strategy',
          'agents',
          'calls',
          'total_agents',
          'logged_in_agents',
          'logged_out_agents',
          'idle_agents',
          'misconfigured_agents',
          'agents_registered',
          'agents_on_call',
        ]);
        expect(q.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        for (const a of q.agents) {
          expect(Object.keys(a)).toEqual(['id', 'name', 'extension', 'extension_is_valid', 'delay', 'timeout', 'logged_in', 'status', 'registered', 'tags']);
          expect(a.id).toMatch(/^[0-9a-f]{32}$/);
          for (const t of a.tags) expect(Object.keys(t)).toEqual(['id', 'name', 'color']);
        }
        for (const [uuid, call] of Object.entries(q.calls)) {
          expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
          expect(call).toEqual({ caller_number: expect.stringMatching(/^\+1\d{10}$/), wait_seconds: expect.any(Number) });
        }
      }
      expect(body.some((q) => Object.keys(q.calls).length === 0)).toBe(true);
      expect(body.some((q) => Object.keys(q.calls).length > 0)).toBe(true);
    });

    it('has counts consistent with the agents listed', () => {
      for (const q of body) {
        const loggedIn = q.agents.filter((a) => a.logged_in);
        expect(q.total_agents).toBe(q.agents.length);
        expect(q.logged_in_agents).toBe(loggedIn.length);
        expect(q.logged_out_agents).toBe(q.agents.length - loggedIn.length);
        expect(q.idle_agents).toBe(loggedIn.filter((a) => a.status === 'idle').length);
        expect(q.agents_on_call).toBe(loggedIn.filter((a) => a.status === 'in_call').length);
        expect(q.agents_registered).toBe(q.agents.filter((a) => a.registered).length);
        expect(q.misconfigured_agents).toBe(q.agents.filter((a) => !a.extension_is_valid).length);
      }
    });

    it('covers every agent status, shows logged-out agents as idle, and shares agents identically', () => {
      const byId = new Map<string, QueueStatusView['agents'][number]>();
      let shared = 0;
      for (const q of body) {
        for (const a of q.agents) {
          expect(AGENT_STATUSES).toContain(a.status);
          if (!a.logged_in) expect(a.status).toBe('idle');
          const seen = byId.get(a.id);
          if (seen) {
            shared++;
            expect(a).toEqual(seen);
          }
          byId.set(a.id, a);
        }
      }
      const agents = [...byId.values()];
      expect(agents.length).toBeGreaterThanOrEqual(22);
      expect(shared).toBeGreaterThan(0);
      expect(agents.filter((a) => !a.logged_in).length).toBeGreaterThanOrEqual(3);
      expect(agents.some((a) => !a.extension_is_valid)).toBe(true);
      expect(new Set(agents.filter((a) => a.logged_in).map((a) => a.status))).toEqual(new Set(AGENT_STATUSES));
    });

    it('reflects changes to the state', async () => {
      const agent = sim.state.agents.find((a) => a.logged_in && a.status === 'idle')!;
      agent.status = 'paused';
      try {
        const res = await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId });
        const fresh = (await res.json()) as QueueStatusView[];
        const shown = fresh.flatMap((q) => q.agents).filter((a) => a.id === agent.id);
        expect(shown.length).toBeGreaterThan(0);
        for (const a of shown) expect(a.status).toBe('paused');
      } finally {
        agent.status = 'idle';
      }
    });
  });

  describe('seed state', () => {
    const accounts = [{ accountId: D.accountId, domain: D.domain, username: D.username, password: D.password, apiKey: D.apiKey }];

    it('is deterministic: the same seed gives an equal state, another seed a different one', () => {
      expect(createCampaignApiState(D.seed, accounts)).toEqual(sim.state);
      expect(createCampaignApiState(7, accounts)).toEqual(createCampaignApiState(7, accounts));
      expect(createCampaignApiState(8, accounts).leads[0]).not.toEqual(createCampaignApiState(7, accounts).leads[0]);
    });

    it('has campaigns with leads in the doc shape, one with more than 1,000 leads of varied status', () => {
      const { campaigns, leads } = sim.state;
      expect(campaigns.length).toBeGreaterThanOrEqual(3);
      expect(new Set(campaigns.map((c) => c.status))).toEqual(new Set(['running', 'stopped', 'paused']));
      for (const c of campaigns) expect(c.id).toMatch(/^[0-9a-f]{32}$/);
      const big = campaigns.find((c) => leads.filter((l) => l.campaign_id === c.id).length > 1000);
      expect(big).toBeDefined();
      const bigLeads = leads.filter((l) => l.campaign_id === big!.id);
      expect(new Set(bigLeads.map((l) => l.status))).toEqual(new Set(LEAD_STATUSES));
      expect(new Set(leads.map((l) => l.id)).size).toBe(leads.length);
      for (const l of bigLeads.slice(0, 50)) {
        expect(Object.keys(l)).toEqual(['created', 'campaign_id', 'number', 'status', 'retries', 'first_name', 'last_name', 'priority', 'id']);
        expect(l.id).toMatch(/^[0-9a-f]{32}$/);
        expect(Number.isInteger(l.created)).toBe(true);
      }
    });

    it('has at least 150 activity events in the doc shape and CDRs pointing at real leads', () => {
      const { activity, cdrs, leads } = sim.state;
      expect(activity.length).toBeGreaterThanOrEqual(150);
      const first = activity[0]!;
      expect(Object.keys(first)).toEqual(['datetime', 'timestamp', 'campaign_name', 'lead_name', 'lead_number', 'agent_name', 'agent_extension', 'lead_history']);
      expect(first.datetime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
      expect(first.lead_history[0]!.uuid).toMatch(/^[0-9a-f]{36}-clicktocall$/);
      expect(cdrs.length).toBeGreaterThan(0);
      const leadIds = new Set(leads.map((l) => l.id));
      for (const cdr of cdrs) expect(leadIds.has(cdr.lead_id)).toBe(true);
    });
  });
});

describe('campaign-api simulator with a 1-second token lifetime', () => {
  let sim: CampaignApiSim;
  beforeAll(async () => {
    sim = await startCampaignApiSim({ requestsPerSecond: 0, tokenTtlSeconds: 1 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('answers 401 once the token is past its exp', async () => {
    // exp is whole seconds (iat floored + 1); start early in a second so the token is surely valid at first.
    await waitUntil('the clock is early in a second', () => Date.now() % 1000 <= 200, 2_000);
    const token = await accessToken(sim);
    expect((await queues(sim, bearer(token))).status).toBe(200);
    const exp = decodePart(token.split('.')[1]!)['exp'] as number;
    await waitUntil('the token is past its exp', () => Date.now() >= exp * 1000, 2_000);
    await expectBody(await queues(sim, bearer(token)), 401, INVALID_TOKEN);
  });
});

describe('campaign-api simulator at the default 1 request/second', () => {
  let sim: CampaignApiSim;
  beforeAll(async () => {
    sim = await startCampaignApiSim({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('limits per account (login per domain) and answers 429 with the bare string and Retry-After', async () => {
    const token = await accessToken(sim); // the "demo" domain's bucket
    expect((await queues(sim, bearer(token))).status).toBe(200); // the account's bucket
    const res = await queues(sim, { 'x-api-key': D.apiKey, 'x-account-id': D.accountId });
    expect(res.headers.get('retry-after')).toBe('1');
    await expectBody(res, 429, TOO_MANY_REQUESTS);
  });
});
