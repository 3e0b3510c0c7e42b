/** `GET /manager/api/v1/agents` of the Apps API simulator: the vendor doc's "Users" list with its filters and paging. */
import type { SimContext, SimReply } from '../common/server';
import { badRequest, USERS_400 } from './errors';
import { pageReply, readPage, requestOrigin } from './paging';
import type { Agent, AppsApiState } from './seed';

/** "Ensure you are not filtering more than 1000 values at a time" (vendor-docs/apps-api.txt "Users"). */
export const MAX_FILTER_VALUES = 1000;

/** Array filters (Rails-style `name[]=a&name[]=b`): the agent field each one matches. */
const ARRAY_FILTERS = {
  id: (a: Agent) => String(a.id),
  agent_number: (a: Agent) => a.agent_number,
  status_id: (a: Agent) => String(a.status_id),
  online: (a: Agent) => String(a.online),
  wrap_up: (a: Agent) => String(a.wrap_up),
  location: (a: Agent) => a.location,
} as const;

/** Time-range filters: `name[from]` (on or after) and `name[to]` (on or before). */
const RANGE_FILTERS = {
  last_login_time: (a: Agent) => a.last_login_time,
  status_updated_at: (a: Agent) => a.status_updated_at,
} as const;

/**
 * Booleans arrive as strings. "true"/"false" are what the doc's filters carry; "1"/"0" are accepted as Rails casts
 * them. ASSUMPTION: any other value matches no agent.
 */
function normalizeBoolean(v: string): string {
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return 'true';
  if (t === 'false' || t === '0') return 'false';
  return `invalid:${v}`;
}

/**
 * Parses an ISO 8601 time in UTC. A date-time without a zone is taken as UTC (the doc says "Time in UTC"); a date alone is
 * midnight UTC. Returns NaN for anything else.
 */
export function parseUtcTime(v: string): number {
  const t = v.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(t);
  if (!m) return NaN;
  if (!m[2]) return Date.parse(`${m[1]}T00:00:00Z`);
  const zone = m[3] ? (/^[+-]\d{4}$/.test(m[3]) ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3].toUpperCase()) : 'Z';
  return Date.parse(`${m[1]}T${m[2]}${zone}`);
}

/** Lists agents: filters, the >1000-values rule, the optional legacy rules, then paging. */
export function listAgents(state: AppsApiState, ctx: SimContext, fallbackOrigin: string, strictLegacyFilterRules: boolean): SimReply {
  const q = ctx.query;
  const paging = readPage(q);
  if ('reply' in paging) return paging.reply;

  // Collect the filters that are present, by filter name (a range's [from] and [to] are one filter).
  const arrayValues = new Map<keyof typeof ARRAY_FILTERS, string[]>();
  for (const name of Object.keys(ARRAY_FILTERS) as Array<keyof typeof ARRAY_FILTERS>) {
    const values = q.getAll(`${name}[]`);
    if (values.length > 0) arrayValues.set(name, values);
  }
  const ranges = new Map<keyof typeof RANGE_FILTERS, { from: string | null; to: string | null }>();
  for (const name of Object.keys(RANGE_FILTERS) as Array<keyof typeof RANGE_FILTERS>) {
    const from = q.get(`${name}[from]`);
    const to = q.get(`${name}[to]`);
    if (from !== null || to !== null) ranges.set(name, { from, to });
  }

  for (const values of arrayValues.values()) {
    if (values.length > MAX_FILTER_VALUES) return badRequest(USERS_400.tooManyFilterValues);
  }

  // The vendor doc's two old rules, not found in the current docs (notes §1 "Old constraints that appear only in the
  // vendor doc"), so they are enforced only when asked for.
  const filterCount = arrayValues.size + ranges.size;
  if (strictLegacyFilterRules && filterCount > 0) {
    if (q.has('page') || q.has('per')) return badRequest(USERS_400.cannotPaginateFiltered);
    if (filterCount > 1) return badRequest(USERS_400.onlyOneFilter);
  }

  const bounds: Array<{ field: (a: Agent) => string | null; fromMs: number | null; toMs: number | null }> = [];
  for (const [name, { from, to }] of ranges) {
    const fromMs = from === null ? null : parseUtcTime(from);
    const toMs = to === null ? null : parseUtcTime(to);
    // ASSUMPTION: the docs give no message for an unreadable time; we answer 400 in the vendor's shape.
    if (Number.isNaN(fromMs)) return badRequest(`Invalid time for ${name}[from] - use ISO 8601 in UTC`);
    if (Number.isNaN(toMs)) return badRequest(`Invalid time for ${name}[to] - use ISO 8601 in UTC`);
    bounds.push({ field: RANGE_FILTERS[name], fromMs, toMs });
  }

  const sets = [...arrayValues].map(([name, values]) => {
    const isBool = name === 'online' || name === 'wrap_up';
    return { field: ARRAY_FILTERS[name], set: new Set(values.map((v) => (isBool ? normalizeBoolean(v) : v.trim()))) };
  });

  const matches = state.agents.filter((agent) => {
    for (const { field, set } of sets) if (!set.has(field(agent))) return false;
    for (const { field, fromMs, toMs } of bounds) {
      const value = field(agent);
      if (value === null) return false; // never logged in: outside any last_login_time range
      const ms = Date.parse(value);
      if (fromMs !== null && ms < fromMs) return false;
      if (toMs !== null && ms > toMs) return false;
    }
    return true;
  });
  matches.sort((a, b) => a.id - b.id);
  return pageReply(ctx, requestOrigin(ctx, fallbackOrigin), matches, paging);
}
