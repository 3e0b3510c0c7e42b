/**
 * Issue 14, must show: the embedded store keeps idempotency records in a SQLite file under `state.dataDir`,
 * so a dial repeated after the gateway restarts gets the stored answer and the vendor is not called again.
 * Two gateways, one after the other, on the same directory; each has simulators of its own, so the second's
 * log shows every request that restart cost. The dial attempt the first answered is read back by the second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeGlobalId } from '../../src/graphql/ids';
import { requestLines, startStack, type Stack } from '../support/stack';

const FAST = { sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } }, connection: { rateLimit: { requestsPerSecond: 1000 } } };
const DIAL = 'mutation($i: CallDialInput!) { callDial(input: $i) { dialAttempt { id accepted vendorReason requestedAt } userErrors { message code } } }';
const ACCEPTED = { data: { callDial: { dialAttempt: { id: expect.any(String), accepted: true, vendorReason: expect.any(String), requestedAt: expect.any(String) }, userErrors: [] } } };

describe('the embedded state store across a restart', () => {
  let dataDir: string;
  let stack: Stack | null = null;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-restart-'));
  });
  afterEach(async () => {
    await stack?.close();
    stack = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const dialInput = (s: Stack, key: string, phoneNumber = '+14155550161') => {
    const agent = s.sims.ameyo.state.sessions[0]!; // logged in: the dial is accepted
    return { agentId: encodeGlobalId('Agent', 'ameyo-a', agent.userId), campaignId: encodeGlobalId('Campaign', 'ameyo-a', '389'), phoneNumber, idempotencyKey: key };
  };
  const dials = (s: Stack) => requestLines(s.sims.ameyo).filter((l) => l.startsWith('POST '));

  it('replays a dial after a restart from the file, without calling the vendor', async () => {
    stack = await startStack({ ...FAST, state: { dataDir } });
    const first = await stack.gql(DIAL, { variables: { i: dialInput(stack, 'restart-dial-0001') } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(ACCEPTED);
    expect(dials(stack)).toHaveLength(1);
    await stack.close();

    stack = await startStack({ ...FAST, state: { dataDir } });
    const again = await stack.gql(DIAL, { variables: { i: dialInput(stack, 'restart-dial-0001') } });
    expect(again.body).toEqual(first.body);
    const attempt = first.body.data!['callDial'].dialAttempt;
    const read = await stack.gql('query($id: ID!) { dialAttempt(id: $id) { id accepted vendorReason requestedAt } }', { variables: { id: attempt.id } });
    expect(read.body).toEqual({ data: { dialAttempt: attempt } });
    expect(requestLines(stack.sims.ameyo)).toEqual([]);

    const other = await stack.gql(DIAL, { variables: { i: dialInput(stack, 'restart-dial-0001', '+14155550162') } });
    expect(other.body.errors).toEqual([
      expect.objectContaining({ message: "idempotencyKey 'restart-dial-0001' was already used with a different input", extensions: expect.objectContaining({ code: 'IDEMPOTENCY_CONFLICT' }) }),
    ]);
    expect(requestLines(stack.sims.ameyo)).toEqual([]);
  });

  it('a new key after the restart is dialled as usual', async () => {
    stack = await startStack({ ...FAST, state: { dataDir } });
    await stack.gql(DIAL, { variables: { i: dialInput(stack, 'restart-dial-0002') } });
    await stack.close();
    stack = await startStack({ ...FAST, state: { dataDir } });
    const fresh = await stack.gql(DIAL, { variables: { i: dialInput(stack, 'restart-dial-0003') } });
    expect(fresh.body).toEqual(ACCEPTED);
    expect(dials(stack)).toHaveLength(1);
  });
});
