/**
 * The vendor's limit is per customer, not per process: a gateway restarted on the same state directory (the embedded
 * store) sends its first request to a connection no sooner than one interval after the previous process's last one.
 * The simulator enforces 1 request/s itself and answers 429 to anything sooner.
 */
import { startStack, type Stack } from '../support/stack';

const AGENTS = '{ agents(first: 1, filter: { connectionIds: ["apps-a"] }) { totalCount } }';

describe('the vendor budget across a restart (embedded store)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: { appsApi: { requestsPerSecond: 1 } }, connection: { rateLimit: { requestsPerSecond: 1 }, cacheTtlMs: 0 } });
  });
  afterAll(() => stack.close());

  it("waits out the previous process's last interval before its first request, and the vendor sees no 429", async () => {
    expect((await stack.gql(AGENTS)).body.errors).toBeUndefined();
    await stack.restart();
    expect((await stack.gql(AGENTS)).body.errors).toBeUndefined();
    const sent = stack.sims.appsApi.requests.filter((r) => r.path === '/manager/api/v1/agents');
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    expect(sent[1]!.receivedAtMs - sent[0]!.receivedAtMs).toBeGreaterThanOrEqual(1_000);
  });
});
