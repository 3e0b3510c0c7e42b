/**
 * Test support: the error a client reads for a document over one of the tenant's query limits
 * (src/graphql/plugins/queryLimits.ts), the same over HTTP, graphql-ws and graphql-sse.
 */
export const limitRefusal = (limit: string, max: number, actual: number) => ({
  message: `query ${limit} is ${actual}, over the limit of ${max}`,
  extensions: { code: 'BAD_USER_INPUT', limit, max, actual },
});
