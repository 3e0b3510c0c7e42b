/**
 * Not public API: shared by the abuse suite (test/abuse/*.test.ts). Raw HTTP over real sockets, the
 * simulators' request logs summed, and the one rule every abuse answer obeys: a 5xx only ever carries a
 * GraphQL error body.
 */
import http from 'node:http';
import net from 'node:net';
import { withoutRequestIds } from '../support/graphqlBody';
import type { Stack } from '../support/stack';

/** Simulators without their own rate limit, so abuse runs fast. */
export const FAST_SIMS = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };

/** Every request the three simulators logged, as `'sim METHOD /path?query'`. */
export function simRequests(stack: Stack): string[] {
  const out: string[] = [];
  for (const [name, sim] of [
    ['ameyo', stack.sims.ameyo],
    ['apps', stack.sims.appsApi],
    ['dialer', stack.sims.campaignApi],
  ] as const) {
    for (const r of sim.requests) out.push(`${name} ${r.method} ${r.path}${r.rawQuery ? `?${r.rawQuery}` : ''}`);
  }
  return out;
}

export function clearSimRequests(stack: Stack): void {
  stack.sims.ameyo.clearRequests();
  stack.sims.appsApi.clearRequests();
  stack.sims.campaignApi.clearRequests();
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with exactly the given headers and body (no fetch normalisation). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer; path?: string } = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: opts.path ?? `${u.pathname}${u.search}`, method: opts.method ?? 'POST', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The body parsed as JSON, or undefined. */
export function jsonOf(text: string): any {
  try {
    return withoutRequestIds(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** True for `{"errors":[{message, ...}, ...]}` (data may be there too). */
export function isGraphQLErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const errors = (body as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string');
}

/** The rule of the suite: no 5xx without a GraphQL error body. Returns a description when broken. */
export function fiveHundredWithoutErrors(status: number, text: string): string | null {
  if (status < 500) return null;
  return isGraphQLErrorBody(jsonOf(text)) ? null : `HTTP ${status} with body ${text.slice(0, 200)}`;
}

export async function healthy(stack: Stack): Promise<boolean> {
  const res = await fetch(`${stack.gateway.url}/healthz`);
  return res.status === 200 && ((await res.json()) as { status?: string }).status === 'ok';
}

/** Opens a socket and writes `head` (no end). Returns the socket and a promise of what it received. */
export function openSocket(url: string, head: string): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.write(head);
      resolve({ socket, received: () => data, closed });
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('data', (c: Buffer) => (data += c.toString('utf8')));
    socket.on('error', (err) => {
      if (!socket.connecting) return; // a reset after connecting is an answer too
      reject(err);
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A GraphQL multipart body, built by hand so tests control every part. */
export function multipartBody(boundary: string, parts: Array<{ name: string; value: string; filename?: string; type?: string }>, close = true): string {
  let out = '';
  for (const p of parts) {
    out += `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}\r\n`;
    if (p.type) out += `Content-Type: ${p.type}\r\n`;
    out += `\r\n${p.value}\r\n`;
  }
  return close ? `${out}--${boundary}--\r\n` : out;
}

/** mulberry32: small, fast, deterministic; a failing fuzz names its seed and replays. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
