/** What every Ameyo route handler shares: the mutable state, the configuration and the clocks. */
import type { Seeder } from '../common/seed';
import type { AmeyoCrmState } from './crm';
import type { AmeyoState } from './seed';

export interface AmeyoRuntime {
  state: AmeyoState;
  /** The CC admin's temporary token that `POST /configuration/basicauth` requires (notes §3d). */
  adminBearerToken: string;
  /** Web-access commands: the `hash-key` header (notes §3c, "token issued by Ameyo support/PS"). */
  hashKey: string;
  /** Web-access commands: the `requesting-host` header (notes §3c, "client id string"). */
  requestingHost: string;
  /** App server `disposeCallForUser`: the `authorization` header value (CRM doc sample `authorization: 12345abc`). */
  appServerToken: string;
  /** Session rows name the agent's leg in `channel_details.addition_details` (not documented; `AmeyoSimOptions`). */
  agentLegInSessionRow: boolean;
  /** The CRM URLs Ameyo calls, the CRM sessions it holds, and the calls it made (./crm.ts). */
  crm: AmeyoCrmState;
  /**
   * A seeder stream for ids minted while running (new crt ids, call ids), separate from the seed's stream so that
   * seeded values never change. Same seed + same request sequence → same ids.
   */
  random: Seeder;
  /**
   * The simulated clock in ms: `SEED_EPOCH_MS` when the simulator started, advancing in real time. Seed times
   * are before `SEED_EPOCH_MS`, so durations (`user_status_duration`, ...) stay small and plausible.
   */
  simNow(): number;
  /** The real clock in ms, for client-supplied real-world times such as basicauth `dateExpiry`. */
  wallNow(): number;
}
