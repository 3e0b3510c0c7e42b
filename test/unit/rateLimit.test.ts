/**
 * The per-connection rate limiter, with real time: small intervals (20 rps, no margin = 50 ms) keep the
 * suite fast while still measuring real spacing.
 */
import { getEventListeners } from 'node:events';
import { RateLimitedError, type SwitchboardError } from '../../src/errors';
import { rateLimitQueueDepth } from '../../src/metrics';
import { createDedupeInterceptor } from '../../src/upstream/dedupe';
import { clampRetryAfterMs, createRateLimitInterceptor, RateLimiter, type RateLimiterOptions } from '../../src/upstream/rateLimit';
import { createRetryInterceptor } from '../../src/upstream/retry';
import { compose, type UpstreamRequest, type UpstreamResponse } from '../../src/upstream/types';

const identity = { vendor: 'campaign-api' as const, connectionId: 'dialer', label: 'acme/dialer' };
/** Timers may fire up to ~1 ms "early" as measured by Date.now()'s millisecond rounding. */
const SLACK_MS = 2;

function limiter(opts: Partial<RateLimiterOptions> = {}): RateLimiter {
  return new RateLimiter({ requestsPerSecond: 20, spacingMarginMs: 0, identity, ...opts });
}

async function rejection(p: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await p;
  } catch (err) {
    return err as SwitchboardError;
  }
  throw new Error('expected a rejection');
}

describe('RateLimiter pacing', () => {
  it('interval is 1000 / requestsPerSecond plus the margin; defaults are 1 rps and 50 ms', () => {
    expect(new RateLimiter({ identity }).intervalMs).toBe(1050);
    expect(limiter({ requestsPerSecond: 4, spacingMarginMs: 10 }).intervalMs).toBe(260);
    expect(limiter().intervalMs).toBe(50);
  });

  it('releases waiters in FIFO order, at least one interval apart', async () => {
    const l = limiter();
    const deadlineAt = Date.now() + 10_000;
    const released: Array<{ i: number; at: number }> = [];
    const start = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        l.acquire(deadlineAt).then(() => {
          released.push({ i, at: Date.now() });
        }),
      ),
    );
    expect(released.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(released[0]!.at - start).toBeLessThan(20); // the first leaves at once
    for (let k = 1; k < released.length; k++) {
      expect(released[k]!.at - released[k - 1]!.at).toBeGreaterThanOrEqual(50 - SLACK_MS);
    }
    const total = released.at(-1)!.at - start;
    expect(total).toBeGreaterThanOrEqual(5 * 50 - SLACK_MS);
    expect(total).toBeLessThan(5 * 50 + 250);
    expect(l.depth).toBe(0);
  });

  it('a waiter with no deadline (a subscription event: Number.MAX_SAFE_INTEGER) waits for its slot; past the timer range no expiry timer fires at once', async () => {
    const l = limiter();
    await l.acquire(Date.now() + 10_000);
    const waited = await l.acquire(Number.MAX_SAFE_INTEGER);
    expect(waited).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(l.depth).toBe(0);
  });

  it('the margin is added to every gap', async () => {
    const l = limiter({ requestsPerSecond: 20, spacingMarginMs: 30 });
    const deadlineAt = Date.now() + 10_000;
    const at: number[] = [];
    await Promise.all([0, 1, 2].map(() => l.acquire(deadlineAt).then(() => at.push(Date.now()))));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(80 - SLACK_MS);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(80 - SLACK_MS);
  });

  it('estimates the wait from the next slot and the queue length', async () => {
    const l = limiter();
    const start = Date.now();
    expect(l.estimateWaitMs(start)).toBe(0);
    const far = start + 10_000;
    const admitted = [l.acquire(far)];
    const t1 = Date.now();
    // one slot taken: the next leaves one interval after it
    expect(l.estimateWaitMs(t1)).toBeLessThanOrEqual(50);
    expect(l.estimateWaitMs(t1)).toBeGreaterThanOrEqual(50 - (t1 - start));
    admitted.push(l.acquire(far), l.acquire(far));
    const t2 = Date.now();
    // plus one interval for each of the two waiting
    expect(l.depth).toBe(2);
    expect(l.estimateWaitMs(t2)).toBeLessThanOrEqual(150);
    expect(l.estimateWaitMs(t2)).toBeGreaterThanOrEqual(150 - (t2 - start));
    await Promise.all(admitted);
  });

  it('the next slot counts from when the request really left, when that is later than its slot', async () => {
    // A request on a new socket leaves after its connect; the vendor counts arrivals, so the next one waits
    // an interval from then (the transport reports it: `onSent`, src/upstream/transport.ts).
    const l = limiter();
    const slotAt = Date.now();
    await l.acquire(slotAt + 10_000);
    l.leaving(slotAt + 80);
    expect(l.estimateWaitMs(slotAt)).toBe(80 + 50);
    const next = l.acquire(slotAt + 10_000);
    await next;
    expect(Date.now() - slotAt).toBeGreaterThanOrEqual(130 - SLACK_MS);
    // An earlier report never brings the next slot forward.
    l.leaving(slotAt);
    expect(l.estimateWaitMs()).toBeGreaterThan(0);
  });
});

describe('RateLimiter fail-fast', () => {
  it('rejects at once with RATE_LIMITED when the estimated wait passes the deadline', async () => {
    const l = limiter();
    const far = Date.now() + 10_000;
    const queued = [l.acquire(far), l.acquire(far), l.acquire(far), l.acquire(far)];
    // 1 slot in use + 3 waiting: the next would wait ~200 ms
    const before = Date.now();
    const err = await rejection(l.acquire(before + 100));
    expect(Date.now() - before).toBeLessThan(20); // did not wait
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.code).toBe('RATE_LIMITED');
    const retryAfterMs = err.facts.retryAfterMs!;
    expect(retryAfterMs).toBeGreaterThanOrEqual(180);
    expect(retryAfterMs).toBeLessThanOrEqual(200);
    expect(err.message).toBe("connection 'dialer' is at its rate limit and the wait would pass the request's deadline; retry after retryAfterMs");
    expect(err.facts).toEqual({ vendor: 'campaign-api', connectionId: 'dialer', retryable: true, retryAfterMs, notSent: true });
    expect(err.extensions()).toEqual({ code: 'RATE_LIMITED', vendor: 'campaign-api', connectionId: 'dialer', retryable: true, retryAfterMs });
    expect(l.depth).toBe(3); // the refused request did not join the queue
    await Promise.all(queued);
  });

  it('a request whose deadline fits the wait is admitted', async () => {
    const l = limiter();
    const far = Date.now() + 10_000;
    const first = [l.acquire(far), l.acquire(far)];
    const start = Date.now();
    await l.acquire(start + 500);
    expect(Date.now() - start).toBeGreaterThanOrEqual(100 - SLACK_MS);
    await Promise.all(first);
  });

  it('rejects with exact text when maxQueue requests are already waiting', async () => {
    const l = limiter({ maxQueue: 2 });
    const far = Date.now() + 10_000;
    const admitted = [l.acquire(far), l.acquire(far), l.acquire(far)]; // 1 leaves now, 2 wait
    expect(l.depth).toBe(2);
    const err = await rejection(l.acquire(far));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.message).toBe("too many requests are waiting for connection 'dialer'; retry later");
    expect(err.facts.retryAfterMs).toBeGreaterThanOrEqual(90);
    expect(err.facts.retryAfterMs).toBeLessThanOrEqual(150);
    await Promise.all(admitted);
  });

  it('a waiter whose deadline passes while queued (the wait grew) is rejected at its deadline', async () => {
    const l = limiter();
    const start = Date.now();
    await l.acquire(start + 10_000);
    const waiting = rejection(l.acquire(start + 150)); // fits: ~50 ms estimated
    l.pause(1_000); // a vendor 429 pushes the next slot past the deadline
    const err = await waiting;
    const waited = Date.now() - start;
    expect(waited).toBeGreaterThanOrEqual(150 - SLACK_MS);
    expect(waited).toBeLessThan(400);
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.message).toBe("connection 'dialer' is at its rate limit; the request's deadline passed while it waited");
    expect(err.facts.retryAfterMs).toBeGreaterThan(700);
    expect(l.depth).toBe(0);
  });
});

describe('RateLimiter.pause', () => {
  it('holds the next request on an idle limiter for the pause', async () => {
    const l = limiter();
    const start = Date.now();
    l.pause(150);
    await l.acquire(start + 10_000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(150 - SLACK_MS);
  });

  it('holds a queue that is already waiting, and keeps its order', async () => {
    const l = limiter();
    const far = Date.now() + 10_000;
    await l.acquire(far);
    const order: number[] = [];
    const start = Date.now();
    const waiting = [1, 2].map((i) => l.acquire(far).then(() => order.push(i)));
    l.pause(200);
    await Promise.all(waiting);
    expect(order).toEqual([1, 2]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(200 + 50 - SLACK_MS);
  });

  it('a shorter pause never shortens a longer one', async () => {
    const l = limiter();
    const start = Date.now();
    l.pause(200);
    l.pause(10);
    await l.acquire(start + 10_000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(200 - SLACK_MS);
  });
});

describe('RateLimiter constructor misuse', () => {
  it.each([
    [{ requestsPerSecond: 0 }, 'expected opts.requestsPerSecond to be > 0, got 0'],
    [{ requestsPerSecond: -2 }, 'expected opts.requestsPerSecond to be > 0, got -2'],
    [{ requestsPerSecond: Number.NaN }, 'expected opts.requestsPerSecond to be > 0, got NaN'],
    [{ spacingMarginMs: -1 }, 'expected opts.spacingMarginMs to be >= 0, got -1'],
    [{ maxQueue: 0 }, 'expected opts.maxQueue to be a positive integer, got 0'],
    [{ maxQueue: 1.5 }, 'expected opts.maxQueue to be a positive integer, got 1.5'],
  ])('%j -> %s', (opts, message) => {
    expect(() => new RateLimiter({ identity, ...opts })).toThrow(new TypeError(message));
  });
});

describe('clampRetryAfterMs', () => {
  it.each([
    ['2', 100, 2_000],
    ['1.5', 100, 1_500],
    ['0', 100, 100], // never less than the fallback (one interval)
    ['-5', 100, 100],
    ['60', 100, 60_000],
    ['120', 100, 60_000], // capped at 60 s
    ['soon', 250, 250],
    ['', 250, 250],
  ])('%j with fallback %d -> %d', (header, fallback, expected) => {
    expect(clampRetryAfterMs(header, fallback)).toBe(expected);
  });

  it('a missing header gives the fallback', () => {
    expect(clampRetryAfterMs(undefined, 1_050)).toBe(1_050);
  });

  it('an HTTP-date counts from now', () => {
    const header = new Date(Date.now() + 5_000).toUTCString(); // second precision
    const ms = clampRetryAfterMs(header, 100);
    expect(ms).toBeGreaterThan(3_900);
    expect(ms).toBeLessThanOrEqual(5_000);
  });

  it('an HTTP-date in the past gives the fallback, one far ahead the 60 s cap', () => {
    expect(clampRetryAfterMs(new Date(Date.now() - 60_000).toUTCString(), 300)).toBe(300);
    expect(clampRetryAfterMs('Wed, 21 Oct 2099 07:28:00 GMT', 300)).toBe(60_000);
  });
});

describe('createRateLimitInterceptor and vendor 429s', () => {
  const reply = (status: number, headers: Record<string, string> = {}): UpstreamResponse => ({ status, headers, body: Buffer.from(String(status)) });
  const request = (deadlineAt: number): UpstreamRequest => ({
    method: 'GET',
    url: new URL('http://vendor.invalid/x'),
    route: 'x',
    headers: {},
    scope: { deadlineAt },
  });

  function scripted(statuses: Array<[number, Record<string, string>?]>) {
    const sentAt: number[] = [];
    const next = async () => {
      sentAt.push(Date.now());
      const [status, headers] = statuses.shift() ?? [200];
      return reply(status, headers);
    };
    return { sentAt, next };
  }

  it('a 429 pauses for Retry-After and the request is sent again once', async () => {
    const l = limiter();
    const { sentAt, next } = scripted([[429, { 'retry-after': '0.2' }], [200]]);
    const res = await createRateLimitInterceptor(l)(next)(request(Date.now() + 10_000));
    expect(res.status).toBe(200);
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(200 - SLACK_MS);
  });

  it('without Retry-After the pause is one interval', async () => {
    const l = limiter({ requestsPerSecond: 10 }); // 100 ms
    const { sentAt, next } = scripted([[429], [200]]);
    await createRateLimitInterceptor(l)(next)(request(Date.now() + 10_000));
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(100 - SLACK_MS);
  });

  it('a second 429 is the answer, and the connection stays paused', async () => {
    const l = limiter();
    const { sentAt, next } = scripted([
      [429, { 'retry-after': '0.1' }],
      [429, { 'retry-after': '0.3' }],
    ]);
    const res = await createRateLimitInterceptor(l)(next)(request(Date.now() + 10_000));
    expect(res.status).toBe(429);
    expect(sentAt).toHaveLength(2);
    expect(l.estimateWaitMs()).toBeGreaterThan(250);
  });

  it('when the deadline cannot cover the pause, the first 429 is the answer and nothing is resent', async () => {
    const l = limiter();
    const { sentAt, next } = scripted([[429, { 'retry-after': '5' }], [200]]);
    const res = await createRateLimitInterceptor(l)(next)(request(Date.now() + 1_000));
    expect(res.status).toBe(429);
    expect(sentAt).toHaveLength(1);
  });
});

describe('RateLimiter and a caller that goes away (issue 11, item 6)', () => {
  /** The depth the `switchboard_rate_limiter_queue_depth` gauge shows for this test's connection. */
  async function depthGauge(label: string): Promise<number | undefined> {
    const { values } = await rateLimitQueueDepth.get();
    return values.find((v) => v.labels['connection'] === label)?.value;
  }
  const cancelled = (err: SwitchboardError) => ({ code: err.code, message: err.message, facts: err.facts, extensions: err.extensions() });
  const CANCELLED = {
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'the call to campaign-api was cancelled',
    facts: { vendor: 'campaign-api', connectionId: 'dialer', retryable: false, notSent: true },
    extensions: { code: 'UPSTREAM_UNAVAILABLE', vendor: 'campaign-api', connectionId: 'dialer', retryable: false },
  };

  it('a waiter whose signal aborts leaves the queue at once, rejects as not sent, and leaves no listener', async () => {
    const ident = { ...identity, label: 'acme/abort-leaves' };
    const l = limiter({ identity: ident });
    const far = Date.now() + 10_000;
    await l.acquire(far); // the slot is taken: the next ones wait
    const leaving = new AbortController();
    const staying = l.acquire(far);
    const gone = rejection(l.acquire(far, leaving.signal));
    expect(l.depth).toBe(2);
    expect(await depthGauge(ident.label)).toBe(2);
    expect(getEventListeners(leaving.signal, 'abort')).toHaveLength(1);

    const before = Date.now();
    leaving.abort();
    expect(l.depth).toBe(1); // synchronously, in the abort event
    expect(await depthGauge(ident.label)).toBe(1);
    expect(cancelled(await gone)).toEqual(CANCELLED);
    expect(Date.now() - before).toBeLessThan(20);
    expect(getEventListeners(leaving.signal, 'abort')).toHaveLength(0);
    await staying;
    expect(l.depth).toBe(0);
  });

  it('the waiters behind aborted ones get their slots that much earlier', async () => {
    const l = limiter(); // 50 ms apart
    const far = Date.now() + 10_000;
    await l.acquire(far);
    const controllers = [0, 1, 2].map(() => new AbortController());
    const gone = controllers.map((c) => rejection(l.acquire(far, c.signal)));
    const start = Date.now();
    const last = l.acquire(far).then(() => Date.now() - start); // fourth in line: ~200 ms away
    expect(l.estimateWaitMs()).toBeGreaterThan(150);
    for (const c of controllers) c.abort();
    expect(l.depth).toBe(1);
    expect(l.estimateWaitMs()).toBeLessThanOrEqual(100); // the slot in use plus the one waiter
    const waited = await last;
    expect(waited).toBeLessThan(50 + 40); // the next slot, not three intervals after it
    for (const err of await Promise.all(gone)) expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('every waiter of one request leaves when its signal aborts; other requests keep their places', async () => {
    const l = limiter();
    const far = Date.now() + 10_000;
    await l.acquire(far);
    const request = new AbortController();
    const other = l.acquire(far);
    const gone = Array.from({ length: 12 }, () => rejection(l.acquire(far, request.signal)));
    const after = l.acquire(far, new AbortController().signal);
    expect(l.depth).toBe(14);
    request.abort();
    expect(l.depth).toBe(2);
    for (const err of await Promise.all(gone)) expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    await Promise.all([other, after]);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });

  it('an already-aborted signal rejects at once and takes no slot, even on an idle limiter', async () => {
    const l = limiter({ requestsPerSecond: 1 }); // 1 s apart: a taken slot would be obvious
    const signal = AbortSignal.abort();
    const err = await rejection(l.acquire(Date.now() + 10_000, signal));
    expect(cancelled(err)).toEqual(CANCELLED);
    expect(l.depth).toBe(0);
    expect(l.estimateWaitMs()).toBe(0); // the slot is still free
    const start = Date.now();
    await l.acquire(start + 10_000);
    expect(Date.now() - start).toBeLessThan(20);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('a waiter that is granted, or whose deadline passes, takes its abort listener with it', async () => {
    const l = limiter();
    const signal = new AbortController().signal; // one request's signal, shared by all its calls
    const start = Date.now();
    await l.acquire(start + 10_000, signal); // the fast path never listens
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // 12 waiters, one listener: Node warns (MaxListenersExceededWarning) past 10 on one signal.
    const granted = Array.from({ length: 12 }, () => l.acquire(start + 10_000, signal));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    await Promise.all(granted);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    const expiring = rejection(l.acquire(Date.now() + 100, signal)); // fits the estimate...
    l.pause(1_000); // ...until a vendor 429 pushes the slot past its deadline
    expect((await expiring).code).toBe('RATE_LIMITED');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(l.depth).toBe(0);
  });
});

describe('a caller that goes away, through the chain (dedupe -> retry -> rateLimit)', () => {
  const reply = (status: number): UpstreamResponse => ({ status, headers: {}, body: Buffer.from(String(status)) });
  const get = (path: string, signal?: AbortSignal): UpstreamRequest => ({
    method: 'GET',
    url: new URL(`http://vendor.invalid${path}`),
    route: 'x',
    headers: {},
    scope: { deadlineAt: Date.now() + 10_000, ...(signal ? { signal } : {}) },
  });
  /** The chain createUpstream builds, minus the layers that do not touch the signal; `sent` is the vendor's log. */
  function chain(l: RateLimiter, statuses: number[] = [], retry: Parameters<typeof createRetryInterceptor>[0] = {}) {
    const sent: string[] = [];
    const vendor = async (req: UpstreamRequest) => {
      sent.push(req.url.pathname);
      return reply(statuses.shift() ?? 200);
    };
    const send = compose(vendor, [createDedupeInterceptor(identity), createRetryInterceptor(retry), createRateLimitInterceptor(l)]);
    return { sent, send };
  }

  it('a coalesced read leaves the rate-limit queue only when its last caller has gone', async () => {
    const l = limiter({ requestsPerSecond: 1 }); // 1 s apart
    const { sent, send } = chain(l);
    await send(get('/first'));
    const [a, b] = [new AbortController(), new AbortController()];
    const both = [rejection(send(get('/shared', a.signal))), rejection(send(get('/shared', b.signal)))];
    expect(l.depth).toBe(1); // one shared waiter for two callers
    a.abort();
    expect(l.depth).toBe(1); // b still waits for it
    b.abort();
    expect(l.depth).toBe(0);
    for (const err of await Promise.all(both)) expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(sent).toEqual(['/first']);
  });

  it('one request joining a shared read many times puts one listener on its signal, gone when it is answered', async () => {
    const l = limiter();
    const { sent, send } = chain(l);
    await send(get('/first')); // the slot is taken: the shared read waits
    const signal = new AbortController().signal;
    // As a list of 12 rows whose `campaign` field each reads the campaign list (src/graphql/resolvers/activity.ts).
    const rows = Array.from({ length: 12 }, () => send(get('/campaigns', signal)));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    for (const res of await Promise.all(rows)) expect(res.status).toBe(200);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(sent).toEqual(['/first', '/campaigns']);
  });

  it('a caller arriving just after every other caller left starts a live read, not the cancelled one', async () => {
    const l = limiter();
    const { sent, send } = chain(l);
    await send(get('/first'));
    const a = new AbortController();
    const gone = rejection(send(get('/shared', a.signal)));
    a.abort();
    const fresh = send(get('/shared', new AbortController().signal)); // same tick: the dead call is still settling
    expect((await gone).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await fresh).status).toBe(200);
    expect(sent).toEqual(['/first', '/shared']);
  });

  it('an already-aborted caller neither starts nor joins a shared read', async () => {
    const l = limiter({ requestsPerSecond: 1 });
    const { sent, send } = chain(l);
    const err = await rejection(send(get('/x', AbortSignal.abort())));
    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(l.estimateWaitMs()).toBe(0); // no slot was taken
    expect(sent).toEqual([]);
  });

  it("a retry's backoff ends when the caller goes away: the last answer at once, nothing resent, no listener left", async () => {
    // Below dedupe (which answers its callers at once anyway), as the shared call itself sees it.
    const sent: string[] = [];
    const statuses = [503, 200];
    const vendor = async (req: UpstreamRequest) => {
      sent.push(req.url.pathname);
      return reply(statuses.shift()!);
    };
    const send = compose(vendor, [createRetryInterceptor({ baseDelayMs: 5_000, maxDelayMs: 5_000, random: () => 0.99 }), createRateLimitInterceptor(limiter())]);
    const c = new AbortController();
    const start = Date.now();
    const res = send(get('/flaky', c.signal));
    // Wait on the condition (the first answer arrived and the backoff began), never on a fixed sleep.
    while (getEventListeners(c.signal, 'abort').length === 0) await new Promise<void>((r) => setImmediate(r));
    expect(sent).toEqual(['/flaky']);
    c.abort();
    expect((await res).status).toBe(503);
    expect(Date.now() - start).toBeLessThan(1_000); // not the ~5 s backoff
    expect(sent).toEqual(['/flaky']);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });
});

describe('RateLimiter with a shared budget (issue 14)', () => {
  /** A shared budget as the Redis store behaves: asynchronous answers, and a failure while the store is down. */
  function sharedBudget() {
    let nextAt = 0;
    const state = { down: false, asked: 0 };
    const budget = (intervalMs: number) => ({
      take: async () => {
        state.asked++;
        await Promise.resolve();
        if (state.down) throw new Error("Stream isn't writeable and enableOfflineQueue options is false (redis.internal:6379)");
        const now = Date.now();
        if (now < nextAt) return nextAt - now;
        nextAt = now + intervalMs;
        return 0;
      },
      sent: () => undefined,
      pause: () => undefined,
      estimateWaitMs: () => Math.max(0, nextAt - Date.now()),
    });
    return { state, budget };
  }

  it('waits for the shared slots, FIFO, one interval apart', async () => {
    const { budget } = sharedBudget();
    const l = limiter({ budget });
    const deadlineAt = Date.now() + 5_000;
    const order: number[] = [];
    const start = Date.now();
    await Promise.all([0, 1, 2].map((i) => l.acquire(deadlineAt).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(2 * 50 - SLACK_MS);
  });

  it("refuses every waiter at once, not sent, when the store cannot be asked, without the store client's text; the next request asks again", async () => {
    const { state, budget } = sharedBudget();
    const l = limiter({ budget });
    state.down = true;
    const deadlineAt = Date.now() + 30_000;
    const started = Date.now();
    const errors = await Promise.all([0, 1, 2].map(() => rejection(l.acquire(deadlineAt))));
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const err of errors) {
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err.message).toBe("connection 'dialer' got no slot: its shared rate limit cannot be asked (the state store is unreachable); the request was not sent: retry after retryAfterMs");
      expect(err.facts).toMatchObject({ vendor: 'campaign-api', connectionId: 'dialer', retryAfterMs: 1_000, notSent: true });
    }
    expect(l.depth).toBe(0);
    state.down = false;
    await expect(l.acquire(Date.now() + 5_000)).resolves.toBeGreaterThanOrEqual(0);
  });
});

describe('background work (issue 17)', () => {
  it('serves every interactive waiter before the background ones, which keep their order', async () => {
    const l = limiter({ requestsPerSecond: 50 });
    const deadline = Date.now() + 5_000;
    const order: string[] = [];
    await l.acquire(deadline); // the free slot
    const waits = [
      l.acquire(deadline, undefined, true).then(() => order.push('background 1')),
      l.acquire(deadline, undefined, true).then(() => order.push('background 2')),
      l.acquire(deadline).then(() => order.push('interactive 1')),
      l.acquire(deadline).then(() => order.push('interactive 2')),
    ];
    await Promise.all(waits);
    expect(order).toEqual(['interactive 1', 'interactive 2', 'background 1', 'background 2']);
  });

  it('does not count background waiters in an interactive request’s wait', () => {
    const l = limiter({ requestsPerSecond: 10 });
    const deadline = Date.now() + 60_000;
    const gone = new AbortController();
    void l.acquire(deadline);
    for (let i = 0; i < 20; i++) l.acquire(deadline, gone.signal, true).catch(() => undefined);
    const now = Date.now();
    expect(l.estimateWaitMs(now, false)).toBeLessThanOrEqual(100);
    expect(l.estimateWaitMs(now, true)).toBeGreaterThanOrEqual(20 * 100);
    gone.abort();
  });
});
