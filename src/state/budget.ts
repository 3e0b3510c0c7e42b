/**
 * The vendor budget of one connection: when may the next request leave? The rate limiter
 * (src/upstream/rateLimit.ts) keeps the FIFO queue, the deadlines and the cancellations; it asks a
 * `SlotBudget` for each slot. Two implementations, one algorithm (GCRA: the budget is "the earliest time the
 * next request may leave", one interval after the last grant or the last request that really left):
 *
 * - `LocalSlots` (embedded): in memory, for one process.
 * - `RedisSlots` (src/state/redis/budget.ts): one key per connection in Redis, read and written by a Lua
 *   script on the Redis server's clock, so every replica spends one budget (DESIGN.md, "Upstream rules").
 *
 * Why not a token bucket or rate-limiter-flexible's Redis limiter: both count requests per window, and two
 * requests a millisecond apart on either side of a window edge both pass. The vendors count arrivals one
 * second apart (a 429 otherwise), so the budget must be a minimum gap, which GCRA with a burst of one is.
 */
export interface SlotBudget {
  /**
   * Asks for the next slot: 0 when it is granted (and spent), else how many ms until one may be free (ask
   * again then). Local budgets answer at once; a shared one asks its store and rejects when the store is
   * unreachable (no slot is ever assumed).
   */
  take(now?: number): number | Promise<number>;
  /** A request has just been written to its socket: no request before an interval from now. */
  sent(now?: number): void;
  /** The vendor answered 429: nobody sends for `ms`. */
  pause(ms: number, now?: number): void;
  /** The local estimate of the wait for a slot asked now, ms (exact for local budgets, the last answer for shared ones). */
  estimateWaitMs(now?: number): number;
}

export interface LocalSlotsOptions {
  /** Where the budget starts: the earliest time the first request may leave (a restarted process's memory). Default 0. */
  nextAt?: number;
  /** Told each new `nextAt` (the embedded store keeps it across restarts: src/state/budgetMarks.ts). */
  onChange?: (nextAt: number) => void;
}

export class LocalSlots implements SlotBudget {
  /** Earliest time the next request may leave, ms since the epoch. */
  private nextAt: number;
  private readonly onChange: ((nextAt: number) => void) | undefined;

  constructor(
    private readonly intervalMs: number,
    opts: LocalSlotsOptions = {},
  ) {
    this.nextAt = opts.nextAt ?? 0;
    this.onChange = opts.onChange;
  }

  private set(nextAt: number): void {
    if (nextAt === this.nextAt) return;
    this.nextAt = nextAt;
    this.onChange?.(nextAt);
  }

  take(now = Date.now()): number {
    if (now < this.nextAt) return this.nextAt - now;
    this.set(now + this.intervalMs);
    return 0;
  }

  sent(now = Date.now()): void {
    this.set(Math.max(this.nextAt, now + this.intervalMs));
  }

  pause(ms: number, now = Date.now()): void {
    this.set(Math.max(this.nextAt, now + ms));
  }

  estimateWaitMs(now = Date.now()): number {
    return Math.max(0, this.nextAt - now);
  }
}
