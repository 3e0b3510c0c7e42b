/** Not public API: waiting on a condition in tests, never on a fixed sleep. */

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs`, naming `what`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
}
