/**
 * The GraphQL IDE in a real browser (Debian's Chromium driven by playwright-core): it loads with no
 * internet, opens on the example operations with the demo key, and running the first one shows agents from
 * all three vendors; it loads the schema by introspection, so the Docs pane lists it and the editor
 * completes fields (issue 12). It has a tab per demo user, each with that user's token, and a guarded field's
 * rule in the Docs pane (issue 13). Run with `npm run test:e2e` (CI installs Chromium); CHROMIUM_PATH
 * overrides the browser location.
 */
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { DEMO_API_KEY, startDemo, type Demo } from '../../src/demo';
import { createLogger } from '../../src/logger';
import { waitUntil } from '../support/wait';
import { launchChromium } from './browser';

/**
 * Waits until the IDE's response editor holds an answer containing `marker` (and, when given, different from
 * `previous`). The pane renders only the lines in view, so the text is read from CodeMirror, not the page.
 */
async function waitForAnswer(page: Page, marker: string, previous: string | null = null): Promise<void> {
  await page.waitForFunction(
    ([m, prev]) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
      const cm = (doc.querySelector('.graphiql-response .CodeMirror') as { CodeMirror?: { getValue(): string } } | null)?.CodeMirror;
      const value = cm?.getValue() ?? '';
      return value.includes(m) && value !== prev;
    },
    [marker, previous] as const,
    { timeout: 20_000 },
  );
}

/**
 * Opens a tab and runs its operation. GraphiQL sends the operation name and document it last read from the editor,
 * which lags the tab switch: without waiting until it has read this tab's operation it sent the previous tab's
 * ("Unknown operation named \"Agents\"", or a query where the tab holds a subscription). `replaceWith` replaces the
 * tab's text through CodeMirror first, as typing would.
 */
async function runTab(page: Page, tab: string, text: string, operationName: string, replaceWith?: string): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await page.locator('.graphiql-query-editor .CodeMirror-code', { hasText: text }).waitFor();
  if (replaceWith) await page.locator('.graphiql-query-editor .CodeMirror').evaluate((el, v) => (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(v), replaceWith);
  await page.waitForFunction((name) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    return (doc.querySelector('.graphiql-query-editor .CodeMirror') as { CodeMirror?: { operationName?: string } } | null)?.CodeMirror?.operationName === name;
  }, operationName);
  await page.locator('.graphiql-query-editor .CodeMirror-code').click();
  await page.locator('.graphiql-execute-button').click();
}

describe('GraphQL IDE in a browser', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** The IDE on a new page, with every request that is not to the gateway recorded in `offsite`. */
  async function openIde(): Promise<{ page: Page; offsite: string[] }> {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(demo.gateway.url)) offsite.push(req.url());
    });
    await page.goto(`${demo.gateway.url}/graphql`);
    await page.getByRole('tab', { name: 'Agents' }).waitFor();
    return { page, offsite };
  }

  it('loads offline, runs the example Agents query and shows the merged agents of every vendor', async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(demo.gateway.url)) offsite.push(req.url());
    });
    await page.goto(`${demo.gateway.url}/graphql`);
    await page.getByRole('tab', { name: 'Agents' }).waitFor();
    await page.locator('.graphiql-execute-button').click();
    // totalCount merges all three vendors; the response pane only renders the lines in view.
    const { sims } = demo;
    const total = sims.ameyo.state.sessions.length + sims.appsApi.state.agents.length + new Set(sims.campaignApi.state.queues.flatMap((q) => q.agentIds)).size;
    const result = page.locator('.graphiql-response');
    await result.getByText(`"totalCount": ${total}`).waitFor({ timeout: 15_000 });
    expect(await result.innerText()).toContain('"vendor": "AMEYO"');
    expect(offsite).toEqual([]);
  }, 30_000);

  it('lists the Query type and its agents field in the Docs pane (the introspection query passes the limits)', async () => {
    const { page, offsite } = await openIde();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    // The root types are listed only once the schema has loaded ("Error fetching schema" otherwise).
    await docs
      .locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .click({ timeout: 15_000 });
    await expect(docs.locator('.graphiql-doc-explorer-title').innerText()).resolves.toBe('Query');
    await docs.locator('a.graphiql-doc-explorer-field-name', { hasText: /^agents$/ }).waitFor();
    expect(await docs.innerText()).not.toContain('Error fetching schema');
    expect(offsite).toEqual([]);
    await page.close();
  }, 30_000);

  it('offers the agents field when typing in the editor, and inserts it when picked', async () => {
    const { page, offsite } = await openIde();
    // Autocomplete needs the schema, which GraphiQL fetches once the page is up.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page
      .locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .waitFor({ timeout: 15_000 });
    const editor = page.locator('.graphiql-query-editor .CodeMirror');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ ag');
    const hints = page.locator('.CodeMirror-hints .CodeMirror-hint');
    await hints.first().waitFor();
    expect(await hints.allInnerTexts()).toEqual(expect.arrayContaining(['agent', 'agents']));
    await hints.filter({ hasText: /^agents$/ }).click();
    await expect(editor.locator('.CodeMirror-code').innerText()).resolves.toMatch(/\{ agents\b/);
    expect(offsite).toEqual([]);
    await page.close();
  }, 30_000);

  it("has a tab per demo user; the agent's tab runs with the agent's token: FORBIDDEN for calls, data for agents (issue 13)", async () => {
    const { page, offsite } = await openIde();
    const tabs = page.getByRole('tab');
    await expect(tabs.allInnerTexts()).resolves.toEqual(expect.arrayContaining(['AsAgent', 'AsSupervisor', 'AsAdmin']));
    const result = page.locator('.graphiql-response');
    const headers = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror-code');
    // The whole answer as the response pane holds it (the pane renders only the lines in view).
    const answer = async () => JSON.parse(await result.locator('.CodeMirror').evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue()));
    const { sims } = demo;
    const total = sims.ameyo.state.sessions.length + sims.appsApi.state.agents.length + new Set(sims.campaignApi.state.queues.flatMap((q) => q.agentIds)).size;

    // Switch to the agent: the tab's headers hold the agent's token, and running it refuses calls only.
    await runTab(page, 'AsAgent', 'query AsAgent', 'AsAgent');
    await expect(headers.innerText()).resolves.toContain(`Bearer ${demo.tokens.agent}`);
    await waitForAnswer(page, '"FORBIDDEN"');
    const asAgent = await answer();
    expect(asAgent.errors).toEqual([
      { message: 'Query.calls needs the SUPERVISOR role', locations: expect.any(Array), path: ['calls'], extensions: { code: 'FORBIDDEN', requestId: expect.any(String) } },
    ]);
    expect(asAgent.data).toMatchObject({ agents: { totalCount: total }, calls: null });
    expect(asAgent.data.agents.edges).toHaveLength(3);

    // Switch to the supervisor: the same query reads calls.
    await runTab(page, 'AsSupervisor', 'query AsSupervisor', 'AsSupervisor');
    await expect(headers.innerText()).resolves.toContain(`Bearer ${demo.tokens.supervisor}`);
    await waitForAnswer(page, '"totalCount"', JSON.stringify(asAgent, null, 2));
    const asSupervisor = await answer();
    expect(asSupervisor.errors).toBeUndefined();
    expect(asSupervisor.data).toMatchObject({ agents: { totalCount: total }, calls: { totalCount: expect.any(Number) } });
    expect(offsite).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows each guarded field's rule at the end of its description in the Docs pane (issue 13)", async () => {
    const { page, offsite } = await openIde();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs
      .locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .click({ timeout: 15_000 });
    await docs.locator('a.graphiql-doc-explorer-field-name', { hasText: /^calls$/ }).click();
    await expect(docs.locator('.graphiql-doc-explorer-title').innerText()).resolves.toBe('calls');
    await docs.getByText('Authorization: needs the SUPERVISOR role.').waitFor();
    expect(offsite).toEqual([]);
    await page.close();
  }, 30_000);
  it('runs the Presence subscription over graphql-ws: a presence change in the simulator appears in the response pane (issue 17)', async () => {
    const { page, offsite } = await openIde();
    const sockets: string[] = [];
    const sent: unknown[] = [];
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framesent', (frame) => void sent.push(JSON.parse(String(frame.payload))));
    });
    await runTab(page, 'Presence', 'subscription Presence', 'Presence');
    // The subscription is running once it holds the Apps API agents poller and that poller has read the agents. An
    // earlier test's query may have started the poller already, so its baseline alone does not say the IDE subscribed.
    const [tenant] = [...demo.gateway.tenants.values()];
    const apps = [...tenant!.connections.values()].find((c) => c.vendor === 'apps-api')!.connectionId;
    await waitUntil(
      "the IDE's subscription holds the Apps API agents poller, which has its baseline",
      () => demo.gateway.live.engine.holders(tenant!.id, apps, 'agents') > 0 && demo.gateway.live.engine.latest(tenant!.id, apps, 'agents') !== null,
      15_000,
    );
    const agent = demo.sims.appsApi.state.agents.find((a) => a.status_id === 1 || a.status_id === 2)!;
    agent.status_id = 7;
    agent.status = 'Meeting';
    agent.status_updated_at = new Date().toISOString();
    await waitForAnswer(page, '"rawStatus": "Meeting"');
    expect(sockets).toEqual([`${demo.gateway.url.replace(/^http/, 'ws')}/graphql`]);
    // GraphiQL's fetcher ran it on the graphql-ws client of the tab's headers: their key in connection_init.
    expect(sent.slice(0, 2)).toEqual([
      { type: 'connection_init', payload: { authorization: `Bearer ${DEMO_API_KEY}` } },
      { type: 'subscribe', id: expect.any(String), payload: expect.objectContaining({ operationName: 'Presence', query: expect.stringContaining('subscription Presence') }) },
    ]);
    expect(offsite).toEqual([]);
  }, 40_000);

  it("runs a subscription with each tab's own headers: the demo key's tab and the agent's tab each on a socket with its key or token in connection_init (issues 13 and 17)", async () => {
    const { page, offsite } = await openIde();
    /** The messages of each socket the page opened, in order, as [direction, message]. */
    const sockets: Array<{ url: string; frames: Array<['sent' | 'received', { type: string; payload?: any }]> }> = [];
    page.on('websocket', (ws) => {
      const socket = { url: ws.url(), frames: [] as Array<['sent' | 'received', { type: string; payload?: any }]> };
      sockets.push(socket);
      ws.on('framesent', (f) => void socket.frames.push(['sent', JSON.parse(String(f.payload))]));
      ws.on('framereceived', (f) => void socket.frames.push(['received', JSON.parse(String(f.payload))]));
    });
    const subscribed = (n: number) => sockets.length === n && sockets[n - 1]!.frames.some(([, m]) => m.type === 'subscribe');
    await runTab(page, 'Presence', 'subscription Presence', 'Presence');
    await waitUntil('the Presence subscription', () => subscribed(1), 15_000);
    await runTab(page, 'AsAgent', 'query AsAgent', 'Mine', 'subscription Mine {\n  agentPresenceChanged { agent { id status } }\n}');
    await waitUntil("the agent tab's subscription", () => subscribed(2), 15_000);
    const ws = `${demo.gateway.url.replace(/^http/, 'ws')}/graphql`;
    expect(sockets.map((x) => x.url)).toEqual([ws, ws]);
    for (const [socket, authorization, operationName] of [
      [sockets[0]!, `Bearer ${DEMO_API_KEY}`, 'Presence'],
      [sockets[1]!, `Bearer ${demo.tokens.agent}`, 'Mine'],
    ] as const) {
      expect(socket.frames.slice(0, 3)).toEqual([
        ['sent', { type: 'connection_init', payload: { authorization } }],
        ['received', { type: 'connection_ack' }],
        ['sent', { type: 'subscribe', id: expect.any(String), payload: expect.objectContaining({ operationName }) }],
      ]);
    }
    expect(offsite).toEqual([]);
    await page.close();
  }, 40_000);
});
