/**
 * The GraphQL IDE in a real browser (Debian's Chromium driven by playwright-core): it loads with no
 * internet, opens on the example operations with the demo key, and running the first one shows agents from
 * all three vendors. Run with `npm run test:e2e` (CI installs Chromium); CHROMIUM_PATH overrides the
 * browser location.
 */
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
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
});
