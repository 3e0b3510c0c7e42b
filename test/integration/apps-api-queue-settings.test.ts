/**
 * Issue 16 item 9 ("Row 23"), over real HTTP against the Apps API simulator: queue settings version history (list, node,
 * download through GET /files/queue-settings-versions/{id}), export, multipart import, auto-save and restore. Each
 * operation's wire is checked exactly (method, path, query, body); every documented validation is a user error with its
 * exact message, before anything is sent where the gateway can tell.
 */
import { randomBytes } from 'node:crypto';
import { startIdentityProvider, type IdentityProvider } from '../../sim/idp';
import { QUEUE_SETTINGS_400, zipOne } from '../../sim/apps-api';
import { encodeGlobalId } from '../../src/graphql/ids';
import { bodyOf } from '../support/graphqlBody';
import { KEY_A, requestLines, startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const AUDIENCE = 'switchboard-queue-settings';
const MAX_JSON = 4096;
/** `server.uploads.maxFileBytes`: the streamed files' limit, which a ZIP import gets. */
const MAX_FILE = 65_536;
const EMAIL = 'admin@demo.example.com';
const FIRST_REVISION = 'e8a11621-50a2-41b0-9152-0a15c3a8391a';

let idp: IdentityProvider;
let stack: Stack;
const tokens = { supervisor: '', admin: '' };

beforeAll(async () => {
  idp = await startIdentityProvider({ audience: AUDIENCE });
  stack = await startStack({
    sims: FAST,
    connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 },
    server: { uploads: { maxJsonFileBytes: MAX_JSON, maxFileBytes: MAX_FILE } },
    tenantAuth: { jwt: { issuer: idp.issuer, audiences: [AUDIENCE], jwks: { url: idp.jwksUrl } } },
  });
  tokens.supervisor = await idp.sign({ sub: 'qs-supervisor', roles: ['supervisor'] });
  tokens.admin = await idp.sign({ sub: 'qs-admin', roles: ['admin'] });
});
afterAll(async () => {
  await stack?.close();
  await idp?.close();
});
beforeEach(() => stack.sims.appsApi.clearRequests());

const sim = () => stack.sims.appsApi;
const versionGid = (nativeId: number | string, connection = 'apps-a') => encodeGlobalId('QueueSettingsVersion', connection, String(nativeId));
/** What the simulator received, as the test pins it: method, path, decoded query, body. */
const wire = () => sim().requests.map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body }));

const VERSION = 'id nativeId revision createdAt autoSaved email includesAudioFiles includesAttachedFiles downloadUrl connection { id }';
const PAYLOAD = `version { ${VERSION} } userErrors { field message code }`;
const PAGE_INFO = 'hasNextPage hasPreviousPage startCursor endCursor';
/** The version history list as the simulator receives it: no query (apps-api.txt documents none for this operation). */
const LIST_WIRE = { method: 'GET', path: '/apps/api/v1/queue_settings/version_histories', query: {}, body: '' };

/** A GraphQL multipart request (operations, map, then the file), with the preflight header and a key. */
async function upload(query: string, variables: Record<string, unknown>, file: { name: string; type: string; content: string | Buffer }) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([file.content], { type: file.type }), file.name);
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'apollo-require-preflight': 'true' }, body: form });
  return { status: res.status, body: await bodyOf<{ data?: any; errors?: any[] }>(res) };
}
const IMPORT = `mutation($file: Upload!, $email: String!) { queueSettingsImport(input: { connectionId: "apps-a", file: $file, email: $email }) { ${PAYLOAD} } }`;

const expectedVersion = (id: number) => {
  const v = sim().state.queueSettingsVersions.find((x) => x.id === id)!;
  return {
    id: versionGid(id),
    nativeId: String(id),
    revision: v.revision,
    createdAt: v.created_at,
    autoSaved: v.auto_saved,
    email: v.email,
    includesAudioFiles: v.export_audio_files,
    includesAttachedFiles: v.export_attached_files,
    // Relative: no server.publicUrl is configured.
    downloadUrl: `/files/queue-settings-versions/${encodeURIComponent(versionGid(id))}`,
    connection: { id: 'apps-a' },
  };
};

describe('capabilities', () => {
  it('lists QUEUE_SETTINGS and CONTACT_LISTS last but LEAD_IMPORT (issue 18) for the Apps API connection, and on no other', async () => {
    const res = await stack.gql(`{ connections { id capabilities } }`);
    expect(res.body.errors).toBeUndefined();
    const rows = res.body.data!['connections'] as Array<{ id: string; capabilities: string[] }>;
    expect(rows.find((c) => c.id === 'apps-a')!.capabilities.slice(-3)).toEqual(['QUEUE_SETTINGS', 'CONTACT_LISTS', 'LEAD_IMPORT']);
    for (const c of rows.filter((r) => r.id !== 'apps-a')) expect(c.capabilities).not.toEqual(expect.arrayContaining(['QUEUE_SETTINGS']));
  });

  it('answers UNSUPPORTED_BY_VENDOR for a connection without QUEUE_SETTINGS, asking no vendor', async () => {
    const res = await stack.gql(`{ queueSettingsVersions(connectionId: "ameyo-a") { totalCount } }`);
    expect(res.body.errors).toMatchObject([{ message: "connection 'ameyo-a' (ameyo) cannot do QUEUE_SETTINGS", path: ['queueSettingsVersions'], extensions: { code: 'UNSUPPORTED_BY_VENDOR' } }]);
    expect(stack.sims.ameyo.requests.filter((r) => r.path.includes('queue_settings'))).toEqual([]);
  });
});

describe('version history', () => {
  it('lists the versions as a connection, newest first as the vendor sends them: GET /queue_settings/version_histories', async () => {
    const res = await stack.gql(`{ queueSettingsVersions(connectionId: "apps-a") { totalCount pageInfo { ${PAGE_INFO} } edges { cursor node { ${VERSION} } } } }`);
    expect(res.body.errors).toBeUndefined();
    const page = res.body.data!['queueSettingsVersions'];
    const cursors: string[] = page.edges.map((e: { cursor: string }) => e.cursor);
    expect(page).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: cursors[0], endCursor: cursors[2] },
      edges: [303, 302, 301].map((id, i) => ({ cursor: cursors[i], node: expectedVersion(id) })),
    });
    expect(new Set(cursors).size).toBe(3);
    expect(wire()).toEqual([LIST_WIRE]);
  });

  it('pages with first and after: each page is one vendor read of the whole list (the vendor documents no paging for it)', async () => {
    const one = await stack.gql(`{ queueSettingsVersions(connectionId: "apps-a", first: 2) { totalCount pageInfo { ${PAGE_INFO} } edges { cursor node { nativeId } } } }`);
    expect(one.body.errors).toBeUndefined();
    const first = one.body.data!['queueSettingsVersions'];
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false }, edges: [{ node: { nativeId: '303' } }, { node: { nativeId: '302' } }] });
    expect(first.pageInfo.startCursor).toBe(first.edges[0].cursor);
    expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);

    const two = await stack.gql(
      `query($after: String) { queueSettingsVersions(connectionId: "apps-a", first: 2, after: $after) { totalCount pageInfo { ${PAGE_INFO} } edges { cursor node { nativeId } } } }`,
      {
        variables: { after: first.pageInfo.endCursor },
      },
    );
    expect(two.body.errors).toBeUndefined();
    const second = two.body.data!['queueSettingsVersions'];
    const last: string = second.edges[0].cursor;
    expect(second).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: last, endCursor: last },
      edges: [{ cursor: last, node: { nativeId: '301' } }],
    });
    expect(first.edges.map((e: { cursor: string }) => e.cursor)).not.toContain(last);
    expect(wire()).toEqual([LIST_WIRE, LIST_WIRE]);
  });

  it.each([0, 101])('refuses first: %i (1..100) with the exact message, asking no vendor', async (n) => {
    const res = await stack.gql(`query($n: Int) { queueSettingsVersions(connectionId: "apps-a", first: $n) { totalCount } }`, { variables: { n } });
    expect(res.body).toEqual({
      data: { queueSettingsVersions: null },
      errors: [{ message: `expected \`first\` between 1 and 100, got ${n}`, locations: [{ line: 1, column: 18 }], path: ['queueSettingsVersions'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(wire()).toEqual([]);
  });

  it('refuses an after that is not one of its cursors with the exact message, asking no vendor', async () => {
    const res = await stack.gql(`{ queueSettingsVersions(connectionId: "apps-a", after: "not-a-cursor") { totalCount } }`);
    expect(res.body).toEqual({
      data: { queueSettingsVersions: null },
      errors: [
        {
          message: 'expected `after` to be a cursor from this connection, got "not-a-cursor"',
          locations: [{ line: 1, column: 3 }],
          path: ['queueSettingsVersions'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(wire()).toEqual([]);
  });

  it('reads one by global ID (queueSettingsVersion and node): GET /queue_settings/version_histories/301', async () => {
    const res = await stack.gql(`query($id: ID!) { queueSettingsVersion(id: $id) { ${VERSION} } node(id: $id) { id ... on QueueSettingsVersion { revision } } }`, {
      variables: { id: versionGid(301) },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ queueSettingsVersion: expectedVersion(301), node: { id: versionGid(301), revision: FIRST_REVISION } });
    // The same node twice in one request is one vendor read.
    expect(wire()).toEqual([{ method: 'GET', path: '/apps/api/v1/queue_settings/version_histories/301', query: {}, body: '' }]);
  });

  it('answers NOT_FOUND for a version the vendor does not have', async () => {
    const res = await stack.gql(`query($id: ID!) { queueSettingsVersion(id: $id) { id } }`, { variables: { id: versionGid(999) } });
    expect(res.body.errors).toMatchObject([{ message: `could not resolve to a node with id "${versionGid(999)}"`, path: ['queueSettingsVersion'], extensions: { code: 'NOT_FOUND' } }]);
  });
});

describe('GET /files/queue-settings-versions/{id}', () => {
  const get = (id: string, bearer = KEY_A) => fetch(`${stack.gateway.url}/files/queue-settings-versions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${bearer}` } });

  it('streams a JSON version with its bytes, type and name: GET .../version_histories/301/download', async () => {
    const res = await get(versionGid(301));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="queue-settings-301.json"');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(sim().state.queueSettingsVersions[0]!.content);
    expect(wire()).toEqual([{ method: 'GET', path: '/apps/api/v1/queue_settings/version_histories/301/download', query: {}, body: '' }]);
    expect(sim().requests[0]!.headers['accept']).toBe('application/json, application/zip, */*');
  });

  it('streams a ZIP version byte for byte, for an ADMIN token too', async () => {
    const res = await get(versionGid(303), tokens.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="queue-settings-303.zip"');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(sim().state.queueSettingsVersions[2]!.content);
  });

  it('refuses a SUPERVISOR with 403 before asking the vendor', async () => {
    const res = await get(versionGid(301), tokens.supervisor);
    expect(res.status).toBe(403);
    expect(await bodyOf(res)).toEqual({ errors: [{ message: 'downloading queue-settings-versions needs the ADMIN role', extensions: { code: 'FORBIDDEN' } }] });
    expect(wire()).toEqual([]);
  });

  it.each([
    ['a version the vendor does not have', versionGid(999), 1],
    ['another type of ID', encodeGlobalId('Call', 'apps-a', '301'), 0],
    ['a connection without queue settings', versionGid(301, 'ameyo-a'), 0],
    ['a connection of no tenant', versionGid(301, 'apps-z'), 0],
  ])('answers 404 NOT_FOUND for %s', async (_name, id, vendorRequests) => {
    const res = await get(id);
    expect(res.status).toBe(404);
    expect(await bodyOf(res)).toEqual({ errors: [{ message: `could not resolve to a node with id "${id}"`, extensions: { code: 'NOT_FOUND' } }] });
    expect(sim().requests).toHaveLength(vendorRequests);
  });
});

describe('export and auto-save', () => {
  it('exports: POST /queue_settings/export?export_audio_files=false&export_attached_files=true, no body', async () => {
    const res = await stack.gql(`mutation { queueSettingsExport(input: { connectionId: "apps-a", includeAudioFiles: false, includeAttachedFiles: true }) { ${PAYLOAD} } }`);
    expect(res.body.errors).toBeUndefined();
    const created = sim().state.queueSettingsVersions.at(-1)!;
    expect(res.body.data!['queueSettingsExport']).toEqual({ version: expectedVersion(created.id), userErrors: [] });
    expect(created).toMatchObject({ auto_saved: false, export_audio_files: false, export_attached_files: true });
    expect(wire()).toEqual([{ method: 'POST', path: '/apps/api/v1/queue_settings/export', query: { export_audio_files: ['false'], export_attached_files: ['true'] }, body: '' }]);
    expect(sim().requests[0]!.rawQuery).toBe('export_audio_files=false&export_attached_files=true');
    // The export's file downloads from the version's URL.
    const file = await fetch(`${stack.gateway.url}${res.body.data!['queueSettingsExport'].version.downloadUrl as string}`, { headers: { authorization: `Bearer ${KEY_A}` } });
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(created.content);
  });

  it('auto-saves: POST /queue_settings/version_histories/auto_saved {"export_audio_files":true,"export_attached_files":false}', async () => {
    const res = await stack.gql(`mutation { queueSettingsAutoSave(input: { connectionId: "apps-a", includeAudioFiles: true, includeAttachedFiles: false }) { ${PAYLOAD} } }`);
    expect(res.body.errors).toBeUndefined();
    const created = sim().state.queueSettingsVersions.at(-1)!;
    expect(res.body.data!['queueSettingsAutoSave']).toEqual({ version: { ...expectedVersion(created.id), autoSaved: true }, userErrors: [] });
    expect(wire()).toEqual([{ method: 'POST', path: '/apps/api/v1/queue_settings/version_histories/auto_saved', query: {}, body: '{"export_audio_files":true,"export_attached_files":false}' }]);
    expect(sim().requests[0]!.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['queueSettingsExport', 'includeAudioFiles: false'],
    ['queueSettingsAutoSave', 'includeAttachedFiles: true'],
  ])('%s: both documented (Required) flags are required by the schema; nothing is sent without one', async (field, given) => {
    const res = await stack.gql(`mutation { ${field}(input: { connectionId: "apps-a", ${given} }) { userErrors { message } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions!['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0]!.message).toMatch(/^Field "QueueSettings(Export|AutoSave)Input\.include(Attached|Audio)Files" of required type "Boolean!" was not provided\.$/);
    expect(wire()).toEqual([]);
  });
});

describe('import', () => {
  /** The multipart body with its boundary replaced, as the vendor received it. */
  const parts = () => {
    const r = sim().requests[0]!;
    const boundary = /boundary=(.+)$/.exec(r.headers['content-type']!)![1]!;
    return r.body.split(boundary).join('BOUNDARY');
  };

  it('sends the JSON file and the email as multipart: POST /queue_settings/import, exact parts', async () => {
    const content = JSON.stringify({ format: 'queue_settings', queues: [{ name: 'Support' }] });
    const res = await upload(IMPORT, { email: ` ${EMAIL} ` }, { name: 'my settings (1).json', type: 'text/plain', content });
    expect(res.body.errors).toBeUndefined();
    const created = sim().state.queueSettingsVersions.at(-1)!;
    expect(res.body.data.queueSettingsImport).toEqual({ version: { ...expectedVersion(created.id), email: EMAIL }, userErrors: [] });
    expect(requestLines(sim())).toEqual(['POST /apps/api/v1/queue_settings/import']);
    expect(sim().requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----switchboard[0-9a-f]{24}$/);
    expect(sim().requests[0]!.rawQuery).toBe('');
    // The content decides the type (not the client's text/plain); the client's filename never reaches the vendor.
    expect(parts()).toBe(
      `--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="import.json"\r\nContent-Type: application/json\r\n\r\n${content}\r\n` +
        `--BOUNDARY\r\nContent-Disposition: form-data; name="email"\r\n\r\n${EMAIL}\r\n--BOUNDARY--\r\n`,
    );
    expect(created.content.toString('utf8')).toBe(content);
  });

  it('sends a ZIP byte for byte as application/zip', async () => {
    const zip = zipOne('queue_settings.json', Buffer.from('{"format":"queue_settings"}'));
    const res = await upload(IMPORT, { email: EMAIL }, { name: 'settings.zip', type: 'application/octet-stream', content: zip });
    expect(res.body.data.queueSettingsImport.userErrors).toEqual([]);
    expect(parts()).toContain('Content-Disposition: form-data; name="file"; filename="import.zip"\r\nContent-Type: application/zip\r\n\r\n');
    expect(sim().state.queueSettingsVersions.at(-1)!.content).toEqual(zip);
  });

  it('streams a ZIP past the JSON limit (it may carry audio files) under server.uploads.maxFileBytes, byte for byte', async () => {
    const zip = zipOne('greeting.wav', randomBytes(MAX_JSON * 8));
    expect(zip.length).toBeGreaterThan(MAX_JSON);
    const res = await upload(IMPORT, { email: EMAIL }, { name: 'settings.zip', type: 'application/zip', content: zip });
    expect(res.body.data.queueSettingsImport.userErrors).toEqual([]);
    expect(sim().state.queueSettingsVersions.at(-1)!.content).toEqual(zip);
  });

  it('refuses a ZIP over server.uploads.maxFileBytes as a user error; the vendor keeps no version of the cut-off file', async () => {
    const before = sim().state.queueSettingsVersions.length;
    const zip = zipOne('greeting.wav', randomBytes(MAX_FILE * 2));
    const res = await upload(IMPORT, { email: EMAIL }, { name: 'settings.zip', type: 'application/zip', content: zip });
    expect(res.body).toEqual({
      data: { queueSettingsImport: { version: null, userErrors: [{ field: ['input', 'file'], message: `file is larger than ${MAX_FILE} bytes`, code: 'BAD_USER_INPUT' }] } },
    });
    expect(sim().state.queueSettingsVersions).toHaveLength(before);
  });

  it.each([
    ['an empty email', '{}', '', ['input', 'email'], 'email must not be empty'],
    ['an email that is not one', '{}', 'nobody', ['input', 'email'], 'email must be an email address, got "nobody"'],
    ['a CSV', 'queue,menu\nSupport,1\n', EMAIL, ['input', 'file'], 'file must be a ZIP file or a JSON object'],
    ['a JSON array', '[]', EMAIL, ['input', 'file'], 'file must be a ZIP file or a JSON object'],
    ['broken JSON', '{"queues": [', EMAIL, ['input', 'file'], 'file is not valid JSON'],
    ['a file over the limit', JSON.stringify({ pad: 'x'.repeat(MAX_JSON) }), EMAIL, ['input', 'file'], `file is larger than ${MAX_JSON} bytes`],
  ])('refuses %s as a user error before the vendor sees anything', async (_name, content, email, field, message) => {
    const res = await upload(IMPORT, { email }, { name: 'settings.json', type: 'application/json', content });
    expect(res.body).toEqual({ data: { queueSettingsImport: { version: null, userErrors: [{ field, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toEqual([]);
  });
});

describe('restore', () => {
  const RESTORE = `mutation($input: QueueSettingsRestoreInput!) { queueSettingsRestore(input: $input) { ${PAYLOAD} } }`;
  const restore = (input: Record<string, unknown>) => stack.gql(RESTORE, { variables: { input: { connectionId: 'apps-a', ...input } } });

  it('restores a version by ID and revision: {"id":301,"email":…,"revision":…} (id an integer, as the doc prints it)', async () => {
    const res = await restore({ versionId: versionGid(301), revision: FIRST_REVISION, email: EMAIL });
    expect(res.body.data!['queueSettingsRestore']).toEqual({ version: expectedVersion(301), userErrors: [] });
    expect(wire()).toEqual([{ method: 'POST', path: '/apps/api/v1/queue_settings/version_histories/restore', query: {}, body: `{"id":301,"email":"${EMAIL}","revision":"${FIRST_REVISION}"}` }]);
    expect(sim().state.queueSettingsRestored).toMatchObject({ id: 301, email: EMAIL });
  });

  it('restores by revision alone, and the last saved version with neither', async () => {
    const second = sim().state.queueSettingsVersions[1]!;
    expect((await restore({ revision: second.revision, email: EMAIL })).body.data!['queueSettingsRestore'].version.nativeId).toBe('302');
    const last = await restore({ email: EMAIL });
    expect(last.body.data!['queueSettingsRestore'].version.nativeId).toBe(String(sim().state.queueSettingsVersions.at(-1)!.id));
    expect(wire().map((r) => r.body)).toEqual([`{"email":"${EMAIL}","revision":"${second.revision}"}`, `{"email":"${EMAIL}"}`]);
  });

  it.each([
    ['an empty email', { email: ' ' }, ['input', 'email'], 'email must not be empty'],
    ['an email that is not one', { email: 'admin' }, ['input', 'email'], 'email must be an email address, got "admin"'],
    ['a revision that is not a UUID', { email: EMAIL, revision: 'v2' }, ['input', 'revision'], 'revision must be a UUID, got "v2"'],
    ['a version of another connection', { email: EMAIL, versionId: versionGid(301, 'dialer-a') }, ['input', 'versionId'], "expected a QueueSettingsVersion of connection 'apps-a'"],
    ['another type of ID', { email: EMAIL, versionId: encodeGlobalId('Call', 'apps-a', '301') }, ['input', 'versionId'], "expected a QueueSettingsVersion of connection 'apps-a'"],
  ])('refuses %s as a user error before the vendor sees anything', async (_name, input, field, message) => {
    const res = await restore(input);
    expect(res.body).toEqual({ data: { queueSettingsRestore: { version: null, userErrors: [{ field, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toEqual([]);
  });

  it("carries the vendor's 400 through as a user error (an id and a revision of different versions)", async () => {
    const res = await restore({ versionId: versionGid(301), revision: sim().state.queueSettingsVersions[1]!.revision, email: EMAIL });
    expect(res.body.data!['queueSettingsRestore']).toEqual({ version: null, userErrors: [{ field: null, message: QUEUE_SETTINGS_400.idRevisionMismatch, code: 'BAD_USER_INPUT' }] });
    expect(wire()).toHaveLength(1);
  });

  it('answers NOT_FOUND naming the version the vendor does not have', async () => {
    const res = await restore({ versionId: versionGid(999), email: EMAIL });
    expect(res.body.errors).toMatchObject([{ message: `could not resolve to a QueueSettingsVersion with id "${versionGid(999)}"`, path: ['queueSettingsRestore'], extensions: { code: 'NOT_FOUND' } }]);
    expect(wire().map((r) => r.body)).toEqual([`{"id":999,"email":"${EMAIL}"}`]);
  });
});

describe('roles', () => {
  it.each(['queueSettingsExport', 'queueSettingsAutoSave'])('%s needs the ADMIN role: a SUPERVISOR is refused before any vendor call', async (field) => {
    const res = await stack.gql(`mutation { ${field}(input: { connectionId: "apps-a", includeAudioFiles: false, includeAttachedFiles: false }) { userErrors { message } } }`, {
      apiKey: tokens.supervisor,
    });
    expect(res.body).toMatchObject({ data: { [field]: null }, errors: [{ message: `Mutation.${field} needs the ADMIN role`, path: [field], extensions: { code: 'FORBIDDEN' } }] });
    expect(wire()).toEqual([]);
  });

  it('a SUPERVISOR cannot read a version through node(id) or queueSettingsVersions (node types are checked once loaded, as for jobs)', async () => {
    const res = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { apiKey: tokens.supervisor, variables: { id: versionGid(301) } });
    expect(res.body).toEqual({
      data: { node: null },
      errors: [{ message: 'Query.node: a QueueSettingsVersion needs the ADMIN role', locations: [{ line: 1, column: 19 }], path: ['node'], extensions: { code: 'FORBIDDEN' } }],
    });
    const list = await stack.gql(`{ queueSettingsVersions(connectionId: "apps-a") { totalCount } }`, { apiKey: tokens.supervisor });
    expect(list.body.errors).toMatchObject([{ message: 'Query.queueSettingsVersions needs the ADMIN role', extensions: { code: 'FORBIDDEN' } }]);
    expect(wire()).toHaveLength(1);
  });
});
