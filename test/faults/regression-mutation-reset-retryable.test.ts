/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * Regression test (found by the fault suite, fixed in the same change).
 *
 * Before the fix, a mutation whose request reached the vendor and then lost its answer (connection reset, or
 * no answer in time) was reported with `retryable: true`, although the vendor may have acted: a client that follows
 * `retryable` sends the SMS twice. The gateway itself rightly does not resend the POST (retry.ts), and for
 * Ameyo's dial/dispose it already says "the command may have reached it and was not retried" with
 * `retryable: false` (src/graphql/resolvers/dialing.ts:25-29); every other side-effecting mutation gets
 * the transport default instead: `transportFailureToError` (src/upstream/normalizeErrors.ts:19-20 for a
 * reset, :17-18 for a timeout) builds the error without `retryable`, and UpstreamUnavailableError /
 * UpstreamTimeoutError default it to true (src/errors.ts).
 *
 * Now: `smsSend` after a reset (or a timeout) answers `retryable: false` (normalizeErrors.ts marks a lost
 * answer to a write as not retryable).
 */
import type { Stack } from '../support/stack';
import { logOf, startFaultStack, untilLatencyHasPassed } from './support/faultStack';
import { installProcessGuard } from './support/guard';

installProcessGuard();

const SMS_SEND = `mutation($input: SmsSendInput!) { smsSend(input: $input) { sms { nativeId } userErrors { message } } }`;
const INPUT = { connectionId: 'apps-a', endUserNumber: '+14155550150', outboundNumber: '+18005550100', message: 'Your order has shipped' };

describe('smsSend whose answer is lost', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startFaultStack({ circuitBreaker: { failureThreshold: 100 } });
  });
  afterAll(() => stack.close());
  afterEach(() => {
    stack.sims.appsApi.resetFaults();
    stack.sims.appsApi.clearRequests();
  });

  it('connection reset after sending: not retryable', async () => {
    stack.sims.appsApi.setFaults({ connectionReset: true });
    const res = await stack.gql(SMS_SEND, { variables: { input: INPUT } });
    expect(logOf(stack.sims.appsApi)).toEqual(['POST /apps/api/v1/sms 0']); // it reached the vendor
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
  });

  it('no answer in time after sending: not retryable', async () => {
    stack.sims.appsApi.setFaults({ latencyMs: 3_000 });
    const res = await stack.gql(SMS_SEND, { variables: { input: INPUT } });
    expect(logOf(stack.sims.appsApi)).toEqual(['POST /apps/api/v1/sms 0']);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false });
    // The simulator still holds the request for the rest of its 3 s; no timer of it may outlive the file.
    await untilLatencyHasPassed(stack.sims.appsApi.requests[0]!.receivedAtMs, 3_000);
  }, 10_000);
});
