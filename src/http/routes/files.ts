/**
 * File downloads served by the gateway under the caller's API key, streamed from the vendor without being
 * held in memory:
 *
 *   GET /files/contact-upload-errors/{ContactUploadTask id}   the vendor's error CSV of an upload
 *   GET /files/recordings/{Call id}?format=wav|mp3            the call's voice log
 *   GET /files/queue-settings-versions/{QueueSettingsVersion id}   a queue settings version's file (JSON or ZIP)
 *   GET /files/lead-import-errors/{LeadImportJob id}          a CSV lead import's failed rows, written by the gateway
 *
 * An ID from another tenant answers exactly like one that does not exist (404 NOT_FOUND).
 */
import type { FileKindName } from '../../fileLinks';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { memberAt } from '../../domain/fanOut';
import { openQueueSettingsVersion } from '../../domain/queueSettings';
import { openRecording } from '../../domain/recordings';
import type { DownloadStream, RequestScope, Tenant } from '../../domain/types';
import { openContactUploadErrors } from '../../domain/uploads';
import { NotFoundError, isSwitchboardError, BadUserInputError, ForbiddenError, type SwitchboardError } from '../../errors';
import { decodeGlobalId, splitUploadTaskNativeKey, type GlobalId, type NodeType } from '../../graphql/ids';
import { hasRole, type Role } from '../../identity/principal';
import { AuthenticationFailure, type Authenticator } from '../authenticate';
import type { CorsPolicy } from '../cors';
import type { LeadImportService } from '../../imports/service';
import { decodePathSegment } from '../requestTarget';
import { sendGraphQLError, sendNotFound } from '../respond';
import type { Route } from '../router';

function statusOf(err: SwitchboardError): number {
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
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
  const headers: Record<string, string> = {};
  if (err.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="switchboard"';
  if (err.facts.retryAfterMs) headers['retry-after'] = String(Math.ceil(err.facts.retryAfterMs / 1000));
  sendGraphQLError(res, statusOf(err), err, headers);
}

/** What openers need besides the tenant. */
interface FileDeps {
  imports: LeadImportService;
}

interface FileKind {
  /** The global ID type a file URL of this kind names. */
  type: NodeType;
  /** Who may download it: the same role as the GraphQL field that leads here. */
  role: Role;
  /** Opens the file the ID names; null when the caller's tenant has no such file. */
  open(tenant: Tenant, gid: GlobalId, query: URLSearchParams, scope: RequestScope, deps: FileDeps): Promise<DownloadStream | null>;
}

/** Every kind of file, by the URL segment after /files/ (kind -> global ID type -> opener). */
const FILE_KINDS: Readonly<Record<FileKindName, FileKind>> = {
  'contact-upload-errors': {
    type: 'ContactUploadTask',
    role: 'admin',
    async open(tenant, gid, _query, scope) {
      const parts = splitUploadTaskNativeKey(gid.nativeId);
      return parts ? openContactUploadErrors(tenant, { connectionId: gid.connectionId, ...parts }, scope) : null;
    },
  },
  recordings: {
    type: 'Call',
    role: 'supervisor',
    async open(tenant, gid, query, scope) {
      if (!memberAt(tenant, gid.connectionId, 'RECORDINGS')) return null;
      const format = (query.get('format') ?? 'wav').toUpperCase();
      if (format !== 'WAV' && format !== 'MP3') throw new BadUserInputError(`expected format to be wav or mp3, got ${JSON.stringify(format.toLowerCase())}`);
      return openRecording(tenant, gid.connectionId, gid.nativeId, format, scope);
    },
  },
  // A queue settings version's file (JSON or ZIP), schema/queueSettings.graphql `downloadUrl`.
  'queue-settings-versions': {
    type: 'QueueSettingsVersion',
    role: 'admin',
    open: (tenant, gid, _query, scope) => openQueueSettingsVersion(tenant, gid.connectionId, gid.nativeId, scope),
  },
  // A CSV lead import's failed rows (schema/leadImports.graphql `errorFileUrl`): from the gateway's own store.
  'lead-import-errors': {
    type: 'LeadImportJob',
    role: 'admin',
    async open(tenant, gid, _query, _scope, { imports }) {
      const job = await imports.get(tenant, gid.nativeId);
      return job?.connectionId === gid.connectionId ? imports.errorFile(tenant, job.id) : null;
    },
  },
};

/** Finds what a file URL names in the caller's tenant, and opens it (src/domain/uploads.ts, recordings.ts, queueSettings.ts). */
async function open(tenant: Tenant, kind: FileKind, id: string, query: URLSearchParams, deadlineAt: number, signal: AbortSignal, deps: FileDeps): Promise<DownloadStream> {
  const missing = () => new NotFoundError(`could not resolve to a node with id ${JSON.stringify(id)}`);
  const gid = decodeGlobalId(id);
  if (gid.type !== kind.type || !tenant.connections.has(gid.connectionId)) throw missing();
  const file = await kind.open(tenant, gid, query, { deadlineAt, signal }, deps);
  if (!file) throw missing();
  return file;
}

export interface FilesRouteOptions {
  auth: Authenticator;
  /** Deadline of one download (config `server.uploads.timeoutMs`). */
  timeoutMs: number;
  cors: CorsPolicy;
  imports: LeadImportService;
}

const FILE_PATH = /^\/files\/([a-z-]+)\/([^/]+)$/;

/** `GET /files/...`: downloads under the caller's key. */
export function createFilesRoute(opts: FilesRouteOptions): Route {
  return {
    name: 'files',
    path: '/files/',
    prefix: true,
    methods: ['GET'],
    work: true,
    cors: true,
    async handle({ req, res, target, log }) {
      const m = FILE_PATH.exec(target.pathname);
      const kind = m && Object.hasOwn(FILE_KINDS, m[1]!) ? FILE_KINDS[m[1] as FileKindName] : null;
      if (!m || !kind) return sendNotFound(res);
      const id = decodePathSegment(m[2]!);
      if (id === null) return sendGraphQLError(res, 400, { message: 'the file id in the path is not valid percent-encoding', code: 'BAD_REQUEST' });
      const abort = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) abort.abort();
      };
      res.on('close', onClose);
      let file: DownloadStream;
      try {
        const { tenant, principal } = await opts.auth.authenticate(req, log);
        opts.cors.allowForTenant(req, res, tenant.id);
        // The same roles as the GraphQL fields that lead here (schema/recordings.graphql, uploads.graphql, queueSettings.graphql).
        if (!hasRole(principal, kind.role)) throw new ForbiddenError(`downloading ${m[1]} needs the ${kind.role.toUpperCase()} role`);
        file = await open(tenant, kind, id, target.searchParams, Date.now() + opts.timeoutMs, abort.signal, { imports: opts.imports });
      } catch (err) {
        if (err instanceof AuthenticationFailure) return sendGraphQLError(res, err.status, err.error, { 'www-authenticate': err.wwwAuthenticate });
        if (!isSwitchboardError(err)) throw err;
        return sendError(res, err);
      }
      const headers: Record<string, string> = {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      };
      if (file.contentLength !== null) headers['content-length'] = String(file.contentLength);
      // From here the pipeline destroys the vendor's stream if the client leaves: the abort is no longer
      // needed, and its listener would be the 11th 'close' listener on the answer (MaxListenersExceededWarning).
      res.off('close', onClose);
      res.writeHead(200, headers);
      try {
        await pipeline(file.stream, res);
      } catch (err) {
        log.info({ err: (err as Error).message, route: 'files' }, 'download ended early');
        res.destroy();
      }
    },
  };
}
