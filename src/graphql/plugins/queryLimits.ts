/**
 * Limits against abusive queries, checked before anything executes (OWASP GraphQL cheat sheet; the
 * numbers after GraphQL Armor's defaults: notes/hardening-and-libraries.md §1.2):
 *
 * - tokens: counted with graphql-js's lexer by the HTTP layer before Apollo parses (server.ts): an error
 *   thrown from Apollo's `parsingDidStart` would be a 500, so `tokenLimitError` is called there;
 * - depth, aliases, directives: counted over the operation with its fragments expanded;
 * - fields: the field selections written in the document, repeats included. graphql-js's overlap check
 *   (OverlappingFieldsCanBeMerged) compares repeated fields pairwise, so 500 copies of `id` cost validation
 *   time though execution merges them; the token limit alone let them through (issue 11, item 8).
 *   Counted as written, not expanded: a fragment bomb is the cost limit's (fragments are measured once);
 * - cost: the vendor work a query can cause. Every field with a selection counts 1, and a list field
 *   multiplies what is below it by its `first` (50 when not given), so `calls(first: 100) { agent }`
 *   costs about 300 and a connection nested in a connection costs tens of thousands. `nodes(ids:)` counts
 *   as one `node(id:)` per id. A mutation that takes an `idempotencyKey` (callDial, callDispose,
 *   callDisposeAndDial) costs `IDEMPOTENT_MUTATION_COST` (100) instead of 1;
 * - listLength: the longest list in the operation's arguments, written in the document or sent as a
 *   variable, at any depth of an input object (`nodes(ids:)`, `filter.connectionIds`, DNC entries ...).
 *   Values of the JSON scalar are not lists of the schema and are not counted (the body limit bounds them);
 * - idempotentMutations: how many mutations that take an `idempotencyKey` one request may run
 *   (issue 11, item 2: 10,100 aliased `callDisposeAndDial` refusals filled the idempotency store).
 *
 * Introspection: when the server serves it (`server.introspection`), the `__schema` and `__type` fields are
 * not measured (as GraphQL Armor's `ignoreIntrospection`): GraphiQL's standard introspection query is 14
 * deep and was refused by the depth limit, so the IDE could not show the schema (issue 12, item 2). It
 * reads the schema in memory, never a vendor; the nesting that makes introspection expensive is bounded by
 * graphql-js's MaxIntrospectionDepthRule, one of the specified validation rules Apollo runs, and the
 * token limit still applies. With introspection off they are measured like any field (and refused anyway).
 *
 * Limits are per tenant (`tenants[].limits` over `server.limits`). A refusal is a BAD_USER_INPUT with
 * HTTP 400 and `extensions.limit`, `max` and `actual`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isLeafType,
  isListType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { GatewayContext } from '../context';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Most items in any list argument. Default 100. */
  maxListLength: number;
  /** Most mutations that take an `idempotencyKey` in one request. Default 1. */
  maxIdempotentMutations: number;
  /** Most field selections, fragments expanded and repeats counted. Default 250. */
  maxFields: number;
}

/** The default page size of list fields without `first` (schema: `first: Int = 50`). */
const DEFAULT_FIRST = 50;

/**
 * The cost of one mutation that takes an `idempotencyKey`: a side-effecting vendor write that is never
 * cached, coalesced or retried and holds the connection's 1 request/second, priced like a full page of
 * 100. The default maxCost of 5000 so never admits more than 50 of them, whatever maxIdempotentMutations says.
 */
export const IDEMPOTENT_MUTATION_COST = 100;

function limitError(name: string, max: number, actual: number): GraphQLError {
  return new GraphQLError(`query ${name} is ${actual}, over the limit of ${max}`, {
    extensions: { code: 'BAD_USER_INPUT', limit: name, max, actual, http: { status: 400 } },
  });
}

/** The token-limit refusal for a document, or null when it is within the limit. */
export function tokenLimitError(query: unknown, maxTokens: number): GraphQLError | null {
  if (typeof query !== 'string') return null;
  const tokens = countTokens(query, maxTokens);
  return tokens > maxTokens ? limitError('tokens', maxTokens, tokens) : null;
}

/**
 * Counts lexer tokens, stopping as soon as `max` is passed. A lexing error stops the count: the parser
 * then reports it as GRAPHQL_PARSE_FAILED (an error thrown here would be a 500).
 */
export function countTokens(query: string, max: number): number {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  try {
    for (let t = lexer.advance(); t.kind !== TokenKind.EOF; t = lexer.advance()) {
      if (++n > max) return n;
    }
  } catch {
    return n;
  }
  return n;
}

interface Measures {
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
  /** Fields that are mutations taking an `idempotencyKey`, counted per spread like aliases. */
  idempotentMutations: number;
}

/** What `measureOperation` returns: the expanded measures, and the fields as written. */
export interface OperationMeasures extends Measures {
  /** Field selections written in the operation and the fragments it uses, repeats included, not expanded. */
  fields: number;
}

/** The fields that enter the schema's introspection types. `__typename` is a leaf and measured like any field. */
const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

const EMPTY: Measures = { depth: 0, aliases: 0, directives: 0, cost: 0, idempotentMutations: 0 };

/** Keeps counts finite however big a bomb is: anything past this is over every limit anyway. */
const CAP = 1e12;
const capped = (n: number) => Math.min(CAP, n);

/**
 * Measures one operation as if its fragments were expanded, in time linear in the document: each
 * fragment is measured once and reused (a fragment bomb expands exponentially; its measure does not).
 * Cost is linear in the list sizes above a selection, so a fragment's cost is computed at multiplier 1
 * and scaled where it is spread. A fragment cycle (a validation error anyway) counts as empty.
 */
export function measureOperation(
  doc: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  /** Names of the mutations that take an `idempotencyKey` (`idempotentMutationsOf(schema)`). Default none. */
  idempotentFields: ReadonlySet<string> = new Set(),
  /** Leave `__schema` and `__type` selections out of every measure. Default false. */
  ignoreIntrospection = false,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Measures>();
  const inProgress = new Set<string>();
  // Every selection set is measured once (fragments through `memo`), so counting here counts as written.
  let written = 0;

  const firstOf = (args: ReadonlyArray<{ name: { value: string }; value: ValueNode }> | undefined): number | null => {
    const arg = args?.find((a) => a.name.value === 'first');
    if (!arg) return null;
    if (arg.value.kind === Kind.INT) return Number(arg.value.value);
    if (arg.value.kind === Kind.VARIABLE) {
      const v = variables[arg.value.name.value];
      return typeof v === 'number' ? v : DEFAULT_FIRST;
    }
    return DEFAULT_FIRST;
  };

  /** The number of `ids` given (`nodes(ids:)`), or null when the field takes none. */
  const idsOf = (args: ReadonlyArray<{ name: { value: string }; value: ValueNode }> | undefined): number | null => {
    const arg = args?.find((a) => a.name.value === 'ids');
    if (!arg) return null;
    if (arg.value.kind === Kind.LIST) return arg.value.values.length;
    if (arg.value.kind === Kind.VARIABLE) {
      const v = variables[arg.value.name.value];
      return Array.isArray(v) ? v.length : 1;
    }
    return 1;
  };

  const measureSet = (set: SelectionSetNode): Measures => {
    const m: Measures = { ...EMPTY };
    const add = (o: Measures, scale = 1) => {
      m.depth = Math.max(m.depth, o.depth);
      m.aliases = capped(m.aliases + o.aliases);
      m.directives = capped(m.directives + o.directives);
      m.cost = capped(m.cost + o.cost * scale);
      m.idempotentMutations = capped(m.idempotentMutations + o.idempotentMutations);
    };
    for (const sel of set.selections) {
      m.directives = capped(m.directives + (sel.directives?.length ?? 0));
      if (sel.kind === Kind.FIELD) {
        if (ignoreIntrospection && INTROSPECTION_ROOTS.has(sel.name.value)) continue;
        if (sel.alias) m.aliases = capped(m.aliases + 1);
        written++;
        if (!sel.selectionSet) continue;
        const child = measureSet(sel.selectionSet);
        const idempotent = idempotentFields.has(sel.name.value);
        const ids = idsOf(sel.arguments);
        let cost: number;
        if (idempotent) {
          cost = IDEMPOTENT_MUTATION_COST + child.cost;
        } else if (ids !== null) {
          // One `node(id:)` per id.
          cost = Math.max(1, ids) * (1 + child.cost);
        } else {
          const first = firstOf(sel.arguments);
          const listed = first ?? (sel.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges') ? DEFAULT_FIRST : 1);
          cost = 1 + Math.max(1, listed) * child.cost;
        }
        add({ ...child, depth: child.depth + 1, cost, idempotentMutations: child.idempotentMutations + (idempotent ? 1 : 0) });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        add(measureSet(sel.selectionSet));
      } else {
        add(measureFragment(sel.name.value));
      }
    }
    return m;
  };

  const measureFragment = (name: string): Measures => {
    const known = memo.get(name);
    if (known) return known;
    const frag = fragments.get(name);
    if (!frag || inProgress.has(name)) return { ...EMPTY };
    inProgress.add(name);
    const inner = measureSet(frag.selectionSet);
    inProgress.delete(name);
    const m = { ...inner, directives: capped(inner.directives + (frag.directives?.length ?? 0)) };
    memo.set(name, m);
    return m;
  };

  const m = measureSet(operation.selectionSet);
  return { ...m, directives: capped(m.directives + (operation.directives?.length ?? 0)), fields: written };
}

const idempotentBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/**
 * The mutations that take an `idempotencyKey` (an argument of that name, or an input object with that
 * field): read from the schema, so a new side-effecting mutation is counted the day it gets its key.
 */
export function idempotentMutationsOf(schema: GraphQLSchema): ReadonlySet<string> {
  const known = idempotentBySchema.get(schema);
  if (known) return known;
  const names = new Set<string>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const keyed = field.args.some((arg) => {
      if (arg.name === 'idempotencyKey') return true;
      const type = getNamedType(arg.type);
      return isInputObjectType(type) && 'idempotencyKey' in type.getFields();
    });
    if (keyed) names.add(field.name);
  }
  idempotentBySchema.set(schema, names);
  return names;
}

/** Deep enough for any input type of this schema; a deeper value is refused by coercion anyway. */
const MAX_INPUT_DEPTH = 32;

/** The longest list in `value` read as `type` (lists of the schema only: a JSON scalar is opaque). */
function longestListIn(value: unknown, type: GraphQLInputType, depth = 0): number {
  if (value === null || value === undefined || depth > MAX_INPUT_DEPTH) return 0;
  const t = getNullableType(type);
  if (isListType(t)) {
    const item = t.ofType;
    // A single value where a list is expected is coerced to a list of one.
    if (!Array.isArray(value)) return longestListIn(value, item, depth + 1);
    let longest = value.length;
    if (isLeafType(getNullableType(item))) return longest;
    for (const v of value) longest = Math.max(longest, longestListIn(v, item, depth + 1));
    return longest;
  }
  if (isInputObjectType(t) && typeof value === 'object' && !Array.isArray(value)) {
    let longest = 0;
    for (const field of Object.values(t.getFields())) {
      if (!Object.hasOwn(value, field.name)) continue;
      longest = Math.max(longest, longestListIn((value as Record<string, unknown>)[field.name], field.type, depth + 1));
    }
    return longest;
  }
  return 0;
}

/**
 * The longest list among the operation's arguments: list literals in the operation and its fragments
 * (and in variable defaults), and the variables' values read as their declared types. A literal inside a
 * JSON scalar is not a list of the schema and is skipped. Linear in the document and the variables.
 */
export function longestList(schema: GraphQLSchema, doc: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  let longest = 0;
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type);
    if (type && Object.hasOwn(variables, def.variable.name.value)) {
      longest = Math.max(longest, longestListIn(variables[def.variable.name.value], type as GraphQLInputType));
    }
  }
  return Math.max(longest, longestLiteralList(schema, doc, operation));
}

const literalListsBySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, number>>();

/**
 * The longest list literal in the operation and the document's fragments: it depends on the document alone, so it
 * is worked out once per parsed document (Apollo's document store hands every request with the same text the same
 * `DocumentNode`, and so the same operation node). The TypeInfo walk was about 3% of the gateway's CPU on a
 * polled query (bench/dashboards profile, bench/RESULTS.md).
 */
function longestLiteralList(schema: GraphQLSchema, doc: DocumentNode, operation: OperationDefinitionNode): number {
  let bySchema = literalListsBySchema.get(schema);
  if (!bySchema) literalListsBySchema.set(schema, (bySchema = new WeakMap()));
  const known = bySchema.get(operation);
  if (known !== undefined) return known;
  let longest = 0;
  for (const def of doc.definitions) {
    if (def !== operation && def.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const typeInfo = new TypeInfo(schema);
    visit(
      def,
      visitWithTypeInfo(typeInfo, {
        ListValue(node) {
          // Entering a list, TypeInfo has pushed its item type; the list's own type is one below.
          if (isListType(getNullableType(typeInfo.getParentInputType()))) longest = Math.max(longest, node.values.length);
        },
      }),
    );
  }
  bySchema.set(operation, longest);
  return longest;
}

/** The refusal of a subscription sent as an HTTP request to `/graphql`. */
export const SUBSCRIPTION_OVER_HTTP_MESSAGE = 'subscriptions are served over graphql-ws (a WebSocket on /graphql) or graphql-sse (/graphql/stream), not as HTTP requests';
const SUBSCRIPTION_OVER_HTTP = () => new GraphQLError(SUBSCRIPTION_OVER_HTTP_MESSAGE, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * The first limit an operation passes, as the error the client gets, or null: the one check of HTTP requests
 * (the plugin below) and of subscription documents over graphql-ws and graphql-sse (src/http/live.ts).
 */
export function limitsRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
  ignoreIntrospection: boolean,
): GraphQLError | null {
  const m = measureOperation(document, operation, variables, idempotentMutationsOf(schema), ignoreIntrospection);
  if (m.depth > limits.maxDepth) return limitError('depth', limits.maxDepth, m.depth);
  if (m.aliases > limits.maxAliases) return limitError('aliases', limits.maxAliases, m.aliases);
  if (m.directives > limits.maxDirectives) return limitError('directives', limits.maxDirectives, m.directives);
  // Before cost: 20,000 ids are a list too long, not merely an expensive query.
  const list = longestList(schema, document, operation, variables);
  if (list > limits.maxListLength) return limitError('listLength', limits.maxListLength, list);
  if (m.idempotentMutations > limits.maxIdempotentMutations) return limitError('idempotentMutations', limits.maxIdempotentMutations, m.idempotentMutations);
  if (m.cost > limits.maxCost) return limitError('cost', limits.maxCost, m.cost);
  if (m.fields > limits.maxFields) return limitError('fields', limits.maxFields, m.fields);
  return null;
}

/**
 * Checks every request against its tenant's limits before execution. `ignoreIntrospection` is the
 * server's `introspection` setting: introspection is exempt exactly when it is served.
 */
export function createQueryLimitsPlugin(limitsFor: (ctx: GatewayContext) => QueryLimits, opts: { ignoreIntrospection: boolean }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const limits = limitsFor(contextValue);
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          // Not a limit, but checked before execution like one: HTTP has no stream to send events on (issue 17).
          if (operation.operation === 'subscription') throw SUBSCRIPTION_OVER_HTTP();
          const refusal = limitsRefusal(schema, document, operation, request.variables ?? {}, limits, opts.ignoreIntrospection);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
