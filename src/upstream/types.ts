/**
 * The upstream kit's contract. A vendor client builds an `UpstreamRequest` (through its routes table)
 * and hands it to the connection's `UpstreamHandler`; interceptors wrap handlers, one concern each.
 */
import type { Context } from '@opentelemetry/api';
import type { VendorKey } from '../errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Per-GraphQL-request facts every upstream call inherits. */
export interface RequestScope {
  /** Absolute deadline, ms since the epoch: queue waits and the call itself must finish by then. */
  deadlineAt: number;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Called once per request actually sent to a vendor (for the per-request log line). */
  onUpstreamCall?: (info: { vendor: VendorKey; connectionId: string; route: string; status: number | string }) => void;
  /**
   * The OpenTelemetry context of the GraphQL operation (set by src/graphql/plugins/tracing.ts while tracing
   * runs): upstream spans are its children. Explicit rather than read from the active context, so a call
   * started from a DataLoader batch or a coalesced read still knows its operation.
   */
  traceContext?: Context;
  /**
   * Background work (the freshness engine's pollers, src/live/engine.ts): waits behind every interactive
   * request for the connection's rate limit. Default false.
   */
  background?: boolean;
  /** Skip the response caches' answers (the read still refreshes them): a poller wants the vendor's state now. Default false. */
  fresh?: boolean;
}

/** Why a request is sent again; the `reason` label of `switchboard_upstream_retries_total`. */
export type ResendReason = 'server_error' | 'connection' | 'rate_limited' | 'unauthorized';

/**
 * What happened to one call below the trace interceptor, for its span (src/upstream/trace.ts): created
 * there per call, filled in by the rate limiter and the metrics interceptor. Login requests the auth
 * interceptor makes on the way are requests of their own and never count here.
 */
export interface UpstreamCallStats {
  /** Requests sent again for this call (any `ResendReason`), counted as they leave. */
  retries: number;
  /** Time spent waiting in the connection's rate-limit queue, every send together, ms. */
  queuedMs: number;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** Absolute URL; built only by `buildRouteRequest` from a routes table. */
  url: URL;
  /** The routes-table key (`listAgents`): metrics, logs and error facts use it instead of the URL. */
  route: string;
  headers: Record<string, string>;
  /** A stream body (uploads) is sent once and never resent: no 429 retry, no re-login retry. */
  body?: string | Buffer | AsyncIterable<Uint8Array>;
  scope: RequestScope;
  /** Overall cap for this call instead of the connection's `timeouts.requestMs` (long uploads and downloads). */
  timeoutMs?: number;
  /** 'stream': a 2xx body is handed over unread as `stream` (downloads); error bodies are still read. */
  responseType?: 'buffer' | 'stream';
  /** Share identical in-flight reads and cache them this long (ms). 0 or undefined: neither. */
  cacheTtlMs?: number;
  /** Set by the auth interceptor on its own login calls so they skip auth handling. */
  isAuthRequest?: boolean;
  /** Set on a request that is being sent again, by the interceptor that resends it: why. */
  resend?: ResendReason;
  /** Present while tracing runs: the call's retry count and queue time, for its span. */
  stats?: UpstreamCallStats;
  /**
   * Called by the transport when the request's headers are written to the socket (set by the rate limiter:
   * pacing counts from when a request really leaves, not from when its slot was granted).
   */
  onSent?: () => void;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  /** The body; empty when `stream` is set. */
  body: Buffer;
  /** The unread 2xx body of a `responseType: 'stream'` request; the caller must consume or destroy it. */
  stream?: import('node:stream').Readable;
  /**
   * Set when the fleet's shared cache answered: when its entry stops being fresh (ms since the epoch), so
   * the process's own cache keeps it no longer than every other replica does.
   */
  freshUntil?: number;
}

/** True when a request can be sent again as it is (its body is not a one-shot stream). */
export const isReplayable = (req: UpstreamRequest) => req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body);

export type UpstreamHandler = (req: UpstreamRequest) => Promise<UpstreamResponse>;

/** One concern around a handler: `(next) => handler`. Composed by `createUpstream`. */
export type UpstreamInterceptor = (next: UpstreamHandler) => UpstreamHandler;

/** Identifies the connection an interceptor serves (for metrics and error facts). */
export interface ConnectionIdentity {
  vendor: VendorKey;
  connectionId: string;
  /** `tenant/connection`: unique across tenants, used as the `connection` metrics label. */
  label: string;
}

/** Composes interceptors so that the first in the list sees the request first. */
export function compose(handler: UpstreamHandler, interceptors: UpstreamInterceptor[]): UpstreamHandler {
  return interceptors.reduceRight<UpstreamHandler>((next, interceptor) => interceptor(next), handler);
}

interface AbortWatch {
  callbacks: Set<() => void>;
  fire: () => void;
}
const abortWatches = new WeakMap<AbortSignal, AbortWatch>();

/**
 * Calls `fn` once when `signal` aborts, and returns the function that stops watching. However many calls
 * watch one signal, it carries one 'abort' listener, removed with its last watcher. Why: a GraphQL request's
 * signal is shared by every upstream call its resolvers make, and with a listener per call a list whose rows
 * each read the same coalesced URL (`campaign` on every activity row) passed Node's limit of 10 and printed
 * MaxListenersExceededWarning. `signal` must not have aborted yet: check `signal.aborted` first.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let watch = abortWatches.get(signal);
  if (!watch) {
    const callbacks = new Set<() => void>();
    const fire = () => {
      abortWatches.delete(signal);
      for (const callback of [...callbacks]) callback();
    };
    watch = { callbacks, fire };
    abortWatches.set(signal, watch);
    signal.addEventListener('abort', fire, { once: true });
  }
  const w = watch;
  const entry = () => fn(); // one entry per call, even when two calls pass the same `fn`
  w.callbacks.add(entry);
  return () => {
    if (!w.callbacks.delete(entry) || w.callbacks.size > 0) return;
    if (abortWatches.get(signal) === w) abortWatches.delete(signal);
    signal.removeEventListener('abort', w.fire);
  };
}
