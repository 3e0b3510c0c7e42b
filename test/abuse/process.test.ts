/**
 * Issue 11 against a built gateway process (`node dist/src/main.js`, demo mode): the request-targets that
 * used to crash it, a fuzz of request-targets, methods and headers, and a SIGTERM that drains. Memory under
 * the same abuse is checked on its own, on a quiet machine: test/memory/rss.test.ts (`npm run test:memory`).
 */
import { DEMO_API_KEY } from '../../src/demo';
import { startBuiltGateway, type BuiltGateway } from '../support/builtGateway';
import { waitUntil } from '../support/wait';
import { fiveHundredWithoutErrors, jsonOf, prng, rawRequest } from './helpers';
import { exchange, pool, randomRequest } from './requestFuzz';

async function healthz(gw: BuiltGateway): Promise<number> {
  return (await fetch(`${gw.url}/healthz`)).status;
}

describe('issue 11 against a built gateway', () => {
  let gw: BuiltGateway;
  beforeAll(async () => {
    gw = await startBuiltGateway();
  }, 120_000);
  afterAll(() => gw?.stop());

  it.each(['//', '///', '//@', '/\\'])('curl --request-target %s gets an answer and the process stays up', async (target) => {
    const res = await exchange(gw.url, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(404);
    expect(await healthz(gw)).toBe(200);
  });

  it('survives 3,000 random request-targets, methods and headers: every answer is a status, no 5xx without a GraphQL body', async () => {
    const seed = 20261205;
    const r = prng(seed);
    const requests = Array.from({ length: 3_000 }, () => randomRequest(r));
    const answers = await pool(requests.length, 16, (i) => exchange(gw.url, Buffer.from(requests[i]!, 'latin1')));
    const problems: string[] = [];
    answers.forEach((a, i) => {
      const head = JSON.stringify(requests[i]!.slice(0, 120));
      if (a.status === null) problems.push(`no answer to ${head}`);
      else {
        const body = a.raw.slice(a.raw.indexOf('\r\n\r\n') + 4);
        const bad = fiveHundredWithoutErrors(a.status, body);
        if (bad) problems.push(`${bad} for ${head}`);
        if (a.status >= 500) problems.push(`HTTP ${a.status} for ${head}`);
      }
    });
    expect({ seed, problems: problems.slice(0, 10), count: problems.length }).toEqual({ seed, problems: [], count: 0 });
    expect(await healthz(gw)).toBe(200);
    expect(gw.child.exitCode).toBeNull();
  }, 120_000);
});

describe('issue 11 item 8: SIGTERM drains', () => {
  it('turns readiness 503 and refuses new work at once, lets the request in flight finish, then exits 0', async () => {
    const gw = await startBuiltGateway();
    try {
      // Hold the Apps API simulator's answers for 2 s so one query is in flight when SIGTERM arrives.
      await fetch(`${gw.sims.appsApi}/__sim/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs: 2_000 }) });
      const inFlight = rawRequest(gw.graphqlUrl, {
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ agents(first: 1, filter: { connectionIds: ["apps-demo"] }) { totalCount } }' }),
      });
      await waitUntil('the simulator received the vendor read', async () => ((await (await fetch(`${gw.sims.appsApi}/__sim/requests`)).json()) as unknown[]).length > 0, 10_000);
      gw.child.kill('SIGTERM');
      await waitUntil('readiness turned 503', async () => (await fetch(`${gw.url}/readyz`)).status === 503, 5_000);
      expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ ready: false, draining: true });
      const refused = await rawRequest(gw.graphqlUrl, {
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ connections { id } }' }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers['connection']).toBe('close');
      expect(refused.headers['retry-after']).toBe('1');
      expect(jsonOf(refused.text)).toEqual({ errors: [{ message: 'the gateway is shutting down; send the request again', extensions: { code: 'SHUTTING_DOWN' } }] });
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(jsonOf(finished.text).data.agents.totalCount).toBeGreaterThan(0);
      expect(await gw.exited).toEqual({ code: 0, signal: null });
    } finally {
      await gw.stop();
    }
  }, 60_000);
});
