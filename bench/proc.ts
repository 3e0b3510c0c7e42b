/** A child process's own CPU time and resident memory, read from /proc (Linux), for the benchmarks that fork the gateway. */
import fs from 'node:fs';

const CLK_TCK = 100; // /proc/<pid>/stat utime and stime are in clock ticks; 100 per second on Linux x86_64
const PAGE_BYTES = 4096;

/** utime + stime of `pid`, ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the command name may hold spaces
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Resident set of `pid`, bytes. */
export function rssBytes(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
}

/** Samples a process's RSS every second until stopped; the peak and the last. */
export function rssSampler(pid: number) {
  let peak = rssBytes(pid);
  let last = peak;
  const timer = setInterval(() => {
    last = rssBytes(pid);
    peak = Math.max(peak, last);
  }, 1_000);
  return {
    stop() {
      clearInterval(timer);
      last = rssBytes(pid);
      peak = Math.max(peak, last);
      return { peak, last };
    },
  };
}
