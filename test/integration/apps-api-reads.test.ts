/**
 * Issue 3, Apps API reads over real HTTP: calls with their agents in two vendor requests, paging every
 * call with `first: 37`, campaigns and leads, queues, vendor-side agent filters, and file uploads.
 */
import { encodeGlobalId } from '../../src/graphql/ids';
import { bodyOf } from '../support/graphqlBody';
import { KEY_A, requestLines, startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };

/** `switchboard_upstream_requests_total` summed over statuses for one connection. */
async function upstreamCount(stack: Stack, connection: string): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^switchboard_upstream_requests_total\{vendor="[^"]+",connection="([^"]+)",status="[^"]+"\} (\d+)$/gm)) {
    if (m[1] === connection) sum += Number(m[2]);
  }
  return sum;
}

/** A GraphQL multipart request as a browser client sends it (operations, map, then the file). */
async function uploadRequest(stack: Stack, query: string, variables: Record<string, unknown>, file: { name: string; type: string; content: string }, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([file.content], { type: file.type }), file.name);
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers, body: form });
  return { status: res.status, body: await bodyOf<{ data?: any; errors?: any[] }>(res) };
}

describe('calls', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.appsApi.clearRequests());

  // Issue 16, item 6: the call record's agent_info names the agent, so `agent { name }` costs no agents request.
  it('lists 50 calls with agent { id name extension } in 1 upstream request: the call records name their agents', async () => {
    const before = await upstreamCount(stack, 'tenant-a/apps-a');
    const res = await stack.gql(`{ calls(first: 50) { totalCount edges { node { nativeId status agent { id name extension ...AgentName } } } } } fragment AgentName on Agent { name }`);
    expect(res.body.errors).toBeUndefined();
    const calls = stack.sims.appsApi.state.calls;
    expect(res.body.data!['calls'].totalCount).toBe(calls.length);
    const nodes = res.body.data!['calls'].edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toHaveLength(50);
    const agentsById = new Map(stack.sims.appsApi.state.agents.map((a) => [a.id, a]));
    nodes.forEach((n: { nativeId: string; agent: { name: string } | null }, i: number) => {
      const wire = calls[i]!;
      expect(n.nativeId).toBe(String(wire.id));
      const agent = wire.agent_info ? agentsById.get(wire.agent_info.id)! : null;
      // The same id, name and extension `agents` answers for that agent.
      expect(n.agent).toEqual(agent ? { id: encodeGlobalId('Agent', 'apps-a', String(agent.id)), name: `${agent.first_name} ${agent.last_name}`, extension: agent.agent_number } : null);
    });
    expect(nodes.some((n: { agent: unknown }) => n.agent !== null)).toBe(true);
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /manager/api/v1/calls']);
    expect(stack.sims.appsApi.requests[0]!.query).toEqual({ page: ['1'], per: ['50'] });
    expect((await upstreamCount(stack, 'tenant-a/apps-a')) - before).toBe(1);
  });

  it('lists 50 calls with agent { name status } in exactly 2 upstream requests: the status needs the agents, batched', async () => {
    const before = await upstreamCount(stack, 'tenant-a/apps-a');
    const res = await stack.gql(`{ calls(first: 50) { edges { node { nativeId agent { name status } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const calls = stack.sims.appsApi.state.calls;
    const nodes = res.body.data!['calls'].edges.map((e: { node: unknown }) => e.node);
    const agentsById = new Map(stack.sims.appsApi.state.agents.map((a) => [a.id, `${a.first_name} ${a.last_name}`]));
    nodes.forEach((n: { agent: { name: string; status: string } | null }, i: number) => {
      const wire = calls[i]!;
      expect(n.agent).toEqual(wire.agent_info ? { name: agentsById.get(wire.agent_info.id), status: expect.any(String) } : null);
    });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /manager/api/v1/calls', 'GET /manager/api/v1/agents']);
    const agentIds = [...new Set(calls.slice(0, 50).flatMap((c) => (c.agent_info ? [String(c.agent_info.id)] : [])))];
    expect(stack.sims.appsApi.requests[1]!.query['id[]']!.sort()).toEqual(agentIds.sort());
    expect((await upstreamCount(stack, 'tenant-a/apps-a')) - before).toBe(2);
  });

  it('pages through every call with first: 37, each exactly once, in one request per page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(`query($after: String) { calls(first: 37, after: $after) { pageInfo { hasNextPage endCursor } edges { node { nativeId } } } }`, {
        variables: { after },
      });
      expect(res.body.errors).toBeUndefined();
      pages++;
      const page = res.body.data!['calls'];
      seen.push(...page.edges.map((e: { node: { nativeId: string } }) => e.node.nativeId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(20);
    }
    const all = stack.sims.appsApi.state.calls.map((c) => String(c.id));
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 37));
    expect(stack.sims.appsApi.requests.map((r) => r.rawQuery)).toEqual(Array.from({ length: pages }, (_, i) => `page=${i + 1}&per=37`));
  });

  it('passes the filter to the vendor: statuses, types and the creation window', async () => {
    const res = await stack.gql(
      `{ calls(first: 10, filter: { statuses: [FINISHED, VOICEMAIL_RECEIVED], types: [OUTBOUND], createdAfter: "2026-10-20T00:00:00Z", createdBefore: "2026-11-01T00:00:00Z" }) { totalCount edges { node { status type direction createdAt } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(stack.sims.appsApi.requests[0]!.query).toEqual({
      'status[]': ['finished', 'voicemail_received'],
      'call_type[]': ['Voice Outbound (API)'],
      'created_at[from]': ['2026-10-20T00:00:00.000Z'],
      'created_at[to]': ['2026-11-01T00:00:00.000Z'],
      page: ['1'],
      per: ['10'],
    });
    const expected = stack.sims.appsApi.state.calls.filter(
      (c) =>
        ['finished', 'voicemail_received'].includes(c.status) && c.call_type === 'Voice Outbound (API)' && c.created_at >= '2026-10-20T00:00:00.000Z' && c.created_at <= '2026-11-01T00:00:00.000Z',
    );
    expect(res.body.data!['calls'].totalCount).toBe(expected.length);
    for (const e of res.body.data!['calls'].edges) {
      expect(['FINISHED', 'VOICEMAIL_RECEIVED']).toContain(e.node.status);
      expect(e.node).toMatchObject({ type: 'OUTBOUND', direction: 'OUTBOUND' });
    }
  });

  it('reads one call with its references: agent, transfers, participants, menus, recording', async () => {
    const wire = stack.sims.appsApi.state.calls.find((c) => (c.transfers?.length ?? 0) > 0 && c.agent_info)!;
    const id = encodeGlobalId('Call', 'apps-a', String(wire.id));
    const res = await stack.gql(
      `query($id: ID!) { call(id: $id) { id nativeId rawStatus rawType lang waitDuration callDuration
         agent { nativeId } transfers { status fromAgent { nativeId } toAgent { nativeId } }
         participants { type status agent { nativeId } } selectedMenu { nativeId name } menuPath { name materializedPath }
         recording { url } endUser { identifier } failReason raw } }`,
      { variables: { id } },
    );
    expect(res.body.errors).toBeUndefined();
    const call = res.body.data!['call'];
    expect(call).toMatchObject({
      id,
      nativeId: String(wire.id),
      rawStatus: wire.status,
      rawType: wire.call_type,
      agent: { nativeId: String(wire.agent_info!.id) },
      transfers: wire.transfers.map((t) => ({
        status: t.status,
        fromAgent: t.from_agent ? { nativeId: String(t.from_agent.id) } : null,
        toAgent: t.to_agent ? { nativeId: String(t.to_agent.id) } : null,
      })),
    });
    expect(call.raw).toEqual(JSON.parse(JSON.stringify(wire)));
    expect(requestLines(stack.sims.appsApi)[0]).toBe(`GET /manager/api/v1/calls/${wire.id}`);
  });

  it('answers an unknown call with null and NOT_FOUND', async () => {
    const id = encodeGlobalId('Call', 'apps-a', '99999999');
    const res = await stack.gql(`query($id: ID!) { call(id: $id) { id } }`, { variables: { id } });
    expect(res.body.data).toEqual({ call: null });
    expect(res.body.errors![0]).toMatchObject({ message: `could not resolve to a node with id "${id}"`, extensions: { code: 'NOT_FOUND' } });
  });

  it('keeps the other connections answering when the call log fails, with the failure as an error', async () => {
    stack.sims.appsApi.setFaults({ serverErrorStatus: 503 });
    try {
      const res = await stack.gql(`{ calls(first: 5) { totalCount edges { node { id } } } }`);
      expect(res.body.data).toEqual({ calls: { totalCount: 0, edges: [] } });
      expect(res.body.errors).toEqual([
        {
          message: 'apps-api is unavailable (HTTP 503): Internal Server Error',
          path: ['calls'],
          extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'apps-api', connectionId: 'apps-a', retryable: true, upstreamStatus: 503 },
        },
      ]);
    } finally {
      stack.sims.appsApi.resetFaults();
    }
  });
});

describe('agents: filters the Manager API applies itself', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());

  it('sends every documented filter to the Manager API and answers only from Apps API connections', async () => {
    stack.sims.appsApi.clearRequests();
    stack.sims.ameyo.clearRequests();
    // Issue 15: agent numbers, `online` and the status-update window are filter fields of their own; the rest
    // is the documented escape hatch `vendorFilter.appsApi`. The Manager API receives the same query.
    const res = await stack.gql(`{ agents(first: 100, filter: { online: true, extensions: [], statusChangedBefore: "2026-11-30T00:00:00Z",
        vendorFilter: { appsApi: { wrapUp: false, locations: ["Dublin", "Austin"], statusNativeIds: ["1", "5"],
        lastLoginAfter: "2026-01-01T00:00:00Z" } } }) { totalCount edges { node { vendor raw } } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(requestLines(stack.sims.ameyo)).toEqual([]);
    expect(stack.sims.appsApi.requests[0]!.query).toEqual({
      'status_id[]': ['1', '5'],
      'online[]': ['true'],
      'wrap_up[]': ['false'],
      'location[]': ['Dublin', 'Austin'],
      'last_login_time[from]': ['2026-01-01T00:00:00.000Z'],
      'status_updated_at[to]': ['2026-11-30T00:00:00.000Z'],
      page: ['1'],
      per: ['100'],
    });
    const expected = stack.sims.appsApi.state.agents.filter(
      (a) =>
        a.online &&
        !a.wrap_up &&
        ['Dublin', 'Austin'].includes(a.location) &&
        [1, 5].includes(a.status_id) &&
        a.last_login_time !== null &&
        a.last_login_time >= '2026-01-01T00:00:00.000Z' &&
        a.status_updated_at <= '2026-11-30T00:00:00.000Z',
    );
    expect(res.body.data!['agents'].totalCount).toBe(expected.length);
    for (const e of res.body.data!['agents'].edges) expect(e.node.vendor).toBe('APPS_API');
  });

  it('issue 15: applies the capability-shaped filters to every connection, the Manager API on its side', async () => {
    type Node = { id: string; vendor: string; extension: string | null; status: string };
    const QUERY = `query($f: AgentFilter) { agents(first: 100, filter: $f) { edges { node { id vendor extension status } } } }`;
    const everyone: Node[] = (await stack.gql(QUERY)).body.data!['agents'].edges.map((e: { node: Node }) => e.node);
    // An extension of an Apps API agent and one of a campaign-API agent, both logged in.
    const extensions = ['APPS_API', 'CAMPAIGN_API'].map((v) => everyone.find((a) => a.vendor === v && a.extension && a.status !== 'OFFLINE')!.extension!);
    for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.clearRequests();

    const res = await stack.gql(QUERY, { variables: { f: { extensions, online: true } } });
    expect(res.body.errors).toBeUndefined();
    const expected = everyone.filter((a) => a.extension !== null && extensions.includes(a.extension) && a.status !== 'OFFLINE');
    expect(res.body.data!['agents'].edges.map((e: { node: Node }) => e.node.id).sort()).toEqual(expected.map((a) => a.id).sort());
    expect(new Set(expected.map((a) => a.vendor))).toEqual(new Set(['APPS_API', 'CAMPAIGN_API']));
    // The Manager API filters on its side; the other vendors are read as always and filtered by the gateway.
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /manager/api/v1/agents']);
    expect(stack.sims.appsApi.requests[0]!.query).toEqual({
      'agent_number[]': extensions,
      'online[]': ['true'],
      page: ['1'],
      per: ['100'],
    });
    expect(requestLines(stack.sims.ameyo)).toEqual(['GET /v4/cc-list/1/monitoring/user-session-information']);
    expect(requestLines(stack.sims.campaignApi).filter((l) => !l.includes('/login'))).toEqual(['GET /callcenter/queues/status']);
  });
});

describe('campaigns and leads', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 } } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.appsApi.clearRequests());

  it('lists Apps API campaigns with normalised status and lead statistics', async () => {
    const res = await stack.gql(`{ campaigns(first: 100) { totalCount edges { node { nativeId name vendor status rawStatus mode leadStats { total byStatus { status rawStatus count } } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const apps = res.body.data!['campaigns'].edges.map((e: { node: any }) => e.node).filter((n: any) => n.vendor === 'APPS_API');
    const wire = stack.sims.appsApi.state.campaigns;
    expect(apps.map((n: any) => n.nativeId)).toEqual(wire.map((c) => String(c.id)));
    const first = wire[0]!;
    const contacts = stack.sims.appsApi.state.campaignContacts.filter((c) => c.campaign_id === first.id);
    expect(apps[0]).toMatchObject({ name: first.name, rawStatus: first.status, status: 'ACTIVE', mode: first.mode });
    expect(apps[0].leadStats.total).toBe(contacts.length);
    const counted = apps[0].leadStats.byStatus.reduce((n: number, s: { count: number }) => n + s.count, 0);
    expect(counted).toBe(contacts.length);
  });

  it("pages a campaign's leads over page/per, with totalCount from Total and the campaign resolved from the cached list", async () => {
    const campaign = stack.sims.appsApi.state.campaigns[0]!;
    const contacts = stack.sims.appsApi.state.campaignContacts.filter((c) => c.campaign_id === campaign.id);
    const id = encodeGlobalId('Campaign', 'apps-a', String(campaign.id));
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: Awaited<ReturnType<Stack['gql']>> = await stack.gql(
        `query($id: ID!, $after: String) { campaign(id: $id) { leads(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor }
           edges { node { nativeId status rawStatus phoneNumber campaign { nativeId name } } } } } }`,
        { variables: { id, after } },
      );
      expect(res.body.errors).toBeUndefined();
      const leads = res.body.data!['campaign'].leads;
      expect(leads.totalCount).toBe(contacts.length);
      for (const e of leads.edges) expect(e.node.campaign).toEqual({ nativeId: String(campaign.id), name: campaign.name });
      seen.push(...leads.edges.map((e: { node: { nativeId: string } }) => e.node.nativeId));
      if (!leads.pageInfo.hasNextPage) break;
      after = leads.pageInfo.endCursor;
    }
    expect(seen).toEqual(contacts.map((c) => String(c.id)));
    const contactReads = requestLines(stack.sims.appsApi).filter((l) => l.endsWith('/contacts'));
    expect(contactReads).toHaveLength(Math.ceil(contacts.length / 10));
    // Every lead's campaign came from at most one campaign-list read (shared, and cached for the connection's TTL).
    expect(requestLines(stack.sims.appsApi).filter((l) => l === 'GET /manager/api/v1/outbound_dialer/campaigns').length).toBeLessThanOrEqual(1);
  });

  it('filters leads by normalised status', async () => {
    const campaign = stack.sims.appsApi.state.campaigns[0]!;
    const id = encodeGlobalId('Campaign', 'apps-a', String(campaign.id));
    const res = await stack.gql(`query($id: ID!) { campaign(id: $id) { leads(first: 100, filter: { statuses: [NO_ANSWER] }) { totalCount edges { node { rawStatus status } } } } }`, {
      variables: { id },
    });
    expect(res.body.errors).toBeUndefined();
    expect(stack.sims.appsApi.requests.at(-1)!.query['status[]']).toEqual(['Not Picked Up', 'Not Reached to Contact']);
    const expected = stack.sims.appsApi.state.campaignContacts.filter((c) => c.campaign_id === campaign.id && ['Not Picked Up', 'Not Reached to Contact'].includes(c.status));
    expect(res.body.data!['campaign'].leads.totalCount).toBe(expected.length);
  });
});

describe('campaign lead statistics in shapes the one source does not show (issue 16, item 4)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());

  const statsOf = (id: number) =>
    stack.gql(`query($id: ID!) { campaign(id: $id) { nativeId name leadStats { total byStatus { status count } } } }`, { variables: { id: encodeGlobalId('Campaign', 'apps-a', String(id)) } });

  it('reads snake_case contact_stats: 24 contacts are 24, not 0', async () => {
    const campaign = stack.sims.appsApi.state.campaigns[1]!;
    campaign.contact_stats = { contacts: 24, not_picked_up: 4, remaining: 20 };
    const res = await statsOf(campaign.id);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!['campaign']).toEqual({ nativeId: String(campaign.id), name: campaign.name, leadStats: { total: 24, byStatus: [{ status: 'NO_ANSWER', count: 4 }] } });
  });

  it('answers contact_stats it cannot read as leadStats null with an UPSTREAM_ERROR there, the rest of the campaign intact', async () => {
    const campaign = stack.sims.appsApi.state.campaigns[2]!;
    campaign.contact_stats = { dialed: 24, answered: 3 } as unknown as typeof campaign.contact_stats;
    const res = await statsOf(campaign.id);
    expect(res.body.data!['campaign']).toEqual({ nativeId: String(campaign.id), name: campaign.name, leadStats: null });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: `apps-api sent the lead statistics of campaign ${campaign.id} in a shape the gateway cannot read: contact_stats has no contact count or contact status the gateway knows (keys "dialed", "answered")`,
        path: ['campaign', 'leadStats'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR', vendor: 'apps-api', connectionId: 'apps-a', retryable: false }),
      }),
    ]);
  });
});

describe('queues', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 } } });
  });
  afterAll(() => stack.close());

  it('answers queue status, wait times and operation status, reading wait times once for all queues', async () => {
    stack.sims.appsApi.clearRequests();
    const res = await stack.gql(`{ queues(filter: { connectionIds: ["apps-a"], lang: "en" }) { id nativeId name menuType currentWait availableAgentCount
        waitTimes { voice chat } operationStatus(channel: VOICE) { channel afterHours overCapacity } } }`);
    expect(res.body.errors).toBeUndefined();
    const queues = res.body.data!['queues'];
    const menus = stack.sims.appsApi.state.menuQueues.filter((m) => m.lang === 'en');
    expect(queues.map((q: { nativeId: string }) => q.nativeId).sort()).toEqual(menus.map((m) => String(m.menu_id)).sort());
    const billing = queues.find((q: { nativeId: string }) => q.nativeId === '62');
    expect(billing.operationStatus).toEqual({ channel: 'VOICE', afterHours: true, overCapacity: false });
    const support = queues.find((q: { nativeId: string }) => q.nativeId === '61');
    expect(support.operationStatus).toEqual({ channel: 'VOICE', afterHours: false, overCapacity: true });
    const lines = requestLines(stack.sims.appsApi);
    expect(lines.filter((l) => l === 'GET /apps/api/v1/queues/status')).toHaveLength(1);
    expect(lines.filter((l) => l === 'GET /apps/api/v1/wait_times')).toHaveLength(1);
    expect(lines.filter((l) => l === 'GET /apps/api/v1/queue_operation_statuses')).toHaveLength(queues.length);
    expect(stack.sims.appsApi.requests.find((r) => r.path.endsWith('/queue_operation_statuses'))!.query).toMatchObject({ lang: ['en'], channel_type: ['call'] });
  });
});

describe('uploads: lead imports and bulk users', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 }, server: { uploads: { maxJsonFileBytes: 2048 } } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sims.appsApi.clearRequests());

  const auth = { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true' };
  const IMPORT = `mutation($campaignId: ID!, $file: Upload!) { leadsImport(input: { campaignId: $campaignId, file: $file, mapping: { phones: ["phone"] } }) { job { id } userErrors { field message code } } }`;

  it('refuses a multipart request without a preflight header, or without a key, before reading it', async () => {
    const campaignId = encodeGlobalId('Campaign', 'apps-a', String(stack.sims.appsApi.state.campaigns[1]!.id));
    const file = { name: 'leads.csv', type: 'text/csv', content: 'phone\r\n+14155550101\r\n' };
    const noPreflight = await uploadRequest(stack, IMPORT, { campaignId }, file, { authorization: `Bearer ${KEY_A}` });
    expect(noPreflight).toEqual({
      status: 400,
      body: { errors: [{ message: 'multipart requests need an Apollo-Require-Preflight (or X-Apollo-Operation-Name) header', extensions: { code: 'BAD_REQUEST' } }] },
    });
    const noKey = await uploadRequest(stack, IMPORT, { campaignId }, file, { 'apollo-require-preflight': 'true' });
    expect(noKey).toEqual({ status: 401, body: { errors: [{ message: 'missing API key: send `Authorization: Bearer <api key>`', extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(stack.sims.appsApi.requests).toEqual([]);
  });

  it('runs bulk user management: template, upload, scheme errors, re-upload, proceed, finished', async () => {
    const template = await stack.gql(`{ bulkUserTemplate(connectionId: "apps-a") }`);
    expect(Array.isArray(template.body.data!['bulkUserTemplate'])).toBe(true);
    const UPLOAD = `mutation($file: Upload!, $jobId: ID) { bulkUsersUpload(input: { connectionId: "apps-a", file: $file, jobId: $jobId }) { job { id nativeId status } userErrors { message } } }`;
    const JOB = `query($id: ID!) { bulkUserJob(id: $id) { status totalRows schemeErrors { row column message } updateErrors { row message errorType } } }`;

    const bad = JSON.stringify([{ email: 'not-an-email', first_name: 'A', last_name: 'B' }]);
    const up = await uploadRequest(stack, UPLOAD, {}, { name: 'users.json', type: 'application/json', content: bad }, auth);
    expect(up.body.errors).toBeUndefined();
    const { id: jobId, nativeId: jobNativeId } = up.body.data.bulkUsersUpload.job;
    expect(jobId).toBe(encodeGlobalId('BulkUserJob', 'apps-a', jobNativeId));
    expect(up.body.data.bulkUsersUpload.job.status).toBe('CREATED');
    const invalid = await stack.gql(JOB, { variables: { id: jobId } });
    expect(invalid.body.data!['bulkUserJob'].status).toBe('INVALID_SCHEME');
    expect(invalid.body.data!['bulkUserJob'].schemeErrors.length).toBeGreaterThan(0);
    expect(invalid.body.data!['bulkUserJob'].schemeErrors[0]).toMatchObject({ row: 1, column: 'email' });

    const proceedTooEarly = await stack.gql(`mutation($id: ID!) { bulkUsersProceed(input: { jobId: $id }) { job { status } userErrors { field message code } } }`, {
      variables: { id: jobId },
    });
    expect(proceedTooEarly.body.data!['bulkUsersProceed']).toEqual({ job: null, userErrors: [{ field: null, message: 'Job is not ready to proceed', code: 'BAD_USER_INPUT' }] });

    const good = JSON.stringify([{ email: 'new.agent@example.com', first_name: 'New', last_name: 'Agent' }]);
    const again = await uploadRequest(stack, UPLOAD, { jobId }, { name: 'users.json', type: 'application/json', content: good }, auth);
    expect(again.body.errors).toBeUndefined();
    const put = stack.sims.appsApi.requests.filter((r) => r.path === '/apps/api/v1/bulk/users/upload').at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.body).toContain(`name="id"\r\n\r\n${jobNativeId}\r\n`);
    expect((await stack.gql(JOB, { variables: { id: jobId } })).body.data!['bulkUserJob'].status).toBe('VALID_SCHEME');
    const proceed = await stack.gql(`mutation($id: ID!) { bulkUsersProceed(input: { jobId: $id }) { job { status } userErrors { message } } }`, { variables: { id: jobId } });
    expect(proceed.body.data!['bulkUsersProceed']).toEqual({ job: { status: 'IN_PROGRESS' }, userErrors: [] });
    expect(JSON.parse(stack.sims.appsApi.requests.at(-1)!.body)).toEqual({ id: Number(jobNativeId) });
    const finished = await stack.gql(JOB, { variables: { id: jobId } });
    expect(finished.body.data!['bulkUserJob']).toMatchObject({ status: 'FINISHED', totalRows: 1 });
    // A job id of another connection in the re-upload is a user error; the vendor's own job id is not an ID.
    const foreign = await uploadRequest(stack, UPLOAD, { jobId: encodeGlobalId('BulkUserJob', 'dialer-a', jobNativeId) }, { name: 'users.json', type: 'application/json', content: good }, auth);
    expect(foreign.body.data.bulkUsersUpload).toEqual({ job: null, userErrors: [{ message: "expected a BulkUserJob of connection 'apps-a'" }] });
    const native = await stack.gql(JOB, { variables: { id: jobNativeId } });
    expect(native.body.errors![0]).toMatchObject({ message: `expected a Switchboard global ID, got "${jobNativeId}"`, extensions: { code: 'BAD_USER_INPUT' } });
  });
});
