/**
 * Starts every registered vendor's simulator (src/vendors/registry.ts) on loopback with its seeded data: demo
 * mode runs on these, and so do the integration tests. Each listens on an ephemeral port unless told otherwise.
 * `sims.<name>` is the vendor key in camelCase (`apps-api` -> `sims.appsApi`), and so is its options' key.
 */
import type { ConfigInput } from '../src/config/schema';
import { simulatorName, type SimulatorName } from '../src/vendors/module';
import { VENDORS, type RegisteredVendor, type VendorKey } from '../src/vendors/registry';
import type { SimServer } from './common/server';

// The first vendors' defaults and handles, which tests import from here; a vendor's own are in sim/<key>.
export { AMEYO_SIM_DEFAULTS, agentLegId, type AmeyoSim, type AmeyoSimOptions } from './ameyo';
export { APPS_API_SIM_DEFAULTS, type AppsApiSim, type AppsApiSimOptions } from './apps-api';
export { CAMPAIGN_API_SIM_DEFAULTS, type CampaignApiSim, type CampaignApiSimOptions } from './campaign-api';

type SimulatorOf<V extends RegisteredVendor> = Awaited<ReturnType<V['simulator']['start']>>;
type OptionsOf<V extends RegisteredVendor> = NonNullable<Parameters<V['simulator']['start']>[0]>;

/** The running simulators, one per registered vendor. */
export type Simulators = { [V in RegisteredVendor as SimulatorName<V['key']>]: SimulatorOf<V> } & {
  /** Stops every simulator. */
  close(): Promise<void>;
};

/** Options for each vendor's simulator. */
export type SimulatorsOptions = { [V in RegisteredVendor as SimulatorName<V['key']>]?: OptionsOf<V> };

/** A connection as a config file gives it. */
export type ConnectionInput = NonNullable<ConfigInput['tenants'][number]['connections']>[number];

export async function startSimulators(opts: SimulatorsOptions = {}): Promise<Simulators> {
  const options: Partial<Record<string, unknown>> = opts;
  const settled = await Promise.allSettled(VENDORS.map((v) => v.simulator.start(options[simulatorName(v.key)])));
  const running = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    // Leave nothing listening when one simulator cannot start.
    await Promise.allSettled(running.map((s) => s.close()));
    throw failed.reason;
  }
  return {
    ...Object.fromEntries(VENDORS.map((v, i) => [simulatorName(v.key), running[i]!])),
    close: async () => {
      await Promise.all(running.map((s) => s.close()));
    },
  } as Simulators;
}

/** The running simulator of one vendor. */
export function simulatorOf(sims: Simulators, vendor: VendorKey): SimServer {
  return (sims as unknown as Record<string, SimServer>)[simulatorName(vendor)]!;
}

/**
 * One connection per registered vendor, in registry order, each pointing at its running simulator with the
 * simulator's default credentials. Ids are `<connectionName><idSuffix>` (`dialer-demo`, `dialer-a`).
 */
export function simulatorConnections(sims: Simulators, idSuffix: string): ConnectionInput[] {
  return VENDORS.map((v) => ({ id: `${v.simulator.connectionName}${idSuffix}`, vendor: v.key, ...v.simulator.connection(simulatorOf(sims, v.key)) }) as ConnectionInput);
}
