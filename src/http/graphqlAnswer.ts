/**
 * Not public API. The last touch on every answer Apollo writes (an Apollo plugin, last in the list of
 * src/http/apollo.ts), for what belongs to HTTP rather than to GraphQL:
 *
 * - every error carries `extensions.requestId`, the request's `x-request-id`, so a user's screenshot of an
 *   error finds the request's log lines (issue 12, item 5);
 * - a GraphQL request error (parse, validation, variable coercion, a query limit) answered in
 *   application/json is a 200: the GraphQL-over-HTTP spec asks for 200 in that media type for every
 *   well-formed request, and graphql-http's audits 572B, FDE2 and 7B9B check it. Apollo answers 400; in
 *   application/graphql-response+json 400 stays (src/http/mediaType.ts);
 * - a GET answer (a persisted query by its hash, or a query in the URL) says `Cache-Control: private,
 *   no-store`: it is one tenant's live data. With `server.getCacheMaxAgeSeconds` above 0 an answer without
 *   errors may be kept by the browser that asked (`private, max-age=N`, varying on Authorization); a shared
 *   cache never keeps one.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../graphql/context';
import { APPLICATION_JSON, graphQLMediaType, REQUEST_ERROR_CODES } from './mediaType';

export function createGraphQLAnswerPlugin(opts: { getCacheMaxAgeSeconds: number }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (request.http?.method === 'GET') {
            const cacheable = opts.getCacheMaxAgeSeconds > 0 && !result.errors?.length;
            response.http.headers.set('cache-control', cacheable ? `private, max-age=${opts.getCacheMaxAgeSeconds}` : 'private, no-store');
            if (cacheable) response.http.headers.set('vary', 'Authorization');
          }
          if (!result.errors?.length) return;
          const { requestId } = contextValue;
          result.errors = result.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId } }));
          const requestErrorsOnly = result.data === undefined && result.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.['code'])));
          if (requestErrorsOnly && response.http.status === 400 && graphQLMediaType(request.http?.headers.get('accept')) === APPLICATION_JSON) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}
