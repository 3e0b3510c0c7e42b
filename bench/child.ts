/**
 * What the benchmarks' helper processes share: stop when the parent goes away or on SIGTERM/SIGINT, with a time
 * limit so a close that hangs never leaves a process behind, and report a failed start; and, on the parent's side,
 * stopping one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Closes `thing` and exits once the parent disconnects or a signal arrives; exits anyway after `graceMs`. */
export function exitWithParent(thing: { close(): Promise<void> }, graceMs = 2_000): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void thing.close().finally(() => process.exit(0));
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

/**
 * Parent side: forks `script` and resolves with its first `{type:'ready'}` message; rejects if it exits first
 * or takes over 60 s. Its log lines above info and its stderr are shown prefixed with `name`; an exit after it
 * was ready is reported unless `stopping()` says the benchmark is shutting down.
 */
export async function forkReady<T>(script: string, args: string[], execArgv: string[], name: string, stopping: () => boolean): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // Keep the pipes drained (the gateway logs JSON lines); show anything above info, and every stderr line. A chunk
  // may end inside a line (the gateway writes its log asynchronously, several lines at a time): keep the rest.
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() && !/"level":(10|20|30)\b/.test(line)) process.stderr.write(`[${name}] ${line}\n`);
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => process.stderr.write(s.replace(/^(?=.)/gm, `[${name}] `)));
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m as T);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  child.on('exit', (code, signal) => {
    if (!stopping()) process.stderr.write(`[${name}] exited unexpectedly (code ${code}, signal ${signal})\n`);
  });
  return { child, ready };
}

/** Parent side: sends `msg` to a forked child and resolves with its first answer of type `answer` (within `timeoutMs`, default 10 s). */
export function askChild<T>(child: ChildProcess, msg: object, answer: string, name: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`${name} did not answer ${JSON.stringify(msg).slice(0, 80)} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const on = (m: { type?: string }) => {
      if (m?.type !== answer) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg);
  });
}

/**
 * Runs a benchmark's `main` as the process: a watchdog ends the run (and SIGKILLs `children`) after
 * `watchdogS` (BENCH_TIMEOUT_S), SIGINT/SIGTERM do the same at once, a failure prints its stack and sets exit
 * code 1, and the children still running are stopped when `main` ends, however it ends.
 */
export function runBench(name: string, watchdogS: number, children: readonly ChildProcess[], main: () => Promise<void>): void {
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  const watchdog = setTimeout(() => {
    process.stderr.write(`${name}: gave up after ${watchdogS} s (BENCH_TIMEOUT_S)\n`);
    killAll();
    process.exit(1);
  }, watchdogS * 1000);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  main()
    .catch((err: unknown) => {
      process.stderr.write(`${name}: failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      clearTimeout(watchdog);
      for (const c of children) await stopChildProcess(c);
    });
}
