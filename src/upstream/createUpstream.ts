/**
 * The one place the upstream chain of a connection is put together. A request passes, in order:
 *
 *   vendor client
 *     -> cache            answer polled list reads from memory for cacheTtlMs (the parsed body rides along)
 *     -> dedupe           join an identical in-flight GET
 *     -> sharedCache      fleet store only: answer from the replicas' shared cache, or wait while one
 *                         replica fetches (single-flight across replicas)
 *     -> health           remember the outcome for Query.connections
 *     -> normalizeErrors  status >= 400 and transport failures -> our error classes
 *     -> trace            one span per call (raw status, retries, queue time); `traceparent` if allowed
 *     -> breaker          fail fast while the vendor keeps failing; a trial call after the cooldown
 *     -> auth             Basic / API key headers, or a shared bearer token renewed once on a 401
 *     -> retry            safe methods only: 502/503/504 and failed connections, backoff with jitter
 *     -> rateLimit        FIFO pacing at requestsPerSecond, slots from the budget (in memory, or shared
 *                         by the fleet); a 429 pauses the connection
 *     -> metrics          count what really leaves
 *     -> transport        undici Pool per origin, connect/header timeouts, overall deadline
 *
 * Auth logins go through rateLimit -> metrics -> transport too: the vendor counts them against the limit.
 * They make no span of their own: a login falls inside the span of the call that needed it.
 *
 * Why trace sits there: below the cache and coalescing, a span is a call that was going to a vendor (a
 * hit or a joined read makes none); below normalizeErrors it sees the vendor's status and the transport's
 * failure kind before they become error classes; above the breaker, retry and rateLimit, one span covers
 * every resend and every queue wait of the call, which those record on `req.stats`.
 */
import type { ConnectionConfig } from '../config/schema';
import { createCacheInterceptor } from './cache';
import { createDedupeInterceptor } from './dedupe';
import { createMetricsInterceptor } from './metricsInterceptor';
import { createNormalizeErrorsInterceptor, type VendorErrorMapper } from './normalizeErrors';
import { createRateLimitInterceptor, RateLimiter } from './rateLimit';
import { createTransport, type PoolRegistry } from './transport';
import { compose, type ConnectionIdentity, type UpstreamHandler, type UpstreamInterceptor } from './types';
import { ConnectionHealth, createHealthInterceptor } from './health';
import { CircuitBreaker, createBreakerInterceptor } from './breaker';
import { createRetryInterceptor } from './retry';
import { createSharedCacheInterceptor } from './sharedCache';
import type { SlotBudget } from '../state/budget';
import type { SharedResponses } from '../state/responses';
import { createTraceInterceptor } from './trace';

export interface UpstreamParts {
  /** The vendor's wire-error mapper (src/vendors/<key>/errors.ts). */
  toError: VendorErrorMapper;
  /** Builds the auth interceptor. `send` reaches the vendor through the rate limiter, for logins. */
  createAuth(send: UpstreamHandler): UpstreamInterceptor;
}

/** What a connection shares with the other replicas of a fleet (src/state/); empty: nothing, all in process. */
export interface SharedConnectionState {
  /** Where the rate limiter takes its slots. Default: its own memory. */
  budget?: ((intervalMs: number) => SlotBudget) | undefined;
  /** The fleet's response cache for this connection. Default none. */
  responses?: SharedResponses | null;
}

export interface Upstream {
  identity: ConnectionIdentity;
  /** Sends a request through the whole chain. */
  send: UpstreamHandler;
  limiter: RateLimiter;
  health: ConnectionHealth;
  breaker: CircuitBreaker;
}

export function createUpstream(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry, shared: SharedConnectionState, parts: UpstreamParts): Upstream {
  const identity: ConnectionIdentity = { vendor: connection.vendor, connectionId: connection.id, label: `${tenantId}/${connection.id}` };
  const limiter = new RateLimiter({ ...connection.rateLimit, identity, ...(shared.budget ? { budget: shared.budget } : {}) });
  const health = new ConnectionHealth();
  const transport = createTransport({
    pools,
    connectTimeoutMs: connection.timeouts.connectMs,
    headersTimeoutMs: connection.timeouts.headersMs,
    requestTimeoutMs: connection.timeouts.requestMs,
  });
  const breaker = new CircuitBreaker({ identity, ...connection.circuitBreaker });
  const paced = compose(transport, [createRateLimitInterceptor(limiter), createMetricsInterceptor(identity)]);
  const send = compose(paced, [
    createCacheInterceptor({ identity, ...(shared.responses ? { storedElsewhere: (listener: (key: string) => void) => shared.responses!.onStoredElsewhere(listener) } : {}) }),
    createDedupeInterceptor(identity),
    ...(shared.responses ? [createSharedCacheInterceptor(shared.responses)] : []),
    createHealthInterceptor(health),
    createNormalizeErrorsInterceptor(identity, parts.toError),
    createTraceInterceptor({ identity, propagateTrace: connection.propagateTrace }),
    createBreakerInterceptor(breaker),
    parts.createAuth(paced),
    createRetryInterceptor(connection.retry),
  ]);
  return { identity, send, limiter, health, breaker };
}
