/**
 * The per-connection rate limiter, with real time: small intervals (20 rps, no margin = 50 ms) keep the
 * suite fast while still measuring real spacing.
 */
import { RateLimitedError } from '../../src/errors';
import { clampRetryAfterMs, createRateLimitInterceptor, RateLimiter, type RateLimiterOptions } from '../../src/upstream/rateLimit';
import type { UpstreamRequest, UpstreamResponse } from '../../src/upstream/types';

const identity = { vendor: 'campaign-api' as const, connectionId: 'dialer', label: 'acme/dialer' };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Timers may fire up to ~1 ms "early" as measured by Date.now()'s millisecond rounding. */
const SLACK_MS = 2;

function limiter(opts: Partial<RateLimiterOptions> = {}): RateLimiter {
  return new RateLimiter({ requestsPerSecond: 20, spacingMarginMs: 0, identity, ...opts });
}

async function rejection(p: Promise<unknown>): Promise<RateLimitedError> {
  try {
    await p;
  } catch (err) {
    return err as RateLimitedError;
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
    const { sentAt, next } = scripted([[429, { 'retry-after': '0.1' }], [429, { 'retry-after': '0.3' }]]);
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
