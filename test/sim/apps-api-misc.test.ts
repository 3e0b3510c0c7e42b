/** Apps API simulator: SMS, wait times, queue status, queue operation status, CRM contact data, end users, bulk users. */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, buildAppsApiState, startAppsApiSim, type Agent, type AppsApiSim } from '../../sim/apps-api';
import { AUTH, MISSING, NOT_FOUND, appsApiClient, iso } from '../support/appsApiSim';

const NOW = SEED_EPOCH_MS + 60 * 60_000;

let sim: AppsApiSim;
beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => NOW });
});
afterAll(async () => {
  await sim.close();
});

const { send, get, post } = appsApiClient(() => sim);

describe('seeded menus', () => {
  it('has at least 8 menus of all three types in a tree, in English and Spanish, some after hours / over capacity', () => {
    const s = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);
    expect(s.menus.length).toBeGreaterThanOrEqual(8);
    expect(new Set(s.menus.map((m) => m.menu_type))).toEqual(new Set(['ivr_menu', 'mobile_menu', 'web_menu']));
    expect(s.menuQueues.map((q) => q.menu_id)).toEqual(s.menus.map((m) => m.id));
    expect(s.menuQueues.filter((q) => q.lang === 'es').length).toBeGreaterThanOrEqual(2);
    expect(s.menuQueues.some((q) => q.after_hour)).toBe(true);
    expect(s.menuQueues.some((q) => q.overcapacity)).toBe(true);
    expect(s.menuQueues.find((q) => q.menu_id === 66)!.materialized_path).toBe('59/61/66');
    for (const m of s.menus) {
      const path = s.menuQueues.find((q) => q.menu_id === m.id)!.materialized_path;
      expect(path.endsWith(String(m.id))).toBe(true);
      if (m.parent_id !== null) expect(path).toBe(`${s.menuQueues.find((q) => q.menu_id === m.parent_id)!.materialized_path}/${m.id}`);
    }
  });
});

describe('POST /apps/api/v1/sms', () => {
  const base = { chat_type: 'Messaging (SMS)', end_user_number: '+1 415-555-0100', outbound_number: '+1 628-555-0199', message: 'lorem ipsum', ticket_id: '5006x00000XXxxxXXX' };

  it('creates a queued chat for each accepted chat_type, assigning agentEmail/agentId', async () => {
    const agent = sim.state.agents[3]!;
    const res = await post('/apps/api/v1/sms', { ...base, agentEmail: agent.email });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(Number),
      chat_type: 'Messaging (SMS)',
      status: 'queued',
      end_user_number: '+1 415-555-0100',
      outbound_number: '+1 628-555-0199',
      ticket_id: '5006x00000XXxxxXXX',
      agent_id: agent.id,
      created_at: iso(NOW),
    });
    const first = (res.body as { id: number }).id;
    const api = await post('/apps/api/v1/sms', { ...base, chat_type: 'Messaging (API)', ticket_id: undefined, agentId: sim.state.agents[4]!.id });
    expect(api.body).toMatchObject({ id: first + 1, chat_type: 'Messaging (API)', ticket_id: null, agent_id: sim.state.agents[4]!.id });
    expect((await post('/apps/api/v1/sms', { ...base, chat_type: 'SMS' })).body).toMatchObject({ id: first + 2, agent_id: null });
    expect(sim.state.chats.length).toBe(3);
  });

  it.each([
    [{ chat_type: 'Email' }, { message: 'invalid chat type - ensure chat_type is supported' }],
    [{ chat_type: undefined }, MISSING],
    [{ end_user_number: '' }, MISSING],
    [{ outbound_number: undefined }, MISSING],
    [{ message: undefined }, MISSING],
    [{ agentEmail: 'ghost@demo.example.com' }, { message: 'agentEmail is not found' }],
    [{ agentId: 1 }, { message: 'agentId is not found' }],
  ])('refuses %j', async (patch, message) => {
    expect(await post('/apps/api/v1/sms', { ...base, ...patch })).toMatchObject({ status: 400, body: message });
  });
});

/** The expected wait_times row of a menu, from the live state. */
function waitRow(menuId: number) {
  const q = sim.state.menuQueues.find((x) => x.menu_id === menuId)!;
  const staff = sim.state.agents.filter((a: Agent) => a.online && a.teams.some((t) => q.team_ids.includes(t.id)));
  return {
    menu_id: menuId,
    menu_type: sim.state.menus.find((m) => m.id === menuId)!.menu_type,
    chat: q.chat_ewt,
    voice_call: q.voice_call_ewt,
    materialized_path: q.materialized_path,
    logged_in_agents: staff.length,
    available_agents: staff.filter((a) => a.status === 'Available').length,
    breakthrough_agents: q.breakthrough_agents,
  };
}

describe('GET /apps/api/v1/wait_times', () => {
  it('lists the menus of a language, filtered by subtree, type, channel and wait', async () => {
    const en = await get('/apps/api/v1/wait_times?lang=en');
    expect(en.status).toBe(200);
    expect(en.body).toEqual([59, 60, 61, 62, 63, 64, 66, 67, 68].map(waitRow));
    expect((await get('/apps/api/v1/wait_times?lang=es')).body).toEqual([70, 71, 72, 73].map(waitRow));
    expect((await get('/apps/api/v1/wait_times?lang=en&menu_id=61')).body).toEqual([61, 66].map(waitRow));
    expect((await get('/apps/api/v1/wait_times?lang=en&menu_type=web_menu')).body).toEqual([63, 67].map(waitRow));
    expect((await get('/apps/api/v1/wait_times?lang=en&channel_type=chat')).body).toEqual([63, 64, 67, 68].map(waitRow));
    const q61 = sim.state.menuQueues.find((q) => q.menu_id === 61)!;
    const slow = (await get(`/apps/api/v1/wait_times?lang=en&channel_type=voice_call&wait[from]=${q61.voice_call_ewt - 1}`)).body as Array<{ menu_id: number }>;
    expect(slow.map((r) => r.menu_id)).toContain(61);
    expect((await get(`/apps/api/v1/wait_times?lang=en&channel_type=voice_call&wait[to]=${q61.voice_call_ewt}`)).body).not.toContainEqual(waitRow(61));
    expect((await get('/apps/api/v1/wait_times?lang=en&menu_id=9999')).body).toEqual([]);
  });

  it('follows agent status changes in the agent counts', async () => {
    const before = waitRow(60);
    const sales = sim.state.agents.filter((a) => a.online && a.teams.some((t) => t.id === 1) && a.status === 'Available');
    expect(sales.length).toBeGreaterThan(0);
    await post('/apps/api/v1/agent_statuses/force_logout', { agent_ids: [sales[0]!.id] });
    const row = ((await get('/apps/api/v1/wait_times?lang=en&menu_id=60')).body as Array<ReturnType<typeof waitRow>>)[0]!;
    expect(row.logged_in_agents).toBe(before.logged_in_agents - 1);
    expect(row.available_agents).toBe(before.available_agents - 1);
  });

  it.each([
    ['', { message: 'lang is missing' }],
    ['?menu_id=60', { message: 'lang is missing' }],
    ['?lang=en&menu_type=sms_menu', { message: 'menu_type is invalid' }],
    ['?lang=en&channel_type=email', { message: 'channel_type is invalid' }],
    ['?lang=en&wait[from]=soon', { message: 'wait[from] is invalid' }],
  ])('refuses %s', async (query, message) => {
    expect(await get(`/apps/api/v1/wait_times${query}`)).toMatchObject({ status: 400, body: message });
  });
});

describe('GET /apps/api/v1/queues/status', () => {
  it('answers {queues: [...]} with callback periods for mobile/web menus', async () => {
    const res = await get('/apps/api/v1/queues/status?lang=en&menu_id[]=60&menu_id[]=64&callback_period_hours=6&callback_start_from=2026-11-03T00:00:00Z');
    expect(res.status).toBe(200);
    const q60 = sim.state.menuQueues.find((q) => q.menu_id === 60)!;
    const q64 = sim.state.menuQueues.find((q) => q.menu_id === 64)!;
    const counts = (id: number) => {
      const { logged_in_agents, available_agents, breakthrough_agents } = waitRow(id);
      return { logged_in_agents, available_agents, breakthrough_agents };
    };
    expect(res.body).toEqual({
      queues: [
        { menu_id: 60, menu_type: 'ivr_menu', lang: 'en', materialized_path: '59/60', current_queue_ewt: q60.voice_call_ewt, scheduled_callback_ewt: null, ...counts(60), callback_periods: [] },
        {
          menu_id: 64,
          menu_type: 'mobile_menu',
          lang: 'en',
          materialized_path: '59/64',
          current_queue_ewt: q64.voice_call_ewt,
          scheduled_callback_ewt: q64.scheduled_callback_ewt,
          ...counts(64),
          callback_periods: [0, 6, 12, 18].map((h) => ({
            start_at: iso(Date.UTC(2026, 10, 3, h)),
            end_at: iso(Date.UTC(2026, 10, 3, h + 6)),
            scheduled_callback_ewt: q64.scheduled_callback_ewt,
          })),
        },
      ],
    });
    const es = (await get('/apps/api/v1/queues/status?lang=es&menu_type=web_menu')).body as { queues: Array<{ menu_id: number; callback_periods: unknown[] }> };
    expect(es.queues.map((q) => q.menu_id)).toEqual([72]);
    expect(es.queues[0]!.callback_periods).toHaveLength(24);
  });

  it.each([
    ['', { message: 'lang is missing' }],
    ['?lang=en&callback_period_hours=0', { message: 'callback_period_hours is invalid' }],
    ['?lang=en&callback_start_from=later', { message: 'callback_start_from is invalid' }],
    ['?lang=en&menu_type=x', { message: 'menu_type is invalid' }],
  ])('refuses %s', async (query, message) => {
    expect(await get(`/apps/api/v1/queues/status${query}`)).toMatchObject({ status: 400, body: message });
  });
});

describe('GET /apps/api/v1/queue_operation_statuses', () => {
  it('answers the after_hour and overcapacity switches of a menu', async () => {
    expect(await get('/apps/api/v1/queue_operation_statuses?menu_id=62&lang=en&channel_type=call')).toMatchObject({
      status: 200,
      body: { menu_id: 62, lang: 'en', channel_type: 'call', after_hour: true, overcapacity: false },
    });
    expect((await get('/apps/api/v1/queue_operation_statuses?menu_id=71&lang=es&channel_type=chat')).body).toEqual({
      menu_id: 71,
      lang: 'es',
      channel_type: 'chat',
      after_hour: false,
      overcapacity: true,
    });
    expect((await get('/apps/api/v1/queue_operation_statuses?menu_id=60&lang=en&channel_type=call')).body).toEqual({
      menu_id: 60,
      lang: 'en',
      channel_type: 'call',
      after_hour: false,
      overcapacity: false,
    });
  });

  it.each([
    ['?lang=en&channel_type=call', 400, MISSING],
    ['?menu_id=60&channel_type=call', 400, MISSING],
    ['?menu_id=60&lang=en', 400, MISSING],
    ['?menu_id=60&lang=en&channel_type=sms', 400, { message: 'channel_type is invalid' }],
    ['?menu_id=9999&lang=en&channel_type=call', 404, NOT_FOUND],
  ])('answers %s with %i', async (query, status, body) => {
    expect(await get(`/apps/api/v1/queue_operation_statuses${query}`)).toMatchObject({ status, body });
  });
});

describe('POST /apps/api/v1/crm/contact_data', () => {
  const body = {
    call_id: '1917',
    agent_id: '1',
    lcm_key: '2922|1|2|39|2|0|1',
    dnis: '8001992999',
    org_id: 'tenant1',
    contact: { first_name: 'Alex', last_name: 'Phil', account_no: '10002-2989', crm_id: '220-39307-92' },
    pacing_mode: 'Predictive',
    call_type: 'OB_Regular',
  };

  it('stores the contact data', async () => {
    expect(await post('/apps/api/v1/crm/contact_data', body)).toMatchObject({ status: 200, body: { message: 'success' } });
    expect(sim.state.crmContactData.at(-1)).toEqual({ received_at: iso(NOW), body });
  });

  it.each([[{ ...body, call_id: undefined }], [{ ...body, contact: undefined }], [{ ...body, contact: 'x' }]])('refuses %j', async (b) => {
    expect(await post('/apps/api/v1/crm/contact_data', b)).toMatchObject({ status: 400, body: MISSING });
  });

  // Issue 16, item 2: the document's sample sends the ids as strings; a client sending numbers must fail here.
  it.each([
    ['call_id', { ...body, call_id: 1917 }],
    ['agent_id', { ...body, agent_id: 1 }],
  ])('refuses %s sent as a number', async (key, b) => {
    const stored = sim.state.crmContactData.length;
    expect(await post('/apps/api/v1/crm/contact_data', b)).toMatchObject({ status: 400, body: { message: `${key} must be a string` } });
    expect(sim.state.crmContactData).toHaveLength(stored);
  });
});

describe('end users', () => {
  it('creates, updates and finds end users', async () => {
    const created = await post('/apps/api/v1/end_users', { identifier: 'ext-001', email: 'e@x.example.com', name: 'E', phone: '+14155550123' });
    expect(created.status).toBe(200);
    const { id } = created.body as { id: number };
    expect(created.body).toEqual({ id, identifier: 'ext-001' });
    expect(id).toBe(Math.max(...buildAppsApiState(APPS_API_SIM_DEFAULTS.seed).endUsers.map((u) => u.id)) + 1);
    expect(await post('/apps/api/v1/end_users', { identifier: 'ext-001', name: 'E2' })).toMatchObject({ status: 200, body: { id, identifier: 'ext-001' } });
    expect(sim.state.endUsers.find((u) => u.id === id)).toEqual({ id, identifier: 'ext-001', name: 'E2', email: 'e@x.example.com', phone: '+14155550123' });
    expect(await get(`/apps/api/v1/end_users?id=${id}`)).toMatchObject({ status: 200, body: { id, identifier: 'ext-001' } });
    expect(await get('/apps/api/v1/end_users?identifier=ext-001')).toMatchObject({ status: 200, body: { id, identifier: 'ext-001' } });
    const seeded = sim.state.calls[0]!.end_user;
    expect((await get(`/apps/api/v1/end_users?identifier=${seeded.identifier}`)).body).toEqual({ id: seeded.id, identifier: seeded.identifier });
  });

  it('refuses a missing identifier or query, and answers 404 for no match', async () => {
    expect(await post('/apps/api/v1/end_users', { name: 'x' })).toMatchObject({ status: 400, body: { message: 'param is missing or the value is empty: identifier' } });
    expect(await get('/apps/api/v1/end_users')).toMatchObject({ status: 400, body: MISSING });
    expect(await get('/apps/api/v1/end_users?identifier=nobody')).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await get('/apps/api/v1/end_users?id=1')).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('bulk user management', () => {
  const file = (rows: unknown, extra: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append('file', new Blob([typeof rows === 'string' ? rows : JSON.stringify(rows)], { type: 'application/json' }), 'users.json');
    return { body: form };
  };
  const user = (email: string, more: Record<string, unknown> = {}) => ({ email, first_name: 'New', last_name: 'Person', ...more });

  it('serves a template with the doc fields', async () => {
    const res = await get('/apps/api/v1/bulk/users/template');
    expect(res.status).toBe(200);
    const body = res.body as Array<Record<string, unknown>>;
    expect(body).toHaveLength(1);
    expect(Object.keys(body[0]!)).toEqual(['email', 'new_email', 'agent_number', 'first_name', 'last_name', 'status', 'location', 'max_chat_limit', 'max_chat_limit_enabled', 'roles', 'teams']);
    expect(body[0]!.teams).toEqual([
      { name: 'Sales', value: 1 },
      { name: 'Support', value: 0 },
      { name: 'Billing', value: 0 },
      { name: 'Retention', value: 0 },
    ]);
  });

  it('uploads, validates, proceeds and applies a job', async () => {
    const existing = sim.state.agents[5]!;
    const rows = [
      user('new.person@demo.example.com', {
        location: 'dublin',
        max_chat_limit: 4,
        max_chat_limit_enabled: 1,
        teams: [
          { name: 'Billing', value: 1 },
          { name: 'Nope', value: 1 },
        ],
        roles: [{ name: 'Manager', value: 1 }],
      }),
      user(existing.email.toUpperCase(), { first_name: 'Renamed', agent_number: 'A-77', status: 'Inactive' }),
      user('lost@demo.example.com', { location: 'Atlantis' }),
    ];
    const up = await send('POST', '/apps/api/v1/bulk/users/upload', undefined, file(rows));
    expect(up.status).toBe(200);
    const { id } = up.body as { id: number };
    const link = `${sim.url}/apps/api/v1/bulk/users_jobs/${id}`;
    expect(up.body).toEqual({ id, status: 'created', link });
    expect(up.headers.get('link')).toBe(link);

    const jobPath = `/apps/api/v1/bulk/users/jobs/${id}`;
    expect(await post('/apps/api/v1/bulk/users/proceed', { id })).toMatchObject({ status: 400, body: { message: 'Job is not ready to proceed' } });
    const valid = await get(jobPath);
    expect(valid.body).toEqual({
      id,
      created_at: iso(NOW),
      process_requested_at: null,
      filename: 'users.json',
      total_rows: 3,
      affected_rows: 0,
      failed_rows: 0,
      status: 'valid_scheme',
      uploaded_user_name: null,
      proceed_user_name: null,
      uploaded_api_user_name: 'demo',
      proceed_api_user_name: null,
      scheme_errors: [],
      update_errors: [],
    });
    const proceed = await post('/apps/api/v1/bulk/users/proceed', { id });
    expect(proceed).toMatchObject({ status: 200, body: { id, status: 'in_progress', process_requested_at: iso(NOW), proceed_api_user_name: 'demo' } });
    expect(await post('/apps/api/v1/bulk/users/proceed', { id })).toMatchObject({ status: 400, body: { message: 'Job is not ready to proceed' } });
    const done = await get(jobPath);
    expect(done.body).toMatchObject({
      status: 'finished',
      affected_rows: 2,
      failed_rows: 1,
      update_errors: [
        { message: 'team Nope is not found', column: 'teams', row: 1, error_type: 'warning' },
        { message: 'location Atlantis is not found', column: 'location', row: 3, error_type: 'error' },
      ],
    });
    expect(await get(`/apps/api/v1/bulk/users/errors/update/${id}`)).toMatchObject({ status: 200, body: (done.body as { update_errors: unknown }).update_errors });

    const agents = (await get('/manager/api/v1/agents')).body as Agent[];
    const created = agents.find((a) => a.email === 'new.person@demo.example.com')!;
    expect(created).toMatchObject({
      first_name: 'New',
      last_name: 'Person',
      location: 'Dublin',
      max_chat_limit: 4,
      max_chat_limit_enabled: true,
      teams: [{ id: 3, name: 'Billing' }],
      roles: [{ name: 'Agent' }, { name: 'Manager' }],
      status: 'Offline',
      online: false,
      deactivated_at: null,
    });
    expect(agents.find((a) => a.id === existing.id)).toMatchObject({ first_name: 'Renamed', agent_number: 'A-77', deactivated_at: iso(NOW), online: false });
    expect(agents.some((a) => a.email === 'lost@demo.example.com')).toBe(false);
  });

  it('reports scheme errors, re-uploads with PUT, and lists jobs newest first', async () => {
    const bad = [
      { email: 'not-an-email', first_name: '', last_name: 'X', status: 'Gone', max_chat_limit: 99, max_chat_limit_enabled: 2, roles: 'Agent' },
      user('dup@demo.example.com'),
      user('dup@demo.example.com', { new_email: 'bad' }),
    ];
    const up = await send('POST', '/apps/api/v1/bulk/users/upload', undefined, file(bad));
    const { id } = up.body as { id: number };
    const job = await get(`/apps/api/v1/bulk/users/jobs/${id}`);
    const schemeErrors = [
      { message: 'email is invalid', column: 'email', row: 1 },
      { message: 'first_name must be a non-empty string', column: 'first_name', row: 1 },
      { message: 'status must be Active, Inactive or empty', column: 'status', row: 1 },
      { message: 'max_chat_limit must be 1 to 10 or empty', column: 'max_chat_limit', row: 1 },
      { message: 'max_chat_limit_enabled must be 0, 1 or empty', column: 'max_chat_limit_enabled', row: 1 },
      { message: 'roles must be a list of {name, value} with value 0, 1 or empty', column: 'roles', row: 1 },
      { message: 'email is duplicated in the file', column: 'email', row: 3 },
      { message: 'new_email is invalid', column: 'new_email', row: 3 },
    ];
    expect(job.body).toMatchObject({ status: 'invalid_scheme', failed_rows: 2, scheme_errors: schemeErrors });
    expect(await get(`/apps/api/v1/bulk/users/errors/scheme/${id}`)).toMatchObject({ status: 200, body: schemeErrors });
    expect(await post('/apps/api/v1/bulk/users/proceed', { id })).toMatchObject({ status: 400, body: { message: 'Job is not ready to proceed' } });

    const put = await send('PUT', '/apps/api/v1/bulk/users/upload', undefined, file([user('fixed@demo.example.com')], { id: String(id) }));
    expect(put).toMatchObject({ status: 200, body: { id, status: 'created', link: `${sim.url}/apps/api/v1/bulk/users_jobs/${id}` } });
    expect(await get(`/apps/api/v1/bulk/users/jobs/${id}`)).toMatchObject({ body: { status: 'valid_scheme', total_rows: 1, scheme_errors: [], failed_rows: 0 } });

    const list = await get('/apps/api/v1/bulk/users/jobs?per_page=1');
    expect(list.status).toBe(200);
    const ids = sim.state.bulkUserJobs.map((j) => j.id).sort((a, b) => b - a);
    expect((list.body as Array<{ id: number }>).map((j) => j.id)).toEqual([ids[0]]);
    expect(list.headers.get('total')).toBe(String(ids.length));
    expect(list.headers.get('per-page')).toBe('1');
    expect(list.headers.get('link')).toBe(`<${sim.url}/apps/api/v1/bulk/users/jobs?per_page=1&page=2>; rel="next", <${sim.url}/apps/api/v1/bulk/users/jobs?per_page=1&page=${ids.length}>; rel="last"`);
    expect(JSON.stringify(list.body)).not.toContain('"rows"');
  });

  it('refuses bad uploads and unknown jobs', async () => {
    expect(await send('POST', '/apps/api/v1/bulk/users/upload', [{ email: 'a@b.co' }])).toMatchObject({ status: 400, body: { message: 'file is missing' } });
    expect(await send('POST', '/apps/api/v1/bulk/users/upload', undefined, file('{"email":"a@b.co"}'))).toMatchObject({ status: 400, body: { message: 'file must be a JSON array of users' } });
    expect(await send('PUT', '/apps/api/v1/bulk/users/upload', undefined, file([]))).toMatchObject({ status: 400, body: MISSING });
    expect(await send('PUT', '/apps/api/v1/bulk/users/upload', undefined, file([], { id: '1' }))).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await post('/apps/api/v1/bulk/users/proceed', {})).toMatchObject({ status: 400, body: MISSING });
    expect(await post('/apps/api/v1/bulk/users/proceed', { id: 1 })).toMatchObject({ status: 404, body: NOT_FOUND });
    for (const path of ['/apps/api/v1/bulk/users/jobs/1', '/apps/api/v1/bulk/users/errors/scheme/1', '/apps/api/v1/bulk/users/errors/update/1']) {
      expect(await get(path)).toMatchObject({ status: 404, body: NOT_FOUND });
    }
    const finished = sim.state.bulkUserJobs.find((j) => j.status === 'finished')!;
    expect(await send('PUT', '/apps/api/v1/bulk/users/upload', undefined, file([], { id: String(finished.id) }))).toMatchObject({ status: 400, body: { message: 'Job is already processed' } });
  });
});

describe('rate limit on the new endpoints', () => {
  it('answers a second write within a second with 429', async () => {
    const limited = await startAppsApiSim({ port: 0 });
    try {
      const call = () =>
        fetch(`${limited.appsBaseUrl}/end_users`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: 'rl-1' }),
        });
      expect((await call()).status).toBe(200);
      const second = await call();
      expect(second.status).toBe(429);
      expect(await second.json()).toEqual({ message: 'Too Many Requests' });
    } finally {
      await limited.close();
    }
  });
});
