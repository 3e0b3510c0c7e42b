/**
 * The Ameyo simulator's app-server and web-access commands: manual dial (clickToDialWithTokenAsync), dispose
 * (disposeCallForUser), dispose and manual dial (disposeAndManualDial) and voice logs (downloadVoiceLog).
 */
import { AMEYO_SIM_DEFAULTS, agentLegId, WEB_ACCESS_POLICY_NAME, recordingCrtIds, seedAmeyoState, startAmeyoSim, type AmeyoSession, type AmeyoSim, type AmeyoUserStatus } from '../../sim/ameyo';

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const BASIC = basic(AMEYO_SIM_DEFAULTS.username, AMEYO_SIM_DEFAULTS.password);
const WA_HEADERS = {
  'hash-key': AMEYO_SIM_DEFAULTS.hashKey,
  'policy-name': 'token-based-authorization-policy',
  'requesting-host': AMEYO_SIM_DEFAULTS.requestingHost,
};
const DIAL = '/ameyowebaccess/command/?command=clickToDialWithTokenAsync';
const DISPOSE = '/ameyorestapi/voice/disposeCallForUser';
const DISPOSE_AND_DIAL = '/ameyorestapi/voice/disposeAndManualDial';

const SUCCESS = { result: 'success', reason: 'success' };
const failed = (reason: string) => ({ result: 'failed', reason });
const INVALID_WA_TOKEN = { status: 'error', reason: 'Invalid token', details: 'Authentication failed for the web access command' };
const INVALID_APP_TOKEN = { message: 'invalid.authentication.token', code: 909090, info: 'Authentication token is invalid', status: 401 };
const INVALID_SESSION = { message: 'invalid.session.id', code: 909092, info: 'Invalid session id', status: 401 };
const CRT = /^[0-9a-f]{4}-[0-9a-f]{8}-vce-\d+$/;

let sim: AmeyoSim;
beforeEach(async () => {
  sim = await startAmeyoSim({ port: 0, requestsPerSecond: 0 });
});
afterEach(async () => {
  await sim.close();
});

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(sim.url + path, init);
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown = bytes.toString('utf8');
  try {
    body = JSON.parse(body as string);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, body, bytes };
}

const post = (path: string, body: unknown, headers: Record<string, string>) => call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A logged-in agent's session with this status and (optionally) this live channel. */
function sessionWith(status: AmeyoUserStatus, channel?: 'VOICE' | 'CHAT'): AmeyoSession {
  const s = sim.state.sessions.find((x) => {
    const i = sim.state.interactions.find((y) => y.sessionId === x.sessionId);
    return x.userStatus === status && (channel === undefined ? !i : i?.channelType === channel);
  });
  if (!s) throw new Error(`no seeded session with ${status} ${channel ?? ''}`);
  return s;
}
const liveCall = (s: AmeyoSession) => sim.state.interactions.find((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE');
const loggedOffAgent = () => sim.state.agents.find((a) => !sim.state.sessions.some((s) => s.userId === a.userId))!;
const planOf = (s: AmeyoSession) => sim.state.dispositionPlans[s.campaignId]!;

describe('options and seed additions', () => {
  it('has the new defaults and a disposition plan per campaign', () => {
    expect(AMEYO_SIM_DEFAULTS).toMatchObject({ hashKey: 'ameyo-demo-hash-key', requestingHost: 'switchboard.demo', appServerToken: 'ameyo-demo-app-token' });
    expect(WEB_ACCESS_POLICY_NAME).toBe('token-based-authorization-policy');
    const base = ['sale', 'callback', 'not_interested', 'wrong_number', 'voicemail'];
    expect(sim.state.dispositionPlans).toEqual({
      389: [...base, 'promise_to_pay', 'Redial'],
      412: [...base, 'resolved', 'escalated'],
      437: [...base, 'resolved'],
    });
    expect(sim.state.uploadTasks).toEqual([]);
    expect(sim.state.dials).toEqual([]);
    expect(sim.state.dispositions).toEqual([]);
  });

  it('lists crt ids with and without recordings; every seed has calls without one', () => {
    const { withRecording, withoutRecording } = recordingCrtIds(sim.state);
    expect(withoutRecording.length).toBeGreaterThan(0);
    expect(withRecording.length).toBeGreaterThan(0);
    expect([...withRecording, ...withoutRecording].sort()).toEqual(sim.state.calls.map((c) => c.crtObjectId).sort());
    for (const seed of [1, 2, 3, 42, 7]) {
      expect(recordingCrtIds(seedAmeyoState({ seed, ccId: 1, users: [] })).withoutRecording.length).toBeGreaterThan(0);
    }
  });

  it('takes custom tokens', async () => {
    const custom = await startAmeyoSim({ port: 0, requestsPerSecond: 0, hashKey: 'hk', requestingHost: 'crm.example', appServerToken: 'tok' });
    try {
      const agent = sessionWith('Ready');
      const headers = { 'content-type': 'application/json', 'hash-key': 'hk', 'policy-name': WEB_ACCESS_POLICY_NAME, 'requesting-host': 'crm.example' };
      const body = JSON.stringify({ userId: agent.userId, campaignId: agent.campaignId, phone: '9911337923' });
      const ok = await fetch(custom.url + DIAL, { method: 'POST', headers, body });
      expect(await ok.json()).toEqual(SUCCESS);
      const old = await fetch(custom.url + DIAL, { method: 'POST', headers: { ...headers, 'hash-key': AMEYO_SIM_DEFAULTS.hashKey }, body });
      expect(old.status).toBe(401);
      const dispose = await fetch(custom.url + DISPOSE, {
        method: 'POST',
        headers: { authorization: 'tok', 'content-type': 'application/json' },
        body: '{"userId":"no.one","dispositionCodeName":"sale"}',
      });
      expect(dispose.status).toBe(512);
    } finally {
      await custom.close();
    }
  });
});

describe('POST /ameyowebaccess/command/?command=clickToDialWithTokenAsync', () => {
  const dial = (body: unknown, headers: Record<string, string> = WA_HEADERS, path = DIAL) => post(path, body, headers);

  it('dials for a logged-in agent (the doc sample body) and records it', async () => {
    const s = sessionWith('Ready');
    const body = { userId: s.userId, campaignId: String(s.campaignId), shouldAddCustomer: false, phone: '9911337923', additionalParams: { recordId: '0015g00000z04cfaab' } };
    const r = await dial(body);
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(sim.state.dials).toHaveLength(1);
    expect(sim.state.dials[0]).toMatchObject({ command: 'clickToDialWithTokenAsync', userId: s.userId, campaignId: s.campaignId, phone: '9911337923', crtObjectId: null, body });
    expect(typeof sim.state.dials[0]!.atMs).toBe('number');
    // Asynchronous: the agent's session is not changed.
    expect(s.userStatus).toBe('Ready');
  });

  it('accepts the path without the trailing slash, a numeric campaignId, and the form style data=<json>', async () => {
    const s = sessionWith('Ready');
    const noSlash = await dial({ userId: s.userId, campaignId: s.campaignId, phone: '+91 99113-37923' }, WA_HEADERS, '/ameyowebaccess/command?command=clickToDialWithTokenAsync');
    expect({ status: noSlash.status, body: noSlash.body }).toEqual({ status: 200, body: SUCCESS });
    const data = JSON.stringify({ userId: s.userId, campaignId: String(s.campaignId), phone: '9911337923', shouldAddCustomer: false });
    const formStyle = await call(DIAL, {
      method: 'POST',
      headers: { ...WA_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data }).toString(),
    });
    expect({ status: formStyle.status, body: formStyle.body }).toEqual({ status: 200, body: SUCCESS });
    expect(sim.state.dials.map((d) => d.phone)).toEqual(['+91 99113-37923', '9911337923']);
  });

  it('answers 200 failed with the reason', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const off = loggedOffAgent();
    const cases: Array<[unknown, string]> = [
      [{ campaignId: '389', phone: '9911337923' }, 'userId, campaignId and phone are required'],
      [{ userId: s.userId, phone: '9911337923' }, 'userId, campaignId and phone are required'],
      [{ userId: s.userId, campaignId: '389', phone: '' }, 'userId, campaignId and phone are required'],
      ['not an object', 'userId, campaignId and phone are required'],
      [{ userId: 'no.body', campaignId: '389', phone: '9911337923' }, 'User no.body not found'],
      [{ userId: off.userId, campaignId: '389', phone: '9911337923' }, `User ${off.userId} is not logged in`],
      [{ userId: s.userId, campaignId: '999', phone: '9911337923' }, 'Campaign 999 not found'],
      [{ userId: s.userId, campaignId: '389', phone: '12345' }, 'Invalid phone number'],
      [{ userId: s.userId, campaignId: '389', phone: '99113379231234567' }, 'Invalid phone number'],
      [{ userId: s.userId, campaignId: '389', phone: '99-ab-37923' }, 'Invalid phone number'],
    ];
    for (const [body, reason] of cases) {
      const r = await dial(body);
      expect({ body, status: r.status, answer: r.body }).toEqual({ body, status: 200, answer: failed(reason) });
    }
    expect(sim.state.dials).toEqual([]);
  });

  it('answers 401 for a missing or wrong hash-key, policy-name or requesting-host', async () => {
    const s = sessionWith('Ready');
    const body = { userId: s.userId, campaignId: s.campaignId, phone: '9911337923' };
    for (const name of Object.keys(WA_HEADERS) as Array<keyof typeof WA_HEADERS>) {
      const missing: Record<string, string> = { ...WA_HEADERS };
      delete missing[name];
      const r1 = await dial(body, missing);
      expect({ name, status: r1.status, body: r1.body }).toEqual({ name, status: 401, body: INVALID_WA_TOKEN });
      const r2 = await dial(body, { ...WA_HEADERS, [name]: 'wrong' });
      expect({ name, status: r2.status, body: r2.body }).toEqual({ name, status: 401, body: INVALID_WA_TOKEN });
    }
    sim.setFaults({ expiredToken: true });
    const expired = await dial(body);
    expect({ status: expired.status, body: expired.body }).toEqual({ status: 401, body: INVALID_WA_TOKEN });
    expect(sim.state.dials).toEqual([]);
  });

  it('answers 400 for an unknown or missing command, or a command under the wrong method', async () => {
    const unknown = await post('/ameyowebaccess/command/?command=clickToDial', {}, WA_HEADERS);
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: 400, body: { status: 'error', reason: 'Unknown command', details: "Unknown command 'clickToDial'" } });
    const missing = await post('/ameyowebaccess/command/', {}, WA_HEADERS);
    expect({ status: missing.status, body: missing.body }).toEqual({ status: 400, body: { status: 'error', reason: 'Unknown command', details: "Missing parameter 'command'" } });
    const viaGet = await call(DIAL, { headers: WA_HEADERS });
    expect({ status: viaGet.status, body: viaGet.body }).toEqual({
      status: 400,
      body: { status: 'error', reason: 'Unknown command', details: "Command 'clickToDialWithTokenAsync' does not support GET" },
    });
    // Auth comes first.
    const unauth = await post('/ameyowebaccess/command/?command=nope', {}, {});
    expect(unauth.status).toBe(401);
  });

  it('answers unknown web-access paths in the command error shape', async () => {
    const r = await call('/ameyowebaccess/other', { headers: WA_HEADERS });
    expect({ status: r.status, body: r.body }).toEqual({ status: 404, body: { status: 'error', reason: 'Not found', details: 'No web access endpoint at /ameyowebaccess/other' } });
    const put = await call('/ameyowebaccess/command', { method: 'PUT', headers: WA_HEADERS });
    expect({ status: put.status, body: put.body }).toEqual({ status: 405, body: { status: 'error', reason: 'Method not allowed', details: 'Method PUT is not allowed on /ameyowebaccess/command' } });
  });
});

describe('rate limit of web-access commands (per hash key)', () => {
  it('answers the second command within one second with 429; another family is not affected', async () => {
    const limited = await startAmeyoSim({ port: 0 });
    try {
      const s = limited.state.sessions.find((x) => x.userStatus === 'Ready')!;
      const body = JSON.stringify({ userId: s.userId, campaignId: s.campaignId, phone: '9911337923' });
      const send = () => fetch(limited.url + DIAL, { method: 'POST', headers: { ...WA_HEADERS, 'content-type': 'application/json' }, body });
      expect((await send()).status).toBe(200);
      const second = await send();
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(await second.json()).toEqual({ statusCode: 429, status: 'Too Many Requests', errorCode: 'CONF-1429', errorMessage: 'Rate limit exceeded.' });
      // The voice-log command shares the hash key's budget…
      const log = await fetch(`${limited.url}/ameyowebaccess/command?command=downloadVoiceLog&data=${encodeURIComponent('{"crtObjectId":"x"}')}`, { headers: WA_HEADERS });
      expect(log.status).toBe(429);
      // …while a Basic-auth request counts on its own key.
      const monitoring = await fetch(`${limited.url}/v4/cc-list/1/monitoring/user-session-information?table-name=chat-information`, { headers: { authorization: BASIC } });
      expect(monitoring.status).toBe(200);
      expect(limited.state.dials).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});

describe('POST /ameyorestapi/voice/disposeCallForUser', () => {
  const APP = { authorization: AMEYO_SIM_DEFAULTS.appServerToken };
  const dispose = (body: unknown, headers: Record<string, string> = APP) => post(DISPOSE, body, headers);
  const docBody = (userId: string, code = 'sale') => ({
    userId,
    dispositionCodeName: code,
    dispositionParams: { isSelfCallback: 'false', callbackTime: '', phone: '7004281599' },
    requestId: '8989898989',
    notes: '',
  });

  it('disposes an agent on a call: success, agent Ready without a customer, call recorded', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const live = liveCall(s)!;
    const callsBefore = sim.state.calls.length;
    const r = await dispose(docBody(s.userId));
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(s.userStatus).toBe('Ready');
    expect(liveCall(s)).toBeUndefined();
    expect(sim.state.interactions.includes(live)).toBe(false);
    expect(sim.state.calls).toHaveLength(callsBefore + 1);
    expect(sim.state.calls.at(-1)).toMatchObject({ crtObjectId: live.crtObjectId, userId: s.userId, dispositionCode: 'sale', hasRecording: true, campaignId: s.campaignId });
    expect(sim.state.dispositions).toEqual([
      expect.objectContaining({
        command: 'disposeCallForUser',
        userId: s.userId,
        sessionId: s.sessionId,
        crtObjectId: live.crtObjectId,
        dispositionCode: 'sale',
        params: { isSelfCallback: false, callbackTime: null, phone: '7004281599' },
        body: docBody(s.userId),
      }),
    ]);

    // The monitoring API now shows the agent Ready with no customer.
    const res = await fetch(`${sim.url}/v4/cc-list/1/monitoring/user-session-information?table-name=user-session-information&session-ids=${s.sessionId}`, { headers: { authorization: BASIC } });
    const row = ((await res.json()) as { response: Array<{ data: Record<string, unknown> }> }).response[0]!.data;
    expect(row).toMatchObject({ user_status: 'Ready', customer_status: null, call_id: null, customer_details: { id: null, crt_object_id: null } });

    // Nothing left to dispose.
    const again = await dispose(docBody(s.userId));
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: failed(`No call to dispose for user ${s.userId}`) });
  });

  it('disposes an agent in wrap-up, with a self callback (boolean or string) and an ISO callback time', async () => {
    const s = sessionWith('Wrap-up', 'VOICE');
    const body = { ...docBody(s.userId, 'callback'), dispositionParams: { isSelfCallback: true, callbackTime: '2026-11-03T10:00:00.000Z', phone: '' } };
    const r = await dispose(body);
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(sim.state.dispositions[0]!.params).toEqual({ isSelfCallback: true, callbackTime: '2026-11-03T10:00:00.000Z', phone: null });
    expect(s.userStatus).toBe('Ready');
  });

  it('with a crtObjectId (the CRM document lists it in the request data), disposes only that call: another, or an empty one, is 200 failed "Invalid crtObjectId"', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const live = liveCall(s)!;
    for (const crtObjectId of [`${live.crtObjectId}-not`, '', 42]) {
      const r = await dispose({ ...docBody(s.userId), crtObjectId });
      expect({ crtObjectId, status: r.status, body: r.body }).toEqual({ crtObjectId, status: 200, body: failed('Invalid crtObjectId') });
    }
    expect(liveCall(s)).toBe(live);
    const r = await dispose({ ...docBody(s.userId), crtObjectId: live.crtObjectId });
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(sim.state.dispositions).toEqual([expect.objectContaining({ command: 'disposeCallForUser', crtObjectId: live.crtObjectId })]);
  });

  it('answers 401 RESTAPIErrorResponseEntity for a missing or wrong token', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const variants: Array<Record<string, string>> = [{}, { authorization: 'wrong' }, { authorization: `Bearer ${AMEYO_SIM_DEFAULTS.appServerToken}` }, { sessionId: s.sessionId }];
    for (const headers of variants) {
      const r = await dispose(docBody(s.userId), headers);
      expect({ headers, status: r.status, body: r.body }).toEqual({ headers, status: 401, body: INVALID_APP_TOKEN });
    }
    expect(s.userStatus).toBe('On Call');
  });

  it('answers the non-standard 512 user.not.found for an unknown user', async () => {
    const res = await fetch(sim.url + DISPOSE, { method: 'POST', headers: { ...APP, 'content-type': 'application/json' }, body: JSON.stringify(docBody('no.body')) });
    expect(res.status).toBe(512);
    expect(await res.json()).toEqual({ message: 'user.not.found', code: 909091, info: 'User no.body not found', status: 512 });
  });

  it('answers 200 failed when there is no call: Ready, Break, chat and logged-off agents', async () => {
    for (const userId of [sessionWith('Ready').userId, sessionWith('Break').userId, sessionWith('On Call', 'CHAT').userId, loggedOffAgent().userId]) {
      const r = await dispose(docBody(userId));
      expect({ userId, status: r.status, body: r.body }).toEqual({ userId, status: 200, body: failed(`No call to dispose for user ${userId}`) });
    }
  });

  it('answers 200 failed for a disposition not in the campaign plan (exact match) and bad params', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const notInPlan = ['Sale', 'unknown_code', ...['promise_to_pay', 'escalated', 'resolved'].filter((c) => !planOf(s).includes(c))];
    for (const code of notInPlan) {
      const r = await dispose(docBody(s.userId, code));
      expect({ code, status: r.status, body: r.body }).toEqual({ code, status: 200, body: failed(`Disposition ${code} is not in the disposition plan`) });
    }
    const params: Array<[unknown, string]> = [
      [{ isSelfCallback: 'yes' }, 'Invalid dispositionParams.isSelfCallback'],
      [{ callbackTime: 'tomorrow' }, 'Invalid dispositionParams.callbackTime'],
      [{ phone: '12' }, 'Invalid dispositionParams.phone'],
      ['x', 'Invalid dispositionParams'],
    ];
    for (const [dispositionParams, reason] of params) {
      const r = await dispose({ ...docBody(s.userId), dispositionParams });
      expect({ dispositionParams, status: r.status, body: r.body }).toEqual({ dispositionParams, status: 200, body: failed(reason) });
    }
    const missing = await dispose({ userId: s.userId });
    expect(missing.body).toEqual(failed('userId and dispositionCodeName are required'));
    expect(s.userStatus).toBe('On Call');
    expect(sim.state.dispositions).toEqual([]);
  });

  it('answers unknown app-server paths and methods with RESTAPIErrorResponseEntity', async () => {
    const get = await call(DISPOSE, { headers: APP });
    expect({ status: get.status, body: get.body }).toEqual({
      status: 405,
      body: { message: 'method.not.allowed', code: 909405, info: `Method GET is not allowed on ${DISPOSE}`, status: 405 },
    });
    const other = await post('/ameyorestapi/voice/manualdial', {}, APP);
    expect({ status: other.status, body: other.body }).toEqual({
      status: 404,
      body: { message: 'resource.not.found', code: 909404, info: 'No resource at /ameyorestapi/voice/manualdial', status: 404 },
    });
  });
});

describe('POST /ameyorestapi/voice/disposeAndManualDial', () => {
  const body = (s: AmeyoSession, over: Record<string, unknown> = {}) => ({
    campaignContextId: s.campaignId,
    userCRTObjectId: agentLegId(s),
    crtObjectId: liveCall(s)?.crtObjectId ?? 'none',
    dispositionCode: 'sale',
    phone: '4655456789',
    customerId: '-1',
    requestId: 'dcf7eec5-0c8f-86c1-8d2f-c9f31db9ae8c',
    ...over,
  });
  const send = (b: unknown, sessionId: string | null) => post(DISPOSE_AND_DIAL, b, sessionId === null ? {} : { Sessionid: sessionId });

  it('disposes the current call and dials the new number: new crt id, agent on call, dial recorded', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const old = liveCall(s)!;
    const maxCounter = Math.max(...[...sim.state.calls, ...sim.state.interactions].map((c) => Number(c.crtObjectId.split('-').pop())));
    const b = body(s);
    const r = await send(b, s.sessionId);
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });

    const next = liveCall(s)!;
    expect(next.crtObjectId).not.toBe(old.crtObjectId);
    expect(next.crtObjectId).toMatch(CRT);
    expect(next.crtObjectId.startsWith(old.crtObjectId.split('-')[0]!)).toBe(true);
    expect(Number(next.crtObjectId.split('-').pop())).toBe(maxCounter + 1);
    expect(next).toMatchObject({ channelType: 'VOICE', customerStatus: 'ringing', customerId: -1, phone: '4655456789', campaignId: s.campaignId });
    expect(s.userStatus).toBe('On Call');
    expect(sim.state.calls.at(-1)).toMatchObject({ crtObjectId: old.crtObjectId, dispositionCode: 'sale', hasRecording: true });
    expect(sim.state.dials).toEqual([
      expect.objectContaining({ command: 'disposeAndManualDial', userId: s.userId, campaignId: s.campaignId, phone: '4655456789', crtObjectId: next.crtObjectId, body: b }),
    ]);
    expect(sim.state.dispositions).toEqual([expect.objectContaining({ command: 'disposeAndManualDial', crtObjectId: old.crtObjectId, params: null })]);

    // The monitoring API shows the new call with the dialed number.
    const res = await fetch(`${sim.url}/v4/cc-list/1/monitoring/user-session-information?table-name=customer-information&session-ids=${s.sessionId}`, { headers: { authorization: BASIC } });
    const row = ((await res.json()) as { response: Array<{ data: Record<string, unknown> }> }).response[0]!.data;
    expect(row).toMatchObject({ crt_object_id: next.crtObjectId, phone: '4655456789', customer_status: 'ringing' });

    // The new call can be disposed and redialed in turn; a known contact's number links to the contact.
    const contact = sim.state.contacts.find((c) => c.campaignId === s.campaignId)!;
    const again = await send(body(s, { phone: contact.phone1, customerId: String(contact.customerId) }), s.sessionId);
    expect(again.body).toEqual(SUCCESS);
    expect(liveCall(s)).toMatchObject({ customerId: contact.customerId });
    expect(liveCall(s)!.phone).toBeUndefined();
    expect(sim.state.calls.at(-1)).toMatchObject({ crtObjectId: next.crtObjectId, callType: s.campaignId === 412 ? 'inbound.call.dial' : 'outbound.manual.dial' });
  });

  it('works from wrap-up, with any casing of the sessionId header', async () => {
    const s = sessionWith('Wrap-up', 'VOICE');
    const r = await post(DISPOSE_AND_DIAL, body(s, { dispositionCode: 'callback' }), { SESSIONID: s.sessionId });
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(s.userStatus).toBe('On Call');
  });

  it('answers 401 invalid.session.id for a missing, empty or unknown sessionId', async () => {
    const s = sessionWith('On Call', 'VOICE');
    for (const id of [null, '', 'not-a-session']) {
      const r = await send(body(s), id);
      expect({ id, status: r.status, body: r.body }).toEqual({ id, status: 401, body: INVALID_SESSION });
    }
    sim.setFaults({ expiredToken: true });
    const expired = await send(body(s), s.sessionId);
    expect({ status: expired.status, body: expired.body }).toEqual({ status: 401, body: INVALID_SESSION });
  });

  it('accepts the document\'s sample request: a 6-digit phone, customerId "-1" (no customer), a numeric campaignContextId', async () => {
    const s = sessionWith('On Call', 'VOICE');
    // ameyo-crm-url-integration.txt "sample request and success response" (its ids replaced by this session's).
    const sample = body(s, { campaignContextId: s.campaignId, dispositionCode: 'sale', phone: '465456', customerId: '-1', requestId: 'dcf7eec5-0c8f-86c1-8d2f-c9f31db9ae8c' });
    const r = await send(sample, s.sessionId);
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: SUCCESS });
    expect(liveCall(s)).toMatchObject({ phone: '465456', customerId: -1, customerStatus: 'ringing' });
    expect(sim.state.dials).toEqual([expect.objectContaining({ command: 'disposeAndManualDial', phone: '465456', body: sample })]);
  });

  it('answers 200 failed for a missing or wrong crtObjectId, leg, campaign or customerId, disposition or phone, and changes nothing', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const other = sim.state.calls[0]!.crtObjectId;
    // Each key of the document's required list ("campaignId, userCRTObjectId, crtObjectId, customerId, dispositionCode,
    // phone"), left out or wrong.
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ crtObjectId: other }, 'Invalid crtObjectId'],
      [{ crtObjectId: undefined }, 'Invalid crtObjectId'],
      // Issue 16, item 1: the document requires the agent's leg; a client leaving it out must fail here.
      [{ userCRTObjectId: undefined }, 'Invalid userCRTObjectId'],
      [{ userCRTObjectId: 'd202-5b4d83c1-ses-agent-vmvuggpb-1-uce-5' }, 'Invalid userCRTObjectId'],
      [{ campaignContextId: 999 }, 'Invalid campaignContextId'],
      [{ campaignContextId: undefined }, 'Invalid campaignContextId'],
      [{ campaignContextId: null }, 'Invalid campaignContextId'],
      [{ campaignContextId: '' }, 'Invalid campaignContextId'],
      [{ customerId: undefined }, 'Invalid customerId'],
      [{ customerId: null }, 'Invalid customerId'],
      [{ customerId: '' }, 'Invalid customerId'],
      [{ dispositionCode: 'Sale' }, 'Disposition Sale is not in the disposition plan'],
      [{ dispositionCode: 'no_such_code' }, 'Disposition no_such_code is not in the disposition plan'],
      [{ phone: 'call me' }, 'Invalid phone number'],
      [{ phone: '' }, 'Invalid phone number'],
      [{ phone: undefined }, 'Invalid phone number'],
    ];
    const before = liveCall(s)!;
    for (const [over, reason] of cases) {
      const r = await send(body(s, over), s.sessionId);
      expect({ over, status: r.status, body: r.body }).toEqual({ over, status: 200, body: failed(reason) });
    }
    // An agent without a call: any crtObjectId is invalid.
    const ready = sessionWith('Ready');
    const r = await send(body(ready, { crtObjectId: before.crtObjectId }), ready.sessionId);
    expect(r.body).toEqual(failed('Invalid crtObjectId'));
    expect(liveCall(s)).toBe(before);
    expect(sim.state.dials).toEqual([]);
    expect(sim.state.dispositions).toEqual([]);
  });
});

describe('GET|POST /ameyowebaccess/command?command=downloadVoiceLog', () => {
  const voiceLog = (data: string, method: 'GET' | 'POST' = 'GET', headers: Record<string, string> = WA_HEADERS, slash = '') =>
    call(`/ameyowebaccess/command${slash}?command=downloadVoiceLog&data=${encodeURIComponent(data)}`, { method, headers });
  const withRec = () => recordingCrtIds(sim.state).withRecording[0]!;
  const withoutRec = () => recordingCrtIds(sim.state).withoutRecording[0]!;

  it('serves a WAV (RIFF/WAVE, PCM 8 kHz mono 16-bit), the default format, deterministically', async () => {
    const crt = withRec();
    const r = await voiceLog(JSON.stringify({ crtObjectId: crt, targetFormat: 'wav' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/wav');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${crt}.wav"`);
    expect(Number(r.headers.get('content-length'))).toBe(r.bytes.length);
    const b = r.bytes;
    expect(b.toString('ascii', 0, 4)).toBe('RIFF');
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString('ascii', 8, 12)).toBe('WAVE');
    expect(b.toString('ascii', 12, 16)).toBe('fmt ');
    expect(b.readUInt32LE(16)).toBe(16);
    expect(b.readUInt16LE(20)).toBe(1); // PCM
    expect(b.readUInt16LE(22)).toBe(1); // mono
    expect(b.readUInt32LE(24)).toBe(8000);
    expect(b.readUInt32LE(28)).toBe(16000);
    expect(b.readUInt16LE(32)).toBe(2);
    expect(b.readUInt16LE(34)).toBe(16);
    expect(b.toString('ascii', 36, 40)).toBe('data');
    expect(b.readUInt32LE(40)).toBe(b.length - 44);
    expect(b.length).toBeGreaterThan(2000);
    expect(b.subarray(44).some((x) => x !== 0)).toBe(true);

    const again = await voiceLog(JSON.stringify({ crtObjectId: crt }), 'POST'); // wav by default, POST too
    expect(again.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.compare(again.bytes, b)).toBe(0);
    const other = await voiceLog(JSON.stringify({ crtObjectId: recordingCrtIds(sim.state).withRecording[1]! }));
    expect(Buffer.compare(other.bytes, b)).not.toBe(0);
  });

  it('serves an MP3: an ID3 tag, then MPEG frame sync 0xFF 0xFB', async () => {
    const crt = withRec();
    const r = await voiceLog(JSON.stringify({ crtObjectId: crt, targetFormat: 'mp3' }), 'POST', WA_HEADERS, '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('audio/mpeg');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${crt}.mp3"`);
    expect(Number(r.headers.get('content-length'))).toBe(r.bytes.length);
    const b = r.bytes;
    expect(b.toString('ascii', 0, 3)).toBe('ID3');
    const tagSize = (b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!;
    expect([b[10 + tagSize], b[11 + tagSize]]).toEqual([0xff, 0xfb]);
    expect(b.length).toBeGreaterThan(1000);
  });

  it('serves the recording of a call disposed through the app server', async () => {
    const s = sessionWith('On Call', 'VOICE');
    const crt = liveCall(s)!.crtObjectId;
    const before = await voiceLog(JSON.stringify({ crtObjectId: crt }));
    expect(before.body).toEqual({ status: 'error', reason: 'Voice log could not be found', details: `No recording for crtObjectId ${crt}` });
    await post(DISPOSE, { userId: s.userId, dispositionCodeName: 'sale' }, { authorization: AMEYO_SIM_DEFAULTS.appServerToken });
    const after = await voiceLog(JSON.stringify({ crtObjectId: crt }));
    expect(after.headers.get('content-type')).toBe('audio/wav');
  });

  it('answers 200 JSON "could not be found" for a call without a recording or an unknown crt id', async () => {
    for (const crt of [withoutRec(), 'd865-5f2a9c1e-vce-99999']) {
      for (const targetFormat of ['wav', 'mp3']) {
        const r = await voiceLog(JSON.stringify({ crtObjectId: crt, targetFormat }));
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect({ status: r.status, body: r.body }).toEqual({
          status: 200,
          body: { status: 'error', reason: 'Voice log could not be found', details: `No recording for crtObjectId ${crt}` },
        });
      }
    }
  });

  it('answers 400 Invalid data for a bad targetFormat, unparsable or missing data', async () => {
    const crt = withRec();
    const cases: Array<[string | null, string]> = [
      [JSON.stringify({ crtObjectId: crt, targetFormat: 'ogg' }), "'targetFormat' must be 'wav' or 'mp3'"],
      ['{"crtObjectId":', "Parameter 'data' must be a JSON object"],
      ['["x"]', "Parameter 'data' must be a JSON object"],
      [JSON.stringify({ targetFormat: 'wav' }), "'crtObjectId' is required"],
      [null, "Missing parameter 'data'"],
    ];
    for (const [data, details] of cases) {
      const r = data === null ? await call('/ameyowebaccess/command?command=downloadVoiceLog', { headers: WA_HEADERS }) : await voiceLog(data);
      expect({ data, status: r.status, body: r.body }).toEqual({ data, status: 400, body: { status: 'error', reason: 'Invalid data', details } });
    }
  });

  it('requires the web-access headers', async () => {
    const r = await voiceLog(JSON.stringify({ crtObjectId: withRec() }), 'GET', { 'hash-key': AMEYO_SIM_DEFAULTS.hashKey });
    expect({ status: r.status, body: r.body }).toEqual({ status: 401, body: INVALID_WA_TOKEN });
  });
});
