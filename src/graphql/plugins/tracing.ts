/**
 * One OpenTelemetry span per GraphQL operation, a child of the request's HTTP server span
 * (src/telemetry/httpServer.ts) and the parent of every upstream call the operation makes: its context
 * goes on the request scope (`scope.traceContext`), which every vendor call carries (src/upstream/trace.ts).
 *
 * Attributes, after the semantic conventions for GraphQL servers where they have a name:
 *   graphql.operation.type               query | mutation | subscription
 *   graphql.operation.name               the client's name through a bounded labeler, like the metrics'
 *                                        `operation` label (src/metricLabels.ts): a GraphQL name of at most
 *                                        64 characters among the tenant's first 100, else `other`; absent
 *                                        for an anonymous operation
 *   switchboard.graphql.document_sha256  the sha256 of the document text Apollo computes (`queryHash`): the
 *                                        document itself is never recorded (literals can carry anything)
 *   switchboard.tenant                   the configured tenant id
 *   switchboard.graphql.outcome          ok | partial | error, as in the request log
 *   switchboard.graphql.error_codes      the distinct `extensions.code`s of the answer's errors, in order
 *   error.type                           the first of them; with status ERROR
 * Errors are recorded by code only: never a message (a vendor's message may quote what it was sent),
 * variables, or a stack.
 *
 * While tracing is off (`activeTracer()` null) it returns no hooks at all.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { createOperationLabeler, type OperationLabeler } from '../../metricLabels';
import { activeTracer } from '../../telemetry/tracing';
import type { GatewayContext } from '../context';

/** Semantic-convention names still in the incubating set (copied, as the semconv package advises, not imported). */
export const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';
export const ATTR_DOCUMENT_SHA256 = 'switchboard.graphql.document_sha256';
export const ATTR_TENANT = 'switchboard.tenant';
export const ATTR_OUTCOME = 'switchboard.graphql.outcome';
export const ATTR_ERROR_CODES = 'switchboard.graphql.error_codes';

/** The span's name until the operation is known (a document that does not parse keeps it). */
export const UNRESOLVED_OPERATION_SPAN = 'GraphQL Operation';

export interface TracingPluginOptions {
  /** Distinct operation names kept per tenant on spans; later new names are `other`. Default 100 (see src/metricLabels.ts). */
  maxOperationNamesPerTenant?: number;
  /** The labeler to use instead of a new one (tests). Default `createOperationLabeler({ maxPerTenant: maxOperationNamesPerTenant })`. */
  operationLabeler?: OperationLabeler;
}

export function createTracingPlugin(opts: TracingPluginOptions = {}): ApolloServerPlugin<GatewayContext> {
  const { maxOperationNamesPerTenant = 100 } = opts;
  const operationLabel = opts.operationLabeler ?? createOperationLabeler({ maxPerTenant: maxOperationNamesPerTenant });
  return {
    async requestDidStart({ contextValue: ctx }) {
      const tracer = activeTracer();
      if (!tracer) return;
      const parent = context.active(); // the HTTP server span's (src/telemetry/httpServer.ts)
      const span = tracer.startSpan(UNRESOLVED_OPERATION_SPAN, { kind: SpanKind.INTERNAL, attributes: { [ATTR_TENANT]: ctx.tenant.id } }, parent);
      // The scope object is shared by reference by the per-operation clones of the context and by the loaders.
      ctx.scope.traceContext = trace.setSpan(parent, span);
      let ended = false;
      return {
        async didResolveOperation({ operation, operationName, queryHash }) {
          span.setAttribute(ATTR_DOCUMENT_SHA256, queryHash);
          if (!operation) return;
          const type = operation.operation;
          span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
          if (operationName != null) {
            const label = operationLabel(ctx.tenant.id, operationName);
            span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, label);
            span.updateName(`${type} ${label}`);
          } else {
            span.updateName(type);
          }
        },
        async willSendResponse({ response, queryHash }) {
          if (ended) return;
          ended = true;
          if (queryHash) span.setAttribute(ATTR_DOCUMENT_SHA256, queryHash);
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const codes = [...new Set((result?.errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'UNKNOWN')))];
          span.setAttribute(ATTR_OUTCOME, codes.length === 0 ? 'ok' : result?.data ? 'partial' : 'error');
          if (codes.length > 0) {
            span.setAttribute(ATTR_ERROR_CODES, codes);
            span.setAttribute(ATTR_ERROR_TYPE, codes[0]!);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
  };
}
