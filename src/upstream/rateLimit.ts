/**
 * Per-connection pacing: requests to one vendor account leave at most `requestsPerSecond`, in FIFO order,
 * and wait rather than fail. A request whose wait would pass its deadline fails at once with RATE_LIMITED
 * and `retryAfterMs`, so callers never sit in a queue they cannot get out of in time. A vendor 429 pauses
 * the whole connection (`pause`), not just the request that got it. A waiter whose caller has gone (its
 * signal aborted) leaves the queue at once and never takes a slot.
 *
 * The queue is per process; the slots come from a `SlotBudget` (src/state/budget.ts): in memory by default,
 * shared through Redis by every replica of a fleet (docs/decisions.md, "Fleet state"). A shared budget that
 * cannot be asked grants nothing: the waiters are refused at once with RATE_LIMITED, never sent (fail closed).
 */
import { performance } from 'node:perf_hooks';
import { RateLimitedError, type ErrorFacts, type SwitchboardError } from '../errors';
import { rateLimitQueueDepth, rateLimitRejections, rateLimitWait } from '../metrics';
import { transportFailureToError } from './normalizeErrors';
import { TransportFailure } from './transport';
import { LocalSlots, type SlotBudget } from '../state/budget';
import { isReplayable, onAbort, type ConnectionIdentity, type UpstreamInterceptor, type UpstreamRequest } from './types';

export interface RateLimiterOptions {
  /** Requests per second. Default 1 (the vendors' documented limit). */
  requestsPerSecond?: number;
  /** Added to every gap so jitter between our clock and the vendor's never puts two requests in one window. Default 50 ms. */
  spacingMarginMs?: number;
  /** Most requests waiting at once; more fail fast with RATE_LIMITED. Default 1000. */
  maxQueue?: number;
  /** Labels for metrics and error facts. */
  identity: ConnectionIdentity;
  /** Where slots come from, given the interval. Default: in memory (`LocalSlots`). */
  budget?: (intervalMs: number) => SlotBudget;
}

/**
 * `retryAfterMs` of a request refused because the shared budget could not be asked: about when the store's
 * client has tried to reconnect (src/state/redis/connection.ts backs off up to 2 s).
 */
const BUDGET_DOWN_RETRY_AFTER_MS = 1_000;
/**
 * The longest delay `setTimeout` takes (2^31 - 1 ms, ~24.8 days); a longer one fires after 1 ms. A deadline further
 * away is no deadline (a subscription's events are resolved with `Number.MAX_SAFE_INTEGER`): no expiry timer.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  deadlineAt: number;
  /** Background work (pollers) waits behind every interactive waiter. */
  background: boolean;
  enqueuedAt: number;
  /** Called with the time waited, ms. */
  resolve: (waitedMs: number) => void;
  reject: (err: Error) => void;
  /** Expires the waiter at its deadline; undefined when the deadline is beyond the timer range. */
  timer: NodeJS.Timeout | undefined;
  /** Stops watching the caller's signal (which takes this waiter out of the queue when it aborts). */
  unwatch?: () => void;
}

export class RateLimiter {
  readonly intervalMs: number;
  private readonly maxQueue: number;
  private readonly facts: ErrorFacts;
  private readonly labels: { vendor: string; connection: string };
  private readonly queue: Waiter[] = [];
  private readonly budget: SlotBudget;
  private pumpTimer: NodeJS.Timeout | null = null;
  /** A shared budget is being asked for a slot (one question at a time). */
  private asking = false;

  constructor(opts: RateLimiterOptions) {
    const { requestsPerSecond = 1, spacingMarginMs = 50, maxQueue = 1000, identity, budget = (ms) => new LocalSlots(ms) } = opts;
    if (!(requestsPerSecond > 0)) throw new TypeError(`expected opts.requestsPerSecond to be > 0, got ${requestsPerSecond}`);
    if (!(spacingMarginMs >= 0)) throw new TypeError(`expected opts.spacingMarginMs to be >= 0, got ${spacingMarginMs}`);
    if (!(Number.isInteger(maxQueue) && maxQueue > 0)) throw new TypeError(`expected opts.maxQueue to be a positive integer, got ${maxQueue}`);
    this.intervalMs = 1000 / requestsPerSecond + spacingMarginMs;
    this.budget = budget(this.intervalMs);
    this.maxQueue = maxQueue;
    this.facts = { vendor: identity.vendor, connectionId: identity.connectionId };
    this.labels = { vendor: identity.vendor, connection: identity.label };
    // The series exists from the start, so a dashboard shows an empty queue rather than no data.
    rateLimitQueueDepth.set(this.labels, 0);
  }

  /** Requests waiting now. */
  get depth(): number {
    return this.queue.length;
  }

  /** How long a request enqueued now would wait, in ms (an interactive one waits only for the interactive waiters ahead). */
  estimateWaitMs(now = Date.now(), background = true): number {
    const ahead = background ? this.queue.length : this.queue.filter((w) => !w.background).length;
    return this.budget.estimateWaitMs(now) + ahead * this.intervalMs;
  }

  /**
   * Resolves when the caller may send, with the time it waited in the queue (ms; 0 when a slot was free).
   * Rejects with RATE_LIMITED if that would be after `deadlineAt`, and
   * with UPSTREAM_UNAVAILABLE (`notSent`, not retryable) as soon as `signal` aborts while the caller waits,
   * or at once if it already has: a caller that has gone never takes a slot.
   */
  acquire(deadlineAt: number, signal?: AbortSignal, background = false): Promise<number> {
    if (signal?.aborted) return Promise.reject(this.abandonedError());
    const now = Date.now();
    const waitMs = this.estimateWaitMs(now, background);
    if (this.queue.length >= this.maxQueue || now + waitMs > deadlineAt) {
      rateLimitRejections.inc(this.labels);
      const full = this.queue.length >= this.maxQueue;
      return Promise.reject(
        new RateLimitedError(
          full
            ? `too many requests are waiting for connection '${this.facts.connectionId}'; retry later`
            : `connection '${this.facts.connectionId}' is at its rate limit and the wait would pass the request's deadline; retry after retryAfterMs`,
          { ...this.facts, retryAfterMs: Math.ceil(waitMs), notSent: true },
        ),
      );
    }
    if (this.queue.length === 0 && !this.asking) {
      // Nobody ahead: ask for a slot now. A wait (or a shared budget's pending answer) queues the caller.
      const answer = this.budget.take(now);
      if (answer === 0) {
        rateLimitWait.observe(this.labels, 0);
        return Promise.resolve(0);
      }
      if (typeof answer === 'number') this.schedulePump(answer);
      else this.awaitAnswer(answer);
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        deadlineAt,
        background,
        enqueuedAt: now,
        resolve,
        reject,
        // The estimate can grow after enqueueing (a vendor 429 pause): give up at the deadline.
        timer: deadlineAt - now > MAX_TIMER_MS ? undefined : setTimeout(() => this.expire(waiter), Math.max(0, deadlineAt - now)),
      };
      if (signal) {
        // Issue 11, item 6: a waiter that stayed after its client left held its place and later spent a
        // slot nobody could use, so every request behind it moved back one interval (after 130 aborted
        // queries a fresh one waited 7.6 s on a healthy vendor). It leaves the moment its signal aborts.
        waiter.unwatch = onAbort(signal, () => this.abandon(waiter));
      }
      // Interactive work goes first: an interactive waiter takes its place ahead of every background one (issue 17).
      const firstBackground = background ? -1 : this.queue.findIndex((w) => w.background);
      if (firstBackground < 0) this.queue.push(waiter);
      else this.queue.splice(firstBackground, 0, waiter);
      rateLimitQueueDepth.set(this.labels, this.queue.length);
      if (!this.asking && !this.pumpTimer) this.schedulePump(0);
    });
  }

  /**
   * The request that took the last slot has just been written to its socket (the transport's `onSent`). A
   * slot is granted when the queue releases it, but the request leaves only once it has a connection: the
   * first request on a new socket was seen to leave 78 ms after its slot (the connect, on a busy event loop;
   * a TLS handshake to a real vendor takes longer) while the next one, on the warm socket, left on time. The
   * vendor counts arrivals: it saw two requests 966 ms apart and answered 429. So the next slot is an
   * interval after the request really left, when that is later.
   */
  leaving(at = Date.now()): void {
    this.budget.sent(at);
    if (this.pumpTimer) this.schedulePump(this.intervalMs);
  }

  /** Holds every request for `ms` (a vendor 429 with Retry-After). */
  pause(ms: number): void {
    this.budget.pause(ms);
    if (this.pumpTimer || this.queue.length > 0) this.schedulePump(ms);
  }

  /** Takes a waiter out of the queue (deadline passed or caller gone); false if it had already left. */
  private remove(waiter: Waiter): boolean {
    const i = this.queue.indexOf(waiter);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    this.settled(waiter);
    rateLimitQueueDepth.set(this.labels, this.queue.length);
    return true;
  }

  /**
   * A waiter leaves the queue, however it leaves: its timer and its abort watch go with it. The signal is
   * often the GraphQL request's, which outlives this wait; a watch left on it would keep the waiter alive.
   */
  private settled(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.unwatch?.();
  }

  private abandon(waiter: Waiter): void {
    // No pump to reschedule: the pump timer serves whoever is at the head when it fires.
    if (this.remove(waiter)) waiter.reject(this.abandonedError());
  }

  /** What a caller that has gone gets: the transport's "cancelled", marked as never sent. */
  private abandonedError(): SwitchboardError {
    const cancelled = new TransportFailure('aborted', 'the caller went away while the request waited for the rate limit; it was not sent');
    return transportFailureToError(cancelled, { ...this.facts, notSent: true });
  }

  private expire(waiter: Waiter): void {
    if (!this.remove(waiter)) return;
    rateLimitRejections.inc(this.labels);
    waiter.reject(
      new RateLimitedError(`connection '${this.facts.connectionId}' is at its rate limit; the request's deadline passed while it waited`, {
        ...this.facts,
        retryAfterMs: Math.ceil(this.estimateWaitMs()),
        notSent: true,
      }),
    );
  }

  /** (Re)arms the pump to ask for a slot in `delayMs`. */
  private schedulePump(delayMs: number): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = null;
        this.pump();
      },
      Math.max(0, delayMs),
    );
  }

  /** Asks the budget for a slot for the waiter at the head, once at a time. */
  private pump(): void {
    if (this.asking || this.queue.length === 0) return;
    let answer: number | Promise<number>;
    try {
      answer = this.budget.take();
    } catch (err) {
      return this.unanswered(err);
    }
    if (typeof answer === 'number') return this.answered(answer);
    this.awaitAnswer(answer);
  }

  private awaitAnswer(answer: Promise<number>): void {
    this.asking = true;
    answer.then(
      (wait) => this.answered(wait),
      (err: unknown) => this.unanswered(err),
    );
  }

  /** The budget's answer: a slot for the head waiter (0), or how long until one may be free. */
  private answered(waitMs: number): void {
    this.asking = false;
    if (waitMs > 0) {
      if (this.queue.length > 0) this.schedulePump(waitMs);
      return;
    }
    const waiter = this.queue.shift();
    // A slot granted while its waiter left (a shared budget answers asynchronously) goes unused: the
    // vendor sees less, never more.
    if (!waiter) return;
    this.settled(waiter);
    const now = Date.now();
    rateLimitQueueDepth.set(this.labels, this.queue.length);
    rateLimitWait.observe(this.labels, (now - waiter.enqueuedAt) / 1000);
    waiter.resolve(now - waiter.enqueuedAt);
    // The next slot is at least an interval away.
    if (this.queue.length > 0) this.schedulePump(this.intervalMs);
  }

  /**
   * The shared budget could not be asked (the state store is unreachable): no slot is assumed, and every
   * waiter is refused at once, not sent, rather than held until its deadline (30 s by default) for a store
   * that is down. The next request asks again: one answer from Redis and pacing resumes. The message never
   * carries the store client's own text (it may name internal addresses).
   */
  private unanswered(_err: unknown): void {
    this.asking = false;
    const waiters = this.queue.splice(0);
    rateLimitQueueDepth.set(this.labels, 0);
    for (const waiter of waiters) {
      this.settled(waiter);
      rateLimitRejections.inc(this.labels);
      waiter.reject(
        new RateLimitedError(
          `connection '${this.facts.connectionId}' got no slot: its shared rate limit cannot be asked (the state store is unreachable); the request was not sent: retry after retryAfterMs`,
          { ...this.facts, retryAfterMs: BUDGET_DOWN_RETRY_AFTER_MS, notSent: true },
        ),
      );
    }
  }
}

/** Clamp for a vendor's Retry-After: never less than one interval, never more than 60 s. */
export function clampRetryAfterMs(header: string | undefined, fallbackMs: number): number {
  let ms = fallbackMs;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) ms = seconds * 1000;
    else {
      const date = Date.parse(header);
      if (Number.isFinite(date)) ms = date - Date.now();
    }
  }
  return Math.min(60_000, Math.max(fallbackMs, ms));
}

/**
 * Every request waits for the connection's limiter. A vendor 429 pauses the whole connection for the
 * clamped Retry-After and the request queues again, once: a 429 means the vendor did not act on it, so
 * even a POST may be resent (notes/hardening-and-libraries.md §4). A second 429 goes up as the answer.
 * The re-send is marked `resend: 'rate_limited'` (counted as a retry where it leaves), and a traced call's
 * waits are added to its queue time (`req.stats`, for its span).
 */
export function createRateLimitInterceptor(limiter: RateLimiter): UpstreamInterceptor {
  /** Waits for a slot; a traced call (`req.stats`) adds the wait to its queue time, whether it got the slot or not. */
  const acquire = async (req: UpstreamRequest): Promise<void> => {
    const stats = req.stats;
    if (!stats) {
      await limiter.acquire(req.scope.deadlineAt, req.scope.signal, req.scope.background);
      return;
    }
    const started = performance.now();
    try {
      stats.queuedMs += await limiter.acquire(req.scope.deadlineAt, req.scope.signal, req.scope.background);
    } catch (err) {
      stats.queuedMs += performance.now() - started; // refused at once (~0) or after waiting until its deadline
      throw err;
    }
  };
  return (next) => async (req) => {
    await acquire(req);
    const res = await next({ ...req, onSent: () => limiter.leaving() });
    if (res.status !== 429) return res;
    limiter.pause(clampRetryAfterMs(res.headers['retry-after'], limiter.intervalMs));
    if (!isReplayable(req)) return res; // a one-shot stream body cannot be sent again
    try {
      await acquire(req);
    } catch {
      return res; // no time left to wait out the pause, or the caller has gone: report the vendor's 429
    }
    const again = await next({ ...req, resend: 'rate_limited', onSent: () => limiter.leaving() });
    if (again.status === 429) limiter.pause(clampRetryAfterMs(again.headers['retry-after'], limiter.intervalMs));
    return again;
  };
}
