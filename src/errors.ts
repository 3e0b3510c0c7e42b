/**
 * Every error Switchboard raises on purpose is one of these classes, each with a fixed `code` from
 * DESIGN.md. Callers and tests match `code`, not `instanceof`. The GraphQL layer turns them into
 * `extensions` (src/graphql/errors.ts); anything that is not a SwitchboardError is masked as INTERNAL.
 *
 * Errors never hold a credential: vendor errors are built from a status, a vendor message and a route
 * name, never from request headers or URLs with secrets in them.
 */
import type { VendorKey as RegisteredVendorKey } from './vendors/registry';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'UNSUPPORTED_BY_VENDOR'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INTERNAL';

/** A registered vendor's key (src/vendors/registry.ts). */
export type VendorKey = RegisteredVendorKey;

/** Facts an error may carry; each becomes an `extensions` field of the same name when set. */
export interface ErrorFacts {
  vendor?: VendorKey;
  connectionId?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  upstreamStatus?: number;
  upstreamCode?: string;
  /** The vendor route (`listAgents`), for logs only; never sent to clients. */
  route?: string;
  /** True when the request provably never reached the vendor (connect refused, our rate limit, a vendor 429). Internal. */
  notSent?: boolean;
}

export abstract class SwitchboardError extends Error {
  abstract readonly code: ErrorCode;
  /** The HTTP status to answer with when this error is the whole response (auth, bad requests). */
  readonly httpStatus: number = 200;
  readonly facts: ErrorFacts;

  constructor(message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.facts = facts;
  }

  /** The `extensions` a client sees: the code plus every fact except `route`. */
  extensions(): Record<string, unknown> {
    const { route: _route, notSent: _notSent, ...visible } = this.facts;
    const ext: Record<string, unknown> = { code: this.code };
    for (const [k, v] of Object.entries(visible)) if (v !== undefined) ext[k] = v;
    return ext;
  }
}

export class UnauthenticatedError extends SwitchboardError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
  override readonly httpStatus = 401;
}

export class ForbiddenError extends SwitchboardError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

export class BadUserInputError extends SwitchboardError {
  override readonly name = 'BadUserInputError';
  readonly code = 'BAD_USER_INPUT';
  /**
   * The field of the request to blame, in the terms of the request that was refused (a domain request's key, such as
   * `['userCrtObjectId']`); the GraphQL layer names it as its input field. Null when no one field is to blame.
   */
  readonly field: readonly string[] | null;

  constructor(message: string, facts: ErrorFacts = {}, options?: { cause?: unknown; field?: readonly string[] }) {
    super(message, facts, options);
    this.field = options?.field ?? null;
  }
}

export class NotFoundError extends SwitchboardError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class RateLimitedError extends SwitchboardError {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  constructor(message: string, facts: ErrorFacts & { retryAfterMs: number }) {
    super(message, { retryable: true, ...facts });
  }
}

export class UpstreamTimeoutError extends SwitchboardError {
  override readonly name = 'UpstreamTimeoutError';
  readonly code = 'UPSTREAM_TIMEOUT';
  constructor(message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(message, { retryable: true, ...facts }, options);
  }
}

export class UpstreamUnavailableError extends SwitchboardError {
  override readonly name = 'UpstreamUnavailableError';
  readonly code = 'UPSTREAM_UNAVAILABLE';
  constructor(message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(message, { retryable: true, ...facts }, options);
  }
}

export class UpstreamError extends SwitchboardError {
  override readonly name = 'UpstreamError';
  readonly code = 'UPSTREAM_ERROR';
  constructor(message: string, facts: ErrorFacts = {}, options?: { cause?: unknown }) {
    super(message, { retryable: false, ...facts }, options);
  }
}

export class UnsupportedByVendorError extends SwitchboardError {
  override readonly name = 'UnsupportedByVendorError';
  readonly code = 'UNSUPPORTED_BY_VENDOR';
}

export class IdempotencyConflictError extends SwitchboardError {
  override readonly name = 'IdempotencyConflictError';
  readonly code = 'IDEMPOTENCY_CONFLICT';
}

export class InternalError extends SwitchboardError {
  override readonly name = 'InternalError';
  readonly code = 'INTERNAL';
}

/** Thrown at start-up for a bad config file; the message names the field and never the value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

export function isSwitchboardError(err: unknown): err is SwitchboardError {
  return err instanceof SwitchboardError;
}
