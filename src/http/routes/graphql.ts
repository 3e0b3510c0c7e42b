/**
 * Not public API. `/graphql`: the caller (API key or token, src/http/authenticate.ts; 401 before a body byte is read), the body under its size
 * and time bounds (JSON) or the multipart guard (uploads), the token limit, then Apollo.
 */
import type http from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { Config } from '../../config/schema';
import type { IdempotencyRecords } from '../../domain/idempotency';
import type { LeadImportService } from '../../imports/service';
import { runInTenantScope } from '../../graphql/apq';
import { createContext, type GatewayContext } from '../../graphql/context';
import { tokenLimitError } from '../../graphql/plugins/queryLimits';
import { hasPreflightHeader, isMultipart, readMultipartOperations, UploadRequestError } from '../../uploads';
import { callerOrRefused, type Authenticator } from '../authenticate';
import { BodyTimeoutError, BodyTooLargeError, readBody } from '../body';
import { sendBody } from '../compress';
import type { CorsPolicy } from '../cors';
import { graphQLMediaType, requestErrorStatus } from '../mediaType';
import { appendVary, sendGraphQLError, sendJson } from '../respond';
import type { RequestTarget } from '../requestTarget';
import type { Route, RouteRequest } from '../router';

export interface GraphQLRouteOptions {
  path: string;
  apollo: ApolloServer<GatewayContext>;
  auth: Authenticator;
  server: Config['server'];
  idempotency: IdempotencyRecords;
  imports: LeadImportService;
  /** The largest lead import file any tenant may send (`imports.maxFileBytes` and the tenants' overrides). */
  maxImportBytes: number;
  cors: CorsPolicy;
}

/** A body, or why the request never reaches Apollo (answered, its connection closed if its body was left unread). */
type BodyRead = { body: unknown } | { refused: { status: number; message: string; code: string } };
const refuse = (status: number, message: string, code = 'BAD_REQUEST'): BodyRead => ({ refused: { status, message, code } });

async function readJsonOrText(req: http.IncomingMessage, server: Config['server']): Promise<BodyRead> {
  let raw: Buffer;
  try {
    raw = await readBody(req, { maxBytes: server.maxBodyBytes, timeoutMs: server.bodyTimeoutMs });
  } catch (err) {
    if (err instanceof BodyTooLargeError) return refuse(413, err.message);
    if (err instanceof BodyTimeoutError) return refuse(408, err.message);
    throw err;
  }
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/json') && !type.startsWith('application/graphql-response+json')) return { body: raw.toString('utf8') };
  try {
    return { body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined };
  } catch {
    return refuse(400, 'request body is not valid JSON');
  }
}

async function readMultipart(req: http.IncomingMessage, res: http.ServerResponse, server: Config['server'], maxImportBytes: number): Promise<BodyRead> {
  const { uploads } = server;
  const maxFileBytes = Math.max(uploads.maxFileBytes, uploads.maxJsonFileBytes, maxImportBytes);
  // The declared size is checked against the streamed files' limits (a JSON file is read whole, under its own).
  const maxStreamedBytes = Math.max(uploads.maxFileBytes, maxImportBytes);
  if (!hasPreflightHeader(req)) {
    return refuse(400, 'multipart requests need an Apollo-Require-Preflight (or X-Apollo-Operation-Name) header');
  }
  // A declared size past every limit is refused before a byte is read or sent on.
  const declared = Number(req.headers['content-length']);
  const most = maxStreamedBytes * uploads.maxFiles + server.maxBodyBytes;
  if (Number.isFinite(declared) && declared > most) return refuse(413, `request body is larger than ${most} bytes`);
  // An upload may take its whole deadline, but not stall: the socket is cut after `idleTimeoutMs` without a byte.
  req.setTimeout(uploads.idleTimeoutMs, () => req.destroy(new BodyTimeoutError(uploads.idleTimeoutMs)));
  req.once('end', () => req.setTimeout(0));
  try {
    const body = await readMultipartOperations(req, res, {
      maxFileBytes,
      maxFiles: uploads.maxFiles,
      maxFieldBytes: server.maxBodyBytes,
    });
    return { body };
  } catch (err) {
    if (!(err instanceof UploadRequestError)) throw err;
    return refuse(err.status, err.message);
  }
}

/**
 * Apollo answers some refusals (CSRF prevention, a malformed body) before any plugin runs, so their errors
 * lack the request id the answer plugin adds everywhere else (src/http/graphqlAnswer.ts). Such answers are
 * small error bodies; they are parsed and given it. Every other answer passes untouched.
 */
function withRequestIds(body: string, requestId: string): string {
  if (!body.startsWith('{"errors":') || body.includes('"requestId":')) return body;
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    if (!Array.isArray(parsed.errors)) return body;
    for (const e of parsed.errors) e.extensions = { ...e.extensions, requestId };
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

/** The request's GraphQL document text (a GET's `query` parameter, a POST body's `query`), for the token limit. */
function documentTextOf(req: http.IncomingMessage, target: RequestTarget, body: unknown): unknown {
  if (req.method === 'GET') return target.searchParams.get('query');
  return body && typeof body === 'object' ? (body as { query?: unknown }).query : undefined;
}

/** Apollo's view of the request: its headers, query string and parsed body. */
function apolloRequest(req: http.IncomingMessage, target: RequestTarget, body: unknown): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return { method: req.method ?? 'GET', headers, search: target.search, body };
}

/** Aborted when the client goes away before its answer is written: upstream calls and rate-limit waits stop. */
export function clientGone(res: http.ServerResponse): AbortSignal {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort.signal;
}

/** Writes Apollo's answer: whole (compressed when asked, request ids added) or incremental as it comes. */
async function writeApolloResult(req: http.IncomingMessage, res: http.ServerResponse, result: HTTPGraphQLResponse, requestId: string): Promise<void> {
  const outHeaders: Record<string, string> = {};
  // Vary is added to, not replaced: CORS and compression have their own entries.
  for (const [k, v] of result.headers) {
    if (k === 'vary') appendVary(res, v);
    else outHeaders[k] = v;
  }
  if (result.body.kind === 'complete') {
    await sendBody(req, res, result.status ?? 200, outHeaders, Buffer.from(withRequestIds(result.body.string, requestId), 'utf8'));
    return;
  }
  // Incremental delivery (multipart/mixed) is written as it comes, uncompressed.
  res.writeHead(result.status ?? 200, outHeaders);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * When an operation's upstream work must be done (`RequestScope.deadlineAt`): `server.requestTimeoutMs` from now, or
 * `server.uploads.timeoutMs` for a request that streams files. The rate limiter refuses a wait past it at once
 * (RATE_LIMITED with `retryAfterMs`). The live transports give it to queries and mutations too (src/http/live.ts).
 */
export const requestDeadlineAt = (server: Config['server'], upload = false): number => Date.now() + (upload ? server.uploads.timeoutMs : server.requestTimeoutMs);

export function createGraphQLRoute(opts: GraphQLRouteOptions): Route {
  const { apollo, auth, server, idempotency, imports, cors } = opts;

  const handle = async ({ req, res, target, log, requestId }: RouteRequest): Promise<void> => {
    // 1. Who: 401/403 before a byte of the body is read (the answer closes the connection).
    const caller = await callerOrRefused(auth, req, res, log);
    if (!caller) return;
    const { tenant, principal } = caller;
    cors.allowForTenant(req, res, tenant.id);

    // 2. The body, within its bounds: JSON (size, time) or the multipart guard (preflight header, sizes, idle time).
    const multipart = req.method === 'POST' && isMultipart(req);
    let body: unknown;
    if (req.method === 'POST') {
      const read = multipart ? await readMultipart(req, res, server, opts.maxImportBytes) : await readJsonOrText(req, server);
      if ('refused' in read) return sendGraphQLError(res, read.refused.status, read.refused);
      body = read.body;
    }

    // 3. The token limit, before Apollo parses anything (src/graphql/plugins/queryLimits.ts): a GraphQL
    //    request error like Apollo's own, 400, or 200 in application/json (src/http/mediaType.ts).
    const tooLong = tokenLimitError(documentTextOf(req, target, body), tenant.limits.maxTokens);
    if (tooLong) {
      const { http: _http, ...extensions } = tooLong.extensions;
      const contentType = graphQLMediaType(req.headers.accept);
      return sendJson(res, requestErrorStatus(contentType), { errors: [{ message: tooLong.message, extensions: { ...extensions, requestId } }] }, { 'content-type': contentType });
    }

    // 4. Apollo, in the tenant's scope (it keys the persisted-query cache, src/graphql/apq.ts: one tenant
    //    never sees another's hashes), with the request's deadline and the client's signal.
    const scope = { deadlineAt: requestDeadlineAt(server, multipart), signal: clientGone(res) };
    const result = await runInTenantScope(tenant.id, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: apolloRequest(req, target, body),
        context: async () =>
          createContext(tenant, scope, log, {
            requestId,
            principal,
            limits: server.uploads,
            // Download links are relative unless `server.publicUrl` says where clients reach us: never
            // built from the Host header, which the client chooses (issue 11, item 8).
            publicBaseUrl: server.publicUrl ?? '',
            idempotency,
            imports,
          }),
      }),
    );
    await writeApolloResult(req, res, result, requestId);
  };

  return { name: 'graphql', path: opts.path, methods: '*', work: true, cors: true, handle };
}
