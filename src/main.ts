/**
 * CLI entry. `switchboard` with no config starts demo mode; `--config FILE` (or SWITCHBOARD_CONFIG) starts
 * on a real config. PORT, when set, overrides the port in either mode; LOG_LEVEL overrides logging.level.
 */
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config/load';
import { DEMO_API_KEY, startDemo } from './demo';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { GRAPHQL_PATH, startGateway } from './server';

const USAGE = `Usage: switchboard [--config FILE]

  (no config)     demo mode: built-in vendor simulators with seeded data on 127.0.0.1
  --config FILE   start on a config file (YAML); also SWITCHBOARD_CONFIG=FILE
  --help          this text

Environment: PORT overrides the listening port (demo default 4000); LOG_LEVEL overrides logging.level.`;

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`expected PORT to be an integer 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const configFile = values.config ?? process.env['SWITCHBOARD_CONFIG'];
  const port = parsePort(process.env['PORT']);
  let close: () => Promise<void>;

  if (configFile) {
    let config = loadConfigFile(configFile);
    if (port !== undefined) config = { ...config, server: { ...config.server, port } };
    const logger = createLogger(process.env['LOG_LEVEL'] ?? config.logging.level);
    const gateway = await startGateway(config, { logger });
    logger.info({ url: `${gateway.url}${GRAPHQL_PATH}`, tenants: config.tenants.length }, 'switchboard started');
    close = () => gateway.close();
  } else {
    const logger = createLogger(process.env['LOG_LEVEL'] ?? 'info');
    const demo = await startDemo({ port: port ?? 4000, logger });
    const { gateway, sims } = demo;
    process.stdout.write(
      [
        '',
        'Switchboard is running in demo mode (built-in vendor simulators, seeded data).',
        `  GraphQL:  ${gateway.url}${GRAPHQL_PATH}   (open it in a browser for the IDE)`,
        `  API key:  ${DEMO_API_KEY}`,
        `  Try:      curl -s ${gateway.url}${GRAPHQL_PATH} -H 'authorization: Bearer ${DEMO_API_KEY}' -H 'content-type: application/json' \\`,
        `              -d '{"query":"{ agents(first: 5) { totalCount edges { node { name vendor status } } } }"}'`,
        `  Simulators: ameyo ${sims.ameyo.url}, apps-api ${sims.appsApi.url}, campaign-api ${sims.campaignApi.url}`,
        '',
      ].join('\n') + '\n',
    );
    close = () => demo.close();
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`switchboard: ${(err as Error).message}\n\n${USAGE}\n`);
  } else {
    process.stderr.write(`switchboard: failed to start: ${(err as Error).message}\n`);
  }
  process.exit(1);
});
