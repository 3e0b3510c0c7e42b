/**
 * Queue settings export/import and version history (vendor-docs/apps-api.txt "Export - Import Queues Settings 7").
 * The doc gives the seven operations with their query, URL variables and bodies, but no paths, no answers and no error
 * texts (notes §1: "paths not found" [U]). Ours, all [U] and mirrored in src/vendors/apps-api/routes.ts:
 *
 *   POST /apps/api/v1/queue_settings/export?export_audio_files=&export_attached_files=   saves a version, answers it
 *   POST /apps/api/v1/queue_settings/import                 multipart `file` (ZIP or JSON) + `email`; answers the version
 *   GET  /apps/api/v1/queue_settings/version_histories      the tenant's versions, newest first
 *   GET  /apps/api/v1/queue_settings/version_histories/:id
 *   GET  /apps/api/v1/queue_settings/version_histories/:id/download   the version's file (application/json or application/zip)
 *   POST /apps/api/v1/queue_settings/version_histories/auto_saved     { export_audio_files, export_attached_files }
 *   POST /apps/api/v1/queue_settings/version_histories/restore        { id, email, revision }
 *
 * The methods the gateway's routes rows keep as `alternates` are answered the same way: GET export, PUT import,
 * PUT restore.
 *
 * What the doc marks "(Required)" is refused when missing with the Rails `ParameterMissing` text the vendor uses
 * elsewhere ("param is missing or the value is empty: <name>", END_USER_400). Type errors name the field (ours).
 * The restore's `id` is an integer as the doc's body prints it (`"id": "integer"`): a string id is refused; `revision`
 * is a UUID ("e8a11621-50a2-41b0-9152-0a15c3a8391a" in the doc). Without `id` and `revision` the restore takes "the last
 * saved version" (doc text), the newest one.
 */
import { createHash } from 'node:crypto';
import type { SimContext, SimReply } from '../common/server';
import { badRequest, notFoundRecord } from './errors';
import { isoAt, nextId, type AppsEnv, type RouteModule } from './env';
import type { AppsApiState } from './seed';
import { asId, bodyObject, given, parseMultipart } from './util';

export interface QueueSettingsVersion {
  id: number;
  /** UUID. */
  revision: string;
  created_at: string;
  auto_saved: boolean;
  /** The user it was saved for (import, restore); null for an export. */
  email: string | null;
  export_audio_files: boolean;
  export_attached_files: boolean;
  file_name: string;
  /** Not on the wire: the file the download answers, and its type. */
  content: Buffer;
  content_type: 'application/json' | 'application/zip';
}

const missing = (name: string) => `param is missing or the value is empty: ${name}`;

/** 400 messages of these endpoints (ours, [U]: the doc prints none). */
export const QUEUE_SETTINGS_400 = {
  missing,
  notTrueFalse: (name: string) => `${name} must be true or false`,
  notBoolean: (name: string) => `${name} must be a boolean`,
  emailInvalid: 'email is invalid',
  fileType: 'file must be a ZIP or JSON file',
  idNotInteger: 'id must be an integer',
  revisionNotUuid: 'revision must be a UUID',
  idRevisionMismatch: 'id and revision name different versions',
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A deterministic UUID-shaped revision for version `id` of `seed`. */
export function revisionFor(seed: number, id: number): string {
  const h = createHash('sha1').update(`queue-settings/${seed}/${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The tenant's settings as an export writes them: queues, chat shortcuts and contact lists (Google's "Settings version control" page lists these). */
function settingsJson(state: AppsApiState, opts: { audio: boolean; attached: boolean }): Buffer {
  const doc = {
    format: 'queue_settings',
    version: 1,
    queues: state.menus.map((m) => ({ id: m.id, name: m.name, menu_type: m.menu_type, parent_id: m.parent_id })),
    chat_shortcuts: [{ name: 'greeting', text: 'Hello, how can I help you today?' }],
    contact_lists: (state.contactLists ?? []).map((l) => ({ name: l.name, list_type: l.list_type, entries: l.entries.map((e) => ({ name: e.name, phone_number: e.phone_number })) })),
    export_audio_files: opts.audio,
    export_attached_files: opts.attached,
  };
  return Buffer.from(JSON.stringify(doc, null, 2), 'utf8');
}

// --- a one-entry ZIP (stored, no compression): what an export with audio or attached files answers -----------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP holding `name` stored as-is (enough for a client to unzip; the real export's layout is unknown). */
export function zipOne(name: string, data: Buffer): Buffer {
  const fname = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fname.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fname.length, 28);
  const centralOffset = local.length + fname.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fname.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fname, data, central, fname, end]);
}

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
function isJsonObject(b: Buffer): boolean {
  let text = b.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

function makeVersion(
  state: AppsApiState,
  at: number,
  fields: { auto_saved: boolean; email: string | null; audio: boolean; attached: boolean; content?: Buffer; content_type?: QueueSettingsVersion['content_type'] },
): QueueSettingsVersion {
  const id = nextId(state.queueSettingsVersions, 300);
  const zip = fields.content_type ? fields.content_type === 'application/zip' : fields.audio || fields.attached;
  const json = settingsJson(state, { audio: fields.audio, attached: fields.attached });
  const content = fields.content ?? (zip ? zipOne('queue_settings.json', json) : json);
  return {
    id,
    revision: revisionFor(state.seed, id),
    created_at: isoAt(at),
    auto_saved: fields.auto_saved,
    email: fields.email,
    export_audio_files: fields.audio,
    export_attached_files: fields.attached,
    file_name: `queue_settings_${id}.${zip ? 'zip' : 'json'}`,
    content,
    content_type: zip ? 'application/zip' : 'application/json',
  };
}

/** Three versions: an export (JSON), an auto-save, and an export with audio files (ZIP). Oldest first in state. */
export function buildQueueSettingsVersions(state: AppsApiState): QueueSettingsVersion[] {
  const scratch = { ...state, queueSettingsVersions: [] as QueueSettingsVersion[] };
  const at = Date.parse('2026-10-01T09:00:00.000Z');
  const specs = [
    { auto_saved: false, email: 'admin@demo.example.com', audio: false, attached: false },
    { auto_saved: true, email: null, audio: false, attached: true },
    { auto_saved: false, email: 'admin@demo.example.com', audio: true, attached: false },
  ];
  specs.forEach((spec, i) => {
    const v = makeVersion(scratch, at + i * 86_400_000, spec);
    // The doc's sample revision names the first version.
    if (i === 0) v.revision = 'e8a11621-50a2-41b0-9152-0a15c3a8391a';
    scratch.queueSettingsVersions.push(v);
  });
  return scratch.queueSettingsVersions;
}

export function versionView(v: QueueSettingsVersion) {
  const { content: _c, content_type: _t, ...wire } = v;
  return { ...wire };
}

/** `true`/`false` from a required query parameter; a reply otherwise. */
function queryFlag(ctx: SimContext, name: string): boolean | { reply: SimReply } {
  const v = ctx.query.get(name);
  if (v === null || v.trim() === '') return { reply: badRequest(missing(name)) };
  if (v === 'true') return true;
  if (v === 'false') return false;
  return { reply: badRequest(QUEUE_SETTINGS_400.notTrueFalse(name)) };
}

function bodyFlag(body: Record<string, unknown>, name: string): boolean | { reply: SimReply } {
  const v = body[name];
  if (v === undefined || v === null) return { reply: badRequest(missing(name)) };
  if (typeof v !== 'boolean') return { reply: badRequest(QUEUE_SETTINGS_400.notBoolean(name)) };
  return v;
}

function checkEmail(v: unknown): string | { reply: SimReply } {
  if (!given(v)) return { reply: badRequest(missing('email')) };
  if (typeof v !== 'string' || !EMAIL.test(v.trim())) return { reply: badRequest(QUEUE_SETTINGS_400.emailInvalid) };
  return v.trim();
}

const created = (v: QueueSettingsVersion): SimReply => ({ status: 201, body: versionView(v) });

export const queueSettingsRoutes: RouteModule = (env: AppsEnv) => {
  const { state } = env;
  const find = (raw: string | undefined) => state.queueSettingsVersions.find((v) => v.id === asId(raw));
  const routes = [
    {
      route: 'POST /apps/api/v1/queue_settings/export',
      handler: (ctx: SimContext): SimReply => {
        const audio = queryFlag(ctx, 'export_audio_files');
        if (typeof audio !== 'boolean') return audio.reply;
        const attached = queryFlag(ctx, 'export_attached_files');
        if (typeof attached !== 'boolean') return attached.reply;
        const v = makeVersion(state, env.now(), { auto_saved: false, email: null, audio, attached });
        state.queueSettingsVersions.push(v);
        return created(v);
      },
    },
    {
      route: 'POST /apps/api/v1/queue_settings/import',
      handler: (ctx: SimContext): SimReply => {
        const parts = parseMultipart(ctx) ?? [];
        const file = parts.find((p) => p.name === 'file' && p.filename !== null);
        if (!file || file.data.length === 0) return badRequest(missing('file'));
        const emailPart = parts.find((p) => p.name === 'email');
        const email = checkEmail(emailPart?.data.toString('utf8'));
        if (typeof email !== 'string') return email.reply;
        const zip = isZip(file.data);
        if (!zip && !isJsonObject(file.data)) return badRequest(QUEUE_SETTINGS_400.fileType);
        const v = makeVersion(state, env.now(), {
          auto_saved: false,
          email,
          audio: false,
          attached: false,
          content: file.data,
          content_type: zip ? 'application/zip' : 'application/json',
        });
        state.queueSettingsVersions.push(v);
        return created(v);
      },
    },
    {
      route: 'GET /apps/api/v1/queue_settings/version_histories',
      handler: (): SimReply => ({ status: 200, body: [...state.queueSettingsVersions].reverse().map(versionView) }),
    },
    {
      route: 'POST /apps/api/v1/queue_settings/version_histories/auto_saved',
      handler: (ctx: SimContext): SimReply => {
        const body = bodyObject(ctx);
        const audio = bodyFlag(body, 'export_audio_files');
        if (typeof audio !== 'boolean') return audio.reply;
        const attached = bodyFlag(body, 'export_attached_files');
        if (typeof attached !== 'boolean') return attached.reply;
        const v = makeVersion(state, env.now(), { auto_saved: true, email: null, audio, attached });
        state.queueSettingsVersions.push(v);
        return created(v);
      },
    },
    {
      route: 'POST /apps/api/v1/queue_settings/version_histories/restore',
      handler: (ctx: SimContext): SimReply => {
        const body = bodyObject(ctx);
        const email = checkEmail(body.email);
        if (typeof email !== 'string') return email.reply;
        if (body.id !== undefined && body.id !== null && !(typeof body.id === 'number' && Number.isSafeInteger(body.id) && body.id > 0)) {
          return badRequest(QUEUE_SETTINGS_400.idNotInteger);
        }
        if (body.revision !== undefined && body.revision !== null && !(typeof body.revision === 'string' && UUID.test(body.revision))) {
          return badRequest(QUEUE_SETTINGS_400.revisionNotUuid);
        }
        const byId = typeof body.id === 'number' ? state.queueSettingsVersions.find((v) => v.id === body.id) : undefined;
        const byRevision = typeof body.revision === 'string' ? state.queueSettingsVersions.find((v) => v.revision === (body.revision as string).toLowerCase()) : undefined;
        if ((typeof body.id === 'number' && !byId) || (typeof body.revision === 'string' && !byRevision)) return notFoundRecord();
        if (byId && byRevision && byId !== byRevision) return badRequest(QUEUE_SETTINGS_400.idRevisionMismatch);
        const target = byId ?? byRevision ?? state.queueSettingsVersions.at(-1);
        if (!target) return notFoundRecord();
        state.queueSettingsRestored = { id: target.id, email, at: isoAt(env.now()) };
        return { status: 200, body: versionView(target) };
      },
    },
    {
      route: 'GET /apps/api/v1/queue_settings/version_histories/:id',
      handler: (ctx: SimContext): SimReply => {
        const v = find(ctx.params.id);
        return v ? { status: 200, body: versionView(v) } : notFoundRecord();
      },
    },
    {
      route: 'GET /apps/api/v1/queue_settings/version_histories/:id/download',
      handler: (ctx: SimContext): SimReply => {
        const v = find(ctx.params.id);
        if (!v) return notFoundRecord();
        return {
          status: 200,
          headers: { 'content-type': v.content_type, 'content-disposition': `attachment; filename="${v.file_name}"` },
          body: v.content,
        };
      },
    },
  ];
  const alternate = (method: string, of: string) => ({ route: `${method} ${of.slice(of.indexOf(' ') + 1)}`, handler: routes.find((r) => r.route === of)!.handler });
  return [
    ...routes,
    alternate('GET', 'POST /apps/api/v1/queue_settings/export'),
    alternate('PUT', 'POST /apps/api/v1/queue_settings/import'),
    alternate('PUT', 'POST /apps/api/v1/queue_settings/version_histories/restore'),
  ];
};
