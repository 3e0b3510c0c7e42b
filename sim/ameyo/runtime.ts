/** What every Ameyo route handler shares: the mutable state, the configuration and the clocks. */
import type { AmeyoState } from './seed';

export interface AmeyoRuntime {
  state: AmeyoState;
  /** The CC admin's temporary token that `POST /configuration/basicauth` requires (notes §3d). */
  adminBearerToken: string;
  /**
   * The simulated clock in ms: `SEED_EPOCH_MS` when the simulator started, advancing in real time. Seed times
   * are before `SEED_EPOCH_MS`, so durations (`user_status_duration`, ...) stay small and plausible.
   */
  simNow(): number;
  /** The real clock in ms, for client-supplied real-world times such as basicauth `dateExpiry`. */
  wallNow(): number;
}
