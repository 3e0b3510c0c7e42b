/**
 * End users signed in from a browser app on another origin (issue 13), in Debian's Chromium driven by
 * playwright-core: a page served from one loopback port signs in at the demo identity provider (sim/idp.ts,
 * its `/token` on a second port) and calls the demo gateway (a third) with the token, through the Apollo
 * Client 4 app of test/e2e/clients/apollo4 (its signed-in scenarios, set up as docs/clients.md "Signing in
 * users" shows). The demo agent sees what an agent may: the tenant's agents, queues and campaigns, no calls,
 * no dialing as a colleague (the simulators prove nothing was sent), and dialing as themselves; the demo
 * supervisor reads calls. Every test checks that no request left the machine.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoUsers, startDemo, type Demo, type DemoUser } from '../../src/demo';
import { encodeGlobalId } from '../../src/graphql/ids';
import { createLogger } from '../../src/logger';
import { launchChromium, recordRequests, settled, type Seen } from './browser';

const APP_DIR = path.join(__dirname, 'clients', 'apollo4');

interface Outcome {
  data?: any;
  error?: any;
}
interface SignInOutcome {
  status?: number;
  tokenType?: string;
  expiresIn?: number;
  token?: string;
  body?: unknown;
  error?: unknown;
}
interface UserOpts {
  url: string;
  /** Stands in for the signed-in user's token (a stale or altered one). */
  token?: string;
}
/** The page's globals (test/e2e/clients/apollo4/app.mjs); the project's TypeScript has no DOM lib. */
interface PageGlobals {
  scenarios: {
    client: string;
    query(opts: { url: string; apiKey: string }): Promise<{ data?: any; errors?: unknown; error?: any }>;
    signIn(opts: { idpUrl: string; username: string; password: string }): Promise<SignInOutcome>;
    signedInQuery(opts: UserOpts): Promise<Outcome>;
    signedInDial(opts: UserOpts, input: Record<string, unknown>): Promise<Outcome>;
    signInsNeeded(): number;
  };
}

interface Session {
  context: BrowserContext;
  page: Page;
  requests: Seen[];
  /** Requests to anything but 127.0.0.1 (there must be none: the machine has no internet). */
  offsite(): string[];
  to(method: string, url: string): Seen[];
}

/** Serves `/app.html` and `/app.js` (the bundled Apollo Client 4 app) on a loopback port: the frontend's origin. */
async function startPageServer(bundle: Buffer): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': bundle.length }).end(bundle);
    } else if (req.url === '/app.html') {
      // An empty data: icon, so the page asks for no favicon.
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>agent desk</title><script src="/app.js"></script></head><body></body></html>');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
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

/** Polls `check` until it returns true (Playwright's events reach Node a little after the page moves on). */
async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** An altered signature: the token's shape is intact, so the gateway checks it as a JWT and refuses it. */
function withAlteredSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const i = Math.floor(signature.length / 2);
  return `${header}.${payload}.${signature.slice(0, i)}${signature[i] === 'A' ? 'B' : 'A'}${signature.slice(i + 1)}`;
}

describe('users signed in at the identity provider, in a browser app on another origin (issue 13)', () => {
  let tmp: string;
  let demo: Demo;
  let browser: Browser;
  let pages: { origin: string; close(): Promise<void> };
  let graphqlUrl: string;
  let tokenUrl: string;
  const sims = () => [demo.sims.ameyo, demo.sims.appsApi, demo.sims.campaignApi];
  /** The demo agent's own Ameyo session (its token's `agent_id` claim names the agent), and a colleague's. */
  const ameyoSessions = () => {
    const claim = demoUsers(demo.sims).find((u) => u.username === 'agent')!.claims['agent_id'] as Record<string, string>;
    const { sessions } = demo.sims.ameyo.state;
    return { own: sessions.find((s) => s.userId === claim['ameyo-demo'])!, colleague: sessions.find((s) => s.userId !== claim['ameyo-demo'])! };
  };
  /** Every simulator's request log, as `METHOD /path`. */
  const vendorLog = () => sims().map((s) => s.requests.map((r) => `${r.method} ${r.path}`));

  beforeAll(async () => {
    if (!existsSync(path.join(APP_DIR, 'node_modules', '@apollo', 'client'))) {
      throw new Error(`${APP_DIR} is not installed: run npm ci --no-audit --no-fund --prefix test/e2e/clients/apollo4`);
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-signin-'));
    const outfile = path.join(tmp, 'apollo4.js');
    await build({ absWorkingDir: APP_DIR, entryPoints: [path.join(APP_DIR, 'app.mjs')], outfile, bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'silent' });
    pages = await startPageServer(await readFile(outfile));
    demo = await startDemo({
      port: 0,
      logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })),
      cors: { origins: [pages.origin] },
      // Queries start no background poller, so each simulator's log holds only what the test's own requests sent.
      live: { queryInterestMs: 0 },
    });
    graphqlUrl = `${demo.gateway.url}/graphql`;
    tokenUrl = `${demo.idp.url}/token`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await pages?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** A fresh browser context on the app's page, every request recorded with its headers and answer. */
  async function openSession(): Promise<Session> {
    const context = await browser.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    await page.goto(`${pages.origin}/app.html`);
    await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).scenarios !== undefined);
    return {
      context,
      page,
      requests,
      offsite: () => requests.map((r) => r.url).filter((u) => new URL(u).hostname !== '127.0.0.1'),
      to: (method, url) => requests.filter((r) => r.method === method && r.url === url),
    };
  }

  /** Signs `username` in from the page, as the app's sign-in form would; the token stays in the page. */
  async function signIn(session: Session, username: DemoUser): Promise<string> {
    const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.signIn(o), { idpUrl: demo.idp.url, username, password: DEMO_PASSWORD });
    expect(out).toEqual({ status: 200, tokenType: 'Bearer', expiresIn: 12 * 3600, token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    return out.token!;
  }

  describe('the demo agent', () => {
    let session: Session;
    let token: string;
    beforeEach(async () => {
      session = await openSession();
      token = await signIn(session, 'agent');
      for (const s of sims()) s.clearRequests();
    }, 30_000);
    afterEach(async () => {
      await session?.context.close();
    });

    it("signs in with a form POST to the provider's /token (no preflight) and reads the merged agents with the token", async () => {
      // A form-encoded POST is a CORS "simple" request: one POST, answered with the provider's `*`.
      await waitUntil('the sign-in answer', () => session.to('POST', tokenUrl).every(settled));
      expect(session.to('POST', tokenUrl).map((r) => [r.status, r.headers?.['access-control-allow-origin']])).toEqual([[200, '*']]);
      expect(session.requests.filter((r) => r.url.startsWith(demo.idp.url)).map((r) => r.method)).toEqual(['POST']);

      // The token where the app put the tenant's key before: the same query, the same merged agents.
      const { sims: s } = demo;
      const total = s.ameyo.state.sessions.length + s.appsApi.state.agents.length + new Set(s.campaignApi.state.queues.flatMap((q) => q.agentIds)).size;
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.query(o), { url: graphqlUrl, apiKey: token });
      expect(out.error).toBeUndefined();
      expect(out.data.agents.totalCount).toBe(total);
      expect(out.data.agents.edges).toHaveLength(5);
      await waitUntil('the answer to be recorded', () => session.to('POST', graphqlUrl).some(settled));
      const [post] = session.to('POST', graphqlUrl);
      expect(post!.requestHeaders['authorization']).toBe(`Bearer ${token}`);
      expect(post).toMatchObject({ status: 200, headers: { 'access-control-allow-origin': pages.origin } });
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('gets agents, queues and campaigns, and calls as null with FORBIDDEN, in one answer; nothing asked a vendor for calls', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.signedInQuery(o), { url: graphqlUrl });
      expect(out.data).toEqual({
        agents: { __typename: 'AgentConnection', totalCount: expect.any(Number), edges: expect.any(Array) },
        queues: expect.any(Array),
        campaigns: { __typename: 'CampaignConnection', totalCount: expect.any(Number) },
        calls: null,
      });
      expect(out.data.agents.edges).toHaveLength(5);
      expect(out.data.queues.length).toBeGreaterThan(0);
      expect(out.data.campaigns.totalCount).toBeGreaterThan(0);
      // One error, on the refused field's path; CombinedGraphQLErrors's message is its errors' messages.
      expect(out.error).toMatchObject({ name: 'CombinedGraphQLErrors', message: 'Query.calls needs the SUPERVISOR role' });
      expect(out.error.errors).toEqual([
        { message: 'Query.calls needs the SUPERVISOR role', locations: expect.any(Array), path: ['calls'], extensions: { code: 'FORBIDDEN', requestId: expect.any(String) } },
      ]);
      // The supervisor's `calls` is `GET /manager/api/v1/calls` at the Apps API (the supervisor test shows it); the agent's sent none.
      expect(
        vendorLog()
          .flat()
          .filter((r) => /\/calls\b/.test(r)),
      ).toEqual([]);
      expect(await session.page.evaluate(() => (globalThis as unknown as PageGlobals).scenarios.signInsNeeded())).toBe(0);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('is refused a dial as another agent with FORBIDDEN, and no simulator received a request', async () => {
      const { colleague } = ameyoSessions(); // logged in: a supervisor's dial for them would be accepted
      const dialsBefore = demo.sims.ameyo.state.dials.length;
      const input = {
        agentId: encodeGlobalId('Agent', 'ameyo-demo', colleague.userId),
        campaignId: encodeGlobalId('Campaign', 'ameyo-demo', String(colleague.campaignId)),
        phoneNumber: '+14155550142',
        idempotencyKey: 'e2e-dial-colleague-0001',
      };
      const out = await session.page.evaluate(([o, i]) => (globalThis as unknown as PageGlobals).scenarios.signedInDial(o, i), [{ url: graphqlUrl }, input] as const);
      expect(out.data).toEqual({ callDial: null });
      expect(out.error).toMatchObject({
        name: 'CombinedGraphQLErrors',
        errors: [
          {
            message: "Mutation.callDial needs the SUPERVISOR role, or any role for the caller's own agent (`input.agentId`)",
            path: ['callDial'],
            extensions: { code: 'FORBIDDEN' },
          },
        ],
      });
      expect(vendorLog()).toEqual([[], [], []]);
      expect(demo.sims.ameyo.state.dials).toHaveLength(dialsBefore);
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('dials as themselves: accepted, and Ameyo received one dial for their own agent', async () => {
      const { own } = ameyoSessions();
      const campaignId = encodeGlobalId('Campaign', 'ameyo-demo', String(own.campaignId));
      const input = {
        agentId: encodeGlobalId('Agent', 'ameyo-demo', own.userId),
        campaignId,
        phoneNumber: '+14155550143',
        idempotencyKey: 'e2e-dial-own-0001',
      };
      const out = await session.page.evaluate(([o, i]) => (globalThis as unknown as PageGlobals).scenarios.signedInDial(o, i), [{ url: graphqlUrl }, input] as const);
      expect(out).toEqual({
        data: {
          callDial: {
            __typename: 'CallDialPayload',
            dialAttempt: {
              __typename: 'DialAttempt',
              id: encodeGlobalId('DialAttempt', 'ameyo-demo', 'callDial/e2e-dial-own-0001'),
              accepted: true,
              vendorReason: 'success',
              phoneNumber: '+14155550143',
              requestedAt: expect.any(String),
              idempotencyKey: 'e2e-dial-own-0001',
              campaign: { __typename: 'Campaign', id: campaignId, name: expect.any(String) },
            },
            userErrors: [],
          },
        },
      });
      expect(vendorLog()).toEqual([['POST /ameyowebaccess/command/'], [], []]);
      expect(demo.sims.ameyo.requests[0]!.rawQuery).toBe('command=clickToDialWithTokenAsync');
      expect(JSON.parse(demo.sims.ameyo.requests[0]!.body)).toEqual({ userId: own.userId, campaignId: String(own.campaignId), phone: '+14155550143' });
      expect(demo.sims.ameyo.state.dials.at(-1)).toMatchObject({ userId: own.userId, phone: '+14155550143' });
      expect(session.offsite()).toEqual([]);
    }, 60_000);

    it('gets 401 UNAUTHENTICATED "sign in again" for a token whose signature was altered, sent once', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.signedInQuery(o), { url: graphqlUrl, token: withAlteredSignature(token) });
      expect(out.data).toBeUndefined();
      expect(out.error).toMatchObject({
        name: 'CombinedGraphQLErrors',
        errors: [{ message: 'the token was not accepted: sign in again', extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(await session.page.evaluate(() => (globalThis as unknown as PageGlobals).scenarios.signInsNeeded())).toBe(1);
      await waitUntil('the 401 to be recorded', () => session.to('POST', graphqlUrl).length > 0 && session.to('POST', graphqlUrl).every(settled));
      const sent = session.to('POST', graphqlUrl);
      expect(sent.map((r) => [r.status, r.headers?.['www-authenticate']])).toEqual([[401, 'Bearer realm="switchboard", error="invalid_token"']]);
      expect(vendorLog()).toEqual([[], [], []]);
      expect(session.offsite()).toEqual([]);
    }, 60_000);
  });

  describe('the demo supervisor', () => {
    let session: Session;
    beforeEach(async () => {
      session = await openSession();
      await signIn(session, 'supervisor');
      for (const s of sims()) s.clearRequests();
    }, 30_000);
    afterEach(async () => {
      await session?.context.close();
    });

    it('reads calls with the same query, with no error', async () => {
      const out = await session.page.evaluate((o) => (globalThis as unknown as PageGlobals).scenarios.signedInQuery(o), { url: graphqlUrl });
      expect(out.error).toBeUndefined();
      expect(out.data.calls).toEqual({ __typename: 'CallConnection', totalCount: expect.any(Number) });
      expect(out.data.calls.totalCount).toBeGreaterThan(0);
      expect(out.data.agents.edges).toHaveLength(5);
      expect(demo.sims.appsApi.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /manager/api/v1/calls');
      expect(session.offsite()).toEqual([]);
    }, 60_000);
  });
});
