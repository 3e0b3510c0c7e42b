/**
 * Not public API. Reading a JSON request body under two bounds: its size and the time it may take.
 *
 * The time bound is ours, not Node's: `server.requestTimeout` must allow the longest request we accept
 * (an upload, 30 min by default), so a client trickling a 100 KB JSON body one byte at a time would
 * otherwise hold a socket for half an hour (issue 11, item 7). OWASP's DoS cheat sheet and Node's own
 * `headersTimeout` make the same point for headers: seconds, not minutes.
 */
import type http from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body is larger than ${maxBytes} bytes`);
  }
}

export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request body was not received within ${timeoutMs / 1000} s`);
  }
}

export interface ReadBodyOptions {
  /** Refused past this many bytes, declared or received. */
  maxBytes: number;
  /** The whole body must have arrived within this many ms of the call. */
  timeoutMs: number;
}

/**
 * The whole body. Rejects with BodyTooLargeError or BodyTimeoutError without reading further; the caller
 * answers with `Connection: close` (src/http/respond.ts), so what was not read is never drained.
 */
export function readBody(req: http.IncomingMessage, opts: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs } = opts;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError(maxBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(new BodyTooLargeError(maxBytes));
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (err: Error) => finish(err);
    const timer = setTimeout(() => finish(new BodyTimeoutError(timeoutMs)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
