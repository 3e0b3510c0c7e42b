/** Figures the benchmarks share: percentiles, values read from the gateway's Prometheus text, and a process's RSS from /proc. */
import { readFileSync } from 'node:fs';

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

/** The resident set of process `pid` (VmRSS in /proc/<pid>/status), bytes: the kernel's own figure, read without asking the process. */
export function vmRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
