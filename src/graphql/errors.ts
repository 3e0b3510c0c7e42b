/**
 * The one formatter that decides what a client sees (STYLE.md rule 8). A SwitchboardError keeps its
 * message and gets its code and facts as `extensions`; graphql-js and Apollo request errors (parse,
 * validation, variable coercion) keep theirs; anything else becomes INTERNAL with a generic message, and
 * the detail goes to the log. It never throws.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isSwitchboardError, type SwitchboardError } from '../errors';

/** Codes Apollo and graphql-js give to problems with the request itself; they pass unchanged. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * `hideSchemaDetailsFromClientErrors` strips "Did you mean ...?" from validation errors only; graphql-js
 * also suggests enum values when it coerces a variable, which would leak the schema with introspection off.
 */
const withoutSuggestion = (message: string) => message.replace(/\s*Did you mean [^?]*\?$/, '');

export function formatSwitchboardError(error: SwitchboardError, path?: ReadonlyArray<string | number>): GraphQLFormattedError {
  return { message: error.message, ...(path ? { path } : {}), extensions: error.extensions() };
}

export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    try {
      const original = unwrapResolverError(error);
      if (isSwitchboardError(original)) {
        return {
          message: original.message,
          ...(formatted.locations ? { locations: formatted.locations } : {}),
          ...(formatted.path ? { path: formatted.path } : {}),
          extensions: original.extensions(),
        };
      }
      const code = formatted.extensions?.['code'];
      if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
        const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, message: withoutSuggestion(formatted.message), extensions };
      }
      // graphql-js refuses some requests only at execution, with a bare GraphQLError that is not about
      // any field (no path, no cause; Apollo has named its code INTERNAL_SERVER_ERROR): "Schema is not
      // configured to execute subscription operation.".
      if (original instanceof GraphQLError && !original.path && !original.originalError && (!code || code === 'INTERNAL_SERVER_ERROR')) {
        return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: 'BAD_REQUEST' } };
      }
      // Apollo marks some request errors only by their HTTP status (e.g. "provided sha does not match query").
      const http = original instanceof GraphQLError ? (original.extensions?.['http'] as { status?: number } | undefined) : undefined;
      if (http?.status && http.status >= 400 && http.status < 500) {
        return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: 'BAD_REQUEST' } };
      }
      log.error({ err: original, path: formatted.path }, 'unexpected error in a resolver');
      return { message: INTERNAL_MESSAGE, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL' } };
    } catch {
      return { message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL' } };
    }
  };
}
