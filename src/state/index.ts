/**
 * The one place shared and durable state lives (DESIGN.md "state"; docs/decisions.md, "Fleet state").
 * `openStateStore` reads `state` from the config and gives the gateway:
 *
 *                       embedded (default)                      redis (`state.redis`)
 *   vendor budget       per process (LocalSlots), its next slot  one GCRA key per connection (RedisSlots)
 *                       kept in SQLite across restarts
 *   response cache      the process's cache and coalescing        + shared answers and single-flight
 *   idempotency         SQLite file in `state.dataDir`           one key per record, Lua-atomic
 *   persisted queries   in memory, per tenant                    + shared, per tenant
 *   CRM SSO sessions    SQLite table beside the idempotency      one key per session, bounded per tenant
 *   agents' voice legs  SQLite table in the same file            one key per agent, with PX
 *   lead import jobs    SQLite tables in the same file           a hash per job, a PX lease key, Lua-fenced saves
 *
 * Every key carries the tenant, and the connection where the thing is per connection. Redis being
 * unreachable never stops the gateway: `reachable()` turns readiness off and each area fails as its
 * module says (the budget closed, idempotent mutations refused, cache and APQ as misses).
 */
import { LocalBus, RedisBus, type LiveBus } from '../live/bus';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import { createIdempotencyPolicies, type IdempotencyRecords } from '../domain/idempotency';
import { ConfigError } from '../errors';
import { TenantApqCache } from '../graphql/apq';
import { stateStoreUp } from '../metrics';
import { LocalSlots, type SlotBudget } from './budget';
import { BudgetMarks } from './budgetMarks';
import { RedisApqCache } from './redis/apq';
import { RedisSlots } from './redis/budget';
import { RedisConnection } from './redis/connection';
import { RedisIdempotencyRecords } from './redis/idempotency';
import { RedisPollerLeases, type PollerLeases } from './redis/leases';
import { RedisResponses, SettledChannel } from './redis/responses';
import type { SharedResponses } from './responses';
import { SqliteIdempotencyRecords } from './sqliteIdempotency';
import { SqliteCrmSessions, type CrmSessionStore } from './crmSessions';
import { RedisCrmSessions } from './redis/crmSessions';
import { SqliteAgentLegs, type AgentLegStore } from './agentLegs';
import { RedisAgentLegs } from './redis/agentLegs';
import type { LeadImportStore } from '../imports/store';
import { SqliteLeadImports } from './leadImports';
import { RedisLeadImports } from './redis/leadImports';

/** The SQLite file of the embedded store, inside `state.dataDir`. */
export const STATE_FILE = 'state.sqlite';

/** How long a Redis idempotency record may stay running past the request deadline before it counts as abandoned, ms. */
const LEASE_MARGIN_MS = 5_000;

export interface StateStore {
  readonly kind: 'embedded' | 'redis';
  readonly idempotency: IdempotencyRecords;
  /** Persisted queries (Apollo's `persistedQueries.cache`), per tenant. */
  readonly apq: KeyValueCache<string>;
  /** Where a connection's rate limiter takes its slots; undefined: its own memory. */
  budgetFor(tenantId: string, connectionId: string): ((intervalMs: number) => SlotBudget) | undefined;
  /** The connection's share of the fleet's response cache; null in the embedded store. */
  responsesFor(tenantId: string, connectionId: string): SharedResponses | null;
  /** Ameyo's CRM single sign-on sessions (issue 17, item 4). */
  readonly crmSessions: CrmSessionStore;
  /** Agents' voice legs as Ameyo's CRM URLs name them (issue 16, item 1). */
  readonly agentLegs: AgentLegStore;
  /** CSV lead import jobs, their row errors and leases (issue 18). */
  readonly leadImports: LeadImportStore;
  /** Live events (issue 17): in this process, or across the fleet through Redis pub/sub. */
  readonly bus: LiveBus;
  /** Who polls a live resource in a fleet (one replica per tenant, connection and resource); null: this process always does. */
  readonly leases: PollerLeases | null;
  /** False while the store cannot be used (Redis unreachable). */
  reachable(): boolean;
  close(): Promise<void>;
}

export async function openStateStore(config: Pick<Config, 'state' | 'server' | 'tenants'>, logger: Logger): Promise<StateStore> {
  const policies = createIdempotencyPolicies(config);
  const redis = config.state.redis;
  if (!redis) {
    const dir = path.resolve(config.state.dataDir);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new ConfigError(`config is invalid:\n  state.dataDir: cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let records: SqliteIdempotencyRecords | undefined;
    let crmSessions: SqliteCrmSessions | undefined;
    let agentLegs: SqliteAgentLegs | undefined;
    let leadImports: SqliteLeadImports | undefined;
    let marks: BudgetMarks;
    try {
      records = new SqliteIdempotencyRecords({ file: path.join(dir, STATE_FILE), policyFor: policies.policyFor });
      crmSessions = new SqliteCrmSessions({ file: path.join(dir, STATE_FILE) });
      agentLegs = new SqliteAgentLegs({ file: path.join(dir, STATE_FILE) });
      leadImports = new SqliteLeadImports({ file: path.join(dir, STATE_FILE) });
      marks = new BudgetMarks(path.join(dir, STATE_FILE));
    } catch (err) {
      // The handles already open, when a later table could not open.
      await leadImports?.close();
      agentLegs?.close();
      crmSessions?.close();
      records?.close();
      throw new ConfigError(`config is invalid:\n  state.dataDir: cannot open ${path.join(dir, STATE_FILE)} (${(err as Error).message})`);
    }
    stateStoreUp.set(1);
    return {
      kind: 'embedded',
      idempotency: records,
      apq: new TenantApqCache(),
      // In memory, starting where the last process left the connection's budget (a restart never sends early).
      budgetFor: (tenantId, connectionId) => (intervalMs) =>
        new LocalSlots(intervalMs, { nextAt: marks.nextAt(tenantId, connectionId), onChange: (nextAt) => marks.mark(tenantId, connectionId, nextAt) }),
      responsesFor: () => null,
      crmSessions,
      agentLegs,
      leadImports,
      bus: new LocalBus(),
      leases: null,
      reachable: () => true,
      close: async () => {
        marks.close();
        await leadImports.close();
        agentLegs.close();
        crmSessions.close();
        records.close();
      },
    };
  }

  const conn = new RedisConnection({ url: redis.url, keyPrefix: redis.keyPrefix, commandTimeoutMs: redis.commandTimeoutMs, logger });
  // Reported at start, field named, password never printed (connection.ts logs it); the gateway starts
  // either way and becomes ready when Redis answers.
  await conn.waitUp(Math.max(redis.commandTimeoutMs, 2_000));
  const channel = new SettledChannel(conn);
  const base = (tenantId: string, connectionId: string) => `${redis.keyPrefix}${tenantId}:${connectionId}:`;
  return {
    kind: 'redis',
    idempotency: new RedisIdempotencyRecords(conn, { policyFor: policies.policyFor, leaseMs: config.server.requestTimeoutMs + LEASE_MARGIN_MS }),
    apq: new RedisApqCache(conn),
    budgetFor: (tenantId, connectionId) => (intervalMs) => new RedisSlots(conn, `${base(tenantId, connectionId)}budget`, intervalMs),
    responsesFor: (tenantId, connectionId) => new RedisResponses(conn, channel, base(tenantId, connectionId)),
    crmSessions: new RedisCrmSessions(conn),
    agentLegs: new RedisAgentLegs(conn),
    leadImports: new RedisLeadImports(conn),
    bus: new RedisBus(conn),
    leases: new RedisPollerLeases(conn),
    reachable: () => conn.up,
    close: () => conn.close(),
  };
}
