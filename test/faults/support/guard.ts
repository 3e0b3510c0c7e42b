/**
 * Not public API. The process-level guard every fault test file installs: listeners on the host process
 * (see `environment.ts`) record every unhandled rejection and uncaught exception while the file runs, and
 * the file's last `afterAll` asserts none happened. jest-circus also fails the test that was running when
 * one arrives; this guard also catches one that arrives between tests or while the stack shuts down.
 */

type ProcessEvents = Pick<NodeJS.Process, 'on' | 'off'>;

export interface ProcessFault {
  event: 'unhandledRejection' | 'uncaughtException';
  error: string;
}

/**
 * Installs the guard for the current file. Call once, at the file's top level, and start stacks inside
 * `describe` blocks: a top-level `afterAll` runs after every nested one, so the check comes after each
 * stack has been closed.
 */
export function installProcessGuard(): { faults: ProcessFault[] } {
  const host = (globalThis as { hostProcess?: ProcessEvents }).hostProcess;
  if (!host) throw new Error('expected the fault suite environment: put `@jest-environment ./test/faults/support/environment.ts` in the file docblock');
  const faults: ProcessFault[] = [];
  const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err));
  const onRejection = (reason: unknown) => faults.push({ event: 'unhandledRejection', error: describe(reason) });
  const onException = (err: unknown) => faults.push({ event: 'uncaughtException', error: describe(err) });
  // Installed once the run has started: jest-circus removes the host's listeners at run start.
  beforeAll(() => {
    host.on('unhandledRejection', onRejection);
    host.on('uncaughtException', onException);
  });
  afterAll(async () => {
    // Let whatever the closing stack left behind settle: rejections are reported after a macrotask. A timed
    // window on purpose: the guard asserts that nothing arrives, and no event says "nothing more will".
    await new Promise((resolve) => setTimeout(resolve, 50));
    host.off('unhandledRejection', onRejection);
    host.off('uncaughtException', onException);
    expect(faults).toEqual([]);
  });
  return { faults };
}
