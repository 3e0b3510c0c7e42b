/**
 * Demo mode in a process of its own, for bench/soak.ts (started with child_process.fork): `startDemo()` from
 * src/demo.ts, i.e. the three vendor simulators at the vendors' 1 request/second limit and a gateway with
 * tenant `demo`, exactly what `npm start` runs with no config. Its RSS (the gateway's /metrics
 * `switchboard_process_resident_memory_bytes`) is what the soak samples; it holds the gateway and the three
 * simulators (demo mode runs them in one process), and nothing of the soak's client.
 *
 * IPC: -> { type: 'ready', url, metricsUrl, apiKey, sims: { ameyo, appsApi, campaignApi } } once listening
 * (url = the GraphQL endpoint; sims = each simulator's base URL, where its /__sim/ control endpoints live).
 * Exits when the parent disconnects or on SIGTERM/SIGINT. LOG_LEVEL sets the gateway's log level (default warn).
 */
import { DEMO_API_KEY, startDemo } from '../src/demo';
import { createLogger } from '../src/logger';
import { GRAPHQL_PATH } from '../src/http/server';
import { exitWithParent, runChild } from './child';

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/soakGateway must be started with child_process.fork (IPC)');
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  const demo = await startDemo({ port: 0, logger });
  exitWithParent(demo, 3_000);
  process.send({
    type: 'ready',
    url: `${demo.gateway.url}${GRAPHQL_PATH}`,
    metricsUrl: `${demo.gateway.url}/metrics`,
    apiKey: DEMO_API_KEY,
    sims: { ameyo: demo.sims.ameyo.url, appsApi: demo.sims.appsApi.url, campaignApi: demo.sims.campaignApi.url },
  });
}

runChild('bench/soakGateway', main);
