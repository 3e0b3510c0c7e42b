/** Not public API: waiting on a condition in tests, never on a fixed sleep. */

/**
 * Polls `check` every `intervalMs` (default 20 ms) until it holds; fails after `timeoutMs`, naming `what`. A longer
 * interval suits a check that is itself a request the system counts (a retry every 250 ms, not 50 a second).
 */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves once a simulator's latency fault has run out for a request it received at or before `seenAtMs`
 * (the request's `receivedAtMs`, or `Date.now()` when the test saw it in the log): by then the simulator has
 * written its answer, or skipped it because the socket was gone (its log keeps status 0).
 *
 * A timed wait on purpose, and only for the two things nothing else can show: that a simulator never answered
 * (visible only once the answer was due), and that its latency timer, which nothing observes, has ended before
 * the test file does (Jest reports it as an open handle otherwise). The 20 ms cover the simulator's timer
 * having started after `seenAtMs` or on the event loop's cached clock, which may run a few ms behind.
 */
export async function untilLatencyHasPassed(seenAtMs: number, latencyMs: number): Promise<void> {
  const remainingMs = seenAtMs + latencyMs + 20 - Date.now();
  if (remainingMs > 0) await new Promise<void>((resolve) => setTimeout(resolve, remainingMs));
}
