/**
 * The GraphQL IDE in a real browser (Debian's Chromium driven by playwright-core): it loads with no
 * internet, opens on the example operations with the demo key, and running the first one shows agents from
 * all three vendors; it loads the schema by introspection, so the Docs pane lists it and the editor
 * completes fields (issue 12). Run with `npm run test:e2e` (CI installs Chromium); CHROMIUM_PATH overrides
 * the browser location.
 */
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../../src/demo';
import { createLogger } from '../../src/logger';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

describe('GraphQL IDE in a browser', () => {
  let demo: Demo;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    demo = await startDemo({ port: 0, logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
    await docs.locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).first().click({ timeout: 15_000 });
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
    await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).first().waitFor({ timeout: 15_000 });
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
});
