/**
 * Not public API. The gateway as an operator runs it: `node dist/src/main.js` in a process of its own, in
 * demo mode, so tests can send it signals, read its RSS and see that it survives.
 *
 * `ensureBuilt()` compiles with `tsc -p tsconfig.build.json` when any file under src/ or sim/ is newer
 * than the build, so `npx jest <file>` never tests a stale dist/.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { rssBytes } from '../../bench/proc';
import { waitUntil } from './wait';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const sources = Math.max(newestMtimeMs(path.join(ROOT, 'src')), newestMtimeMs(path.join(ROOT, 'sim')));
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= sources && newestMtimeMs(path.join(ROOT, 'dist')) >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

export interface BuiltGateway {
  child: ChildProcess;
  /** `http://127.0.0.1:port`. */
  url: string;
  graphqlUrl: string;
  /** Simulator base URLs from the demo banner. */
  sims: { ameyo: string; appsApi: string; campaignApi: string };
  /** JSON log lines so far. */
  logs: Array<Record<string, any>>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * The process's resident set once it has settled: the kernel's figure (/proc, not the process's own
   * /metrics, whose scrape allocates), sampled every 100 ms until five samples in a row lie within 1 MiB,
   * and the least of them. Right after a collection V8 is still handing freed pages back on a background
   * thread (seen: 137 MB at once, 132 MB 100 ms later and from then on; once 179 MB, back at 135 MB on the
   * next reading), so a single reading can catch memory already given up. A leak keeps RSS up through the
   * whole window, so it still shows.
   */
  settledRssBytes(): Promise<number>;
  /** A full garbage collection in the gateway; resolves once it has run. */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/main.js` in demo mode on an ephemeral port. The process is the built gateway
 * with one test-only preload (test/support/gcOnSignal.js) so `collectGarbage()` can ask it for a full GC.
 */
export async function startBuiltGateway(env: Record<string, string> = {}): Promise<BuiltGateway> {
  ensureBuilt();
  const child = spawn(process.execPath, ['--expose-gc', '--require', path.join(__dirname, 'gcOnSignal.js'), MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  const logs: Array<Record<string, any>> = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    for (const line of c.toString('utf8').split('\n')) {
      if (line.startsWith('{')) {
        try {
          logs.push(JSON.parse(line));
        } catch {
          /* a line split across chunks; the banner is what matters */
        }
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitUntil(
    'the demo banner was printed',
    () => {
      if (gone) throw new Error(`the gateway exited before it started: ${err}`);
      return /Simulators: .*campaign-api \S+/.test(out);
    },
    30_000,
  );
  const graphqlUrl = /GraphQL:\s+(\S+)/.exec(out)![1]!;
  const sims = /Simulators: ameyo (\S+), apps-api (\S+), campaign-api (\S+)/.exec(out)!;
  const url = graphqlUrl.replace(/\/graphql$/, '');
  return {
    child,
    url,
    graphqlUrl,
    sims: { ameyo: sims[1]!, appsApi: sims[2]!, campaignApi: sims[3]! },
    logs,
    exited,
    async settledRssBytes() {
      const samples: number[] = [];
      const window = () => samples.slice(-5);
      await waitUntil(
        "the gateway's RSS has settled (5 samples within 1 MiB)",
        () => {
          samples.push(rssBytes(child.pid!));
          const last = window();
          return last.length === 5 && Math.max(...last) - Math.min(...last) <= 1024 * 1024;
        },
        15_000,
        100,
      );
      return Math.min(...window());
    },
    collectGarbage() {
      return new Promise<void>((resolve) => {
        const onMessage = (m: { type?: string }) => {
          if (m?.type !== 'gc-done') return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        child.kill('SIGUSR2');
      });
    },
    async stop() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
  };
}
