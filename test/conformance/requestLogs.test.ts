/**
 * Issue 12 item 7: what is logged per request at `info`. A GraphQL operation is one line with its request id;
 * the IDE page, its assets and the health probes are not logged per request (an operator's log is not a
 * list of JavaScript downloads and probes).
 */
import { FAST_SIMS } from '../abuse/helpers';
import { startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const INFO = 30;

describe('issue 12 item 7: request logging', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sims: FAST_SIMS, server: { ide: true } });
  });
  afterAll(() => stack.close());

  const idOf = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stack.gateway.url}${path}`, { headers });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return res.headers.get('x-request-id')!;
  };

  it('logs a GraphQL operation once at info, with its request id', async () => {
    const res = await stack.gql('query Connections { connections { id } }');
    const id = res.headers.get('x-request-id');
    await waitUntil('the operation was logged', () => stack.logs.some((l) => l['reqId'] === id && l['level'] === INFO), 5_000);
    expect(stack.logs.filter((l) => l['reqId'] === id && l['level'] >= INFO).map((l) => [l['msg'], l['operation']])).toEqual([['graphql request', 'Connections']]);
  });

  it('does not log the IDE page, its assets or the probes at info', async () => {
    const page = await fetch(`${stack.graphqlUrl}`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/ide\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(5);
    const ids = [page.headers.get('x-request-id')!, ...(await Promise.all(assets.map((a) => idOf(a)))), await idOf('/healthz'), await idOf('/readyz')];
    // A GraphQL request after them is logged: once its line is there, theirs would be too.
    const marker = (await stack.gql('{ connections { id } }')).headers.get('x-request-id');
    await waitUntil('the marker request was logged', () => stack.logs.some((l) => l['reqId'] === marker), 5_000);
    expect(stack.logs.filter((l) => ids.includes(l['reqId']) && l['level'] >= INFO)).toEqual([]);
  });
});
