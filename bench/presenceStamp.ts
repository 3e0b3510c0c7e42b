/**
 * A stamp in the simulated vendor's data, for the benchmarks that measure data age (bench/liveSims.ts,
 * bench/dashboardSims.ts): every `everyMs` the agent's `location` becomes `t<wall ms>`. `location` is not a field the
 * freshness engine compares (it is only in `Agent.raw`), so the stamp publishes no event, but every answer that
 * carries the agent's `raw` says when the vendor produced the list it came from (to within `everyMs`).
 * Wall clock: `performance.timeOrigin + performance.now()`, the same in every process on the machine.
 */
import { performance } from 'node:perf_hooks';

export const STAMP_EVERY_MS = 20;

/** Starts stamping `agent.location`; returns the stop function. */
export function stampLocation(agent: { location: string | null }, everyMs = STAMP_EVERY_MS): () => void {
  const stamp = () => {
    agent.location = `t${Math.round(performance.timeOrigin + performance.now())}`;
  };
  stamp();
  const timer = setInterval(stamp, everyMs);
  return () => clearInterval(timer);
}

/** The stamp's time (wall ms) in an answer's `raw.location`; NaN when it has none. */
export function stampOf(location: unknown): number {
  const m = typeof location === 'string' ? /^t(\d+)$/.exec(location) : null;
  return m ? Number(m[1]) : Number.NaN;
}
