/**
 * Issue 16 item 10 ("Row 24"), over real HTTP against the Apps API simulator: custom contact lists created, renamed and
 * deleted; entries of custom and global lists added, edited and deleted. Each operation's wire is checked exactly
 * (method, path, query, body); what the gateway can check is a user error before anything is sent, and the vendor's
 * 400s come back as user errors with its message.
 */
import { CONTACT_LISTS_400 } from '../../sim/apps-api';
import { startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sims: FAST, connection: { rateLimit: { requestsPerSecond: 100 }, cacheTtlMs: 0 } });
});
afterAll(() => stack.close());
beforeEach(() => stack.sims.appsApi.clearRequests());

const sim = () => stack.sims.appsApi;
const wire = () => sim().requests.map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body }));
const listOf = (id: number) => sim().state.contactLists.find((l) => l.id === id);

const ENTRY = 'nativeId contactListNativeId name phoneNumber';
const LIST = `nativeId name kind rawKind connection { id } entries { ${ENTRY} }`;
const ERRORS = 'userErrors { field message code }';

const mutate = (field: string, inputType: string, selection: string, input: Record<string, unknown>) =>
  stack.gql(`mutation($input: ${inputType}!) { ${field}(input: $input) { ${selection} ${ERRORS} } }`, { variables: { input: { connectionId: 'apps-a', ...input } } });
const create = (input: Record<string, unknown>) => mutate('contactListCreate', 'ContactListCreateInput', `contactList { ${LIST} }`, input);
const update = (input: Record<string, unknown>) => mutate('contactListUpdate', 'ContactListUpdateInput', `contactList { ${LIST} }`, input);
const remove = (input: Record<string, unknown>) => mutate('contactListDelete', 'ContactListDeleteInput', 'deletedContactListNativeId', input);
const addEntries = (input: Record<string, unknown>) => mutate('contactListEntriesAdd', 'ContactListEntriesAddInput', `entries { ${ENTRY} }`, input);
const updateEntry = (input: Record<string, unknown>) => mutate('contactListEntryUpdate', 'ContactListEntryUpdateInput', `entry { ${ENTRY} }`, input);
const removeEntry = (input: Record<string, unknown>) => mutate('contactListEntryDelete', 'ContactListEntryDeleteInput', 'deletedEntryNativeId', input);

describe('capabilities', () => {
  it('CONTACT_LISTS is listed for the Apps API connection; others answer UNSUPPORTED_BY_VENDOR', async () => {
    const caps = await stack.gql(`{ connections { id capabilities } }`);
    const apps = (caps.body.data!['connections'] as Array<{ id: string; capabilities: string[] }>).find((c) => c.id === 'apps-a')!;
    expect(apps.capabilities).toContain('CONTACT_LISTS');
    const res = await stack.gql(`mutation { contactListCreate(input: { connectionId: "dialer-a", name: "x" }) { userErrors { message } } }`);
    expect(res.body.errors).toMatchObject([{ message: "connection 'dialer-a' (campaign-api) cannot do CONTACT_LISTS", path: ['contactListCreate'], extensions: { code: 'UNSUPPORTED_BY_VENDOR' } }]);
    expect(stack.sims.campaignApi.requests).toEqual([]);
  });
});

describe('custom lists', () => {
  it('creates a list with entries: POST /contact_lists {"name":…,"entries":[{"name":…,"phone_number":…}]}', async () => {
    const res = await create({ name: ' VIP callers ', entries: [{ name: 'Ada', phoneNumber: '+14155550101' }] });
    expect(res.body.errors).toBeUndefined();
    const created = sim().state.contactLists.at(-1)!;
    expect(res.body.data!['contactListCreate']).toEqual({
      contactList: {
        nativeId: String(created.id),
        name: 'VIP callers',
        kind: 'CUSTOM',
        rawKind: 'custom',
        connection: { id: 'apps-a' },
        entries: [{ nativeId: String(created.entries[0]!.id), contactListNativeId: String(created.id), name: 'Ada', phoneNumber: '+14155550101' }],
      },
      userErrors: [],
    });
    expect(wire()).toEqual([{ method: 'POST', path: '/apps/api/v1/contact_lists', query: {}, body: '{"name":"VIP callers","entries":[{"name":"Ada","phone_number":"+14155550101"}]}' }]);
    expect(sim().requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('creates an empty list: "entries":[]', async () => {
    const res = await create({ name: 'Empty one' });
    expect(res.body.data!['contactListCreate'].contactList).toMatchObject({ name: 'Empty one', entries: [] });
    expect(wire().map((r) => r.body)).toEqual(['{"name":"Empty one","entries":[]}']);
  });

  it('renames a custom list: PATCH /contact_lists/2 {"name":…}', async () => {
    const res = await update({ contactListNativeId: '2', name: 'Billing vendors' });
    expect(res.body.data!['contactListUpdate']).toEqual({
      contactList: expect.objectContaining({ nativeId: '2', name: 'Billing vendors', kind: 'CUSTOM' }),
      userErrors: [],
    });
    expect(wire()).toEqual([{ method: 'PATCH', path: '/apps/api/v1/contact_lists/2', query: {}, body: '{"name":"Billing vendors"}' }]);
    expect(listOf(2)!.name).toBe('Billing vendors');
  });

  it('deletes a custom list: DELETE /contact_lists/{id}, no body', async () => {
    const made = await create({ name: 'Short-lived' });
    const id = made.body.data!['contactListCreate'].contactList.nativeId as string;
    sim().clearRequests();
    const res = await remove({ contactListNativeId: id });
    expect(res.body.data!['contactListDelete']).toEqual({ deletedContactListNativeId: id, userErrors: [] });
    expect(wire()).toEqual([{ method: 'DELETE', path: `/apps/api/v1/contact_lists/${id}`, query: {}, body: '' }]);
    expect(listOf(Number(id))).toBeUndefined();
  });

  it.each([
    ['a blank name', () => create({ name: '  ' }), 'contactListCreate', { contactList: null }, ['input', 'name'], 'name must not be empty'],
    [
      'an entry without a name',
      () => create({ name: 'X', entries: [{ name: '', phoneNumber: '+14155550101' }] }),
      'contactListCreate',
      { contactList: null },
      ['input', 'entries', '0', 'name'],
      'name must not be empty',
    ],
    [
      'an entry without a phone number',
      () => create({ name: 'X', entries: [{ name: 'A', phoneNumber: ' ' }] }),
      'contactListCreate',
      { contactList: null },
      ['input', 'entries', '0', 'phoneNumber'],
      'phoneNumber must not be empty',
    ],
    ['a rename to a blank name', () => update({ contactListNativeId: '2', name: '' }), 'contactListUpdate', { contactList: null }, ['input', 'name'], 'name must not be empty'],
    ['a blank list id', () => update({ contactListNativeId: ' ', name: 'x' }), 'contactListUpdate', { contactList: null }, ['input', 'contactListNativeId'], 'contactListNativeId must not be empty'],
    [
      'a delete of a blank id',
      () => remove({ contactListNativeId: '' }),
      'contactListDelete',
      { deletedContactListNativeId: null },
      ['input', 'contactListNativeId'],
      'contactListNativeId must not be empty',
    ],
  ])('refuses %s as a user error before the vendor sees anything', async (_name, run, field, empty, path, message) => {
    const res = await run();
    expect(res.body).toEqual({ data: { [field]: { ...empty, userErrors: [{ field: path, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toEqual([]);
  });

  it.each([
    ['a taken name', () => create({ name: 'Field technicians' }), 'contactListCreate', { contactList: null }, CONTACT_LISTS_400.nameTaken],
    ['a bad phone number', () => create({ name: 'New list', entries: [{ name: 'A', phoneNumber: '12' }] }), 'contactListCreate', { contactList: null }, CONTACT_LISTS_400.entryPhone(0)],
    ['renaming the global list', () => update({ contactListNativeId: '1', name: 'Mine' }), 'contactListUpdate', { contactList: null }, CONTACT_LISTS_400.globalReadOnly],
    ['deleting the global list', () => remove({ contactListNativeId: '1' }), 'contactListDelete', { deletedContactListNativeId: null }, CONTACT_LISTS_400.globalReadOnly],
  ])("carries the vendor's 400 for %s through as a user error", async (_name, run, field, empty, message) => {
    const res = await run();
    expect(res.body).toEqual({ data: { [field]: { ...empty, userErrors: [{ field: null, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toHaveLength(1);
  });

  it('answers NOT_FOUND for a list the vendor does not have', async () => {
    const res = await update({ contactListNativeId: '999', name: 'x' });
    expect(res.body.errors).toMatchObject([{ message: "contact list '999' of connection 'apps-a' was not found", path: ['contactListUpdate'], extensions: { code: 'NOT_FOUND' } }]);
    expect(wire()).toEqual([{ method: 'PATCH', path: '/apps/api/v1/contact_lists/999', query: {}, body: '{"name":"x"}' }]);
  });
});

describe('entries, of custom and global lists', () => {
  it.each([
    ['the global list', '1'],
    ['a custom list', '3'],
  ])('adds, edits and deletes entries of %s with the exact wire', async (_name, listId) => {
    const added = await addEntries({
      contactListNativeId: listId,
      entries: [
        { name: 'New one', phoneNumber: '+14155550170' },
        { name: 'New two', phoneNumber: '+14155550171' },
      ],
    });
    expect(added.body.errors).toBeUndefined();
    const [a, b] = added.body.data!['contactListEntriesAdd'].entries as Array<{ nativeId: string }>;
    expect(added.body.data!['contactListEntriesAdd']).toEqual({
      entries: [
        { nativeId: a!.nativeId, contactListNativeId: listId, name: 'New one', phoneNumber: '+14155550170' },
        { nativeId: b!.nativeId, contactListNativeId: listId, name: 'New two', phoneNumber: '+14155550171' },
      ],
      userErrors: [],
    });
    const edited = await updateEntry({ contactListNativeId: listId, entryNativeId: a!.nativeId, phoneNumber: '+14155550179' });
    expect(edited.body.data!['contactListEntryUpdate']).toEqual({ entry: { nativeId: a!.nativeId, contactListNativeId: listId, name: 'New one', phoneNumber: '+14155550179' }, userErrors: [] });
    const renamed = await updateEntry({ contactListNativeId: listId, entryNativeId: a!.nativeId, name: 'Renamed', phoneNumber: '+14155550178' });
    expect(renamed.body.data!['contactListEntryUpdate'].entry).toMatchObject({ name: 'Renamed', phoneNumber: '+14155550178' });
    const deleted = await removeEntry({ contactListNativeId: listId, entryNativeId: b!.nativeId });
    expect(deleted.body.data!['contactListEntryDelete']).toEqual({ deletedEntryNativeId: b!.nativeId, userErrors: [] });
    expect(wire()).toEqual([
      {
        method: 'POST',
        path: `/apps/api/v1/contact_lists/${listId}/entries`,
        query: {},
        body: '{"entries":[{"name":"New one","phone_number":"+14155550170"},{"name":"New two","phone_number":"+14155550171"}]}',
      },
      { method: 'PATCH', path: `/apps/api/v1/contact_lists/${listId}/entries/${a!.nativeId}`, query: {}, body: '{"phone_number":"+14155550179"}' },
      { method: 'PATCH', path: `/apps/api/v1/contact_lists/${listId}/entries/${a!.nativeId}`, query: {}, body: '{"name":"Renamed","phone_number":"+14155550178"}' },
      { method: 'DELETE', path: `/apps/api/v1/contact_lists/${listId}/entries/${b!.nativeId}`, query: {}, body: '' },
    ]);
    expect(listOf(Number(listId))!.entries.map((e) => String(e.id))).toEqual(expect.arrayContaining([a!.nativeId]));
    expect(listOf(Number(listId))!.entries.map((e) => String(e.id))).not.toContain(b!.nativeId);
  });

  it.each([
    ['no entries', () => addEntries({ contactListNativeId: '2', entries: [] }), 'contactListEntriesAdd', { entries: [] }, ['input', 'entries'], 'entries must not be empty'],
    [
      'an entry without a phone number',
      () => addEntries({ contactListNativeId: '2', entries: [{ name: 'A', phoneNumber: '' }] }),
      'contactListEntriesAdd',
      { entries: [] },
      ['input', 'entries', '0', 'phoneNumber'],
      'phoneNumber must not be empty',
    ],
    ['an edit with nothing to change', () => updateEntry({ contactListNativeId: '1', entryNativeId: '101' }), 'contactListEntryUpdate', { entry: null }, ['input'], 'give name, phoneNumber or both'],
    [
      'an edit to a blank name',
      () => updateEntry({ contactListNativeId: '1', entryNativeId: '101', name: ' ' }),
      'contactListEntryUpdate',
      { entry: null },
      ['input', 'name'],
      'name must not be empty',
    ],
    [
      'a blank entry id',
      () => removeEntry({ contactListNativeId: '1', entryNativeId: '' }),
      'contactListEntryDelete',
      { deletedEntryNativeId: null },
      ['input', 'entryNativeId'],
      'entryNativeId must not be empty',
    ],
  ])('refuses %s as a user error before the vendor sees anything', async (_name, run, field, empty, path, message) => {
    const res = await run();
    expect(res.body).toEqual({ data: { [field]: { ...empty, userErrors: [{ field: path, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toEqual([]);
  });

  it.each([
    [
      'a bad phone number on add',
      () => addEntries({ contactListNativeId: '2', entries: [{ name: 'A', phoneNumber: 'call me' }] }),
      'contactListEntriesAdd',
      { entries: [] },
      CONTACT_LISTS_400.entryPhone(0),
    ],
    [
      'a bad phone number on edit',
      () => updateEntry({ contactListNativeId: '1', entryNativeId: '101', phoneNumber: 'abc' }),
      'contactListEntryUpdate',
      { entry: null },
      CONTACT_LISTS_400.phoneInvalid,
    ],
  ])("carries the vendor's 400 for %s through as a user error", async (_name, run, field, empty, message) => {
    const res = await run();
    expect(res.body).toEqual({ data: { [field]: { ...empty, userErrors: [{ field: null, message, code: 'BAD_USER_INPUT' }] } } });
    expect(wire()).toHaveLength(1);
  });

  it('answers NOT_FOUND naming the list for entries added to a list the vendor does not have', async () => {
    const res = await addEntries({ contactListNativeId: '999', entries: [{ name: 'A', phoneNumber: '+14155550101' }] });
    expect(res.body.errors).toMatchObject([{ message: "contact list '999' of connection 'apps-a' was not found", path: ['contactListEntriesAdd'], extensions: { code: 'NOT_FOUND' } }]);
    expect(wire()).toHaveLength(1);
  });

  it('answers NOT_FOUND for an entry of another list', async () => {
    const res = await removeEntry({ contactListNativeId: '2', entryNativeId: '101' });
    expect(res.body.errors).toMatchObject([{ message: "entry '101' of contact list '2' of connection 'apps-a' was not found", path: ['contactListEntryDelete'], extensions: { code: 'NOT_FOUND' } }]);
    expect(wire()).toEqual([{ method: 'DELETE', path: '/apps/api/v1/contact_lists/2/entries/101', query: {}, body: '' }]);
  });
});
