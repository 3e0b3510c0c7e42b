/**
 * One log line and the metrics for each GraphQL operation: tenant, operation name, duration, upstream
 * calls it caused, and the error codes it answered with. No variables, no document text, no headers.
 *
 * The operation name is the client's: the metrics get it through a bounded labeler (src/metricLabels.ts,
 * issue 11 item 4), the log line gets it cut to `maxLoggedOperationChars`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { createOperationLabeler, type OperationLabeler } from '../../metricLabels';
import { graphqlDuration, graphqlRequests } from '../../metrics';
import type { GatewayContext } from '../context';

export interface RequestLogOptions {
  /** Distinct operation names per tenant in the metrics; later new names are `other`. Default 100 (see src/metricLabels.ts). */
  maxOperationLabelsPerTenant?: number;
  /** Longest operation name written to the log; longer ones are cut and end in `…`. Default 64 characters. */
  maxLoggedOperationChars?: number;
  /** The labeler to use instead of a new one (tests). Default `createOperationLabeler({ maxPerTenant: maxOperationLabelsPerTenant })`. */
  operationLabeler?: OperationLabeler;
}

/** `name` cut to `max` characters plus `…`, so a 100 KB name costs the log 65 characters. */
export function truncateOperationName(name: string, max: number): string {
  return name.length > max ? `${name.slice(0, max)}…` : name;
}

export function createRequestLogPlugin(opts: RequestLogOptions = {}): ApolloServerPlugin<GatewayContext> {
  const { maxOperationLabelsPerTenant = 100, maxLoggedOperationChars = 64 } = opts;
  if (!(Number.isInteger(maxLoggedOperationChars) && maxLoggedOperationChars >= 1)) {
    throw new TypeError(`expected opts.maxLoggedOperationChars to be an integer >= 1, got ${maxLoggedOperationChars}`);
  }
  const operationLabel = opts.operationLabeler ?? createOperationLabeler({ maxPerTenant: maxOperationLabelsPerTenant });
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operationName, contextValue: ctx }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = (result?.errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'UNKNOWN'));
          const outcome = codes.length === 0 ? 'ok' : result?.data ? 'partial' : 'error';
          const tenant = ctx.tenant.id;
          const label = operationLabel(tenant, operationName);
          graphqlRequests.inc({ tenant, operation: label, outcome });
          graphqlDuration.observe({ tenant, operation: label }, durationMs / 1000);
          const operation = operationName == null ? 'anonymous' : truncateOperationName(operationName, maxLoggedOperationChars);
          ctx.log.info({ tenant, operation, durationMs: Math.round(durationMs * 10) / 10, upstreamCalls: ctx.stats.upstreamCalls, outcome, errorCodes: codes }, 'graphql request');
        },
      };
    },
  };
}
