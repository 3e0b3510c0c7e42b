/**
 * One log line and the metrics for each GraphQL operation: tenant, operation name, duration, upstream
 * calls it caused, and the error codes it answered with. No variables, no document text, no headers.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { graphqlDuration, graphqlRequests } from '../../metrics';
import type { GatewayContext } from '../context';

export function createRequestLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, contextValue: ctx }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          const operation = operationName ?? 'anonymous';
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = (result?.errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'UNKNOWN'));
          const outcome = codes.length === 0 ? 'ok' : result?.data ? 'partial' : 'error';
          const tenant = ctx.tenant.id;
          graphqlRequests.inc({ tenant, operation, outcome });
          graphqlDuration.observe({ tenant, operation }, durationMs / 1000);
          ctx.log.info(
            { tenant, operation, durationMs: Math.round(durationMs * 10) / 10, upstreamCalls: ctx.stats.upstreamCalls, outcome, errorCodes: codes },
            'graphql request',
          );
        },
      };
    },
  };
}
