/**
 * Adds the failures resolvers reported as partial (one connection down while the others answered) to the
 * response's `errors`, formatted like every other error, after the data they sit beside.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { formatSwitchboardError } from '../errors';

export function createPartialErrorsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.partialErrors.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...contextValue.partialErrors.map((p) => formatSwitchboardError(p.error, p.path))];
        },
      };
    },
  };
}
