/**
 * Prometheus metrics, served on GET /metrics (who may read it: src/http/metricsRoute.ts). One registry
 * per process; labels never hold a secret or a tenant's data, only configured ids (tenant, connection),
 * vendor keys, route names and status codes.
 *
 * Every label value is a series kept until the process exits, so every label has a bound (audit for
 * issue 11 item 4, where the operation name had none):
 * - `tenant`: a configured tenant id (`[a-z0-9][a-z0-9_-]{0,62}`, src/config/schema.ts), set only after
 *   the API key resolved one (src/auth.ts); never read from the request. Bound: the tenants in the config.
 * - `connection`: `tenant/connection`, both configured ids (src/upstream/createUpstream.ts, src/http/server.ts
 *   for readiness). Bound: the connections in the config.
 * - `vendor`: the connection's `vendor`, a zod enum of three keys.
 * - `route`: a routes-table key; `callRoute` throws on any other name before a request is built
 *   (src/vendors/routes.ts). Bound: the rows of the three routes tables.
 * - `status`: the vendor's HTTP status, 100-999 (undici's parser refuses any other status line), or one
 *   of timeout | unreachable | reset | aborted | too-large | error. Bound: 906 values per connection at
 *   worst, a handful in practice, and only on the counter, not the histogram.
 * - `outcome`: ok | partial | error.
 * - `reason` (retries): server_error | connection | rate_limited | unauthorized, set in code where a request
 *   is sent again (src/upstream/retry.ts, rateLimit.ts, auth.ts). Bound: 4 values.
 * - `route` of `switchboard_http_responses_total`: the `name` of a row of the HTTP routes table (fixed in
 *   code: src/http/server.ts and src/http/routes/), or `not_found` (no row took the request: 404, 405),
 *   `unrouted` (the request-target is not a path: 400) or `preflight` (a CORS preflight, answered before
 *   routing). Never the path the client sent. Bound: the table's rows + 3.
 * - `status_class`: `${Math.floor(status / 100)}xx` of the status we answered; Node refuses statuses
 *   outside 100-999, so at most 9 values (1xx-5xx in practice).
 * - `operation`: the client's operation name, through the bounded labeler in src/metricLabels.ts: a
 *   GraphQL name of at most 64 characters, at most 100 distinct per tenant, else `other`; no name is
 *   `anonymous`.
 * - the default process metrics (`collectDefaultMetrics`): fixed sets (heap space names, GC kinds, the
 *   Node version).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
// Default process and Node metrics as switchboard_process_resident_memory_bytes, switchboard_nodejs_heap_size_used_bytes, ...
collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });

/** Requests sent to a vendor. `status` is the HTTP status, or timeout | unreachable | reset | aborted | too-large. */
export const upstreamRequests = new Counter({
  name: 'switchboard_upstream_requests_total',
  help: 'Requests sent to vendor APIs, by vendor, connection and outcome.',
  labelNames: ['vendor', 'connection', 'status'] as const,
  registers: [registry],
});

export const upstreamDuration = new Histogram({
  name: 'switchboard_upstream_request_duration_seconds',
  help: 'Time from sending a vendor request to its full response, rate-limit wait excluded.',
  labelNames: ['vendor', 'connection', 'route'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const rateLimitWait = new Histogram({
  name: 'switchboard_rate_limiter_queue_wait_seconds',
  help: "Time a vendor request waited in its connection's rate-limit queue.",
  labelNames: ['vendor', 'connection'] as const,
  buckets: [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});

export const rateLimitQueueDepth = new Gauge({
  name: 'switchboard_rate_limiter_queue_depth',
  help: "Requests waiting in a connection's rate-limit queue.",
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

export const rateLimitRejections = new Counter({
  name: 'switchboard_rate_limiter_rejections_total',
  help: 'Requests refused with RATE_LIMITED because their wait would pass their deadline or the queue was full.',
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

/** Cached reads answered from memory (src/upstream/cache.ts): no vendor request. */
export const cacheHits = new Counter({
  name: 'switchboard_upstream_cache_hits_total',
  help: 'Cacheable vendor reads (polled lists) answered from the short-TTL cache, without a vendor request.',
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

/** Cached reads that were not in the cache (or had expired) and went on toward the vendor. */
export const cacheMisses = new Counter({
  name: 'switchboard_upstream_cache_misses_total',
  help: 'Cacheable vendor reads (polled lists) not found fresh in the short-TTL cache, which went on toward the vendor.',
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

/** Reads that joined an identical GET already in flight (src/upstream/dedupe.ts): no request of their own. */
export const coalescedRequests = new Counter({
  name: 'switchboard_upstream_coalesced_requests_total',
  help: 'Vendor reads that joined an identical GET already in flight on the connection instead of sending their own.',
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

/**
 * Requests sent to a vendor again, counted as they leave (below the rate limiter), by why: `server_error`
 * (a safe read answered 502/503/504), `connection` (a safe read whose connection was refused or reset),
 * `rate_limited` (after a vendor 429 paused the connection), `unauthorized` (with a renewed token after a 401).
 */
export const upstreamRetries = new Counter({
  name: 'switchboard_upstream_retries_total',
  help: 'Vendor requests sent again, by reason: server_error | connection | rate_limited | unauthorized.',
  labelNames: ['vendor', 'connection', 'reason'] as const,
  registers: [registry],
});

/** The circuit breaker of each connection (src/upstream/breaker.ts), as a number so it can be graphed and alerted on. */
export const CIRCUIT_STATE_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;
export const circuitBreakerState = new Gauge({
  name: 'switchboard_circuit_breaker_state',
  help: "State of the connection's circuit breaker: 0 closed, 1 half-open (one trial call allowed), 2 open (failing fast).",
  labelNames: ['vendor', 'connection'] as const,
  registers: [registry],
});

/** Answers of the HTTP listener, by route name and status class (src/telemetry/httpServer.ts). */
export const httpResponses = new Counter({
  name: 'switchboard_http_responses_total',
  help: "HTTP answers, by route (the routes table's name, or not_found, unrouted, preflight) and status class (1xx-5xx).",
  labelNames: ['route', 'status_class'] as const,
  registers: [registry],
});

/** `operation` is bounded: src/metricLabels.ts. */
export const graphqlRequests = new Counter({
  name: 'switchboard_graphql_requests_total',
  help: 'GraphQL operations, by tenant, operation name and outcome (ok | partial | error).',
  labelNames: ['tenant', 'operation', 'outcome'] as const,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: 'switchboard_graphql_request_duration_seconds',
  help: 'Time to answer a GraphQL operation.',
  labelNames: ['tenant', 'operation'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const upstreamReachable = new Gauge({
  name: 'switchboard_upstream_reachable',
  help: "1 when the connection's vendor origins accepted a TCP connection at the last readiness check, else 0.",
  labelNames: ['connection'] as const,
  registers: [registry],
});

/** The shared state store (src/state/): 1 while it answers (always 1 for the embedded store), else 0. */
export const stateStoreUp = new Gauge({
  name: 'switchboard_state_store_up',
  help: '1 while the state store answers (the embedded store always does; Redis while connected), else 0.',
  registers: [registry],
});

/** Operations on the shared state store that failed (Redis unreachable or timing out), by what they were for. */
export const stateStoreErrors = new Counter({
  name: 'switchboard_state_store_errors_total',
  help: 'Operations on the shared state store (Redis) that failed, by area: budget, cache, idempotency, apq.',
  labelNames: ['area'] as const,
  registers: [registry],
});

/**
 * Live data (issue 17). Labels: `protocol` ws | sse; `resource` agents | queues | calls; `connection` as above;
 * `reason` of closes: slow_consumer | connection_cap | subscription_cap | shutdown. All bounded.
 */
export const liveConnectionsOpen = new Gauge({
  name: 'switchboard_live_connections_open',
  help: 'Subscription transports (WebSockets, SSE streams) open now, by protocol.',
  labelNames: ['protocol'] as const,
  registers: [registry],
});

export const liveSubscriptionsOpen = new Gauge({
  name: 'switchboard_live_subscriptions_open',
  help: 'GraphQL subscriptions running now, by protocol.',
  labelNames: ['protocol'] as const,
  registers: [registry],
});

export const liveRefusals = new Counter({
  name: 'switchboard_live_refusals_total',
  help: 'Subscription clients closed or refused by the gateway, by reason (slow_consumer, connection_cap, subscription_cap).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const livePollers = new Gauge({
  name: 'switchboard_live_pollers',
  help: 'Pollers of the freshness engine running in this process (held by a subscriber or a recent query), by resource.',
  labelNames: ['resource'] as const,
  registers: [registry],
});

export const liveRefreshes = new Counter({
  name: 'switchboard_live_refreshes_total',
  help: "Reads of a live resource by this process's pollers, by connection, resource and outcome (ok, error).",
  labelNames: ['connection', 'resource', 'outcome'] as const,
  registers: [registry],
});

export const liveEventsPublished = new Counter({
  name: 'switchboard_live_events_published_total',
  help: "Events this process's pollers published (diffs only), by connection and resource.",
  labelNames: ['connection', 'resource'] as const,
  registers: [registry],
});
