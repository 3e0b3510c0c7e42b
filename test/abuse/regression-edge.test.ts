/**
 * Issue 11 ("Edge safety"), the HTTP edge: each reproduction from the issue against a running gateway over
 * real sockets, with the exact status, code and message. The request-target crash and the fuzz of
 * request-targets, methods and headers against a built gateway process are in test/abuse/process.test.ts.
 */
import { encodeGlobalId } from '../../src/graphql/ids';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';
import { FAST_SIMS, jsonOf, openSocket, rawRequest } from './helpers';

/** Sends `head` on a fresh socket and resolves with everything received once the server closes it. */
async function exchange(url: string, head: string): Promise<string> {
  const s = await openSocket(url, head);
  await s.closed;
  return s.received();
}

const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const bodyOf = (raw: string) => jsonOf(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('issue 11: the HTTP edge', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      sims: FAST_SIMS,
      server: { ide: true, bodyTimeoutMs: 1_000, headersTimeoutMs: 1_000, uploads: { idleTimeoutMs: 1_000 } },
    });
  });
  afterAll(() => stack.close());

  describe('item 1: every request-target form gets a 400 or a 404, and the process stays up', () => {
    const notAPath = { errors: [{ message: 'the request-target must be a path beginning with "/"', extensions: { code: 'BAD_REQUEST' } }] };
    it.each([
      ['// (scheme-relative lookalike)', 'GET // HTTP/1.1', 404],
      ['///', 'GET /// HTTP/1.1', 404],
      ['//@', 'GET //@ HTTP/1.1', 404],
      ['//host/healthz', 'GET //evil.example/healthz HTTP/1.1', 404],
      ['absolute-form, routed by its path', 'GET http://evil.example/nope HTTP/1.1', 404],
      ['asterisk-form', 'OPTIONS * HTTP/1.1', 400],
      ['/\\ (a backslash)', 'GET /\\ HTTP/1.1', 404],
    ])('%s', async (_title, line, status) => {
      const raw = await exchange(stack.gateway.url, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(status);
      expect(bodyOf(raw)).toEqual(status === 404 ? { error: 'not found' } : notAPath);
    });

    it('absolute-form reaches the route its path names', async () => {
      const raw = await exchange(stack.gateway.url, 'GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(statusOf(raw)).toBe(200);
      expect(bodyOf(raw)).toEqual({ status: 'ok' });
    });

    it('authority-form (CONNECT) is a 400, not a dropped socket', async () => {
      const raw = await exchange(stack.gateway.url, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
      expect(statusOf(raw)).toBe(400);
      expect(bodyOf(raw)).toEqual(notAPath);
    });

    it.each([
      ['junk', 'GET nope HTTP/1.1'],
      ['a space inside the target', 'GET /a b HTTP/1.1'],
      ['a control character', 'GET /\u0001 HTTP/1.1'],
      ['a made-up version', 'GET / HTTP/7.9'],
    ])('%s, which the HTTP parser refuses, is a 400 with a body', async (_title, line) => {
      const raw = await exchange(stack.gateway.url, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw)).toBe(400);
      expect(bodyOf(raw)).toEqual({ errors: [{ message: 'the request could not be parsed as HTTP/1.1', extensions: { code: 'BAD_REQUEST' } }] });
      expect((await fetch(`${stack.gateway.url}/healthz`)).status).toBe(200);
    });

    it('a route that exists answers 405 with Allow for another method', async () => {
      const res = await rawRequest(`${stack.gateway.url}/healthz`, { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe('GET');
      expect(jsonOf(res.text)).toEqual({ errors: [{ message: 'DELETE is not allowed here; use GET', extensions: { code: 'BAD_REQUEST' } }] });
    });
  });

  describe('item 8: names are never looked up on plain objects, bad escapes are not 500s', () => {
    it.each(['/ide/constructor', '/ide/__proto__', '/ide/toString', '/ide/hasOwnProperty'])('GET %s is a 404', async (path) => {
      const res = await rawRequest(`${stack.gateway.url}${path}`, { method: 'GET' });
      expect(res.status).toBe(404);
      expect(jsonOf(res.text)).toEqual({ error: 'not found' });
    });

    it('GET /files/recordings/%E0%A4%A (a malformed escape) is a 400', async () => {
      const res = await rawRequest(`${stack.gateway.url}/files/recordings/%E0%A4%A`, { method: 'GET', headers: { authorization: `Bearer ${KEY_A}` } });
      expect(res.status).toBe(400);
      expect(jsonOf(res.text)).toEqual({ errors: [{ message: 'the file id in the path is not valid percent-encoding', extensions: { code: 'BAD_REQUEST' } }] });
    });

    it.each(['/files/constructor/x', '/files/recordings/a/b', '/files/'])('GET %s is a 404', async (path) => {
      const res = await rawRequest(`${stack.gateway.url}${path}`, { method: 'GET', headers: { authorization: `Bearer ${KEY_A}` } });
      expect(res.status).toBe(404);
    });
  });

  describe('item 8: the IDE page and its assets carry the security headers', () => {
    it.each([
      ['the page', '/graphql', 'text/html'],
      ['an asset', '/ide/graphiql.min.css', 'text/css'],
    ])('%s', async (_title, path, accept) => {
      const res = await fetch(`${stack.gateway.url}${path}`, { headers: { accept } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      if (path === '/graphql') expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });
  });

  describe('item 7: slow clients are cut in seconds, and unread bodies are never drained', () => {
    it('a JSON body trickled past server.bodyTimeoutMs gets 408 and the connection closed', async () => {
      const s = await openSocket(stack.gateway.url, `POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY_A}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":`);
      const trickle = setInterval(() => s.socket.writable && s.socket.write(' '), 100);
      try {
        await s.closed;
      } finally {
        clearInterval(trickle);
      }
      expect(statusOf(s.received())).toBe(408);
      expect(s.received()).toMatch(/\r\nconnection: close\r\n/i);
      expect(bodyOf(s.received())).toEqual({ errors: [{ message: 'request body was not received within 1 s', extensions: { code: 'BAD_REQUEST' } }] });
    });

    it.each([
      ['an unknown route', 'POST /nope', 404],
      ['an unauthenticated GraphQL request', 'POST /graphql', 401],
    ])('%s with a declared 100 KB body is answered and closed, not drained', async (_title, line, status) => {
      const s = await openSocket(stack.gateway.url, `${line} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
      await waitUntil('the answer arrived', () => statusOf(s.received()) > 0, 5_000);
      expect(statusOf(s.received())).toBe(status);
      expect(s.received()).toMatch(/\r\nconnection: close\r\n/i);
      await s.closed; // resolves only because the server closed it: the body never finished
      expect(s.socket.bytesWritten).toBeLessThan(1000);
    });

    it('headers trickled past server.headersTimeoutMs are cut with 408', async () => {
      const s = await openSocket(stack.gateway.url, 'GET /healthz HTTP/1.1\r\n');
      const trickle = setInterval(() => s.socket.writable && s.socket.write('X-A: b\r\n'), 200);
      const started = Date.now();
      try {
        await s.closed;
      } finally {
        clearInterval(trickle);
      }
      // headersTimeout 1 s, checked every second by Node: cut within about 2 s, never 60.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(statusOf(s.received())).toBe(408);
    });
  });

  describe('item 8: download URLs never come from the Host header', () => {
    it('a recording URL is relative, whatever Host the client sent', async () => {
      const calls = stack.sims.ameyo.state.calls as Array<{ crtObjectId: string; hasRecording?: boolean }>;
      const callId = encodeGlobalId('Call', 'ameyo-a', calls.find((c) => c.hasRecording !== false)!.crtObjectId);
      const res = await rawRequest(`${stack.graphqlUrl}`, {
        headers: { host: 'evil.example', authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query($id: ID!) { recording(callId: $id) { url } }', variables: { id: callId } }),
      });
      expect(res.status).toBe(200);
      expect(jsonOf(res.text)).toEqual({ data: { recording: { url: `/files/recordings/${encodeURIComponent(callId)}?format=wav` } } });
    });
  });

  describe('item 8: 500 duplicated fields are refused before execution', () => {
    it('{ campaigns(first: 1) { edges { node { id id ... } } } } with 500 ids is a 400, and no vendor hears of it', async () => {
      const before = stack.sims.appsApi.requests.length + stack.sims.campaignApi.requests.length + stack.sims.ameyo.requests.length;
      const res = await stack.gql(`{ campaigns(first: 1) { edges { node { ${'id '.repeat(500)}} } } }`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [{ message: 'query fields is 503, over the limit of 250', extensions: { code: 'BAD_USER_INPUT', limit: 'fields', max: 250, actual: 503 } }],
      });
      expect(stack.sims.appsApi.requests.length + stack.sims.campaignApi.requests.length + stack.sims.ameyo.requests.length).toBe(before);
    });
  });

  describe('request ids and what is logged', () => {
    it('echoes a plain x-request-id and replaces one that is not', async () => {
      const kept = await fetch(`${stack.gateway.url}/healthz`, { headers: { 'x-request-id': 'req-123.abc' } });
      expect(kept.headers.get('x-request-id')).toBe('req-123.abc');
      const replaced = await fetch(`${stack.gateway.url}/healthz`, { headers: { 'x-request-id': 'a b\u00e9'.replace('\u00e9', 'e') + ' '.repeat(3) + 'x'.repeat(200) } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('a client that aborts is logged at info with its request id, not as an error', async () => {
      stack.sims.appsApi.setFaults({ latencyMs: 2_000 });
      try {
        const before = stack.logs.length;
        const abort = new AbortController();
        const pending = fetch(stack.graphqlUrl, {
          method: 'POST',
          signal: abort.signal,
          headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json', 'x-request-id': 'abort-me-1' },
          body: JSON.stringify({ query: '{ agents(first: 1, filter: { connectionIds: ["apps-a"] }) { totalCount } }' }),
        }).catch(() => 'aborted');
        await waitUntil('the vendor received the read', () => stack.sims.appsApi.requests.length > 0 || stack.logs.length > before, 5_000);
        abort.abort();
        expect(await pending).toBe('aborted');
        await waitUntil('the abort was logged', () => stack.logs.slice(before).some((l) => l['reqId'] === 'abort-me-1' && /client closed/.test(l['msg'])), 5_000);
        const mine = stack.logs.slice(before).filter((l) => l['reqId'] === 'abort-me-1');
        expect(mine.find((l) => /client closed/.test(l['msg']))).toMatchObject({ level: 30, route: 'graphql' });
        expect(mine.filter((l) => l['level'] >= 50)).toEqual([]);
      } finally {
        stack.sims.appsApi.setFaults({ latencyMs: 0 });
      }
    });

    it('a request with partial errors is logged and counted as partial', async () => {
      stack.sims.ameyo.setFaults({ serverErrorStatus: 503 });
      try {
        const before = stack.logs.length;
        const res = await stack.gql('query PartialAgents { agents(first: 1) { totalCount } }');
        expect(res.body.data).not.toBeNull();
        expect(res.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
        const line = stack.logs.slice(before).find((l) => l['msg'] === 'graphql request');
        expect(line).toMatchObject({ operation: 'PartialAgents', outcome: 'partial', errorCodes: ['UPSTREAM_UNAVAILABLE'] });
      } finally {
        stack.sims.ameyo.setFaults({ serverErrorStatus: null });
      }
    });
  });
});
