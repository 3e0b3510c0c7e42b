/**
 * File downloads served by the gateway under the caller's API key, streamed from the vendor without being
 * held in memory:
 *
 *   GET /files/contact-upload-errors/{ContactUploadTask id}   the vendor's error CSV of an upload
 *   GET /files/recordings/{Call id}?format=wav|mp3            the call's voice log
 *
 * An ID from another tenant answers exactly like one that does not exist (404 NOT_FOUND).
 */
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { TenantResolver } from './auth';
import type { DownloadStream, Tenant } from './domain/types';
import { NotFoundError, isSwitchboardError, BadUserInputError, type SwitchboardError } from './errors';
import { formatSwitchboardError } from './graphql/errors';
import { decodeGlobalId, splitUploadTaskNativeKey } from './graphql/ids';

function statusOf(err: SwitchboardError): number {
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'NOT_FOUND':
      return 404;
    case 'BAD_USER_INPUT':
    case 'UNSUPPORTED_BY_VENDOR':
      return 400;
    case 'RATE_LIMITED':
      return 429;
    case 'UPSTREAM_TIMEOUT':
      return 504;
    default:
      return 502;
  }
}

function sendError(res: http.ServerResponse, err: SwitchboardError): void {
  const body = Buffer.from(JSON.stringify({ errors: [formatSwitchboardError(err)] }), 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };
  if (err.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="switchboard"';
  if (err.facts.retryAfterMs) headers['retry-after'] = String(Math.ceil(err.facts.retryAfterMs / 1000));
  res.writeHead(statusOf(err), headers);
  res.end(body);
}

/** Finds what a file URL names in the caller's tenant, and opens it. */
async function open(tenant: Tenant, kind: string, id: string, url: URL, deadlineAt: number, signal: AbortSignal): Promise<DownloadStream> {
  const missing = () => new NotFoundError(`could not resolve to a node with id ${JSON.stringify(id)}`);
  const gid = decodeGlobalId(id);
  const adapter = tenant.connections.get(gid.connectionId);
  const scope = { deadlineAt, signal };
  if (kind === 'contact-upload-errors' && gid.type === 'ContactUploadTask' && adapter?.contactUploads) {
    const parts = splitUploadTaskNativeKey(gid.nativeId);
    if (!parts) throw missing();
    return adapter.contactUploads.openErrorFile({ connectionId: gid.connectionId, ...parts }, scope);
  }
  if (kind === 'recordings' && gid.type === 'Call' && adapter?.recordings) {
    const format = (url.searchParams.get('format') ?? 'wav').toUpperCase();
    if (format !== 'WAV' && format !== 'MP3') throw new BadUserInputError(`expected format to be wav or mp3, got ${JSON.stringify(format.toLowerCase())}`);
    const file = await adapter.recordings.open(gid.nativeId, format, scope);
    if (!file) throw missing();
    return file;
  }
  throw missing();
}

export function createFileRoutes<T extends Tenant>(opts: { tenants: TenantResolver<T>; logger: Logger; timeoutMs: number }) {
  const ROUTE = /^\/files\/(contact-upload-errors|recordings)\/([^/]+)$/;
  /** Answers the request if it is a file route; false otherwise. */
  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> => {
    const m = ROUTE.exec(url.pathname);
    if (!m || req.method !== 'GET') return false;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let file: DownloadStream;
    try {
      const tenant = opts.tenants.resolve(req.headers.authorization);
      file = await open(tenant, m[1]!, decodeURIComponent(m[2]!), url, Date.now() + opts.timeoutMs, abort.signal);
    } catch (err) {
      if (!isSwitchboardError(err)) throw err;
      sendError(res, err);
      return true;
    }
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    };
    if (file.contentLength !== null) headers['content-length'] = String(file.contentLength);
    res.writeHead(200, headers);
    try {
      await pipeline(file.stream, res);
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message, path: url.pathname }, 'download ended early');
      res.destroy();
    }
    return true;
  };
}
