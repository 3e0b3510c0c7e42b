/** The Apps API simulator's error bodies and messages: every error is `{"message": "..."}` (notes/vendors-real-world.md §1). */
import type { SimReply } from '../common/server';

/** 400 messages, verbatim from vendor-docs/apps-api.txt "Users" (response code table). */
export const USERS_400 = {
  invalidPageSize: 'Invalid page size request - check to ensure the max page size is a valid integer less than 1000',
  cannotPaginateFiltered: 'Cannot paginate filtered results - ensure that you are not using a filter and pagination parameters',
  onlyOneFilter: 'Only one filter should be configured at a time',
  tooManyFilterValues: 'Ensure you are not filtering more than 1000 values at a time',
} as const;

/** `{"message": text}` with `status`. */
export function messageReply(status: number, message: string, headers?: Record<string, string>): SimReply {
  return headers ? { status, headers, body: { message } } : { status, body: { message } };
}

/**
 * 401 for missing, wrong or (under the `expiredToken` fault) expired Basic credentials. ASSUMPTION: neither the vendor
 * doc nor the notes show the 401 body; `{"message":"Unauthorized"}` follows the vendor's `{"message"}` convention
 * (notes §1), and `WWW-Authenticate` is what a Rails Basic-auth 401 carries.
 */
export const unauthorized = (): SimReply => messageReply(401, 'Unauthorized', { 'www-authenticate': 'Basic realm="Application"' });

/**
 * 429 over the rate limit (1 request/second per customer, vendor-docs/apps-api.txt "Rate Limits"). The vendor documents
 * neither the 429 status nor `Retry-After` (notes/vendors-real-world.md §1: "429 and Retry-After are not documented
 * anywhere" [U]); both, and the body text, are our assumption.
 */
export const tooManyRequests = (): SimReply => messageReply(429, 'Too Many Requests', { 'retry-after': '1' });

/** 5xx fault answer. The body text is our assumption in the vendor's `{"message"}` shape. */
export const serverError = (status: number): SimReply => messageReply(status, 'Internal Server Error');

/** Unknown path: `{"message":"Not Found"}` is confirmed for the real API (notes §1, response and error conventions). */
export const notFound = (): SimReply => messageReply(404, 'Not Found');

/** A 400 with the vendor's message shape. */
export const badRequest = (message: string): SimReply => messageReply(400, message);

/** Vendor-doc 400 messages of the Calls endpoints (vendor-docs/apps-api.txt "Calls Endpoints", response table). */
export const CALLS_400 = {
  invalidCallType: 'invalid call type - ensure call_type is supported',
  agentNotAvailable: 'Agent is not available to take this call',
  missingParameter: 'Missing parameter - check to ensure that the required parameters have been added',
} as const;

/** The vendor's "missing parameter" text, which we reuse for every endpoint's missing required parameters (ours). */
export const MISSING_PARAMETER = CALLS_400.missingParameter;

/** `POST /calls/:id/end_user` and `POST /end_users` messages (notes §1: mid-session-authentication-apps-api). */
export const END_USER_400 = {
  identifierMissing: 'param is missing or the value is empty: identifier',
  callEnded: 'Call is already ended',
  duplicate: 'Duplicate request: Please wait for the interval to expire',
} as const;

/** The vendor's `{"message":"Not Found"}` 404 for an unknown record. */
export const notFoundRecord = (): SimReply => messageReply(404, 'Not Found');
