/**
 * Loads a config file: YAML, then `${ENV_VAR}` interpolation in string values, then validation.
 * Every message names the bad field by its path (`tenants[0].connections[2].vendor`) and never prints a
 * value, so a secret that landed in the wrong field does not end up in a log.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { VENDOR_KEYS } from '../vendors/registry';
import { configSchema, type Config, type ConfigInput } from './schema';

type PathPart = string | number;

export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${NAME}` in every string value with the environment variable NAME. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: PathPart[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') {
        throw new ConfigError(`config: ${formatPath(path)}: environment variable ${name} is not set`);
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k])]));
  }
  return value;
}

/** The value at `path` in the raw input (undefined when any step is missing). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  // Messages are built from the issue's kind, never from the input, so no value is ever echoed.
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(input, issue.path) === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_union':
      if (issue.path.at(-1) === 'vendor' || 'discriminator' in issue) {
        return `unknown vendor (expected ${VENDOR_KEYS.join(' | ')})`;
      }
      return 'does not match any allowed shape';
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
    default:
      return issue.message;
  }
}

/** Validates a parsed (and interpolated) config object and checks cross-field rules. */
export function validateConfig(input: unknown): Config {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      let path = [...i.path] as PathPart[];
      // A discriminated union reports an unknown discriminator at the union; name the field itself.
      if (i.code === 'invalid_union' && 'discriminator' in i && typeof i.discriminator === 'string' && path.at(-1) !== i.discriminator) {
        path = [...path, i.discriminator];
      }
      return `  ${formatPath(path)}: ${describeIssue(i, input)}`;
    });
    throw new ConfigError(`config is invalid:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const problems: string[] = [];
  const tenantIds = new Set<string>();
  const keyOwners = new Map<string, number>();
  config.tenants.forEach((t, ti) => {
    if (tenantIds.has(t.id)) problems.push(`  tenants[${ti}].id: duplicate tenant id '${t.id}'`);
    tenantIds.add(t.id);
    t.apiKeys.forEach((k, ki) => {
      const owner = keyOwners.get(k);
      if (owner !== undefined) {
        problems.push(`  tenants[${ti}].apiKeys[${ki}]: the same key is already used by tenants[${owner}]`);
      }
      keyOwners.set(k, ti);
    });
    const jwks = t.auth.jwt?.jwks;
    if (jwks && 'file' in jwks) {
      // Read once at load, so a wrong path fails the start, not every sign-in (src/identity/jwt.ts reads it again later).
      const problem = jwksFileProblem(jwks.file);
      if (problem) problems.push(`  tenants[${ti}].auth.jwt.jwks.file: ${problem}`);
    }
    const connIds = new Set<string>();
    t.connections.forEach((c, ci) => {
      if (connIds.has(c.id)) problems.push(`  tenants[${ti}].connections[${ci}].id: duplicate connection id '${c.id}' in tenant '${t.id}'`);
      connIds.add(c.id);
    });
  });
  if (problems.length) throw new ConfigError(`config is invalid:\n${problems.join('\n')}`);
  return config;
}

/** Why a JWKS file cannot be used, or null. */
function jwksFileProblem(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const keys = (JSON.parse(text) as { keys?: unknown }).keys;
    return Array.isArray(keys) && keys.length > 0 ? null : 'is not a JWKS: expected {"keys": [...]} with at least one key';
  } catch {
    return 'is not valid JSON';
  }
}

/** Builds a Config from an in-memory object (demo mode, tests). */
export function resolveConfig(input: ConfigInput): Config {
  return validateConfig(input);
}

/** Reads, interpolates and validates a YAML config file. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // yaml's messages quote the offending line, which may hold a secret: keep only the position.
    const pos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ConfigError(`config: ${file} is not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`);
  }
  return validateConfig(interpolateEnv(doc, env));
}
