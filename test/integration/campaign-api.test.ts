/**
 * Issue 4, the port-9443 campaign API over real HTTP: campaigns with duplicate status keys summed, leads
 * over next_start_key, the token lifecycle mid-run, queues with their agents, activity, lead mutations and
 * the voicemail disposition, each asserted from the simulator's request log.
 */
import { CAMPAIGN_API_SIM_DEFAULTS } from '../../sim';
import { encodeGlobalId, leadNativeKey } from '../../src/graphql/ids';
import { requestLines, startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const KEY_K = 'test-key-tenant-k-0004';
const campaignGid = (id: string, conn = 'dialer-a') => encodeGlobalId('Campaign', conn, id);

/** The simulator's log as 'METHOD /path STATUS'. */
const log = (stack: Stack) => stack.sims.campaignApi.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

describe('campaign API: campaigns and leads', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No list cache: each test's reads reach the simulator, so its log shows them.
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.campaignApi.clearRequests());

  const big = () => {
    const state = stack.sims.campaignApi.state;
    const counts = new Map<string, number>();
    for (const l of state.leads) counts.set(l.campaign_id, (counts.get(l.campaign_id) ?? 0) + 1);
    const [id] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    return state.campaigns.find((c) => c.id === id)!;
  };

  it('lists campaign-API campaigns with normalised status, summing a status printed twice in leads_by_status', async () => {
    const res = await stack.gql(`{ campaigns(first: 100, filter: { connectionIds: ["dialer-a"] }) { totalCount edges { node { nativeId name status rawStatus
        leadStats { total byStatus { status rawStatus count } } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const { campaigns, leads } = stack.sims.campaignApi.state;
    const nodes = res.body.data!['campaigns'].edges.map((e: { node: any }) => e.node);
    expect(nodes.map((n: any) => n.nativeId).sort()).toEqual(campaigns.map((c) => c.id).sort());
    for (const c of campaigns) {
      const node = nodes.find((n: any) => n.nativeId === c.id);
      const mine = leads.filter((l) => l.campaign_id === c.id);
      expect(node).toMatchObject({ name: c.name, rawStatus: c.status, status: { running: 'ACTIVE', paused: 'PAUSED', stopped: 'STOPPED' }[c.status] });
      expect(node.leadStats.total).toBe(mine.length);
      // Every status counted once, duplicates summed: the per-status counts match the real leads.
      const expected = new Map<string, number>();
      for (const l of mine) expected.set(l.status, (expected.get(l.status) ?? 0) + 1);
      expect(Object.fromEntries(node.leadStats.byStatus.map((s: any) => [s.rawStatus, s.count]))).toEqual(Object.fromEntries(expected));
    }
    // The report really did print "success" twice for a campaign with successes (the doc's format).
    const raw = await fetch(`${stack.sims.campaignApi.url}/api/v2/reports/campaigns/leads/status`, {
      headers: { 'x-api-key': CAMPAIGN_API_SIM_DEFAULTS.apiKey, 'x-account-id': CAMPAIGN_API_SIM_DEFAULTS.accountId },
    });
    expect((await raw.text()).match(/"success":/g)!.length).toBeGreaterThanOrEqual(
      2 * campaigns.filter((c) => leads.filter((l) => l.campaign_id === c.id && l.status === 'success').length >= 2).length,
    );
  });

  it('pages a campaign of more than 1,000 leads with first: 100: every lead once, one vendor request per page', async () => {
    const campaign = big();
    const expected = stack.sims.campaignApi.state.leads.filter((l) => l.campaign_id === campaign.id).map((l) => l.id);
    expect(expected.length).toBeGreaterThan(1000);
    stack.sims.campaignApi.clearRequests();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
        `query($id: ID!, $after: String) { campaign(id: $id) { leads(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { nativeId } } } } }`,
        { variables: { id: campaignGid(campaign.id), after } },
      );
      expect(res.body.errors).toBeUndefined();
      pages++;
      const leads = res.body.data!['campaign'].leads;
      seen.push(...leads.edges.map((e: { node: { nativeId: string } }) => e.node.nativeId));
      if (!leads.pageInfo.hasNextPage) break;
      after = leads.pageInfo.endCursor;
      expect(pages).toBeLessThan(30);
    }
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    const leadReads = stack.sims.campaignApi.requests.filter((r) => r.path.endsWith('/leads'));
    expect(leadReads).toHaveLength(pages);
    expect(leadReads[0]!.query).toEqual({ page_size: ['100'] });
    expect(leadReads[1]!.query).toEqual({ page_size: ['100'], next_start_key: [expected[99]!] });
  });

  it('100 leads with campaign { name } cost one campaigns-report request in total', async () => {
    const campaign = big();
    stack.sims.campaignApi.clearRequests();
    const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { leads(first: 100) { edges { node { nativeId campaign { name } } } } } }`, {
      variables: { id: campaignGid(campaign.id) },
    });
    expect(res.body.errors).toBeUndefined();
    const edges = res.body.data!['campaign'].leads.edges;
    expect(edges).toHaveLength(100);
    for (const e of edges) expect(e.node.campaign).toEqual({ name: campaign.name });
    // The leads, then one report read for every lead's campaign (the campaign itself is not read first: issue 16, item 6).
    expect(log(stack)).toEqual([`GET /api/v2/config/campaigns/${campaign.id}/leads 200`, 'GET /api/v2/reports/campaigns/leads/status 200']);
  });

  // Issue 16, item 6: one campaign addressed by its id needs no status-report read for its leads.
  it("reads one campaign's leads in one request: the campaign's id answers for it, the report is not read", async () => {
    const campaign = big();
    const expected = stack.sims.campaignApi.state.leads.filter((l) => l.campaign_id === campaign.id).slice(0, 5);
    stack.sims.campaignApi.clearRequests();
    const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { id nativeId vendor leads(first: 5) { edges { node { nativeId } } } } }`, { variables: { id: campaignGid(campaign.id) } });
    expect(res.body).toEqual({
      data: { campaign: { id: campaignGid(campaign.id), nativeId: campaign.id, vendor: 'CAMPAIGN_API', leads: { edges: expected.map((l) => ({ node: { nativeId: l.id } })) } } },
    });
    expect(requestLines(stack.sims.campaignApi)).toEqual([`GET /api/v2/config/campaigns/${campaign.id}/leads`]);
    // Asking for the campaign's name (or the leads' total, which only the report has) reads the report too.
    stack.sims.campaignApi.clearRequests();
    const named = await stack.gql(`query($id: ID!) { campaign(id: $id) { name leads(first: 5) { edges { node { nativeId } } } } }`, { variables: { id: campaignGid(campaign.id) } });
    expect(named.body.data!['campaign'].name).toBe(campaign.name);
    expect(requestLines(stack.sims.campaignApi).sort()).toEqual([`GET /api/v2/config/campaigns/${campaign.id}/leads`, 'GET /api/v2/reports/campaigns/leads/status'].sort());
  });

  it("answers an unknown campaign asked only for its leads with the leads read as the error, and another tenant's as NOT_FOUND", async () => {
    const unknown = campaignGid('ffffffffffffffffffffffffffffffff');
    const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { leads(first: 5) { edges { node { nativeId } } } } }`, { variables: { id: unknown } });
    expect(res.body.data).toEqual({ campaign: { leads: null } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: 'The information sent is invalid.', path: ['campaign', 'leads'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
    const elsewhere = encodeGlobalId('Campaign', 'dialer-k', 'ffffffffffffffffffffffffffffffff');
    const other = await stack.gql(`query($id: ID!) { campaign(id: $id) { leads(first: 5) { edges { node { nativeId } } } } }`, { variables: { id: elsewhere } });
    expect(other.body).toMatchObject({ data: { campaign: null }, errors: [{ message: `could not resolve to a node with id "${elsewhere}"`, extensions: { code: 'NOT_FOUND' } }] });
  });

  it('reads a lead page with its fields and the total from the report', async () => {
    const campaign = big();
    const first = stack.sims.campaignApi.state.leads.find((l) => l.campaign_id === campaign.id)!;
    const res = await stack.gql(
      `query($id: ID!) { campaign(id: $id) { leads(first: 1) { totalCount edges { node { id nativeId name firstName lastName phoneNumber status rawStatus retries priority createdAt } } } } }`,
      {
        variables: { id: campaignGid(campaign.id) },
      },
    );
    expect(res.body.data!['campaign'].leads).toEqual({
      totalCount: stack.sims.campaignApi.state.leads.filter((l) => l.campaign_id === campaign.id).length,
      edges: [
        {
          node: {
            id: encodeGlobalId('Lead', 'dialer-a', leadNativeKey(campaign.id, first.id)),
            nativeId: first.id,
            name: `${first.first_name} ${first.last_name}`,
            firstName: first.first_name,
            lastName: first.last_name,
            phoneNumber: first.number,
            status: { new: 'NEW', success: 'COMPLETED', failed: 'FAILED', in_progress: 'DIALING', no_answer: 'NO_ANSWER', busy: 'BUSY', voicemail: 'VOICEMAIL', dnc: 'DO_NOT_CALL' }[first.status],
            rawStatus: first.status,
            retries: first.retries,
            priority: first.priority,
            createdAt: new Date(first.created * 1000).toISOString(),
          },
        },
      ],
    });
  });

  it('filters leads by status page by page (the API cannot), in one read per page', async () => {
    const campaign = big();
    stack.sims.campaignApi.clearRequests();
    const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { leads(first: 100, filter: { statuses: [BUSY] }) { edges { node { nativeId rawStatus } } } } }`, {
      variables: { id: campaignGid(campaign.id) },
    });
    const expected = stack.sims.campaignApi.state.leads
      .filter((l) => l.campaign_id === campaign.id)
      .slice(0, 100)
      .filter((l) => l.status === 'busy');
    expect(res.body.data!['campaign'].leads.edges.map((e: any) => e.node.nativeId)).toEqual(expected.map((l) => l.id));
    expect(stack.sims.campaignApi.requests.filter((r) => r.path.endsWith('/leads'))).toHaveLength(1);
  });
});

describe('campaign API: token lifecycle', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());

  it('an expired token mid-run: exactly one new login, no failed query', async () => {
    const campaign = stack.sims.campaignApi.state.campaigns[0]!;
    let after: string | null = null;
    let failures = 0;
    for (let page = 0; page < 6; page++) {
      if (page === 3) stack.sims.campaignApi.expireAllTokens();
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
        `query($id: ID!, $after: String) { campaign(id: $id) { leads(first: 100, after: $after) { pageInfo { endCursor } edges { node { nativeId } } } } }`,
        { variables: { id: campaignGid(campaign.id), after } },
      );
      if (res.body.errors) failures++;
      after = res.body.data?.['campaign']?.leads.pageInfo.endCursor ?? after;
    }
    expect(failures).toBe(0);
    expect(stack.sims.campaignApi.loginCount).toBe(2);
    const lines = log(stack);
    expect(lines.filter((l) => l.startsWith('POST /api/v2/login'))).toEqual(['POST /api/v2/login 200', 'POST /api/v2/login 200']);
    expect(lines.filter((l) => l.endsWith(' 401'))).toHaveLength(1);
  });
});

describe('campaign API: token renewed before it expires', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: { ...FAST, campaignApi: { requestsPerSecond: 0, tokenTtlSeconds: 3 } },
      connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 },
    });
  });
  afterAll(() => stack.close());

  it('logs in again when the token is within tokenRefreshSkewMs of its exp, without a 401', async () => {
    // Default skew is 60 s: a 3 s token is always "about to expire", so each request renews it first.
    const q = `{ agents(filter: { connectionIds: ["dialer-a"] }) { totalCount } }`;
    expect((await stack.gql(q)).body.errors).toBeUndefined();
    expect((await stack.gql(q)).body.errors).toBeUndefined();
    const lines = log(stack);
    expect(lines).toEqual(['POST /api/v2/login 200', 'GET /callcenter/queues/status 200', 'POST /api/v2/login 200', 'GET /callcenter/queues/status 200']);
  });
});

describe('campaign API: X-API-Key and the add-lead method', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST,
      connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 },
      moreTenants: (sims) => [
        {
          id: 'tenant-k',
          apiKeys: [KEY_K],
          connections: [
            {
              id: 'dialer-k',
              vendor: 'campaign-api',
              baseUrl: sims.campaignApi.url,
              accountId: CAMPAIGN_API_SIM_DEFAULTS.accountId,
              credentials: { apiKey: CAMPAIGN_API_SIM_DEFAULTS.apiKey },
              leadCreateMethod: 'POST',
              rateLimit: { requestsPerSecond: 200 },
            },
          ],
        },
      ],
    });
  });
  afterAll(() => stack.close());

  it('sends X-API-Key and X-Account-ID instead of logging in', async () => {
    stack.sims.campaignApi.clearRequests();
    const res = await stack.gql(`{ agents { totalCount } }`, { apiKey: KEY_K });
    expect(res.body.errors).toBeUndefined();
    expect(requestLines(stack.sims.campaignApi)).toEqual(['GET /callcenter/queues/status']);
    const sent = stack.sims.campaignApi.requests[0]!;
    expect(sent.headers['x-api-key']).toBe(CAMPAIGN_API_SIM_DEFAULTS.apiKey);
    expect(sent.headers['x-account-id']).toBe(CAMPAIGN_API_SIM_DEFAULTS.accountId);
    expect(sent.headers['authorization']).toBeUndefined();
    expect(stack.sims.campaignApi.loginCount).toBe(0);
  });

  it('adds a lead with POST when the connection says so', async () => {
    stack.sims.campaignApi.clearRequests();
    const campaign = stack.sims.campaignApi.state.campaigns[1]!;
    const res = await stack.gql(`mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550199", firstName: "Pat" }) { lead { nativeId } userErrors { message } } }`, {
      apiKey: KEY_K,
      variables: { c: campaignGid(campaign.id, 'dialer-k') },
    });
    expect(res.body.data!['leadCreate'].userErrors).toEqual([]);
    expect(requestLines(stack.sims.campaignApi)).toEqual([`POST /api/v2/config/campaigns/${campaign.id}/lead`]);
  });
});

describe('campaign API: queues, activity and mutations', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.campaignApi.clearRequests());

  it('lists queues with their agents, the same objects (and IDs) agents returns, in one vendor read', async () => {
    const res =
      await stack.gql(`{ queues(filter: { connectionIds: ["dialer-a"] }) { nativeId name extension strategy maxWait agentCount loggedInAgentCount idleAgentCount onCallAgentCount loggedOutAgentCount
        waitTimes { voice } operationStatus(channel: VOICE) { afterHours } agents { id name status } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(log(stack).filter((l) => !l.startsWith('POST /api/v2/login'))).toEqual(['GET /callcenter/queues/status 200']);
    const { queues, agents } = stack.sims.campaignApi.state;
    const got = res.body.data!['queues'];
    expect(got.map((q: any) => q.nativeId)).toEqual(queues.map((q) => q.id));
    const q0 = queues[0]!;
    expect(got[0]).toMatchObject({
      name: q0.name,
      extension: q0.extension,
      strategy: q0.strategy,
      maxWait: q0.max_time_caller_in_queue,
      agentCount: q0.agentIds.length,
      waitTimes: null,
      operationStatus: null,
    });
    expect(got[0].agents.map((a: any) => a.name)).toEqual(q0.agentIds.map((id) => agents.find((a) => a.id === id)!.name));
    const all = await stack.gql(`{ agents(first: 100, filter: { connectionIds: ["dialer-a"] }) { edges { node { id name } } } }`);
    const ids = new Set(all.body.data!['agents'].edges.map((e: any) => e.node.id));
    for (const q of got) for (const a of q.agents) expect(ids.has(a.id)).toBe(true);
  });

  // Issue 16, item 3: the document answers a bare array, whose full page may have more behind it; report clients
  // see a {data, next_start_key} envelope (notes §2). Both are read; 200 records in pages of 50.
  it.each([
    ['the bare array (the document)', 'array' as const, ['', '50', '100', '150', '200']],
    ['the envelope', 'envelope' as const, null],
  ])('pages campaign activity answered as %s over startDate/endDate/pageSize/startKey, resolving campaign and agent', async (_, shape, startKeys) => {
    stack.sims.campaignApi.setActivityAnswer(shape);
    const records = stack.sims.campaignApi.state.activity;
    expect(records).toHaveLength(200);
    const from = new Date((records[0]!.timestamp - 1) * 1000);
    const to = new Date((records.at(-1)!.timestamp + 1) * 1000);
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    try {
      for (let i = 0; i < 20; i++) {
        const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
          `query($from: DateTime!, $to: DateTime!, $after: String) { campaignActivity(filter: { from: $from, to: $to }, first: 50, after: $after) {
             pageInfo { hasNextPage endCursor } edges { node { time campaignName campaign { name } leadNumber agentExtension agent { extension } eventType type callNativeId callId } } } }`,
          { variables: { from: from.toISOString(), to: to.toISOString(), after } },
        );
        expect(res.body.errors).toBeUndefined();
        const page = res.body.data!['campaignActivity'];
        for (const e of page.edges) {
          seen.push(e.node.callNativeId);
          expect(e.node.campaign).toEqual({ name: e.node.campaignName });
          expect(e.node.agent).toEqual({ extension: e.node.agentExtension });
        }
        hasNext.push(page.pageInfo.hasNextPage);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    } finally {
      stack.sims.campaignApi.setActivityAnswer('array');
    }
    expect(seen).toEqual(records.map((r) => r.lead_history[0]!.uuid));
    // A full page of the bare array says "there may be more": the fifth read finds none.
    expect(hasNext).toEqual(shape === 'array' ? [true, true, true, true, false] : [true, true, true, false]);
    const reads = stack.sims.campaignApi.requests.filter((r) => r.path === '/api/v2/reports/campaigns/leads/history');
    expect(reads).toHaveLength(shape === 'array' ? 5 : 4);
    expect(reads[0]!.query).toEqual({ startDate: [String(Math.floor(from.getTime() / 1000))], endDate: [String(Math.floor(to.getTime() / 1000))], pageSize: ['50'] });
    if (startKeys) expect(reads.map((r) => r.query['startKey']?.[0] ?? '')).toEqual(startKeys);
  });

  it('filters activity by campaign', async () => {
    const records = stack.sims.campaignApi.state.activity;
    const campaign = stack.sims.campaignApi.state.campaigns.find((c) => records.some((r) => r.campaign_name === c.name))!;
    const res = await stack.gql(
      `query($c: ID!, $from: DateTime!, $to: DateTime!) { campaignActivity(filter: { campaignIds: [$c], from: $from, to: $to }, first: 100) { edges { node { campaignName } } } }`,
      {
        variables: { c: campaignGid(campaign.id), from: new Date((records[0]!.timestamp - 1) * 1000).toISOString(), to: new Date((records.at(-1)!.timestamp + 1) * 1000).toISOString() },
      },
    );
    expect(res.body.errors).toBeUndefined();
    const names = res.body.data!['campaignActivity'].edges.map((e: any) => e.node.campaignName);
    expect(names.length).toBe(records.slice(0, 100).filter((r) => r.campaign_name === campaign.name).length);
    for (const n of names) expect(n).toBe(campaign.name);
  });

  it('refuses an activity window that ends before it starts', async () => {
    const res = await stack.gql(`{ campaignActivity(filter: { from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { edges { cursor } } }`);
    expect(res.body.errors![0]).toMatchObject({ message: 'expected `to` to be at or after `from`', extensions: { code: 'BAD_USER_INPUT' } });
    expect(stack.sims.campaignApi.requests).toEqual([]);
  });

  it('sets the voicemail disposition on a call found through the activity, and refuses other dispositions', async () => {
    const record = stack.sims.campaignApi.state.activity[0]!;
    const callId = encodeGlobalId('Call', 'dialer-a', record.lead_history[0]!.uuid);
    const res = await stack.gql(`mutation($id: ID!) { callDispositionSet(input: { callId: $id, disposition: VOICEMAIL }) { callId disposition userErrors { message } } }`, {
      variables: { id: callId },
    });
    expect(res.body.data!['callDispositionSet']).toEqual({ callId, disposition: 'VOICEMAIL', userErrors: [] });
    expect(requestLines(stack.sims.campaignApi).filter((l) => !l.includes('/login'))).toEqual([
      `PUT /api/v2/config/campaigns/call/${encodeURIComponent(record.lead_history[0]!.uuid)}/disposition/voicemail`,
    ]);
    stack.sims.campaignApi.clearRequests();
    const busy = await stack.gql(`mutation($id: ID!) { callDispositionSet(input: { callId: $id, disposition: BUSY }) { callId } }`, { variables: { id: callId } });
    expect(busy.body.errors![0]).toMatchObject({
      message: 'campaign-api cannot set the BUSY disposition (it sets VOICEMAIL)',
      extensions: { code: 'UNSUPPORTED_BY_VENDOR', vendor: 'campaign-api', connectionId: 'dialer-a' },
    });
    const apps = await stack.gql(`mutation($id: ID!) { callDispositionSet(input: { callId: $id, disposition: VOICEMAIL }) { callId } }`, {
      variables: { id: encodeGlobalId('Call', 'apps-a', '1') },
    });
    expect(apps.body.errors![0]).toMatchObject({
      message: "connection 'apps-a' (apps-api) cannot do CALL_DISPOSITION",
      extensions: { code: 'UNSUPPORTED_BY_VENDOR', vendor: 'apps-api', connectionId: 'apps-a' },
    });
    expect(stack.sims.campaignApi.requests).toEqual([]);
  });

  it('answers an unknown CDR (a documented 400) as a user error', async () => {
    const res = await stack.gql(`mutation($id: ID!) { callDispositionSet(input: { callId: $id, disposition: VOICEMAIL }) { callId userErrors { field message code } } }`, {
      variables: { id: encodeGlobalId('Call', 'dialer-a', 'no-such-call') },
    });
    expect(res.body.data!['callDispositionSet']).toEqual({ callId: null, userErrors: [{ field: null, message: 'The information sent is invalid.', code: 'BAD_USER_INPUT' }] });
  });

  it('leadCreate sends the documented body with PUT and returns the lead', async () => {
    const campaign = stack.sims.campaignApi.state.campaigns[0]!;
    const res = await stack.gql(
      `mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550123", firstName: "Ada", lastName: "Lovelace", retries: 3, type: "callback", priority: 5, ticketId: "T-1", note: "hi", coolOff: 600 }) {
         lead { nativeId status rawStatus firstName campaign { nativeId } } userErrors { message } } }`,
      { variables: { c: campaignGid(campaign.id) } },
    );
    expect(res.body.errors).toBeUndefined();
    const sent = stack.sims.campaignApi.requests.filter((r) => r.path.endsWith('/lead'));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/v2/config/campaigns/${campaign.id}/lead`]);
    expect(JSON.parse(sent[0]!.body)).toEqual({
      number: '+14155550123',
      retries: 3,
      first_name: 'Ada',
      last_name: 'Lovelace',
      type: 'callback',
      priority: 5,
      ticket_id: 'T-1',
      note: 'hi',
      cool_off: 600,
    });
    expect(sent[0]!.headers['authorization']).toMatch(/^Bearer /);
    expect(sent[0]!.headers['x-account-id']).toBe(CAMPAIGN_API_SIM_DEFAULTS.accountId);
    expect(res.body.data!['leadCreate']).toMatchObject({ lead: { status: 'NEW', rawStatus: 'new', firstName: 'Ada', campaign: { nativeId: campaign.id } }, userErrors: [] });
  });

  it('leadCreate refuses fields this vendor does not take, and out-of-range numbers, before sending', async () => {
    const campaign = stack.sims.campaignApi.state.campaigns[0]!;
    const res = await stack.gql(
      `mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550123", email: "a@b.c", externalId: "x" }) { lead { nativeId } userErrors { field message code } } }`,
      {
        variables: { c: campaignGid(campaign.id) },
      },
    );
    const takes = 'phoneNumber, firstName, lastName, retries, type, priority, ticketId, note, coolOff';
    expect(res.body.data!['leadCreate']).toEqual({
      lead: null,
      userErrors: [
        { field: ['input', 'email'], message: `email is not taken by campaign-api leads (it takes ${takes})`, code: 'BAD_USER_INPUT' },
        { field: ['input', 'externalId'], message: `externalId is not taken by campaign-api leads (it takes ${takes})`, code: 'BAD_USER_INPUT' },
      ],
    });
    const range = await stack.gql(`mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550123", priority: 11, retries: -1 }) { userErrors { field message } } }`, {
      variables: { c: campaignGid(campaign.id) },
    });
    expect(range.body.data!['leadCreate'].userErrors).toEqual([
      { field: ['input', 'retries'], message: 'retries must be between 0 and 100' },
      { field: ['input', 'priority'], message: 'priority must be between 1 and 10' },
    ]);
    expect(stack.sims.campaignApi.requests.filter((r) => r.path.endsWith('/lead'))).toEqual([]);
  });

  it('leadCreate carries the documented 400 (here: an unknown campaign) as a user error', async () => {
    const res = await stack.gql(`mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550123" }) { lead { nativeId } userErrors { field message code } } }`, {
      variables: { c: campaignGid('ffffffffffffffffffffffffffffffff') },
    });
    expect(res.body.data!['leadCreate']).toEqual({ lead: null, userErrors: [{ field: null, message: 'The information sent is invalid.', code: 'BAD_USER_INPUT' }] });
    expect(requestLines(stack.sims.campaignApi).filter((l) => l.endsWith('/lead'))).toEqual(['PUT /api/v2/config/campaigns/ffffffffffffffffffffffffffffffff/lead']);
  });

  it('leadCreate answered 200 with a body the gateway cannot read is an upstream error that says the lead may exist (issue 16, item 4)', async () => {
    const campaign = stack.sims.campaignApi.state.campaigns[0]!;
    const before = stack.sims.campaignApi.state.leads.length;
    stack.sims.campaignApi.setFaults({ malformedBody: true });
    try {
      const res = await stack.gql(`mutation($c: ID!) { leadCreate(input: { campaignId: $c, phoneNumber: "+14155550124" }) { lead { nativeId } userErrors { message } } }`, {
        variables: { c: campaignGid(campaign.id) },
      });
      expect(res.body.data!['leadCreate']).toBeNull();
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          message: "campaign-api answered the new lead with HTTP 200 and a body the gateway cannot read: the lead may have been added. Look for it in the campaign's leads before adding it again.",
          path: ['leadCreate'],
          extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR', vendor: 'campaign-api', connectionId: 'dialer-a', retryable: false, upstreamStatus: 200 }),
        }),
      ]);
    } finally {
      stack.sims.campaignApi.resetFaults();
    }
    // It was added: the vendor took the request, which is why the error says so.
    expect(stack.sims.campaignApi.state.leads.length).toBe(before + 1);
    expect(requestLines(stack.sims.campaignApi).filter((l) => l.endsWith('/lead'))).toEqual([`PUT /api/v2/config/campaigns/${campaign.id}/lead`]);
  });

  it('leadStatusUpdate returns the lead itself when it is selected, read back after the status change (and only then)', async () => {
    const lead = stack.sims.campaignApi.state.leads.find((l) => l.status === 'new')!;
    const leadId = encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, lead.id));
    stack.sims.campaignApi.clearRequests();
    const res = await stack.gql(`mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: BUSY }) { leadId lead { id status } userErrors { message } } }`, {
      variables: { l: leadId },
    });
    expect(res.body).toEqual({ data: { leadStatusUpdate: { leadId, lead: { id: leadId, status: 'BUSY' }, userErrors: [] } } });
    const lines = requestLines(stack.sims.campaignApi).filter((l) => !l.includes('/login'));
    // The change, then the read-back (the campaign's lead list: the document has no read of one lead).
    expect(lines).toEqual([`POST /api/v2/config/campaigns/leads/${lead.id}/status/busy`, `GET /api/v2/config/campaigns/${lead.campaign_id}/leads`]);
  });

  it('leadStatusUpdate posts the vendor status, refuses one the vendor has no value for, and maps its 400', async () => {
    const lead = stack.sims.campaignApi.state.leads.find((l) => l.status === 'new')!;
    const leadId = encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, lead.id));
    const res = await stack.gql(`mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: NO_ANSWER }) { leadId status userErrors { message } } }`, { variables: { l: leadId } });
    expect(res.body.data!['leadStatusUpdate']).toEqual({ leadId, status: 'NO_ANSWER', userErrors: [] });
    expect(requestLines(stack.sims.campaignApi).filter((l) => !l.includes('/login'))).toEqual([`POST /api/v2/config/campaigns/leads/${lead.id}/status/no_answer`]);
    expect(stack.sims.campaignApi.state.leads.find((l) => l.id === lead.id)!.status).toBe('no_answer');

    const skipped = await stack.gql(`mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: SKIPPED }) { leadId userErrors { field message code } } }`, { variables: { l: leadId } });
    expect(skipped.body.data!['leadStatusUpdate']).toEqual({
      leadId: null,
      userErrors: [
        { field: ['input', 'status'], message: 'campaign-api cannot set a lead to SKIPPED; it takes NEW, DIALING, COMPLETED, FAILED, NO_ANSWER, BUSY, VOICEMAIL, DO_NOT_CALL', code: 'BAD_USER_INPUT' },
      ],
    });

    const unknown = encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, 'ffffffffffffffffffffffffffffffff'));
    const bad = await stack.gql(`mutation($l: ID!) { leadStatusUpdate(input: { leadId: $l, status: NEW }) { leadId userErrors { field message code } } }`, { variables: { l: unknown } });
    expect(bad.body.data!['leadStatusUpdate']).toEqual({ leadId: null, userErrors: [{ field: ['input', 'status'], message: 'The information sent is invalid.', code: 'BAD_USER_INPUT' }] });
  });

  it('leadDelete sends DELETE and the lead is gone from later pages', async () => {
    const lead = stack.sims.campaignApi.state.leads.find((l) => l.status === 'failed')!;
    const leadId = encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, lead.id));
    const res = await stack.gql(`mutation($l: ID!) { leadDelete(input: { leadId: $l }) { deletedLeadId userErrors { message } } }`, { variables: { l: leadId } });
    expect(res.body.data!['leadDelete']).toEqual({ deletedLeadId: leadId, userErrors: [] });
    expect(requestLines(stack.sims.campaignApi).filter((l) => !l.includes('/login'))).toEqual([`DELETE /api/v2/config/campaigns/leads/${lead.id}`]);
    expect(stack.sims.campaignApi.state.leads.some((l) => l.id === lead.id)).toBe(false);
  });

  it('maps a vendor 500 on a read to a top-level UPSTREAM_ERROR with the vendor facts', async () => {
    stack.sims.campaignApi.setFaults({ serverErrorStatus: 500 });
    try {
      const campaign = stack.sims.campaignApi.state.campaigns[0]!;
      const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { name } }`, { variables: { id: campaignGid(campaign.id) } });
      expect(res.body.errors![0]).toMatchObject({
        message: 'campaign-api answered HTTP 500: Internal server error',
        extensions: { code: 'UPSTREAM_ERROR', vendor: 'campaign-api', connectionId: 'dialer-a', upstreamStatus: 500, retryable: true },
      });
    } finally {
      stack.sims.campaignApi.resetFaults();
    }
  });
});
