/** The Ameyo simulator: CMS basicauth and the data-engine monitoring API on the shared simulator engine. */
import { startSimServer, type SimServer } from '../common/server';
import { SEED_EPOCH_MS } from '../common/seed';
import { ameyoVendor } from './routes';
import type { AmeyoRuntime } from './runtime';
import { seedAmeyoState, type AmeyoState } from './seed';

export * from './seed';
export { MONITORING_TABLES, type MonitoringTable, type UserSessionRow, type UserRuntimeRow, type ChatRow, type CustomerRow } from './monitoring';
export type { ExceptionBody } from './errors';

export interface AmeyoSimOptions {
  host?: string;
  port?: number;
  /** Requests per second per Basic username. Default 1 (not documented by Ameyo; our policy). 0 = off. */
  requestsPerSecond?: number;
  seed?: number;
  /** The contact center id (`{ccId}` in paths, `contextId` in basicauth). Default 1. */
  ccId?: number;
  /** The CC admin's token that `POST /configuration/basicauth` requires as `Authorization: Bearer`. */
  adminBearerToken?: string;
  /** HTTP Basic credentials accepted from the start. Default: one user from AMEYO_SIM_DEFAULTS. */
  users?: Array<{ username: string; password: string }>;
}

export const AMEYO_SIM_DEFAULTS: {
  ccId: 1;
  username: 'switchboard_api';
  password: 'ameyo-demo-password';
  adminBearerToken: 'ameyo-demo-admin-token';
  seed: number;
} = {
  ccId: 1,
  username: 'switchboard_api',
  password: 'ameyo-demo-password',
  adminBearerToken: 'ameyo-demo-admin-token',
  seed: 20261102,
};

export interface AmeyoSim extends SimServer {
  state: AmeyoState;
}

/** Starts the Ameyo simulator. Resolves once it is listening. */
export async function startAmeyoSim(opts: AmeyoSimOptions = {}): Promise<AmeyoSim> {
  const ccId = opts.ccId ?? AMEYO_SIM_DEFAULTS.ccId;
  if (!Number.isInteger(ccId)) throw new TypeError(`expected opts.ccId to be an integer, got ${ccId}`);
  const state = seedAmeyoState({
    seed: opts.seed ?? AMEYO_SIM_DEFAULTS.seed,
    ccId,
    users: opts.users ?? [{ username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password }],
  });
  const startedAtMs = Date.now();
  const rt: AmeyoRuntime = {
    state,
    adminBearerToken: opts.adminBearerToken ?? AMEYO_SIM_DEFAULTS.adminBearerToken,
    simNow: () => SEED_EPOCH_MS + (Date.now() - startedAtMs),
    wallNow: () => Date.now(),
  };
  const server = await startSimServer(ameyoVendor(rt), {
    host: opts.host,
    port: opts.port,
    requestsPerSecond: opts.requestsPerSecond ?? 1,
  });
  return Object.assign(server, { state });
}
