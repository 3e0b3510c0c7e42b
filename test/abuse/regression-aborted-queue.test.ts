/**
 * Issue 11, item 6: "Aborted clients keep their place in the vendor queue." `acquire()` ignored the abort
 * signal, so after 130 aborted queries a fresh one waited 7.6 s while the vendor was healthy. Now a request
 * whose every caller has gone leaves the rate-limit queue at once and never uses a vendor slot
 * (src/upstream/rateLimit.ts; dedupe cancels a shared read when its last caller leaves).
 *
 * Over real sockets: the gateway paces the Apps API connection at 1 request/s (its documented limit, which
 * the simulator enforces too, so a request sent early would show as a 429 in its log). Clients that give up
 * while queued are aborted with fetch's AbortController, as a closed browser tab would be.
 */
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';
import { FAST_SIMS } from './helpers';

/** 1000 ms / 1 request per second, plus the default 50 ms spacing margin. */
const INTERVAL_MS = 1_050;
/**
 * Queries whose clients give up. With the queries ahead of them this is about as many as fit: at 1,050 ms
 * apart, a 30 s request deadline (`server.requestTimeoutMs`) admits about 28 waiters, and the next one is
 * refused with RATE_LIMITED at once. Before the fix, the fresh query waited behind all of them (~21 s).
 */
const ABORTED = 20;
/** Queries whose clients stay, queued ahead of the aborted ones. */
const LIVE = 4;
/** The fresh query's phone number index, after every other one. */
const FRESH = 1 + LIVE + ABORTED;
const DNC_CHECK = 'query($p: PhoneNumber!) { dncCheck(connectionId: "apps-a", phoneNumber: $p) { phoneNumber listed } }';
/** A distinct number per query: distinct URLs, so neither coalescing nor a cache can answer one for another. */
const phone = (i: number) => `+1415555${String(i).padStart(4, '0')}`;
const dncRead = (i: number) => `GET /apps/api/v1/outbound_dialer/dnc?phone_number=${encodeURIComponent(phone(i))} 200`;

describe('issue 11, item 6: aborted clients leave the vendor queue', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: { ...FAST_SIMS, appsApi: { requestsPerSecond: 1 } },
      connection: { rateLimit: { requestsPerSecond: 1 } },
    });
  });
  afterAll(() => stack.close());

  const limiter = () => stack.gateway.tenants.get('tenant-a')!.connections.get('apps-a')!.upstream.limiter;
  const appsLog = () => stack.sims.appsApi.requests.map((r) => `${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''} ${r.status}`);

  /** A dncCheck its client will abandon; resolves with what the client saw (an AbortError). */
  function abandonable(i: number) {
    const controller = new AbortController();
    const outcome = fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_A}` },
      body: JSON.stringify({ query: DNC_CHECK, variables: { p: phone(i) } }),
      signal: controller.signal,
    }).then(
      (res) => `answered ${res.status}`,
      (err: Error) => err.name,
    );
    return { outcome, leave: () => controller.abort() };
  }

  it(`${ABORTED} queued queries whose clients left are never sent, and a fresh one takes the next slot`, async () => {
    stack.sims.appsApi.clearRequests();
    const inFlight = () => appsLog().length + limiter().depth; // sent to the vendor, or waiting to be
    // Takes the connection's slot: whatever comes in the next interval waits in the queue.
    const first = await stack.gql(DNC_CHECK, { variables: { p: phone(0) } });
    expect(first.body).toEqual({ data: { dncCheck: { phoneNumber: phone(0), listed: false } } });
    // Clients that stay, queued ahead: they keep the aborted ones away from the head for LIVE intervals, which
    // is time enough to queue every aborted one even on a busy machine.
    const lives = Array.from({ length: LIVE }, (_, i) => stack.gql(DNC_CHECK, { variables: { p: phone(1 + i) } }));
    await waitUntil(`the ${LIVE} live queries are queued`, () => inFlight() === 1 + LIVE, INTERVAL_MS);

    const abandoned = Array.from({ length: ABORTED }, (_, i) => abandonable(1 + LIVE + i));
    await waitUntil(`all ${ABORTED} abandonable queries are queued too`, () => inFlight() === 1 + LIVE + ABORTED, LIVE * INTERVAL_MS);
    for (const a of abandoned) a.leave();
    expect(await Promise.all(abandoned.map((a) => a.outcome))).toEqual(Array.from({ length: ABORTED }, () => 'AbortError'));
    // They leave the queue as their clients go, not when their turn comes.
    await waitUntil('only the live queries are left', () => inFlight() === 1 + LIVE, INTERVAL_MS);
    for (const [i, live] of (await Promise.all(lives)).entries()) {
      expect(live.body).toEqual({ data: { dncCheck: { phoneNumber: phone(1 + i), listed: false } } });
    }

    const started = Date.now();
    const fresh = await stack.gql(DNC_CHECK, { variables: { p: phone(FRESH) } });
    const waitedMs = Date.now() - started;
    // Also: the abandoned waits were not counted as vendor failures (`notSent`), or 20 of them would have
    // opened the circuit (5 by default) and this would be UPSTREAM_UNAVAILABLE.
    expect(fresh.body).toEqual({ data: { dncCheck: { phoneNumber: phone(FRESH), listed: false } } });
    // The next slot after the last live query: at most one interval away, never one per aborted query.
    expect(waitedMs).toBeLessThan(2 * INTERVAL_MS);

    // What the vendor saw, each answered (the simulator also enforces 1 request/s: no 429): the first query,
    // the live ones (in whichever order they reached the queue), the fresh one. None of the aborted ones.
    const log = appsLog();
    expect([log[0], ...log.slice(1, -1).sort(), log.at(-1)]).toEqual([dncRead(0), ...Array.from({ length: LIVE }, (_, i) => dncRead(1 + i)), dncRead(FRESH)]);
  });

  it('afterwards nothing waits and nothing was logged as an error', async () => {
    expect(limiter().depth).toBe(0);
    expect(stack.logs.filter((l) => l['level'] >= 50)).toEqual([]);
  });
});
