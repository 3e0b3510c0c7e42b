/**
 * Not public API. Response compression (issue 12, item 4), with Node's own zlib: brotli or gzip, whichever
 * the client's `Accept-Encoding` prefers (brotli on a tie: smaller for JSON), for bodies of at least
 * `COMPRESS_MIN_BYTES`. `calls(first: 100)` is 17.7 KB of JSON; bench/RESULTS.md has its bytes on the wire.
 *
 * - GraphQL answers are compressed per request at a fast level (brotli 4, gzip 6: zlib's default): a
 *   higher brotli level costs milliseconds per answer for a few percent (the levels nginx and Cloudflare
 *   use for dynamic content). Compression runs on libuv's thread pool, off the event loop.
 * - Static assets (the IDE's 3.5 MB of JavaScript) are compressed once, on first request, and kept: brotli 9
 *   (GraphiQL's 3.5 MB to 630 KB in 0.3 s; level 11 saves another 10% but takes 5 s), gzip 9.
 * - Every answer that could have been compressed says `Vary: Accept-Encoding`, so a cache keeps one
 *   copy per encoding.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type http from 'node:http';
import Negotiator from 'negotiator';
import { appendVary } from './respond';

/** Bodies smaller than this are sent as they are: below ~1 KB the encoding saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/** What the client accepts, brotli first on a tie; null for identity. */
export function chooseEncoding(req: http.IncomingMessage): Encoding | null {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string' || accept === '') return null;
  // negotiator 1.x breaks ties by `preferred` (its README); @types/negotiator 0.6 does not know the option.
  const negotiator = new Negotiator({ headers: { 'accept-encoding': accept } }) as unknown as WithPreferred;
  const chosen = negotiator.encodings(OFFERED_ENCODINGS, { preferred: OFFERED_ENCODINGS })[0];
  return chosen === 'br' || chosen === 'gzip' ? chosen : null;
}

const OFFERED_ENCODINGS = ['br', 'gzip', 'identity'];
type WithPreferred = { encodings(available: readonly string[], opts: { preferred: readonly string[] }): string[] };

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Levels for answers made per request, and for assets compressed once. */
const LEVELS = {
  dynamic: { br: 4, gzip: 6 },
  static: { br: 9, gzip: zlib.constants.Z_BEST_COMPRESSION },
} as const;

export function compress(body: Buffer, encoding: Encoding, kind: keyof typeof LEVELS): Promise<Buffer> {
  const level = LEVELS[kind][encoding];
  return encoding === 'br' ? brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: level, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }) : gzip(body, { level });
}

/**
 * Writes a whole answer, compressed when the client accepts it and the body is large enough. `headers`
 * must not hold `content-length` or `content-encoding`: they are set here.
 */
export async function sendBody(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer): Promise<void> {
  let out = body;
  const extra: Record<string, string> = {};
  if (body.length >= COMPRESS_MIN_BYTES) {
    appendVary(res, 'Accept-Encoding');
    const encoding = chooseEncoding(req);
    if (encoding) {
      out = await compress(body, encoding, 'dynamic');
      extra['content-encoding'] = encoding;
    }
  }
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, ...extra, 'content-length': String(out.length) });
  res.end(out);
}
