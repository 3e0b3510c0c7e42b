/**
 * Test support for the browser suites: Debian's Chromium launched the one way the machine allows (no network
 * of its own), and every request a browser context makes, with its answer's status and headers as they came
 * off the wire (CORS-hidden ones included) or why it failed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Headless Chromium with its background networking off: without these flags it opens connections the
 * machine's closed network refuses (env: machines/node-svc.md).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Seen {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  status?: number;
  /** The answer's headers as they came off the wire (CORS-hidden ones included). */
  headers?: Record<string, string>;
  failure?: string;
}

/** Starts recording `context`'s requests; the list fills as they happen. */
export function recordRequests(context: BrowserContext): Seen[] {
  const requests: Seen[] = [];
  const byRequest = new Map<object, Seen>();
  context.on('request', (req) => {
    const seen: Seen = { method: req.method(), url: req.url(), requestHeaders: req.headers() };
    byRequest.set(req, seen);
    requests.push(seen);
  });
  context.on('response', async (res) => {
    const seen = byRequest.get(res.request());
    if (!seen) return;
    const status = res.status();
    const headers = await res.allHeaders().catch(() => res.headers());
    Object.assign(seen, { status, headers });
  });
  context.on('requestfailed', (req) => {
    const seen = byRequest.get(req);
    if (seen) seen.failure = req.failure()?.errorText ?? 'failed';
  });
  return requests;
}

/** Answered (its headers recorded) or failed: Playwright reports both a little after the page moves on. */
export const settled = (r: Seen) => r.headers !== undefined || r.failure !== undefined;
