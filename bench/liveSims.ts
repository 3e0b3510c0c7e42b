/**
 * The Apps API simulator in a process of its own, for bench/live.ts (started with child_process.fork): the
 * benchmark's thousand WebSockets and hundred pollers must not delay the simulator's clock, which times the
 * status changes and the vendor requests. The simulator keeps the vendor's own limit (1 request/s per customer:
 * a request inside the window is a 429), so a budget overrun shows as 429s in its log.
 *
 * What it does to the data:
 * - Status changes (on `start`): every `everyMs` ± `jitterMs` (uniform; the jitter keeps the changes from
 *   locking in phase with a 1 s poll), one agent (the first Available one) switches between `Available` and a
 *   custom status (`Break`, `Lunch`, `Meeting` in turn), with `status_updated_at` set to the change time (ms
 *   precision). The gateway shows it as the agent's `statusChangedAt`, so a client tells from any answer or event
 *   which change it shows. Each change is logged with its wall time.
 * - A stamp (bench/presenceStamp.ts): every `STAMP_EVERY_MS` that agent's `location` becomes `t<wall ms>`. `location` is not one of the
 *   fields the freshness engine compares (it is only in `Agent.raw`), so the stamp publishes no event, but every
 *   answer carries when the vendor produced the list it came from (to within the interval): the data age.
 *
 * Wall clock everywhere: `performance.timeOrigin + performance.now()`, the same in every process here.
 *
 * IPC (parent <-> this process):
 *   -> { type: 'ready', url, appsBaseUrl, managerBaseUrl, agent: { id, email, agentNumber } }   once listening
 *   <- { type: 'start', everyMs, jitterMs }    -> { type: 'started' }                          start changing
 *   <- { type: 'stop' }                        -> { type: 'stopped', changes }                  stop; the change log
 *   <- { type: 'log' }                         -> { type: 'log', requests }   the request log ({ receivedAtMs, path, status })
 *   <- { type: 'clear' }                       -> { type: 'cleared' }         clear the request log; the change log
 *                                                                            starts again with the current state (seq 0)
 * Exits when the parent disconnects or on SIGTERM/SIGINT.
 */
import { performance } from 'node:perf_hooks';
import { startAppsApiSim, USER_STATUSES } from '../sim/apps-api';
import { exitWithParent, runChild } from './child';
import { stampLocation } from './presenceStamp';

const CUSTOM = ['Break', 'Lunch', 'Meeting'] as const;

const wallMs = () => performance.timeOrigin + performance.now();

export interface LiveSimChange {
  seq: number;
  atMs: number;
  status: string;
  /** `status_updated_at` as the simulator serves it (ISO, ms): the key a client's answer is matched on. */
  statusUpdatedAt: string;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/liveSims must be started with child_process.fork (IPC)');
  const sim = await startAppsApiSim({ host: '127.0.0.1', port: 0 });
  const agent = sim.state.agents.find((a) => a.online && !a.wrap_up && a.status === 'Available' && a.deactivated_at === null);
  if (!agent) throw new Error('the seeded Apps API state has no Available agent');
  const statusId = (name: string) => USER_STATUSES.find((s) => s.name === name)!.id;

  const stopStamping = stampLocation(agent);

  let changes: LiveSimChange[] = [];
  let timer: NodeJS.Timeout | null = null;
  let seq = 0;
  const change = () => {
    seq++;
    const status = agent.status === 'Available' ? CUSTOM[(seq >> 1) % CUSTOM.length]! : 'Available';
    // The same millisecond twice would make two changes indistinguishable; never happens at seconds apart, but be sure.
    let atMs = wallMs();
    const last = changes[changes.length - 1];
    if (last && Math.floor(atMs) <= Math.floor(last.atMs)) atMs = Math.floor(last.atMs) + 1;
    agent.status = status;
    agent.status_id = statusId(status);
    agent.status_updated_at = new Date(Math.floor(atMs)).toISOString();
    changes.push({ seq, atMs, status, statusUpdatedAt: agent.status_updated_at });
  };

  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  exitWithParent({
    close: async () => {
      stop();
      stopStamping();
      await sim.close();
    },
  });

  process.on('message', (msg: { type?: string; everyMs?: number; jitterMs?: number }) => {
    if (msg?.type === 'start') {
      stop();
      const everyMs = msg.everyMs ?? 2_000;
      const jitterMs = msg.jitterMs ?? 0;
      const next = () => {
        timer = setTimeout(
          () => {
            change();
            next();
          },
          everyMs + (Math.random() * 2 - 1) * jitterMs,
        );
      };
      next();
      process.send!({ type: 'started' });
    } else if (msg?.type === 'stop') {
      stop();
      process.send!({ type: 'stopped', changes });
    } else if (msg?.type === 'log') {
      process.send!({ type: 'log', requests: sim.requests.map((r) => ({ receivedAtMs: r.receivedAtMs, path: r.path, status: r.status })) });
    } else if (msg?.type === 'clear') {
      sim.clearRequests();
      // The state as it is now opens the new log (seq 0), so an answer showing it can be matched too.
      changes = [{ seq: 0, atMs: Date.parse(agent.status_updated_at), status: agent.status, statusUpdatedAt: agent.status_updated_at }];
      process.send!({ type: 'cleared' });
    }
  });

  process.send({
    type: 'ready',
    url: sim.url,
    appsBaseUrl: sim.appsBaseUrl,
    managerBaseUrl: sim.managerBaseUrl,
    agent: { id: String(agent.id), email: agent.email, agentNumber: agent.agent_number, status: agent.status, statusUpdatedAt: agent.status_updated_at },
  });
}

runChild('bench/liveSims', main);
