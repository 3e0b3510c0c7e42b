/** DateTime (ISO 8601, UTC) and JSON scalars. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function parseDate(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new GraphQLError(`expected DateTime to be an ISO 8601 date-time with a zone, got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * The ISO text of each Date already serialised. The domain's dates live in shared copies (the live engine's, the
 * response cache's readings), so a polled list formats the same Date objects on every request: toISOString was
 * about 4% of the gateway's CPU on `agents(first: 50)` (bench/dashboards profile, bench/RESULTS.md). Keyed by the
 * object and its time, so a Date changed in place (nothing here does) is formatted again.
 */
const isoOf = new WeakMap<Date, { time: number; iso: string }>();

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => {
    const d = value instanceof Date ? value : new Date(value as string);
    const time = d.getTime();
    const known = isoOf.get(d);
    if (known && known.time === time) return known.iso;
    if (Number.isNaN(time)) throw new TypeError('DateTime cannot represent an invalid date');
    const iso = d.toISOString();
    if (d === value) isoOf.set(d, { time, iso });
    return iso;
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

function literalToJson(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalToJson);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value)]));
    default:
      throw new GraphQLError('JSON literals cannot contain variables', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literalToJson,
});

const PHONE = /^\+?[0-9 ().-]+$/;

function parsePhone(value: unknown): string {
  if (typeof value === 'string' && PHONE.test(value.trim())) {
    const digits = value.replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) return value.trim();
  }
  throw new GraphQLError(`expected PhoneNumber to be 7 to 15 digits with an optional leading +, got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** A dialable number: digits, optional leading `+`, and the usual separators (kept as given). */
export const PhoneNumber = new GraphQLScalarType<string, string>({
  name: 'PhoneNumber',
  serialize: (v) => String(v),
  parseValue: parsePhone,
  parseLiteral: (ast) => parsePhone(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new GraphQLError(`expected Duration to be a whole number of seconds >= 0, got ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Whole seconds. */
export const Duration = new GraphQLScalarType<number, number>({
  name: 'Duration',
  serialize: (v) => Math.round(Number(v)),
  parseValue: parseDuration,
  parseLiteral: (ast) => parseDuration(ast.kind === Kind.INT ? Number(ast.value) : undefined),
});
