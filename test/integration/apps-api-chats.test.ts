/**
 * Apps API chats over real HTTP (issue 16, row 21): the `chats` connection and `Chat` node from the Manager API, and
 * every chat command: what each sends the simulator (method, path, query, JSON body), what the caller gets back, the
 * vendor's 400s as user errors, and the gateway's own checks that refuse before anything is sent. One gateway and one
 * set of simulators for the file; tests pick their chats from the live state.
 */
import { APPS_API_SIM_DEFAULTS, CHATS_400, END_USER_400 } from '../../sim/apps-api';
import { APPS_API_CHAT_STATUSES } from '../../src/vendors/apps-api/chats';
import { encodeGlobalId } from '../../src/graphql/ids';
import { startStack, type GqlResult, type Stack } from '../support/stack';

const KEY_S = 'test-key-tenant-s-0004';
const COMPANY_SECRET = 'apps-demo-company-secret';
const APPS_AUTH = `Basic ${Buffer.from('demo:apps-demo-token').toString('base64')}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
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
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const sim of [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi]) sim.clearRequests();
});

const state = () => stack.sims.appsApi.state;
const gql = (query: string, variables: Record<string, unknown> = {}, apiKey?: string) => stack.gql(query, apiKey ? { variables, apiKey } : { variables });
/** The Apps API simulator's log: method, path, query and the parsed JSON body (null when empty). */
const sent = () => stack.sims.appsApi.requests.map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body ? (JSON.parse(r.body) as unknown) : null }));
const wire = (method: string, path: string, body: unknown = null, query: Record<string, string[]> = {}) => ({ method, path, query, body });
function expectAppsAuth(): void {
  for (const r of stack.sims.appsApi.requests) expect(r.headers['authorization']).toBe(APPS_AUTH);
}
const expectNothingSent = () => expect([...stack.sims.appsApi.requests, ...stack.sims.ameyo.requests, ...stack.sims.campaignApi.requests]).toEqual([]);
const userError = (field: string[] | null, message: string) => ({ field, message, code: 'BAD_USER_INPUT' });
function payload(res: GqlResult, name: string): Record<string, any> {
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.body.data![name];
}

const chatGid = (id: number, connectionId = 'apps-a') => encodeGlobalId('Chat', connectionId, String(id));
const agentGid = (id: number) => encodeGlobalId('Agent', 'apps-a', String(id));
const endUserGid = (id: number) => encodeGlobalId('EndUser', 'apps-a', String(id));
const queueGid = (menuId: number) => encodeGlobalId('Queue', 'apps-a', `en/${menuId}`);
const A = '/apps/api/v1/chats';
/** Chats the commands may still change. */
const OPEN = ['queued', 'selecting', 'assigned'];

/** A chat in `status` that no earlier test used. */
const used = new Set<number>();
function freshChat(...statuses: string[]) {
  const chat = state().chatSessions.find((c) => statuses.includes(c.status) && !used.has(c.id));
  if (!chat) throw new Error(`no unused chat in ${statuses.join('/')}`);
  used.add(chat.id);
  return chat;
}

// ---------------------------------------------------------------------------------------------------------------
// reads
// ---------------------------------------------------------------------------------------------------------------

describe('chats and chat', () => {
  it('pages through every seeded chat exactly once, one Manager API page per GraphQL page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GqlResult = await gql(`query($after: String) { chats(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { nativeId } } } }`, { after });
      const page = payload(res, 'chats');
      expect(page.totalCount).toBe(60);
      seen.push(...page.edges.map((e: { node: { nativeId: string } }) => e.node.nativeId));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(6);
    expect(seen).toEqual(state().chatSessions.map((c) => String(c.id)));
    expect(sent().map((r) => [r.method, r.path, r.query])).toEqual([1, 2, 3, 4, 5, 6].map((p) => ['GET', '/manager/api/v1/chats', { page: [String(p)], per: ['10'] }]));
    expectAppsAuth();
  });

  it('normalises every raw status by the table, keeping rawStatus', async () => {
    const res = await gql(`{ chats(first: 100) { edges { node { nativeId status rawStatus statusText } } } }`);
    const nodes = payload(res, 'chats').edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toEqual(state().chatSessions.map((c) => ({ nativeId: String(c.id), status: APPS_API_CHAT_STATUSES[c.status], rawStatus: c.status, statusText: c.status_text })));
    expect(new Set(nodes.map((n: { status: string }) => n.status)).size).toBe(9);
  });

  it.each(Object.entries(APPS_API_CHAT_STATUSES))('filters %s as %s: sends status[] and answers only those', async (raw, status) => {
    const res = await gql(`query($s: [ChatStatus!]) { chats(filter: { statuses: $s }, first: 50) { totalCount edges { node { status rawStatus } } } }`, { s: [status] });
    const page = payload(res, 'chats');
    expect(page.totalCount).toBe(state().chatSessions.filter((c) => c.status === raw).length);
    for (const e of page.edges) expect(e.node).toEqual({ status, rawStatus: raw });
    expect(sent()[0]).toEqual(wire('GET', '/manager/api/v1/chats', null, { 'status[]': [raw], page: ['1'], per: ['50'] }));
  });

  it('reads one chat with its agent (named by the chat record: no agents request), end user, queue and transcript', async () => {
    const chat = state().chatSessions.find((c) => c.agent && c.transcript)!;
    const res = await gql(
      `query($id: ID!) { chat(id: $id) { id nativeId vendor connection { id } status rawStatus channel lang createdAt endedAt
         agent { nativeId name } endUser { nativeId identifier } queue { nativeId name } transcript { from content sentAt } messages { from content } } }`,
      { id: chatGid(chat.id) },
    );
    expect(payload(res, 'chat')).toEqual({
      id: chatGid(chat.id),
      nativeId: String(chat.id),
      vendor: 'APPS_API',
      connection: { id: 'apps-a' },
      status: APPS_API_CHAT_STATUSES[chat.status],
      rawStatus: chat.status,
      channel: chat.chat_type,
      lang: 'en',
      createdAt: chat.created_at,
      endedAt: chat.ends_at,
      agent: { nativeId: String(chat.agent!.id), name: chat.agent!.name },
      endUser: { nativeId: String(chat.end_user.id), identifier: chat.end_user.identifier },
      queue: { nativeId: String(chat.menus[0]!.id), name: chat.menus[0]!.name },
      transcript: chat.transcript!.messages.map((m) => ({ from: m.from, content: m.content, sentAt: m.sent_at })),
      messages: chat.messages.map((m) => ({ from: m.from, content: m.content })),
    });
    expect(sent().map((r) => [r.method, r.path])).toEqual([['GET', `/manager/api/v1/chats/${chat.id}`]]);
  });

  it('batches the agents of a page of chats into one agents request when it asks for more than the chat names', async () => {
    const res = await gql(`{ chats(first: 20) { edges { node { agent { nativeId status } } } } }`);
    expect(res.body.errors).toBeUndefined();
    expect(sent().map((r) => r.path)).toEqual(['/manager/api/v1/chats', '/manager/api/v1/agents']);
  });

  it('resolves a Chat global id through node(id), and answers null with a transcript the vendor does not give', async () => {
    const chat = state().chatSessions.find((c) => !c.transcript)!;
    const res = await gql(`query($id: ID!) { node(id: $id) { __typename ... on Chat { nativeId transcript { content } } } }`, { id: chatGid(chat.id) });
    expect(payload(res, 'node')).toEqual({ __typename: 'Chat', nativeId: String(chat.id), transcript: null });
  });

  it('answers an unknown chat with NOT_FOUND', async () => {
    const res = await gql(`query($id: ID!) { chat(id: $id) { id } }`, { id: chatGid(999_999) });
    expect(res.body.data).toEqual({ chat: null });
    expect(res.body.errors![0]).toMatchObject({ message: `could not resolve to a node with id "${chatGid(999_999)}"`, extensions: { code: 'NOT_FOUND' } });
  });

  it('shows CHAT_LOG and CHAT_CONTROL in connections { capabilities } for the Apps API connection only', async () => {
    const res = await gql(`{ connections { id capabilities } }`);
    const caps = Object.fromEntries(payload(res, 'connections').map((c: { id: string; capabilities: string[] }) => [c.id, c.capabilities]));
    expect(caps['apps-a'].slice(-5)).toEqual(['CHAT_LOG', 'CHAT_CONTROL', 'QUEUE_SETTINGS', 'CONTACT_LISTS', 'LEAD_IMPORT']);
    expect(caps['ameyo-a']).not.toContain('CHAT_LOG');
    expect(caps['dialer-a']).not.toContain('CHAT_CONTROL');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// commands
// ---------------------------------------------------------------------------------------------------------------

const CREATE = `mutation($input: ChatCreateInput!) { chatCreate(input: $input) { chat { nativeId status rawStatus endUser { nativeId } queue { nativeId } transcript { from content } } userErrors { field message code } } }`;

describe('chatCreate', () => {
  it('sends the documented body with integer ids and answers the new chat with its transcript', async () => {
    const eu = state().endUsers[0]!;
    const transcript = { messages: [{ from: 'end_user', content: 'Where is my order?', sent_at: '2026-11-02T08:59:00.000Z' }] };
    const res = await gql(CREATE, { input: { connectionId: 'apps-a', queueId: queueGid(63), endUserId: endUserGid(eu.id), email: 'ada@example.com', context: { order: 'A-1' }, transcript } });
    const p = payload(res, 'chatCreate');
    const id = Math.max(...state().chatSessions.map((c) => c.id));
    expect(p).toEqual({
      chat: {
        nativeId: String(id),
        status: 'QUEUED',
        rawStatus: 'queued',
        endUser: { nativeId: String(eu.id) },
        queue: { nativeId: '63' },
        transcript: [{ from: 'end_user', content: 'Where is my order?' }],
      },
      userErrors: [],
    });
    expect(sent()).toEqual([wire('POST', A, { chat: { menu_id: 63, end_user_id: eu.id, lang: 'en', email: 'ada@example.com', context: { order: 'A-1' }, transcript } })]);
    expectAppsAuth();
  });

  it.each([
    ['an IVR menu', 60, () => state().endUsers[0]!.id, CHATS_400.menuNotChat(60)],
    ['an unknown menu', 9999, () => state().endUsers[0]!.id, CHATS_400.menuNotFound(9999)],
    ['an unknown end user', 63, () => 999_999, CHATS_400.endUserNotFound(999_999)],
  ])("answers the vendor's 400 for %s as a user error", async (_name, menu, eu, message) => {
    const res = await gql(CREATE, { input: { connectionId: 'apps-a', queueId: queueGid(menu), endUserId: endUserGid(eu()) } });
    expect(payload(res, 'chatCreate')).toEqual({ chat: null, userErrors: [userError(null, message)] });
    expect(sent()).toEqual([wire('POST', A, { chat: { menu_id: menu, end_user_id: eu(), lang: 'en' } })]);
  });

  it('refuses ids of the wrong type, and a transcript that is not an object, before sending anything', async () => {
    const res = await gql(CREATE, { input: { connectionId: 'apps-a', queueId: agentGid(1), endUserId: queueGid(63) } });
    expect(payload(res, 'chatCreate')).toEqual({
      chat: null,
      userErrors: [userError(['input', 'queueId'], "expected a Queue of connection 'apps-a'"), userError(['input', 'endUserId'], "expected a EndUser of connection 'apps-a'")],
    });
    const res2 = await gql(CREATE, { input: { connectionId: 'apps-a', queueId: queueGid(63), endUserId: endUserGid(1), transcript: ['x'] } });
    expect(payload(res2, 'chatCreate')).toEqual({ chat: null, userErrors: [userError(['input', 'transcript'], 'transcript must be a JSON object')] });
    expectNothingSent();
  });

  it('answers a connection without CHAT_CONTROL with UNSUPPORTED_BY_VENDOR', async () => {
    const res = await gql(CREATE, { input: { connectionId: 'ameyo-a', queueId: queueGid(63), endUserId: endUserGid(1) } });
    expect(res.body.errors![0]).toMatchObject({ message: "connection 'ameyo-a' (ameyo) cannot do CHAT_CONTROL", extensions: { code: 'UNSUPPORTED_BY_VENDOR' } });
    expectNothingSent();
  });
});

const FINISH = `mutation($input: ChatFinishInput!) { chatFinish(input: $input) { chat { nativeId status rawStatus endedAt } userErrors { field message code } } }`;

describe('chatFinish', () => {
  it('sends finished_by_user_id as an integer and chat.status "finished"', async () => {
    const chat = freshChat('assigned');
    const res = await gql(FINISH, { input: { chatId: chatGid(chat.id), finishedByAgentId: agentGid(chat.agent!.id), deflectionChannel: 'email' } });
    expect(payload(res, 'chatFinish')).toEqual({ chat: { nativeId: String(chat.id), status: 'FINISHED', rawStatus: 'finished', endedAt: expect.any(String) }, userErrors: [] });
    expect(sent()).toEqual([wire('PATCH', `${A}/${chat.id}`, { finished_by_user_id: chat.agent!.id, chat: { status: 'finished', deflection_channel: 'email' } })]);
  });

  it("answers the vendor's 400s (an ended chat, an unknown escalation) as user errors", async () => {
    const ended = freshChat('failed');
    expect(payload(await gql(FINISH, { input: { chatId: chatGid(ended.id) } }), 'chatFinish')).toEqual({ chat: null, userErrors: [userError(null, CHATS_400.chatEnded)] });
    const open = freshChat('queued');
    expect(payload(await gql(FINISH, { input: { chatId: chatGid(open.id), escalationNativeId: '12' } }), 'chatFinish')).toEqual({
      chat: null,
      userErrors: [userError(null, CHATS_400.escalationNotFound(12))],
    });
    expect(sent()).toEqual([wire('PATCH', `${A}/${ended.id}`, { chat: { status: 'finished' } }), wire('PATCH', `${A}/${open.id}`, { chat: { status: 'finished', escalation_id: 12 } })]);
  });

  it('refuses a finishing agent of another type before sending, and NOT_FOUND for an unknown chat', async () => {
    const res = await gql(FINISH, { input: { chatId: chatGid(freshChat('queued').id), finishedByAgentId: endUserGid(1) } });
    expect(payload(res, 'chatFinish')).toEqual({ chat: null, userErrors: [userError(['input', 'finishedByAgentId'], "expected an Agent of connection 'apps-a'")] });
    expectNothingSent();
    const missing = await gql(FINISH, { input: { chatId: chatGid(999_999) } });
    expect(missing.body.errors![0]).toMatchObject({ message: `could not resolve to a Chat with id "${chatGid(999_999)}"`, extensions: { code: 'NOT_FOUND', upstreamStatus: 404 } });
  });
});

const RESUME = `mutation($input: ChatResumeInput!) { chatResume(input: $input) { chat { nativeId status rawStatus } userErrors { field message code } } }`;

describe('chatResume', () => {
  it.each([
    ['dismissed', 'ASSIGNED', 'assigned'],
    ['va_dismissed', 'VIRTUAL_AGENT', 'va_assigned'],
  ])('resumes a %s chat with an empty PATCH', async (from, status, raw) => {
    const chat = state().chatSessions.find((c) => c.status === from && !used.has(c.id) && (from !== 'dismissed' || c.agent))!;
    used.add(chat.id);
    expect(payload(await gql(RESUME, { input: { chatId: chatGid(chat.id) } }), 'chatResume')).toEqual({ chat: { nativeId: String(chat.id), status, rawStatus: raw }, userErrors: [] });
    expect(sent()).toEqual([wire('PATCH', `${A}/${chat.id}/resume`)]);
  });

  it('answers "This chat is not in dismissed state." as a user error', async () => {
    const chat = freshChat('queued');
    expect(payload(await gql(RESUME, { input: { chatId: chatGid(chat.id) } }), 'chatResume')).toEqual({ chat: null, userErrors: [userError(null, 'This chat is not in dismissed state.')] });
  });
});

const MESSAGE = `mutation($input: ChatMessageSendInput!) { chatMessageSend(input: $input) { message { from fromNativeId type content mediaId } chat { nativeId messages { content } } userErrors { field message code } } }`;

describe('chatMessageSend', () => {
  it('sends from_user_id as an integer and message {type, content}; the chat is read when asked for', async () => {
    const chat = freshChat('queued');
    const res = await gql(MESSAGE, { input: { chatId: chatGid(chat.id), fromId: endUserGid(chat.end_user.id), content: 'Hello there' } });
    expect(payload(res, 'chatMessageSend')).toEqual({
      message: { from: 'end_user', fromNativeId: String(chat.end_user.id), type: 'text', content: 'Hello there', mediaId: null },
      chat: { nativeId: String(chat.id), messages: [{ content: 'Hello there' }] },
      userErrors: [],
    });
    expect(sent()).toEqual([wire('POST', `${A}/${chat.id}/messages`, { from_user_id: chat.end_user.id, message: { type: 'text', content: 'Hello there' } }), wire('GET', `${A}/${chat.id}`)]);
  });

  it('refuses a TEXT without content, a PHOTO without mediaId and a writer of another type, before sending', async () => {
    const chat = freshChat('queued');
    const res = await gql(MESSAGE, { input: { chatId: chatGid(chat.id), fromId: queueGid(63), type: 'PHOTO' } });
    expect(payload(res, 'chatMessageSend')).toEqual({
      message: null,
      chat: null,
      userErrors: [userError(['input', 'fromId'], "expected an Agent or an EndUser of connection 'apps-a'"), userError(['input', 'mediaId'], 'mediaId is required for a PHOTO message')],
    });
    const res2 = await gql(MESSAGE, { input: { chatId: chatGid(chat.id), fromId: endUserGid(chat.end_user.id), content: ' ' } });
    expect(payload(res2, 'chatMessageSend').userErrors).toEqual([userError(['input', 'content'], 'content is required for a TEXT message')]);
    expectNothingSent();
  });

  it("answers the vendor's 400s (a writer not in the chat, an ended chat) as user errors", async () => {
    const chat = freshChat('queued');
    const stranger = state().endUsers.find((u) => u.id !== chat.end_user.id)!;
    expect(payload(await gql(MESSAGE, { input: { chatId: chatGid(chat.id), fromId: endUserGid(stranger.id), content: 'x' } }), 'chatMessageSend').userErrors).toEqual([
      userError(null, CHATS_400.userNotFound('from_user_id', stranger.id)),
    ]);
    const ended = freshChat('finished');
    expect(payload(await gql(MESSAGE, { input: { chatId: chatGid(ended.id), fromId: endUserGid(ended.end_user.id), content: 'x' } }), 'chatMessageSend').userErrors).toEqual([
      userError(null, CHATS_400.chatEnded),
    ]);
  });
});

const ESCALATE = `mutation($input: ChatEscalateInput!) { chatEscalate(input: $input) { escalation { nativeId reason forced deflectionChannel } chat { status } userErrors { field message code } } }`;
const ESCALATION_UPDATE = `mutation($input: ChatEscalationUpdateInput!) { chatEscalationUpdate(input: $input) { escalation { nativeId deflectionChannel } userErrors { field message code } } }`;

describe('chatEscalate and chatEscalationUpdate', () => {
  it('escalates a virtual-agent chat with {reason, force_escalate} and sets the deflection channel', async () => {
    const chat = freshChat('va_assigned');
    const res = await gql(ESCALATE, { input: { chatId: chatGid(chat.id), reason: 'wants a human', force: false } });
    const p = payload(res, 'chatEscalate');
    expect(p).toEqual({ escalation: { nativeId: expect.any(String), reason: 'wants a human', forced: false, deflectionChannel: null }, chat: { status: 'QUEUED' }, userErrors: [] });
    const escId = p.escalation.nativeId as string;
    expect(sent()[0]).toEqual(wire('POST', `${A}/${chat.id}/escalations`, { reason: 'wants a human', force_escalate: false }));
    stack.sims.appsApi.clearRequests();
    const upd = await gql(ESCALATION_UPDATE, { input: { chatId: chatGid(chat.id), escalationNativeId: escId, deflectionChannel: 'voice_call' } });
    expect(payload(upd, 'chatEscalationUpdate')).toEqual({ escalation: { nativeId: escId, deflectionChannel: 'voice_call' }, userErrors: [] });
    expect(sent()).toEqual([wire('PATCH', `${A}/${chat.id}/escalations/${escId}`, { deflection_channel: 'voice_call' })]);
  });

  it("answers the vendor's 400 for a chat without a virtual agent as a user error; a forced escalation goes through", async () => {
    const chat = freshChat('queued');
    expect(payload(await gql(ESCALATE, { input: { chatId: chatGid(chat.id) } }), 'chatEscalate')).toEqual({ escalation: null, chat: null, userErrors: [userError(null, CHATS_400.notVirtualAgent)] });
    expect(payload(await gql(ESCALATE, { input: { chatId: chatGid(chat.id), force: true } }), 'chatEscalate').escalation.forced).toBe(true);
    expect(sent()).toEqual([wire('POST', `${A}/${chat.id}/escalations`, {}), wire('POST', `${A}/${chat.id}/escalations`, { force_escalate: true }), wire('GET', `${A}/${chat.id}`)]);
  });

  it('refuses an empty deflection channel before sending, and NOT_FOUND for an unknown escalation', async () => {
    const chat = freshChat('queued');
    expect(payload(await gql(ESCALATION_UPDATE, { input: { chatId: chatGid(chat.id), escalationNativeId: '1', deflectionChannel: ' ' } }), 'chatEscalationUpdate')).toEqual({
      escalation: null,
      userErrors: [userError(['input', 'deflectionChannel'], 'deflectionChannel must not be empty')],
    });
    expectNothingSent();
    const res = await gql(ESCALATION_UPDATE, { input: { chatId: chatGid(chat.id), escalationNativeId: '1', deflectionChannel: 'email' } });
    expect(res.body.errors![0]).toMatchObject({ message: `could not resolve to a Chat with id "${chatGid(chat.id)}"`, extensions: { code: 'NOT_FOUND' } });
  });
});

describe('photos, videos and media', () => {
  it('uploads URLs, adds photos and a video, lists them by kind and reads one by media id', async () => {
    const chat = freshChat('queued');
    const gid = chatGid(chat.id);
    const url = await gql(`mutation($input: ChatMediaUploadUrlCreateInput!) { chatMediaUploadUrlCreate(input: $input) { uploadUrl { url storagePath expiresAt } userErrors { message } } }`, {
      input: { chatId: gid, kind: 'PHOTO' },
    });
    expect(payload(url, 'chatMediaUploadUrlCreate').uploadUrl).toMatchObject({ storagePath: `chats/${chat.id}/photos/1` });
    const vurl = await gql(`mutation($input: ChatMediaUploadUrlCreateInput!) { chatMediaUploadUrlCreate(input: $input) { uploadUrl { storagePath } } }`, { input: { chatId: gid, kind: 'VIDEO' } });
    expect(payload(vurl, 'chatMediaUploadUrlCreate').uploadUrl).toEqual({ storagePath: `chats/${chat.id}/videos/1` });
    const photos = await gql(`mutation($input: ChatPhotosAddInput!) { chatPhotosAdd(input: $input) { media { mediaId kind storagePath photoType } userErrors { message } } }`, {
      input: { chatId: gid, photos: [{ storagePath: `chats/${chat.id}/photos/1`, photoType: 'image/png' }, { storagePath: 'x/2.jpg' }] },
    });
    expect(payload(photos, 'chatPhotosAdd').media).toEqual([
      { mediaId: `${chat.id}-1`, kind: 'PHOTO', storagePath: `chats/${chat.id}/photos/1`, photoType: 'image/png' },
      { mediaId: `${chat.id}-2`, kind: 'PHOTO', storagePath: 'x/2.jpg', photoType: null },
    ]);
    const video = await gql(`mutation($input: ChatVideoAddInput!) { chatVideoAdd(input: $input) { media { mediaId kind } userErrors { message } } }`, {
      input: { chatId: gid, storagePath: 'v/3.mp4' },
    });
    expect(payload(video, 'chatVideoAdd').media).toEqual({ mediaId: `${chat.id}-3`, kind: 'VIDEO' });
    const listed = await gql(`query($id: ID!) { chat(id: $id) { photos: media(kind: PHOTO) { mediaId url kind } videos: media(kind: VIDEO) { mediaId url } } }`, { id: gid });
    expect(payload(listed, 'chat')).toEqual({
      photos: [
        { mediaId: `${chat.id}-1`, url: `https://storage.sim.invalid/chats/${chat.id}/photos/1`, kind: 'PHOTO' },
        { mediaId: `${chat.id}-2`, url: 'https://storage.sim.invalid/x/2.jpg', kind: 'PHOTO' },
      ],
      videos: [{ mediaId: `${chat.id}-3`, url: 'https://storage.sim.invalid/v/3.mp4' }],
    });
    const one = await gql(`query($id: ID!, $m: String!) { chatMedia(chatId: $id, mediaId: $m) { mediaId kind storagePath } }`, { id: gid, m: `${chat.id}-3` });
    expect(payload(one, 'chatMedia')).toEqual({ mediaId: `${chat.id}-3`, kind: 'VIDEO', storagePath: 'v/3.mp4' });
    const none = await gql(`query($id: ID!) { chatMedia(chatId: $id, mediaId: "nope") { mediaId } }`, { id: gid });
    expect(payload(none, 'chatMedia')).toBeNull();
    expect(sent().map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', `${A}/${chat.id}/photos/upload_url`, null],
      ['GET', `${A}/${chat.id}/videos/upload_url`, null],
      ['POST', `${A}/${chat.id}/photos`, { photo: [{ s3_path: `chats/${chat.id}/photos/1`, photo_type: 'image/png' }, { s3_path: 'x/2.jpg' }] }],
      ['POST', `${A}/${chat.id}/videos`, { video: { s3_path: 'v/3.mp4' } }],
      ['GET', `/manager/api/v1/chats/${chat.id}`, null],
      ['GET', `${A}/${chat.id}/photos`, null],
      ['GET', `${A}/${chat.id}/videos`, null],
      ['GET', `${A}/${chat.id}/media/${chat.id}-3`, null],
      ['GET', `${A}/${chat.id}/media/nope`, null],
    ]);
  });

  it('refuses no photos, an empty storage path and an empty video path before sending', async () => {
    const gid = chatGid(freshChat('queued').id);
    const q = `mutation($input: ChatPhotosAddInput!) { chatPhotosAdd(input: $input) { media { mediaId } userErrors { field message code } } }`;
    expect(payload(await gql(q, { input: { chatId: gid, photos: [] } }), 'chatPhotosAdd')).toEqual({ media: null, userErrors: [userError(['input', 'photos'], 'photos must not be empty')] });
    expect(payload(await gql(q, { input: { chatId: gid, photos: [{ storagePath: 'a' }, { storagePath: '' }] } }), 'chatPhotosAdd')).toEqual({
      media: null,
      userErrors: [userError(['input', 'photos', '1', 'storagePath'], 'storagePath must not be empty')],
    });
    const v = await gql(`mutation($input: ChatVideoAddInput!) { chatVideoAdd(input: $input) { media { mediaId } userErrors { field message code } } }`, { input: { chatId: gid, storagePath: '' } });
    expect(payload(v, 'chatVideoAdd')).toEqual({ media: null, userErrors: [userError(['input', 'storagePath'], 'storagePath must not be empty')] });
    expectNothingSent();
  });
});

const FLAGS = `mutation($input: ChatCustomerFlagsUpdateInput!) { chatCustomerFlagsUpdate(input: $input) { flags { verifiedCustomer badActor repeatCustomer } chat { nativeId } userErrors { field message code } } }`;
const CUSTOM = `mutation($input: ChatCustomDataSendInput!) { chatCustomDataSend(input: $input) { sent userErrors { field message code } } }`;
const END_USER = `mutation($input: ChatEndUserUpdateInput!) { chatEndUserUpdate(input: $input) { accepted chat { endUser { identifier } } userErrors { field message code } } }`;

describe("a chat's customer flags, custom data and end user", () => {
  it('reads the flags, and updates them with `repeat_customers` (PATCH)', async () => {
    const chat = freshChat(...OPEN);
    const before = { ...state().chatCustomerFlags[String(chat.id)]! };
    const read = await gql(`query($id: ID!) { chat(id: $id) { customerFlags { verifiedCustomer badActor repeatCustomer } } }`, { id: chatGid(chat.id) });
    expect(payload(read, 'chat').customerFlags).toEqual({ verifiedCustomer: before.verified_customer, badActor: before.bad_actor, repeatCustomer: before.repeat_customer });
    stack.sims.appsApi.clearRequests();
    const res = await gql(FLAGS, { input: { chatId: chatGid(chat.id), repeatCustomer: !before.repeat_customer } });
    expect(payload(res, 'chatCustomerFlagsUpdate')).toEqual({
      flags: { verifiedCustomer: before.verified_customer, badActor: before.bad_actor, repeatCustomer: !before.repeat_customer },
      chat: { nativeId: String(chat.id) },
      userErrors: [],
    });
    expect(sent()[0]).toEqual(wire('PATCH', `${A}/${chat.id}/customer_flag`, { repeat_customers: !before.repeat_customer }));
  });

  it('refuses a flags update that sets nothing before sending', async () => {
    expect(payload(await gql(FLAGS, { input: { chatId: chatGid(freshChat(...OPEN).id) } }), 'chatCustomerFlagsUpdate')).toEqual({
      flags: null,
      chat: null,
      userErrors: [userError(['input'], 'give at least one of verifiedCustomer, badActor, repeatCustomer')],
    });
    expectNothingSent();
  });

  it('sends unsigned custom data as {signed: false, data}', async () => {
    const chat = freshChat(...OPEN);
    const res = await gql(CUSTOM, {
      input: {
        chatId: chatGid(chat.id),
        fields: [
          { key: 'reserved_verified_customer', label: 'Verified', value: true },
          { key: 'order', value: 'A-1' },
        ],
      },
    });
    expect(payload(res, 'chatCustomDataSend')).toEqual({ sent: true, userErrors: [] });
    expect(sent()).toEqual([wire('POST', `${A}/${chat.id}/custom_data`, { signed: false, data: { reserved_verified_customer: { label: 'Verified', value: true }, order: { value: 'A-1' } } })]);
    expect(state().chatCustomerFlags[String(chat.id)]!.verified_customer).toBe(true);
  });

  it("signs custom data with the connection's company secret (HS256) when asked", async () => {
    const chat = freshChat(...OPEN);
    const res = await gql(CUSTOM, { input: { chatId: chatGid(chat.id, 'apps-s'), fields: [{ key: 'tier', value: 'gold' }], signed: true } }, KEY_S);
    expect(payload(res, 'chatCustomDataSend')).toEqual({ sent: true, userErrors: [] });
    const body = sent()[0]!.body as { signed: boolean; signed_data: string };
    expect(body.signed).toBe(true);
    const claims = JSON.parse(Buffer.from(body.signed_data.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims['custom_data']).toEqual({ tier: { value: 'gold' } });
    expect(state().chatCustomData[String(chat.id)]).toEqual({ tier: { value: 'gold' } });
  });

  it('refuses no fields and a key given twice before sending; a signed send without a company secret is a user error', async () => {
    const gid = chatGid(freshChat(...OPEN).id);
    expect(payload(await gql(CUSTOM, { input: { chatId: gid, fields: [] } }), 'chatCustomDataSend')).toEqual({ sent: false, userErrors: [userError(['input', 'fields'], 'fields must not be empty')] });
    expect(
      payload(
        await gql(CUSTOM, {
          input: {
            chatId: gid,
            fields: [
              { key: 'a', value: 1 },
              { key: 'a', value: 2 },
            ],
          },
        }),
        'chatCustomDataSend',
      ),
    ).toEqual({
      sent: false,
      userErrors: [userError(['input', 'fields'], "field key 'a' is given twice")],
    });
    expect(payload(await gql(CUSTOM, { input: { chatId: gid, fields: [{ key: 'a', value: 1 }], signed: true } }), 'chatCustomDataSend')).toEqual({
      sent: false,
      userErrors: [userError(null, "connection 'apps-a' has no credentials.companySecret to sign with; send signed: false")],
    });
    expectNothingSent();
  });

  it('updates the end user (202 accepted) and reads the chat back when asked', async () => {
    const chat = freshChat(...OPEN);
    const res = await gql(END_USER, { input: { chatId: chatGid(chat.id), identifier: 'crm-chat-1', name: 'Ada', email: 'ada@example.com', phone: '+14155550123' } });
    expect(payload(res, 'chatEndUserUpdate')).toEqual({ accepted: true, chat: { endUser: { identifier: 'crm-chat-1' } }, userErrors: [] });
    expect(sent()).toEqual([wire('POST', `${A}/${chat.id}/end_user`, { identifier: 'crm-chat-1', name: 'Ada', email: 'ada@example.com', phone: '+14155550123' }), wire('GET', `${A}/${chat.id}`)]);
    // "Duplicate request: Please wait for the interval to expire" within the interval.
    expect(payload(await gql(END_USER, { input: { chatId: chatGid(chat.id), identifier: 'crm-chat-1' } }), 'chatEndUserUpdate')).toEqual({
      accepted: false,
      chat: null,
      userErrors: [userError(null, END_USER_400.duplicate)],
    });
  });

  it('refuses an empty identifier before sending, and answers an ended chat as a user error', async () => {
    expect(payload(await gql(END_USER, { input: { chatId: chatGid(freshChat(...OPEN).id), identifier: ' ' } }), 'chatEndUserUpdate')).toEqual({
      accepted: false,
      chat: null,
      userErrors: [userError(['input', 'identifier'], 'identifier must not be empty')],
    });
    expectNothingSent();
    const ended = freshChat('finished');
    expect(payload(await gql(END_USER, { input: { chatId: chatGid(ended.id), identifier: 'crm-chat-2' } }), 'chatEndUserUpdate').userErrors).toEqual([userError(null, CHATS_400.chatEnded)]);
  });
});
