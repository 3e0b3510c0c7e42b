/**
 * The bottom of every upstream chain: one undici Pool per origin, shared by every connection that talks
 * to that origin (a pool holds sockets, never credentials). Each call gets connect and header timeouts
 * from the pool and an overall deadline through an AbortSignal (undici has no total-time cap of its own:
 * notes/hardening-and-libraries.md §3.5).
 */
import diagnostics from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { UpstreamHandler, UpstreamResponse } from './types';

/**
 * `req.onSent`: when undici writes a request's headers to its socket (its documented diagnostics channels,
 * undici docs/api/DiagnosticsChannel.md). undici creates its Request synchronously inside `pool.request()`
 * when a socket is free, so the callback is attached to that Request while our call runs; a request undici
 * queued for a busy socket gets no callback (its pacing falls back to the slot time).
 */
let attachOnSent: ((request: object) => void) | null = null;
const onSentOf = new WeakMap<object, () => void>();
diagnostics.subscribe('undici:request:create', (message) => attachOnSent?.((message as { request: object }).request));
diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { request } = message as { request: object };
  const onSent = onSentOf.get(request);
  if (onSent) {
    onSentOf.delete(request);
    onSent();
  }
});

export interface TransportOptions {
  /** Where pools come from (one registry per gateway). */
  pools: PoolRegistry;
  /** TCP/TLS connect timeout. Default 5_000 (5 s). */
  connectTimeoutMs?: number;
  /** Time from request sent to response headers. Default 15_000 (15 s). */
  headersTimeoutMs?: number;
  /** Overall cap for one call, also bounded by the request's deadline. Default 30_000 (30 s). */
  requestTimeoutMs?: number;
  /** Largest response body read into memory. Default 10 MiB. */
  maxResponseBytes?: number;
}

/** Raised when the transport gives up; `kind` tells the error normaliser what happened. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  constructor(
    readonly kind: 'timeout' | 'unreachable' | 'reset' | 'aborted' | 'too-large',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The pools of one gateway: one per origin and timeout setting, closed together on shutdown. */
export class PoolRegistry {
  private readonly pools = new Map<string, Pool>();

  get(origin: string, connectTimeoutMs: number, headersTimeoutMs: number): Pool {
    const key = `${origin}|${connectTimeoutMs}|${headersTimeoutMs}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 16,
        connect: { timeout: connectTimeoutMs },
        headersTimeout: headersTimeoutMs,
        bodyTimeout: headersTimeoutMs,
        keepAliveTimeout: 4_000,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.destroy()));
  }
}

function classify(err: unknown, timedOut: boolean): TransportFailure {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof TransportFailure) return err;
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportFailure('timeout', 'the vendor did not answer in time', { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new TransportFailure('reset', 'the vendor closed the connection', { cause: err });
  }
  if ((err as Error).name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return new TransportFailure('aborted', 'the request was cancelled', { cause: err });
  }
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new TransportFailure('reset', 'the vendor closed the connection mid-body', { cause: err });
  }
  return new TransportFailure('unreachable', 'the vendor could not be reached', { cause: err });
}

export function createTransport(opts: TransportOptions): UpstreamHandler {
  const {
    pools,
    connectTimeoutMs = 5_000, // 5 s
    headersTimeoutMs = 15_000, // 15 s
    requestTimeoutMs = 30_000, // 30 s
    maxResponseBytes = 10 * 1024 * 1024, // 10 MiB
  } = opts;

  return async (req): Promise<UpstreamResponse> => {
    const remainingMs = Math.min(req.timeoutMs ?? requestTimeoutMs, req.scope.deadlineAt - Date.now());
    if (remainingMs <= 0) throw new TransportFailure('timeout', 'the request deadline passed before the call');
    const timeout = AbortSignal.timeout(remainingMs);
    const signal = req.scope.signal ? AbortSignal.any([timeout, req.scope.signal]) : timeout;
    const pool = pools.get(req.url.origin, connectTimeoutMs, headersTimeoutMs);
    try {
      if (req.onSent) attachOnSent = (request) => onSentOf.set(request, req.onSent!);
      let pending: ReturnType<typeof pool.request>;
      try {
        pending = pool.request({
          origin: req.url.origin,
          path: req.url.pathname + req.url.search,
          method: req.method,
          headers: req.headers,
          // A stream body goes as a Readable: undici pulls from it as the socket drains (backpressure).
          body: req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : Readable.from(req.body, { objectMode: false }),
          // A call with its own deadline (a large upload or download) may wait past the connection's header
          // timeout for the vendor to process it; the deadline is its limit instead.
          ...(req.timeoutMs !== undefined ? { headersTimeout: remainingMs, bodyTimeout: remainingMs } : {}),
          signal,
        });
      } finally {
        attachOnSent = null;
      }
      const res = await pending;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      if (req.responseType === 'stream' && res.statusCode < 400) {
        return { status: res.statusCode, headers, body: Buffer.alloc(0), stream: res.body };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxResponseBytes) {
          res.body.destroy();
          throw new TransportFailure('too-large', `the vendor's response exceeded ${maxResponseBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      return { status: res.statusCode, headers, body: Buffer.concat(chunks) };
    } catch (err) {
      throw classify(err, timeout.aborted);
    }
  };
}
