/**
 * Chats (vendor-docs/apps-api.txt "Chats", 18 operations whose bodies the document gives without paths; notes §1 rows
 * "Chats: ..."): `GET /manager/api/v1/chats[/:id]` and, under `/apps/api/v1/chats`: create, get, update (finish),
 * resume, messages, escalations, photos, videos, media, customer flags, custom data and the mid-session end user.
 *
 * Confirmed by the vendor's pages: `PATCH /chats/:id/resume` (resume-a-chat, with its message "This chat is not in
 * dismissed state."), `POST /chats/:chat_id/end_user` (mid-session-authentication-apps-api),
 * `GET /chats/:chat_id/media/:media_id` (agent-attachments-chat-api), `GET /manager/api/v1/chats` (tap-ujet). Every
 * other path follows the document's operation names (our assumption, like src/vendors/apps-api/routes.ts `[U]` rows).
 * The document declares ids as "integer": an id sent as a string is refused with a 400 (our wording).
 */
import type { SimContext, SimReply } from '../common/server';
import { parseUtcTime } from './agents';
import { CALLS_OUR_400, END_USER_DUPLICATE_INTERVAL_MS, flagUpdates, receiveCustomData, upsertEndUser } from './calls';
import { badRequest, END_USER_400, MISSING_PARAMETER, messageReply, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import { pageReply, readPage } from './paging';
import { CHAT_ENDED, CHAT_STATUSES, chatStatusText, type ChatMedia, type ChatSession, type ChatStatus, type CustomerFlags } from './seed';
import { asId, asText, bodyObject, given } from './util';

/** 400 messages of the chat endpoints. `notDismissed` is the vendor's (resume-a-chat); the others are ours. */
export const CHATS_400 = {
  notDismissed: 'This chat is not in dismissed state.',
  chatEnded: 'Chat is already ended',
  notVirtualAgent: 'Chat is not with a virtual agent - use force_escalate to escalate anyway',
  invalidStatus: `status is invalid - use one of ${CHAT_STATUSES.join(', ')}`,
  invalidMessageType: 'message type is invalid - use text, photo or video',
  contentMissing: 'param is missing or the value is empty: content',
  mediaMissing: 'param is missing or the value is empty: media_id',
  menuNotChat: (id: number) => `menu_id ${id} is not a valid menu for chats`,
  menuNotFound: (id: number) => `menu_id ${id} is not found`,
  endUserNotFound: (id: number) => `end_user_id ${id} is not found`,
  userNotFound: (key: string, id: number) => `${key} ${id} is not found`,
  notInteger: (key: string) => `${key} must be an integer`,
  notString: (key: string) => `${key} must be a string`,
  notBoolean: (key: string) => `${key} must be a boolean`,
  notObject: (key: string) => `${key} must be an object`,
  escalationNotFound: (id: number) => `escalation_id ${id} is not found`,
  flagsNotBoolean: CALLS_OUR_400.flagsNotBoolean,
  flagsResponseKey: CALLS_OUR_400.flagsResponseKey,
  signedDataInvalid: 'signed_data is invalid',
  dataInvalid: 'data is invalid',
} as const;

/** Message types (ours: the document names `type`, `content` and `media_id`). */
export const CHAT_MESSAGE_TYPES = Object.freeze(['text', 'photo', 'video'] as const);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A body id: the document declares "integer", so only a JSON integer passes. */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

function findChat(env: AppsEnv, raw: string | undefined): ChatSession | undefined {
  const id = asId(raw);
  return id === null ? undefined : env.state.chatSessions.find((c) => c.id === id);
}

function withChat(env: AppsEnv, ctx: SimContext, key: 'id' | 'chat_id', work: (chat: ChatSession) => SimReply): SimReply {
  const chat = findChat(env, ctx.params[key]);
  return chat ? work(chat) : notFoundRecord();
}

function touch(env: AppsEnv, chat: ChatSession, status?: ChatStatus): void {
  const now = isoAt(env.now());
  if (status) {
    chat.status = status;
    chat.status_text = chatStatusText(status);
    if (CHAT_ENDED.has(status)) chat.ends_at = now;
  }
  chat.updated_at = now;
}

function flagsOf(env: AppsEnv, chat: ChatSession): CustomerFlags {
  return (env.state.chatCustomerFlags[String(chat.id)] ??= { verified_customer: false, bad_actor: false, repeat_customer: false });
}

// ---------------------------------------------------------------------------------------------------------------
// create, list, get
// ---------------------------------------------------------------------------------------------------------------

/** `POST /chats` body `{chat: {menu_id, end_user_id, lang, email, context, transcript}}` ("Start a new chat"). */
function createChat(env: AppsEnv, ctx: SimContext): SimReply {
  const { state } = env;
  const b = bodyObject(ctx);
  if (!isObject(b.chat)) return badRequest(MISSING_PARAMETER);
  const c = b.chat;
  // menu_id and end_user_id are required (ours: a chat needs a queue and someone to chat with).
  if (!given(c.menu_id) || !given(c.end_user_id)) return badRequest(MISSING_PARAMETER);
  if (!isInt(c.menu_id)) return badRequest(CHATS_400.notInteger('menu_id'));
  if (!isInt(c.end_user_id)) return badRequest(CHATS_400.notInteger('end_user_id'));
  const menu = state.menus.find((m) => m.id === c.menu_id);
  if (!menu) return badRequest(CHATS_400.menuNotFound(c.menu_id));
  // Chats run on web and mobile menus; IVR menus have no chat channel (sim/apps-api/seed.ts MenuQueue).
  if (menu.menu_type === 'ivr_menu') return badRequest(CHATS_400.menuNotChat(c.menu_id));
  const endUser = state.endUsers.find((u) => u.id === c.end_user_id);
  if (!endUser) return badRequest(CHATS_400.endUserNotFound(c.end_user_id));
  for (const key of ['lang', 'email'] as const) if (given(c[key]) && typeof c[key] !== 'string') return badRequest(CHATS_400.notString(key));
  for (const key of ['context', 'transcript'] as const) if (c[key] !== undefined && c[key] !== null && !isObject(c[key])) return badRequest(CHATS_400.notObject(key));
  const now = isoAt(env.now());
  const chat: ChatSession = {
    id: nextId(state.chatSessions),
    status: 'queued',
    status_text: chatStatusText('queued'),
    chat_type: menu.menu_type === 'mobile_menu' ? 'mobile' : 'web',
    lang: asText(c.lang) ?? 'en',
    created_at: now,
    updated_at: now,
    ends_at: null,
    timeout_at: null,
    agent: null,
    all_agents: [],
    menus: [{ id: menu.id, name: menu.name }],
    end_user: { id: endUser.id, identifier: endUser.identifier },
    email: asText(c.email),
    context: isObject(c.context) ? c.context : null,
    transcript: isObject(c.transcript) ? (JSON.parse(JSON.stringify(c.transcript)) as ChatSession['transcript']) : null,
    messages: [],
    photos: [],
    videos: [],
    escalations: [],
    deflection_channel: null,
    finished_by_user_id: null,
  };
  state.chatSessions.push(chat);
  state.chatCustomerFlags[String(chat.id)] = { verified_customer: false, bad_actor: false, repeat_customer: false };
  return { status: 201, body: chat };
}

/** `GET /manager/api/v1/chats`: page/per, `status[]`, `created_at[from|to]`, `updated_at[from]`, sort like the calls list. */
function listChats(env: AppsEnv, ctx: SimContext): SimReply {
  const q = ctx.query;
  const paging = readPage(q);
  if ('reply' in paging) return paging.reply;
  const statuses = q.getAll('status[]').map((s) => s.trim());
  const bounds: Record<string, number | null> = {};
  for (const key of ['created_at[from]', 'created_at[to]', 'updated_at[from]']) {
    const raw = q.get(key);
    const ms = raw === null ? null : parseUtcTime(raw);
    if (Number.isNaN(ms)) return badRequest(`Invalid time for ${key} - use ISO 8601 in UTC`);
    bounds[key] = ms;
  }
  const column = (q.get('sort_column') ?? 'id').trim();
  if (column !== 'id' && column !== 'created_at' && column !== 'updated_at') return badRequest('Invalid sort_column - use id, created_at or updated_at');
  const direction = (q.get('sort_direction') ?? 'asc').trim().toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') return badRequest('Invalid sort_direction - use asc or desc');
  const within = (t: number, from: number | null | undefined, to: number | null | undefined) => (from == null || t >= from) && (to == null || t <= to);
  const matches = env.state.chatSessions.filter(
    (c) =>
      (statuses.length === 0 || statuses.includes(c.status)) &&
      within(Date.parse(c.created_at), bounds['created_at[from]'], bounds['created_at[to]']) &&
      within(Date.parse(c.updated_at), bounds['updated_at[from]'], null),
  );
  const sign = direction === 'asc' ? 1 : -1;
  matches.sort((a, b) => sign * (column === 'id' ? a.id - b.id : Date.parse(a[column]) - Date.parse(b[column]) || a.id - b.id));
  return pageReply(ctx, env.origin(ctx), matches, paging);
}

// ---------------------------------------------------------------------------------------------------------------
// update (finish), resume, messages, escalations
// ---------------------------------------------------------------------------------------------------------------

/** "Update a chat": `{finished_by_user_id, chat: {deflection_channel, status, escalation_id}}`. */
function updateChat(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const b = bodyObject(ctx);
  if (b.finished_by_user_id !== undefined && b.finished_by_user_id !== null) {
    if (!isInt(b.finished_by_user_id)) return badRequest(CHATS_400.notInteger('finished_by_user_id'));
    const by = b.finished_by_user_id;
    if (!env.state.agents.some((a) => a.id === by)) return badRequest(CHATS_400.userNotFound('finished_by_user_id', by));
  }
  if (b.chat !== undefined && !isObject(b.chat)) return badRequest(CHATS_400.notObject('chat'));
  const c = isObject(b.chat) ? b.chat : {};
  if (!given(b.finished_by_user_id) && !given(c.status) && !given(c.deflection_channel) && !given(c.escalation_id)) return badRequest(MISSING_PARAMETER);
  let status: ChatStatus | undefined;
  if (given(c.status)) {
    const raw = typeof c.status === 'string' ? c.status.trim() : '';
    if (!(CHAT_STATUSES as readonly string[]).includes(raw)) return badRequest(CHATS_400.invalidStatus);
    status = raw as ChatStatus;
  }
  if (given(c.deflection_channel) && typeof c.deflection_channel !== 'string') return badRequest(CHATS_400.notString('deflection_channel'));
  if (given(c.escalation_id)) {
    if (!isInt(c.escalation_id)) return badRequest(CHATS_400.notInteger('escalation_id'));
    const eid = c.escalation_id;
    if (!chat.escalations.some((e) => e.id === eid)) return badRequest(CHATS_400.escalationNotFound(eid));
  }
  // An ended chat takes no more changes (ours; a dismissed one is resumed with /resume).
  if (CHAT_ENDED.has(chat.status)) return badRequest(CHATS_400.chatEnded);
  if (given(c.deflection_channel)) chat.deflection_channel = (c.deflection_channel as string).trim();
  if (isInt(b.finished_by_user_id)) chat.finished_by_user_id = b.finished_by_user_id;
  touch(env, chat, status ?? (isInt(b.finished_by_user_id) ? 'finished' : undefined));
  return { status: 200, body: chat };
}

/** resume-a-chat: PATCH with an empty body; only a dismissed chat; it returns to its agent, or the queue (ours). */
function resumeChat(env: AppsEnv, chat: ChatSession): SimReply {
  if (chat.status !== 'dismissed' && chat.status !== 'va_dismissed') return badRequest(CHATS_400.notDismissed);
  chat.ends_at = null;
  chat.timeout_at = null;
  touch(env, chat, chat.status === 'va_dismissed' ? 'va_assigned' : chat.agent ? 'assigned' : 'queued');
  return { status: 200, body: chat };
}

/** "Send a message in a chat": `{from_user_id, message: {type, content, media_id}}` → 201 the message (ours). */
function sendMessage(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const b = bodyObject(ctx);
  if (!given(b.from_user_id) || !isObject(b.message)) return badRequest(MISSING_PARAMETER);
  if (!isInt(b.from_user_id)) return badRequest(CHATS_400.notInteger('from_user_id'));
  const m = b.message;
  const type = typeof m.type === 'string' ? m.type.trim() : given(m.type) ? null : 'text';
  if (type === null || !(CHAT_MESSAGE_TYPES as readonly string[]).includes(type)) return badRequest(CHATS_400.invalidMessageType);
  if (given(m.content) && typeof m.content !== 'string') return badRequest(CHATS_400.notString('content'));
  if (given(m.media_id) && typeof m.media_id !== 'string') return badRequest(CHATS_400.notString('media_id'));
  if (type === 'text' && !given(m.content)) return badRequest(CHATS_400.contentMissing);
  if (type !== 'text' && !given(m.media_id)) return badRequest(CHATS_400.mediaMissing);
  // The sender: the chat's end user, or an agent (ours).
  const from = b.from_user_id;
  const sender = chat.end_user.id === from ? 'end_user' : env.state.agents.some((a) => a.id === from) ? 'agent' : null;
  if (!sender) return badRequest(CHATS_400.userNotFound('from_user_id', from));
  if (type !== 'text' && ![...chat.photos, ...chat.videos].some((x) => x.media_id === (m.media_id as string).trim())) return notFoundRecord();
  if (CHAT_ENDED.has(chat.status)) return badRequest(CHATS_400.chatEnded);
  let last = 700_000;
  for (const c of env.state.chatSessions) for (const x of c.messages) if (x.id > last) last = x.id;
  const message = {
    id: last + 1,
    from_user_id: from,
    from: sender,
    type,
    content: asText(m.content),
    media_id: asText(m.media_id),
    sent_at: isoAt(env.now()),
  };
  chat.messages.push(message);
  touch(env, chat);
  return { status: 201, body: message };
}

/** "Escalate a chat from a Virtual Agent to a Human Agent": `{reason, force_escalate}` → 201 the escalation (ours). */
function escalate(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const b = bodyObject(ctx);
  if (b.reason !== undefined && b.reason !== null && typeof b.reason !== 'string') return badRequest(CHATS_400.notString('reason'));
  if (b.force_escalate !== undefined && b.force_escalate !== null && typeof b.force_escalate !== 'boolean') return badRequest(CHATS_400.notBoolean('force_escalate'));
  if (CHAT_ENDED.has(chat.status)) return badRequest(CHATS_400.chatEnded);
  const force = b.force_escalate === true;
  if (chat.status !== 'va_assigned' && !force) return badRequest(CHATS_400.notVirtualAgent);
  const escalation = {
    id: nextId(
      env.state.chatSessions.flatMap((c) => c.escalations),
      800_000,
    ),
    reason: asText(b.reason),
    force_escalate: force,
    deflection_channel: null,
    created_at: isoAt(env.now()),
  };
  chat.escalations.push(escalation);
  touch(env, chat, 'queued');
  return { status: 201, body: escalation };
}

/** "Used only for selecting deflection channel currently": `{deflection_channel}`. */
function updateEscalation(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const id = asId(ctx.params.id);
  const escalation = id === null ? undefined : chat.escalations.find((e) => e.id === id);
  if (!escalation) return notFoundRecord();
  const b = bodyObject(ctx);
  if (!given(b.deflection_channel)) return badRequest('param is missing or the value is empty: deflection_channel');
  if (typeof b.deflection_channel !== 'string') return badRequest(CHATS_400.notString('deflection_channel'));
  escalation.deflection_channel = b.deflection_channel.trim();
  chat.deflection_channel = escalation.deflection_channel;
  touch(env, chat);
  return { status: 200, body: escalation };
}

// ---------------------------------------------------------------------------------------------------------------
// photos, videos, media
// ---------------------------------------------------------------------------------------------------------------

const STORAGE = 'https://storage.sim.invalid';

function newMedia(env: AppsEnv, chat: ChatSession, type: 'photo' | 'video', s3Path: string, photoType: string | null): ChatMedia {
  const n = chat.photos.length + chat.videos.length + 1;
  return { media_id: `${chat.id}-${n}`, type, s3_path: s3Path, photo_type: photoType, url: `${STORAGE}/${s3Path}`, created_at: isoAt(env.now()) };
}

/** "Add a photo that has been uploaded to media storage": `{photo: [{s3_path, photo_type}, ...]}`. */
function addPhotos(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const b = bodyObject(ctx);
  if (!Array.isArray(b.photo) || b.photo.length === 0) return badRequest('param is missing or the value is empty: photo');
  for (const p of b.photo as unknown[]) {
    if (!isObject(p) || !given(p.s3_path)) return badRequest('param is missing or the value is empty: s3_path');
    if (typeof p.s3_path !== 'string') return badRequest(CHATS_400.notString('s3_path'));
    if (given(p.photo_type) && typeof p.photo_type !== 'string') return badRequest(CHATS_400.notString('photo_type'));
  }
  const added = (b.photo as Array<Record<string, unknown>>).map((p) => {
    const media = newMedia(env, chat, 'photo', (p.s3_path as string).trim(), asText(p.photo_type));
    chat.photos.push(media);
    return media;
  });
  touch(env, chat);
  return { status: 201, body: added };
}

/** "Add a video that has been uploaded to media storage": `{video: {s3_path}}` (one object, not a list). */
function addVideo(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const b = bodyObject(ctx);
  if (!isObject(b.video) || !given(b.video.s3_path)) return badRequest('param is missing or the value is empty: video');
  if (typeof b.video.s3_path !== 'string') return badRequest(CHATS_400.notString('s3_path'));
  const media = newMedia(env, chat, 'video', b.video.s3_path.trim(), null);
  chat.videos.push(media);
  touch(env, chat);
  return { status: 201, body: media };
}

/** "Retrieves media ID's and storage url's": `[{media_id, url}]`. */
const mediaList = (items: readonly ChatMedia[]): SimReply => ({ status: 200, body: items.map((m) => ({ media_id: m.media_id, url: m.url })) });

/** "Used for fetching a presigned upload URL" (the answer's shape is ours: `{url, s3_path, expires_at}`). */
function uploadUrl(env: AppsEnv, chat: ChatSession, kind: 'photos' | 'videos'): SimReply {
  const s3Path = `chats/${chat.id}/${kind}/${chat.photos.length + chat.videos.length + 1}`;
  return { status: 200, body: { url: `${STORAGE}/${s3Path}?X-Amz-Signature=sim`, s3_path: s3Path, expires_at: isoAt(env.now() + 15 * 60_000) } };
}

// ---------------------------------------------------------------------------------------------------------------
// customer flags, custom data, end user: as for calls (sim/apps-api/calls.ts)
// ---------------------------------------------------------------------------------------------------------------

/** The document's chat flags body is the calls' (`{verified_customer, bad_actor, repeat_customers}`): ./calls.ts `flagUpdates`. */
function updateFlags(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  const read = flagUpdates(bodyObject(ctx));
  if ('reply' in read) return read.reply;
  const flags = flagsOf(env, chat);
  for (const [k, v] of read.updates) flags[k] = v;
  return { status: 200, body: { ...flags } };
}

function postCustomData(env: AppsEnv, ctx: SimContext, chat: ChatSession): SimReply {
  return receiveCustomData(env, ctx, () => (env.state.chatCustomData[String(chat.id)] ??= {}), flagsOf(env, chat)) ?? messageReply(200, 'success');
}

function updateEndUser(env: AppsEnv, ctx: SimContext, chat: ChatSession, lastAccepted: Map<number, number>): SimReply {
  const b = bodyObject(ctx);
  const identifier = asText(b.identifier);
  if (identifier === null) return badRequest(END_USER_400.identifierMissing);
  // "the current active chat session": an ended chat answers like an ended call (ours: "Chat is already ended").
  if (CHAT_ENDED.has(chat.status)) return badRequest(CHATS_400.chatEnded);
  const nowMs = env.now();
  const last = lastAccepted.get(chat.id);
  if (last !== undefined && nowMs - last < END_USER_DUPLICATE_INTERVAL_MS) return badRequest(END_USER_400.duplicate);
  lastAccepted.set(chat.id, nowMs);
  const user = upsertEndUser(env, identifier, b, false);
  chat.end_user = { id: user.id, identifier: user.identifier };
  touch(env, chat);
  return messageReply(202, 'accepted');
}

export const chatRoutes: RouteModule = (env) => {
  const lastEndUserUpdate = new Map<number, number>();
  const A = '/apps/api/v1/chats';
  const chat = (key: 'id' | 'chat_id', work: (ctx: SimContext, c: ChatSession) => SimReply) => (ctx: SimContext) => withChat(env, ctx, key, (c) => work(ctx, c));
  return [
    { route: 'GET /manager/api/v1/chats', handler: (ctx) => listChats(env, ctx) },
    { route: 'GET /manager/api/v1/chats/:id', handler: chat('id', (_ctx, c) => ({ status: 200, body: c })) },
    { route: `POST ${A}`, handler: (ctx) => createChat(env, ctx) },
    { route: `GET ${A}/:id`, handler: chat('id', (_ctx, c) => ({ status: 200, body: c })) },
    { route: `PATCH ${A}/:id`, handler: chat('id', (ctx, c) => updateChat(env, ctx, c)) },
    { route: `PUT ${A}/:id`, handler: chat('id', (ctx, c) => updateChat(env, ctx, c)) },
    { route: `PATCH ${A}/:id/resume`, handler: chat('id', (_ctx, c) => resumeChat(env, c)) },
    { route: `POST ${A}/:id/messages`, handler: chat('id', (ctx, c) => sendMessage(env, ctx, c)) },
    { route: `POST ${A}/:chat_id/escalations`, handler: chat('chat_id', (ctx, c) => escalate(env, ctx, c)) },
    { route: `PATCH ${A}/:chat_id/escalations/:id`, handler: chat('chat_id', (ctx, c) => updateEscalation(env, ctx, c)) },
    { route: `PUT ${A}/:chat_id/escalations/:id`, handler: chat('chat_id', (ctx, c) => updateEscalation(env, ctx, c)) },
    { route: `POST ${A}/:chat_id/photos`, handler: chat('chat_id', (ctx, c) => addPhotos(env, ctx, c)) },
    { route: `GET ${A}/:chat_id/photos`, handler: chat('chat_id', (_ctx, c) => mediaList(c.photos)) },
    { route: `GET ${A}/:chat_id/photos/upload_url`, handler: chat('chat_id', (_ctx, c) => uploadUrl(env, c, 'photos')) },
    { route: `POST ${A}/:chat_id/videos`, handler: chat('chat_id', (ctx, c) => addVideo(env, ctx, c)) },
    { route: `GET ${A}/:chat_id/videos`, handler: chat('chat_id', (_ctx, c) => mediaList(c.videos)) },
    { route: `GET ${A}/:chat_id/videos/upload_url`, handler: chat('chat_id', (_ctx, c) => uploadUrl(env, c, 'videos')) },
    {
      route: `GET ${A}/:chat_id/media/:media_id`,
      handler: chat('chat_id', (ctx, c) => {
        const media = [...c.photos, ...c.videos].find((m) => m.media_id === ctx.params.media_id);
        return media ? { status: 200, body: media } : notFoundRecord();
      }),
    },
    { route: `GET ${A}/:id/customer_flag`, handler: chat('id', (_ctx, c) => ({ status: 200, body: { ...flagsOf(env, c) } })) },
    { route: `PATCH ${A}/:id/customer_flag`, handler: chat('id', (ctx, c) => updateFlags(env, ctx, c)) },
    { route: `PUT ${A}/:id/customer_flag`, handler: chat('id', (ctx, c) => updateFlags(env, ctx, c)) },
    { route: `POST ${A}/:id/custom_data`, handler: chat('id', (ctx, c) => postCustomData(env, ctx, c)) },
    { route: `POST ${A}/:id/end_user`, handler: chat('id', (ctx, c) => updateEndUser(env, ctx, c, lastEndUserUpdate)) },
  ];
};
