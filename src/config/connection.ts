/**
 * The parts of a connection's config that every vendor shares, and the building blocks a vendor's own
 * connection schema (`src/vendors/<key>/config.ts`) is made of. `src/config/schema.ts` joins the registered
 * vendors' schemas into the `connections[]` union (src/vendors/registry.ts).
 */
import { z } from 'zod';

/** An http(s) base URL without credentials or query string; a trailing slash is dropped. */
export const url = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search;
    } catch {
      return false;
    }
  }, 'expected an http(s) URL without credentials or query string')
  .transform((s) => s.replace(/\/+$/, ''));

/** Credentials go into HTTP headers and form fields: a line break or NUL there would split or break them. */
export const secret = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => !/[\r\n\0]/.test(s), 'must not contain a line break or NUL (a trailing newline from a secret file?)');

const rateLimit = z
  .object({
    /** Requests per second this gateway sends to the connection. Default 1 (every vendor's documented limit). */
    requestsPerSecond: z.number().positive().max(1000).default(1),
    /** Extra spacing between requests so network jitter never puts two inside one vendor window. Default 50 ms. */
    spacingMarginMs: z.number().int().min(0).max(1000).default(50),
    /** Most requests that may wait for this connection; more fail fast with RATE_LIMITED. Default 1000. */
    maxQueue: z.number().int().positive().max(100_000).default(1000),
  })
  .strict()
  .default({ requestsPerSecond: 1, spacingMarginMs: 50, maxQueue: 1000 });

const timeouts = z
  .object({
    /** TCP/TLS connect timeout. Default 5 s. */
    connectMs: z.number().int().positive().default(5_000),
    /** Time to response headers once the request is sent. Default 15 s. */
    headersMs: z.number().int().positive().default(15_000),
    /** Overall cap for one upstream call, queue wait excluded. Default 30 s. */
    requestMs: z.number().int().positive().default(30_000),
  })
  .strict()
  .default({ connectMs: 5_000, headersMs: 15_000, requestMs: 30_000 });

/** The fields every connection has, whatever its vendor (README.md "Config reference", `connections[]`). */
export const connectionCommon = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, "-" or "_" (1-63 characters)'),
  rateLimit,
  timeouts,
  /** How long list reads that dashboards poll (agents, queue status) are shared. Default 2000 ms; 0 turns it off. */
  cacheTtlMs: z.number().int().min(0).max(300_000).default(2_000),
  /** Retries of safe reads (GET) on 502/503/504 and failed connections. */
  retry: z
    .object({
      /** Default 2. */
      maxRetries: z.number().int().min(0).max(10).default(2),
      /** Default 200 ms, doubling per try. */
      baseDelayMs: z.number().int().min(0).default(200),
      /** Default 2000 ms. */
      maxDelayMs: z.number().int().min(0).default(2_000),
    })
    .strict()
    .default({ maxRetries: 2, baseDelayMs: 200, maxDelayMs: 2_000 }),
  /** The connection's circuit breaker. */
  circuitBreaker: z
    .object({
      /** Consecutive vendor failures that open it. Default 5. */
      failureThreshold: z.number().int().positive().default(5),
      /** How long it stays open before a trial call. Default 10 s. */
      cooldownMs: z.number().int().positive().default(10_000),
    })
    .strict()
    .default({ failureThreshold: 5, cooldownMs: 10_000 }),
  /**
   * Send W3C `traceparent` (the upstream call's span) to this vendor while tracing runs. Default false: a
   * vendor learns nothing of our traces unless the operator opts in (docs/decisions.md, "Tracing and
   * operator metrics").
   */
  propagateTrace: z.boolean().default(false),
};

/**
 * A vendor's connection schema: the common fields, `vendor: <key>`, then the vendor's own fields, in that
 * order (validation reports problems in field order). Strict: an unknown field is an error.
 */
export function vendorConnection<const K extends string, S extends z.ZodRawShape>(vendor: K, shape: S) {
  return z.object({ ...connectionCommon, vendor: z.literal(vendor), ...shape }).strict();
}
