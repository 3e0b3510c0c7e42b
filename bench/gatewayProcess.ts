/**
 * The gateway in a process of its own, for bench/upload.ts (started with child_process.fork): `run()` from
 * src/cli.ts with `--config FILE`, exactly as `node dist/src/main.js --config FILE` would. Its RSS is what
 * the benchmark samples (from the gateway's own /metrics).
 *
 * IPC: -> { type: 'ready', url } once listening (url = the GraphQL endpoint). Exits when the parent
 * disconnects or on SIGTERM/SIGINT.
 */
import { run } from '../src/cli';
import { exitWithParent, runChild } from './child';

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/gatewayProcess must be started with child_process.fork (IPC)');
  const configFile = process.argv[2];
  if (!configFile) throw new Error('usage: gatewayProcess CONFIG_FILE');
  const running = await run(['--config', configFile], { env: process.env, stdout: process.stdout });
  if (!running) throw new Error('the gateway did not start');
  exitWithParent(running);
  process.send({ type: 'ready', url: running.graphqlUrl });
}

runChild('bench/gatewayProcess', main);
