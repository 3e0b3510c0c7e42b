/** Apps API simulator: chats (vendor-docs/apps-api.txt "Chats"; notes §1 "Chats: ..." rows). */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, CHATS_400, CHAT_STATUSES, END_USER_400, buildAppsApiState, signHs256Jwt, startAppsApiSim, type AppsApiSim, type ChatSession } from '../../sim/apps-api';
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
const A = '/apps/api/v1/chats';
const chatIn = (status: string) => sim.state.chatSessions.find((c) => c.status === status)!;
const bad = (message: string) => ({ status: 400, body: { message } });
const answer = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });
const EU = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed).endUsers[0]!.id;
const webMenu = () => sim.state.menus.find((m) => m.menu_type === 'web_menu')!;
const ivrMenu = () => sim.state.menus.find((m) => m.menu_type === 'ivr_menu')!;

describe('seeded chats', () => {
  it('are deterministic, cover every status at least twice, name seeded agents and end users, and some carry a transcript', () => {
    const state = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);
    expect(buildAppsApiState(APPS_API_SIM_DEFAULTS.seed).chatSessions).toEqual(state.chatSessions);
    expect(state.chatSessions).toHaveLength(60);
    for (const s of CHAT_STATUSES) expect(state.chatSessions.filter((c) => c.status === s).length).toBeGreaterThanOrEqual(2);
    const agentIds = new Set(state.agents.map((a) => a.id));
    const endUserIds = new Set(state.endUsers.map((u) => u.id));
    for (const c of state.chatSessions) {
      if (c.agent) expect(agentIds.has(c.agent.id)).toBe(true);
      expect(endUserIds.has(c.end_user.id)).toBe(true);
    }
    expect(state.chatSessions.filter((c) => c.transcript !== null).length).toBe(20);
    expect(state.chatSessions.map((c) => c.id)).toEqual([...state.chatSessions.map((c) => c.id)].sort((a, b) => a - b));
  });
});

describe('GET /manager/api/v1/chats', () => {
  it('pages with page/per and the Link, Total and Per-Page headers', async () => {
    const res = await get('/manager/api/v1/chats?per=10&page=2');
    expect(res.status).toBe(200);
    expect((res.body as ChatSession[]).map((c) => c.id)).toEqual(sim.state.chatSessions.slice(10, 20).map((c) => c.id));
    expect(res.headers.get('total')).toBe('60');
    expect(res.headers.get('per-page')).toBe('10');
    expect(res.headers.get('link')).toContain('page=3>; rel="next"');
  });

  it('filters by status[] and created_at, and refuses a bad time', async () => {
    const res = await get('/manager/api/v1/chats?status[]=dismissed&status[]=va_dismissed');
    expect((res.body as ChatSession[]).every((c) => c.status === 'dismissed' || c.status === 'va_dismissed')).toBe(true);
    const from = sim.state.chatSessions[30]!.created_at;
    const later = await get(`/manager/api/v1/chats?created_at[from]=${encodeURIComponent(from)}`);
    expect((later.body as ChatSession[])[0]!.id).toBe(sim.state.chatSessions[30]!.id);
    expect(answer(await get('/manager/api/v1/chats?created_at[from]=nope'))).toEqual(bad('Invalid time for created_at[from] - use ISO 8601 in UTC'));
  });

  it('reads one chat, and 404s an unknown one', async () => {
    const c = sim.state.chatSessions[0]!;
    expect((await get(`/manager/api/v1/chats/${c.id}`)).body).toEqual(c);
    expect(answer(await get('/manager/api/v1/chats/999999'))).toEqual({ status: 404, body: NOT_FOUND });
    expect(answer(await get(`${A}/999999`))).toEqual({ status: 404, body: NOT_FOUND });
  });
});

describe('POST /apps/api/v1/chats', () => {
  it('starts a chat (201, queued) with its transcript', async () => {
    const eu = sim.state.endUsers[0]!;
    const transcript = { messages: [{ from: 'end_user', content: 'hi', sent_at: iso(clock.t) }] };
    const res = await post(A, { chat: { menu_id: webMenu().id, end_user_id: eu.id, lang: 'en', email: 'a@example.com', context: { order: 1 }, transcript } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'queued', end_user: { id: eu.id, identifier: eu.identifier }, transcript, created_at: iso(clock.t), menus: [{ id: webMenu().id }] });
  });

  it.each([
    ['no chat object', {}, MISSING.message],
    ['no menu_id', { chat: { end_user_id: 1 } }, MISSING.message],
    ['a string menu_id', { chat: { menu_id: '63', end_user_id: 1 } }, CHATS_400.notInteger('menu_id')],
    ['a string end_user_id', { chat: { menu_id: 63, end_user_id: '1' } }, CHATS_400.notInteger('end_user_id')],
    ['an unknown menu', { chat: { menu_id: 9999, end_user_id: 1 } }, CHATS_400.menuNotFound(9999)],
    ['an IVR menu', { chat: { menu_id: 60, end_user_id: 1 } }, CHATS_400.menuNotChat(60)],
    ['an unknown end user', { chat: { menu_id: 63, end_user_id: 999999 } }, CHATS_400.endUserNotFound(999999)],
    ['a transcript that is not an object', { chat: { menu_id: 63, end_user_id: EU, transcript: 'x' } }, CHATS_400.notObject('transcript')],
  ])('refuses %s', async (_name, body, message) => {
    expect(ivrMenu().id).toBe(60);
    expect(answer(await post(A, body))).toEqual(bad(message));
  });
});

describe('update, resume, messages and escalations', () => {
  it('finishes an open chat (PATCH) and refuses to touch an ended one', async () => {
    const c = chatIn('assigned');
    const res = await send('PATCH', `${A}/${c.id}`, { finished_by_user_id: c.agent!.id, chat: { status: 'finished' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, status: 'finished', finished_by_user_id: c.agent!.id, ends_at: iso(clock.t) });
    expect(answer(await send('PATCH', `${A}/${c.id}`, { chat: { status: 'finished' } }))).toEqual(bad(CHATS_400.chatEnded));
  });

  it.each([
    ['a string finished_by_user_id', { finished_by_user_id: '5' }, CHATS_400.notInteger('finished_by_user_id')],
    ['an unknown status', { chat: { status: 'done' } }, CHATS_400.invalidStatus],
    ['an unknown escalation', { chat: { escalation_id: 1 } }, CHATS_400.escalationNotFound(1)],
    ['nothing', {}, MISSING.message],
  ])('refuses an update with %s', async (_name, body, message) => {
    expect(answer(await send('PATCH', `${A}/${chatIn('queued').id}`, body))).toEqual(bad(message));
  });

  it('resumes only a dismissed chat, with the vendor message otherwise', async () => {
    const c = chatIn('va_dismissed');
    expect((await send('PATCH', `${A}/${c.id}/resume`)).body).toMatchObject({ id: c.id, status: 'va_assigned', ends_at: null });
    expect(answer(await send('PATCH', `${A}/${c.id}/resume`))).toEqual(bad('This chat is not in dismissed state.'));
  });

  it('takes a text message from the end user (201) and refuses malformed ones', async () => {
    const c = chatIn('queued');
    const res = await post(`${A}/${c.id}/messages`, { from_user_id: c.end_user.id, message: { type: 'text', content: 'Hello' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ from_user_id: c.end_user.id, from: 'end_user', type: 'text', content: 'Hello', sent_at: iso(clock.t) });
    expect(sim.state.chatSessions.find((x) => x.id === c.id)!.messages.at(-1)).toEqual(res.body);
    expect(answer(await post(`${A}/${c.id}/messages`, { from_user_id: String(c.end_user.id), message: { type: 'text', content: 'x' } }))).toEqual(bad(CHATS_400.notInteger('from_user_id')));
    expect(answer(await post(`${A}/${c.id}/messages`, { from_user_id: c.end_user.id, message: { type: 'gif' } }))).toEqual(bad(CHATS_400.invalidMessageType));
    expect(answer(await post(`${A}/${c.id}/messages`, { from_user_id: c.end_user.id, message: { type: 'text' } }))).toEqual(bad(CHATS_400.contentMissing));
    expect(answer(await post(`${A}/${c.id}/messages`, { from_user_id: c.end_user.id, message: { type: 'photo' } }))).toEqual(bad(CHATS_400.mediaMissing));
    expect(answer(await post(`${A}/${c.id}/messages`, { from_user_id: 1, message: { type: 'text', content: 'x' } }))).toEqual(bad(CHATS_400.userNotFound('from_user_id', 1)));
    expect(answer(await post(`${A}/${c.id}/messages`, { message: { type: 'text', content: 'x' } }))).toEqual(bad(MISSING.message));
  });

  it('escalates a virtual-agent chat, refuses others unless forced, and sets the deflection channel', async () => {
    const c = chatIn('va_assigned');
    const res = await post(`${A}/${c.id}/escalations`, { reason: 'asked for a human', force_escalate: false });
    expect(res.status).toBe(201);
    const esc = res.body as { id: number };
    expect(res.body).toMatchObject({ reason: 'asked for a human', force_escalate: false, deflection_channel: null });
    expect(sim.state.chatSessions.find((x) => x.id === c.id)!.status).toBe('queued');
    expect(answer(await post(`${A}/${c.id}/escalations`, {}))).toEqual(bad(CHATS_400.notVirtualAgent));
    expect((await post(`${A}/${c.id}/escalations`, { force_escalate: true })).status).toBe(201);
    expect(answer(await post(`${A}/${c.id}/escalations`, { force_escalate: 'yes' }))).toEqual(bad(CHATS_400.notBoolean('force_escalate')));
    expect(answer(await post(`${A}/${c.id}/escalations`, { reason: 5 }))).toEqual(bad(CHATS_400.notString('reason')));
    const upd = await send('PATCH', `${A}/${c.id}/escalations/${esc.id}`, { deflection_channel: 'email' });
    expect(upd.body).toMatchObject({ id: esc.id, deflection_channel: 'email' });
    expect(answer(await send('PATCH', `${A}/${c.id}/escalations/${esc.id}`, {}))).toEqual(bad('param is missing or the value is empty: deflection_channel'));
    expect(answer(await send('PATCH', `${A}/${c.id}/escalations/1`, { deflection_channel: 'email' }))).toEqual({ status: 404, body: NOT_FOUND });
  });
});

describe('photos, videos and media', () => {
  it('adds photos and a video, lists them, serves one, and hands out upload URLs', async () => {
    const c = chatIn('queued');
    const photos = await post(`${A}/${c.id}/photos`, {
      photo: [
        { s3_path: 'a/1.png', photo_type: 'image/png' },
        { s3_path: 'a/2.png', photo_type: 'image/png' },
      ],
    });
    expect(photos.status).toBe(201);
    expect((photos.body as unknown[]).length).toBe(2);
    const video = await post(`${A}/${c.id}/videos`, { video: { s3_path: 'a/3.mp4' } });
    expect(video.body).toMatchObject({ type: 'video', s3_path: 'a/3.mp4' });
    expect((await get(`${A}/${c.id}/photos`)).body).toEqual([
      { media_id: `${c.id}-1`, url: 'https://storage.sim.invalid/a/1.png' },
      { media_id: `${c.id}-2`, url: 'https://storage.sim.invalid/a/2.png' },
    ]);
    expect((await get(`${A}/${c.id}/videos`)).body).toEqual([{ media_id: `${c.id}-3`, url: 'https://storage.sim.invalid/a/3.mp4' }]);
    expect((await get(`${A}/${c.id}/media/${c.id}-3`)).body).toMatchObject({ media_id: `${c.id}-3`, type: 'video' });
    expect(answer(await get(`${A}/${c.id}/media/nope`))).toEqual({ status: 404, body: NOT_FOUND });
    expect((await get(`${A}/${c.id}/photos/upload_url`)).body).toMatchObject({ s3_path: `chats/${c.id}/photos/4`, expires_at: iso(clock.t + 15 * 60_000) });
    expect((await get(`${A}/${c.id}/videos/upload_url`)).status).toBe(200);
    expect(answer(await post(`${A}/${c.id}/photos`, { photo: [] }))).toEqual(bad('param is missing or the value is empty: photo'));
    expect(answer(await post(`${A}/${c.id}/photos`, { photo: [{ photo_type: 'x' }] }))).toEqual(bad('param is missing or the value is empty: s3_path'));
    expect(answer(await post(`${A}/${c.id}/videos`, { video: [{ s3_path: 'x' }] }))).toEqual(bad('param is missing or the value is empty: video'));
  });
});

describe("a chat's data", () => {
  it('reads and writes customer flags (PATCH and PUT, `repeat_customers`)', async () => {
    const c = sim.state.chatSessions[1]!;
    const flags = sim.state.chatCustomerFlags[String(c.id)]!;
    expect((await get(`${A}/${c.id}/customer_flag`)).body).toEqual(flags);
    expect((await send('PATCH', `${A}/${c.id}/customer_flag`, { repeat_customers: true })).body).toEqual({ ...flags, repeat_customer: true });
    expect((await send('PUT', `${A}/${c.id}/customer_flag`, { bad_actor: true })).body).toMatchObject({ bad_actor: true });
    expect(answer(await send('PATCH', `${A}/${c.id}/customer_flag`, { bad_actor: 'yes' }))).toEqual(bad(CHATS_400.flagsNotBoolean));
  });

  it("refuses the response's spelling `repeat_customer` as a request key (the document's is `repeat_customers`), PATCH and PUT, and changes nothing", async () => {
    const c = sim.state.chatSessions[3]!;
    const path = `${A}/${c.id}/customer_flag`;
    const before = { ...sim.state.chatCustomerFlags[String(c.id)]! };
    const refused = bad('found unpermitted parameter: repeat_customer - the request key is repeat_customers');
    for (const [method, sent] of [
      ['PATCH', { repeat_customer: !before.repeat_customer }],
      ['PUT', { repeat_customer: !before.repeat_customer }],
      ['PATCH', { bad_actor: !before.bad_actor, repeat_customer: true, repeat_customers: true }],
    ] as const) {
      expect({ method, sent, ...answer(await send(method, path, sent)) }).toEqual({ method, sent, ...refused });
    }
    expect((await get(path)).body).toEqual(before);
  });

  it('takes custom data, signed or not, and the reserved flags set the customer flags', async () => {
    const c = sim.state.chatSessions[2]!;
    expect(answer(await post(`${A}/${c.id}/custom_data`, { signed: false, data: { reserved_bad_actor: { label: 'L', value: true }, f1: { value: 'x' } } }))).toEqual({
      status: 200,
      body: { message: 'success' },
    });
    expect(sim.state.chatCustomerFlags[String(c.id)]!.bad_actor).toBe(true);
    const iat = Math.floor(clock.t / 1000);
    const jwt = signHs256Jwt({ custom_data: { f2: { value: 'y' } }, iat, exp: iat + 60 }, APPS_API_SIM_DEFAULTS.companySecret);
    expect((await post(`${A}/${c.id}/custom_data`, { signed: true, signed_data: jwt })).status).toBe(200);
    expect(sim.state.chatCustomData[String(c.id)]).toEqual({ reserved_bad_actor: { label: 'L', value: true }, f1: { value: 'x' }, f2: { value: 'y' } });
    expect(answer(await post(`${A}/${c.id}/custom_data`, { signed: true, signed_data: `${jwt}x` }))).toEqual(bad(CHATS_400.signedDataInvalid));
    expect(answer(await post(`${A}/${c.id}/custom_data`, { data: { f: 'bare' } }))).toEqual(bad(CHATS_400.dataInvalid));
  });

  it('updates the end user of an open chat (202), once per interval, and refuses an ended chat or no identifier', async () => {
    const c = chatIn('selecting');
    expect(answer(await post(`${A}/${c.id}/end_user`, {}))).toEqual(bad(END_USER_400.identifierMissing));
    expect(answer(await post(`${A}/${c.id}/end_user`, { identifier: 'crm-77', name: 'Ada' }))).toEqual({ status: 202, body: { message: 'accepted' } });
    expect(sim.state.chatSessions.find((x) => x.id === c.id)!.end_user.identifier).toBe('crm-77');
    expect(answer(await post(`${A}/${c.id}/end_user`, { identifier: 'crm-77' }))).toEqual(bad(END_USER_400.duplicate));
    expect(answer(await post(`${A}/${chatIn('failed').id}/end_user`, { identifier: 'crm-78' }))).toEqual(bad(CHATS_400.chatEnded));
  });
});
