/**
 * The command line's run modes through `run()`, the function `npm start` calls: demo mode with no config,
 * `--config FILE` and SWITCHBOARD_CONFIG on the shipped example config, PORT, and the errors a user can hit.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { run, USAGE, type Running } from '../../src/cli';
import { loadConfigFile } from '../../src/config/load';
import { DEMO_API_KEY } from '../../src/demo';

const EXAMPLE = path.resolve(__dirname, '../../config/example.yaml');
/** The example's embedded store goes to a directory of this run's, not ./data in the checkout. */
const DATA_ENV = { SWITCHBOARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-cli-data-')) };
afterAll(() => rmSync(DATA_ENV.SWITCHBOARD_DATA_DIR, { recursive: true, force: true }));

const EXAMPLE_ENV = {
  ACME_API_KEY: 'acme-key-0123456789abcdef',
  ACME_AMEYO_USER: 'acme_api',
  ACME_AMEYO_PASSWORD: 'ameyo-secret-password',
  ACME_UJET_API_TOKEN: 'ujet-secret-token',
  ACME_DIALER_ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
  ACME_DIALER_USER: 'dialer-user-acme',
  ACME_DIALER_PASSWORD: 'dialer-secret-password',
};

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _e, cb) {
      text += String(chunk);
      cb();
    },
  });
  return {
    stream,
    get text() {
      return text;
    },
    write: (s: string) => void (text += s),
  };
}

async function post(url: string, key: string, query: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json() };
}

describe('switchboard CLI', () => {
  const running: Running[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });

  it('starts demo mode with no config, printing the GraphQL URL and the demo key', async () => {
    const out = capture();
    const r = (await run([], { env: { PORT: '0' }, stdout: out, logDestination: capture().stream }))!;
    running.push(r);
    expect(r.graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(out.text).toContain(`GraphQL:  ${r.graphqlUrl}`);
    expect(out.text).toContain(`API key:  ${DEMO_API_KEY}`);
    const res = await post(r.graphqlUrl, DEMO_API_KEY, '{ connections { id vendor } }');
    expect(res.body).toEqual({
      data: {
        connections: [
          { id: 'ameyo-demo', vendor: 'AMEYO' },
          { id: 'apps-demo', vendor: 'APPS_API' },
          { id: 'dialer-demo', vendor: 'CAMPAIGN_API' },
        ],
      },
    });
  });

  // Regression: outside NODE_ENV=test Apollo installed its own SIGTERM/SIGINT handlers, which raced
  // src/main.ts's and left the process running after it had served a query.
  it('leaves SIGTERM and SIGINT to src/main.ts: the gateway installs no signal handlers of its own', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const env = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      const r = (await run([], { env: { PORT: '0' }, stdout: capture(), logDestination: capture().stream }))!;
      running.push(r);
      expect((await post(r.graphqlUrl, DEMO_API_KEY, '{ connections { id } }')).status).toBe(200);
      expect({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
    } finally {
      process.env['NODE_ENV'] = env;
    }
  });

  it('starts on config/example.yaml with --config, secrets from the environment, PORT overriding the port', async () => {
    const logs = capture();
    const r = (await run(['--config', EXAMPLE], { env: { ...EXAMPLE_ENV, ...DATA_ENV, PORT: '0' }, stdout: capture(), logDestination: logs.stream }))!;
    running.push(r);
    expect(r.graphqlUrl).not.toContain(':4000/');
    const res = await post(r.graphqlUrl, EXAMPLE_ENV.ACME_API_KEY, '{ connections { id vendor capabilities status } }');
    expect(res.body).toEqual({
      data: {
        connections: [
          { id: 'ameyo-main', vendor: 'AMEYO', capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE', 'PRESENCE_TABLES', 'CONTACT_UPLOAD'], status: 'UNKNOWN' },
          {
            id: 'ujet',
            vendor: 'APPS_API',
            capabilities: [
              'AGENT_DIRECTORY',
              'AGENT_PRESENCE',
              'AGENT_CONTROL',
              'CALL_LOG',
              'CALL_CREATE',
              'CALL_DATA',
              'CAMPAIGN_CATALOG',
              'LEAD_STORE',
              'SMS',
              'QUEUE_STATUS',
              'END_USERS',
              'DNC',
              'CRM_DATA',
              'BULK_USERS',
              'CHAT_LOG',
              'CHAT_CONTROL',
              'QUEUE_SETTINGS',
              'CONTACT_LISTS',
              'LEAD_IMPORT',
            ],
            status: 'UNKNOWN',
          },
          {
            id: 'dialer',
            vendor: 'CAMPAIGN_API',
            capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE', 'QUEUE_STATUS', 'CAMPAIGN_CATALOG', 'LEAD_STORE', 'LEAD_STATUS', 'CAMPAIGN_ACTIVITY', 'CALL_DISPOSITION', 'LEAD_IMPORT'],
            status: 'UNKNOWN',
          },
        ],
      },
    });
    expect(JSON.parse(logs.text.split('\n')[0]!)).toMatchObject({ msg: 'switchboard started', tenants: 1 });
    for (const secret of Object.values(EXAMPLE_ENV)) expect(logs.text).not.toContain(secret);
  });

  it('keeps the embedded store in SWITCHBOARD_DATA_DIR, over state.dataDir', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-cli-data-'));
    try {
      const r = (await run(['--config', EXAMPLE], { env: { ...EXAMPLE_ENV, SWITCHBOARD_DATA_DIR: dir, PORT: '0' }, stdout: capture(), logDestination: capture().stream }))!;
      running.push(r);
      expect(existsSync(path.join(dir, 'state.sqlite'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploy/fleet.yaml (the docker-compose example) is a valid config with the Redis store', () => {
    const config = loadConfigFile(path.resolve(__dirname, '../../deploy/fleet.yaml'), EXAMPLE_ENV);
    expect(config.state).toEqual({ dataDir: './data', redis: { url: 'redis://redis:6379', keyPrefix: 'switchboard:', commandTimeoutMs: 1_000 } });
    expect(config.tenants.map((t) => t.connections.map((c) => c.id))).toEqual([['ameyo-main', 'ujet', 'dialer']]);
  });

  it('reads the config path from SWITCHBOARD_CONFIG', async () => {
    const r = (await run([], { env: { ...EXAMPLE_ENV, ...DATA_ENV, PORT: '0', SWITCHBOARD_CONFIG: EXAMPLE }, stdout: capture(), logDestination: capture().stream }))!;
    running.push(r);
    const res = await post(r.graphqlUrl, EXAMPLE_ENV.ACME_API_KEY, '{ connections { id } }');
    expect(res.body).toEqual({ data: { connections: [{ id: 'ameyo-main' }, { id: 'ujet' }, { id: 'dialer' }] } });
  });

  it('refuses to start when a secret is missing from the environment, naming the field', async () => {
    const { ACME_UJET_API_TOKEN: _omit, ...env } = EXAMPLE_ENV;
    await expect(run(['--config', EXAMPLE], { env, stdout: capture() })).rejects.toMatchObject({
      name: 'ConfigError',
      message: 'config: tenants[0].connections[1].credentials.apiToken: environment variable ACME_UJET_API_TOKEN is not set',
    });
  });

  it('names a bad field without printing its value', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-cli-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `tenants:\n  - id: acme\n    apiKeys: ["a-very-secret-key-value-1"]\n    connections:\n      - id: one\n        vendor: amyeo\n        baseUrl: http://127.0.0.1:1\n        credentials: { apiKey: "p4ssw0rd-in-the-wrong-place" }\n`,
    );
    const err = await run(['--config', file], { env: {}, stdout: capture() }).catch((e: Error) => e);
    expect(err).toMatchObject({
      name: 'ConfigError',
      message: 'config is invalid:\n  tenants[0].connections[0].vendor: unknown vendor (expected ameyo | apps-api | campaign-api)',
    });
    expect((err as Error).message).not.toContain('p4ssw0rd');
    expect((err as Error).message).not.toContain('a-very-secret-key-value-1');
  });

  it('refuses a bad PORT and an unknown flag', async () => {
    await expect(run([], { env: { PORT: 'eighty' }, stdout: capture() })).rejects.toMatchObject({
      message: 'expected PORT to be an integer 0-65535, got "eighty"',
    });
    await expect(run(['--confg', 'x.yaml'], { env: {}, stdout: capture() })).rejects.toMatchObject({
      name: 'ConfigError',
      message: "Unknown option '--confg'",
    });
  });

  it('prints the usage for --help and starts nothing', async () => {
    const out = capture();
    expect(await run(['--help'], { env: {}, stdout: out })).toBeNull();
    expect(out.text).toBe(`${USAGE}\n`);
  });
});
