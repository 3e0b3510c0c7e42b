/**
 * Abuse suite, fuzzing: a seeded generator of documents from the schema (random fields, random valid and
 * invalid arguments, queries and mutations) and of garbage mutations of them (deleted braces, wrong
 * types, unknown fields, duplicated aliases, truncation), sent over HTTP. No 5xx without a GraphQL error
 * body, no INTERNAL, every error has a code, the server stays up, and the heap comes back to its baseline.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { encodeGlobalId } from '../../src/graphql/ids';
import { buildSchema } from '../../src/graphql/schema';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';
import { FAST_SIMS, fiveHundredWithoutErrors, healthy, jsonOf, prng, rawRequest } from './helpers';

type Rng = ReturnType<typeof prng>;

const CONNECTIONS = ['ameyo-a', 'apps-a', 'dialer-a'];
const ID_POOL = [
  ...CONNECTIONS,
  'nope',
  '',
  '..',
  '1',
  '1&per=1000',
  '../../agents',
  encodeGlobalId('Agent', 'apps-a', '1'),
  encodeGlobalId('Call', 'apps-a', '1/../../x'),
  encodeGlobalId('Campaign', 'apps-a', '1'),
  encodeGlobalId('Campaign', 'dialer-a', '1'),
  encodeGlobalId('Lead', 'dialer-a', '1/2'),
  encodeGlobalId('Queue', 'apps-a', 'en/1'),
  encodeGlobalId('Agent', 'ameyo-a', 'u1\r\nX: y'),
  'not base64 !!',
  'W10',
];
const STRINGS = ['', 'a', 'en', 'Available', 'x'.repeat(300), '"quoted"', '\\', 'line\nbreak', '💥', '<script>', "'; DROP TABLE", '%2F..%2F', '\u0000'];
const INTS = [0, 1, 5, 37, 100, 101, -1, 100000, 2147483647];
const PHONES = ['+14155550101', '415-555-0102', '12', 'abc', '+1 (415) 555-0103', ''];
const DATES = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+02:00', '2026-01-01', 'yesterday', '2026-13-45T99:99:99Z'];

class Generator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rng: Rng,
  ) {}

  /** A literal of `type`, valid with high probability, sometimes deliberately wrong. */
  value(type: GraphQLInputType, depth = 0): string {
    const r = this.rng;
    if (r.chance(0.04)) return r.pick(['null', '42', '"wrong"', 'true', '[1]', '{ bogus: 1 }', 'NOPE', '$undeclared']);
    if (isNonNullType(type)) return this.value(type.ofType, depth);
    if (isListType(type)) {
      const n = r.int(3);
      return `[${Array.from({ length: n }, () => this.value(type.ofType, depth + 1)).join(', ')}]`;
    }
    if (isEnumType(type)) return r.chance(0.9) ? r.pick(type.getValues()).name : 'NOT_A_VALUE';
    if (isInputObjectType(type)) {
      if (depth > 3) return '{}';
      const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || r.chance(0.4));
      return `{ ${fields.map((f) => `${f.name}: ${this.value(f.type, depth + 1)}`).join(', ')} }`;
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case 'Int':
          return String(r.pick(INTS));
        case 'Float':
          return r.pick(['1.5', '0', '-3.25']);
        case 'Boolean':
          return r.pick(['true', 'false']);
        case 'ID':
          return JSON.stringify(r.pick(ID_POOL));
        case 'String':
          return JSON.stringify(r.pick(STRINGS));
        case 'PhoneNumber':
          return JSON.stringify(r.pick(PHONES));
        case 'DateTime':
          return JSON.stringify(r.pick(DATES));
        case 'Duration':
          return r.pick(['0', '30', '-5', '1.5']);
        case 'JSON':
          return r.pick(['{ a: 1 }', '[1, "x"]', '"s"', 'null']);
        case 'Upload':
          return 'null';
      }
    }
    return 'null';
  }

  private args(field: GraphQLField<unknown, unknown>): string {
    const chosen = field.args.filter((a) => isNonNullType(a.type) || this.rng.chance(0.5));
    if (this.rng.chance(0.03)) return '(bogusArg: 1)';
    return chosen.length ? `(${chosen.map((a) => `${a.name}: ${this.value(a.type)}`).join(', ')})` : '';
  }

  selection(type: GraphQLNamedType, depth: number): string {
    const r = this.rng;
    if (isInterfaceType(type) || isUnionType(type)) {
      const impls = isUnionType(type) ? type.getTypes() : this.schema.getPossibleTypes(type);
      const impl = r.pick(impls);
      return `{ __typename ... on ${impl.name} ${this.selection(impl, depth)} }`;
    }
    const obj = type as GraphQLObjectType;
    const fields = Object.values(obj.getFields());
    const n = 1 + r.int(4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = r.pick(fields);
      const named = getNamedType(f.type);
      const alias = r.chance(0.2) ? `a${i}: ` : '';
      if (isLeafType(named)) parts.push(`${alias}${f.name}${this.args(f)}`);
      else if (depth < 4) parts.push(`${alias}${f.name}${this.args(f)} ${this.selection(named, depth + 1)}`);
      else parts.push('__typename');
    }
    return `{ ${parts.join(' ')} }`;
  }

  document(): string {
    const mutation = this.rng.chance(0.25);
    const root = mutation ? this.schema.getMutationType()! : this.schema.getQueryType()!;
    const fields = Object.values(root.getFields());
    const n = mutation ? 1 : 1 + this.rng.int(2);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const f = this.rng.pick(fields);
      const named = getNamedType(f.type);
      parts.push(isLeafType(named) ? `${f.name}${this.args(f)}` : `${f.name}${this.args(f)} ${this.selection(named, 1)}`);
    }
    return `${mutation ? 'mutation' : 'query'} Fuzz { ${parts.join(' ')} }`;
  }

  /** A valid-looking document broken in one random way. */
  garbage(doc: string): string {
    const r = this.rng;
    const at = r.int(doc.length);
    switch (r.int(8)) {
      case 0: {
        const braces = [...doc.matchAll(/[{}]/g)].map((m) => m.index);
        const i = braces.length ? r.pick(braces) : at;
        return doc.slice(0, i) + doc.slice(i + 1);
      }
      case 1:
        return doc.replace(/: "[^"]*"/, ': 12345').replace(/: \d+/, ': "not a number"');
      case 2:
        return doc.replace(/\{ /, '{ unknownField { deeper } ');
      case 3:
        return doc.replace(/\{ (\w+)/, '{ dup: $1 dup: __typename ');
      case 4:
        return doc.slice(0, at);
      case 5:
        return doc.slice(0, at) + r.pick(['$', '@', '...', '"', '#', '!', '&', '\u0000', '{{{{', ')']) + doc.slice(at);
      case 6:
        return `${doc} ${doc}`;
      default:
        return doc.replace(/\w+/, r.pick(['fragment', 'query query', '__schema', 'mutation', 'subscription', 'query Fuzz($x: Int!)']));
    }
  }
}

/** A real `gc()`, taken from V8 at run time (`global.gc` is not exposed under jest). */
function getGc(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

describe('fuzzing the schema over HTTP', () => {
  let stack: Stack;
  const schema = buildSchema();
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      connection: { rateLimit: { requestsPerSecond: 1000, spacingMarginMs: 0 }, cacheTtlMs: 0 },
      server: { requestTimeoutMs: 5000 },
    });
  });
  afterAll(() => stack.close());

  it('generates the same documents from the same seed', () => {
    const a = new Generator(schema, prng(7));
    const b = new Generator(schema, prng(7));
    const docs = Array.from({ length: 20 }, () => a.document());
    expect(Array.from({ length: 20 }, () => b.document())).toEqual(docs);
    expect(new Set(docs).size).toBeGreaterThan(15);
  });

  it('answers 360 random valid, invalid and garbage documents without a 5xx, an INTERNAL or a code-less error; memory returns to baseline', async () => {
    const gen = new Generator(schema, prng(20261121));
    const docs: string[] = [];
    for (let i = 0; i < 240; i++) docs.push(gen.document());
    for (let i = 0; i < 120; i++) docs.push(gen.garbage(docs[i * 2]!));

    const problems: string[] = [];
    const codes = new Map<string, number>();
    let withData = 0;
    const run = async (doc: string, i: number) => {
      const res = await rawRequest(stack.graphqlUrl, {
        headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: doc, variables: {} }),
      });
      const bad = fiveHundredWithoutErrors(res.status, res.text);
      if (bad) problems.push(`#${i} ${bad}\n${doc}`);
      const body = jsonOf(res.text);
      if (!body || typeof body !== 'object') {
        problems.push(`#${i} HTTP ${res.status} not JSON: ${res.text.slice(0, 200)}\n${doc}`);
        return;
      }
      if (body.data) withData++;
      for (const e of body.errors ?? []) {
        const code = e?.extensions?.code;
        if (typeof code !== 'string') problems.push(`#${i} error without a code: ${JSON.stringify(e)}\n${doc}`);
        else codes.set(code, (codes.get(code) ?? 0) + 1);
        if (code === 'INTERNAL') problems.push(`#${i} INTERNAL: ${JSON.stringify(e)}\n${doc}`);
      }
      if (res.status >= 500) problems.push(`#${i} HTTP ${res.status}: ${res.text.slice(0, 300)}\n${doc}`);
    };
    const pool = async (items: string[], offset: number, width = 8) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (next < items.length) {
            const i = next++;
            await run(items[i]!, offset + i);
          }
        }),
      );
    };

    // Warm up (JIT, pools, sim state), then take the baseline.
    await pool(docs.slice(0, 40), 0);
    const gc = getGc();
    /** Collects until the heap stops shrinking (a collection frees under 1 %), letting pending callbacks run between. */
    const settle = async () => {
      let last = Infinity;
      await waitUntil(
        'the heap has stopped shrinking',
        () => {
          gc?.();
          const heapUsed = process.memoryUsage().heapUsed;
          const settled = heapUsed > last * 0.99;
          last = heapUsed;
          return settled;
        },
        10_000,
      );
      return process.memoryUsage();
    };
    const before = await settle();
    await pool(docs.slice(40), 40);
    const after = await settle();

    expect(problems).toEqual([]);
    expect(await healthy(stack)).toBe(true);
    // The corpus exercised real resolvers and every kind of refusal.
    expect(withData).toBeGreaterThan(50);
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']) expect(codes.get(code) ?? 0).toBeGreaterThan(0);
    // "Memory back to its baseline": generous slack, since V8 keeps some of what it grew.
    expect(after.heapUsed).toBeLessThan(before.heapUsed * 1.5);
  }, 60_000);
});
