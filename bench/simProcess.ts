/**
 * The Ameyo simulator in a process of its own, for bench/upload.ts (started with child_process.fork).
 * The simulator engine reads every request body whole into memory and the contact-upload route parses the
 * CSV for real, so it must not share a process with the gateway whose memory the benchmark measures.
 *
 * IPC protocol (parent <-> this process):
 *   -> { type: 'ready', url, ccId, processId, leadId }          once listening
 *   <- { type: 'lastTask' }   -> { type: 'lastTask', task, body } the newest upload task (no file bytes), and when
 *                                                                the newest POST's head and whole body arrived (wall ms)
 *   <- { type: 'clear' }      -> { type: 'cleared', rss }        drops the request log (it keeps each body as a string)
 * Exits when the parent disconnects or on SIGTERM/SIGINT.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startAmeyoSim } from '../sim/ameyo';
import { exitWithParent, runChild } from './child';

/** Wall-clock ms (sub-ms precision), comparable across processes on this machine. */
const wallMs = () => performance.timeOrigin + performance.now();

/**
 * When the newest vendor POST's head arrived and when its body had arrived whole. Observed from outside the
 * simulator engine (it exposes no hook): an 'end' listener on each request, added as the server emits it.
 * A listener on 'end' does not change how the engine reads the body.
 */
let lastBody: { headAtMs: number; endAtMs: number | null } | null = null;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'request') {
    const req = args[0] as http.IncomingMessage;
    if (req.method === 'POST' && !(req.url ?? '').startsWith('/__sim/')) {
      const entry: { headAtMs: number; endAtMs: number | null } = { headAtMs: wallMs(), endAtMs: null };
      lastBody = entry;
      req.once('end', () => {
        entry.endAtMs = wallMs();
      });
    }
  }
  return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
} as typeof http.Server.prototype.emit;

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/simProcess must be started with child_process.fork (IPC)');
  const sim = await startAmeyoSim({ host: '127.0.0.1', port: 0, requestsPerSecond: 0 });
  // The first campaign with a lead list (a seeded Ameyo process and one of its lists).
  const campaign = sim.state.campaigns.find((c) => c.leadListIds.length > 0);
  if (!campaign) throw new Error('the seeded Ameyo state has no campaign with a lead list');

  exitWithParent(sim);

  process.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'lastTask') {
      const t = sim.state.uploadTasks[sim.state.uploadTasks.length - 1];
      process.send!({
        type: 'lastTask',
        task: t ? { taskId: t.taskId, byteLength: t.byteLength, sha256: t.sha256, rowCount: t.rowCount, badRows: t.badRows.length, header: t.header, fields: t.fields } : null,
        body: lastBody,
      });
    } else if (msg?.type === 'clear') {
      sim.clearRequests();
      // Old tasks keep only a hash for large files; drop their bad rows too, in case a run produced many.
      for (const t of sim.state.uploadTasks) t.badRows = [];
      process.send!({ type: 'cleared', rss: process.memoryUsage().rss });
    }
  });

  process.send({ type: 'ready', url: sim.url, ccId: sim.state.ccId, processId: String(campaign.campaignId), leadId: String(campaign.leadListIds[0]) });
}

runChild('bench/simProcess', main);
