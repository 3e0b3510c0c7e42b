/**
 * The three simulators in a process of their own, for bench/fleet.ts (started with child_process.fork): the
 * benchmark's hundred clients must not delay the simulator's clock, whose `receivedAtMs` gives the vendor's
 * request gaps. The Apps API simulator keeps the vendor's own limit (1 request/s per customer: a request inside
 * the window is a 429); the other two have none (the benchmark does not use them).
 *
 * Data age: every `STAMP_EVERY_MS` this process writes the time into every Apps API agent's `last_name`
 * (`t<wall ms>`), so each agent list the simulator serves says when it was produced, to within that interval;
 * the gateway's `Agent.name` is "first_name last_name", and the benchmark subtracts the stamp from the time its
 * answer arrived. Wall clock (`performance.timeOrigin + performance.now()`), the same in every process here.
 *
 * IPC: -> { type: 'ready', appsApi: { url, appsBaseUrl, managerBaseUrl }, ameyo, campaignApi } once listening.
 * The request log is read over HTTP (`GET /__sim/requests`, `DELETE` clears it). Exits when the parent
 * disconnects or on SIGTERM/SIGINT.
 */
import { performance } from 'node:perf_hooks';
import { startSimulators } from '../sim';
import { exitWithParent, runChild } from './child';

/** How often the agents' stamp is rewritten: the resolution of the data age (bench/fleet.ts prints it). */
const STAMP_EVERY_MS = Number(process.env['FLEET_STAMP_EVERY_MS'] ?? 20);

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/fleetSims must be started with child_process.fork (IPC)');
  const sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
  const stamp = () => {
    const t = `t${Math.round(performance.timeOrigin + performance.now())}`;
    for (const agent of sims.appsApi.state.agents) agent.last_name = t;
  };
  stamp();
  const timer = setInterval(stamp, STAMP_EVERY_MS);
  exitWithParent({
    close: async () => {
      clearInterval(timer);
      await sims.close();
    },
  });
  process.send({
    type: 'ready',
    appsApi: { url: sims.appsApi.url, appsBaseUrl: sims.appsApi.appsBaseUrl, managerBaseUrl: sims.appsApi.managerBaseUrl },
    ameyo: sims.ameyo.url,
    campaignApi: sims.campaignApi.url,
  });
}

runChild('bench/fleetSims', main);
