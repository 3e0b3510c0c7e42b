/**
 * Reading vendor answers: JSON bodies, wire-shape checks, and the status-to-class half of every vendor's
 * error mapping; each vendor's `errors.ts` reads its own body
 * shape and passes the message and code here. 400 is the caller's to fix, 404 is not found, 401/403 mean
 * our configured credentials were refused (a system fault, not the caller's), 429 is the vendor's limit,
 * 502/503/504 mean the vendor is unavailable, and anything else is a vendor error.
 */
import { BadUserInputError, NotFoundError, RateLimitedError, UpstreamError, UpstreamUnavailableError, type ErrorFacts, type SwitchboardError } from '../errors';
import type { z } from 'zod';
import type { UpstreamResponse } from '../upstream/types';
import { clampRetryAfterMs } from '../upstream/rateLimit';

export interface VendorErrorDetail {
  /** The vendor's own message, carried through to the client. */
  message: string | null;
  /** The vendor's error code (`CONF-1002`), when its body has one. */
  upstreamCode?: string;
}

export function httpError(res: UpstreamResponse, detail: VendorErrorDetail, facts: ErrorFacts): SwitchboardError {
  const status = res.status;
  const vendor = facts.vendor ?? 'vendor';
  const f: ErrorFacts = { ...facts, upstreamStatus: status, ...(detail.upstreamCode ? { upstreamCode: detail.upstreamCode } : {}) };
  const said = detail.message ? `: ${detail.message}` : '';
  if (status === 400 || status === 422) return new BadUserInputError(detail.message ?? `${vendor} refused the request (HTTP ${status})`, f);
  if (status === 404) return new NotFoundError(detail.message ?? `${vendor} has no such record`, f);
  if (status === 401 || status === 403) {
    return new UpstreamError(`${vendor} refused the connection's credentials (HTTP ${status})${said}`, f);
  }
  if (status === 429) {
    return new RateLimitedError(`${vendor} is rate limiting this connection${said}`, {
      ...f,
      notSent: true,
      retryAfterMs: clampRetryAfterMs(res.headers['retry-after'], 1000),
    });
  }
  if (status === 502 || status === 503 || status === 504) {
    return new UpstreamUnavailableError(`${vendor} is unavailable (HTTP ${status})${said}`, f);
  }
  return new UpstreamError(`${vendor} answered HTTP ${status}${said}`, { ...f, retryable: status >= 500 });
}

/** Parses a 2xx JSON body; a body that is not JSON is the vendor's fault, not ours. */
export function expectJson(res: UpstreamResponse, facts: ErrorFacts): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    const vendor = facts.vendor ?? 'vendor';
    throw new UpstreamError(`${vendor} sent a response that is not valid JSON`, { ...facts, upstreamStatus: res.status });
  }
}

const readings = new WeakMap<UpstreamResponse, Map<object, unknown>>();

/**
 * What `read` makes of `res`, computed once per response object and per `key` (a schema): the process's
 * cache (src/upstream/cache.ts) answers every request for `cacheTtlMs` with the same response object, so a
 * polled list is parsed and checked once per fetch, not once per request it answers (issue 14: the re-parse
 * was about 10% of CPU at load, and much of the garbage). The result is shared by every request it answers,
 * so it is frozen: code that changed it would throw instead of changing another request's answer. A read
 * that throws is not kept (the next request tries again and throws the same error).
 */
export function readOnce<T>(res: UpstreamResponse, key: object, read: () => T): T {
  let byKey = readings.get(res);
  if (byKey?.has(key)) return byKey.get(key) as T;
  const value = deepFreeze(read());
  if (!byKey) readings.set(res, (byKey = new Map<object, unknown>()));
  byKey.set(key, value);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

/** A 2xx JSON body checked against `schema` (`expectJson` then `parseWire`), once per response (`readOnce`). */
export function readWire<T>(res: UpstreamResponse, schema: z.ZodType<T>, facts: ErrorFacts): T {
  return readOnce(res, schema, () => parseWire(schema, expectJson(res, facts), facts));
}

/**
 * A 2xx body checked against `schema`, or null when it is not JSON or not that shape. For answers whose status
 * is the answer and whose body is undocumented (a command the vendor took): the caller says what "not said" means
 * instead of failing a request the vendor carried out (issue 16, item 4).
 */
export function readWireIfShaped<T>(res: UpstreamResponse, schema: z.ZodType<T>): T | null {
  return readOnce(res, schema, () => {
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch {
      return null;
    }
    const parsed = schema.safeParse(data);
    return parsed.success ? parsed.data : null;
  });
}

/** Reads a body as JSON if it is JSON, else as trimmed text (for error bodies). */
export function readErrorBody(res: UpstreamResponse): unknown {
  const text = res.body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text.trim() || null;
  }
}

/**
 * Checks a parsed body against the part of the wire shape we rely on. Unknown keys pass (the vendors
 * promise to add fields: notes/vendors-real-world.md §1); a missing or mistyped field is the vendor's
 * fault and becomes UPSTREAM_ERROR naming the field.
 */
export function parseWire<T>(schema: z.ZodType<T>, data: unknown, facts: ErrorFacts): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'body';
  const vendor = facts.vendor ?? 'vendor';
  throw new UpstreamError(`${vendor} sent an unexpected response: ${where}: ${issue.message}`, facts);
}
