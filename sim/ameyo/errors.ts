/** Ameyo CMS / data-engine error bodies (`ExceptionBody`) and the success envelope, per the vendor doc and notes §3d. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { SimReply } from '../common/server';

/**
 * `ExceptionBody` of the CMS and data-engine APIs: `{statusCode, status, errorCode, errorMessage}`.
 * Source: the error table of the Agent Presence API in ameyo-contact-management-and-presence.txt; notes §3d.
 */
export interface ExceptionBody {
  statusCode: number;
  status: string;
  errorCode: string;
  errorMessage: string;
}

/** The five documented errors, verbatim from the vendor doc's response table. */
const DOCUMENTED: Record<number, { errorCode: string; errorMessage: string }> = {
  400: { errorCode: 'CONF-1001', errorMessage: 'Invalid input or malformed request.' },
  401: { errorCode: 'CONF-1002', errorMessage: 'Authentication token is missing or invalid.' },
  403: { errorCode: 'CONF-1003', errorMessage: 'Access denied.' },
  404: { errorCode: 'CONF-1004', errorMessage: "Object doesn't exist." },
  500: { errorCode: 'CONF-1005', errorMessage: 'An unexpected error occurred on the server.' },
};

/** Reason phrases as the doc writes them ("Bad Request", "Unauthorized", ...); Node's table agrees. */
const reason = (status: number) => STATUS_CODES[status] ?? 'Unknown Error';

function exceptionReply(statusCode: number, errorCode: string, errorMessage: string, headers?: Record<string, string>): SimReply {
  const body: ExceptionBody = { statusCode, status: reason(statusCode), errorCode, errorMessage };
  return headers ? { status: statusCode, headers, body } : { status: statusCode, body };
}

/**
 * 400 CONF-1001. The doc gives only the generic message; when we know which field or parameter is wrong we
 * append it (`"Invalid input or malformed request. Missing required field 'username'."`) so that client
 * logs are useful. Clients should match on `errorCode`, not on the message.
 */
export function badRequest(detail?: string): SimReply {
  const base = DOCUMENTED[400]!;
  return exceptionReply(400, base.errorCode, detail ? `${base.errorMessage} ${detail}` : base.errorMessage);
}

export const unauthorized = (): SimReply => exceptionReply(401, DOCUMENTED[401]!.errorCode, DOCUMENTED[401]!.errorMessage);
export const forbidden = (): SimReply => exceptionReply(403, DOCUMENTED[403]!.errorCode, DOCUMENTED[403]!.errorMessage);
export const notFound = (): SimReply => exceptionReply(404, DOCUMENTED[404]!.errorCode, DOCUMENTED[404]!.errorMessage);

/**
 * A 5xx fault. 500 is the documented body; for any other 5xx (502, 503, ...) we keep the same shape with that
 * status, its standard reason phrase and CONF-1005 (our assumption: the doc lists only 500).
 */
export function serverError(status: number): SimReply {
  const doc = DOCUMENTED[500]!;
  return exceptionReply(status, doc.errorCode, doc.errorMessage);
}

/**
 * 429. Ameyo documents no rate limit and no 429 body; we apply the same 1 request/second per customer as the
 * other vendors and answer in the ExceptionBody shape. `CONF-1429` is OUR ASSUMPTION, not an Ameyo code.
 */
export const tooManyRequests = (): SimReply => exceptionReply(429, 'CONF-1429', 'Rate limit exceeded.', { 'retry-after': '1' });

/**
 * 405 for a known path with the wrong method. Undocumented; we reuse CONF-1001 (our assumption). The shared
 * engine answers 405 with `notFound`'s body, so `routes.ts` picks this body when the path exists.
 */
export const methodNotAllowed = (): SimReply => exceptionReply(405, DOCUMENTED[400]!.errorCode, DOCUMENTED[400]!.errorMessage);

/** One element of the envelope's `response[]`. */
export type EnvelopeItem = Record<string, unknown>;

/** `metadata` of a paged data-engine answer (vendor doc, monitoring example). */
export interface PageMetadata {
  total: number;
  count: number;
  offset: number;
  limit: number;
}

/**
 * The CMS / data-engine envelope `{http_code, method, request_id, response[], metadata}` (vendor doc examples;
 * notes §3d). Key order follows the monitoring example.
 */
export function envelope(method: string, response: EnvelopeItem[], metadata: PageMetadata | null): SimReply {
  return {
    status: 200,
    body: { http_code: 200, method, request_id: randomUUID(), response, metadata },
  };
}
