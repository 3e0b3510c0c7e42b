/**
 * The campaign-API ("port 9443", FonoUC) simulator's campaign endpoints: the leads status report (with its
 * duplicate "success" key), the leads list and the activity history with their page keys, add / status / delete
 * lead, and the voicemail disposition on a CDR found through an activity record.
 */
import {
  ACTIVITY_SPAN_DAYS,
  CAMPAIGN_API_SIM_DEFAULTS as D,
  LEAD_STATUSES,
  campaignLeads,
  findCdr,
  leadsByStatusEntries,
  successParts,
  startCampaignApiSim,
  type CampaignActivity,
  type CampaignApiSim,
  type Lead,
} from '../../sim/campaign-api';
import { SEED_EPOCH_MS } from '../../sim/common/seed';

const INVALID = '"The information sent is invalid."';
const INVALID_TOKEN = '"Authentication token is invalid"';
const SEED_EPOCH_S = Math.floor(SEED_EPOCH_MS / 1000);
const DAY_S = 86_400;
const LEAD_KEYS = ['created', 'campaign_id', 'number', 'status', 'retries', 'first_name', 'last_name', 'priority', 'id'];

const API_KEY = { 'x-api-key': D.apiKey, 'x-account-id': D.accountId };

interface LeadsPage {
  data: Lead[];
  next_start_key?: string;
}
interface HistoryPage {
  data: CampaignActivity[];
  next_start_key?: string;
}

function call(sim: CampaignApiSim, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(opts.headers ?? API_KEY) };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  return fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
}

const qs = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
};

async function expectBody(res: Response, status: number, text: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.text()).toBe(text);
}

async function accessToken(sim: CampaignApiSim): Promise<string> {
  const res = await call(sim, 'POST', '/api/v2/login', {
    headers: {},
    body: { username: D.username, password: D.password, domain: D.domain },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const leadsPath = (campaignId: string, params: Record<string, string | number | undefined> = {}) => `/api/v2/config/campaigns/${campaignId}/leads${qs(params)}`;
const historyPath = (params: Record<string, string | number | undefined>) => `/api/v2/reports/campaigns/leads/history${qs(params)}`;
const STATUS_PATH = '/api/v2/reports/campaigns/leads/status';

async function leadsPage(sim: CampaignApiSim, campaignId: string, params: Record<string, string | number | undefined> = {}) {
  const res = await call(sim, 'GET', leadsPath(campaignId, params));
  expect(res.status).toBe(200);
  return (await res.json()) as LeadsPage;
}

/** Every lead of a campaign through the API, following `next_start_key`; also counts the requests. */
async function allLeads(sim: CampaignApiSim, campaignId: string, pageSize?: number) {
  const leads: Lead[] = [];
  let key: string | undefined;
  let requests = 0;
  let last: LeadsPage;
  do {
    last = await leadsPage(sim, campaignId, { page_size: pageSize, next_start_key: key });
    requests++;
    leads.push(...last.data);
    key = last.next_start_key;
  } while (key !== undefined);
  return { leads, requests, last };
}

/**
 * Reads the status report's raw text: per campaign, the fields and the `leads_by_status` entries IN TEXT ORDER
 * (JSON.parse would keep only the last "success").
 */
function parseStatusReport(text: string) {
  const parsed = JSON.parse(text) as Record<string, { name: string; status: string; total_leads: number }>;
  const entries = new Map<string, Array<[string, number]>>();
  const re = /"([0-9a-f]{32})":\{"name":"[^"]*","status":"[a-z]+","total_leads":\d+,"leads_by_status":\{([^}]*)\}\}/g;
  for (const m of text.matchAll(re)) {
    const body = m[2]!;
    entries.set(
      m[1]!,
      body === ''
        ? []
        : body.split(',').map((pair) => {
            const [k, v] = pair.split(':') as [string, string];
            return [JSON.parse(k) as string, Number(v)];
          }),
    );
  }
  return { parsed, entries };
}

async function statusReport(sim: CampaignApiSim) {
  const res = await call(sim, 'GET', STATUS_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return parseStatusReport(await res.text());
}

const sumOf = (entries: Array<[string, number]>, status?: string) => entries.filter(([k]) => status === undefined || k === status).reduce((s, [, n]) => s + n, 0);

describe('campaign-api campaign endpoints (reads)', () => {
  let sim: CampaignApiSim;
  beforeAll(async () => {
    sim = await startCampaignApiSim({ requestsPerSecond: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.resetFaults();
  });

  const big = () => sim.state.campaigns.find((c) => campaignLeads(sim.state, c.id).length === 1250)!;

  describe('auth and account checks on the new routes', () => {
    it('accepts a bearer token and an API key alike', async () => {
      const token = await accessToken(sim);
      const viaToken = await call(sim, 'GET', STATUS_PATH, { headers: { authorization: `Bearer ${token}`, 'x-account-id': D.accountId } });
      expect(viaToken.status).toBe(200);
      const viaKey = await call(sim, 'GET', STATUS_PATH);
      expect(await viaKey.text()).toBe(await viaToken.text());
    });

    it('answers 401 without credentials and 400 without (or with a wrong) X-Account-ID', async () => {
      const token = await accessToken(sim);
      const campaignId = big().id;
      await expectBody(await call(sim, 'GET', STATUS_PATH, { headers: { 'x-account-id': D.accountId } }), 401, INVALID_TOKEN);
      await expectBody(await call(sim, 'GET', leadsPath(campaignId), { headers: { authorization: 'Bearer nope', 'x-account-id': D.accountId } }), 401, INVALID_TOKEN);
      await expectBody(await call(sim, 'GET', STATUS_PATH, { headers: { authorization: `Bearer ${token}` } }), 400, INVALID);
      await expectBody(await call(sim, 'GET', leadsPath(campaignId), { headers: { 'x-api-key': D.apiKey, 'x-account-id': 'f'.repeat(32) } }), 400, INVALID);
      await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/${campaignId}/lead`, { headers: { 'x-api-key': D.apiKey }, body: { number: '+14155550100' } }), 400, INVALID);
      await expectBody(await call(sim, 'DELETE', `/api/v2/config/campaigns/leads/${sim.state.leads[0]!.id}`, { headers: {} }), 401, INVALID_TOKEN);
      expect(sim.state.leads).toHaveLength(1250 + 180 + 64);
    });

    it('answers the bare-string 500 on a server fault', async () => {
      sim.setFaults({ serverErrorStatus: 500 });
      await expectBody(await call(sim, 'GET', STATUS_PATH), 500, '"Internal server error"');
      await expectBody(await call(sim, 'GET', leadsPath(big().id)), 500, '"Internal server error"');
    });
  });

  describe('GET /api/v2/reports/campaigns/leads/status', () => {
    it('repeats the "success" key, with total_leads the sum of every part', async () => {
      const res = await call(sim, 'GET', STATUS_PATH);
      const text = await res.text();
      const { parsed, entries } = parseStatusReport(text);
      expect(Object.keys(parsed)).toEqual(sim.state.campaigns.map((c) => c.id));
      expect(entries.size).toBe(sim.state.campaigns.length);
      let duplicated = 0;
      for (const c of sim.state.campaigns) {
        const leads = campaignLeads(sim.state, c.id);
        const got = entries.get(c.id)!;
        expect(parsed[c.id]).toMatchObject({ name: c.name, status: c.status, total_leads: leads.length });
        expect(sumOf(got)).toBe(leads.length);
        for (const [, n] of got) expect(n).toBeGreaterThan(0);
        const successes = got.filter(([k]) => k === 'success');
        const successCount = leads.filter((l) => l.status === 'success').length;
        expect(sumOf(got, 'success')).toBe(successCount);
        if (successCount >= 2) {
          duplicated++;
          expect(successes).toHaveLength(2);
          expect(successes.map(([, n]) => n)).toEqual(successParts(successCount));
          // Every other status once, with its count.
          for (const status of LEAD_STATUSES.filter((s) => s !== 'success')) {
            const n = leads.filter((l) => l.status === status).length;
            expect(got.filter(([k]) => k === status)).toEqual(n > 0 ? [[status, n]] : []);
          }
        }
      }
      expect(duplicated).toBeGreaterThanOrEqual(3);
      expect(text.match(/"success":/g)!.length).toBe(duplicated * 2);
    });

    it('has the exact text format for a campaign: parts in place and last, an empty object for no leads', async () => {
      const text = await (await call(sim, 'GET', STATUS_PATH)).text();
      const survey = sim.state.campaigns.find((c) => c.name === 'Survey Follow-up')!;
      const pairs = leadsByStatusEntries(campaignLeads(sim.state, survey.id))
        .map(([k, n]) => `"${k}":${n}`)
        .join(',');
      expect(text).toContain(`"${survey.id}":{"name":"Survey Follow-up","status":"stopped","total_leads":64,"leads_by_status":{${pairs}}}`);
      expect(pairs).toMatch(/^"new":\d+,"success":\d+,"failed":\d+,.*,"success":\d+$/);
      const empty = sim.state.campaigns.find((c) => campaignLeads(sim.state, c.id).length === 0)!;
      expect(text).toContain(`"${empty.id}":{"name":"${empty.name}","status":"running","total_leads":0,"leads_by_status":{}}`);
      expect(new Set(Object.values(JSON.parse(text) as Record<string, { status: string }>).map((c) => c.status))).toEqual(new Set(['running', 'paused', 'stopped']));
    });

    it('splits counts into two positive parts, floor(n/3) (at least 1) and the rest', () => {
      expect(successParts(0)).toEqual([0]);
      expect(successParts(1)).toEqual([1]);
      expect(successParts(2)).toEqual([1, 1]);
      expect(successParts(35)).toEqual([11, 24]);
    });
  });

  describe('GET /api/v2/config/campaigns/:campaignId/leads', () => {
    it('pages the 1,250-lead campaign in 13 requests of 100, every lead once in stored order', async () => {
      const campaign = big();
      const { leads, requests, last } = await allLeads(sim, campaign.id);
      expect(requests).toBe(13);
      expect(leads.map((l) => l.id)).toEqual(campaignLeads(sim.state, campaign.id).map((l) => l.id));
      expect(new Set(leads.map((l) => l.id)).size).toBe(1250);
      expect(last.data).toHaveLength(50);
      expect('next_start_key' in last).toBe(false);
      expect(Object.keys(last)).toEqual(['data']);
      for (const l of leads.slice(0, 20)) expect(Object.keys(l)).toEqual(LEAD_KEYS);
      expect(leads[0]).toEqual(campaignLeads(sim.state, campaign.id)[0]);
    });

    it('defaults page_size to 100 and keys a page by its last lead id', async () => {
      const campaign = big();
      const stored = campaignLeads(sim.state, campaign.id);
      const first = await leadsPage(sim, campaign.id);
      expect(Object.keys(first)).toEqual(['data', 'next_start_key']);
      expect(first.data).toHaveLength(100);
      expect(first.next_start_key).toBe(stored[99]!.id);
      const second = await leadsPage(sim, campaign.id, { page_size: 3, next_start_key: first.next_start_key });
      expect(second).toEqual({ data: stored.slice(100, 103), next_start_key: stored[102]!.id });
      // An empty key is the first page.
      expect((await leadsPage(sim, campaign.id, { page_size: 2, next_start_key: '' })).data).toEqual(stored.slice(0, 2));
    });

    it('answers 1000 then 250 at page_size 1000; a full last page has no key; an empty campaign has no data', async () => {
      const { requests, last } = await allLeads(sim, big().id, 1000);
      expect(requests).toBe(2);
      expect(last.data).toHaveLength(250);
      const survey = sim.state.campaigns.find((c) => c.name === 'Survey Follow-up')!;
      expect(Object.keys(await leadsPage(sim, survey.id, { page_size: 64 }))).toEqual(['data']);
      const empty = sim.state.campaigns.find((c) => campaignLeads(sim.state, c.id).length === 0)!;
      expect(await leadsPage(sim, empty.id)).toEqual({ data: [] });
    });

    it.each([
      ['page_size 0', { page_size: '0' }],
      ['page_size 1001', { page_size: '1001' }],
      ['a non-numeric page_size', { page_size: 'ten' }],
      ['a fractional page_size', { page_size: '1.5' }],
      ['a negative page_size', { page_size: '-1' }],
      ['an empty page_size', { page_size: '' }],
      ['an unknown next_start_key', { next_start_key: 'f'.repeat(32) }],
    ])('answers 400 for %s', async (_, params) => {
      await expectBody(await call(sim, 'GET', leadsPath(big().id, params)), 400, INVALID);
    });

    it('answers 400 for a next_start_key of another campaign and for an unknown campaign', async () => {
      const other = sim.state.campaigns.find((c) => c.name === 'Win-back Q4')!;
      const foreign = campaignLeads(sim.state, other.id)[0]!.id;
      await expectBody(await call(sim, 'GET', leadsPath(big().id, { next_start_key: foreign })), 400, INVALID);
      await expectBody(await call(sim, 'GET', leadsPath('0'.repeat(32))), 400, INVALID);
    });
  });

  describe("GET /api/v2/reports/campaigns/leads/history: the document's bare array, paged by index (the default)", () => {
    const window = { startDate: SEED_EPOCH_S - ACTIVITY_SPAN_DAYS * DAY_S, endDate: SEED_EPOCH_S };
    const page = async (params: Record<string, string | number | undefined>) => {
      const res = await call(sim, 'GET', historyPath(params));
      expect(res.status).toBe(200);
      return (await res.json()) as CampaignActivity[];
    };

    it('answers a bare array; startKey is the index of the first record, so pages follow by counting', async () => {
      const records: CampaignActivity[] = [];
      for (let start = 0; ; start += 50) {
        const got = await page({ ...window, pageSize: 50, startKey: start || undefined });
        expect(Array.isArray(got)).toBe(true);
        records.push(...got);
        if (got.length < 50) break;
      }
      expect(records).toEqual(sim.state.activity);
      expect(await page({ ...window, pageSize: 50, startKey: 200 })).toEqual([]);
    });

    it.each([
      ['a uuid', 'd7bf2f39-clicktocall'],
      ['a negative index', '-1'],
      ['a fraction', '1.5'],
    ])('answers 400 for %s as startKey', async (_, startKey) => {
      await expectBody(await call(sim, 'GET', historyPath({ ...window, startKey })), 400, INVALID);
    });
  });

  describe('GET /api/v2/reports/campaigns/leads/history: the {data, next_start_key} envelope (activityAnswer: envelope)', () => {
    const window = { startDate: SEED_EPOCH_S - ACTIVITY_SPAN_DAYS * DAY_S, endDate: SEED_EPOCH_S };
    beforeAll(() => sim.setActivityAnswer('envelope'));
    afterAll(() => sim.setActivityAnswer('array'));

    async function history(params: Record<string, string | number | undefined>) {
      const res = await call(sim, 'GET', historyPath(params));
      expect(res.status).toBe(200);
      return (await res.json()) as HistoryPage;
    }

    async function allHistory(params: Record<string, string | number | undefined>) {
      const records: CampaignActivity[] = [];
      const pages: HistoryPage[] = [];
      let key: string | undefined;
      do {
        const page = await history({ ...params, startKey: key });
        pages.push(page);
        records.push(...page.data);
        key = page.next_start_key;
      } while (key !== undefined);
      return { records, pages };
    }

    it('seeds 200 records over the 30 days before the seed epoch, dialed by queue agents, one unique campaign name each', () => {
      const { activity, queues, agents, campaigns } = sim.state;
      expect(activity).toHaveLength(200);
      const ts = activity.map((r) => r.timestamp);
      expect(Math.min(...ts)).toBeGreaterThanOrEqual(window.startDate);
      expect(Math.min(...ts)).toBeLessThan(SEED_EPOCH_S - 27 * DAY_S);
      expect(Math.max(...ts)).toBeLessThan(SEED_EPOCH_S);
      expect(Math.max(...ts)).toBeGreaterThan(SEED_EPOCH_S - 2 * DAY_S);
      const queueExtensions = new Set(queues.flatMap((q) => q.agentIds).map((id) => agents.find((a) => a.id === id)!.extension));
      for (const r of activity) expect(queueExtensions.has(r.agent_extension)).toBe(true);
      expect(new Set(campaigns.map((c) => c.name)).size).toBe(campaigns.length);
      for (const r of activity) expect(campaigns.filter((c) => c.name === r.campaign_name)).toHaveLength(1);
    });

    it('pages every record once, by timestamp ascending; the last page has no key', async () => {
      const { records, pages } = await allHistory({ ...window, pageSize: 37 });
      expect(pages).toHaveLength(Math.ceil(200 / 37));
      expect(records).toHaveLength(200);
      expect(records).toEqual(sim.state.activity);
      const uuids = records.map((r) => r.lead_history[0]!.uuid);
      expect(new Set(uuids).size).toBe(200);
      for (let i = 1; i < records.length; i++) expect(records[i]!.timestamp).toBeGreaterThanOrEqual(records[i - 1]!.timestamp);
      for (const page of pages.slice(0, -1)) {
        expect(Object.keys(page)).toEqual(['data', 'next_start_key']);
        expect(page.next_start_key).toBe(page.data[page.data.length - 1]!.lead_history[0]!.uuid);
      }
      expect(Object.keys(pages[pages.length - 1]!)).toEqual(['data']);
    });

    it('answers records in the doc shape, 100 per page by default', async () => {
      const page = await history(window);
      expect(page.data).toHaveLength(100);
      expect(page.next_start_key).toEqual(expect.any(String));
      const r = page.data[0]!;
      expect(Object.keys(r)).toEqual(['datetime', 'timestamp', 'campaign_name', 'lead_name', 'lead_number', 'agent_name', 'agent_extension', 'lead_history']);
      expect(r.datetime).toBe(`${new Date(r.timestamp * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`);
      for (const h of r.lead_history) {
        expect(Object.keys(h)).toEqual(['agent', 'event', 'ext', 'last_attempt', 'type', 'uuid']);
        expect(h.uuid).toMatch(/^[0-9a-f]{36}-clicktocall$/);
        expect(h.ext).toBe(r.agent_extension);
      }
      expect('campaign_id' in r).toBe(false);
    });

    it('filters inclusively and reads values above 1e12 as milliseconds (the doc sample mixes both)', async () => {
      const a = sim.state.activity[10]!.timestamp;
      const b = sim.state.activity[60]!.timestamp;
      const expected = sim.state.activity.filter((r) => r.timestamp >= a && r.timestamp <= b);
      const inSeconds = await history({ startDate: a, endDate: b, pageSize: 1000 });
      expect(inSeconds).toEqual({ data: expected });
      expect(await history({ startDate: a * 1000, endDate: b * 1000, pageSize: 1000 })).toEqual(inSeconds);
      expect(await history({ startDate: a, endDate: b * 1000 + 999, pageSize: 1000 })).toEqual(inSeconds);
      expect(await history({ startDate: SEED_EPOCH_S + 10, endDate: SEED_EPOCH_S + 20 })).toEqual({ data: [] });
      expect(await history({ startDate: a, endDate: a, pageSize: 1000 })).toEqual({
        data: sim.state.activity.filter((r) => r.timestamp === a),
      });
    });

    it.each([
      ['no startDate', { endDate: SEED_EPOCH_S }],
      ['no endDate', { startDate: SEED_EPOCH_S - DAY_S }],
      ['the doc typo starDate instead of startDate', { starDate: SEED_EPOCH_S - DAY_S, endDate: SEED_EPOCH_S }],
      ['endDate before startDate', { startDate: SEED_EPOCH_S, endDate: SEED_EPOCH_S - 1 }],
      ['endDate in ms before startDate', { startDate: SEED_EPOCH_S, endDate: (SEED_EPOCH_S - 1) * 1000 }],
      ['a non-numeric startDate', { startDate: '2026-10-01', endDate: SEED_EPOCH_S }],
      ['a fractional endDate', { startDate: SEED_EPOCH_S - DAY_S, endDate: `${SEED_EPOCH_S}.5` }],
      ['pageSize 0', { startDate: SEED_EPOCH_S - DAY_S, endDate: SEED_EPOCH_S, pageSize: 0 }],
      ['pageSize 1001', { startDate: SEED_EPOCH_S - DAY_S, endDate: SEED_EPOCH_S, pageSize: 1001 }],
      ['a non-numeric pageSize', { startDate: SEED_EPOCH_S - DAY_S, endDate: SEED_EPOCH_S, pageSize: 'all' }],
      ['an unknown startKey', { startDate: SEED_EPOCH_S - 40 * DAY_S, endDate: SEED_EPOCH_S, startKey: 'nope' }],
    ])('answers 400 for %s', async (_, params) => {
      await expectBody(await call(sim, 'GET', historyPath(params)), 400, INVALID);
    });

    it('answers 400 for a startKey outside the requested range', async () => {
      const early = sim.state.activity[5]!;
      const late = sim.state.activity[150]!.timestamp;
      await expectBody(await call(sim, 'GET', historyPath({ startDate: late, endDate: SEED_EPOCH_S, startKey: early.lead_history[0]!.uuid })), 400, INVALID);
    });
  });
});

describe('campaign-api campaign endpoints (writes)', () => {
  let sim: CampaignApiSim;
  beforeAll(async () => {
    sim = await startCampaignApiSim({ requestsPerSecond: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const campaign = (name: string) => sim.state.campaigns.find((c) => c.name === name)!;

  describe('PUT /api/v2/config/campaigns/call/:cdrId/disposition/voicemail', () => {
    it('sets voicemail on the CDR named by an activity record uuid', async () => {
      const res = await call(sim, 'GET', historyPath({ startDate: SEED_EPOCH_S - 31 * DAY_S, endDate: SEED_EPOCH_S, pageSize: 1000 }));
      const records = (await res.json()) as CampaignActivity[];
      // Every record's call uuid is a CDR id, shared by all its lead_history entries.
      for (const r of records) {
        const uuids = new Set(r.lead_history.map((h) => h.uuid));
        expect(uuids.size).toBe(1);
        expect(findCdr(sim.state, [...uuids][0]!)).toBeDefined();
      }
      expect(sim.state.cdrs).toHaveLength(records.length);
      const record = records.find((r) => findCdr(sim.state, r.lead_history[0]!.uuid)!.disposition !== 'voicemail')!;
      const uuid = record.lead_history[record.lead_history.length - 1]!.uuid;
      const cdr = findCdr(sim.state, uuid)!;
      expect(cdr).toMatchObject({ started: record.timestamp, lead_number: record.lead_number });

      const path = `/api/v2/config/campaigns/call/${encodeURIComponent(uuid)}/disposition/voicemail`;
      await expectBody(await call(sim, 'PUT', path), 200, '"Call disposition set successfully."');
      expect(findCdr(sim.state, uuid)!.disposition).toBe('voicemail');
      await expectBody(await call(sim, 'PUT', path), 200, '"Call disposition set successfully."');
    });

    it('answers 400 for an unknown CDR, and checks the account', async () => {
      await expectBody(await call(sim, 'PUT', `/api/v2/config/campaigns/call/${'a'.repeat(36)}-clicktocall/disposition/voicemail`), 400, INVALID);
      await expectBody(await call(sim, 'PUT', `/api/v2/config/campaigns/call/${sim.state.leads[0]!.id}/disposition/voicemail`), 400, INVALID);
      const uuid = sim.state.cdrs[0]!.id;
      await expectBody(await call(sim, 'PUT', `/api/v2/config/campaigns/call/${uuid}/disposition/voicemail`, { headers: { 'x-api-key': D.apiKey } }), 400, INVALID);
    });
  });

  describe('add lead (PUT and POST /api/v2/config/campaigns/:campaignId/lead)', () => {
    it.each(['PUT', 'POST'])('%s adds a "new" lead, answered in the leads shape and appended to the list and report', async (method) => {
      const c = campaign('Survey Follow-up');
      const before = campaignLeads(sim.state, c.id).length;
      const reportBefore = await statusReport(sim);
      const now = Math.floor(Date.now() / 1000);
      const res = await call(sim, method, `/api/v2/config/campaigns/${c.id}/lead`, {
        body: {
          number: '+1 415-555-0100',
          retries: 3,
          first_name: 'Ada',
          last_name: `Lovelace ${method}`,
          type: 'manual',
          priority: 7,
          ticket_id: 'T-1',
          note: 'call after 5',
          cool_off: 600,
          unknown_field: true,
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const lead = (await res.json()) as Lead;
      expect(Object.keys(lead)).toEqual(LEAD_KEYS);
      expect(lead).toEqual({
        created: expect.any(Number),
        campaign_id: c.id,
        number: '+14155550100',
        status: 'new',
        retries: 3,
        first_name: 'Ada',
        last_name: `Lovelace ${method}`,
        priority: 7,
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(lead.created).toBeGreaterThanOrEqual(now);
      expect(lead.created).toBeLessThanOrEqual(now + 2);
      expect(sim.state.leadExtras[lead.id]).toEqual({ type: 'manual', ticket_id: 'T-1', note: 'call after 5', cool_off: 600 });

      const { leads } = await allLeads(sim, c.id);
      expect(leads).toHaveLength(before + 1);
      expect(leads[leads.length - 1]).toEqual(lead);

      const after = await statusReport(sim);
      expect(after.parsed[c.id]!.total_leads).toBe(reportBefore.parsed[c.id]!.total_leads + 1);
      expect(sumOf(after.entries.get(c.id)!, 'new')).toBe(sumOf(reportBefore.entries.get(c.id)!, 'new') + 1);
      expect(sumOf(after.entries.get(c.id)!)).toBe(before + 1);
    });

    it('applies defaults for omitted fields and accepts a number without "+"', async () => {
      const c = campaign('Product Launch Preview');
      const res = await call(sim, 'PUT', `/api/v2/config/campaigns/${c.id}/lead`, { body: { number: '4155550123' } });
      expect(res.status).toBe(200);
      const lead = (await res.json()) as Lead;
      expect(lead).toMatchObject({ number: '4155550123', status: 'new', retries: 0, priority: 1, first_name: '', last_name: '' });
      expect(await leadsPage(sim, c.id)).toEqual({ data: [lead] });
      const report = await statusReport(sim);
      expect(report.entries.get(c.id)).toEqual([['new', 1]]);
      expect(report.parsed[c.id]!.total_leads).toBe(1);
    });

    it.each([
      ['no number', { first_name: 'A' }],
      ['a numeric number', { number: 14155550100 }],
      ['a number with letters', { number: '+1415CALLNOW' }],
      ['a number too short', { number: '+123456' }],
      ['a number too long', { number: '+1234567890123456' }],
      ['a "+" inside the number', { number: '1415+5550100' }],
      ['retries -1', { number: '+14155550100', retries: -1 }],
      ['retries 101', { number: '+14155550100', retries: 101 }],
      ['fractional retries', { number: '+14155550100', retries: 1.5 }],
      ['retries as a string', { number: '+14155550100', retries: '3' }],
      ['priority 0', { number: '+14155550100', priority: 0 }],
      ['priority 11', { number: '+14155550100', priority: 11 }],
      ['cool_off -1', { number: '+14155550100', cool_off: -1 }],
      ['fractional cool_off', { number: '+14155550100', cool_off: 0.5 }],
      ['a numeric first_name', { number: '+14155550100', first_name: 5 }],
      ['a null note', { number: '+14155550100', note: null }],
      ['an object ticket_id', { number: '+14155550100', ticket_id: { id: 1 } }],
      ['a boolean type', { number: '+14155550100', type: true }],
      ['a JSON array', [{ number: '+14155550100' }]],
      ['a body that is not JSON', 'number=+14155550100'],
    ])('answers 400 for %s, adding nothing', async (_, body) => {
      const c = campaign('Win-back Q4');
      const count = sim.state.leads.length;
      await expectBody(await call(sim, 'PUT', `/api/v2/config/campaigns/${c.id}/lead`, { body }), 400, INVALID);
      await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/${c.id}/lead`, { body }), 400, INVALID);
      expect(sim.state.leads).toHaveLength(count);
    });

    it('answers 400 for an empty body and for an unknown campaign', async () => {
      const c = campaign('Win-back Q4');
      const count = sim.state.leads.length;
      await expectBody(await fetch(`${sim.url}/api/v2/config/campaigns/${c.id}/lead`, { method: 'POST', headers: API_KEY }), 400, INVALID);
      await expectBody(await call(sim, 'PUT', `/api/v2/config/campaigns/${'0'.repeat(32)}/lead`, { body: { number: '+14155550100' } }), 400, INVALID);
      expect(sim.state.leads).toHaveLength(count);
    });
  });

  describe('POST /api/v2/config/campaigns/leads/:leadId/status/:status', () => {
    it('sets the status, seen by the list and the report', async () => {
      const c = campaign('Win-back Q4');
      const lead = campaignLeads(sim.state, c.id).find((l) => l.status === 'new')!;
      const before = await statusReport(sim);
      await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/leads/${lead.id}/status/dnc`), 200, '"Lead status set successfully."');
      const { leads } = await allLeads(sim, c.id);
      expect(leads.find((l) => l.id === lead.id)!.status).toBe('dnc');
      const after = await statusReport(sim);
      const [b, a] = [before.entries.get(c.id)!, after.entries.get(c.id)!];
      expect(sumOf(a, 'new')).toBe(sumOf(b, 'new') - 1);
      expect(sumOf(a, 'dnc')).toBe(sumOf(b, 'dnc') + 1);
      expect(after.parsed[c.id]!.total_leads).toBe(before.parsed[c.id]!.total_leads);
    });

    it('accepts every seeded lead status', async () => {
      const lead = campaignLeads(sim.state, campaign('Win-back Q4').id)[1]!;
      for (const status of LEAD_STATUSES) {
        await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/leads/${lead.id}/status/${status}`), 200, '"Lead status set successfully."');
        expect(lead.status).toBe(status);
      }
    });

    it('answers 400 for an unknown status or lead', async () => {
      const lead = campaignLeads(sim.state, campaign('Win-back Q4').id)[2]!;
      const status = lead.status;
      for (const bad of ['won', 'SUCCESS', 'no-answer']) {
        await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/leads/${lead.id}/status/${bad}`), 400, INVALID);
      }
      expect(lead.status).toBe(status);
      await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/leads/${'0'.repeat(32)}/status/success`), 400, INVALID);
    });
  });

  describe('DELETE /api/v2/config/campaigns/leads/:leadId', () => {
    it('deletes the lead from the list and the report; the id is then unknown everywhere', async () => {
      const c = campaign('Spring Renewals');
      const stored = campaignLeads(sim.state, c.id);
      const victim = stored[149]!;
      const before = await statusReport(sim);
      await expectBody(await call(sim, 'DELETE', `/api/v2/config/campaigns/leads/${victim.id}`), 200, '"Lead deleted successfully."');

      const { leads, requests } = await allLeads(sim, c.id);
      expect(requests).toBe(13);
      expect(leads).toHaveLength(1249);
      expect(leads.some((l) => l.id === victim.id)).toBe(false);
      const after = await statusReport(sim);
      expect(after.parsed[c.id]!.total_leads).toBe(before.parsed[c.id]!.total_leads - 1);
      expect(sumOf(after.entries.get(c.id)!, victim.status)).toBe(sumOf(before.entries.get(c.id)!, victim.status) - 1);

      await expectBody(await call(sim, 'DELETE', `/api/v2/config/campaigns/leads/${victim.id}`), 400, INVALID);
      await expectBody(await call(sim, 'POST', `/api/v2/config/campaigns/leads/${victim.id}/status/new`), 400, INVALID);
      await expectBody(await call(sim, 'GET', leadsPath(c.id, { next_start_key: victim.id })), 400, INVALID);
    });

    it('answers 400 for an unknown lead', async () => {
      const count = sim.state.leads.length;
      await expectBody(await call(sim, 'DELETE', `/api/v2/config/campaigns/leads/${'0'.repeat(32)}`), 400, INVALID);
      expect(sim.state.leads).toHaveLength(count);
    });
  });
});

describe('campaign-api campaign endpoints at the default 1 request/second', () => {
  let sim: CampaignApiSim;
  beforeAll(async () => {
    sim = await startCampaignApiSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('rate-limits the new routes per account with the bare-string 429', async () => {
    expect((await call(sim, 'GET', STATUS_PATH)).status).toBe(200);
    const res = await call(sim, 'GET', leadsPath(sim.state.campaigns[0]!.id));
    expect(res.headers.get('retry-after')).toBe('1');
    await expectBody(res, 429, '"Too many requests"');
  });
});
