/**
 * Apps API mutations over real HTTP: what each one sends the simulator (method, path, JSON body, Basic auth), what the
 * caller gets back, the vendor's 400s as user errors, and the edge checks that refuse before anything is sent.
 * One gateway and one set of simulators for the whole file; the simulator's state carries over from test to test, so
 * tests pick their records (an Available agent, an open call) from the live state when they start.
 */
import { createHmac } from 'node:crypto';
import { APPS_API_SIM_DEFAULTS } from '../../sim';
import { encodeGlobalId, leadNativeKey } from '../../src/graphql/ids';
import { requestLines, startStack, type GqlResult, type Stack } from '../support/stack';

/** Tenant S: one Apps API connection that has a company secret, so it can sign custom data. */
const KEY_S = 'test-key-tenant-s-0003';
const COMPANY_SECRET = 'apps-demo-company-secret';
const APPS_AUTH = `Basic ${Buffer.from('demo:apps-demo-token').toString('base64')}`;

/** Simulators without their 1 request/second limit, and a gateway on them with tenant A and tenant S. */
const startAppsStack = () =>
  startStack({
    sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
    connection: { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 },
    moreTenants: (sims) => [
      {
        id: 'tenant-s',
        apiKeys: [KEY_S],
        connections: [
          {
            id: 'apps-s',
            vendor: 'apps-api',
            baseUrls: { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl },
            credentials: { subdomain: APPS_API_SIM_DEFAULTS.subdomain, apiToken: APPS_API_SIM_DEFAULTS.token, companySecret: COMPANY_SECRET },
            rateLimit: { requestsPerSecond: 200 },
            cacheTtlMs: 0,
          },
        ],
      },
    ],
  });

let stack: Stack;

beforeAll(async () => {
  stack = await startAppsStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.clearRequests();
});

// ---------------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------------

const state = () => stack.sims.appsApi.state;
const gql = (query: string, variables: Record<string, unknown> = {}, apiKey?: string) => stack.gql(query, apiKey ? { variables, apiKey } : { variables });

/** The Apps API simulator's log as `{method, path, body}` with the JSON body parsed (null when empty). */
const sent = () => stack.sims.appsApi.requests.map((r) => ({ method: r.method, path: r.path, body: r.body ? (JSON.parse(r.body) as unknown) : null }));

/** Every Apps API request carried the connection's Basic credentials. */
function expectAppsAuth(): void {
  expect(stack.sims.appsApi.requests.length).toBeGreaterThan(0);
  for (const r of stack.sims.appsApi.requests) expect(r.headers['authorization']).toBe(APPS_AUTH);
}

/** No simulator saw a request. */
function expectNothingSent(): void {
  expect([...requestLines(stack.sims.appsApi), ...requestLines(stack.sims.ameyo), ...requestLines(stack.sims.campaignApi)]).toEqual([]);
}

const userError = (field: string[] | null, message: string) => ({ field, message, code: 'BAD_USER_INPUT' });

/** The payload of mutation `name`, after checking the response had no top-level errors. */
function payload(res: GqlResult, name: string): Record<string, any> {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.body.data![name];
}

const agentName = (a: { first_name: string; last_name: string }) => `${a.first_name} ${a.last_name}`;

/** An active agent whose status is `status` (the live state: earlier tests change statuses). */
function agentWithStatus(status: string) {
  const agent = state().agents.find((a) => a.status === status && a.online && a.deactivated_at === null);
  if (!agent) throw new Error(`no active agent in status ${status}`);
  return agent;
}

/** A call in `status` that no earlier test used. */
const usedCalls = new Set<number>();
function freshCall(statuses: readonly string[]) {
  const call = state().calls.find((c) => statuses.includes(c.status) && !usedCalls.has(c.id));
  if (!call) throw new Error(`no unused call in ${statuses.join('/')}`);
  usedCalls.add(call.id);
  return call;
}
const OPEN_CALL = ['queued', 'connected', 'assigned', 'connecting', 'selecting'];
const callGid = (id: number, connectionId = 'apps-a') => encodeGlobalId('Call', connectionId, String(id));
/** A menu's Queue id, as `queues(filter: { lang })` gives it. */
const queueGid = (menuId: string, lang = 'en') => encodeGlobalId('Queue', 'apps-a', `${lang}/${menuId}`);

// ---------------------------------------------------------------------------------------------------------------
// callCreate
// ---------------------------------------------------------------------------------------------------------------

const CALL_CREATE = `mutation($input: CallCreateInput!) {
  callCreate(input: $input) {
    call { id nativeId status rawStatus type direction agent { name } selectedMenu { nativeId name menuType } scheduledAt }
    accepted
    userErrors { field message code }
  }
}`;

describe('callCreate', () => {
  it('OUTBOUND: sends the documented body, answers 201 with the call and its agent', async () => {
    const agent = agentWithStatus('Available');
    const res = await gql(CALL_CREATE, {
      input: {
        connectionId: 'apps-a',
        type: 'OUTBOUND',
        agentEmail: agent.email,
        endUserNumber: '+14155550123',
        outboundNumber: '+18005550111',
        recordingPermission: 'GRANTED',
      },
    });
    const created = state().calls[state().calls.length - 1]!;
    expect(payload(res, 'callCreate')).toEqual({
      call: {
        id: callGid(created.id),
        nativeId: String(created.id),
        status: 'CONNECTING',
        rawStatus: 'connecting',
        type: 'OUTBOUND',
        direction: 'OUTBOUND',
        agent: { name: agentName(agent) },
        selectedMenu: { nativeId: '60', name: 'Sales', menuType: 'ivr_menu' },
        scheduledAt: null,
      },
      accepted: false,
      userErrors: [],
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/calls',
        body: {
          call_type: 'Voice Outbound (API)',
          lang: 'en',
          agent_email: agent.email,
          end_user_number: '+14155550123',
          outbound_number: '+18005550111',
          recording_permission: 'recording_permission_granted',
        },
      },
      // No agents read: the created call's agent_info names its agent (issue 16, item 6).
    ]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(201);
    expect(stack.sims.appsApi.requests[0]!.headers['content-type']).toBe('application/json');
    expectAppsAuth();
  });

  it('OUTBOUND with only ticketId: the vendor answers 202, so accepted is true and call is null', async () => {
    const agent = agentWithStatus('Available');
    const before = state().calls.length;
    const res = await gql(CALL_CREATE, { input: { connectionId: 'apps-a', type: 'OUTBOUND', agentEmail: agent.email, ticketId: 'T-1001' } });
    expect(payload(res, 'callCreate')).toEqual({ call: null, accepted: true, userErrors: [] });
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/calls', body: { call_type: 'Voice Outbound (API)', lang: 'en', agent_email: agent.email, ticket_id: 'T-1001' } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(202);
    expect(state().calls).toHaveLength(before);
    expectAppsAuth();
  });

  it.each([
    ['an IVR menu', '61', { nativeId: '61', name: 'Support', menuType: 'ivr_menu' }],
    ['a web menu', '63', { nativeId: '63', name: 'Retention', menuType: 'web_menu' }],
  ])('INBOUND with %s: menu_id goes as a number, the call is QUEUED with no agent', async (_what, menuId, menu) => {
    const res = await gql(CALL_CREATE, { input: { connectionId: 'apps-a', type: 'INBOUND', endUserNumber: '+1 (415) 555-0124', queueId: queueGid(menuId, 'es'), lang: 'es' } });
    const created = state().calls[state().calls.length - 1]!;
    expect(payload(res, 'callCreate')).toEqual({
      call: {
        id: callGid(created.id),
        nativeId: String(created.id),
        status: 'QUEUED',
        rawStatus: 'queued',
        type: 'INBOUND',
        direction: 'INBOUND',
        agent: null,
        selectedMenu: menu,
        scheduledAt: null,
      },
      accepted: false,
      userErrors: [],
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/calls',
        // The PhoneNumber scalar keeps the number as given, separators included.
        body: { call_type: 'Voice Inbound (API)', lang: 'es', end_user_number: '+1 (415) 555-0124', menu_id: Number(menuId) },
      },
    ]);
    expectAppsAuth();
  });

  it('SCHEDULED with a future scheduledAt: sends it as ISO 8601 UTC and answers a SCHEDULED call', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2 * 3600_000).toISOString();
    const res = await gql(CALL_CREATE, {
      input: { connectionId: 'apps-a', type: 'SCHEDULED', endUserNumber: '+14155550125', queueId: queueGid('64'), scheduledAt: at, recordingPermission: 'NOT_ASKED' },
    });
    const created = state().calls[state().calls.length - 1]!;
    expect(payload(res, 'callCreate')).toEqual({
      call: {
        id: callGid(created.id),
        nativeId: String(created.id),
        status: 'SCHEDULED',
        rawStatus: 'scheduled',
        type: 'SCHEDULED',
        direction: 'OUTBOUND',
        agent: null,
        selectedMenu: { nativeId: '64', name: 'Mobile Help', menuType: 'mobile_menu' },
        scheduledAt: at,
      },
      accepted: false,
      userErrors: [],
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/calls',
        body: {
          call_type: 'Voice Scheduled (API)',
          lang: 'en',
          end_user_number: '+14155550125',
          menu_id: 64,
          recording_permission: 'recording_permission_not_asked',
          scheduled_at: at,
        },
      },
    ]);
    expectAppsAuth();
  });

  describe("the vendor's 400s become user errors with its message, field null", () => {
    const cases: Array<[string, () => Record<string, unknown>, () => string, Record<string, unknown>]> = [
      [
        'an agent who is not Available',
        () => ({ type: 'OUTBOUND', agentEmail: agentWithStatus('Break').email, endUserNumber: '+14155550126' }),
        () => 'Agent is not available to take this call',
        { call_type: 'Voice Outbound (API)', lang: 'en', end_user_number: '+14155550126' },
      ],
      [
        'an unknown agent email',
        () => ({ type: 'OUTBOUND', agentEmail: 'nobody@demo.example.com', endUserNumber: '+14155550127' }),
        () => 'agent_email is not found',
        { call_type: 'Voice Outbound (API)', lang: 'en', agent_email: 'nobody@demo.example.com', end_user_number: '+14155550127' },
      ],
      [
        'an unknown menu',
        () => ({ type: 'INBOUND', endUserNumber: '+14155550128', queueId: queueGid('999') }),
        () => 'menu_id 999 is not found',
        { call_type: 'Voice Inbound (API)', lang: 'en', end_user_number: '+14155550128', menu_id: 999 },
      ],
      [
        'a mobile menu for an INBOUND call',
        () => ({ type: 'INBOUND', endUserNumber: '+14155550129', queueId: queueGid('64') }),
        () => 'menu_id 64 is not a valid menu for this call type',
        { call_type: 'Voice Inbound (API)', lang: 'en', end_user_number: '+14155550129', menu_id: 64 },
      ],
    ];

    it.each(cases)('%s', async (_what, input, message, bodyPart) => {
      const before = state().calls.length;
      const given = input();
      const res = await gql(CALL_CREATE, { input: { connectionId: 'apps-a', ...given } });
      expect(payload(res, 'callCreate')).toEqual({ call: null, accepted: false, userErrors: [userError(null, message())] });
      const log = sent();
      expect(log).toHaveLength(1);
      expect(log[0]).toEqual({
        method: 'POST',
        path: '/apps/api/v1/calls',
        body: { ...bodyPart, ...('agentEmail' in given ? { agent_email: given['agentEmail'] } : {}) },
      });
      expect(stack.sims.appsApi.requests[0]!.status).toBe(400);
      expect(state().calls).toHaveLength(before);
      expectAppsAuth();
    });
  });

  describe('edge checks: user errors with the input field, nothing sent', () => {
    it.each<[string, Record<string, unknown>, ReturnType<typeof userError>[]]>([
      ['OUTBOUND without agentEmail', { type: 'OUTBOUND', endUserNumber: '+14155550131' }, [userError(['input', 'agentEmail'], 'agentEmail is required for an OUTBOUND call')]],
      [
        'OUTBOUND without endUserNumber or ticketId',
        { type: 'OUTBOUND', agentEmail: 'someone@demo.example.com' },
        [userError(['input', 'endUserNumber'], 'endUserNumber or ticketId is required for an OUTBOUND call')],
      ],
      [
        'OUTBOUND with neither agentEmail nor a number (both errors, in field order)',
        { type: 'OUTBOUND' },
        [userError(['input', 'agentEmail'], 'agentEmail is required for an OUTBOUND call'), userError(['input', 'endUserNumber'], 'endUserNumber or ticketId is required for an OUTBOUND call')],
      ],
      ['INBOUND without queueId', { type: 'INBOUND', endUserNumber: '+14155550132' }, [userError(['input', 'queueId'], 'queueId is required for an INBOUND call')]],
      [
        'SCHEDULED in the past',
        { type: 'SCHEDULED', endUserNumber: '+14155550133', queueId: queueGid('64'), scheduledAt: '2020-01-01T00:00:00.000Z' },
        [userError(['input', 'scheduledAt'], 'scheduledAt must be in the future')],
      ],
      [
        'SCHEDULED without scheduledAt',
        { type: 'SCHEDULED', endUserNumber: '+14155550134', queueId: queueGid('64') },
        [userError(['input', 'scheduledAt'], 'scheduledAt is required for a SCHEDULED call')],
      ],
      ['type UNKNOWN', { type: 'UNKNOWN', endUserNumber: '+14155550135' }, [userError(['input', 'type'], 'type must be OUTBOUND, INBOUND or SCHEDULED')]],
      [
        'OUTBOUND with a blank agentEmail and a blank ticketId',
        { type: 'OUTBOUND', agentEmail: '   ', ticketId: '  ' },
        [userError(['input', 'agentEmail'], 'agentEmail is required for an OUTBOUND call'), userError(['input', 'endUserNumber'], 'endUserNumber or ticketId is required for an OUTBOUND call')],
      ],
      [
        'a parentCallId that is not a global ID',
        { type: 'SCHEDULED', endUserNumber: '+14155550136', queueId: queueGid('64'), scheduledAt: '2099-01-01T00:00:00.000Z', parentCallId: 'garbage!' },
        [userError(['input', 'parentCallId'], 'expected a Switchboard global ID, got "garbage!"')],
      ],
      ["the menu's own id instead of its Queue id", { type: 'INBOUND', endUserNumber: '+14155550138', queueId: '61' }, [userError(['input', 'queueId'], 'expected a Switchboard global ID, got "61"')]],
      [
        'a Queue of another connection',
        { type: 'INBOUND', endUserNumber: '+14155550139', queueId: encodeGlobalId('Queue', 'dialer-a', 'en/61') },
        [userError(['input', 'queueId'], "expected a Queue of connection 'apps-a'")],
      ],
    ])('%s', async (_what, input, errors) => {
      const res = await gql(CALL_CREATE, { input: { connectionId: 'apps-a', ...input } });
      expect(payload(res, 'callCreate')).toEqual({ call: null, accepted: false, userErrors: errors });
      expectNothingSent();
    });
  });

  it('refuses an invalid PhoneNumber variable with HTTP 400 BAD_USER_INPUT and sends nothing', async () => {
    const res = await gql(CALL_CREATE, { input: { connectionId: 'apps-a', type: 'INBOUND', endUserNumber: 'call-me', queueId: queueGid('61') } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Variable "$input" got invalid value "call-me" at "input.endUserNumber"; expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "call-me"',
          locations: [{ line: 1, column: 10 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expectNothingSent();
  });

  it('answers an unknown connection with a top-level NOT_FOUND naming it', async () => {
    const res = await gql(CALL_CREATE, { input: { connectionId: 'nope', type: 'INBOUND', endUserNumber: '+14155550136', queueId: queueGid('61') } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { callCreate: null },
      errors: [{ message: "unknown connection 'nope'", locations: [{ line: 2, column: 3 }], path: ['callCreate'], extensions: { code: 'NOT_FOUND' } }],
    });
    expectNothingSent();
  });

  it('answers a connection without CALL_CREATE with UNSUPPORTED_BY_VENDOR', async () => {
    const res = await gql(CALL_CREATE, { input: { connectionId: 'ameyo-a', type: 'INBOUND', endUserNumber: '+14155550137', queueId: queueGid('61') } });
    expect(res.body).toEqual({
      data: { callCreate: null },
      errors: [
        {
          message: "connection 'ameyo-a' (ameyo) cannot do CALL_CREATE",
          locations: [{ line: 2, column: 3 }],
          path: ['callCreate'],
          extensions: { code: 'UNSUPPORTED_BY_VENDOR', vendor: 'ameyo', connectionId: 'ameyo-a' },
        },
      ],
    });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// callEndUserUpdate
// ---------------------------------------------------------------------------------------------------------------

const END_USER_UPDATE = `mutation($input: CallEndUserUpdateInput!) {
  callEndUserUpdate(input: $input) { accepted userErrors { field message code } }
}`;

describe('callEndUserUpdate', () => {
  it('POSTs {identifier, name, email, phone} to /calls/:id/end_user; the 202 means accepted', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(END_USER_UPDATE, {
      input: { callId: callGid(call.id), identifier: 'crm-4242', name: 'Grace Hopper', email: 'grace@example.com', phone: '+14155550140' },
    });
    expect(payload(res, 'callEndUserUpdate')).toEqual({ accepted: true, userErrors: [] });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: `/apps/api/v1/calls/${call.id}/end_user`,
        body: { identifier: 'crm-4242', name: 'Grace Hopper', email: 'grace@example.com', phone: '+14155550140' },
      },
    ]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(202);
    expectAppsAuth();
    expect(state().calls.find((c) => c.id === call.id)!.end_user.identifier).toBe('crm-4242');
  });

  it('sends only the identifier when nothing else is given', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(END_USER_UPDATE, { input: { callId: callGid(call.id), identifier: 'crm-4243' } });
    expect(payload(res, 'callEndUserUpdate')).toEqual({ accepted: true, userErrors: [] });
    expect(sent()).toEqual([{ method: 'POST', path: `/apps/api/v1/calls/${call.id}/end_user`, body: { identifier: 'crm-4243' } }]);
  });

  it('answers the call it updated, read after the update only when asked for', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(`mutation($input: CallEndUserUpdateInput!) { callEndUserUpdate(input: $input) { accepted call { id endUser { identifier } } userErrors { code } } }`, {
      input: { callId: callGid(call.id), identifier: 'crm-4245' },
    });
    expect(payload(res, 'callEndUserUpdate')).toEqual({ accepted: true, call: { id: callGid(call.id), endUser: { identifier: 'crm-4245' } }, userErrors: [] });
    expect(requestLines(stack.sims.appsApi)).toEqual([`POST /apps/api/v1/calls/${call.id}/end_user`, `GET /manager/api/v1/calls/${call.id}`]);
  });

  it('answers "Call is already ended" for a finished call', async () => {
    const call = freshCall(['finished']);
    const res = await gql(END_USER_UPDATE, { input: { callId: callGid(call.id), identifier: 'crm-4244' } });
    expect(payload(res, 'callEndUserUpdate')).toEqual({ accepted: false, userErrors: [userError(null, 'Call is already ended')] });
    expect(sent()).toEqual([{ method: 'POST', path: `/apps/api/v1/calls/${call.id}/end_user`, body: { identifier: 'crm-4244' } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(400);
  });

  it('answers the duplicate-request error on an immediate repeat (the gateway sends both)', async () => {
    const call = freshCall(OPEN_CALL);
    const input = { callId: callGid(call.id), identifier: 'crm-4245' };
    expect(payload(await gql(END_USER_UPDATE, { input }), 'callEndUserUpdate')).toEqual({ accepted: true, userErrors: [] });
    expect(payload(await gql(END_USER_UPDATE, { input }), 'callEndUserUpdate')).toEqual({
      accepted: false,
      userErrors: [userError(null, 'Duplicate request: Please wait for the interval to expire')],
    });
    const request = { method: 'POST', path: `/apps/api/v1/calls/${call.id}/end_user`, body: { identifier: 'crm-4245' } };
    expect(sent()).toEqual([request, request]);
    expect(stack.sims.appsApi.requests.map((r) => r.status)).toEqual([202, 400]);
  });

  it("answers an unknown call with a top-level NOT_FOUND naming the call, with the vendor's facts", async () => {
    const res = await gql(END_USER_UPDATE, { input: { callId: callGid(999_999), identifier: 'crm-4246' } });
    expect(res.body).toEqual({
      data: { callEndUserUpdate: null },
      errors: [
        {
          message: `could not resolve to a Call with id "${callGid(999_999)}"`,
          locations: [{ line: 2, column: 3 }],
          path: ['callEndUserUpdate'],
          extensions: { code: 'NOT_FOUND', vendor: 'apps-api', connectionId: 'apps-a', upstreamStatus: 404 },
        },
      ],
    });
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/calls/999999/end_user', body: { identifier: 'crm-4246' } }]);
  });

  it('refuses a blank identifier at the edge', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(END_USER_UPDATE, { input: { callId: callGid(call.id), identifier: '  ' } });
    expect(payload(res, 'callEndUserUpdate')).toEqual({ accepted: false, userErrors: [userError(['input', 'identifier'], 'identifier must not be empty')] });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// callCustomerFlagsUpdate
// ---------------------------------------------------------------------------------------------------------------

const FLAGS_UPDATE = `mutation($input: CallCustomerFlagsUpdateInput!) {
  callCustomerFlagsUpdate(input: $input) { flags { verifiedCustomer badActor repeatCustomer } userErrors { field message code } }
}`;

describe('callCustomerFlagsUpdate', () => {
  it('PATCHes customer_flag with `repeat_customers` (trailing s); a later call(id) read sees the new flags', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(FLAGS_UPDATE, { input: { callId: callGid(call.id), verifiedCustomer: true, badActor: true, repeatCustomer: true } });
    expect(payload(res, 'callCustomerFlagsUpdate')).toEqual({ flags: { verifiedCustomer: true, badActor: true, repeatCustomer: true }, userErrors: [] });
    expect(sent()).toEqual([{ method: 'PATCH', path: `/apps/api/v1/calls/${call.id}/customer_flag`, body: { verified_customer: true, bad_actor: true, repeat_customers: true } }]);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    const read = await gql(`query($id: ID!) { call(id: $id) { nativeId customerFlags { verifiedCustomer badActor repeatCustomer } } }`, { id: callGid(call.id) });
    expect(read.body).toEqual({ data: { call: { nativeId: String(call.id), customerFlags: { verifiedCustomer: true, badActor: true, repeatCustomer: true } } } });
    expect(requestLines(stack.sims.appsApi)).toEqual([`GET /manager/api/v1/calls/${call.id}`, `GET /apps/api/v1/calls/${call.id}/customer_flag`]);
  });

  it('sends only the flags given', async () => {
    const call = freshCall(OPEN_CALL);
    const before = { ...state().customerFlags[String(call.id)]! };
    const res = await gql(FLAGS_UPDATE, { input: { callId: callGid(call.id), repeatCustomer: !before.repeat_customer } });
    expect(payload(res, 'callCustomerFlagsUpdate')).toEqual({
      flags: { verifiedCustomer: before.verified_customer, badActor: before.bad_actor, repeatCustomer: !before.repeat_customer },
      userErrors: [],
    });
    expect(sent()).toEqual([{ method: 'PATCH', path: `/apps/api/v1/calls/${call.id}/customer_flag`, body: { repeat_customers: !before.repeat_customer } }]);
  });

  it('refuses an update with no flags at the edge', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(FLAGS_UPDATE, { input: { callId: callGid(call.id) } });
    expect(payload(res, 'callCustomerFlagsUpdate')).toEqual({
      flags: null,
      userErrors: [userError(['input'], 'give at least one of verifiedCustomer, badActor, repeatCustomer')],
    });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// callCustomDataSend
// ---------------------------------------------------------------------------------------------------------------

const CUSTOM_DATA = `mutation($input: CallCustomDataSendInput!) {
  callCustomDataSend(input: $input) { sent userErrors { field message code } }
}`;
const FIELDS = [
  { key: 'field1', label: 'Order', value: 'A-100' },
  { key: 'field2', value: { total: 42.5, items: [1, 2] } },
  { key: 'reserved_verified_customer', value: true },
];
const FIELDS_WIRE = {
  field1: { label: 'Order', value: 'A-100' },
  field2: { value: { total: 42.5, items: [1, 2] } },
  reserved_verified_customer: { value: true },
};

describe('callCustomDataSend', () => {
  it('unsigned: POSTs {signed: false, data: {key: {label, value}}}', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(CUSTOM_DATA, { input: { callId: callGid(call.id), fields: FIELDS } });
    expect(payload(res, 'callCustomDataSend')).toEqual({ sent: true, userErrors: [] });
    expect(sent()).toEqual([{ method: 'POST', path: `/apps/api/v1/calls/${call.id}/custom_data`, body: { signed: false, data: FIELDS_WIRE } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(200);
    expectAppsAuth();
  });

  it('signed: POSTs an HS256 JWT of {custom_data, iat, exp} signed with the company secret', async () => {
    const call = freshCall(OPEN_CALL);
    const t0 = Math.floor(Date.now() / 1000);
    const res = await gql(CUSTOM_DATA, { input: { callId: callGid(call.id, 'apps-s'), fields: FIELDS, signed: true } }, KEY_S);
    const t1 = Math.ceil(Date.now() / 1000);
    expect(payload(res, 'callCustomDataSend')).toEqual({ sent: true, userErrors: [] });

    const log = sent();
    expect(log).toEqual([{ method: 'POST', path: `/apps/api/v1/calls/${call.id}/custom_data`, body: { signed: true, signed_data: expect.any(String) } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(200);
    expectAppsAuth();

    const jwt = (log[0]!.body as { signed_data: string }).signed_data;
    const [head, body, sig] = jwt.split('.') as [string, string, string];
    expect(jwt.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(head, 'base64url').toString('utf8'))).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(sig).toBe(createHmac('sha256', COMPANY_SECRET).update(`${head}.${body}`).digest('base64url'));
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iat: number; exp: number };
    expect(claims).toEqual({ custom_data: FIELDS_WIRE, iat: expect.any(Number), exp: claims.iat + 300 });
    expect(claims.iat).toBeGreaterThanOrEqual(t0);
    expect(claims.iat).toBeLessThanOrEqual(t1);
  });

  it('signed without a company secret: a user error naming the connection, nothing sent', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(CUSTOM_DATA, { input: { callId: callGid(call.id), fields: FIELDS, signed: true } });
    expect(payload(res, 'callCustomDataSend')).toEqual({
      sent: false,
      userErrors: [userError(null, "connection 'apps-a' has no credentials.companySecret to sign with; send signed: false")],
    });
    expectNothingSent();
  });

  it('refuses a field key given twice at the edge', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(CUSTOM_DATA, {
      input: {
        callId: callGid(call.id),
        fields: [
          { key: 'field1', value: 'a' },
          { key: 'field2', value: 'b' },
          { key: 'field1', value: 'c' },
        ],
      },
    });
    expect(payload(res, 'callCustomDataSend')).toEqual({ sent: false, userErrors: [userError(['input', 'fields'], "field key 'field1' is given twice")] });
    expectNothingSent();
  });

  it('refuses an empty field list at the edge', async () => {
    const call = freshCall(OPEN_CALL);
    const res = await gql(CUSTOM_DATA, { input: { callId: callGid(call.id), fields: [] } });
    expect(payload(res, 'callCustomDataSend')).toEqual({ sent: false, userErrors: [userError(['input', 'fields'], 'fields must not be empty')] });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// agentStatusUpdate
// ---------------------------------------------------------------------------------------------------------------

const STATUS_UPDATE = `mutation($input: AgentStatusUpdateInput!) {
  agentStatusUpdate(input: $input) {
    changes { agentNativeId previousStatus currentStatus message agent { name } }
    userErrors { field message code }
  }
}`;
const SYSTEM_STATUSES = ['In-call', 'Wrap-up', 'Offline'];

describe('agentStatusUpdate', () => {
  it('POSTs {status, agent_ids, team_ids} as numbers; lists each change with its agent', async () => {
    const team = 4; // Retention
    const candidates = state().agents.filter((a) => a.deactivated_at === null && !a.teams.some((t) => t.id === team) && !SYSTEM_STATUSES.includes(a.status));
    const [a1, a2] = candidates.slice(-2) as [(typeof candidates)[number], (typeof candidates)[number]];
    // The vendor's answer, worked out from the state before the call: one row per selected agent, by id; agents
    // in a system status keep it and say why.
    const selected = state()
      .agents.filter((a) => a.id === a1.id || a.id === a2.id || a.teams.some((t) => t.id === team))
      .sort((x, y) => x.id - y.id);
    const expected = selected.map((a) =>
      SYSTEM_STATUSES.includes(a.status)
        ? { agentNativeId: String(a.id), previousStatus: a.status, currentStatus: a.status, message: `Cannot change status from system status ${a.status}`, agent: { name: agentName(a) } }
        : { agentNativeId: String(a.id), previousStatus: a.status, currentStatus: 'Lunch', message: null, agent: { name: agentName(a) } },
    );
    expect(expected.some((c) => c.message === null)).toBe(true);

    const res = await gql(STATUS_UPDATE, {
      input: {
        connectionId: 'apps-a',
        status: 'Lunch',
        agentIds: [encodeGlobalId('Agent', 'apps-a', String(a1.id)), encodeGlobalId('Agent', 'apps-a', String(a2.id))],
        teamNativeIds: [String(team)],
      },
    });
    expect(payload(res, 'agentStatusUpdate')).toEqual({ changes: expected, userErrors: [] });
    expect(sent()).toEqual([
      { method: 'POST', path: '/apps/api/v1/agent_statuses', body: { status: 'Lunch', agent_ids: [a1.id, a2.id], team_ids: [team] } },
      { method: 'GET', path: '/manager/api/v1/agents', body: null },
    ]);
    expect(stack.sims.appsApi.requests[1]!.query).toEqual({ 'id[]': selected.map((a) => String(a.id)) });
    expectAppsAuth();
  });

  it("answers a system status with the vendor's message as a user error", async () => {
    const agent = agentWithStatus('Available');
    const res = await gql(STATUS_UPDATE, { input: { connectionId: 'apps-a', status: 'In-call', agentIds: [encodeGlobalId('Agent', 'apps-a', String(agent.id))] } });
    expect(payload(res, 'agentStatusUpdate')).toEqual({ changes: [], userErrors: [userError(null, 'Cannot change agent status to system status In-call')] });
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/agent_statuses', body: { status: 'In-call', agent_ids: [agent.id], team_ids: [] } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(400);
    expect(agent.status).toBe('Available');
  });

  it('refuses an agent of another connection at the edge, naming the list index', async () => {
    const mine = encodeGlobalId('Agent', 'apps-a', String(state().agents[0]!.id));
    const res = await gql(STATUS_UPDATE, { input: { connectionId: 'apps-a', status: 'Lunch', agentIds: [mine, encodeGlobalId('Agent', 'dialer-a', '501')] } });
    expect(payload(res, 'agentStatusUpdate')).toEqual({ changes: [], userErrors: [userError(['input', 'agentIds', '1'], "expected an Agent of connection 'apps-a'")] });
    expectNothingSent();
  });

  it('refuses an update that names no agents and no teams at the edge', async () => {
    const res = await gql(STATUS_UPDATE, { input: { connectionId: 'apps-a', status: 'Lunch', agentIds: [], teamNativeIds: [] } });
    expect(payload(res, 'agentStatusUpdate')).toEqual({ changes: [], userErrors: [userError(['input', 'agentIds'], 'give agentIds or teamNativeIds')] });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// leads on an Apps API campaign
// ---------------------------------------------------------------------------------------------------------------

const LEAD_FIELDS = `id nativeId name email phoneNumber externalId status rawStatus`;
const LEAD_CREATE = `mutation($input: LeadCreateInput!) { leadCreate(input: $input) { lead { ${LEAD_FIELDS} } userErrors { field message code } } }`;
const LEAD_UPDATE = `mutation($input: LeadUpdateInput!) { leadUpdate(input: $input) { lead { ${LEAD_FIELDS} } userErrors { field message code } } }`;
const LEAD_DELETE = `mutation($input: LeadDeleteInput!) { leadDelete(input: $input) { deletedLeadId userErrors { field message code } } }`;

describe('leadCreate / leadUpdate / leadDelete', () => {
  const campaign = () => state().campaigns[0]!;
  const campaignGid = () => encodeGlobalId('Campaign', 'apps-a', String(campaign().id));
  const contactsPath = () => `/apps/api/v1/outbound_dialer/campaigns/${campaign().id}/contacts`;
  const contactPath = () => `/apps/api/v1/outbound_dialer/campaigns/${campaign().id}/contact`;
  const leadGid = (contactId: number | string) => encodeGlobalId('Lead', 'apps-a', leadNativeKey(String(campaign().id), String(contactId)));

  it('creates, updates and deletes a lead with the exact bodies', async () => {
    const created = await gql(LEAD_CREATE, {
      input: { campaignId: campaignGid(), phoneNumber: '+14155550777', name: 'Ada Lovelace', email: 'ada@example.com', externalId: 'ext-9001' },
    });
    const contact = state().campaignContacts[state().campaignContacts.length - 1]!;
    const id = leadGid(contact.id);
    expect(payload(created, 'leadCreate')).toEqual({
      lead: {
        id,
        nativeId: String(contact.id),
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phoneNumber: '+14155550777',
        externalId: 'ext-9001',
        status: 'NEW',
        rawStatus: 'Upcoming',
      },
      userErrors: [],
    });
    expect(sent()).toEqual([{ method: 'POST', path: contactsPath(), body: { phone_number: '+14155550777', name: 'Ada Lovelace', email: 'ada@example.com', external_unique_id: 'ext-9001' } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(201);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    const updated = await gql(LEAD_UPDATE, { input: { leadId: id, name: 'Ada King', phoneNumber: '+14155550778' } });
    expect(payload(updated, 'leadUpdate')).toEqual({
      lead: {
        id,
        nativeId: String(contact.id),
        name: 'Ada King',
        email: 'ada@example.com',
        phoneNumber: '+14155550778',
        externalId: 'ext-9001',
        status: 'NEW',
        rawStatus: 'Upcoming',
      },
      userErrors: [],
    });
    expect(sent()).toEqual([{ method: 'PATCH', path: contactPath(), body: { contact_id: contact.id, name: 'Ada King', phone_number: '+14155550778' } }]);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    const deleted = await gql(LEAD_DELETE, { input: { leadId: id } });
    expect(payload(deleted, 'leadDelete')).toEqual({ deletedLeadId: id, userErrors: [] });
    expect(sent()).toEqual([{ method: 'DELETE', path: contactPath(), body: { contact_id: contact.id } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(200);
    expectAppsAuth();
    expect(state().campaignContacts.some((c) => c.id === contact.id)).toBe(false);
  });

  it("answers a number on the Do Not Call list with the vendor's message", async () => {
    const res = await gql(LEAD_CREATE, { input: { campaignId: campaignGid(), phoneNumber: '+14155550199', name: 'Blocked' } });
    expect(payload(res, 'leadCreate')).toEqual({ lead: null, userErrors: [userError(null, 'phone_number is in the Do Not Call list')] });
    expect(sent()).toEqual([{ method: 'POST', path: contactsPath(), body: { phone_number: '+14155550199', name: 'Blocked' } }]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(400);
  });

  it("answers an external id already in the campaign with the vendor's message", async () => {
    const taken = state().campaignContacts.find((c) => c.campaign_id === campaign().id)!.unique_id;
    const res = await gql(LEAD_CREATE, { input: { campaignId: campaignGid(), phoneNumber: '+14155550779', externalId: taken } });
    expect(payload(res, 'leadCreate')).toEqual({ lead: null, userErrors: [userError(null, 'external_unique_id has already been taken')] });
    expect(sent()).toEqual([{ method: 'POST', path: contactsPath(), body: { phone_number: '+14155550779', external_unique_id: taken } }]);
  });

  it('refuses an update with no changes at the edge', async () => {
    const contact = state().campaignContacts.find((c) => c.campaign_id === campaign().id)!;
    const res = await gql(LEAD_UPDATE, { input: { leadId: leadGid(contact.id) } });
    expect(payload(res, 'leadUpdate')).toEqual({ lead: null, userErrors: [userError(['input'], 'give at least one of name, email, phoneNumber, externalId')] });
    expectNothingSent();
  });

  it('answers the delete of an unknown contact with a top-level NOT_FOUND', async () => {
    const res = await gql(LEAD_DELETE, { input: { leadId: leadGid(999_999) } });
    expect(res.body).toEqual({
      data: { leadDelete: null },
      errors: [
        {
          message: `could not resolve to a Lead with id "${leadGid(999_999)}"`,
          locations: [{ line: 1, column: 38 }],
          path: ['leadDelete'],
          extensions: { code: 'NOT_FOUND', vendor: 'apps-api', connectionId: 'apps-a', upstreamStatus: 404 },
        },
      ],
    });
    expect(sent()).toEqual([{ method: 'DELETE', path: contactPath(), body: { contact_id: 999_999 } }]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// smsSend
// ---------------------------------------------------------------------------------------------------------------

const SMS_SEND = `mutation($input: SmsSendInput!) { smsSend(input: $input) { sms { nativeId status createdAt } userErrors { field message code } } }`;

describe('smsSend', () => {
  it('POSTs chat_type "Messaging (API)" with the camelCase agentId as a number', async () => {
    const agent = state().agents[1]!;
    const res = await gql(SMS_SEND, {
      input: {
        connectionId: 'apps-a',
        endUserNumber: '+14155550150',
        outboundNumber: '+18005550100',
        message: 'Your order has shipped',
        ticketId: 'T-77',
        agentId: encodeGlobalId('Agent', 'apps-a', String(agent.id)),
      },
    });
    const chat = state().chats[state().chats.length - 1]!;
    expect(payload(res, 'smsSend')).toEqual({ sms: { nativeId: String(chat.id), status: 'queued', createdAt: chat.created_at }, userErrors: [] });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/sms',
        body: {
          chat_type: 'Messaging (API)',
          end_user_number: '+14155550150',
          outbound_number: '+18005550100',
          message: 'Your order has shipped',
          ticket_id: 'T-77',
          agentId: agent.id,
        },
      },
    ]);
    expect(chat.agent_id).toBe(agent.id);
    expectAppsAuth();
  });

  it('sends no optional keys when none are given', async () => {
    const res = await gql(SMS_SEND, { input: { connectionId: 'apps-a', endUserNumber: '+14155550151', outboundNumber: '+18005550100', message: 'Hi' } });
    expect(payload(res, 'smsSend').userErrors).toEqual([]);
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/sms', body: { chat_type: 'Messaging (API)', end_user_number: '+14155550151', outbound_number: '+18005550100', message: 'Hi' } }]);
  });

  it('refuses an agentId that is not a global ID as a user error, sending nothing', async () => {
    const res = await gql(SMS_SEND, {
      input: { connectionId: 'apps-a', endUserNumber: '+14155550153', outboundNumber: '+18005550100', message: 'Hi', agentId: 'garbage!' },
    });
    expect(payload(res, 'smsSend')).toEqual({ sms: null, userErrors: [userError(['input', 'agentId'], 'expected a Switchboard global ID, got "garbage!"')] });
    expectNothingSent();
  });

  it('refuses an empty message at the edge', async () => {
    const res = await gql(SMS_SEND, { input: { connectionId: 'apps-a', endUserNumber: '+14155550152', outboundNumber: '+18005550100', message: ' \n ' } });
    expect(payload(res, 'smsSend')).toEqual({ sms: null, userErrors: [userError(['input', 'message'], 'message must not be empty')] });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// endUserUpsert and endUser
// ---------------------------------------------------------------------------------------------------------------

const END_USER_UPSERT = `mutation($input: EndUserUpsertInput!) {
  endUserUpsert(input: $input) { endUser { id nativeId identifier connection { id } } userErrors { field message code } }
}`;
const END_USER = `query($id: ID!) { endUser(id: $id) { id nativeId identifier } }`;
const END_USER_BY_IDENTIFIER = `query($identifier: String!) { endUserByIdentifier(connectionId: "apps-a", identifier: $identifier) { id nativeId identifier } }`;

describe('endUserUpsert and endUser', () => {
  it('upserts with {identifier, email, name, phone} and reads the end user back by identifier and by id', async () => {
    const res = await gql(END_USER_UPSERT, {
      input: { connectionId: 'apps-a', identifier: 'crm-7001', email: 'lin@example.com', name: 'Lin Chen', phone: '+14155550160' },
    });
    const user = state().endUsers.find((u) => u.identifier === 'crm-7001')!;
    expect(user).toMatchObject({ name: 'Lin Chen', email: 'lin@example.com', phone: '+14155550160' });
    const id = encodeGlobalId('EndUser', 'apps-a', String(user.id));
    expect(payload(res, 'endUserUpsert')).toEqual({ endUser: { id, nativeId: String(user.id), identifier: 'crm-7001', connection: { id: 'apps-a' } }, userErrors: [] });
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/end_users', body: { identifier: 'crm-7001', email: 'lin@example.com', name: 'Lin Chen', phone: '+14155550160' } }]);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    const byIdentifier = await gql(END_USER_BY_IDENTIFIER, { identifier: 'crm-7001' });
    expect(byIdentifier.body).toEqual({ data: { endUserByIdentifier: { id, nativeId: String(user.id), identifier: 'crm-7001' } } });
    const byId = await gql(END_USER, { id });
    expect(byId.body).toEqual({ data: { endUser: { id, nativeId: String(user.id), identifier: 'crm-7001' } } });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /apps/api/v1/end_users', 'GET /apps/api/v1/end_users']);
    expect(stack.sims.appsApi.requests.map((r) => r.rawQuery)).toEqual(['identifier=crm-7001', `id=${user.id}`]);
    expectAppsAuth();
  });

  it('refuses a blank identifier at the edge', async () => {
    const res = await gql(END_USER_UPSERT, { input: { connectionId: 'apps-a', identifier: '   ', name: 'Nobody' } });
    expect(payload(res, 'endUserUpsert')).toEqual({ endUser: null, userErrors: [userError(['input', 'identifier'], 'identifier must not be empty')] });
    expectNothingSent();
  });

  it.each([
    ["the vendor's own id", '1', { message: 'expected a Switchboard global ID, got "1"', extensions: { code: 'BAD_USER_INPUT' } }],
    ['an Agent id', encodeGlobalId('Agent', 'apps-a', '1'), { message: `could not resolve to a node with id "${encodeGlobalId('Agent', 'apps-a', '1')}"`, extensions: { code: 'NOT_FOUND' } }],
  ])('endUser with %s: a top-level error, nothing sent', async (_what, id, error) => {
    const res = await gql(END_USER, { id });
    expect(res.body).toEqual({ data: { endUser: null }, errors: [{ ...error, locations: [{ line: 1, column: 19 }], path: ['endUser'] }] });
    expectNothingSent();
  });

  it('endUserByIdentifier refuses a blank identifier with a top-level BAD_USER_INPUT, nothing sent', async () => {
    const res = await gql(END_USER_BY_IDENTIFIER, { identifier: '  ' });
    expect(res.body).toMatchObject({ data: { endUserByIdentifier: null }, errors: [{ message: 'identifier must not be empty', extensions: { code: 'BAD_USER_INPUT' } }] });
    expectNothingSent();
  });

  it('answers an unknown identifier with null and no error, an unknown id with NOT_FOUND (the vendor 404 is read as "no such end user")', async () => {
    const res = await gql(END_USER_BY_IDENTIFIER, { identifier: 'crm-does-not-exist' });
    expect(res.body).toEqual({ data: { endUserByIdentifier: null } });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /apps/api/v1/end_users']);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(404);
    stack.sims.appsApi.clearRequests();
    const unknown = encodeGlobalId('EndUser', 'apps-a', '999999');
    const byId = await gql(END_USER, { id: unknown });
    expect(byId.body).toMatchObject({ data: { endUser: null }, errors: [{ message: `could not resolve to a node with id "${unknown}"`, extensions: { code: 'NOT_FOUND' } }] });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /apps/api/v1/end_users']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// company Do Not Call list
// ---------------------------------------------------------------------------------------------------------------

const DNC_ADD = `mutation($input: DncAddInput!) { dncAdd(input: $input) { entries { phoneNumber listed expiresAt } userErrors { field message code } } }`;
const DNC_REMOVE = `mutation($input: DncRemoveInput!) { dncRemove(input: $input) { entries { phoneNumber listed expiresAt } userErrors { field message code } } }`;
const DNC_CHECK = `query($phone: PhoneNumber!) { dncCheck(connectionId: "apps-a", phoneNumber: $phone) { phoneNumber listed expiresAt } }`;

describe('dncAdd / dncRemove / dncCheck', () => {
  it('adds numbers (with and without expiry), then dncCheck says listed; removes one, then it is not', async () => {
    const expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 30 * 86_400_000).toISOString();
    const added = await gql(DNC_ADD, {
      input: { connectionId: 'apps-a', entries: [{ phoneNumber: '+14155550901', expiresAt }, { phoneNumber: '+14155550902' }] },
    });
    expect(payload(added, 'dncAdd')).toEqual({
      entries: [
        { phoneNumber: '+14155550901', listed: true, expiresAt },
        { phoneNumber: '+14155550902', listed: true, expiresAt: null },
      ],
      userErrors: [],
    });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/outbound_dialer/dnc',
        body: { contacts: [{ phone_number: '+14155550901', expires_at: expiresAt }, { phone_number: '+14155550902' }] },
      },
    ]);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    expect((await gql(DNC_CHECK, { phone: '+14155550901' })).body).toEqual({ data: { dncCheck: { phoneNumber: '+14155550901', listed: true, expiresAt } } });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /apps/api/v1/outbound_dialer/dnc']);
    expect(stack.sims.appsApi.requests[0]!.query).toEqual({ phone_number: ['+14155550901'] });

    stack.sims.appsApi.clearRequests();
    const removed = await gql(DNC_REMOVE, { input: { connectionId: 'apps-a', phoneNumbers: ['+14155550901'] } });
    expect(payload(removed, 'dncRemove')).toEqual({ entries: [{ phoneNumber: '+14155550901', listed: false, expiresAt: null }], userErrors: [] });
    expect(sent()).toEqual([{ method: 'DELETE', path: '/apps/api/v1/outbound_dialer/dnc', body: { contacts: [{ phone_number: '+14155550901' }] } }]);
    expectAppsAuth();

    stack.sims.appsApi.clearRequests();
    expect((await gql(DNC_CHECK, { phone: '+14155550901' })).body).toEqual({ data: { dncCheck: { phoneNumber: '+14155550901', listed: false, expiresAt: null } } });
    expect((await gql(DNC_CHECK, { phone: '+14155550902' })).body).toEqual({ data: { dncCheck: { phoneNumber: '+14155550902', listed: true, expiresAt: null } } });
    expect(requestLines(stack.sims.appsApi)).toEqual(['GET /apps/api/v1/outbound_dialer/dnc', 'GET /apps/api/v1/outbound_dialer/dnc']);
  });

  it('refuses a past expiresAt at the edge, naming the entry', async () => {
    const res = await gql(DNC_ADD, {
      input: { connectionId: 'apps-a', entries: [{ phoneNumber: '+14155550903' }, { phoneNumber: '+14155550904', expiresAt: '2021-06-01T00:00:00Z' }] },
    });
    expect(payload(res, 'dncAdd')).toEqual({ entries: [], userErrors: [userError(['input', 'entries', '1', 'expiresAt'], 'expiresAt must be in the future')] });
    expectNothingSent();
  });

  it('refuses an invalid number as a variable error with HTTP 400, nothing sent', async () => {
    const res = await gql(DNC_REMOVE, { input: { connectionId: 'apps-a', phoneNumbers: ['+1415555090x'] } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Variable "$input" got invalid value "+1415555090x" at "input.phoneNumbers[0]"; expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "+1415555090x"',
          locations: [{ line: 1, column: 10 }],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    const check = await gql(DNC_CHECK, { phone: '12345' });
    expect(check.status).toBe(400);
    expect(check.body.errors!.map((e) => [e.message, e.extensions])).toEqual([
      ['Variable "$phone" got invalid value "12345"; expected PhoneNumber to be 7 to 15 digits with an optional leading +, got "12345"', { code: 'BAD_USER_INPUT' }],
    ]);
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// crmContactDataSend
// ---------------------------------------------------------------------------------------------------------------

const CRM_SEND = `mutation($input: CrmContactDataSendInput!) { crmContactDataSend(input: $input) { sent userErrors { field message code } } }`;

describe('crmContactDataSend', () => {
  it('POSTs /crm/contact_data with the snake_case body', async () => {
    const contact = { first_name: 'Ada', last_name: 'Lovelace', phone: '+14155550170', tags: ['vip'] };
    const res = await gql(CRM_SEND, {
      input: {
        callId: callGid(123),
        agentId: encodeGlobalId('Agent', 'apps-a', '45'),
        lcmKey: 'lcm-1',
        dnis: '8005550100',
        orgId: 'org-9',
        contact,
        pacingMode: 'preview',
        callType: 'outbound',
      },
    });
    expect(payload(res, 'crmContactDataSend')).toEqual({ sent: true, userErrors: [] });
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/apps/api/v1/crm/contact_data',
        body: { call_id: '123', contact, agent_id: '45', lcm_key: 'lcm-1', dnis: '8005550100', org_id: 'org-9', pacing_mode: 'preview', call_type: 'outbound' },
      },
    ]);
    expect(stack.sims.appsApi.requests[0]!.status).toBe(200);
    expectAppsAuth();
  });

  it.each([
    ['a string', 'Ada'],
    ['an array', [{ name: 'Ada' }]],
    ['a number', 42],
  ])('refuses contact as %s at the edge', async (_what, contact) => {
    const res = await gql(CRM_SEND, { input: { callId: callGid(123), contact } });
    expect(payload(res, 'crmContactDataSend')).toEqual({ sent: false, userErrors: [userError(['input', 'contact'], 'contact must be a JSON object')] });
    expectNothingSent();
  });

  it("refuses an agent of another connection than the call's at the edge", async () => {
    const res = await gql(CRM_SEND, { input: { callId: callGid(123), agentId: encodeGlobalId('Agent', 'ameyo-a', '45'), contact: { first_name: 'Ada' } } });
    expect(payload(res, 'crmContactDataSend')).toEqual({ sent: false, userErrors: [userError(['input', 'agentId'], "expected an Agent of connection 'apps-a'")] });
    expectNothingSent();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// agentsForceLogout (last: it logs agents out, and the background-job case logs out nearly everyone)
// ---------------------------------------------------------------------------------------------------------------

const FORCE_LOGOUT = `mutation($input: AgentsForceLogoutInput!) {
  agentsForceLogout(input: $input) { agents { id status } jobNativeId userErrors { field message code } }
}`;

describe('agentsForceLogout', () => {
  it('POSTs {agent_ids, team_ids, ip_addrs}; agents are the logged-out ones, read after the logout', async () => {
    const online = () => state().agents.filter((a) => a.online);
    const byIp = online().find((a) => a.last_login_ip?.startsWith('34.211.11.'))!;
    const byId = online().find((a) => a.id !== byIp.id && a.teams.every((t) => t.id !== 3))!;
    const team = 3; // Billing
    const block = `${byIp.last_login_ip}/32`;
    const expected = online()
      .filter((a) => a.id === byId.id || a.id === byIp.id || a.teams.some((t) => t.id === team))
      .map((a) => a.id)
      .sort((x, y) => x - y);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(expected.length).toBeLessThanOrEqual(20);

    const res = await gql(FORCE_LOGOUT, {
      input: { connectionId: 'apps-a', agentIds: [encodeGlobalId('Agent', 'apps-a', String(byId.id))], teamNativeIds: [String(team)], ipAddresses: [block] },
    });
    expect(payload(res, 'agentsForceLogout')).toEqual({
      agents: expected.map((id) => ({ id: encodeGlobalId('Agent', 'apps-a', String(id)), status: 'OFFLINE' })),
      jobNativeId: null,
      userErrors: [],
    });
    expect(sent()).toEqual([
      { method: 'POST', path: '/apps/api/v1/agent_statuses/force_logout', body: { agent_ids: [byId.id], team_ids: [team], ip_addrs: [block] } },
      { method: 'GET', path: '/manager/api/v1/agents', body: null },
    ]);
    expect(stack.sims.appsApi.requests[1]!.query).toEqual({ 'id[]': expected.map(String) });
    expectAppsAuth();
  });

  it('refuses a malformed IP at the edge with the list index as field', async () => {
    const res = await gql(FORCE_LOGOUT, { input: { connectionId: 'apps-a', ipAddresses: ['10.0.0.300', '10.0.0.0/24'] } });
    expect(payload(res, 'agentsForceLogout')).toEqual({
      agents: [],
      jobNativeId: null,
      userErrors: [userError(['input', 'ipAddresses', '0'], 'expected an IP address, CIDR block or range, got "10.0.0.300"')],
    });
    expectNothingSent();
  });

  it('refuses a logout that selects nobody at the edge', async () => {
    const res = await gql(FORCE_LOGOUT, { input: { connectionId: 'apps-a' } });
    expect(payload(res, 'agentsForceLogout')).toEqual({ agents: [], jobNativeId: null, userErrors: [userError(['input'], 'give agentIds, teamNativeIds or ipAddresses')] });
    expectNothingSent();
  });

  it('a 2xx whose body is not the shape the gateway knows is success: the agents were logged out, the answer does not say who (issue 16, item 4)', async () => {
    const agent = stack.sims.appsApi.state.agents.find((a) => a.online)!;
    stack.sims.appsApi.setFaults({ malformedBody: true });
    let res: GqlResult;
    try {
      res = await gql(FORCE_LOGOUT, { input: { connectionId: 'apps-a', agentIds: [encodeGlobalId('Agent', 'apps-a', String(agent.id))] } });
    } finally {
      stack.sims.appsApi.resetFaults();
    }
    expect(res.body.errors).toBeUndefined();
    expect(payload(res, 'agentsForceLogout')).toEqual({ agents: null, jobNativeId: null, userErrors: [] });
    expect(sent()).toEqual([{ method: 'POST', path: '/apps/api/v1/agent_statuses/force_logout', body: { agent_ids: [agent.id], team_ids: [], ip_addrs: [] } }]);
    expect(agent.online).toBe(false);
  });

  describe('on a fresh stack', () => {
    // Its own simulators: the test above has logged agents out, and this one needs more than 20 online.
    let fresh: Stack;
    beforeAll(async () => {
      fresh = await startAppsStack();
    });
    afterAll(() => fresh.close());

    it('more than 20 agents matched: the vendor runs a background job, so jobNativeId is set and agents is empty', async () => {
      const online = fresh.sims.appsApi.state.agents.filter((a) => a.online);
      expect(online.length).toBeGreaterThan(20);
      const res = await fresh.gql(FORCE_LOGOUT, { variables: { input: { connectionId: 'apps-a', teamNativeIds: ['1', '2', '3', '4'], ipAddresses: ['0.0.0.0/0'] } } });
      expect(payload(res, 'agentsForceLogout')).toEqual({
        agents: [],
        jobNativeId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        userErrors: [],
      });
      const log = fresh.sims.appsApi.requests;
      expect(log.map((r) => ({ method: r.method, path: r.path, body: JSON.parse(r.body) as unknown, status: r.status }))).toEqual([
        {
          method: 'POST',
          path: '/apps/api/v1/agent_statuses/force_logout',
          body: { agent_ids: [], team_ids: [1, 2, 3, 4], ip_addrs: ['0.0.0.0/0'] },
          status: 202,
        },
      ]);
      expect(log[0]!.headers['authorization']).toBe(APPS_AUTH);
      // Logged out now, though the answer names nobody.
      expect(online.every((a) => !a.online)).toBe(true);
    });
  });
});
