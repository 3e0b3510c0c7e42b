/**
 * Not public API. How the HTTP layer answers: JSON bodies with their length, GraphQL-shaped errors for
 * requests that never reach Apollo, and the one rule about request bodies: a body we did not read is never
 * drained. The answer carries `Connection: close` and Node destroys the socket once it is written, so a
 * client trickling a large body into a route that does not want it holds nothing (issue 11, item 7).
 */
import type http from 'node:http';
import { isSwitchboardError, type SwitchboardError } from '../errors';
import { formatSwitchboardError } from '../graphql/errors';

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

/** The body of an answer that never reached GraphQL: `{"errors":[{"message","extensions":{"code"}}]}`. */
export function graphQLErrorBody(error: SwitchboardError | HttpFailure): { errors: unknown[] } {
  return { errors: [isSwitchboardError(error) ? formatSwitchboardError(error) : { message: error.message, extensions: { code: error.code } }] };
}

export function sendGraphQLError(res: http.ServerResponse, status: number, error: SwitchboardError | HttpFailure, headers: Record<string, string> = {}): void {
  sendJson(res, status, graphQLErrorBody(error), headers);
}

export const sendNotFound = (res: http.ServerResponse) => sendJson(res, 404, { error: 'not found' });
