/**
 * How an idempotency record's outcome is stored (SQLite and Redis alike): a value as JSON, an error by its
 * code, message and facts, rebuilt as the same class when it is replayed. Anything that is not one of our
 * errors is stored as INTERNAL, so a replay never carries what an unexpected error held.
 */
import {
  BadUserInputError,
  ForbiddenError,
  IdempotencyConflictError,
  InternalError,
  isSwitchboardError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnsupportedByVendorError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type ErrorCode,
  type ErrorFacts,
  type SwitchboardError,
} from '../errors';
import type { IdempotencyOutcome } from '../domain/idempotency';

const REBUILD: Record<ErrorCode, (message: string, facts: ErrorFacts) => SwitchboardError> = {
  UNAUTHENTICATED: (m, f) => new UnauthenticatedError(m, f),
  FORBIDDEN: (m, f) => new ForbiddenError(m, f),
  BAD_USER_INPUT: (m, f) => new BadUserInputError(m, f),
  NOT_FOUND: (m, f) => new NotFoundError(m, f),
  RATE_LIMITED: (m, f) => new RateLimitedError(m, { retryAfterMs: 0, ...f }),
  UPSTREAM_TIMEOUT: (m, f) => new UpstreamTimeoutError(m, f),
  UPSTREAM_UNAVAILABLE: (m, f) => new UpstreamUnavailableError(m, f),
  UPSTREAM_ERROR: (m, f) => new UpstreamError(m, f),
  UNSUPPORTED_BY_VENDOR: (m, f) => new UnsupportedByVendorError(m, f),
  IDEMPOTENCY_CONFLICT: (m, f) => new IdempotencyConflictError(m, f),
  INTERNAL: (m, f) => new InternalError(m, f),
};

/** An outcome as stored: a value, or an error by code (anything that is not ours is stored as INTERNAL). */
export function encodeOutcome(outcome: IdempotencyOutcome): string {
  if (outcome.ok) return JSON.stringify({ ok: true, value: outcome.value ?? null });
  const e = outcome.error;
  return JSON.stringify(isSwitchboardError(e) ? { ok: false, code: e.code, message: e.message, facts: e.facts } : { ok: false, code: 'INTERNAL', message: 'Internal server error', facts: {} });
}

export function decodeOutcome(text: string): IdempotencyOutcome {
  const o = JSON.parse(text) as { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string; facts: ErrorFacts };
  if (o.ok) return { ok: true, value: o.value };
  return { ok: false, error: (REBUILD[o.code] ?? REBUILD.INTERNAL)(o.message, o.facts) };
}

/**
 * The answer to a repeat of a key whose first request was running when its process stopped (a restart, a
 * replica killed): the vendor may have acted, so it is never run again.
 */
export function interruptedOutcome(): IdempotencyOutcome {
  return {
    ok: false,
    error: new IdempotencyConflictError('the first request with this idempotencyKey was in progress when the gateway stopped: it may have been sent; check before sending again'),
  };
}
