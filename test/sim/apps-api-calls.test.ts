/** Apps API simulator: call creation, the Manager API call list, customer flags, end user update and custom data. */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, signHs256Jwt, startAppsApiSim, type AppsApiSim, type Call } from '../../sim/apps-api';
import { MISSING, NOT_FOUND, appsApiClient, iso } from '../support/appsApiSim';

const clock = { t: SEED_EPOCH_MS + 60 * 60_000 };
let sim: AppsApiSim;

beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => clock.t });
});
afterAll(async () => {
  await sim.close();
});

const { send, get, post } = appsApiClient(() => sim);

const agentIn = (status: string) => sim.state.agents.find((a) => a.status === status && a.deactivated_at === null)!;
const maxCallId = () => Math.max(...sim.state.calls.map((c) => c.id));

describe('POST /apps/api/v1/calls', () => {
  it('creates an outbound call (201, connecting, agent_info) that the Manager API then lists', async () => {
    const agent = agentIn('Available');
    const before = maxCallId();
    const res = await post('/apps/api/v1/calls', {
      call_type: 'Voice Outbound (API)',
      agent_email: agent.email.toUpperCase(),
      end_user_number: '+1 415-555-0100',
      outbound_number: '+1 760-867-5309',
      lang: 'es',
      ticket_id: 'T-1',
    });
    expect(res.status).toBe(201);
    const call = res.body as Call;
    expect(call.id).toBe(before + 1);
    expect(call).toMatchObject({
      call_type: 'Voice Outbound (API)',
      status: 'connecting',
      lang: 'es',
      parent_id: null,
      out_ticket_id: 'T-1',
      created_at: iso(clock.t),
      assigned_at: iso(clock.t),
      recording_permission: 'not_asked',
      support_number: '+1 760-867-5309',
      agent_info: { id: agent.id, name: `${agent.first_name} ${agent.last_name}`, first_name: agent.first_name, last_name: agent.last_name, agent_number: agent.agent_number, avatar_url: null },
      selected_menu: { id: 60, name: 'Sales', menu_type: 'ivr_menu' },
      menu_path: { items_count: 1, name: 'Sales', materialized_path: '59/60' },
      photos: [],
      videos: [],
      transfers: [],
    });
    expect(Object.keys(call)).toEqual(Object.keys(sim.state.calls[0]!));
    expect(call.participants.map((p) => p.type)).toEqual(['end_user', 'agent']);
    expect(call.end_user).toEqual({ id: expect.any(Number), identifier: `eu-${call.end_user.id}`, out_contact_id: null });
    const got = await get(`/manager/api/v1/calls/${call.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(call);
  });

  it('accepts the deprecated OutboundCall and stores the current name', async () => {
    const res = await post('/apps/api/v1/calls', { call_type: 'OutboundCall', agent_email: agentIn('Available').email, end_user_number: '4155550100' });
    expect(res.status).toBe(201);
    expect((res.body as Call).call_type).toBe('Voice Outbound (API)');
  });

  it('answers an outbound call by ticket only with 202 and an empty body, creating nothing', async () => {
    const before = sim.state.calls.length;
    const res = await post('/apps/api/v1/calls', { call_type: 'Voice Outbound (API)', agent_email: agentIn('Available').email, ticket_id: '123123' });
    expect(res.status).toBe(202);
    expect(res.body).toBeNull();
    expect(sim.state.calls.length).toBe(before);
  });

  it('creates an inbound call (queued) on an IVR or web menu', async () => {
    for (const [menuId, type] of [
      [61, 'IncomingCall'],
      ['63', 'Voice Inbound (API)'],
    ] as const) {
      const res = await post('/apps/api/v1/calls', {
        call_type: type,
        menu_id: menuId,
        end_user_number: '+1 859-657-9625',
        recording_permission: 'recording_permission_granted',
        ticket_id: '76517',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        call_type: 'Voice Inbound (API)',
        status: 'queued',
        lang: 'en',
        queued_at: iso(clock.t),
        agent_info: null,
        recording_permission: 'granted',
        selected_menu: { id: Number(menuId) },
        out_ticket_id: '76517',
      });
    }
  });

  it('creates a scheduled call on a mobile/web menu, or from a parent call_id', async () => {
    const at = iso(clock.t + 2 * 60 * 60_000);
    const res = await post('/apps/api/v1/calls', { call_type: 'Voice Scheduled (API)', menu_id: 64, end_user_number: '+18596579625', scheduled_at: at });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ call_type: 'Voice Scheduled (API)', status: 'scheduled', scheduled_at: at, queued_at: null, selected_menu: { id: 64, menu_type: 'mobile_menu' } });

    const parent = sim.state.calls[3]!;
    const child = await post('/apps/api/v1/calls', { call_type: 'ScheduledCall', call_id: parent.id, end_user_number: '+18596579625', scheduled_at: at });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({ parent_id: parent.id, selected_menu: parent.selected_menu, call_type: 'Voice Scheduled (API)' });
  });

  it.each([
    [{ call_type: 'Voice Chat' }, { message: 'invalid call type - ensure call_type is supported' }],
    [{ call_type: 42 }, { message: 'invalid call type - ensure call_type is supported' }],
    [{}, MISSING],
    [{ call_type: 'Voice Outbound (API)', end_user_number: '+14155550100' }, MISSING],
    [{ call_type: 'Voice Outbound (API)', agent_email: 'x@y.z' }, MISSING],
    [{ call_type: 'Voice Inbound (API)', end_user_number: '+14155550100' }, MISSING],
    [{ call_type: 'Voice Inbound (API)', menu_id: 60 }, MISSING],
    [{ call_type: 'Voice Scheduled (API)', menu_id: 64, end_user_number: '+14155550100' }, MISSING],
    [{ call_type: 'Voice Scheduled (API)', end_user_number: '+14155550100', scheduled_at: '2030-01-01T00:00:00Z' }, MISSING],
    [{ call_type: 'Voice Outbound (API)', agent_email: 'nobody@demo.example.com', end_user_number: '+14155550100' }, { message: 'agent_email is not found' }],
    [{ call_type: 'Voice Inbound (API)', menu_id: 9999, end_user_number: '+14155550100' }, { message: 'menu_id 9999 is not found' }],
    [{ call_type: 'Voice Inbound (API)', menu_id: 64, end_user_number: '+14155550100' }, { message: 'menu_id 64 is not a valid menu for this call type' }],
    [{ call_type: 'Voice Scheduled (API)', menu_id: 60, end_user_number: '+14155550100', scheduled_at: '2030-01-01T00:00:00Z' }, { message: 'menu_id 60 is not a valid menu for this call type' }],
    [{ call_type: 'Voice Scheduled (API)', menu_id: 64, end_user_number: '+14155550100', scheduled_at: '2020-01-01T00:00:00Z' }, { message: 'scheduled_at must be a future time' }],
    [{ call_type: 'Voice Scheduled (API)', menu_id: 64, end_user_number: '+14155550100', scheduled_at: 'tomorrow' }, { message: 'scheduled_at must be a future time' }],
    [{ call_type: 'Voice Scheduled (API)', call_id: 1, end_user_number: '+14155550100', scheduled_at: '2030-01-01T00:00:00Z' }, { message: 'call_id 1 is not found' }],
    [{ call_type: 'Voice Inbound (API)', menu_id: 60, end_user_number: '+14155550100', recording_permission: 'granted' }, { message: 'recording_permission is invalid' }],
  ])('refuses %j with 400 %j', async (body, message) => {
    const before = sim.state.calls.length;
    const res = await post('/apps/api/v1/calls', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(message);
    expect(sim.state.calls.length).toBe(before);
  });

  it.each(['Break', 'In-call', 'Offline'])('refuses an agent in %s: "Agent is not available to take this call"', async (status) => {
    const res = await post('/apps/api/v1/calls', { call_type: 'Voice Outbound (API)', agent_email: agentIn(status).email, end_user_number: '+14155550100' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'Agent is not available to take this call' });
  });
});

describe('GET /manager/api/v1/calls', () => {
  it('pages the calls by id with Link, Total and Per-Page', async () => {
    const total = sim.state.calls.length;
    const res = await get('/manager/api/v1/calls?per=50&page=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('total')).toBe(String(total));
    expect(res.headers.get('per-page')).toBe('50');
    const ids = sim.state.calls.map((c) => c.id).sort((a, b) => a - b);
    expect((res.body as Call[]).map((c) => c.id)).toEqual(ids.slice(50, 100));
    expect(res.headers.get('link')).toBe(`<${sim.url}/manager/api/v1/calls?per=50&page=3>; rel="next", <${sim.url}/manager/api/v1/calls?per=50&page=${Math.ceil(total / 50)}>; rel="last"`);
    const first = await get('/manager/api/v1/calls');
    expect((first.body as Call[]).length).toBe(100);
    expect(first.headers.get('per-page')).toBe('100');
  });

  it('filters by status[], call_type[] and created_at[from|to] (inclusive)', async () => {
    const res = await get('/manager/api/v1/calls?status[]=voicemail_read&status[]=recovered&per=100');
    const want = sim.state.calls.filter((c) => c.status === 'voicemail_read' || c.status === 'recovered');
    expect(want.length).toBeGreaterThan(0);
    expect(res.body).toEqual(want);
    const sched = await get('/manager/api/v1/calls?call_type[]=ScheduledCall&status[]=finished');
    expect(sched.body).toEqual(sim.state.calls.filter((c) => c.call_type === 'Voice Scheduled (API)' && c.status === 'finished'));
    const pivot = sim.state.calls[100]!.created_at;
    const from = await get(`/manager/api/v1/calls?created_at[from]=${pivot}&created_at[to]=${pivot}`);
    expect(from.body).toEqual([sim.state.calls[100]]);
  });

  it('sorts by created_at desc (case-insensitive direction)', async () => {
    const res = await get('/manager/api/v1/calls?sort_column=created_at&sort_direction=DESC&per=5');
    const want = [...sim.state.calls].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id).slice(0, 5);
    expect(res.body).toEqual(want);
    const byId = await get('/manager/api/v1/calls?sort_column=id&sort_direction=desc&per=3');
    expect((byId.body as Call[]).map((c) => c.id)).toEqual(
      sim.state.calls
        .map((c) => c.id)
        .sort((a, b) => b - a)
        .slice(0, 3),
    );
  });

  it('tails by updated_at[from|to] (inclusive) sorted by updated_at, as the notes recommend (notes §1 "Pagination")', async () => {
    const byUpdate = [...sim.state.calls].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    const pivot = byUpdate[byUpdate.length - 20]!.updated_at;
    const asc = await get(`/manager/api/v1/calls?updated_at[from]=${pivot}&sort_column=updated_at&sort_direction=asc&per=5`);
    expect(asc.status).toBe(200);
    expect(asc.body).toEqual(byUpdate.filter((c) => Date.parse(c.updated_at) >= Date.parse(pivot)).slice(0, 5));
    const desc = await get(`/manager/api/v1/calls?updated_at[to]=${pivot}&sort_column=updated_at&sort_direction=desc&per=3`);
    expect(desc.body).toEqual(
      byUpdate
        .filter((c) => Date.parse(c.updated_at) <= Date.parse(pivot))
        .reverse()
        .slice(0, 3),
    );
  });

  it('stamps updated_at when a call changes, through its endpoints or in state directly, and keeps it otherwise', async () => {
    const saved = clock.t;
    try {
      clock.t = saved + 7 * 60_000;
      const [edited, flagged, explicit, untouched] = [sim.state.calls[3]!, sim.state.calls[4]!, sim.state.calls[5]!, sim.state.calls[6]!];
      const untouchedAt = untouched.updated_at;
      edited.status = edited.status === 'connected' ? 'finished' : 'connected';
      explicit.status = explicit.status === 'connected' ? 'finished' : 'connected';
      explicit.updated_at = iso(saved + 5 * 60_000); // the writer's own stamp is kept
      const added = { ...structuredClone(untouched), id: maxCallId() + 1 }; // a new record: a write now, whatever it carries
      sim.state.calls.push(added);
      expect((await send('PATCH', `/apps/api/v1/calls/${flagged.id}/customer_flag`, { verified_customer: !flagged.verified })).status).toBe(200); // mirrored in the call's `verified`
      const res = await get(`/manager/api/v1/calls?updated_at[from]=${iso(saved + 5 * 60_000)}&sort_column=updated_at`);
      expect((res.body as Call[]).map((c) => [c.id, c.updated_at])).toEqual([
        [explicit.id, iso(saved + 5 * 60_000)],
        [edited.id, iso(clock.t)],
        [flagged.id, iso(clock.t)],
        [added.id, iso(clock.t)],
      ]);
      clock.t += 60_000;
      const again = await get(`/manager/api/v1/calls/${untouched.id}`);
      expect((again.body as Call).updated_at).toBe(untouchedAt);
      expect((await get(`/manager/api/v1/calls?updated_at[from]=${iso(clock.t)}`)).body).toEqual([]);
    } finally {
      clock.t = saved;
    }
  });

  it('refuses bad sort and time parameters, and an unknown call', async () => {
    expect(await get('/manager/api/v1/calls?sort_column=status')).toMatchObject({ status: 400, body: { message: 'Invalid sort_column - use id, created_at or updated_at' } });
    expect(await get('/manager/api/v1/calls?updated_at[from]=yesterday')).toMatchObject({ status: 400, body: { message: 'Invalid time for updated_at[from] - use ISO 8601 in UTC' } });
    expect(await get('/manager/api/v1/calls?updated_at[to]=2026-13-01T00:00:00Z')).toMatchObject({ status: 400, body: { message: 'Invalid time for updated_at[to] - use ISO 8601 in UTC' } });
    expect(await get('/manager/api/v1/calls?sort_direction=up')).toMatchObject({ status: 400, body: { message: 'Invalid sort_direction - use asc or desc' } });
    expect(await get('/manager/api/v1/calls?created_at[to]=soon')).toMatchObject({ status: 400, body: { message: 'Invalid time for created_at[to] - use ISO 8601 in UTC' } });
    expect(await get('/manager/api/v1/calls?per=1000')).toMatchObject({ status: 400 });
    expect(await get('/manager/api/v1/calls/1')).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await get('/manager/api/v1/calls/abc')).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('customer flags', () => {
  it('reads, PATCHes (request key repeat_customers) and PUTs the flags', async () => {
    const call = sim.state.calls[10]!;
    const path = `/apps/api/v1/calls/${call.id}/customer_flag`;
    const initial = await get(path);
    expect(initial.status).toBe(200);
    expect(Object.keys(initial.body as object)).toEqual(['verified_customer', 'bad_actor', 'repeat_customer']);
    expect((initial.body as { verified_customer: boolean }).verified_customer).toBe(call.verified);

    const patched = await send('PATCH', path, { verified_customer: true, bad_actor: true, repeat_customers: true });
    expect(patched).toMatchObject({ status: 200, body: { verified_customer: true, bad_actor: true, repeat_customer: true } });
    expect(await get(path)).toMatchObject({ body: { verified_customer: true, bad_actor: true, repeat_customer: true } });
    expect(sim.state.calls[10]!.verified).toBe(true);

    const put = await send('PUT', path, { bad_actor: false });
    expect(put).toMatchObject({ status: 200, body: { verified_customer: true, bad_actor: false, repeat_customer: true } });
  });

  it('refuses non-boolean values and unknown calls', async () => {
    const path = `/apps/api/v1/calls/${sim.state.calls[11]!.id}/customer_flag`;
    expect(await send('PATCH', path, { verified_customer: 'true' })).toEqual(expect.objectContaining({ status: 400, body: { message: 'customer flags must be booleans' } }));
    expect(await send('PUT', path, { repeat_customers: 1 })).toEqual(expect.objectContaining({ status: 400, body: { message: 'customer flags must be booleans' } }));
    expect(await get('/apps/api/v1/calls/1/customer_flag')).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('PATCH', '/apps/api/v1/calls/1/customer_flag', { bad_actor: true })).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it("refuses the response's spelling `repeat_customer` as a request key (the document's is `repeat_customers`), PATCH and PUT, and changes nothing", async () => {
    const call = sim.state.calls[12]!;
    const path = `/apps/api/v1/calls/${call.id}/customer_flag`;
    const before = (await get(path)).body as Record<string, boolean>;
    const refused = { status: 400, body: { message: 'found unpermitted parameter: repeat_customer - the request key is repeat_customers' } };
    for (const [method, body] of [
      ['PATCH', { repeat_customer: !before.repeat_customer }],
      ['PUT', { repeat_customer: !before.repeat_customer }],
      ['PATCH', { verified_customer: !before.verified_customer, repeat_customer: true, repeat_customers: true }],
    ] as const) {
      const r = await send(method, path, body);
      expect({ method, body, status: r.status, answer: r.body }).toEqual({ method, body, status: refused.status, answer: refused.body });
    }
    expect((await get(path)).body).toEqual(before);
  });
});

describe('POST /apps/api/v1/calls/:id/end_user', () => {
  const active = () => sim.state.calls.find((c) => c.status === 'connected')!;

  it('accepts (202) and stores the end user on the call; a repeat within 5 s is a duplicate', async () => {
    const call = active();
    const path = `/apps/api/v1/calls/${call.id}/end_user`;
    const res = await post(path, { identifier: 'crm-42', name: 'Ada', email: 'ada@example.com', phone: '+14155550111' });
    expect(res).toMatchObject({ status: 202, body: { message: 'accepted' } });
    const stored = (await get(`/manager/api/v1/calls/${call.id}`)).body as Call;
    expect(stored.end_user.identifier).toBe('crm-42');
    expect(await get('/apps/api/v1/end_users?identifier=crm-42')).toMatchObject({ status: 200, body: { id: stored.end_user.id, identifier: 'crm-42' } });

    clock.t += 4_000;
    expect(await post(path, { identifier: 'crm-43' })).toMatchObject({ status: 400, body: { message: 'Duplicate request: Please wait for the interval to expire' } });
    clock.t += 1_000;
    expect(await post(path, { identifier: 'crm-43' })).toMatchObject({ status: 202, body: { message: 'accepted' } });
  });

  it('refuses a missing identifier, an ended call and an unknown call', async () => {
    const call = sim.state.calls.find((c) => c.status === 'queued')!;
    for (const body of [{}, { identifier: '' }, { identifier: '  ' }]) {
      expect(await post(`/apps/api/v1/calls/${call.id}/end_user`, body)).toMatchObject({ status: 400, body: { message: 'param is missing or the value is empty: identifier' } });
    }
    for (const status of ['finished', 'failed', 'recovered', 'action_only_finished', 'voicemail_read']) {
      const ended = sim.state.calls.find((c) => c.status === status)!;
      expect(await post(`/apps/api/v1/calls/${ended.id}/end_user`, { identifier: 'x' })).toMatchObject({ status: 400, body: { message: 'Call is already ended' } });
    }
    expect(await post('/apps/api/v1/calls/1/end_user', { identifier: 'x' })).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('POST /apps/api/v1/calls/:id/custom_data', () => {
  const secret = APPS_API_SIM_DEFAULTS.companySecret;
  const customData = {
    reserved_verified_customer: { label: 'LABEL 1', value: true },
    reserved_bad_actor: { label: 'LABEL 2', value: false },
    reserved_repeat_customer: { label: 'LABEL 3', value: true },
    field1: { label: 'LABEL 4', value: 'dummy1' },
  };

  it('stores unsigned data and applies the reserved flags', async () => {
    const call = sim.state.calls[20]!;
    const res = await post(`/apps/api/v1/calls/${call.id}/custom_data`, { signed: false, data: customData });
    expect(res).toMatchObject({ status: 200, body: { message: 'success' } });
    expect(sim.state.callCustomData[String(call.id)]).toEqual(customData);
    expect((await get(`/apps/api/v1/calls/${call.id}/customer_flag`)).body).toEqual({ verified_customer: true, bad_actor: false, repeat_customer: true });
  });

  it('verifies signed_data (HS256 with the company secret)', async () => {
    const call = sim.state.calls[21]!;
    const nowSec = Math.floor(clock.t / 1000);
    const token = signHs256Jwt({ custom_data: { reserved_bad_actor: { value: true }, field2: { value: 'x' } }, exp: nowSec + 60, iat: nowSec }, secret);
    const res = await post(`/apps/api/v1/calls/${call.id}/custom_data`, { signed: true, signed_data: token });
    expect(res).toMatchObject({ status: 200, body: { message: 'success' } });
    expect(sim.state.callCustomData[String(call.id)]).toEqual({ reserved_bad_actor: { value: true }, field2: { value: 'x' } });
    expect(((await get(`/apps/api/v1/calls/${call.id}/customer_flag`)).body as { bad_actor: boolean }).bad_actor).toBe(true);
  });

  it('refuses bad signatures, other algorithms, expired tokens, missing custom_data and malformed data', async () => {
    const path = `/apps/api/v1/calls/${sim.state.calls[22]!.id}/custom_data`;
    const nowSec = Math.floor(clock.t / 1000);
    const payload = { custom_data: { field1: { value: 1 } }, exp: nowSec + 60, iat: nowSec };
    const bad = [
      signHs256Jwt(payload, 'wrong secret'),
      signHs256Jwt(payload, secret, { alg: 'HS512' }),
      signHs256Jwt(payload, secret, { alg: 'none' }),
      signHs256Jwt({ ...payload, exp: nowSec - 1 }, secret),
      signHs256Jwt({ exp: nowSec + 60 }, secret),
      'not.a.jwt',
      42,
    ];
    for (const token of bad) {
      expect(await post(path, { signed: true, signed_data: token })).toMatchObject({ status: 400, body: { message: 'signed_data is invalid' } });
    }
    for (const data of [undefined, 'x', { field1: 'plain' }, { field1: { label: 'no value' } }, { reserved_bad_actor: { value: 'yes' } }]) {
      expect(await post(path, { signed: false, data })).toMatchObject({ status: 400, body: { message: 'data is invalid' } });
    }
    expect(sim.state.callCustomData[String(sim.state.calls[22]!.id)]).toBeUndefined();
    expect(await post('/apps/api/v1/calls/1/custom_data', { signed: false, data: {} })).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});
