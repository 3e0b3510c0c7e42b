/**
 * @jest-environment ./test/faults/support/environment.ts
 *
 * Regression test (found by the fault suite, fixed in the same change).
 *
 * Before the fix, a campaign-API connection whose login answered 5xx never opened its circuit (the breaker now
 * counts vendor failures that arrive already mapped, see isVendorFailureError in src/upstream/breaker.ts). The login runs inside the
 * auth interceptor, below the breaker; `CampaignApiClient.login` (src/vendors/campaign-api/client.ts:48)
 * turns the 503 into an UpstreamUnavailableError, which is not a TransportFailure, so the breaker's catch
 * (src/upstream/breaker.ts:90-91) counts it as neutral. Every read during an outage that started before
 * the connection had a token (a fresh gateway, or after the token expired) sends another login to the
 * failing vendor, however many have failed: "opens after failureThreshold consecutive vendor failures
 * (5xx, ...)" (breaker.ts header) does not hold.
 *
 * Expected: the 4th read (threshold 3) fails fast with "(circuit open)" and sends nothing.
 * Actual: it sends a 4th `POST /api/v2/login` and answers "campaign-api is unavailable (HTTP 503)".
 */
import type { Stack } from '../support/stack';
import { CAMPAIGN_LOGIN, agentsOf, logOf, startFaultStack, times } from './support/faultStack';
import { installProcessGuard } from './support/guard';

installProcessGuard();

describe('campaign API down before the first login (failureThreshold 3)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startFaultStack({ circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000 } });
  });
  afterAll(() => stack.close());

  it('three failed logins (503) open the circuit, like three failed reads do', async () => {
    const sim = stack.sims.campaignApi;
    sim.setFaults({ serverErrorStatus: 503 });
    for (let i = 0; i < 3; i++) {
      const res = await agentsOf(stack, 'dialer-a');
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    }
    expect(logOf(sim)).toEqual(times(3, `${CAMPAIGN_LOGIN} 503`));

    sim.clearRequests();
    const res = await agentsOf(stack, 'dialer-a');
    expect(res.body.errors![0]!.message).toBe("campaign-api is failing; connection 'dialer-a' is not calling it for now (circuit open)");
    expect(logOf(sim)).toEqual([]);
  });
});
