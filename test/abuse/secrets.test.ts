/**
 * Abuse suite, secrets: a stack whose connections carry distinctive secrets (passwords, tokens, API keys,
 * Ameyo hash key and app-server token, an Apps API company secret), driven through every error path we can
 * reach; then every captured log line, response body and header, and the /metrics text are scanned for
 * each secret, its Basic form and the campaign bearer tokens the simulator saw. None may appear.
 */
import { encodeGlobalId } from '../../src/graphql/ids';
import { startStack, type GqlResult, type Stack } from '../support/stack';
import { multipartBody, rawRequest } from './helpers';

const S = {
  keyGood: 'sbkey-GOOD-7f3a9c1e5b2d4f60',
  keyDenied: 'sbkey-DENY-0a1b2c3d4e5f6789',
  keyWrong: 'sbkey-WRONG-never-configured-1234',
  ameyoPassword: 'AMEYO-PW-q8Zr2LxP',
  ameyoHashKey: 'AMEYO-HASH-x7Vb3NqK',
  ameyoAppToken: 'AMEYO-APPTOK-m4Ht9WsE',
  appsToken: 'APPS-TOKEN-c5Jd8RfY',
  appsCompanySecret: 'APPS-COSECRET-u2Kg6TbZ',
  dialerPassword: 'DIALER-PW-n9Lw1QeV',
  dialerApiKey: 'DIALER-APIKEY-h3Ps7MyC',
  dialerAccount: 'd1a1e7acc0b9e4d7a2c5f6e7d8c9b0a1',
  badAmeyoPassword: 'BAD-AMEYO-PW-r6Tz0XuJ',
  badHashKey: 'BAD-HASH-k1Nd5VgH',
  badAppToken: 'BAD-APPTOK-w8Qa4EpL',
  badAppsToken: 'BAD-APPS-TOKEN-z3Fy7CoS',
  badDialerPassword: 'BAD-DIALER-PW-e5Rb2IuM',
  badDialerApiKey: 'BAD-DIALER-APIKEY-y1Vc9OaT',
  ameyoAdminToken: 'AMEYO-ADMINTOK-p2Wd6HsN',
  badAmeyoAdminToken: 'BAD-AMEYO-ADMINTOK-f4Gk8JmR',
  crmUrlSecret: 'CRM-URLSECRET-t7Yh2KdQ',
  badCrmUrlSecret: 'BAD-CRM-URLSECRET-a3Gs8NwX',
  crmAgentSecret: 'CRM-AGENT-PW-b9Mx4ZlC',
  badCrmAgentSecret: 'BAD-CRM-AGENT-PW-j6Rv1TeB',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('no secret in any log line, response, header or metric, whatever fails', () => {
  let stack: Stack;
  /** Every response body and header set, as text, in order. */
  const seen: string[] = [];
  /** Every GraphQL answer `record` got, in order. */
  const answered: GqlResult[] = [];

  beforeAll(async () => {
    stack = await startStack({
      sims: {
        ameyo: {
          requestsPerSecond: 0,
          users: [{ username: 'sb_api', password: S.ameyoPassword }],
          hashKey: S.ameyoHashKey,
          appServerToken: S.ameyoAppToken,
          adminBearerToken: S.ameyoAdminToken,
        },
        appsApi: { requestsPerSecond: 0, accounts: [{ subdomain: 'acme', token: S.appsToken }], companySecret: S.appsCompanySecret },
        campaignApi: {
          requestsPerSecond: 0,
          accounts: [{ accountId: S.dialerAccount, domain: 'acme', username: 'sb', password: S.dialerPassword, apiKey: S.dialerApiKey }],
        },
      },
      // Tenant A (the harness's) uses the simulators' default credentials, which these simulators refuse.
      connection: { cacheTtlMs: 0, rateLimit: { requestsPerSecond: 1000 }, timeouts: { connectMs: 1000, headersMs: 1000, requestMs: 1500 } },
      server: { uploads: { maxJsonFileBytes: 512 }, limits: { maxDepth: 10, maxAliases: 10, maxDirectives: 50, maxTokens: 2000, maxCost: 5000 } },
      moreTenants: (sims) => {
        const common = { cacheTtlMs: 0, rateLimit: { requestsPerSecond: 1000 }, retry: { maxRetries: 0 }, timeouts: { connectMs: 1000, headersMs: 1000, requestMs: 1500 } };
        const ameyoUrls = { cms: sims.ameyo.url, dataEngine: sims.ameyo.url, appServer: sims.ameyo.url };
        const appsUrls = { apps: sims.appsApi.appsBaseUrl, manager: sims.appsApi.managerBaseUrl };
        return [
          {
            id: 'tenant-good',
            apiKeys: [S.keyGood],
            connections: [
              {
                id: 'ameyo-g',
                vendor: 'ameyo',
                ccId: 1,
                baseUrls: ameyoUrls,
                credentials: { username: 'sb_api', password: S.ameyoPassword },
                webAccess: { hashKey: S.ameyoHashKey, requestingHost: 'switchboard.demo' },
                appServerToken: S.ameyoAppToken,
                // Ameyo's CRM URLs and SSO API (issue 17): the URL secret and the agents' CRM passwords.
                crm: { urlSecret: S.crmUrlSecret, sso: { verifier: { agents: { agent1: S.crmAgentSecret } } } },
                ...common,
              },
              // Provisions its own Basic user with the admin token (issue 16, item 7): the password is the gateway's.
              { id: 'ameyo-t', vendor: 'ameyo', ccId: 1, baseUrls: ameyoUrls, credentials: { adminToken: S.ameyoAdminToken, username: 'sb_prov' }, ...common },
              { id: 'apps-g', vendor: 'apps-api', baseUrls: appsUrls, credentials: { subdomain: 'acme', apiToken: S.appsToken, companySecret: S.appsCompanySecret }, ...common },
              {
                id: 'dialer-g',
                vendor: 'campaign-api',
                baseUrl: sims.campaignApi.url,
                accountId: S.dialerAccount,
                credentials: { username: 'sb', password: S.dialerPassword, domain: 'acme' },
                ...common,
              },
              { id: 'dialer-k', vendor: 'campaign-api', baseUrl: sims.campaignApi.url, accountId: S.dialerAccount, credentials: { apiKey: S.dialerApiKey }, ...common },
            ],
          },
          {
            id: 'tenant-denied',
            apiKeys: [S.keyDenied],
            connections: [
              {
                id: 'ameyo-d',
                vendor: 'ameyo',
                ccId: 1,
                baseUrls: ameyoUrls,
                credentials: { username: 'sb_api', password: S.badAmeyoPassword },
                webAccess: { hashKey: S.badHashKey, requestingHost: 'switchboard.demo' },
                appServerToken: S.badAppToken,
                ...common,
              },
              { id: 'ameyo-dt', vendor: 'ameyo', ccId: 1, baseUrls: ameyoUrls, credentials: { adminToken: S.badAmeyoAdminToken, username: 'sb_prov' }, ...common },
              { id: 'apps-d', vendor: 'apps-api', baseUrls: appsUrls, credentials: { subdomain: 'acme', apiToken: S.badAppsToken }, ...common },
              {
                id: 'dialer-d',
                vendor: 'campaign-api',
                baseUrl: sims.campaignApi.url,
                accountId: S.dialerAccount,
                credentials: { username: 'sb', password: S.badDialerPassword, domain: 'acme' },
                ...common,
              },
              { id: 'dialer-dk', vendor: 'campaign-api', baseUrl: sims.campaignApi.url, accountId: S.dialerAccount, credentials: { apiKey: S.badDialerApiKey }, ...common },
              // Nothing listens here: connection refused.
              {
                id: 'apps-down',
                vendor: 'apps-api',
                baseUrls: { apps: 'http://127.0.0.1:9/apps/api/v1', manager: 'http://127.0.0.1:9/manager/api/v1' },
                credentials: { subdomain: 'acme', apiToken: S.appsToken },
                ...common,
              },
            ],
          },
        ];
      },
    });
  });
  afterAll(() => stack?.close());

  const record = async (query: string, apiKey: string | null, variables: Record<string, unknown> = {}) => {
    const r = await stack.gql(query, { apiKey, variables });
    seen.push(JSON.stringify(r.body), JSON.stringify([...r.headers]));
    answered.push(r);
    return r;
  };
  const sims = () => [stack.sims.ameyo, stack.sims.appsApi, stack.sims.campaignApi];

  /** Every secret to look for: the configured ones, their Basic forms, and each bearer token the campaign simulator has seen. */
  const secrets = () => [
    ...Object.values(S).filter((s) => s !== S.dialerAccount),
    b64(`sb_api:${S.ameyoPassword}`),
    b64(`sb_api:${S.badAmeyoPassword}`),
    b64(`acme:${S.appsToken}`),
    b64(`acme:${S.badAppsToken}`),
    b64(`x:${S.keyGood}`),
    ...stack.sims.campaignApi.requests
      .map((r) => r.headers['authorization'])
      .filter((h): h is string => !!h && h.startsWith('Bearer '))
      .map((h) => h.slice('Bearer '.length)),
    // The passwords the gateway generated for its Ameyo users, and their Basic forms.
    ...stack.sims.ameyo.requests
      .filter((r) => r.path === '/configuration/basicauth')
      .flatMap((r) => {
        const { username, password } = JSON.parse(r.body) as { username: string; password: string };
        return [password, b64(`${username}:${password}`)];
      }),
  ];
  /** Each text that holds a secret, named by where it was. */
  const leaksIn = (where: string, texts: readonly string[]): string[] => {
    const all = secrets();
    return texts.flatMap((text) => all.filter((s) => text.includes(s)).map((s) => `${where} contains ${s.slice(0, 12)}…: ${text.slice(0, 300)}`));
  };
  /** Where the answers and the log stand now; `leaksSince` and `answeredSince` give what a test added after it. */
  const mark = () => ({ seen: seen.length, answered: answered.length, logs: stack.logs.length });
  const answeredSince = (from: ReturnType<typeof mark>) => answered.slice(from.answered);
  const leaksSince = (from: ReturnType<typeof mark>) => [
    ...leaksIn('response', seen.slice(from.seen)),
    ...leaksIn(
      'log',
      stack.logs.slice(from.logs).map((l) => JSON.stringify(l)),
    ),
  ];
  /** `connectionId:code:upstreamStatus` of each error of each answer. */
  const errorsOf = (answers: readonly GqlResult[]) =>
    answers.flatMap((r) => (r.body.errors ?? []).map((e) => `${e.extensions?.['connectionId'] ?? '-'}:${e.extensions?.['code']}:${e.extensions?.['upstreamStatus'] ?? '-'}`));

  const READS = [
    '{ agents(first: 100) { totalCount edges { node { id name rawStatus presence { sessionNativeId } } } } }',
    '{ calls(first: 5) { totalCount edges { node { id agent { name } } } } }',
    '{ campaigns(first: 5) { totalCount edges { node { id leads(first: 2) { totalCount edges { node { id } } } } } } }',
    '{ queues { id waitTimes { voice } } }',
    '{ connections { id status lastErrorCode } }',
  ];

  it('drives auth failures, refused vendor credentials and unreachable vendors', async () => {
    const from = mark();
    for (const key of [S.keyWrong, `${S.keyGood}x`, null]) {
      const r = await record('{ connections { id } }', key);
      expect(r.status).toBe(401);
    }
    const raw = await rawRequest(stack.graphqlUrl, { headers: { authorization: `Basic ${b64(`x:${S.keyGood}`)}`, 'content-type': 'application/json' }, body: '{"query":"{ connections { id } }"}' });
    seen.push(raw.text, JSON.stringify(raw.headers));
    for (const q of READS) for (const key of [S.keyGood, S.keyDenied]) await record(q, key);
    // The good tenant's credentials work, so the secrets were really in use.
    const good = await record('{ agents(first: 100) { totalCount } }', S.keyGood);
    expect(good.body.errors).toBeUndefined();
    expect(good.body.data!['agents'].totalCount).toBeGreaterThan(0);
    const denied = await record('{ agents { totalCount } }', S.keyDenied);
    const codes = denied.body.errors!.map((e) => `${e.extensions!['connectionId']}:${e.extensions!['code']}`).sort();
    expect(codes).toEqual(expect.arrayContaining(['ameyo-d:UPSTREAM_ERROR', 'ameyo-dt:UPSTREAM_ERROR', 'apps-d:UPSTREAM_ERROR', 'apps-down:UPSTREAM_UNAVAILABLE']));
    // Tenant A's default credentials are refused by these simulators too.
    const tenantA = await record('{ agents { totalCount } }', 'test-key-tenant-a-0001');
    expect(errorsOf([tenantA])).toEqual(['ameyo-a:UPSTREAM_ERROR:401', 'apps-a:UPSTREAM_ERROR:401', 'dialer-a:UPSTREAM_ERROR:401']);
    expect(leaksSince(from)).toEqual([]);
  });

  it('drives dial, dispose, recording and custom-data paths with good and refused credentials', async () => {
    const from = mark();
    const ameyoFrom = stack.sims.ameyo.requests.length;
    for (const [key, ameyo, apps] of [
      [S.keyGood, 'ameyo-g', 'apps-g'],
      [S.keyDenied, 'ameyo-d', 'apps-d'],
    ] as const) {
      const agent = encodeGlobalId('Agent', ameyo, String(stack.sims.ameyo.state.sessions[0]?.userId ?? 'u1'));
      await record(
        'mutation($a: ID!, $p: ID!) { callDial(input: { agentId: $a, campaignId: $p, phoneNumber: "+14155550101", idempotencyKey: "secrets-dial-' +
          ameyo +
          '" }) { dialAttempt { accepted vendorReason } userErrors { message code } } }',
        key,
        { a: agent, p: encodeGlobalId('Campaign', ameyo, '1') },
      );
      await record(
        'mutation($a: ID!) { callDispose(input: { agentId: $a, dispositionCode: "Sale", idempotencyKey: "secrets-dispose-' + ameyo + '" }) { accepted vendorReason userErrors { message code } } }',
        key,
        { a: agent },
      );
      await record('query($c: ID!) { recording(callId: $c) { url byteLength } }', key, { c: encodeGlobalId('Call', ameyo, 'crt-1') });
      for (const signed of [true, false]) {
        await record(`mutation($c: ID!) { callCustomDataSend(input: { callId: $c, signed: ${signed}, fields: [{ key: "field1", value: "v" }] }) { sent userErrors { message code } } }`, key, {
          c: encodeGlobalId('Call', apps, String(stack.sims.appsApi.state.calls[0]!.id)),
        });
      }
      await record('{ bulkUserTemplate(connectionId: "' + apps + '") }', key);
      await record(
        'mutation { leadCreate(input: { campaignId: "' +
          encodeGlobalId('Campaign', key === S.keyGood ? 'dialer-g' : 'dialer-d', '1') +
          '", phoneNumber: "+14155550101" }) { lead { id } userErrors { message } } }',
        key,
      );
      await record('{ campaignActivity(filter: { from: "2026-01-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }) { edges { cursor } } }', key);
    }
    // Both sets of credentials were in play: the good ones reached Ameyo, and the refused ones were refused.
    const wire = stack.sims.ameyo.requests
      .slice(ameyoFrom)
      .map((r) => JSON.stringify(r.headers))
      .join('\n');
    for (const s of [S.ameyoHashKey, S.ameyoAppToken, S.badHashKey, S.badAppToken]) expect(wire).toContain(s);
    expect(errorsOf(answeredSince(from))).toEqual(expect.arrayContaining(['ameyo-d:UPSTREAM_ERROR:401', 'apps-d:UPSTREAM_ERROR:401', 'dialer-d:UPSTREAM_ERROR:401']));
    expect(leaksSince(from)).toEqual([]);
  });

  it('drives 5xx, timeouts, resets, malformed and truncated bodies, 429 storms and expired tokens', async () => {
    const from = mark();
    const faults = [
      { serverErrorStatus: 500 },
      { serverErrorStatus: 503 },
      { malformedBody: true },
      { connectionReset: true },
      { truncatedBody: true },
      { tooManyRequests: true },
      { expiredToken: true },
      { latencyMs: 2500 },
    ] as const;
    const failedReads: GqlResult[] = [];
    for (const fault of faults) {
      for (const sim of sims()) sim.setFaults(fault);
      for (const q of READS.slice(0, 3)) failedReads.push(await record(q, S.keyGood));
      await record('mutation { dncAdd(input: { connectionId: "apps-g", entries: [{ phoneNumber: "+14155550101" }] }) { userErrors { message } } }', S.keyGood);
      for (const sim of sims()) sim.resetFaults();
    }
    stack.sims.campaignApi.expireAllTokens();
    await record(READS[2]!, S.keyGood);
    // Every read under a fault answered with an error, and every kind of failure was reached.
    expect(failedReads.filter((r) => !r.body.errors?.length)).toEqual([]);
    const codes = new Set(errorsOf(failedReads).map((e) => e.split(':')[1]));
    expect([...codes]).toEqual(expect.arrayContaining(['RATE_LIMITED', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE']));
    expect(leaksSince(from)).toEqual([]);
  }, 40_000);

  it('drives limit refusals, bad input and upload refusals', async () => {
    const from = mark();
    await record(`{ ${Array.from({ length: 11 }, (_, i) => `a${i}: agents { totalCount }`).join(' ')} }`, S.keyGood);
    await record(`{ connections { ${'id '.repeat(2100)} } }`, S.keyGood);
    await record('{ campaigns(first: 100) { edges { node { leads(first: 100) { edges { node { id } } } } } } }', S.keyGood);
    await record('{ agents(first: 100000) { totalCount } }', S.keyGood);
    await record('{ dncCheck(connectionId: "apps-g", phoneNumber: "12") { listed } }', S.keyGood);
    await record('query($j: ID!) { bulkUserJob(id: $j) { nativeId } }', S.keyGood, { j: encodeGlobalId('BulkUserJob', 'apps-g', '..') });
    await record('subscription { connections { id } }', S.keyGood);
    // Each was refused with an error that names its reason, none as INTERNAL.
    const refused = answeredSince(from);
    expect(refused.filter((r) => !r.body.errors?.length)).toEqual([]);
    expect(errorsOf(refused).filter((e) => e.includes(':INTERNAL:'))).toEqual([]);
    const BULK = 'mutation($input: BulkUsersUploadInput!) { bulkUsersUpload(input: $input) { job { nativeId } userErrors { message code } } }';
    const ops = JSON.stringify({ query: BULK, variables: { input: { connectionId: 'apps-g', file: null } } });
    const uploadStatuses: number[] = [];
    const uploads: Array<Array<{ name: string; value: string; filename?: string; type?: string }>> = [
      [
        { name: 'operations', value: ops },
        { name: 'map', value: '{"0":["variables.input.file"]}' },
        { name: '0', value: 'a,b\n1,2', filename: 'u.json', type: 'application/json' },
      ],
      [
        { name: 'operations', value: ops },
        { name: 'map', value: '{"0":["variables.input.file"]}' },
        { name: '0', value: `[${'1,'.repeat(400)}1]`, filename: 'u.json' },
      ],
      [
        { name: 'operations', value: ops },
        { name: 'map', value: '{"0":["variables.input.file"]}' },
      ],
      [{ name: 'operations', value: '{bad' }],
      [
        { name: 'operations', value: ops },
        { name: 'map', value: '{"0":["variables.input.file"]}' },
        { name: '0', value: '[]', filename: 'u.json' },
      ],
    ];
    for (const key of [S.keyGood, S.keyDenied]) {
      for (const parts of uploads) {
        const r = await rawRequest(stack.graphqlUrl, {
          headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true', 'content-type': 'multipart/form-data; boundary=XX' },
          body: multipartBody('XX', parts),
        });
        seen.push(r.text, JSON.stringify(r.headers));
        uploadStatuses.push(r.status);
      }
    }
    const noPreflight = await rawRequest(stack.graphqlUrl, { headers: { authorization: `Bearer ${S.keyGood}`, 'content-type': 'multipart/form-data; boundary=XX' }, body: 'x' });
    seen.push(noPreflight.text, JSON.stringify(noPreflight.headers));
    for (const path of ['/files/contact-upload-errors/x', `/files/contact-upload-errors/${encodeGlobalId('ContactUploadTask', 'ameyo-d', '1/2/3')}`, '/readyz', '/nope']) {
      for (const key of [S.keyGood, S.keyDenied]) {
        const r = await rawRequest(`${stack.gateway.url}${path}`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
        seen.push(r.text, JSON.stringify(r.headers));
      }
    }
    // No upload, however malformed, was answered with a server error.
    expect(uploadStatuses.filter((status) => status >= 500)).toEqual([]);
    expect(leaksSince(from)).toEqual([]);
  });

  it("drives Ameyo's CRM URLs and SSO API with good and wrong secrets, passwords and sessions", async () => {
    const from = mark();
    const base = `${stack.gateway.url}/ameyo/tenant-good/ameyo-g`;
    const sso = (key: string, body: unknown) => rawRequest(`${base}/sso?key=${key}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const statuses: number[] = [];
    const keep = (r: { status: number; text: string; headers: unknown }) => {
      statuses.push(r.status);
      seen.push(r.text, JSON.stringify(r.headers));
      return r;
    };
    const login = keep(await sso(S.crmUrlSecret, { userId: 'agent1', password: S.crmAgentSecret, command: 'login' }));
    const { crmSessionId } = JSON.parse(login.text) as { crmSessionId: string };
    keep(await sso(S.crmUrlSecret, { userId: 'agent1', password: S.badCrmAgentSecret, command: 'login' }));
    keep(await sso(S.badCrmUrlSecret, { userId: 'agent1', password: S.crmAgentSecret, command: 'login' }));
    for (const query of [`key=${S.crmUrlSecret}`, `key=${S.badCrmUrlSecret}`, `crmSessionId=${crmSessionId}`, `crmSessionId=${S.crmUrlSecret}`, '']) {
      for (const page of ['customer', 'dispose', 'knowledge-base']) keep(await rawRequest(`${base}/crm/${page}?${query}&userId=agent1&phone=5550100`, { method: 'GET' }));
    }
    keep(await sso(S.crmUrlSecret, { command: 'logout', crmSessionId }));
    expect(statuses).toEqual([200, 200, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403, 403, 403, 401, 401, 401, 200]);
    expect(leaksSince(from)).toEqual([]);
  });

  it('printed no secret anywhere: logs, bodies, headers, metrics', async () => {
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(stack.sims.campaignApi.requests.some((r) => r.headers['authorization']?.startsWith('Bearer '))).toBe(true);
    // Every secret did reach a vendor (so the scan looks for something that was really in play).
    const wire = sims()
      .flatMap((s) => s.requests.map((r) => JSON.stringify(r.headers) + r.body))
      .join('\n');
    for (const s of [S.ameyoHashKey, S.ameyoAppToken, S.dialerApiKey, S.badDialerApiKey, S.badHashKey, S.dialerPassword, S.dialerAccount]) expect(wire).toContain(s);
    expect(wire).toContain(b64(`acme:${S.appsToken}`));
    expect(wire).toContain(b64(`sb_api:${S.badAmeyoPassword}`));
    for (const s of [S.ameyoAdminToken, S.badAmeyoAdminToken]) expect(wire).toContain(s);
    expect(stack.sims.ameyo.requests.some((r) => r.path === '/configuration/basicauth' && r.status === 200)).toBe(true);

    const logs = stack.logs.map((l) => JSON.stringify(l));
    expect(logs.length).toBeGreaterThan(30);
    expect(seen.length).toBeGreaterThan(100);
    // Each test above scanned its own answers and log lines; this scans them all again, lines logged since, and /metrics.
    expect([...leaksIn('log', logs), ...leaksIn('response', seen), ...leaksIn('metrics', [metrics])]).toEqual([]);
  });
});
