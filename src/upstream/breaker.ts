/**
 * A circuit breaker per connection: after `failureThreshold` consecutive vendor failures (5xx, timeouts,
 * refused or reset connections; never a 4xx, which is the caller's or our credentials' business, nor our
 * own rate limiting), requests fail at once with UPSTREAM_UNAVAILABLE and `retryAfterMs` instead of
 * queueing behind a vendor that is down. After `cooldownMs` one trial request goes through (half-open):
 * success closes the circuit, failure opens it again. It recovers on its own.
 *
 * It counts outcomes of real HTTP calls only: it sits below error normalisation, where statuses and
 * transport failures are still raw (docs/decisions.md, "Resilience").
 *
 * Its state is the gauge `switchboard_circuit_breaker_state` (0 closed, 1 half-open, 2 open), set on every
 * change; the move from open to half-open happens with time, not with a call, so a timer sets it then.
 */
import { UpstreamUnavailableError, isSwitchboardError, type SwitchboardError } from '../errors';
import { CIRCUIT_STATE_VALUES, circuitBreakerState } from '../metrics';
import { TransportFailure } from './transport';
import type { ConnectionIdentity, UpstreamInterceptor } from './types';

export interface BreakerOptions {
  identity: ConnectionIdentity;
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before a trial request. Default 10_000 (10 s). */
  cooldownMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The errors an open circuit answers with, so the upstream span can say `circuit_open` (src/upstream/trace.ts). */
const circuitOpenErrors = new WeakSet<Error>();
/** True for the UPSTREAM_UNAVAILABLE an open circuit answered with (nothing was sent). */
export const isCircuitOpenError = (err: unknown): boolean => err instanceof Error && circuitOpenErrors.has(err);

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly labels: { vendor: string; connection: string };

  constructor(private readonly opts: BreakerOptions) {
    const { failureThreshold = 5, cooldownMs = 10_000 } = opts;
    if (!(Number.isInteger(failureThreshold) && failureThreshold > 0)) throw new TypeError(`expected opts.failureThreshold to be a positive integer, got ${failureThreshold}`);
    if (!(cooldownMs > 0)) throw new TypeError(`expected opts.cooldownMs to be > 0, got ${cooldownMs}`);
    this.failureThreshold = failureThreshold;
    this.cooldownMs = cooldownMs;
    this.labels = { vendor: opts.identity.vendor, connection: opts.identity.label };
    circuitBreakerState.set(this.labels, CIRCUIT_STATE_VALUES.closed);
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return Date.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Throws when the circuit is open (or half-open with its one trial already out). */
  admit(): { trial: boolean } {
    const state = this.state;
    if (state === 'closed') return { trial: false };
    if (state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return { trial: true };
    }
    const retryAfterMs = Math.max(0, this.cooldownMs - (Date.now() - this.openedAt!));
    const refusal: SwitchboardError = new UpstreamUnavailableError(
      `${this.opts.identity.vendor} is failing; connection '${this.opts.identity.connectionId}' is not calling it for now (circuit open)`,
      { vendor: this.opts.identity.vendor, connectionId: this.opts.identity.connectionId, retryAfterMs: Math.max(1, retryAfterMs), notSent: true },
    );
    circuitOpenErrors.add(refusal);
    throw refusal;
  }

  onSuccess(): void {
    this.failures = 0;
    if (this.openedAt !== null) circuitBreakerState.set(this.labels, CIRCUIT_STATE_VALUES.closed);
    this.openedAt = null;
    this.trialInFlight = false;
  }

  onFailure(trial: boolean): void {
    this.trialInFlight = false;
    this.failures++;
    if (trial || this.failures >= this.failureThreshold) this.open();
  }

  /** A call that ended neither way (a 4xx, a cancelled request): a trial slot is freed, nothing counted. */
  onNeutral(): void {
    this.trialInFlight = false;
  }

  private open(): void {
    const openedAt = Date.now();
    this.openedAt = openedAt;
    circuitBreakerState.set(this.labels, CIRCUIT_STATE_VALUES.open);
    // Half-open comes with time; the gauge follows unless the circuit closed or opened again meanwhile.
    // Unref'd: a cooldown never keeps the process alive.
    setTimeout(() => {
      if (this.openedAt === openedAt) circuitBreakerState.set(this.labels, CIRCUIT_STATE_VALUES['half-open']);
    }, this.cooldownMs).unref();
  }
}

const isVendorFailure = (status: number) => status >= 500;

/**
 * A thrown failure that is the vendor's: a transport failure (not our own cancel or size cap), or an
 * already-mapped error from a call made inside the chain (the campaign API's login) that reached the
 * vendor and failed there (5xx, timeout, refused). Our own refusals (`notSent`) and 4xx do not count.
 */
function isVendorFailureError(err: unknown): boolean {
  if (err instanceof TransportFailure) return err.kind !== 'aborted' && err.kind !== 'too-large';
  if (!isSwitchboardError(err) || err.code === 'RATE_LIMITED') return false;
  if (err.code === 'UPSTREAM_TIMEOUT') return true;
  if (err.code === 'UPSTREAM_UNAVAILABLE') return !err.facts.notSent || err.facts.upstreamStatus !== undefined;
  return err.code === 'UPSTREAM_ERROR' && (err.facts.upstreamStatus ?? 0) >= 500;
}

export function createBreakerInterceptor(breaker: CircuitBreaker): UpstreamInterceptor {
  return (next) => async (req) => {
    const { trial } = breaker.admit();
    try {
      const res = await next(req);
      if (isVendorFailure(res.status)) breaker.onFailure(trial);
      else if (res.status < 400 || res.status === 404) breaker.onSuccess();
      else breaker.onNeutral();
      return res;
    } catch (err) {
      if (isVendorFailureError(err)) breaker.onFailure(trial);
      else breaker.onNeutral();
      throw err;
    }
  };
}
