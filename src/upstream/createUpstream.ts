/**
 * The one place the upstream chain of a connection is put together. A request passes, in order:
 *
 *   vendor client
 *     -> cache            answer polled list reads from memory for cacheTtlMs
 *     -> dedupe           join an identical in-flight GET
 *     -> health           remember the outcome for Query.connections
 *     -> normalizeErrors  status >= 400 and transport failures -> our error classes
 *     -> auth             Basic / API key headers, or a shared bearer token renewed once on a 401
 *     -> rateLimit        FIFO pacing at requestsPerSecond; a 429 pauses the connection
 *     -> metrics          count what really leaves
 *     -> transport        undici Pool per origin, connect/header timeouts, overall deadline
 *
 * Auth logins go through rateLimit -> metrics -> transport too: the vendor counts them against the limit.
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

export interface UpstreamParts {
  /** The vendor's wire-error mapper (src/vendors/<key>/errors.ts). */
  toError: VendorErrorMapper;
  /** Builds the auth interceptor. `send` reaches the vendor through the rate limiter, for logins. */
  createAuth(send: UpstreamHandler): UpstreamInterceptor;
}

export interface Upstream {
  identity: ConnectionIdentity;
  /** Sends a request through the whole chain. */
  send: UpstreamHandler;
  limiter: RateLimiter;
  health: ConnectionHealth;
}

export function createUpstream(tenantId: string, connection: ConnectionConfig, pools: PoolRegistry, parts: UpstreamParts): Upstream {
  const identity: ConnectionIdentity = { vendor: connection.vendor, connectionId: connection.id, label: `${tenantId}/${connection.id}` };
  const limiter = new RateLimiter({ ...connection.rateLimit, identity });
  const health = new ConnectionHealth();
  const transport = createTransport({
    pools,
    connectTimeoutMs: connection.timeouts.connectMs,
    headersTimeoutMs: connection.timeouts.headersMs,
    requestTimeoutMs: connection.timeouts.requestMs,
  });
  const paced = compose(transport, [createRateLimitInterceptor(limiter), createMetricsInterceptor(identity)]);
  const send = compose(paced, [
    createCacheInterceptor({ identity }),
    createDedupeInterceptor(identity),
    createHealthInterceptor(health),
    createNormalizeErrorsInterceptor(identity, parts.toError),
    parts.createAuth(paced),
  ]);
  return { identity, send, limiter, health };
}
