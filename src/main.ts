/**
 * Process entry: starts tracing when the environment asks for it (src/telemetry/tracing.ts), runs the CLI
 * (src/cli.ts), maps failures to exit codes, and shuts down on SIGINT/SIGTERM: the gateway drains first,
 * then the spans still buffered are exported (for at most `TRACING_FLUSH_MS`).
 */
import { run, USAGE } from './cli';
import { ConfigError } from './errors';
import { startTracingFromEnv, type Tracing } from './telemetry/tracing';

/** Longest wait for the last spans to reach the collector on shutdown. 5 s: inside Kubernetes' 30 s grace with the 10 s drain. */
const TRACING_FLUSH_MS = 5_000;

/** Exports what is buffered and stops tracing; never waits more than `TRACING_FLUSH_MS` for a collector. */
function stopTracing(tracing: Tracing | null): Promise<void> {
  if (!tracing) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      process.stderr.write(`switchboard: tracing: the collector did not take the last spans within ${TRACING_FLUSH_MS} ms; exiting without them\n`);
      resolve();
    }, TRACING_FLUSH_MS);
    tracing
      .shutdown()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

let tracing: Tracing | null = null;

Promise.resolve()
  .then(() => {
    // Before the gateway starts, so its first request is traced; null (nothing registered) without an endpoint.
    tracing = startTracingFromEnv(process.env);
    return run(process.argv.slice(2), { env: process.env, stdout: process.stdout });
  })
  .then((running) => {
    if (!running) return stopTracing(tracing);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void running
        .close()
        .finally(() => stopTracing(tracing))
        .finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return undefined;
  })
  .catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`switchboard: ${err.message}\n\n${USAGE}\n`);
    else process.stderr.write(`switchboard: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
