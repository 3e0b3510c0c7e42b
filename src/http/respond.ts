/**
 * Not public API. How the HTTP layer answers: JSON bodies with their length, GraphQL-shaped errors for
 * requests that never reach Apollo, and the one rule about request bodies: a body we did not read is never
 * drained. The answer carries `Connection: close` and Node destroys the socket once it is written, so a
 * client trickling a large body into a route that does not want it holds nothing (issue 11, item 7).
 */
import type http from 'node:http';
import { isSwitchboardError, type SwitchboardError } from '../errors';
import { formatSwitchboardError } from '../graphql/errors';
import { graphQLMediaType } from './mediaType';

/** Adds `value` to the answer's `Vary` unless it is there. */
export function appendVary(res: http.ServerResponse, value: string): void {
  const current = res.getHeader('vary');
  const have = typeof current === 'string' ? current.split(',').map((s) => s.trim().toLowerCase()) : [];
  const add = value
    .split(',')
    .map((s) => s.trim())
    .filter((v) => !have.includes(v.toLowerCase()));
  if (add.length) res.setHeader('vary', [...(typeof current === 'string' && current ? [current] : []), ...add].join(', '));
}

/** True when the request declares a body (a length above zero, or chunked) and it has not been read to its end. */
export function hasUnreadBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const declared = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  return declared && !req.readableEnded;
}

/** Writes `status` with `body` as JSON. Adds `Connection: close` when the request body was left unread. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  const extra: Record<string, string> = hasUnreadBody(res.req) ? { connection: 'close' } : {};
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(text.length), ...extra, ...headers });
  res.end(text);
}

/** A failure answered without running GraphQL (auth, body, routing), in the GraphQL response shape. */
export interface HttpFailure {
  message: string;
  /** `BAD_REQUEST` for malformed HTTP, otherwise one of DESIGN.md's codes. */
  code: string;
}

/**
 * The body of an answer that never reached GraphQL: `{"errors":[{"message","extensions":{"code"}}]}`,
 * with `extensions.requestId` when the request has one.
 */
export function graphQLErrorBody(error: SwitchboardError | HttpFailure, requestId?: string): { errors: unknown[] } {
  const formatted = isSwitchboardError(error) ? formatSwitchboardError(error) : { message: error.message, extensions: { code: error.code } };
  return { errors: [requestId ? { ...formatted, extensions: { ...formatted.extensions, requestId } } : formatted] };
}

/** The request id the router put on the answer (src/http/router.ts). */
export const requestIdOf = (res: http.ServerResponse): string | undefined => {
  const id = res.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
};

/**
 * An error answer in the GraphQL response shape, in the media type the client accepts
 * (src/http/mediaType.ts): Apollo Client 4 reads the body of a non-2xx answer only when it is
 * application/graphql-response+json, so a 401 in application/json hid UNAUTHENTICATED from it.
 */
export function sendGraphQLError(res: http.ServerResponse, status: number, error: SwitchboardError | HttpFailure, headers: Record<string, string> = {}): void {
  sendJson(res, status, graphQLErrorBody(error, requestIdOf(res)), { 'content-type': graphQLMediaType(res.req.headers.accept), ...headers });
}

export const sendNotFound = (res: http.ServerResponse) => sendJson(res, 404, { error: 'not found' });
