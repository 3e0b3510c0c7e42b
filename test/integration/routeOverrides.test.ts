/**
 * A connection's `routes` config (issue 16: "keep alternates configurable"): where a vendor tenant answers an
 * unconfirmed row ([U]) with another method or at another path, the operator says so and the gateway sends exactly
 * that, with the row's name still on its metrics. Over real HTTP against the Apps API simulator.
 */
import { simulatorConnections } from '../../sim';
import { encodeGlobalId } from '../../src/graphql/ids';
import { startStack, type Stack } from '../support/stack';

const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const KEY_R = 'test-key-tenant-r-0016';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    sims: FAST,
    moreTenants: (sims) => [
      {
        id: 'tenant-r',
        apiKeys: [KEY_R],
        connections: simulatorConnections(sims, '-r')
          .filter((c) => c.vendor === 'apps-api')
          .map((c) => ({
            ...c,
            rateLimit: { requestsPerSecond: 100 },
            cacheTtlMs: 0,
            routes: {
              // The row's PUT alternate, which the simulator answers like PATCH.
              updateContactList: { method: 'PUT' },
              // A path the simulator does not serve: the vendor's 404 shows where the request went.
              getCustomerFlags: { path: '/calls/{id}/customer_flags' },
            },
          })),
      },
    ],
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.sims.appsApi.clearRequests());

const lines = () => stack.sims.appsApi.requests.map((r) => `${r.method} ${r.path}`);

it("sends a row with the connection's configured alternate method", async () => {
  const list = stack.sims.appsApi.state.contactLists.find((l) => l.list_type === 'custom')!;
  const res = await stack.gql(`mutation($input: ContactListUpdateInput!) { contactListUpdate(input: $input) { contactList { name } userErrors { message } } }`, {
    apiKey: KEY_R,
    variables: { input: { connectionId: 'apps-r', contactListNativeId: String(list.id), name: 'Renamed by PUT' } },
  });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!['contactListUpdate']).toEqual({ contactList: { name: 'Renamed by PUT' }, userErrors: [] });
  expect(lines()).toEqual([`PUT /apps/api/v1/contact_lists/${list.id}`]);
});

it("sends a row to the connection's configured path, with its parameter filled in", async () => {
  const call = stack.sims.appsApi.state.calls[0]!;
  const res = await stack.gql(`query($id: ID!) { call(id: $id) { nativeId customerFlags { badActor } } }`, {
    apiKey: KEY_R,
    variables: { id: encodeGlobalId('Call', 'apps-r', String(call.id)) },
  });
  expect(lines()).toEqual([`GET /manager/api/v1/calls/${call.id}`, `GET /apps/api/v1/calls/${call.id}/customer_flags`]);
  expect(res.body.errors?.[0]).toMatchObject({ path: ['call', 'customerFlags'], extensions: { code: 'NOT_FOUND' } });
});

it("leaves tenant A's connection, which has no routes config, on the table's rows", async () => {
  const list = stack.sims.appsApi.state.contactLists.find((l) => l.list_type === 'custom')!;
  const res = await stack.gql(`mutation($input: ContactListUpdateInput!) { contactListUpdate(input: $input) { userErrors { message } } }`, {
    variables: { input: { connectionId: 'apps-a', contactListNativeId: String(list.id), name: 'Renamed by PATCH' } },
  });
  expect(res.body.errors).toBeUndefined();
  expect(lines()).toEqual([`PATCH /apps/api/v1/contact_lists/${list.id}`]);
});
