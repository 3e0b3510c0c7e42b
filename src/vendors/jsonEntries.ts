/**
 * A JSON reader that keeps every key of an object, duplicates included, and (on request) the exact digits
 * of integers past 2^53 (Ameyo's `task_id`s: notes/vendors-real-world.md §3d). `JSON.parse` keeps only the last
 * of two equal keys; the campaign API's leads-by-status report prints a status twice in one object
 * (campaign-api-9443.txt "Get Campaigns status and Leads by Status": "success": 10 and "success": 25, with
 * total_leads 44 = 4 + 10 + 5 + 25), so the parts must be seen to be summed.
 *
 * Objects come back as `JsonObject` (entries in order); arrays and scalars as usual.
 */

export class JsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, JsonValue]>) {}

  /** The last value of `key`, as JSON.parse would keep it. */
  get(key: string): JsonValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]![0] === key) return this.entries[i]![1];
    return undefined;
  }
}

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

export interface ParseOptions {
  /** Return integers beyond Number.MAX_SAFE_INTEGER as their exact digits (a string), not a rounded number. */
  exactIntegers?: boolean;
}

export function parseJsonKeepingDuplicates(text: string, opts: ParseOptions = {}): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const string = (): string => {
    // Delegate escapes to JSON.parse on the exact token.
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<readonly [string, JsonValue]> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return new JsonObject(entries);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        entries.push([key, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === '}') return new JsonObject(entries);
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === ']') return items;
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    const n = JSON.parse(m[0]) as JsonValue;
    if (opts.exactIntegers && typeof n === 'number' && !Number.isSafeInteger(n) && /^-?\d+$/.test(m[0])) return m[0];
    return n;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('unexpected data after the value');
  return result;
}

/** Converts to plain JSON (last duplicate wins), for `raw` fields and shape checks. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v.entries) out[k] = toPlain(val);
    return out;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}
