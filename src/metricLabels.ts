/**
 * Bounded label values for metrics whose values come from clients. Every time series a label value
 * creates lives in the process registry until the process exits, and `/metrics` prints every one, so a
 * label fed straight from a request is a memory and scrape-size leak: issue 11 item 4 measured 300
 * requests with 100 KB operation names growing `/metrics` from 48 KB to 480 MB and RSS to 1.67 GB.
 *
 * The operation label keeps a client's name only when it is a GraphQL name (spec §2.1.9 Names), at most
 * `maxLength` characters, and one of the first `maxPerTenant` distinct names seen for that tenant;
 * anything else is `other`, and an operation without a name is `anonymous`. A tenant has at most
 * `maxPerTenant + 2` values, and one tenant's clients cannot use up another tenant's names.
 */

/** A GraphQL Name (https://spec.graphql.org/October2021/#Name). */
export const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The label for a name that fails the pattern or the length cap, or arrives after the tenant's cap. */
export const OTHER_OPERATION = 'other';
/** The label for an operation with no name. */
export const ANONYMOUS_OPERATION = 'anonymous';

export interface OperationLabelerOptions {
  /**
   * Distinct operation names kept per tenant; a new name after that is `other`. Default 100.
   * Each name costs one series per outcome of `switchboard_graphql_requests_total` and 15 of the duration
   * histogram (12 buckets, sum, count): 100 names is about 1,800 series per tenant. Prometheus' advice
   * is not to use labels for "unbounded sets of values" (https://prometheus.io/docs/practices/naming/#labels);
   * 100 covers the named operations of a typical app (a dashboard, a mobile backend's persisted
   * queries), and past that the log line, which keeps every name, is the place to look.
   */
  maxPerTenant?: number;
  /** Longest name kept, in characters. Default 64: longer than any hand-written operation name, far below 100 KB. */
  maxLength?: number;
}

/** The label for `operationName` (null or undefined: anonymous) of a request by `tenant`. */
export type OperationLabeler = (tenant: string, operationName: string | null | undefined) => string;

/**
 * A labeler with its own per-tenant memory of names. Make one per registry (one per gateway): names are
 * never forgotten, exactly like the series they created. `tenant` must be a configured tenant id (the
 * map of tenants is bounded by the config, not by this function).
 */
export function createOperationLabeler(opts: OperationLabelerOptions = {}): OperationLabeler {
  const { maxPerTenant = 100, maxLength = 64 } = opts;
  if (!(Number.isInteger(maxPerTenant) && maxPerTenant >= 0)) {
    throw new TypeError(`expected opts.maxPerTenant to be an integer >= 0, got ${maxPerTenant}`);
  }
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) {
    throw new TypeError(`expected opts.maxLength to be an integer >= 1, got ${maxLength}`);
  }
  const seen = new Map<string, Set<string>>();
  return (tenant, operationName) => {
    if (operationName === null || operationName === undefined) return ANONYMOUS_OPERATION;
    // Length first: the pattern test on a 100 KB string is linear, but there is no need to run it.
    if (operationName.length > maxLength || !GRAPHQL_NAME.test(operationName)) return OTHER_OPERATION;
    // A client's own operation named `other` or `anonymous` would read as the overflow or the nameless
    // bucket; it is counted as `other` and takes no slot, so those two values keep one meaning.
    if (operationName === OTHER_OPERATION || operationName === ANONYMOUS_OPERATION) return OTHER_OPERATION;
    let names = seen.get(tenant);
    if (!names) {
      names = new Set();
      seen.set(tenant, names);
    }
    if (names.has(operationName)) return operationName;
    if (names.size >= maxPerTenant) return OTHER_OPERATION;
    names.add(operationName);
    return operationName;
  };
}
