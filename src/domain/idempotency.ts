/**
 * Idempotency for side-effecting mutations (dial, dispose): the first request with a key runs; a repeat
 * with the same key and the same input gets the first outcome again without reaching the vendor; the same
 * key with a different input, or while the first is still running, is IDEMPOTENCY_CONFLICT.
 * (notes/hardening-and-libraries.md §4; draft-ietf-httpapi-idempotency-key-header; Stripe.)
 *
 * Outcomes are kept when the vendor may have acted: successes, the vendor's refusals, and failures after
 * the request may have reached it (timeouts, resets, 5xx). A failure that provably never left
 * (`facts.notSent`: connect refused, rate limited) is not kept, so the caller can simply try again.
 *
 * In memory, per process: with several replicas the store moves to Redis (docs/decisions.md).
 */
import { createHash } from 'node:crypto';
import { IdempotencyConflictError, isSwitchboardError } from '../errors';

export interface IdempotencyOptions {
  /** How long an outcome is kept. Default 24 h. */
  ttlMs?: number;
  /** Most keys kept; the oldest go first. Default 10,000. */
  maxEntries?: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Entry {
  fingerprint: string;
  expiresAt: number;
  outcome: Outcome | null;
}

/** SHA-256 of the input with object keys sorted, so key order never changes the fingerprint. */
export function fingerprintOf(input: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object' && !(v instanceof Date)
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v instanceof Date
          ? v.toISOString()
          : v;
  return createHash('sha256').update(JSON.stringify(canonical(input)) ?? 'undefined').digest('hex');
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(opts: IdempotencyOptions = {}) {
    const { ttlMs = 24 * 60 * 60_000, maxEntries = 10_000 } = opts;
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /**
   * Runs `work` once for `key` (already scoped to tenant, connection and mutation by the caller) and
   * replays its outcome for repeats with the same `input`.
   */
  async run<T>(key: string, clientKey: string, input: unknown, work: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const fingerprint = fingerprintOf(input);
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) {
        throw new IdempotencyConflictError(`idempotencyKey '${clientKey}' was already used with a different input`);
      }
      if (!existing.outcome) throw new IdempotencyConflictError(`a request with idempotencyKey '${clientKey}' is still in progress`);
      if (existing.outcome.ok) return existing.outcome.value as T;
      throw existing.outcome.error;
    }
    const entry: Entry = { fingerprint, expiresAt: now + this.ttlMs, outcome: null };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    try {
      const value = await work();
      entry.outcome = { ok: true, value };
      return value;
    } catch (error) {
      if (isSwitchboardError(error) && error.facts.notSent) this.entries.delete(key);
      else entry.outcome = { ok: false, error };
      throw error;
    }
  }
}
