/**
 * Limits against abusive queries, checked before anything executes (OWASP GraphQL cheat sheet; the
 * numbers after GraphQL Armor's defaults: notes/hardening-and-libraries.md §1.2):
 *
 * - tokens: counted with graphql-js's lexer before parsing, so a huge document costs no parse;
 * - depth, aliases, directives: counted over the operation with its fragments expanded;
 * - cost: the vendor work a query can cause. Every field with a selection counts 1, and a list field
 *   multiplies what is below it by its `first` (50 when not given), so `calls(first: 100) { agent }`
 *   costs about 300 and a connection nested in a connection costs tens of thousands.
 *
 * Limits are per tenant (`tenants[].limits` over `server.limits`). A refusal is a BAD_USER_INPUT with
 * HTTP 400 and `extensions.limit`, `max` and `actual`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DocumentNode,
  type FragmentDefinitionNode,
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
}

/** The default page size of list fields without `first` (schema: `first: Int = 50`). */
const DEFAULT_FIRST = 50;

function refuse(limit: keyof QueryLimits, name: string, max: number, actual: number): never {
  throw new GraphQLError(`query ${name} is ${actual}, over the limit of ${max}`, {
    extensions: { code: 'BAD_USER_INPUT', limit: name, max, actual, http: { status: 400 } },
  });
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
}

/** Measures one operation, fragments expanded (a fragment cycle is a validation error; the guard stops it here too). */
export function measureOperation(doc: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Measures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const m: Measures = { depth: 0, aliases: 0, directives: operation.directives?.length ?? 0, cost: 0 };

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

  const walk = (set: SelectionSetNode, depth: number, multiplier: number, seen: ReadonlySet<string>): void => {
    m.depth = Math.max(m.depth, depth);
    for (const sel of set.selections) {
      m.directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) m.aliases++;
        if (!sel.selectionSet) continue;
        m.cost += multiplier;
        const first = firstOf(sel.arguments);
        const listed = first ?? (sel.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges') ? DEFAULT_FIRST : 1);
        walk(sel.selectionSet, depth + 1, multiplier * Math.max(1, listed), seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, depth, multiplier, seen);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || seen.has(name)) continue;
        m.directives += frag.directives?.length ?? 0;
        walk(frag.selectionSet, depth, multiplier, new Set([...seen, name]));
      }
      // Stop walking a bomb as soon as it is known to be one.
      if (m.cost > 1e9) return;
    }
  };
  walk(operation.selectionSet, 0, 1, new Set());
  return m;
}

/** Checks every request against its tenant's limits before execution. */
export function createQueryLimitsPlugin(limitsFor: (ctx: GatewayContext) => QueryLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const limits = limitsFor(contextValue);
      return {
        async parsingDidStart({ request }) {
          if (request.query) {
            const tokens = countTokens(request.query, limits.maxTokens);
            if (tokens > limits.maxTokens) refuse('maxTokens', 'tokens', limits.maxTokens, tokens);
          }
        },
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const m = measureOperation(document, operation, request.variables ?? {});
          if (m.depth > limits.maxDepth) refuse('maxDepth', 'depth', limits.maxDepth, m.depth);
          if (m.aliases > limits.maxAliases) refuse('maxAliases', 'aliases', limits.maxAliases, m.aliases);
          if (m.directives > limits.maxDirectives) refuse('maxDirectives', 'directives', limits.maxDirectives, m.directives);
          if (m.cost > limits.maxCost) refuse('maxCost', 'cost', limits.maxCost, m.cost);
        },
      };
    },
  };
}
