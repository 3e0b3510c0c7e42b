/**
 * What the benchmarks' helper processes share: stop when the parent goes away or on SIGTERM/SIGINT, with a time
 * limit so a close that hangs never leaves a process behind, and report a failed start; and, on the parent's side,
 * stopping one.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Closes `thing` and exits once the parent disconnects or a signal arrives; exits anyway after `graceMs`. */
export function exitWithParent(thing: { close(): Promise<void> }, graceMs = 2_000): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    thing.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), graceMs).unref();
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Runs a helper process's `main`, printing the stack and exiting 1 if it fails. */
export function runChild(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`${name}: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}

/** Parent side: SIGTERM, then SIGKILL if `child` has not exited within `graceMs`. Resolves once it has exited. */
export async function stopChildProcess(child: ChildProcess | null, graceMs = 5_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit').catch(() => undefined);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
