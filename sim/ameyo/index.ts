/**
 * The Ameyo simulator on the shared simulator engine: CMS basicauth and contact uploads (+ error file), the
 * data-engine monitoring API, the app server's dispose commands (`/ameyorestapi`) and the web-access commands
 * (`/ameyowebaccess`: manual dial, voice logs).
 */
import { startSimServer, type SimServer } from '../common/server';
import { createSeeder, SEED_EPOCH_MS } from '../common/seed';
import { crmSettled, newCrmState, type AmeyoCrmState, type AmeyoCrmUrls } from './crm';
import { ameyoVendor } from './routes';
import type { AmeyoRuntime } from './runtime';
import { seedAmeyoState, type AmeyoState } from './seed';

export * from './seed';
export type { AmeyoCrmCall, AmeyoCrmState, AmeyoCrmUrls } from './crm';
export { MONITORING_TABLES, type MonitoringTable, type UserSessionRow, type UserRuntimeRow, type ChatRow, type CustomerRow } from './monitoring';
export type { ExceptionBody } from './errors';
export { WEB_ACCESS_POLICY_NAME, type WebAccessError } from './webaccess';
export type { RestApiErrorResponseEntity } from './appserver';
export { CONTACT_UPLOAD_FIELDS } from './upload';
export { parseCsv, formatCsvLine } from './csv';
export { voiceLogWav, voiceLogMp3 } from './audio';

export interface AmeyoSimOptions {
  host?: string;
  port?: number;
  /** Requests per second per Basic username (web access: per hash key; app server: per token / session). Default 1 (not documented by Ameyo; our policy). 0 = off. */
  requestsPerSecond?: number;
  seed?: number;
  /** The contact center id (`{ccId}` in paths, `contextId` in basicauth). Default 1. */
  ccId?: number;
  /** The CC admin's token that `POST /configuration/basicauth` requires as `Authorization: Bearer`. */
  adminBearerToken?: string;
  /** HTTP Basic credentials accepted from the start. Default: one user from AMEYO_SIM_DEFAULTS. */
  users?: Array<{ username: string; password: string }>;
  /** Web-access commands' `hash-key` header. Default 'ameyo-demo-hash-key'. */
  hashKey?: string;
  /** Web-access commands' `requesting-host` header. Default 'switchboard.demo'. */
  requestingHost?: string;
  /** `/ameyorestapi/voice/disposeCallForUser`'s `authorization` header. Default 'ameyo-demo-app-token'. */
  appServerToken?: string;
  /** The CRM URLs (every campaign) Ameyo calls at login, connect, preview and dispose (./crm.ts). Default none. */
  crmUrls?: AmeyoCrmUrls;
  /**
   * Voice sessions' monitoring rows name the agent's leg as `channel_details.addition_details.user_crt_object_id`
   * (`agentLegId`). NOT DOCUMENTED: the presence document prints `addition_details: {}`, and Ameyo names the leg only in
   * its CRM URLs (`userCrtObjectId`). Default false, as the document; for tests of a client that reads the row
   * defensively.
   */
  agentLegInSessionRow?: boolean;
}

export const AMEYO_SIM_DEFAULTS: {
  ccId: 1;
  username: 'switchboard_api';
  password: 'ameyo-demo-password';
  adminBearerToken: 'ameyo-demo-admin-token';
  hashKey: 'ameyo-demo-hash-key';
  requestingHost: 'switchboard.demo';
  appServerToken: 'ameyo-demo-app-token';
  seed: number;
} = {
  ccId: 1,
  username: 'switchboard_api',
  password: 'ameyo-demo-password',
  adminBearerToken: 'ameyo-demo-admin-token',
  hashKey: 'ameyo-demo-hash-key',
  requestingHost: 'switchboard.demo',
  appServerToken: 'ameyo-demo-app-token',
  seed: 20261102,
};

export interface AmeyoSim extends SimServer {
  state: AmeyoState;
  /** The CRM integration: URLs, the agents' crmSessionIds, and `crmCalls`, every request sent to the CRM. */
  crm: AmeyoCrmState;
  /**
   * Resolves once every CRM URL request started so far (by a trigger, or by a dial or dispose command, which do not
   * wait for theirs) has its answer recorded in `crm.crmCalls`.
   */
  crmSettled(): Promise<void>;
}

/** Starts the Ameyo simulator. Resolves once it is listening. */
export async function startAmeyoSim(opts: AmeyoSimOptions = {}): Promise<AmeyoSim> {
  const ccId = opts.ccId ?? AMEYO_SIM_DEFAULTS.ccId;
  if (!Number.isInteger(ccId)) throw new TypeError(`expected opts.ccId to be an integer, got ${ccId}`);
  const seed = opts.seed ?? AMEYO_SIM_DEFAULTS.seed;
  const state = seedAmeyoState({
    seed,
    ccId,
    users: opts.users ?? [{ username: AMEYO_SIM_DEFAULTS.username, password: AMEYO_SIM_DEFAULTS.password }],
  });
  const startedAtMs = Date.now();
  const rt: AmeyoRuntime = {
    state,
    adminBearerToken: opts.adminBearerToken ?? AMEYO_SIM_DEFAULTS.adminBearerToken,
    hashKey: opts.hashKey ?? AMEYO_SIM_DEFAULTS.hashKey,
    requestingHost: opts.requestingHost ?? AMEYO_SIM_DEFAULTS.requestingHost,
    appServerToken: opts.appServerToken ?? AMEYO_SIM_DEFAULTS.appServerToken,
    agentLegInSessionRow: opts.agentLegInSessionRow ?? false,
    crm: newCrmState(opts.crmUrls),
    // A stream of its own (seed-derived), so run-time ids never shift the seeded values.
    random: createSeeder((seed ^ 0x5a17c0de) >>> 0),
    simNow: () => SEED_EPOCH_MS + (Date.now() - startedAtMs),
    wallNow: () => Date.now(),
  };
  const server = await startSimServer(ameyoVendor(rt), {
    host: opts.host,
    port: opts.port,
    requestsPerSecond: opts.requestsPerSecond ?? 1,
  });
  return Object.assign(server, { state, crm: rt.crm, crmSettled: () => crmSettled(rt.crm) });
}
