/**
 * Not public API. Apollo Server as the gateway runs it: the schema, the query surface (CSRF prevention,
 * introspection only when configured, no suggestions, no stack traces), the error formatter and the
 * plugins, in their order.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import type { GatewayContext } from '../graphql/context';
import { createFormatError } from '../graphql/errors';
import { createPartialErrorsPlugin } from '../graphql/plugins/partialErrors';
import { createQueryLimitsPlugin } from '../graphql/plugins/queryLimits';
import { createRequestLogPlugin } from '../graphql/plugins/requestLog';
import { createTracingPlugin } from '../graphql/plugins/tracing';
import { buildSchema } from '../graphql/schema';
import { createGraphQLAnswerPlugin } from './graphqlAnswer';

/** Parsed documents kept, counted by their source's length. Default 8 MiB. */
const DOCUMENT_STORE_MAX_BYTES = 8 * 1024 * 1024;
/** Larger documents are parsed again each time rather than kept. Default 16 KiB (a 2,000-token query is smaller). */
const DOCUMENT_MAX_CACHED_BYTES = 16 * 1024;

/**
 * Apollo's parse cache, bounded by what it really holds. Apollo's default (30 MiB by the JSON size of the
 * AST) does not count the source text each AST keeps through `loc`: 300 queries with 100 KB operation
 * names kept about 200 MB alive (issue 11, memory check). Here every entry is weighed by its source, and
 * a document over 16 KiB is not kept at all: no client's hot query is that large.
 */
function createDocumentStore(): KeyValueCache<DocumentNode> {
  const sourceBytes = (doc: DocumentNode) => doc.loc?.source.body.length ?? 0;
  const lru = new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_STORE_MAX_BYTES, sizeCalculation: (doc) => Math.max(1, sourceBytes(doc) * 2) });
  return {
    get: (key) => lru.get(key),
    set: async (key, doc, options) => {
      if (sourceBytes(doc) <= DOCUMENT_MAX_CACHED_BYTES) await lru.set(key, doc, options);
    },
    delete: (key) => lru.delete(key),
  };
}

/** `apq`: the persisted-query cache of the state store (src/state/), partitioned by tenant. */
export async function startApollo(config: Config, logger: Logger, apq: KeyValueCache<string>, schema: GraphQLSchema = buildSchema()): Promise<ApolloServer<GatewayContext>> {
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    csrfPrevention: true,
    documentStore: createDocumentStore(),
    persistedQueries: { cache: apq },
    introspection: config.server.introspection,
    // No "Did you mean ...?" in errors: suggestions leak the schema even with introspection off (OWASP).
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    // src/main.ts owns SIGINT/SIGTERM. Apollo's own handler (on unless NODE_ENV=test) raced it: both
    // stopped the server and the process never exited after serving a query.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger),
    // Order matters: Apollo calls every plugin's willSendResponse in this order, so the partial errors are
    // in the response before the request log classifies it (`partial`, not `ok`: issue 11, item 8), and the
    // answer plugin sees every error last (request ids, the application/json status).
    plugins: [
      createQueryLimitsPlugin((ctx) => ctx.tenant.limits, { ignoreIntrospection: config.server.introspection }),
      createPartialErrorsPlugin(),
      createRequestLogPlugin(),
      createTracingPlugin(),
      createGraphQLAnswerPlugin({ getCacheMaxAgeSeconds: config.server.getCacheMaxAgeSeconds }),
      // Apollo adds its cache-control plugin unless told not to. Nothing here sets cache hints or reads the policy
      // (createGraphQLAnswerPlugin writes Cache-Control itself), and its per-field hook wraps every resolver:
      // 3-5% of the gateway's CPU on the agents query (bench/dashboards profile, bench/RESULTS.md).
      ApolloServerPluginCacheControlDisabled(),
    ],
    logger: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await apollo.start();
  return apollo;
}
