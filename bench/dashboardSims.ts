/**
 * The simulators for bench/dashboards.ts, in a process of their own (started with child_process.fork), so that the
 * gateway's CPU time and RSS, read from /proc, are the gateway's alone: every registered vendor's simulator
 * (sim/index.ts#startSimulators) with its seeded data and its own rate limit off (the gateway's limiter, at the demo
 * connections' 1 request/s, is what paces the vendor; the direct REST baselines need the simulator unthrottled), and
 * the demo config for them (src/demo.ts#demoConfig). One Apps API agent's `location` carries the simulator's clock
 * (bench/presenceStamp.ts) so a dashboard's answer says how old its data is.
 *
 * It also serves the "bare" baseline on request: a plain node:http server that reads the request body and answers
 * fixed bytes (the gateway's own answer to the query being compared), the floor any Node HTTP gateway shares.
 *
 * IPC (parent <-> this process):
 *   -> { type: 'ready', config, stamped: { nativeId, email }, appsAgentsUrl, appsAuthorization }   once listening
 *   <- { type: 'log' }              -> { type: 'log', requests }   every simulator's request log (vendor, method, path, status, receivedAtMs)
 *   <- { type: 'clear' }            -> { type: 'cleared' }         clears every request log
 *   <- { type: 'bare', body }       -> { type: 'bare', url }       starts (or restarts) the bare server answering `body`
 * Exits when the parent disconnects or on SIGTERM/SIGINT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatorOf, startSimulators } from '../sim';
import { APPS_API_SIM_DEFAULTS } from '../sim/apps-api';
import { demoConfig } from '../src/demo';
import { VENDORS } from '../src/vendors/registry';
import { exitWithParent, runChild } from './child';
import { stampLocation } from './presenceStamp';

export interface DashboardSimsReady {
  type: 'ready';
  /** demoConfig(...) with `state.dataDir` to be replaced by the parent. */
  config: Record<string, unknown>;
  stamped: { nativeId: string; email: string };
  /** The Apps API (Manager API) agent list, the direct REST baseline, and its Basic authorization. */
  appsAgentsUrl: string;
  appsAuthorization: string;
}

export interface DashboardSimRequest {
  vendor: string;
  method: string;
  path: string;
  rawQuery: string;
  status: number;
  receivedAtMs: number;
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/dashboardSims must be started with child_process.fork (IPC)');
  const sims = await startSimulators({ ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } });
  const agent = sims.appsApi.state.agents.find((a) => a.online && !a.wrap_up && a.deactivated_at === null);
  if (!agent) throw new Error('the seeded Apps API state has no online agent');
  const stopStamping = stampLocation(agent);
  let bare: http.Server | null = null;
  const closeBare = () => new Promise<void>((resolve) => (bare ? bare.close(() => resolve()) : resolve()));
  exitWithParent({
    close: async () => {
      stopStamping();
      bare?.closeAllConnections();
      await closeBare();
      await sims.close();
    },
  });

  process.on('message', (msg: { type?: string; body?: string }) => {
    if (msg?.type === 'log') {
      const requests: DashboardSimRequest[] = VENDORS.flatMap((v) =>
        simulatorOf(sims, v.key).requests.map((r) => ({ vendor: v.key, method: r.method, path: r.path, rawQuery: r.rawQuery, status: r.status, receivedAtMs: r.receivedAtMs })),
      );
      process.send!({ type: 'log', requests });
    } else if (msg?.type === 'clear') {
      for (const v of VENDORS) simulatorOf(sims, v.key).clearRequests();
      process.send!({ type: 'cleared' });
    } else if (msg?.type === 'bare') {
      const bytes = Buffer.from(msg.body ?? '');
      void (async () => {
        bare?.closeAllConnections();
        await closeBare();
        bare = http.createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
            res.end(bytes);
          });
        });
        bare.keepAliveTimeout = 60_000;
        await new Promise<void>((resolve) => bare!.listen(0, '127.0.0.1', resolve));
        process.send!({ type: 'bare', url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/graphql` });
      })();
    }
  });

  const { subdomain, token } = APPS_API_SIM_DEFAULTS;
  const ready: DashboardSimsReady = {
    type: 'ready',
    config: demoConfig(sims, 0, { dataDir: '' }) as unknown as Record<string, unknown>,
    stamped: { nativeId: String(agent.id), email: agent.email },
    appsAgentsUrl: `${sims.appsApi.managerBaseUrl}/agents`,
    appsAuthorization: `Basic ${Buffer.from(`${subdomain}:${token}`).toString('base64')}`,
  };
  process.send(ready);
}

runChild('bench/dashboardSims', main);
