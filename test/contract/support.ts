/**
 * Test support for the capability contracts (STYLE.md rule 15): each capability's behaviour is a list of
 * rules with stable ids, `{ id, name: 'MUST …', fn }`, defined once in test/contract/<area>.ts and run
 * against every adapter that claims the capability, over real sockets against its simulator.
 */
import { simulatorOf, startSimulators, type Simulators, type SimulatorsOptions } from '../../sim';
import type { SimServer } from '../../sim/common/server';
import { resolveConfig } from '../../src/config/load';
import type { Capability, RequestScope, VendorAdapter } from '../../src/domain/types';
import { PoolRegistry } from '../../src/upstream/transport';
import { createAdapter } from '../../src/vendors';
import { simulatorName } from '../../src/vendors/module';
import { VENDOR_KEYS } from '../../src/vendors/registry';
import { connectionsFor } from '../support/stack';

/** What a rule runs against: one connection's adapter, its simulator, and a fresh request scope. */
export interface ContractSubject {
  adapter: VendorAdapter;
  sim: SimServer;
  /** All simulators, for fixtures that read a vendor's seeded state. */
  sims: Simulators;
  scope(): RequestScope;
}

export interface ContractRule {
  /** Stable: a failing rule is named by it in CI and in issues. */
  id: string;
  /** `MUST …`: the behaviour, as a requirement. */
  name: string;
  fn(subject: ContractSubject): Promise<void>;
}

/** Registers a capability's rules for one adapter: `describe(capability)` with one `it` per rule. */
export type ContractDefiner = (subject: () => ContractSubject) => void;

export function defineContract(capability: Capability, rules: readonly ContractRule[]): ContractDefiner & { rules: readonly ContractRule[] } {
  const define: ContractDefiner = (subject) => {
    describe(capability, () => {
      for (const rule of rules) it(`${rule.id} ${rule.name}`, () => rule.fn(subject()));
    });
  };
  return Object.assign(define, { rules });
}

export interface ContractEnv {
  sims: Simulators;
  /** One adapter per registered vendor, each on its simulator, in registry order. */
  adapters: VendorAdapter[];
  subject(adapter: VendorAdapter): ContractSubject;
  close(): Promise<void>;
}

/** Every simulator without its rate limit: contracts check behaviour, not pacing (test/faults does that). */
const UNPACED = Object.fromEntries(VENDOR_KEYS.map((k) => [simulatorName(k), { requestsPerSecond: 0 }])) as SimulatorsOptions;

/** The simulators, and one adapter per registered vendor built from a real config, with no response cache. */
export async function startContractEnv(): Promise<ContractEnv> {
  const sims = await startSimulators(UNPACED);
  const config = resolveConfig({
    tenants: [{ id: 'contract', apiKeys: ['contract-key-0000000001'], connections: connectionsFor(sims, { rateLimit: { requestsPerSecond: 1000 }, cacheTtlMs: 0 }) }],
  });
  const pools = new PoolRegistry();
  const adapters = config.tenants[0]!.connections.map((c) => createAdapter('contract', c, pools));
  return {
    sims,
    adapters,
    subject: (adapter) => ({ adapter, sim: simulatorOf(sims, adapter.vendor), sims, scope: () => ({ deadlineAt: Date.now() + 20_000 }) }),
    async close() {
      await pools.close();
      await sims.close();
    },
  };
}

/** Runs `work` and answers how many requests reached the subject's simulator meanwhile. */
export async function requestsDuring(subject: ContractSubject, work: () => unknown): Promise<number> {
  const before = subject.sim.requests.length;
  await work();
  return subject.sim.requests.length - before;
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; facts?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string; facts?: Record<string, unknown> };
  }
  throw new Error('expected a rejection, got a value');
}

/** Ids that no simulator has seeded. */
export const UNKNOWN_ID = '987654321';
