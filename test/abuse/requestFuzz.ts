/**
 * Not public API: the request fuzz of the abuse suite, shared by the built-gateway tests
 * (test/abuse/process.test.ts) and the memory check (test/memory/rss.test.ts): raw requests on fresh sockets
 * and seeded random request-targets, methods and headers.
 */
import net from 'node:net';
import { DEMO_API_KEY } from '../../src/demo';
import { prng } from './helpers';

export interface Exchange {
  /** The status line's code, or null when the server closed without one. */
  status: number | null;
  raw: string;
}

/** Writes `request` bytes on a new socket and collects the answer until the server closes it. */
export function exchange(url: string, request: Buffer | string): Promise<Exchange> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => socket.end(request));
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : null, raw });
    });
  });
}

const TARGET_PIECES = [
  '/',
  '//',
  '///',
  '\\',
  '@',
  '?',
  '#',
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%2F',
  '..',
  '.',
  '*',
  ':',
  'http:',
  'https://x',
  '~',
  ';',
  '=',
  '&',
  '[',
  ']',
  '{',
  '}',
  '|',
  '^',
  '`',
  '"',
  "'",
  '<',
  '>',
  'graphql',
  'healthz',
  'readyz',
  'metrics',
  'files',
  'ide',
  'recordings',
  'contact-upload-errors',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'query=',
  'format=wav',
  'é',
  '\u2028',
  'x'.repeat(300),
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'PROPFIND', 'FOO', 'get', 'G E T', ''];
const HEADER_CHOICES: Array<(r: ReturnType<typeof prng>) => string> = [
  () => `Authorization: Bearer ${DEMO_API_KEY}`,
  () => 'Authorization: Bearer nope-nope-nope-nope',
  () => 'Authorization: Basic Zm9vOmJhcg==',
  () => 'Authorization: ',
  () => 'Accept: text/html',
  () => 'Accept: application/graphql-response+json',
  () => 'Accept: */*;q=0.1, \u00ff',
  () => 'Content-Type: application/json',
  () => 'Content-Type: multipart/form-data; boundary=x',
  () => 'Apollo-Require-Preflight: true',
  (r) => `X-Request-Id: ${'r'.repeat(r.int(200))}`,
  () => 'X-Request-Id: \u00e9\u00e9',
  () => 'Host: evil.example',
  () => 'Host:',
  () => 'Forwarded: for=1.2.3.4',
  () => 'Upgrade: websocket',
  () => 'Connection: Upgrade',
  () => 'Expect: 100-continue',
  (r) => `X-Big: ${'b'.repeat(r.int(20_000))}`,
  (r) => `${'x-'.repeat(r.int(5) + 1)}${r.int(1e6)}: ${r.int(1e6)}`,
  () => 'Bad Header Name: x',
  () => 'X-Nul: a\u0000b',
  () => 'X-Cr: a\rb',
];

export function randomRequest(r: ReturnType<typeof prng>): string {
  let target = r.pick(['/', '', 'http://h', '*', 'h:1']);
  for (let i = r.int(6); i > 0; i--) target += r.pick(TARGET_PIECES);
  const method = r.pick(METHODS);
  const headers = ['Connection: close'];
  for (let i = r.int(5); i > 0; i--) headers.push(r.pick(HEADER_CHOICES)(r));
  let body = '';
  if (r.next() < 0.3) {
    body = r.pick(['{"query":"{ connections { id } }"}', '{"query":', 'null', '[]', '--x\r\n', '\u0000\u00ff']);
    headers.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  }
  return `${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
}

/** Runs `n` requests from `make`, `concurrency` at a time; returns the exchanges in order. */
export async function pool(n: number, concurrency: number, make: (i: number) => Promise<Exchange>): Promise<Exchange[]> {
  const out: Exchange[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await make(i);
      }
    }),
  );
  return out;
}
