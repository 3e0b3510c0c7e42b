/**
 * The response cache shared by replicas, with single-flight across them (src/upstream/sharedCache.ts uses
 * it). Only the fleet store has one: in the embedded store the process's own cache and coalescing
 * (src/upstream/cache.ts, dedupe.ts) are the whole story.
 *
 * Every method is scoped to one tenant's connection by the store that made it, and none of them throws:
 * a store that cannot be asked reads as a miss and lets the caller lead (it then fetches within the vendor
 * budget, which fails closed on its own).
 */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** How much longer the entry is fresh, ms. */
  ttlMs: number;
}

export interface SharedResponses {
  /** The fresh entry for `key` (a hash of the request), or null. */
  get(key: string): Promise<StoredResponse | null>;
  /** Stores an answer for `ttlMs` and wakes every replica waiting for `key`. */
  set(key: string, res: Omit<StoredResponse, 'ttlMs'>, ttlMs: number): Promise<void>;
  /** Claims the fetch of `key` for at most `ms`: true for one caller in the fleet at a time. */
  lead(key: string, ms: number): Promise<boolean>;
  /** Gives a claim up without an answer (the fetch failed) and wakes the waiters, who then try themselves. */
  resign(key: string): Promise<void>;
  /** Resolves when `key` is stored or its leader resigns, after `ms`, or when `signal` aborts. */
  settled(key: string, ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `listener` with the key of every answer another process stores for this connection, so a process cache can
   * drop the copy it took earlier: a live poller's fresh read on one replica then reaches the queries of every other
   * within the pub/sub latency, not when their own copy's TTL runs out.
   */
  onStoredElsewhere(listener: (key: string) => void): void;
}
