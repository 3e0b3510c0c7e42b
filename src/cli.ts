/**
 * The command line: `switchboard` with no config starts demo mode; `--config FILE` (or SWITCHBOARD_CONFIG)
 * starts on a real config. PORT overrides the port in either mode; LOG_LEVEL overrides logging.level;
 * SWITCHBOARD_DATA_DIR overrides state.dataDir.
 * `run` does the work and returns a handle; src/main.ts wires it to the process (signals, exit codes).
 */
import { parseArgs } from 'node:util';
import type { DestinationStream } from 'pino';
import { simulatorOf } from '../sim';
import { loadConfigFile } from './config/load';
import { DEMO_API_KEY, startDemo } from './demo';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { GRAPHQL_PATH, startGateway } from './http/server';
import { VENDORS } from './vendors/registry';

export const USAGE = `Usage: switchboard [--config FILE]

  (no config)     demo mode: built-in vendor simulators with seeded data on 127.0.0.1
  --config FILE   start on a config file (YAML); also SWITCHBOARD_CONFIG=FILE
  --help          this text

Environment: PORT overrides the listening port (demo default 4000); LOG_LEVEL overrides logging.level;
SWITCHBOARD_DATA_DIR overrides state.dataDir (demo mode: a temporary directory unless it is set).`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Where the banner and usage go. */
  stdout: { write(s: string): unknown };
  /** Where JSON logs go (default: stdout). */
  logDestination?: DestinationStream;
}

export interface Running {
  /** The GraphQL endpoint URL. */
  graphqlUrl: string;
  close(): Promise<void>;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`expected PORT to be an integer 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

/** Starts what the arguments ask for. Resolves to null for --help. Throws ConfigError for bad input. */
export async function run(argv: string[], io: CliIo): Promise<Running | null> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    // Node 22 appends advice about positionals after the first sentence; keep the part both versions share.
    throw new ConfigError((err as Error).message.split('. ')[0]);
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return null;
  }
  const configFile = values.config ?? io.env['SWITCHBOARD_CONFIG'];
  const port = parsePort(io.env['PORT']);
  const dataDir = io.env['SWITCHBOARD_DATA_DIR'] || undefined;

  if (configFile) {
    let config = loadConfigFile(configFile, io.env);
    if (port !== undefined) config = { ...config, server: { ...config.server, port } };
    if (dataDir !== undefined) config = { ...config, state: { ...config.state, dataDir } };
    const logger = createLogger(io.env['LOG_LEVEL'] ?? config.logging.level, io.logDestination);
    const gateway = await startGateway(config, { logger });
    logger.info({ url: `${gateway.url}${GRAPHQL_PATH}`, tenants: config.tenants.length }, 'switchboard started');
    return { graphqlUrl: `${gateway.url}${GRAPHQL_PATH}`, close: () => gateway.close() };
  }

  const logger = createLogger(io.env['LOG_LEVEL'] ?? 'info', io.logDestination);
  const demo = await startDemo({ port: port ?? 4000, logger, ...(dataDir ? { dataDir } : {}) });
  const { gateway, sims, idp, tokens } = demo;
  io.stdout.write(
    [
      '',
      'Switchboard is running in demo mode (built-in vendor simulators, seeded data).',
      `  GraphQL:  ${gateway.url}${GRAPHQL_PATH}   (open it in a browser for the IDE)`,
      `  API key:  ${DEMO_API_KEY}`,
      `  Try:      curl -s ${gateway.url}${GRAPHQL_PATH} -H 'authorization: Bearer ${DEMO_API_KEY}' -H 'content-type: application/json' \\`,
      `              -d '{"query":"{ agents(first: 5) { totalCount edges { node { name vendor status } } } }"}'`,
      `  Simulators: ${VENDORS.map((v) => `${v.key} ${simulatorOf(sims, v.key).url}`).join(', ')}`,
      `  Identity provider: ${idp.url} (users agent, supervisor, admin; password demo; POST ${idp.url}/token)`,
      `  Agent token (12 h):      ${tokens.agent}`,
      `  Supervisor token (12 h): ${tokens.supervisor}`,
      '  The IDE has a tab for each; an agent reads agents, queues and campaigns and acts only as themselves.',
      '',
    ].join('\n') + '\n',
  );
  return { graphqlUrl: `${gateway.url}${GRAPHQL_PATH}`, close: () => demo.close() };
}
