/**
 * Browser apps on another origin (issue 12), in Debian's Chromium driven by playwright-core: a page served
 * from one loopback port calls the demo gateway on another, with plain `fetch` and with Apollo Client 3 and
 * 4 (RetryLink in front of apollo-upload-client's link, unmodified). The two apps are npm projects of
 * their own under test/e2e/clients/ (CI installs them with `npm ci --prefix`), bundled here with esbuild.
 * Both run the same table of scenarios; a page from an origin the gateway does not list is blocked by the
 * browser. Every test checks that no request left the machine.
 *
 * Issue 15's must-show is here too: an unmodified Apollo Client takes campaigns' ids from `campaigns`, passes
 * them to `leadCreate`, `contactsUpload` (a CSV through the upload link) and `callDial`, and reads the dialled
 * call (its DialAttempt) back from its normalized cache without a request.
 *
 * Issue 17's must-show: Apollo Client 4 with GraphQLWsLink (split link, unmodified) receives a presence change
 * from the simulator, and the SCREEN_POP of a call connect the Ameyo simulator plays against demo mode's CRM URLs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_API_KEY, DEMO_TENANT_ID, startDemo, type Demo } from '../../src/demo';
import { encodeGlobalId } from '../../src/graphql/ids';
import { LocalBus } from '../../src/live/bus';
import { createLogger } from '../../src/logger';
import { launchChromium, recordRequests, settled, type Seen } from './browser';

const CLIENTS_DIR = path.join(__dirname, 'clients');
const WRONG_KEY = 'sb_wrong_0123456789abcdef';

type ClientName = 'apollo3' | 'apollo4';

/**
 * The same scenarios for both majors; what differs is where each one puts an error, and what RetryLink's
 * defaults do with a 401 (Apollo Client 3 sees every non-2xx as a network error and retries it; 4 reads a
 * 401 in application/graphql-response+json as GraphQL errors, which RetryLink never retries).
 */
interface ClientCase {
  name: ClientName;
  major: number;
  /** Where the wrong key's error code is, as `toMatchObject` shape of the rejected query's error. */
  wrongKeyError: Record<string, unknown>;
  /** Requests one 401 costs with `new RetryLink()`'s default attempts. */
  sendsWithDefaultRetry: number;
  /** The rejected query's error when the browser blocks the call (CORS). */
  blockedError: Record<string, unknown>;
}

const FAILED_TO_FETCH = { name: 'TypeError', message: 'Failed to fetch' };

const CASES: ClientCase[] = [
  {
    name: 'apollo3',
    major: 3,
    // ApolloError; the HTTP 401 is its networkError (a ServerError) and the parsed body is `result`.
    wrongKeyError: {
      name: 'ApolloError',
      graphQLErrors: [],
      networkError: { name: 'ServerError', statusCode: 401, result: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } },
    },
    sendsWithDefaultRetry: 5,
    blockedError: { name: 'ApolloError', networkError: FAILED_TO_FETCH },
  },
  {
    name: 'apollo4',
    major: 4,
    // CombinedGraphQLErrors, read from the application/graphql-response+json body (4 asks for it first).
    wrongKeyError: { name: 'CombinedGraphQLErrors', errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] },
    sendsWithDefaultRetry: 1,
    blockedError: FAILED_TO_FETCH,
  },
];

/** What `(globalThis as unknown as PageGlobals).scenarios` (test/e2e/clients/<name>/app.mjs) answers: data, or the error as plain data. */
interface Outcome {
  data?: any;
  errors?: unknown;
  error?: any;
}
interface FetchOutcome {
  status?: number;
  requestId?: string | null;
  body?: any;
  error?: any;
}
interface ScenarioOpts {
  url: string;
  apiKey: string;
}
/** The page's globals (the project's TypeScript has no DOM lib, so `window` is reached as globalThis). */
interface PageGlobals {
  scenarios: {
    client: ClientName;
    query(opts: ScenarioOpts): Promise<Outcome>;
    queryWithDefaultRetry(opts: ScenarioOpts): Promise<Outcome>;
    upload(opts: ScenarioOpts, file: { input: Record<string, unknown>; csv: string; fileName: string }): Promise<Outcome>;
    fetch(opts: ScenarioOpts): Promise<FetchOutcome>;
    campaignFlow(opts: ScenarioOpts, flow: CampaignFlow): Promise<any>;
    /** Apollo Client 4 only (issue 17): an agent read over HTTP, then presence over GraphQLWsLink. */
    presenceStart(opts: ScenarioOpts, agentId: string): Promise<{ before?: any; error?: any }>;
    presenceResult(): { events: any[]; errors: unknown[]; cached: any };
    /** Apollo Client 4 only (issue 17): `callEvents(filter)` over GraphQLWsLink. */
    callEventsStart(opts: ScenarioOpts, filter: Record<string, unknown>): { error?: any };
    callEventsResult(): { events: any[]; errors: unknown[] };
  };
}

/** What test/e2e/clients/<name>/app.mjs `campaignFlow` is given: which campaigns the user picks, and each input's other fields. */
interface CampaignFlow {
  leadCampaign: { vendor: string; nativeId: string };
  dialCampaign: { vendor: string; nativeId: string };
  lead: Record<string, unknown>;
  upload: Record<string, unknown>;
  csv: string;
  fileName: string;
  dial: Record<string, unknown>;
}

/** Bundles each app with esbuild's JS API, as the frontend's own build would: browser platform, no network. */
async function bundleClients(outdir: string): Promise<Map<ClientName, Buffer>> {
  const bundles = new Map<ClientName, Buffer>();
  for (const name of ['apollo3', 'apollo4'] as const) {
    const dir = path.join(CLIENTS_DIR, name);
    if (!existsSync(path.join(dir, 'node_modules', '@apollo', 'client'))) {
      throw new Error(`${dir} is not installed: run npm ci --no-audit --no-fund --prefix test/e2e/clients/${name}`);
    }
    const outfile = path.join(outdir, `${name}.js`);
    await build({
      absWorkingDir: dir,
      entryPoints: [path.join(dir, 'app.mjs')],
      outfile,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
    });
    bundles.set(name, await readFile(outfile));
  }
  return bundles;
}

interface PageServer {
  /** `http://127.0.0.1:port`, as the browser sends it in `Origin`. */
  origin: string;
  close(): Promise<void>;
}

/** Serves `/<client>.html` and `/<client>.js` on a loopback port of its own: the frontend's origin. */
async function startPageServer(bundles: Map<ClientName, Buffer>): Promise<PageServer> {
  const server = http.createServer((req, res) => {
    const match = /^\/(apollo[34])\.(html|js)$/.exec(req.url ?? '');
    const bundle = match && bundles.get(match[1] as ClientName);
    if (!match || !bundle) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (match[2] === 'js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': bundle.length }).end(bundle);
      return;
    }
    // An empty data: icon, so the page asks for no favicon.
    const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${match[1]}</title><script src="/${match[1]}.js"></script></head><body></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One browser context per test, with every request it makes recorded (service workers included). */
interface Session {
  context: BrowserContext;
  page: Page;
  requests: Seen[];
  consoleErrors: string[];
  /** Requests to anything but 127.0.0.1 (there must be none: the machine has no internet). */
  offsite(): string[];
  /** The page's requests to `url` with `method`, each with the gateway's answer or its failure. */
  to(method: string, url: string): Seen[];
}

async function openSession(browser: Browser, origin: string, client: ClientName): Promise<Session> {
  const context = await browser.newContext();
  const requests = recordRequests(context);
  const consoleErrors: string[] = [];
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  await page.goto(`${origin}/${client}.html`);
  await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).scenarios !== undefined);
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).scenarios.client)).toBe(client);
  return {
    context,
    page,
    requests,
    consoleErrors,
    offsite: () => requests.map((r) => r.url).filter((u) => new URL(u).hostname !== '127.0.0.1'),
    to: (method, url) => requests.filter((r) => r.method === method && r.url === url),
  };
}

/** Polls `check` until it returns true (Playwright's events reach Node a little after the page moves on). */
async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Resource-timing entries the page itself recorded for `url`: a second count, taken in the page. */
const pageEntries = (page: Page, url: string) => page.evaluate((u) => performance.getEntriesByType('resource').filter((e) => e.name === u).length, url);

/** A request as Node sends it, for what the gateway answers an origin (headers only). */
function rawRequest(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((h) => h.toLowerCase().startsWith('access-control-'));

describe('browser apps calling the gateway from another origin (issue 12)', () => {
  let tmp: string;
  let demo: Demo;
  let browser: Browser;
  let allowedPages: PageServer;
  let blockedPages: PageServer;
  let graphqlUrl: string;
  const opts = (apiKey = DEMO_API_KEY): ScenarioOpts => ({ url: graphqlUrl, apiKey });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-clients-'));
    const bundles = await bundleClients(tmp);
    allowedPages = await startPageServer(bundles);
    blockedPages = await startPageServer(bundles);
    demo = await startDemo({
      port: 0,
      logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })),
      cors: { origins: [allowedPages.origin] },
    });
    graphqlUrl = `${demo.gateway.url}/graphql`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await allowedPages?.close();
    await blockedPages?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('Apollo Client 4 with GraphQLWsLink gets a presence change from the simulator, and its cached Agent updates in place (issue 17)', async () => {
    const session = await openSession(browser, allowedPages.origin, 'apollo4');
    try {
      const [tenant] = [...demo.gateway.tenants.values()];
      const apps = [...tenant!.connections.values()].find((a) => a.vendor === 'apps-api')!.connectionId;
      const agent = demo.sims.appsApi.state.agents.find((a) => a.status_id === 1 || a.status_id === 2)!;
      const id = encodeGlobalId('Agent', apps, String(agent.id));
      const start = await session.page.evaluate(([o, i]) => (globalThis as unknown as PageGlobals).scenarios.presenceStart(o, i), [opts(), id] as const);
      expect(start).toEqual({ before: { __typename: 'Agent', id, status: expect.any(String), rawStatus: agent.status } });
      // The query before the subscription started the poller: its baseline alone does not say the subscription listens.
      await waitUntil(
        'the subscription holds the Apps API agents poller, which has its baseline',
        () => demo.gateway.live.engine.holders(tenant!.id, apps, 'agents') > 0 && demo.gateway.live.engine.latest(tenant!.id, apps, 'agents') !== null,
        15_000,
      );
      agent.status_id = 6;
      agent.status = 'Lunch';
      agent.status_updated_at = new Date().toISOString();
      await session.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scenarios.presenceResult().cached?.rawStatus === 'Lunch', undefined, { timeout: 15_000 });
      const result = await session.page.evaluate(() => (globalThis as unknown as PageGlobals).scenarios.presenceResult());
      expect(result.errors).toEqual([]);
      expect(result.events.map((e) => e.agentPresenceChanged.agent.id)).toContain(id);
      expect(result.cached).toEqual({ __typename: 'Agent', id, status: 'AWAY', rawStatus: 'Lunch' });
      expect(session.offsite()).toEqual([]);
    } finally {
      await session.context.close();
    }
  }, 60_000);

  it("Apollo Client 4 with GraphQLWsLink gets the SCREEN_POP of a simulated Ameyo call connect, with the call's context and the Agent of `agents` (issue 17)", async () => {
    const session = await openSession(browser, allowedPages.origin, 'apollo4');
    try {
      const ameyo = demo.sims.ameyo;
      const agentSession = ameyo.state.sessions[0]!;
      const userId = agentSession.userId;
      const bus = demo.gateway.live.bus;
      if (!(bus instanceof LocalBus)) throw new Error('demo mode runs the embedded (local) live bus');
      const listening = bus.listenerCount(DEMO_TENANT_ID, 'callEvents');
      const start = await session.page.evaluate(([o, f]) => (globalThis as unknown as PageGlobals).scenarios.callEventsStart(o, f), [
        opts(),
        { connectionIds: ['ameyo-demo'], types: ['SCREEN_POP'] },
      ] as const);
      expect(start).toEqual({});
      await waitUntil('the subscription is listening', () => bus.listenerCount(DEMO_TENANT_ID, 'callEvents') > listening);

      // Ameyo's side (demo mode made the gateway its CRM): the agent's call connects, and Ameyo calls the customer URL.
      const res = await fetch(`${ameyo.url}/__sim/ameyo/crm/call-connect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      expect(res.status).toBe(200);
      const connect = (await res.json()) as { crtObjectId: string; calls: Array<{ kind: string; status: number }> };
      expect(connect.calls.map((x) => [x.kind, x.status])).toEqual([['customer', 200]]);
      await session.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scenarios.callEventsResult().events.length > 0, undefined, { timeout: 15_000 });

      // The call's context from the simulator's own records; the agent as `agents` lists it.
      const interaction = ameyo.state.interactions.find((i) => i.crtObjectId === connect.crtObjectId)!;
      const phone = ameyo.state.contacts.find((x) => x.customerId === interaction.customerId)?.phone1 ?? interaction.phone!;
      const queue = ameyo.state.queues.find((q) => q.queueId === agentSession.queueId)!;
      const listed = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ agents(first: 100, filter: { connectionIds: ["ameyo-demo"] }) { edges { node { id nativeId name } } } }' }),
      });
      const agents = ((await listed.json()) as { data: { agents: { edges: Array<{ node: { id: string; nativeId: string; name: string } }> } } }).data.agents.edges.map((e) => e.node);
      const agent = agents.find((a) => a.nativeId === userId)!;
      expect(agent.id).toBe(encodeGlobalId('Agent', 'ameyo-demo', userId));

      const result = await session.page.evaluate(() => (globalThis as unknown as PageGlobals).scenarios.callEventsResult());
      expect(result.errors).toEqual([]);
      expect(result.events).toEqual([
        {
          callEvents: {
            __typename: 'CallEvent',
            type: 'SCREEN_POP',
            connection: { __typename: 'Connection', id: 'ameyo-demo' },
            callNativeId: connect.crtObjectId,
            agent: { __typename: 'Agent', ...agent },
            screenPop: {
              __typename: 'ScreenPop',
              page: 'CUSTOMER',
              sessionId: agentSession.sessionId,
              campaignId: String(agentSession.campaignId),
              crtObjectId: connect.crtObjectId,
              userCrtObjectId: `${agentSession.sessionId.slice(0, 8)}-ses-${userId}-1-uce-1`,
              userId,
              customerId: interaction.customerId === -1 ? null : String(interaction.customerId),
              phone,
              queueId: String(queue.queueId),
              queueName: queue.queueName,
              disposition: null,
              dispositionAttribute: null,
            },
            at: expect.any(String),
          },
        },
      ]);
      expect(session.offsite()).toEqual([]);
    } finally {
      await session.context.close();
    }
  }, 60_000);

  describe.each(CASES)('Apollo Client $major (test/e2e/clients/$name) on a page of an allowed origin', (c) => {
    let session: Session;
    beforeEach(async () => {
      session = await openSession(browser, allowedPages.origin, c.name);
    }, 30_000);
    afterEach(async () => {
      await session?.context.close();
    });

    it('gets the merged agents of every vendor from a query', async () => {
      const { sims } = demo;
      const total = sims.ameyo.state.sessions.length + sims.appsApi.state.agents.length + new Set(sims.campaignApi.state.queues.flatMap((q) => q.agentIds)).size;
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.query(o), opts());
      expect(out.error).toBeUndefined();
      expect(out.data.agents.totalCount).toBe(total);
      expect(out.data.agents.edges).toHaveLength(5);
      expect(out.data.agents.edges[0].node).toEqual({ __typename: 'Agent', id: expect.any(String), name: expect.any(String), vendor: expect.any(String) });
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('surfaces UNAUTHENTICATED for a wrong API key, where this major puts error codes', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.query(o), opts(WRONG_KEY));
      expect(out.data).toBeUndefined();
      expect(out.error).toMatchObject(c.wrongKeyError);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('sends a 401 once with the documented RetryLink setting, not five times', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.query(o), opts(WRONG_KEY));
      expect(out.error).toMatchObject(c.wrongKeyError);
      // The query has settled, so RetryLink has given up; each answer carries its own gateway request id.
      await waitUntil('the 401 to be recorded', () => session.to('POST', graphqlUrl).length > 0 && session.to('POST', graphqlUrl).every(settled));
      const sent = session.to('POST', graphqlUrl);
      expect(sent.map((r) => r.status)).toEqual([401]);
      expect(sent[0]!.headers?.['x-request-id']).toEqual(expect.any(String));
      expect(await pageEntries(session.page, graphqlUrl)).toBe(1);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it(`sends a 401 ${c.sendsWithDefaultRetry === 1 ? 'once' : `${c.sendsWithDefaultRetry} times`} with RetryLink's default attempts (why the setting is documented)`, async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.queryWithDefaultRetry(o), opts(WRONG_KEY));
      expect(out.error).toMatchObject(c.wrongKeyError);
      await waitUntil(`${c.sendsWithDefaultRetry} answered requests`, () => session.to('POST', graphqlUrl).filter(settled).length >= c.sendsWithDefaultRetry);
      const sent = session.to('POST', graphqlUrl);
      expect(sent.map((r) => r.status)).toEqual(Array(c.sendsWithDefaultRetry).fill(401));
      // Every one reached the gateway: five answers, five request ids.
      expect(new Set(sent.map((r) => r.headers?.['x-request-id'])).size).toBe(c.sendsWithDefaultRetry);
      expect(await pageEntries(session.page, graphqlUrl)).toBe(c.sendsWithDefaultRetry);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it("sends a file through the upload link (multipart, Apollo-Require-Preflight) and gets the mutation's answer", async () => {
      const list = demo.sims.ameyo.state.leadLists[0]!;
      const csv = `customer_name,phone1,email\r\nAda ${c.name},+14155550101,ada@example.com\r\n`;
      const input = {
        campaignId: encodeGlobalId('Campaign', 'ameyo-demo', String(list.campaignId)),
        leadListNativeId: String(list.leadId),
        userNativeId: 'supervisor1',
        headerMapping: [
          { field: 'name', column: 'customer_name' },
          { field: 'phone1', column: 'phone1' },
          { field: 'email', column: 'email' },
        ],
      };
      const out = await session.page.evaluate(([o, i, text]) => (globalThis as unknown as PageGlobals).scenarios.upload(o, { input: i, csv: text, fileName: 'contacts.csv' }), [
        opts(),
        input,
        csv,
      ] as const);
      expect(out.error).toBeUndefined();
      expect(out.data.contactsUpload.userErrors).toEqual([]);
      const task = out.data.contactsUpload.task;
      expect(task).toMatchObject({ campaign: { id: input.campaignId }, leadListNativeId: input.leadListNativeId });
      // The vendor got the file byte for byte, under the task id the mutation answered.
      const stored = demo.sims.ameyo.state.uploadTasks.find((t) => String(t.taskId) === task.nativeId);
      expect(stored).toMatchObject({ sha256: createHash('sha256').update(csv).digest('hex'), byteLength: Buffer.byteLength(csv) });
      await waitUntil('the answer to be recorded', () => session.to('POST', graphqlUrl).some(settled));
      const [post] = session.to('POST', graphqlUrl);
      expect(post).toMatchObject({ status: 200, headers: { 'access-control-allow-origin': allowedPages.origin } });
      expect(session.to('POST', graphqlUrl)).toHaveLength(1);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it("passes campaigns' ids from `campaigns` to leadCreate, contactsUpload and callDial, and reads the dial back from its cache", async () => {
      const { sims } = demo;
      const list = sims.ameyo.state.leadLists[0]!;
      const ameyoCampaign = sims.ameyo.state.campaigns.find((x) => x.campaignId === list.campaignId)!;
      const appsCampaign = sims.appsApi.state.campaigns[0]!;
      const dialCampaignId = encodeGlobalId('Campaign', 'ameyo-demo', String(list.campaignId));
      const leadCampaignId = encodeGlobalId('Campaign', 'apps-demo', String(appsCampaign.id));
      const key = `e2e-flow-${c.name}-0001`;
      const csv = `customer_name,phone1\r\nFlow ${c.name},+1415555017${c.major}\r\n`;
      const flow: CampaignFlow = {
        leadCampaign: { vendor: 'APPS_API', nativeId: String(appsCampaign.id) },
        dialCampaign: { vendor: 'AMEYO', nativeId: String(list.campaignId) },
        lead: { phoneNumber: `+1415555018${c.major}`, name: `Flow ${c.name}` },
        upload: {
          leadListNativeId: String(list.leadId),
          userNativeId: 'supervisor1',
          headerMapping: [
            { field: 'name', column: 'customer_name' },
            { field: 'phone1', column: 'phone1' },
          ],
        },
        csv,
        fileName: 'flow.csv',
        dial: { phoneNumber: `+1415555019${c.major}`, idempotencyKey: key },
      };
      const out = await session.page.evaluate(([o, f]) => (globalThis as unknown as PageGlobals).scenarios.campaignFlow(o, f), [opts(), flow] as const);
      expect(out.error).toBeUndefined();

      // The two campaigns the user picked, each with its connection's capabilities (the feature table).
      expect(out.dialCampaign).toMatchObject({ id: dialCampaignId, vendor: 'AMEYO', connection: { id: 'ameyo-demo', capabilities: expect.arrayContaining(['CONTACT_UPLOAD', 'DIALER']) } });
      expect(out.leadCampaign).toMatchObject({ id: leadCampaignId, vendor: 'APPS_API', connection: { id: 'apps-demo', capabilities: expect.arrayContaining(['LEAD_STORE']) } });

      // leadCreate with the Apps API campaign's id: the lead is in that campaign, and at the vendor.
      expect(out.leadCreate).toMatchObject({ lead: { __typename: 'Lead', campaign: { __typename: 'Campaign', id: leadCampaignId } }, userErrors: [] });
      expect(sims.appsApi.state.campaignContacts.filter((x) => x.campaign_id === appsCampaign.id && x.name === `Flow ${c.name}`)).toHaveLength(1);

      // contactsUpload with the Ameyo campaign's id, the CSV through the upload link: the vendor got it byte for byte.
      expect(out.contactsUpload).toMatchObject({ task: { __typename: 'ContactUploadTask', campaign: { id: dialCampaignId }, leadListNativeId: String(list.leadId) }, userErrors: [] });
      const stored = sims.ameyo.state.uploadTasks.find((t) => String(t.taskId) === out.contactsUpload.task.nativeId);
      expect(stored).toMatchObject({ sha256: createHash('sha256').update(csv).digest('hex'), byteLength: Buffer.byteLength(csv) });

      // callDial with the same campaign id, for an available agent of its connection: a DialAttempt node.
      const dialled = {
        __typename: 'DialAttempt',
        id: encodeGlobalId('DialAttempt', 'ameyo-demo', `callDial/${key}`),
        accepted: true,
        vendorReason: 'success',
        phoneNumber: flow.dial['phoneNumber'],
        requestedAt: expect.any(String),
        idempotencyKey: key,
        campaign: { __typename: 'Campaign', id: dialCampaignId, name: ameyoCampaign.campaignName },
      };
      expect(out.callDial).toEqual({ __typename: 'CallDialPayload', dialAttempt: dialled, userErrors: [] });
      const sentDial = sims.ameyo.state.dials.at(-1)!;
      expect(sentDial).toMatchObject({ phone: flow.dial['phoneNumber'] });
      expect(out.agent.id).toBe(encodeGlobalId('Agent', 'ameyo-demo', sentDial.userId));

      // Read back from the normalized cache under its id, with no request; refetched by id, the same object.
      expect(out.cacheKey).toBe(`DialAttempt:${dialled.id}`);
      expect(out.fromCache).toEqual(out.callDial.dialAttempt);
      expect(out.requestsForCacheRead).toBe(0);
      expect(out.refetched).toEqual(out.callDial.dialAttempt);
      expect(out.requestsForRefetch).toBe(1);
      // campaigns, leadCreate, contactsUpload, agents, callDial, the refetch: six requests, each answered 200.
      await waitUntil('six answers', () => session.to('POST', graphqlUrl).filter(settled).length === 6);
      expect(out.requests).toBe(6);
      expect(session.to('POST', graphqlUrl).map((r) => r.status)).toEqual(Array(6).fill(200));
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('calls the gateway with plain fetch and reads the exposed x-request-id', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.fetch(o), opts());
      expect(out.error).toBeUndefined();
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ data: { agents: { totalCount: expect.any(Number) } } });
      await waitUntil('the answer to be recorded', () => session.to('POST', graphqlUrl).some(settled));
      const [answer] = session.to('POST', graphqlUrl);
      expect(answer!.headers).toMatchObject({ 'access-control-allow-origin': allowedPages.origin, 'x-request-id': out.requestId });
      expect(answer!.headers!['vary']).toMatch(/\borigin\b/i);
      expect(session.offsite()).toEqual([]);
    }, 60_000);
  });

  describe.each(CASES)('Apollo Client $major (test/e2e/clients/$name) on a page of an origin the gateway does not list', (c) => {
    let session: Session;
    beforeEach(async () => {
      session = await openSession(browser, blockedPages.origin, c.name);
    }, 30_000);
    afterEach(async () => {
      await session?.context.close();
    });

    it('is blocked by the browser: fetch rejects with a TypeError and the gateway sent no CORS headers', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.fetch(o), opts());
      expect(out).toEqual({ error: expect.objectContaining(FAILED_TO_FETCH) });
      // Chromium says why: the preflight's answer named no allowed origin.
      await waitUntil('the CORS console error', () => session.consoleErrors.some((m) => m.includes('blocked by CORS policy')));
      expect(session.consoleErrors.find((m) => m.includes('blocked by CORS policy'))).toContain("No 'Access-Control-Allow-Origin' header is present on the requested resource");
      // The same preflight and request from Node: refused, and not one access-control-* header either way.
      const preflight = await rawRequest(graphqlUrl, 'OPTIONS', {
        origin: blockedPages.origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      });
      expect(preflight.status).toBe(403);
      expect(corsHeaders(preflight.headers)).toEqual([]);
      const post = await rawRequest(
        graphqlUrl,
        'POST',
        { origin: blockedPages.origin, authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        JSON.stringify({ query: '{ __typename }' }),
      );
      expect(post.status).toBe(200);
      expect(corsHeaders(post.headers)).toEqual([]);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it("fails the Apollo Client query with the browser's network error", async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.query(o), opts());
      expect(out.data).toBeUndefined();
      expect(out.error).toMatchObject(c.blockedError);
      // The documented RetryLink still retries network errors (max 5 attempts); the browser failed every one.
      await waitUntil('five failed attempts', () => session.to('POST', graphqlUrl).filter(settled).length >= 5);
      const attempts = session.to('POST', graphqlUrl);
      expect(attempts).toHaveLength(5);
      expect(attempts.map((r) => [r.status, r.failure])).toEqual(Array(5).fill([undefined, 'net::ERR_FAILED']));
      expect(session.offsite()).toEqual([]);
    }, 60_000);
  });
});
