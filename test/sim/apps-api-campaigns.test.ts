/** Apps API simulator: campaigns, campaign contacts (add, update, delete, import jobs) and the company DNC list. */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { IMPORT_FILE_MAX_BYTES, IMPORT_FILE_TOO_LARGE, startAppsApiSim, type AppsApiSim, type Campaign, type CampaignContact } from '../../sim/apps-api';
import { MISSING, NOT_FOUND, appsApiClient, iso } from '../support/appsApiSim';

const NOW = SEED_EPOCH_MS + 60 * 60_000;

let sim: AppsApiSim;
beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => NOW });
});
afterAll(async () => {
  await sim.close();
});

const { send, get } = appsApiClient(() => sim);

const campaign = (i: number) => sim.state.campaigns[i]!;
const contactsOf = (id: number) => sim.state.campaignContacts.filter((c) => c.campaign_id === id);
const CONTACT_KEYS = [
  'assigned_call_id',
  'assigned_participant_id',
  'campaign_id',
  'created_at',
  'id',
  'name',
  'outbound_number',
  'priority',
  'status',
  'unique_id',
  'updated_at',
  'phone_number',
  'email',
];

function upload(rows: unknown, filename = 'contacts.json'): FormData {
  const form = new FormData();
  form.append('file', new Blob([typeof rows === 'string' ? rows : JSON.stringify(rows)], { type: 'application/json' }), filename);
  return form;
}

describe('campaigns (Manager API)', () => {
  it('pages the campaigns and reads one', async () => {
    const res = await get('/manager/api/v1/outbound_dialer/campaigns?per=2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(sim.state.campaigns.slice(0, 2));
    expect(res.headers.get('total')).toBe(String(sim.state.campaigns.length));
    expect(res.headers.get('per-page')).toBe('2');
    expect(res.headers.get('link')).toBe(
      `<${sim.url}/manager/api/v1/outbound_dialer/campaigns?per=2&page=2>; rel="next", <${sim.url}/manager/api/v1/outbound_dialer/campaigns?per=2&page=2>; rel="last"`,
    );
    const one = await get(`/manager/api/v1/outbound_dialer/campaigns/${campaign(1).id}`);
    expect(one).toMatchObject({ status: 200, body: campaign(1) });
    expect(Object.keys(one.body as object)).toEqual(expect.arrayContaining(['id', 'campaign_type', 'external_campaign_id', 'mode', 'status', 'queue', 'contact_stats']));
    expect(await get('/manager/api/v1/outbound_dialer/campaigns/1')).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('GET /apps/api/v1/outbound_dialer/campaigns/:id/contacts', () => {
  it('pages the contacts in the doc shape, id ascending, with a status[] filter', async () => {
    const c = campaign(0);
    const mine = contactsOf(c.id);
    const res = await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts?per=10`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(mine.slice(0, 10));
    expect(Object.keys((res.body as object[])[0]!)).toEqual(CONTACT_KEYS);
    expect(res.headers.get('total')).toBe(String(mine.length));
    expect(res.headers.get('link')).toContain(`<${sim.url}/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts?per=10&page=2>; rel="next"`);
    const up = await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts?status[]=Upcoming&status[]=Finished`);
    expect(up.body).toEqual(mine.filter((x) => x.status === 'Upcoming' || x.status === 'Finished'));
    expect(await get('/apps/api/v1/outbound_dialer/campaigns/1/contacts')).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('add / update / delete a contact', () => {
  it('adds a contact (201, Upcoming, unique_id = external_unique_id) and keeps contact_stats in step', async () => {
    const c = campaign(1);
    const before = { ...c.contact_stats };
    const maxId = Math.max(...sim.state.campaignContacts.map((x) => x.id));
    const res = await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`, {
      name: 'Ada Lovelace',
      email: 'ada@customer.example.com',
      phone_number: '+1 111-111-1111',
      outbound_number: '+1 760-867-5309',
      external_unique_id: 'UID_123456',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      assigned_call_id: null,
      assigned_participant_id: null,
      campaign_id: c.id,
      created_at: iso(NOW),
      id: maxId + 1,
      name: 'Ada Lovelace',
      outbound_number: '+1 760-867-5309',
      priority: null,
      status: 'Upcoming',
      unique_id: 'UID_123456',
      updated_at: iso(NOW),
      phone_number: '+1 111-111-1111',
      email: 'ada@customer.example.com',
    });
    const after = (await get(`/manager/api/v1/outbound_dialer/campaigns/${c.id}`)).body as Campaign;
    expect(after.contact_stats.Contacts).toBe(before.Contacts! + 1);
    expect(after.contact_stats.Upcoming).toBe(before.Upcoming! + 1);
    expect(after.contact_stats.Remaining).toBe(before.Remaining! + 1);
    const listed = (await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts?status[]=Upcoming`)).body as CampaignContact[];
    expect(listed.at(-1)!.id).toBe(maxId + 1);
  });

  it.each([
    [{ name: 'x' }, 'phone_number is missing'],
    [{ phone_number: '' }, 'phone_number is missing'],
    [{ phone_number: '+1 555' }, 'phone_number is invalid'],
    [{ phone_number: 'call me' }, 'phone_number is invalid'],
    [{ phone_number: '+12025550100', external_unique_id: 'DUP' }, 'external_unique_id has already been taken'],
    [{ phone_number: '+1 (415) 555-0199' }, 'phone_number is in the Do Not Call list'],
  ])('refuses %j: %s', async (given: Record<string, string>, message) => {
    const c = campaign(2);
    const body = given.external_unique_id === 'DUP' ? { ...given, external_unique_id: contactsOf(c.id)[0]!.unique_id } : given;
    const count = contactsOf(c.id).length;
    expect(await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`, body)).toMatchObject({ status: 400, body: { message } });
    expect(contactsOf(c.id).length).toBe(count);
  });

  it('refuses a seeded contact number that is on the DNC list, and an unknown campaign', async () => {
    const dncContact = sim.state.campaignContacts.find((x) => x.phone_number === sim.state.dnc[2]!.phone_number)!;
    expect(dncContact).toBeDefined();
    const res = await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${campaign(3).id}/contacts`, { phone_number: dncContact.phone_number });
    expect(res).toMatchObject({ status: 400, body: { message: 'phone_number is in the Do Not Call list' } });
    expect(await send('POST', '/apps/api/v1/outbound_dialer/campaigns/1/contacts', { phone_number: '+12025550100' })).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('updates a contact with PATCH .../contact', async () => {
    const c = campaign(3);
    const target = contactsOf(c.id)[1]!;
    const res = await send('PATCH', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contact`, {
      contact_id: target.id,
      name: 'Renamed',
      email: 'r@customer.example.com',
      phone_number: '+1 202-555-0123',
      external_unique_id: 'UID_NEW',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...target, name: 'Renamed', email: 'r@customer.example.com', phone_number: '+1 202-555-0123', unique_id: 'UID_NEW', updated_at: iso(NOW) });
    const listed = (await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`)).body as CampaignContact[];
    expect(listed.find((x) => x.id === target.id)!.name).toBe('Renamed');

    const path = `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contact`;
    expect(await send('PATCH', path, { name: 'x' })).toMatchObject({ status: 400, body: { message: 'contact_id is missing' } });
    expect(await send('PATCH', path, { contact_id: 1 })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('PATCH', path, { contact_id: contactsOf(campaign(0).id)[0]!.id })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('PATCH', path, { contact_id: target.id, phone_number: '12' })).toMatchObject({ status: 400, body: { message: 'phone_number is invalid' } });
    expect(await send('PATCH', path, { contact_id: target.id, external_unique_id: contactsOf(c.id)[0]!.unique_id })).toMatchObject({
      status: 400,
      body: { message: 'external_unique_id has already been taken' },
    });
  });

  it('deletes by contact_id, phone_number or external_unique_id and updates contact_stats', async () => {
    const c = campaign(0);
    const path = `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contact`;
    const [a, b, d] = contactsOf(c.id);
    const count = contactsOf(c.id).length;
    expect(await send('DELETE', path, { contact_id: a!.id })).toMatchObject({ status: 200, body: { message: 'deleted' } });
    const spaced = b!.phone_number.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '+1 ($1) $2-$3');
    expect(await send('DELETE', path, { phone_number: spaced })).toMatchObject({ status: 200, body: { message: 'deleted' } });
    expect(await send('DELETE', path, { external_unique_id: d!.unique_id })).toMatchObject({ status: 200, body: { message: 'deleted' } });
    const left = (await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`)).body as CampaignContact[];
    expect(left.map((x) => x.id)).not.toEqual(expect.arrayContaining([a!.id]));
    expect(left.some((x) => x.id === b!.id || x.id === d!.id)).toBe(false);
    expect(((await get(`/manager/api/v1/outbound_dialer/campaigns/${c.id}`)).body as Campaign).contact_stats.Contacts).toBe(left.length);
    expect(left.length).toBeLessThanOrEqual(count - 3);

    expect(await send('DELETE', path, {})).toMatchObject({ status: 400, body: { message: 'contact_id, phone_number or external_unique_id is required' } });
    expect(await send('DELETE', path, { contact_id: a!.id })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('DELETE', '/apps/api/v1/outbound_dialer/campaigns/1/contact', { contact_id: 1 })).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('contact import jobs', () => {
  it('imports a multipart JSON file through created -> in_progress -> finished, counting failed rows', async () => {
    const c = campaign(3);
    const before = contactsOf(c.id).length;
    const rows = [
      { name: 'One', phone_number: '+1 303-555-0101', external_unique_id: 'IMP-1', email: 'one@x.example.com' },
      { name: 'Two', phone_number: 'nope', external_unique_id: 'IMP-2' },
      { name: 'Three', phone_number: '+1 303-555-0103', external_unique_id: 'IMP-1' },
      { name: 'Four', external_unique_id: 'IMP-4' },
      { name: 'Five', phone_number: '+14155550199', external_unique_id: 'IMP-5' },
      'not an object',
      { name: 'Seven', phone_number: '3035550107', external_unique_id: 'IMP-7' },
    ];
    const res = await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts/import`, undefined, { body: upload(rows) });
    expect(res.status).toBe(202);
    const { id } = res.body as { id: number };
    expect(res.body).toEqual({ id: expect.any(Number), status: 'created' });
    const jobPath = `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts/jobs/${id}`;
    const base = { id, campaign_id: c.id, total_rows: 7, created_at: iso(NOW) };
    expect(await get(jobPath)).toMatchObject({ status: 200, body: { ...base, status: 'created', imported_rows: 0, failed_rows: 0, errors: [] } });
    expect(contactsOf(c.id).length).toBe(before);
    expect((await get(jobPath)).body).toEqual({ ...base, status: 'in_progress', imported_rows: 0, failed_rows: 0, errors: [] });
    const done = await get(jobPath);
    expect(done.body).toEqual({
      ...base,
      status: 'finished',
      imported_rows: 2,
      failed_rows: 5,
      errors: [
        { row: 2, message: 'phone_number is invalid' },
        { row: 3, message: 'external_unique_id has already been taken' },
        { row: 4, message: 'phone_number is missing' },
        { row: 5, message: 'phone_number is in the Do Not Call list' },
        { row: 6, message: 'row must be a JSON object' },
      ],
    });
    expect((await get(jobPath)).body).toEqual(done.body);
    const listed = (await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`)).body as CampaignContact[];
    expect(listed.filter((x) => x.unique_id.startsWith('IMP-')).map((x) => [x.unique_id, x.name, x.status])).toEqual([
      ['IMP-1', 'One', 'Upcoming'],
      ['IMP-7', 'Seven', 'Upcoming'],
    ]);
    expect(((await get(`/manager/api/v1/outbound_dialer/campaigns/${c.id}`)).body as Campaign).contact_stats.Contacts).toBe(before + 2);
    expect(await get(`/apps/api/v1/outbound_dialer/campaigns/${campaign(0).id}/contacts/jobs/${id}`)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await get(`/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts/jobs/1`)).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('refuses a request without a file part, or a file that is not a JSON array', async () => {
    const path = `/apps/api/v1/outbound_dialer/campaigns/${campaign(3).id}/contacts/import`;
    expect(await send('POST', path, [{ phone_number: '+13035550101' }])).toMatchObject({ status: 400, body: { message: 'file is missing' } });
    const noFile = new FormData();
    noFile.append('other', 'x');
    expect(await send('POST', path, undefined, { body: noFile })).toMatchObject({ status: 400, body: { message: 'file is missing' } });
    for (const bad of ['{"a":1}', 'not json']) {
      expect(await send('POST', path, undefined, { body: upload(bad) })).toMatchObject({ status: 400, body: { message: 'file must be a JSON array of contacts' } });
    }
    expect(await send('POST', '/apps/api/v1/outbound_dialer/campaigns/1/contacts/import', undefined, { body: upload([]) })).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('refuses an import file over 1 MiB with 413 and the message, before reading a row; one of exactly 1 MiB is taken (our assumed limit)', async () => {
    const c = campaign(3);
    const path = `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts/import`;
    const jobsBefore = sim.state.contactImportJobs.length;
    // A JSON array padded with spaces to the exact size: valid JSON either way, so only the size decides.
    const sized = (bytes: number) => '[' + ' '.repeat(bytes - 2) + ']';
    expect(await send('POST', path, undefined, { body: upload(sized(IMPORT_FILE_MAX_BYTES + 1)) })).toMatchObject({ status: 413, body: { message: IMPORT_FILE_TOO_LARGE } });
    expect(IMPORT_FILE_TOO_LARGE).toBe('file is too large (the limit is 1048576 bytes)');
    expect(sim.state.contactImportJobs.length).toBe(jobsBefore);
    expect(await send('POST', path, undefined, { body: upload(sized(IMPORT_FILE_MAX_BYTES)) })).toMatchObject({ status: 202 });
    expect(sim.state.contactImportJobs.length).toBe(jobsBefore + 1);
  });
});

describe('company DNC', () => {
  const path = '/apps/api/v1/outbound_dialer/dnc';

  it('checks seeded numbers, comparing without spaces, dashes and parentheses', async () => {
    expect(await get(`${path}?phone_number=${encodeURIComponent('+1 (415) 555-0199')}`)).toMatchObject({
      status: 200,
      body: { phone_number: '+1 (415) 555-0199', dnc: true, expires_at: null },
    });
    expect((await get(`${path}?phone_number=${encodeURIComponent('+16285550142')}`)).body).toEqual({ phone_number: '+16285550142', dnc: true, expires_at: '2030-01-01T00:00:00.000Z' });
    expect((await get(`${path}?phone_number=${encodeURIComponent('+12025550000')}`)).body).toEqual({ phone_number: '+12025550000', dnc: false, expires_at: null });
    expect(await get(path)).toMatchObject({ status: 400, body: MISSING });
  });

  it('adds numbers (echo), after which contacts with them are refused, and removes them again', async () => {
    const add = await send('POST', path, { contacts: [{ phone_number: '+1 212-555-0177' }, { phone_number: '+12125550178', expires_at: '2031-06-01T00:00:00Z' }] });
    expect(add).toMatchObject({
      status: 200,
      body: {
        contacts: [
          { phone_number: '+1 212-555-0177', expires_at: null },
          { phone_number: '+12125550178', expires_at: '2031-06-01T00:00:00.000Z' },
        ],
      },
    });
    expect((await get(`${path}?phone_number=%2B12125550177`)).body).toEqual({ phone_number: '+12125550177', dnc: true, expires_at: null });
    const c = campaign(3);
    expect(await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`, { phone_number: '+1 212 555 0178' })).toMatchObject({
      status: 400,
      body: { message: 'phone_number is in the Do Not Call list' },
    });

    const del = await send('DELETE', path, { contacts: [{ phone_number: '+1 212 555 0177' }, { phone_number: '+12125550178' }] });
    expect(del).toMatchObject({ status: 200, body: { contacts: [{ phone_number: '+1 212 555 0177' }, { phone_number: '+12125550178' }] } });
    expect(((await get(`${path}?phone_number=%2B12125550177`)).body as { dnc: boolean }).dnc).toBe(false);
    expect(await send('POST', `/apps/api/v1/outbound_dialer/campaigns/${c.id}/contacts`, { phone_number: '+1 212 555 0178' })).toMatchObject({ status: 201 });
  });

  it.each([
    ['POST', {}, MISSING],
    ['POST', { contacts: [] }, MISSING],
    ['POST', { contacts: [{ expires_at: '2031-01-01T00:00:00Z' }] }, MISSING],
    ['POST', { contacts: [{ phone_number: '+12125550100' }, { phone_number: '12ab' }] }, { message: 'phone_number is invalid: 12ab' }],
    ['POST', { contacts: [{ phone_number: '+12125550100', expires_at: '2020-01-01T00:00:00Z' }] }, { message: 'expires_at must be a future time' }],
    ['POST', { contacts: [{ phone_number: '+12125550100', expires_at: 'never' }] }, { message: 'expires_at must be a future time' }],
    ['DELETE', {}, MISSING],
    ['DELETE', { contacts: [{ phone_number: 'x' }] }, { message: 'phone_number is invalid: x' }],
  ])('%s refuses %j', async (method, body, message) => {
    const before = sim.state.dnc.length;
    expect(await send(method, path, body)).toMatchObject({ status: 400, body: message });
    expect(sim.state.dnc.length).toBe(before);
  });
});
