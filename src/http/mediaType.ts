/**
 * Not public API. Which media type a GraphQL answer is written in, from the request's `Accept`, as the
 * GraphQL-over-HTTP spec says and Apollo Server negotiates (its `chooseContentTypeForSingleResultResponse`,
 * with the same `negotiator` and the same order, so our own answers and Apollo's never disagree):
 *
 * - `application/graphql-response+json` when the client prefers it (Apollo Client 4 and graphql-http send
 *   it first). Statuses then say what went wrong: 400 for a request GraphQL refused, 401, 413 ...
 * - `application/json` otherwise (no `Accept`, `*\/*`, or an older client). The spec asks for 200 for every
 *   well-formed request in this media type, GraphQL request errors included (clients written before the new
 *   media type read a body only on 2xx): see `requestErrorStatus`.
 */
import Negotiator from 'negotiator';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
export const APPLICATION_JSON = 'application/json; charset=utf-8';

/** Apollo Server's order: application/json first, so `*\/*` and ties choose it. */
const OFFERED = ['application/json', 'application/graphql-response+json'];

/** The content type of a GraphQL answer to a request with this `Accept`; application/json when none is acceptable. */
export function graphQLMediaType(accept: string | undefined): string {
  if (!accept) return APPLICATION_JSON;
  return new Negotiator({ headers: { accept } }).mediaType(OFFERED) === 'application/graphql-response+json' ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}

/**
 * Codes of GraphQL request errors: the request was well-formed, GraphQL refused its document or variables
 * (parse, validation, variable coercion, our query limits). For these the spec prescribes 400 with
 * application/graphql-response+json and 200 with application/json.
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/** The status of a GraphQL request error in `contentType`: 400, or 200 in application/json. */
export const requestErrorStatus = (contentType: string) => (contentType === APPLICATION_JSON ? 200 : 400);
