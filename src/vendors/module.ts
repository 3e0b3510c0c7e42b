/**
 * What a vendor registers: one `VendorModule` per vendor, exported by `src/vendors/<key>/index.ts` and listed
 * in `src/vendors/registry.ts`. Config, errors, GraphQL enums, demo mode, the CLI and the test stack read the
 * registry instead of naming vendors, so a vendor is added in its own folders plus one registry entry
 * (docs/adding-a-vendor.md).
 *
 * The vendor's key is its one name; the other names are derived from it by fixed rules:
 * - its simulator's property in `Simulators` and `SimulatorsOptions` (sim/index.ts): camelCase, `apps-api` -> `appsApi`;
 * - its `Vendor` enum value in the schema (src/graphql/enums.ts): SCREAMING_SNAKE, `apps-api` -> `APPS_API`.
 */
import type { z } from 'zod';
import type { SimServer } from '../../sim/common/server';
import type { Config } from '../config/schema';
import type { Tenant, VendorAdapter } from '../domain/types';
import type { ErrorFacts, SwitchboardError } from '../errors';
import type { Route } from '../http/router';
import type { StateStore } from '../state';
import type { AgentLegStore } from '../state/agentLegs';
import type { SharedConnectionState } from '../upstream/createUpstream';
import type { PoolRegistry } from '../upstream/transport';
import type { UpstreamResponse } from '../upstream/types';

/** A vendor key: lowercase words joined by `-` (`apps-api`). The registry refuses any other shape. */
export const VENDOR_KEY_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** How demo mode and the tests run a vendor's simulator and point a connection at it. */
export interface VendorSimulator<Sim extends SimServer, Options, Defaults, ConnectionFields> {
  /** Starts the simulator (sim/<key>/index.ts) on loopback with its seeded data; resolves once it listens. */
  start(options?: Options): Promise<Sim>;
  /** The simulator's seeded credentials and ids (`<KEY>_SIM_DEFAULTS`), for tests that build connections of their own. */
  readonly defaults: Defaults;
  /**
   * The stem of the connection ids given to this simulator: `<stem>-demo` in demo mode, `<stem>-a` for tenant A of
   * the test stack (test/support/stack.ts). Tests and clients use these ids, so a stem never changes.
   */
  readonly connectionName: string;
  /**
   * The connection's config fields (all but `id` and `vendor`, which the caller adds) that reach a running
   * simulator with its default credentials. Typed by the vendor's connection schema.
   */
  connection(sim: Sim): ConnectionFields;
  /**
   * A seeded agent that the demo user `agent` acts as on this connection (its `agent_id` claim maps the
   * connection id to `nativeId`). `email`, when given, becomes the demo agent's email claim (the first vendor's
   * in registry order that gives one).
   */
  demoAgent(sim: Sim): { nativeId: string; email?: string };
  /**
   * Demo mode only: more connection fields (over `connection`), and wiring once the gateway listens (Ameyo: its
   * CRM URLs pointed at the gateway, so the demo shows screen-pops end to end). Default none.
   */
  readonly demo?: {
    connection?(sim: Sim): Partial<ConnectionFields>;
    afterStart?(sim: Sim, gateway: { url: string; tenantId: string; connectionId: string }): Promise<void>;
  };
}

/** Everything the gateway needs from one vendor. */
export interface VendorModule<K extends string = string, Schema extends z.ZodObject = z.ZodObject, Sim extends SimServer = SimServer, SimOptions = unknown, Defaults = unknown> {
  /** The `vendor` value in config, in errors' `extensions.vendor`, and in metric labels. Never changes once released. */
  readonly key: K;
  /** The connection's config schema: `vendorConnection(key, {...})` from src/config/connection.ts, in `./config.ts`. */
  readonly connection: Schema;
  /** Builds the adapter for one configured connection (`create<Vendor>Adapter` from `./adapter`). */
  createAdapter(tenantId: string, pools: PoolRegistry, config: z.output<Schema>, shared?: ConnectionState): VendorAdapter;
  /** Turns the vendor's error responses into our error classes (`./errors.ts`); the adapter hands it to its upstream. */
  toError(res: UpstreamResponse, facts: ErrorFacts): SwitchboardError;
  readonly simulator: VendorSimulator<Sim, SimOptions, Defaults, Omit<z.input<Schema>, 'id' | 'vendor'>>;
  /** HTTP routes the vendor calls on the gateway (Ameyo's CRM URLs), added to the gateway's routes table. Default none. */
  httpRoutes?(deps: VendorRouteDeps): Route[];
}

/** What a connection's adapter gets from the state store (src/state/): the upstream's budget and cache, and what the vendor's callbacks recorded. */
export interface ConnectionState extends SharedConnectionState {
  /** Agents' voice legs the vendor's CRM callbacks named (Ameyo's CRM URLs, issue 16 item 1). Default none: the adapter goes without. */
  agentLegs?: AgentLegStore | undefined;
}

/** What a vendor's own HTTP routes get from the gateway at start. */
export interface VendorRouteDeps {
  config: Config;
  tenants: ReadonlyMap<string, Tenant>;
  state: StateStore;
}

/**
 * Declares a vendor module. An identity function: it only makes TypeScript check the parts against each other
 * (the adapter takes what the schema outputs, the simulator connection fits the schema's input) while keeping
 * the literal key and the simulator's own types.
 */
export function defineVendor<const K extends string, Schema extends z.ZodObject, Sim extends SimServer, SimOptions, Defaults>(
  module: VendorModule<K, Schema, Sim, SimOptions, Defaults>,
): VendorModule<K, Schema, Sim, SimOptions, Defaults> {
  return module;
}

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** A vendor's property in `Simulators` and `SimulatorsOptions`: `apps-api` -> `appsApi`. */
export type SimulatorName<K extends string> = CamelCase<K>;

export function simulatorName<K extends string>(key: K): SimulatorName<K> {
  return key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) as SimulatorName<K>;
}
