/**
 * Limits against abusive queries, checked before anything executes (OWASP GraphQL cheat sheet; the
 * numbers after GraphQL Armor's defaults: notes/hardening-and-libraries.md §1.2):
 *
 * - tokens: counted with graphql-js's lexer by the HTTP layer before Apollo parses (server.ts): an error
 *   thrown from Apollo's `parsingDidStart` would be a 500, so `tokenLimitError` is called there;
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
}

/** Keeps counts finite however big a bomb is: anything past this is over every limit anyway. */
const CAP = 1e12;
const capped = (n: number) => Math.min(CAP, n);

/**
 * Measures one operation as if its fragments were expanded, in time linear in the document: each
 * fragment is measured once and reused (a fragment bomb expands exponentially; its measure does not).
 * Cost is linear in the list sizes above a selection, so a fragment's cost is computed at multiplier 1
 * and scaled where it is spread. A fragment cycle (a validation error anyway) counts as empty.
 */
export function measureOperation(doc: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Measures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Measures>();
  const inProgress = new Set<string>();

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

  const measureSet = (set: SelectionSetNode): Measures => {
    const m: Measures = { depth: 0, aliases: 0, directives: 0, cost: 0 };
    const add = (o: Measures, scale = 1) => {
      m.depth = Math.max(m.depth, o.depth);
      m.aliases = capped(m.aliases + o.aliases);
      m.directives = capped(m.directives + o.directives);
      m.cost = capped(m.cost + o.cost * scale);
    };
    for (const sel of set.selections) {
      m.directives = capped(m.directives + (sel.directives?.length ?? 0));
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) m.aliases = capped(m.aliases + 1);
        if (!sel.selectionSet) continue;
        const first = firstOf(sel.arguments);
        const listed = first ?? (sel.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges') ? DEFAULT_FIRST : 1);
        const child = measureSet(sel.selectionSet);
        add({ depth: child.depth + 1, aliases: child.aliases, directives: child.directives, cost: 1 + Math.max(1, listed) * child.cost });
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
    if (!frag || inProgress.has(name)) return { depth: 0, aliases: 0, directives: 0, cost: 0 };
    inProgress.add(name);
    const inner = measureSet(frag.selectionSet);
    inProgress.delete(name);
    const m = { ...inner, directives: capped(inner.directives + (frag.directives?.length ?? 0)) };
    memo.set(name, m);
    return m;
  };

  const m = measureSet(operation.selectionSet);
  return { ...m, directives: capped(m.directives + (operation.directives?.length ?? 0)) };
}

/** Checks every request against its tenant's limits before execution. */
export function createQueryLimitsPlugin(limitsFor: (ctx: GatewayContext) => QueryLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const limits = limitsFor(contextValue);
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const m = measureOperation(document, operation, request.variables ?? {});
          if (m.depth > limits.maxDepth) throw limitError('depth', limits.maxDepth, m.depth);
          if (m.aliases > limits.maxAliases) throw limitError('aliases', limits.maxAliases, m.aliases);
          if (m.directives > limits.maxDirectives) throw limitError('directives', limits.maxDirectives, m.directives);
          if (m.cost > limits.maxCost) throw limitError('cost', limits.maxCost, m.cost);
        },
      };
    },
  };
}
