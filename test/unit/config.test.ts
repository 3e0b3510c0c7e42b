/** Config loading: YAML, `${ENV}` interpolation, validation and defaults; every message names a path and never a value. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { interpolateEnv, loadConfigFile, validateConfig } from '../../src/config/load';
import { ConfigError } from '../../src/errors';

/** Every secret that appears in any input below; none may ever show up in a message. */
const PASSWORD = 's3cr3t-P4ss!';
const API_KEY = 'tenant-key-0123456789-abcdef';
const OTHER_KEY = 'other-tenant-key-9876543210';
const APPS_TOKEN = 'apps-T0ken-zyxw';
const SHORT_KEY = 'sh0rt-k3y';
const METRICS_TOKEN = 'metrics-T0ken-0123456789';
const ADMIN_TOKEN = 'eyJhbGciOiJSUzUxMiJ9.admin-T0ken';
const SECRETS = [PASSWORD, API_KEY, OTHER_KEY, APPS_TOKEN, SHORT_KEY, METRICS_TOKEN, ADMIN_TOKEN];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileNo = 0;
function writeYaml(text: string): string {
  const file = join(dir, `config-${++fileNo}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Runs `fn`, expects a ConfigError with exactly `message`, and checks no secret leaked into it. */
function expectConfigError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.code).toBe('CONFIG_INVALID');
  expect(err.message).toBe(message);
  for (const s of SECRETS) expect(err.message).not.toContain(s);
  expect(String(err.stack)).not.toContain(PASSWORD);
}

/** A valid campaign-api connection, as an object (validateConfig input). */
function campaignConnection(): Record<string, unknown> {
  return {
    id: 'dialer',
    vendor: 'campaign-api',
    baseUrl: 'https://portal.example.com:9443/',
    accountId: 'c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e',
    credentials: { username: 'switchboard', password: PASSWORD, domain: 'demo' },
  };
}

function baseConfig(): { tenants: Array<Record<string, unknown> & { connections: Array<Record<string, unknown>> }> } & Record<string, unknown> {
  return { tenants: [{ id: 'acme', apiKeys: [API_KEY], connections: [campaignConnection()] }] };
}

const VALID_YAML = `
tenants:
  - id: acme
    apiKeys: ["${API_KEY}"]
    connections:
      - id: dialer
        vendor: campaign-api
        baseUrl: https://portal.example.com:9443/
        accountId: c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e
        credentials: { username: switchboard, password: "${PASSWORD}", domain: demo }
      - id: ujet
        vendor: apps-api
        rateLimit: { requestsPerSecond: 5 }
        timeouts: { headersMs: 200 }
        cacheTtlMs: 0
        baseUrls:
          apps: https://demo.ujet.co/apps/api/v1
          manager: https://demo.ujet.co/manager/api/v1
        credentials: { subdomain: demo, apiToken: "${APPS_TOKEN}" }
      - id: ameyo
        vendor: ameyo
        ccId: 3
        baseUrls: { cms: "https://cms.example.com", dataEngine: "https://de.example.com", appServer: "https://app.example.com" }
        credentials: { username: admin, password: "${PASSWORD}" }
`;

describe('a valid file', () => {
  it('loads with every default resolved', () => {
    const config = loadConfigFile(writeYaml(VALID_YAML), {});
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 4000,
      requestTimeoutMs: 30_000,
      maxBodyBytes: 1_048_576,
      ide: false,
      bodyTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      shutdownGraceMs: 10_000,
      uploads: { maxFileBytes: 268_435_456, maxJsonFileBytes: 10_485_760, maxFiles: 1, timeoutMs: 1_800_000, idleTimeoutMs: 30_000 },
      introspection: false,
      limits: { maxDepth: 10, maxAliases: 10, maxDirectives: 50, maxTokens: 2000, maxCost: 5000, maxListLength: 100, maxIdempotentMutations: 1, maxFields: 250 },
      idempotency: { retentionHours: 24, maxKeysPerTenant: 10_000 },
      metrics: { host: '127.0.0.1' },
      cors: { origins: [], allowCredentials: false, maxAgeSeconds: 600 },
      getCacheMaxAgeSeconds: 0,
      subscriptions: {
        maxConnectionsPerTenant: 200,
        maxSubscriptionsPerConnection: 20,
        maxSubscriptionsPerTenant: 1_000,
        keepAliveMs: 12_000,
        maxBufferedBytes: 1_048_576,
        maxQueuedEvents: 1_000,
        connectionInitTimeoutMs: 3_000,
      },
    });
    expect(config.live).toEqual({ budgetShare: 0.5, queryInterestMs: 30_000, minIntervalMs: 250, leaseMs: 10_000 });
    expect(config.tenants[0]!.limits).toEqual({});
    expect(config.tenants[0]!.idempotency).toEqual({});
    expect(config.logging).toEqual({ level: 'info' });
    expect(config.state).toEqual({ dataDir: './data' });
    const [dialer, ujet, ameyo] = config.tenants[0]!.connections;
    expect(dialer).toEqual({
      id: 'dialer',
      vendor: 'campaign-api',
      // the trailing slash is trimmed so routes can be appended
      baseUrl: 'https://portal.example.com:9443',
      accountId: 'c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e',
      credentials: { username: 'switchboard', password: PASSWORD, domain: 'demo' },
      rateLimit: { requestsPerSecond: 1, spacingMarginMs: 50, maxQueue: 1000 },
      timeouts: { connectMs: 5_000, headersMs: 15_000, requestMs: 30_000 },
      cacheTtlMs: 2_000,
      retry: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 2_000 },
      circuitBreaker: { failureThreshold: 5, cooldownMs: 10_000 },
      propagateTrace: false,
      tokenRefreshSkewMs: 60_000,
      tokenTtlMs: 3_300_000,
      leadCreateMethod: 'PUT',
      routes: {},
    });
    // a partial block keeps the defaults of the fields it does not name
    expect(ujet).toMatchObject({
      rateLimit: { requestsPerSecond: 5, spacingMarginMs: 50, maxQueue: 1000 },
      timeouts: { connectMs: 5_000, headersMs: 200, requestMs: 30_000 },
      cacheTtlMs: 0,
    });
    expect(ameyo).toMatchObject({ vendor: 'ameyo', ccId: 3, cacheTtlMs: 2_000 });
  });

  it('a tenant without connections gets an empty list', () => {
    const config = validateConfig({ tenants: [{ id: 'acme', apiKeys: [API_KEY] }] });
    expect(config.tenants[0]!.connections).toEqual([]);
  });
});

describe('${VAR} interpolation', () => {
  it('replaces references inside string values, anywhere in the tree', () => {
    const file = writeYaml(`
tenants:
  - id: acme
    apiKeys: ["\${SB_KEY}"]
    connections:
      - id: dialer
        vendor: campaign-api
        baseUrl: https://\${SB_HOST}:9443
        accountId: c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e
        credentials: { username: switchboard, password: "\${SB_PASSWORD}", domain: demo }
`);
    const config = loadConfigFile(file, { SB_KEY: API_KEY, SB_HOST: 'portal.example.com', SB_PASSWORD: PASSWORD });
    expect(config.tenants[0]!.apiKeys).toEqual([API_KEY]);
    const c = config.tenants[0]!.connections[0]!;
    expect(c.vendor === 'campaign-api' && c.baseUrl).toBe('https://portal.example.com:9443');
    expect(c.credentials).toEqual({ username: 'switchboard', password: PASSWORD, domain: 'demo' });
  });

  it('leaves numbers, booleans and text without references alone', () => {
    expect(interpolateEnv({ a: 1, b: true, c: null, d: ['x', '$HOME', '${'] }, { HOME: '/root' })).toEqual({
      a: 1,
      b: true,
      c: null,
      d: ['x', '$HOME', '${'],
    });
  });

  it('replaces several references in one string', () => {
    expect(interpolateEnv('${A}-${B}', { A: 'one', B: 'two' })).toBe('one-two');
  });

  it('refuses a missing variable, naming the path and the variable', () => {
    const file = writeYaml(`
tenants:
  - id: acme
    apiKeys: ["${API_KEY}"]
    connections:
      - id: dialer
        vendor: campaign-api
        baseUrl: https://portal.example.com:9443
        accountId: c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e
        credentials: { username: switchboard, password: "\${CAMPAIGN_PASSWORD}", domain: demo }
`);
    expectConfigError(() => loadConfigFile(file, {}), 'config: tenants[0].connections[0].credentials.password: environment variable CAMPAIGN_PASSWORD is not set');
  });

  it('treats an empty variable as missing', () => {
    expectConfigError(() => interpolateEnv({ tenants: [{ apiKeys: ['${KEY}'] }] }, { KEY: '' }), 'config: tenants[0].apiKeys[0]: environment variable KEY is not set');
  });
});

describe('validation messages name the field, never the value', () => {
  // Regression: zod 4 already ends the path with `vendor`; appending the discriminator again
  // printed `...connections[0].vendor.vendor`.
  it('unknown vendor names tenants[0].connections[0].vendor', () => {
    const input = baseConfig();
    input.tenants[0]!.connections[0]!['vendor'] = 'amyeo';
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].vendor: unknown vendor (expected ameyo | apps-api | campaign-api)');
  });

  it('missing required field', () => {
    const input = baseConfig();
    delete input.tenants[0]!.connections[0]!['baseUrl'];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].baseUrl: is required (expected string)');
  });

  it('missing tenants list', () => {
    expectConfigError(() => validateConfig({}), 'config is invalid:\n  tenants: is required (expected array)');
  });

  it('an empty tenants list', () => {
    expectConfigError(() => validateConfig({ tenants: [] }), 'config is invalid:\n  tenants: must list at least one tenant');
  });

  it('a credentials block missing its password matches no allowed shape', () => {
    const input = baseConfig();
    delete (input.tenants[0]!.connections[0]!['credentials'] as Record<string, unknown>)['password'];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].credentials: does not match any allowed shape');
  });

  // BUG (src/config/load.ts, describeIssue): zod 4 does not put `input` on issues unless asked to
  // (`reportInput`), so `issue.input === undefined` is always true and a present-but-mistyped value is
  // reported as missing ("is required") instead of "expected number".
  it('a value of the wrong type says what was expected, not that it is missing', () => {
    expectConfigError(() => validateConfig({ ...baseConfig(), server: { port: PASSWORD } }), 'config is invalid:\n  server.port: expected number');
  });

  it('unknown field in a connection', () => {
    const input = baseConfig();
    input.tenants[0]!.connections[0]!['pasword'] = PASSWORD;
    expectConfigError(() => validateConfig(input), "config is invalid:\n  tenants[0].connections[0]: unknown field 'pasword'");
  });

  // Issue 16: unconfirmed rows ([U]) and their alternates are configurable per connection.
  describe("routes: a connection's own method or path for some rows", () => {
    const withRoutes = (routes: unknown) => {
      const input = baseConfig();
      input.tenants[0]!.connections[0]!['routes'] = routes;
      return input;
    };
    it('accepts an alternate method and a path with the same parameters, and defaults to none', () => {
      const config = validateConfig(withRoutes({ addLead: { method: 'POST' }, setLeadStatus: { path: '/api/v2/config/leads/{leadId}/state/{status}' } }));
      expect(config.tenants[0]!.connections[0]!).toMatchObject({ routes: { addLead: { method: 'POST' }, setLeadStatus: { path: '/api/v2/config/leads/{leadId}/state/{status}' } } });
      expect(validateConfig(baseConfig()).tenants[0]!.connections[0]!).toMatchObject({ routes: {} });
    });
    it.each([
      ['an unknown route', { addLeads: { method: 'POST' } }, 'tenants[0].connections[0].routes.addLeads: unknown route'],
      [
        "a method that is neither the row's nor an alternate",
        { deleteLead: { method: 'POST' } },
        "tenants[0].connections[0].routes.deleteLead.method: route 'deleteLead' is sent with DELETE, not POST",
      ],
      [
        'a path that drops a parameter',
        { deleteLead: { path: '/api/v2/config/leads' } },
        "tenants[0].connections[0].routes.deleteLead.path: route 'deleteLead' must keep its parameters ({leadId}), got '/api/v2/config/leads'",
      ],
      ['a path without its leading slash', { deleteLead: { path: 'leads/{leadId}' } }, "tenants[0].connections[0].routes.deleteLead.path: expected a path starting with '/' and without spaces"],
      ['an unknown field', { deleteLead: { verb: 'POST' } }, "tenants[0].connections[0].routes.deleteLead: unknown field 'verb'"],
    ])('refuses %s', (_, routes, message) => {
      let caught: unknown;
      try {
        validateConfig(withRoutes(routes));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message).toContain(message);
    });
  });

  it('unknown fields at the root are listed together', () => {
    expectConfigError(() => validateConfig({ ...baseConfig(), secret: PASSWORD, other: 1 }), "config is invalid:\n  (root): unknown fields 'secret', 'other'");
  });

  it('a value outside an enum lists the allowed values', () => {
    expectConfigError(
      () => validateConfig({ ...baseConfig(), logging: { level: 'loud' } }),
      'config is invalid:\n  logging.level: expected one of "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent"',
    );
  });

  it('a credential with a trailing newline (a secret file read as is)', () => {
    const input = baseConfig();
    input.tenants[0]!.connections[0]!['accountId'] = 'c0ffee5a1e5d4b0a9e7f3c2d1b0a9f8e\n';
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].accountId: must not contain a line break or NUL (a trailing newline from a secret file?)');
  });

  it('a too-short API key', () => {
    const input = baseConfig();
    input.tenants[0]!['apiKeys'] = [SHORT_KEY];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].apiKeys[0]: must be at least 16 characters');
  });

  // Issue 11: a key with whitespace used to load and then never match (`Bearer <key>` is one token).
  it.each([
    ['a trailing newline', `${API_KEY}\n`],
    ['a trailing CRLF', `${API_KEY}\r\n`],
    ['a leading space', ` ${API_KEY}`],
    ['a space inside', `${API_KEY.slice(0, 8)} ${API_KEY.slice(8)}`],
    ['a tab', `${API_KEY}\t`],
  ])('an API key with %s', (_title, key) => {
    const input = baseConfig();
    input.tenants[0]!['apiKeys'] = [key];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].apiKeys[0]: must not contain whitespace or a line break (a trailing newline from a secret file?)');
  });

  // Issue 13: a credential shaped like a JWT is checked as a token, so such a key could never be used.
  it('an API key shaped like a JWT', () => {
    const input = baseConfig();
    input.tenants[0]!['apiKeys'] = ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].apiKeys[0]: must not look like a JWT (three base64url parts joined by dots): it would be checked as a token');
  });

  it('a URL with credentials', () => {
    const input = baseConfig();
    input.tenants[0]!.connections[0]!['baseUrl'] = `https://switchboard:${PASSWORD}@portal.example.com:9443`;
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].baseUrl: expected an http(s) URL without credentials or query string');
  });

  it('a URL with a query string', () => {
    const input = baseConfig();
    input.tenants[0]!.connections[0]!['baseUrl'] = `https://portal.example.com:9443/?key=${API_KEY}`;
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].connections[0].baseUrl: expected an http(s) URL without credentials or query string');
  });

  it('several problems are reported together, one line each', () => {
    const input = baseConfig();
    input.tenants[0]!['apiKeys'] = [SHORT_KEY];
    delete input.tenants[0]!.connections[0]!['accountId'];
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[0].apiKeys[0]: must be at least 16 characters\n  tenants[0].connections[0].accountId: is required (expected string)');
  });
});

describe('Ameyo credentials: a Basic user, or the admin token the gateway provisions one with (issue 16, item 7)', () => {
  const ameyo = (credentials: Record<string, unknown>) => ({
    tenants: [
      {
        id: 'acme',
        apiKeys: [API_KEY],
        connections: [
          {
            id: 'ameyo',
            vendor: 'ameyo',
            ccId: 3,
            baseUrls: { cms: 'https://cms.example.com', dataEngine: 'https://de.example.com', appServer: 'https://app.example.com' },
            credentials,
          },
        ],
      },
    ],
  });
  const credentialsOf = (credentials: Record<string, unknown>) => (validateConfig(ameyo(credentials)).tenants[0]!.connections[0] as { credentials: unknown }).credentials;
  const at = 'config is invalid:\n  tenants[0].connections[0].credentials';

  it('the Basic form is kept as given', () => {
    expect(credentialsOf({ username: 'admin', password: PASSWORD })).toEqual({ username: 'admin', password: PASSWORD });
  });

  it('the admin-token form gets its defaults: role Administrator, 24 h, renewed a tenth before expiry', () => {
    expect(credentialsOf({ adminToken: ADMIN_TOKEN, username: 'switchboard' })).toEqual({
      adminToken: ADMIN_TOKEN,
      username: 'switchboard',
      userRole: 'Administrator',
      ttlSeconds: 86_400,
      renewBeforeSeconds: 8_640,
    });
    expect(credentialsOf({ adminToken: ADMIN_TOKEN, username: 'sb', userRole: 'Supervisor', ttlSeconds: 3_600, renewBeforeSeconds: 600 })).toEqual({
      adminToken: ADMIN_TOKEN,
      username: 'sb',
      userRole: 'Supervisor',
      ttlSeconds: 3_600,
      renewBeforeSeconds: 600,
    });
  });

  it.each([
    ['neither password nor adminToken', { username: 'admin' }, '.password: is required (or give adminToken for the gateway to provision the credentials)'],
    ['both password and adminToken', { username: 'admin', password: PASSWORD, adminToken: ADMIN_TOKEN }, '.password: not allowed with adminToken (the gateway generates the password)'],
    ['a provisioning setting without adminToken', { username: 'admin', password: PASSWORD, ttlSeconds: 60 }, '.ttlSeconds: only allowed with adminToken'],
    ['renewBeforeSeconds not below ttlSeconds', { adminToken: ADMIN_TOKEN, username: 'sb', ttlSeconds: 600, renewBeforeSeconds: 600 }, '.renewBeforeSeconds: must be less than ttlSeconds'],
    ['renewBeforeSeconds not below the default ttlSeconds', { adminToken: ADMIN_TOKEN, username: 'sb', renewBeforeSeconds: 86_400 }, '.renewBeforeSeconds: must be less than ttlSeconds'],
    ['an empty adminToken', { adminToken: '', username: 'sb' }, '.adminToken: must not be empty'],
    ['an adminToken with a trailing newline', { adminToken: `${ADMIN_TOKEN}\n`, username: 'sb' }, '.adminToken: must not contain a line break or NUL (a trailing newline from a secret file?)'],
    ['a missing username', { adminToken: ADMIN_TOKEN }, '.username: is required (expected string)'],
    ['a ttlSeconds of 0', { adminToken: ADMIN_TOKEN, username: 'sb', ttlSeconds: 0 }, '.ttlSeconds: Too small: expected number to be >0'],
    ['a ttlSeconds that is not whole', { adminToken: ADMIN_TOKEN, username: 'sb', ttlSeconds: 1.5 }, '.ttlSeconds: expected int'],
    ['an unknown field', { adminToken: ADMIN_TOKEN, username: 'sb', adminTokn: ADMIN_TOKEN }, ": unknown field 'adminTokn'"],
  ])('%s names the field and not the value', (_name, credentials, message) => {
    expectConfigError(() => validateConfig(ameyo(credentials)), `${at}${message}`);
  });
});

describe('Ameyo crm: the gateway as the CRM Ameyo calls (issue 17, items 3-4)', () => {
  const URL_SECRET = 'crm-url-secret-0123456789';
  const AGENT_SECRET = 'agent-secret-value';
  const ameyo = (crm: unknown, extra: Record<string, unknown> = {}) => ({
    tenants: [
      {
        id: 'acme',
        apiKeys: [API_KEY],
        connections: [
          {
            id: 'ameyo',
            vendor: 'ameyo',
            ccId: 3,
            baseUrls: { cms: 'https://cms.example.com', dataEngine: 'https://de.example.com', appServer: 'https://app.example.com' },
            credentials: { username: 'admin', password: PASSWORD },
            crm,
            ...extra,
          },
        ],
      },
    ],
  });
  const crmOf = (crm: unknown, extra?: Record<string, unknown>) => (validateConfig(ameyo(crm, extra)).tenants[0]!.connections[0] as { crm: unknown }).crm;
  const at = 'config is invalid:\n  tenants[0].connections[0].crm';

  it('gets its defaults: Ameyo disposes, SSO sessions of 12 h, 10000 per tenant, the key still accepted', () => {
    expect(crmOf({ urlSecret: URL_SECRET })).toEqual({ urlSecret: URL_SECRET, dispositionMode: 'ameyo' });
    expect(crmOf({ urlSecret: URL_SECRET, pageTemplate: 'https://crm.example.com/pop?u={userId}', sso: { verifier: { agents: { agent1: AGENT_SECRET } } } })).toEqual({
      urlSecret: URL_SECRET,
      pageTemplate: 'https://crm.example.com/pop?u={userId}',
      dispositionMode: 'ameyo',
      sso: { verifier: { agents: { agent1: AGENT_SECRET } }, sessionTtlSeconds: 43_200, maxSessions: 10_000, requireSession: false },
    });
    expect(crmOf({ urlSecret: URL_SECRET, dispositionMode: 'crmFirst' }, { appServerToken: 'app-token' })).toMatchObject({ dispositionMode: 'crmFirst' });
  });

  it("sends a proxied verifier the document's JSON body by default, or its form-encoded request=<json> with encoding: form", () => {
    expect(crmOf({ urlSecret: URL_SECRET, sso: { verifier: { url: 'https://crm.example.com/sso' } } })).toMatchObject({ sso: { verifier: { url: 'https://crm.example.com/sso', encoding: 'json' } } });
    expect(crmOf({ urlSecret: URL_SECRET, sso: { verifier: { url: 'https://crm.example.com/sso', encoding: 'form' } } })).toMatchObject({
      sso: { verifier: { url: 'https://crm.example.com/sso', encoding: 'form' } },
    });
  });

  it.each<[string, unknown, string]>([
    ['a short secret', { urlSecret: 'short' }, '.urlSecret: must be at least 16 characters'],
    ['no secret', {}, '.urlSecret: is required (expected string)'],
    ['a secret with a newline', { urlSecret: `${URL_SECRET}\n` }, '.urlSecret: must not contain a line break or NUL (a trailing newline from a secret file?)'],
    [
      'an unknown placeholder',
      { urlSecret: URL_SECRET, pageTemplate: 'https://crm.example.com/{password}' },
      '.pageTemplate: unknown placeholder {password} (expected one of {page} {sessionId} {campaignId} {crtObjectId} {userCrtObjectId} {userId} {customerId} {phone} {queueId} {queueName} {disposition} {dispositionAttribute})',
    ],
    ['a template that is no URL', { urlSecret: URL_SECRET, pageTemplate: 'crm page {userId}' }, '.pageTemplate: expected an http(s) URL with {placeholders}'],
    ['both verifiers', { urlSecret: URL_SECRET, sso: { verifier: { url: 'https://crm.example.com/sso', agents: { a: AGENT_SECRET } } } }, '.sso.verifier: expected exactly one of url or agents'],
    ['no verifier', { urlSecret: URL_SECRET, sso: { verifier: {} } }, '.sso.verifier: expected exactly one of url or agents'],
    ['an unknown encoding', { urlSecret: URL_SECRET, sso: { verifier: { url: 'https://crm.example.com/sso', encoding: 'xml' } } }, '.sso.verifier.encoding: expected one of "json" | "form"'],
    [
      'an encoding without url',
      { urlSecret: URL_SECRET, sso: { verifier: { agents: { a: AGENT_SECRET }, encoding: 'form' } } },
      '.sso.verifier.encoding: only allowed with url (how the login is sent to it)',
    ],
    ['an empty agent secret', { urlSecret: URL_SECRET, sso: { verifier: { agents: { a: '' } } } }, '.sso.verifier.agents.a: must not be empty'],
    ['an unknown mode', { urlSecret: URL_SECRET, dispositionMode: 'dual' }, '.dispositionMode: expected one of "ameyo" | "crmFirst"'],
    ['crmFirst without appServerToken', { urlSecret: URL_SECRET, dispositionMode: 'crmFirst' }, '.dispositionMode: crmFirst needs appServerToken (the gateway disposes the call in Ameyo)'],
    ['an unknown field', { urlSecret: URL_SECRET, secret: URL_SECRET }, ": unknown field 'secret'"],
  ])('%s names the field and never the secret', (_name, crm, message) => {
    let error: unknown;
    try {
      validateConfig(ameyo(crm));
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toBe(`${at}${message}`);
    expect((error as Error).message).not.toContain(URL_SECRET.slice(4));
  });
});

describe('state (issue 14): the embedded store by default, Redis when named', () => {
  it('a Redis block gets its defaults and keeps the URL, password included, for the connection only', () => {
    const config = validateConfig({ ...baseConfig(), state: { redis: { url: `redis://:${PASSWORD}@redis.internal:6379/2` } } });
    expect(config.state).toEqual({ dataDir: './data', redis: { url: `redis://:${PASSWORD}@redis.internal:6379/2`, keyPrefix: 'switchboard:', commandTimeoutMs: 1_000 } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a URL of another scheme', { redis: { url: `https://:${PASSWORD}@redis.internal` } }, 'state.redis.url: expected redis://[:password@]host[:port][/db] or rediss://...'],
    ['a URL with a query string', { redis: { url: `redis://redis.internal:6379/?password=${PASSWORD}` } }, 'state.redis.url: expected redis://[:password@]host[:port][/db] or rediss://...'],
    ['a key prefix with a space', { redis: { url: 'redis://redis.internal', keyPrefix: 'a b' } }, 'state.redis.keyPrefix: expected 1-64 of A-Z a-z 0-9 : _ . -'],
    ['an unknown field', { redis: { url: 'redis://redis.internal', pasword: PASSWORD } }, "state.redis: unknown field 'pasword'"],
    ['an empty data directory', { dataDir: '' }, 'state.dataDir: must not be empty'],
  ])('%s names the field, never the value', (_name, state, line) => {
    expectConfigError(() => validateConfig({ ...baseConfig(), state }), `config is invalid:\n  ${line}`);
  });
});

describe('server.metrics (who may read /metrics: issue 11 item 4)', () => {
  const withMetrics = (metrics: unknown) => ({ ...baseConfig(), server: { metrics } });

  it('a partial server block still gets the metrics default', () => {
    expect(validateConfig({ ...baseConfig(), server: { port: 8080 } }).server.metrics).toEqual({ host: '127.0.0.1' });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['an empty block', {}, { host: '127.0.0.1' }],
    ['a port alone listens on loopback', { port: 9464 }, { host: '127.0.0.1', port: 9464 }],
    ['host and port', { host: '0.0.0.0', port: 9464 }, { host: '0.0.0.0', port: 9464 }],
    ['a token alone', { token: METRICS_TOKEN }, { host: '127.0.0.1', token: METRICS_TOKEN }],
    ['all three', { host: '::', port: 0, token: METRICS_TOKEN }, { host: '::', port: 0, token: METRICS_TOKEN }],
  ])('%s', (_title, metrics, expected) => {
    expect(validateConfig(withMetrics(metrics)).server.metrics).toEqual(expected);
  });

  it('reads the token from the environment', () => {
    const file = writeYaml(`${VALID_YAML}\nserver:\n  metrics: { port: 9464, token: "\${METRICS_TOKEN}" }\n`);
    expect(loadConfigFile(file, { METRICS_TOKEN }).server.metrics).toEqual({ host: '127.0.0.1', port: 9464, token: METRICS_TOKEN });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a host without a port', { host: '0.0.0.0' }, "server.metrics.host: host needs port (host is the metrics listener's address)"],
    ['an empty host', { host: '', port: 9464 }, 'server.metrics.host: must not be empty'],
    ['a port out of range', { port: 65_536 }, 'server.metrics.port: Too big: expected number to be <=65535'],
    ['a port that is not a number', { port: '9464' }, 'server.metrics.port: expected number'],
    ['a short token', { token: SHORT_KEY }, 'server.metrics.token: must be at least 16 characters'],
    ['an empty token', { token: '' }, 'server.metrics.token: must be at least 16 characters'],
    ['a token with a trailing newline', { token: `${METRICS_TOKEN}\n` }, 'server.metrics.token: must not contain a line break or NUL (a trailing newline from a secret file?)'],
    ['a token with a NUL', { token: `${METRICS_TOKEN}\0` }, 'server.metrics.token: must not contain a line break or NUL (a trailing newline from a secret file?)'],
    ['a token with a space', { token: `Bearer ${METRICS_TOKEN}` }, 'server.metrics.token: must be visible ASCII characters, no spaces'],
    ['a token with a non-ASCII character', { token: `${METRICS_TOKEN}é` }, 'server.metrics.token: must be visible ASCII characters, no spaces'],
    ['an unknown field', { tokn: METRICS_TOKEN }, "server.metrics: unknown field 'tokn'"],
  ])('%s', (_title, metrics, line) => {
    expectConfigError(() => validateConfig(withMetrics(metrics)), `config is invalid:\n  ${line}`);
  });
});

describe('server.idempotency and the new query limits (issue 11, items 2 and 5)', () => {
  it('a partial server block still gets the idempotency and limit defaults', () => {
    const config = validateConfig({ ...baseConfig(), server: { port: 8080 } });
    expect(config.server.idempotency).toEqual({ retentionHours: 24, maxKeysPerTenant: 10_000 });
    expect(config.server.limits).toMatchObject({ maxListLength: 100, maxIdempotentMutations: 1 });
  });

  it('a partial block keeps the defaults of the fields it does not name; a tenant overrides either field', () => {
    const input = baseConfig() as Record<string, any>;
    input['server'] = { idempotency: { retentionHours: 0.5 }, limits: { maxListLength: 500 } };
    input['tenants'][0].idempotency = { maxKeysPerTenant: 50_000 };
    input['tenants'][0].limits = { maxIdempotentMutations: 5 };
    const config = validateConfig(input);
    expect(config.server.idempotency).toEqual({ retentionHours: 0.5, maxKeysPerTenant: 10_000 });
    expect(config.server.limits).toMatchObject({ maxListLength: 500, maxIdempotentMutations: 1 });
    expect(config.tenants[0]!.idempotency).toEqual({ maxKeysPerTenant: 50_000 });
    expect(config.tenants[0]!.limits).toEqual({ maxIdempotentMutations: 5 });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | null, string]>([
    ['a zero retention', { idempotency: { retentionHours: 0 } }, null, 'server.idempotency.retentionHours: Too small: expected number to be >0'],
    ['a retention past 30 days', { idempotency: { retentionHours: 721 } }, null, 'server.idempotency.retentionHours: Too big: expected number to be <=720'],
    ['a fractional bound', { idempotency: { maxKeysPerTenant: 1.5 } }, null, 'server.idempotency.maxKeysPerTenant: expected int'],
    ['an unknown idempotency field', { idempotency: { maxKeys: 5 } }, null, "server.idempotency: unknown field 'maxKeys'"],
    ['a list limit of 0', { limits: { maxListLength: 0 } }, null, 'server.limits.maxListLength: Too small: expected number to be >0'],
    ['a negative mutation limit', { limits: { maxIdempotentMutations: -1 } }, null, 'server.limits.maxIdempotentMutations: Too small: expected number to be >=0'],
    ['a tenant bound of 0', {}, { idempotency: { maxKeysPerTenant: 0 } }, 'tenants[0].idempotency.maxKeysPerTenant: Too small: expected number to be >0'],
    ['an unknown tenant idempotency field', {}, { idempotency: { ttl: 5 } }, "tenants[0].idempotency: unknown field 'ttl'"],
  ])('refuses %s', (_title, server, tenant, line) => {
    const input = baseConfig() as Record<string, any>;
    input['server'] = server;
    if (tenant) Object.assign(input['tenants'][0], tenant);
    expectConfigError(() => validateConfig(input), `config is invalid:\n  ${line}`);
  });
});

describe('cross-field rules', () => {
  it('duplicate tenant id', () => {
    const input = baseConfig();
    input.tenants.push({ id: 'acme', apiKeys: [OTHER_KEY], connections: [] });
    expectConfigError(() => validateConfig(input), "config is invalid:\n  tenants[1].id: duplicate tenant id 'acme'");
  });

  it('duplicate connection id within a tenant', () => {
    const input = baseConfig();
    input.tenants[0]!.connections.push(campaignConnection());
    expectConfigError(() => validateConfig(input), "config is invalid:\n  tenants[0].connections[1].id: duplicate connection id 'dialer' in tenant 'acme'");
  });

  it('the same connection id in two tenants is fine', () => {
    const input = baseConfig();
    input.tenants.push({ id: 'globex', apiKeys: [OTHER_KEY], connections: [campaignConnection()] });
    expect(validateConfig(input).tenants.map((t) => t.connections[0]!.id)).toEqual(['dialer', 'dialer']);
  });

  it('the same API key in two tenants names both places and not the key', () => {
    const input = baseConfig();
    input.tenants.push({ id: 'globex', apiKeys: [OTHER_KEY, API_KEY], connections: [] });
    expectConfigError(() => validateConfig(input), 'config is invalid:\n  tenants[1].apiKeys[1]: the same key is already used by tenants[0]');
  });
});

describe('the file itself', () => {
  it('invalid YAML gives line and column and not the offending line', () => {
    const text = `tenants:\n  - id: acme\n    apiKeys: ["${API_KEY}"]\n    password: "${PASSWORD}" trailing\n`;
    // yaml's own message quotes the line, secret included; ours must keep only the position
    expect(() => parseYaml(text)).toThrow(PASSWORD);
    const file = writeYaml(text);
    expectConfigError(() => loadConfigFile(file, {}), `config: ${file} is not valid YAML (line 4, column 30)`);
  });

  it('a file that cannot be read gives the errno code', () => {
    const file = join(dir, 'does-not-exist.yaml');
    expectConfigError(() => loadConfigFile(file, {}), `config: cannot read ${file}: ENOENT`);
  });

  it('validation errors from a file name the path and not the secret', () => {
    const file = writeYaml(VALID_YAML.replace('vendor: campaign-api', 'vendor: amyeo').replace('id: ujet', 'id: UJET'));
    let message = '';
    try {
      loadConfigFile(file, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('tenants[0].connections[1].id: expected lowercase letters, digits, "-" or "_" (1-63 characters)');
    for (const s of SECRETS) expect(message).not.toContain(s);
  });
});
