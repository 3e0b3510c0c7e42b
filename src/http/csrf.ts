/**
 * Not public API. Apollo Server's CSRF prevention (`csrfPrevention: true`, its `preventCsrf`), for the routes
 * that run operations without Apollo: `/graphql/stream` (graphql-sse). A browser sends a "simple request"
 * cross-site, with the caller's cookies and no CORS preflight, when its content type is one of
 * application/x-www-form-urlencoded, multipart/form-data or text/plain (or it has none, as a GET). Such a
 * request is refused unless it carries a header only a preflighted request can carry (`hasPreflightHeader`).
 * graphql-sse's own check (`content-type` includes "application/json") let `text/plain; a=application/json`
 * through, and the token cookie (`tenants[].auth.jwt.cookie`) with it.
 */
import type http from 'node:http';
import { MIMEType } from 'node:util';
import { hasPreflightHeader } from '../uploads';
import type { HttpFailure } from './respond';

/** Content types a browser may send cross-site without a preflight (the Fetch standard's CORS-safelisted ones). */
const NON_PREFLIGHTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
/** Apollo's `recommendedCsrfPreventionRequestHeaders`: any non-empty one makes a request safe. */
const CSRF_PREVENTION_REQUEST_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/** Apollo Server's message, word for word (and its trailing newline), so `/graphql` and `/graphql/stream` refuse alike. */
export const CSRF_MESSAGE =
  `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header ` +
  `(with a type that is not one of ${NON_PREFLIGHTED_CONTENT_TYPES.join(', ')}) or provide a non-empty value for one of the following headers: ` +
  `${CSRF_PREVENTION_REQUEST_HEADERS.join(', ')}\n`;

/** The content type's essence (`type/subtype`, lower case), parsed as the WHATWG MIME Sniffing standard says; null when it does not parse. */
function essenceOf(contentType: string): string | null {
  try {
    return new MIMEType(contentType).essence;
  } catch {
    return null;
  }
}

/**
 * Apollo's rule: the refusal (400 `BAD_REQUEST`) of a request a page on another site could have sent, or null. A
 * request is safe when its `content-type` is present and is not one of the three a browser sends without a preflight
 * (parsed as a MIME type: `text/plain; a=application/json` is text/plain; one that does not parse is no simple
 * request either), or when it has a non-empty `x-apollo-operation-name` or `apollo-require-preflight` header.
 */
export function csrfRefusal(req: http.IncomingMessage): (HttpFailure & { status: 400 }) | null {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) {
    const essence = essenceOf(contentType);
    if (essence === null || !NON_PREFLIGHTED_CONTENT_TYPES.includes(essence)) return null;
  }
  if (hasPreflightHeader(req)) return null;
  return { status: 400, message: CSRF_MESSAGE, code: 'BAD_REQUEST' };
}
