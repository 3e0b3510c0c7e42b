/** Apps API simulator: queue settings export/import and version history (issue 16 item 9; paths [U]). */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, QUEUE_SETTINGS_400, buildAppsApiState, startAppsApiSim, zipOne, type AppsApiSim } from '../../sim/apps-api';
import { AUTH, NOT_FOUND, appsApiClient, iso } from '../support/appsApiSim';

const NOW = SEED_EPOCH_MS + 60 * 60_000;
const BASE = '/apps/api/v1/queue_settings';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: AppsApiSim;
beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => NOW });
});
afterAll(async () => {
  await sim.close();
});

const { send, get, post } = appsApiClient(() => sim);
const download = async (id: number | string) => {
  const res = await fetch(`${sim.url}${BASE}/version_histories/${id}/download`, { headers: { authorization: AUTH } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
};
const importForm = (parts: { file?: { content: Buffer | string; name: string; type: string }; email?: string }) => {
  const form = new FormData();
  if (parts.file) form.append('file', new Blob([parts.file.content], { type: parts.file.type }), parts.file.name);
  if (parts.email !== undefined) form.append('email', parts.email);
  return send('POST', `${BASE}/import`, undefined, { body: form });
};

describe('seed', () => {
  it('is deterministic: three versions with ids, UUID revisions (the first is the doc sample), dates and files', () => {
    const a = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);
    expect(a.queueSettingsVersions).toEqual(buildAppsApiState(APPS_API_SIM_DEFAULTS.seed).queueSettingsVersions);
    expect(a.queueSettingsVersions.map((v) => [v.id, v.auto_saved, v.content_type])).toEqual([
      [301, false, 'application/json'],
      [302, true, 'application/zip'],
      [303, false, 'application/zip'],
    ]);
    expect(a.queueSettingsVersions[0]!.revision).toBe('e8a11621-50a2-41b0-9152-0a15c3a8391a');
    for (const v of a.queueSettingsVersions) expect(v.revision).toMatch(UUID);
    expect(new Set(a.queueSettingsVersions.map((v) => v.revision)).size).toBe(3);
  });
});

describe('version histories', () => {
  it('lists the versions newest first, without the file', async () => {
    const res = await get(`${BASE}/version_histories`);
    expect(res.status).toBe(200);
    const list = res.body as Array<Record<string, unknown>>;
    expect(list.map((v) => v.id)).toEqual([303, 302, 301]);
    expect(list[2]).toEqual({
      id: 301,
      revision: 'e8a11621-50a2-41b0-9152-0a15c3a8391a',
      created_at: '2026-10-01T09:00:00.000Z',
      auto_saved: false,
      email: 'admin@demo.example.com',
      export_audio_files: false,
      export_attached_files: false,
      file_name: 'queue_settings_301.json',
    });
  });

  it('reads one by id; 404 Not Found for an unknown or non-numeric id', async () => {
    expect((await get(`${BASE}/version_histories/302`)).body).toMatchObject({ id: 302, auto_saved: true, export_attached_files: true });
    expect(await get(`${BASE}/version_histories/999`)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await get(`${BASE}/version_histories/abc`)).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('downloads a version: JSON with its type and name, or a ZIP holding the JSON', async () => {
    const json = await download(301);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="queue_settings_301.json"');
    const doc = JSON.parse(json.bytes.toString('utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({ format: 'queue_settings', export_audio_files: false });
    expect((doc.contact_lists as unknown[]).length).toBe(3);
    const zip = await download(303);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.bytes.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(zip.bytes).toEqual(sim.state.queueSettingsVersions[2]!.content);
    expect(await download(999)).toMatchObject({ status: 404 });
  });

  it('zipOne writes an entry a ZIP reader can take: stored, with its CRC', () => {
    const data = Buffer.from('{"a":1}');
    const zip = zipOne('x.json', data);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(8)).toBe(0); // stored
    expect(zip.subarray(30 + 6, 30 + 6 + data.length)).toEqual(data);
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    // CRC-32 of the data (zlib.crc32 of the same bytes).
    expect(zip.readUInt32LE(14)).toBe(0x561bacaf);
  });
});

describe('POST export', () => {
  it('saves a version and answers it (201): JSON without files, ZIP with audio or attached files', async () => {
    const res = await post(`${BASE}/export?export_audio_files=false&export_attached_files=false`);
    expect(res.status).toBe(201);
    const v = res.body as Record<string, unknown>;
    expect(v).toEqual({
      id: expect.any(Number),
      revision: expect.stringMatching(UUID),
      created_at: iso(NOW),
      auto_saved: false,
      email: null,
      export_audio_files: false,
      export_attached_files: false,
      file_name: `queue_settings_${String(v.id)}.json`,
    });
    expect((await download(v.id as number)).headers.get('content-type')).toBe('application/json');
    const withAudio = await post(`${BASE}/export?export_audio_files=true&export_attached_files=false`);
    expect((await download((withAudio.body as { id: number }).id)).headers.get('content-type')).toBe('application/zip');
  });

  it.each([
    ['', QUEUE_SETTINGS_400.missing('export_audio_files')],
    ['?export_audio_files=false', QUEUE_SETTINGS_400.missing('export_attached_files')],
    ['?export_audio_files=&export_attached_files=false', QUEUE_SETTINGS_400.missing('export_audio_files')],
    ['?export_audio_files=yes&export_attached_files=false', QUEUE_SETTINGS_400.notTrueFalse('export_audio_files')],
    ['?export_audio_files=true&export_attached_files=1', QUEUE_SETTINGS_400.notTrueFalse('export_attached_files')],
  ])('refuses query %j: 400 %j', async (query, message) => {
    const before = sim.state.queueSettingsVersions.length;
    expect(await post(`${BASE}/export${query}`)).toMatchObject({ status: 400, body: { message } });
    expect(sim.state.queueSettingsVersions.length).toBe(before);
  });
});

describe("the routes rows' alternate methods", () => {
  it('answers GET export, PUT import and PUT restore like their POSTs', async () => {
    expect(await send('GET', `${BASE}/export?export_audio_files=false&export_attached_files=false`)).toMatchObject({ status: 201, body: { auto_saved: false } });
    const form = new FormData();
    form.append('file', new Blob(['{}'], { type: 'application/json' }), 'a.json');
    form.append('email', 'admin@demo.example.com');
    expect(await send('PUT', `${BASE}/import`, undefined, { body: form })).toMatchObject({ status: 201, body: { email: 'admin@demo.example.com' } });
    expect(await send('PUT', `${BASE}/version_histories/restore`, { id: 301, email: 'admin@demo.example.com' })).toMatchObject({ status: 200, body: { id: 301 } });
  });
});

describe('POST import', () => {
  it('takes a JSON file and an email; the version holds the file as sent', async () => {
    const content = JSON.stringify({ format: 'queue_settings', queues: [] });
    const res = await importForm({ file: { content, name: 'settings.json', type: 'application/json' }, email: 'admin@demo.example.com' });
    expect(res.status).toBe(201);
    const v = res.body as { id: number; email: string; auto_saved: boolean; file_name: string };
    expect(v).toMatchObject({ email: 'admin@demo.example.com', auto_saved: false, file_name: `queue_settings_${v.id}.json` });
    const file = await download(v.id);
    expect(file.bytes.toString('utf8')).toBe(content);
  });

  it('takes a ZIP file', async () => {
    const zip = zipOne('queue_settings.json', Buffer.from('{}'));
    const res = await importForm({ file: { content: zip, name: 'settings.zip', type: 'application/zip' }, email: 'admin@demo.example.com' });
    expect(res.status).toBe(201);
    const file = await download((res.body as { id: number }).id);
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(file.bytes).toEqual(zip);
  });

  it.each([
    ['no file', {}, QUEUE_SETTINGS_400.missing('file')],
    ['no email', { file: { content: '{}', name: 'a.json', type: 'application/json' } }, QUEUE_SETTINGS_400.missing('email')],
    ['a blank email', { file: { content: '{}', name: 'a.json', type: 'application/json' }, email: ' ' }, QUEUE_SETTINGS_400.missing('email')],
    ['a bad email', { file: { content: '{}', name: 'a.json', type: 'application/json' }, email: 'admin' }, QUEUE_SETTINGS_400.emailInvalid],
    ['a CSV', { file: { content: 'a,b\n1,2', name: 'a.csv', type: 'text/csv' }, email: 'admin@demo.example.com' }, QUEUE_SETTINGS_400.fileType],
    ['a JSON array', { file: { content: '[]', name: 'a.json', type: 'application/json' }, email: 'admin@demo.example.com' }, QUEUE_SETTINGS_400.fileType],
  ])('refuses %s: 400', async (_name, parts, message) => {
    expect(await importForm(parts)).toMatchObject({ status: 400, body: { message } });
  });

  it('refuses a JSON body (not multipart) as a missing file', async () => {
    expect(await post(`${BASE}/import`, { email: 'admin@demo.example.com' })).toMatchObject({ status: 400, body: { message: QUEUE_SETTINGS_400.missing('file') } });
  });
});

describe('POST version_histories/auto_saved', () => {
  it('saves an auto-saved version with the flags (201)', async () => {
    const res = await post(`${BASE}/version_histories/auto_saved`, { export_audio_files: false, export_attached_files: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ auto_saved: true, export_audio_files: false, export_attached_files: true, created_at: iso(NOW) });
  });

  it.each([
    [{}, QUEUE_SETTINGS_400.missing('export_audio_files')],
    [{ export_audio_files: false }, QUEUE_SETTINGS_400.missing('export_attached_files')],
    [{ export_audio_files: 'false', export_attached_files: true }, QUEUE_SETTINGS_400.notBoolean('export_audio_files')],
    [{ export_audio_files: false, export_attached_files: 1 }, QUEUE_SETTINGS_400.notBoolean('export_attached_files')],
  ])('refuses %j', async (body, message) => {
    expect(await post(`${BASE}/version_histories/auto_saved`, body)).toMatchObject({ status: 400, body: { message } });
  });
});

describe('POST version_histories/restore', () => {
  const email = 'admin@demo.example.com';

  it('restores by id, by revision, by both, or the last saved version', async () => {
    const first = sim.state.queueSettingsVersions[0]!;
    expect(await post(`${BASE}/version_histories/restore`, { id: 301, email })).toMatchObject({ status: 200, body: { id: 301 } });
    expect(sim.state.queueSettingsRestored).toEqual({ id: 301, email, at: iso(NOW) });
    expect(await post(`${BASE}/version_histories/restore`, { email, revision: sim.state.queueSettingsVersions[1]!.revision })).toMatchObject({ body: { id: 302 } });
    expect(await post(`${BASE}/version_histories/restore`, { id: first.id, email, revision: first.revision })).toMatchObject({ body: { id: 301 } });
    const last = sim.state.queueSettingsVersions.at(-1)!;
    expect(await post(`${BASE}/version_histories/restore`, { email })).toMatchObject({ status: 200, body: { id: last.id } });
  });

  it.each([
    [{}, 400, QUEUE_SETTINGS_400.missing('email')],
    [{ id: 301, email: '' }, 400, QUEUE_SETTINGS_400.missing('email')],
    [{ id: 301, email: 'nobody' }, 400, QUEUE_SETTINGS_400.emailInvalid],
    [{ id: '301', email: 'a@b.example' }, 400, QUEUE_SETTINGS_400.idNotInteger],
    [{ id: 1.5, email: 'a@b.example' }, 400, QUEUE_SETTINGS_400.idNotInteger],
    [{ email: 'a@b.example', revision: 'not-a-uuid' }, 400, QUEUE_SETTINGS_400.revisionNotUuid],
    [{ email: 'a@b.example', revision: 42 }, 400, QUEUE_SETTINGS_400.revisionNotUuid],
    [{ id: 301, email: 'a@b.example', revision: '00000000-0000-4000-a000-000000000000' }, 404, NOT_FOUND.message],
    [{ id: 999, email: 'a@b.example' }, 404, NOT_FOUND.message],
  ])('refuses %j: %d', async (body, status, message) => {
    expect(await post(`${BASE}/version_histories/restore`, body)).toMatchObject({ status, body: { message } });
  });

  it('refuses an id and a revision of different versions', async () => {
    const res = await post(`${BASE}/version_histories/restore`, { id: 301, email, revision: sim.state.queueSettingsVersions[1]!.revision });
    expect(res).toMatchObject({ status: 400, body: { message: QUEUE_SETTINGS_400.idRevisionMismatch } });
  });
});
