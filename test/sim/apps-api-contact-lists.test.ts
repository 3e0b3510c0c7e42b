/** Apps API simulator: contact lists and their entries (issue 16 item 10; paths and bodies [U]). */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { APPS_API_SIM_DEFAULTS, CONTACT_LISTS_400, buildAppsApiState, startAppsApiSim, type AppsApiSim } from '../../sim/apps-api';
import { NOT_FOUND, appsApiClient, iso } from '../support/appsApiSim';

const NOW = SEED_EPOCH_MS + 60 * 60_000;
const BASE = '/apps/api/v1/contact_lists';

let sim: AppsApiSim;
beforeAll(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => NOW });
});
afterAll(async () => {
  await sim.close();
});

const { send, post } = appsApiClient(() => sim);
const list = (id: number) => sim.state.contactLists.find((l) => l.id === id);

describe('seed', () => {
  it('has one global list and two custom lists with entries, the same for the same seed', () => {
    const s = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);
    expect(s.contactLists).toEqual(buildAppsApiState(APPS_API_SIM_DEFAULTS.seed).contactLists);
    expect(s.contactLists.map((l) => [l.id, l.list_type, l.entries.length])).toEqual([
      [1, 'global', 2],
      [2, 'custom', 1],
      [3, 'custom', 2],
    ]);
  });
});

describe('custom lists', () => {
  it('creates a list with entries (201) and without', async () => {
    const res = await post(BASE, { name: 'VIP callers', entries: [{ name: 'Ada', phone_number: '+14155550101' }] });
    expect(res.status).toBe(201);
    const body = res.body as { id: number; entries: Array<{ id: number }> };
    expect(body).toEqual({ id: 4, name: 'VIP callers', list_type: 'custom', created_at: iso(NOW), entries: [{ id: expect.any(Number), name: 'Ada', phone_number: '+14155550101' }] });
    expect(list(4)!.entries).toHaveLength(1);
    const empty = await post(BASE, { name: 'Empty list' });
    expect(empty).toMatchObject({ status: 201, body: { name: 'Empty list', entries: [] } });
  });

  it.each([
    [{}, CONTACT_LISTS_400.missing('name')],
    [{ name: '  ' }, CONTACT_LISTS_400.missing('name')],
    [{ name: 7 }, CONTACT_LISTS_400.missing('name')],
    [{ name: 'billing partners' }, CONTACT_LISTS_400.nameTaken],
    [{ name: 'New', entries: 'x' }, CONTACT_LISTS_400.entriesNotArray],
    [{ name: 'New', entries: [{ phone_number: '+14155550101' }] }, CONTACT_LISTS_400.entryName(0)],
    [
      {
        name: 'New',
        entries: [
          { name: 'A', phone_number: '+14155550101' },
          { name: 'B', phone_number: '12' },
        ],
      },
      CONTACT_LISTS_400.entryPhone(1),
    ],
  ])('refuses a create with %j', async (body, message) => {
    const before = sim.state.contactLists.length;
    expect(await post(BASE, body)).toMatchObject({ status: 400, body: { message } });
    expect(sim.state.contactLists.length).toBe(before);
  });

  it('renames a custom list with PATCH or PUT; refuses the global list, a taken name, a missing name; 404 for unknown', async () => {
    expect(await send('PATCH', `${BASE}/2`, { name: 'Billing vendors' })).toMatchObject({ status: 200, body: { id: 2, name: 'Billing vendors', list_type: 'custom' } });
    expect(await send('PUT', `${BASE}/2`, { name: 'Billing partners' })).toMatchObject({ status: 200, body: { name: 'Billing partners' } });
    expect(await send('PATCH', `${BASE}/1`, { name: 'Mine now' })).toMatchObject({ status: 400, body: { message: CONTACT_LISTS_400.globalReadOnly } });
    expect(await send('PATCH', `${BASE}/2`, { name: 'Field technicians' })).toMatchObject({ status: 400, body: { message: CONTACT_LISTS_400.nameTaken } });
    expect(await send('PATCH', `${BASE}/2`, {})).toMatchObject({ status: 400, body: { message: CONTACT_LISTS_400.missing('name') } });
    expect(await send('PATCH', `${BASE}/999`, { name: 'x' })).toMatchObject({ status: 404, body: NOT_FOUND });
  });

  it('deletes a custom list (204); refuses the global list; 404 for unknown', async () => {
    const created = (await post(BASE, { name: 'Short-lived' })).body as { id: number };
    expect(await send('DELETE', `${BASE}/${created.id}`)).toMatchObject({ status: 204, body: null });
    expect(list(created.id)).toBeUndefined();
    expect(await send('DELETE', `${BASE}/1`)).toMatchObject({ status: 400, body: { message: CONTACT_LISTS_400.globalReadOnly } });
    expect(await send('DELETE', `${BASE}/${created.id}`)).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});

describe('entries, of custom and global lists', () => {
  it.each([
    ['the global list', 1],
    ['a custom list', 3],
  ])('adds, edits and deletes entries of %s', async (_name, listId) => {
    const added = await post(`${BASE}/${listId}/entries`, {
      entries: [
        { name: 'New one', phone_number: '+14155550170' },
        { name: 'New two', phone_number: '+14155550171' },
      ],
    });
    expect(added.status).toBe(201);
    const [a, b] = added.body as Array<{ id: number; name: string; phone_number: string }>;
    expect([a, b]).toEqual([
      { id: expect.any(Number), name: 'New one', phone_number: '+14155550170' },
      { id: b!.id, name: 'New two', phone_number: '+14155550171' },
    ]);
    expect(b!.id).toBe(a!.id + 1);
    expect(await send('PATCH', `${BASE}/${listId}/entries/${a!.id}`, { phone_number: '+14155550179' })).toMatchObject({
      status: 200,
      body: { id: a!.id, name: 'New one', phone_number: '+14155550179' },
    });
    expect(await send('PUT', `${BASE}/${listId}/entries/${a!.id}`, { name: 'Renamed' })).toMatchObject({ status: 200, body: { name: 'Renamed', phone_number: '+14155550179' } });
    expect(await send('DELETE', `${BASE}/${listId}/entries/${b!.id}`)).toMatchObject({ status: 204, body: null });
    expect(list(listId)!.entries.map((e) => e.id)).toContain(a!.id);
    expect(list(listId)!.entries.map((e) => e.id)).not.toContain(b!.id);
  });

  it.each([
    [{}, CONTACT_LISTS_400.missing('entries')],
    [{ entries: [] }, CONTACT_LISTS_400.missing('entries')],
    [{ entries: {} }, CONTACT_LISTS_400.entriesNotArray],
    [{ entries: [{ name: 'A' }] }, CONTACT_LISTS_400.entryPhone(0)],
  ])('refuses an add with %j', async (body, message) => {
    expect(await post(`${BASE}/2/entries`, body)).toMatchObject({ status: 400, body: { message } });
  });

  it.each([
    [{}, CONTACT_LISTS_400.nothingToUpdate],
    [{ name: '' }, CONTACT_LISTS_400.missing('name')],
    [{ phone_number: 'abc' }, CONTACT_LISTS_400.phoneInvalid],
  ])('refuses an edit with %j', async (body, message) => {
    expect(await send('PATCH', `${BASE}/1/entries/101`, body)).toMatchObject({ status: 400, body: { message } });
  });

  it('answers 404 Not Found for an unknown list or an entry of another list', async () => {
    expect(await post(`${BASE}/999/entries`, { entries: [{ name: 'A', phone_number: '+14155550101' }] })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('PATCH', `${BASE}/2/entries/101`, { name: 'x' })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await send('DELETE', `${BASE}/2/entries/101`)).toMatchObject({ status: 404, body: NOT_FOUND });
  });
});
