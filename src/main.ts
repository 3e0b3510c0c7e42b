/** Process entry: runs the CLI (src/cli.ts), maps failures to exit codes, and shuts down on SIGINT/SIGTERM. */
import { run, USAGE } from './cli';
import { ConfigError } from './errors';

run(process.argv.slice(2), { env: process.env, stdout: process.stdout })
  .then((running) => {
    if (!running) return;
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      running.close().finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`switchboard: ${err.message}\n\n${USAGE}\n`);
    else process.stderr.write(`switchboard: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
