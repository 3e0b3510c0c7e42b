/** Figures the benchmarks share: percentiles, values read from the gateway's Prometheus text (a process's CPU and RSS: ./proc.ts). */

/** The nearest-rank p-th percentile (0-100) of an ascending array; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The value of the first sample of `name` (a regular expression; a label set after it is skipped) in Prometheus text; NaN when absent. */
export function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}
