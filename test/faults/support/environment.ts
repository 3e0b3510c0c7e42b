/**
 * Not public API. The fault suite's Jest environment: Node's, plus the host `process` as `hostProcess`.
 *
 * Why: inside a test file `process` is Jest's sandbox copy, whose listeners never hear the real process's
 * 'unhandledRejection' / 'uncaughtException' (jest-circus moves the host's own listeners aside while a file
 * runs and installs its own). The gateway and simulators run in this same process, so the guard in
 * `guard.ts` listens on the host process, next to jest-circus, to see anything they leave unhandled.
 */
import { TestEnvironment } from 'jest-environment-node';

export default class FaultsEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    this.global['hostProcess'] = process;
  }
}
