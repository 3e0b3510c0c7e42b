/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`; bench/dashboards.ts writes them with DASH_CPU_PROF=DIR):
 * self time by function and by package (node_modules/<name>, our src/<dir>, node's internals), as markdown tables
 * for bench/RESULTS.md.
 *
 *   node dist/bench/profileTop.js FILE.cpuprofile [TOP]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package, one of our directories, node's internals, or V8 itself. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ours = /\/dist\/((?:src|sim|bench)\/[^/]+)/.exec(url);
  if (ours) return ours[1]!.replace(/\.js$/, '');
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return url;
}

export function topFrames(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const pkg = packageOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ name: k, ms: us / 1000, share: us / busy }));
  return { totalMs: total / 1000, busyMs: busy / 1000, functions: rows(byFunction), packages: rows(byPackage) };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profileTop FILE.cpuprofile [TOP]');
  const t = topFrames(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25));
  const out = [`${file}: ${t.busyMs.toFixed(0)} ms busy of ${t.totalMs.toFixed(0)} ms profiled (self time, share of busy)`, '', '| package | self ms | share |', '| --- | ---: | ---: |'];
  for (const r of t.packages) out.push(`| ${r.name} | ${r.ms.toFixed(0)} | ${(100 * r.share).toFixed(1)}% |`);
  out.push('', '| function | self ms | share |', '| --- | ---: | ---: |');
  for (const r of t.functions) out.push(`| \`${r.name}\` | ${r.ms.toFixed(0)} | ${(100 * r.share).toFixed(1)}% |`);
  process.stdout.write(`${out.join('\n')}\n`);
}
