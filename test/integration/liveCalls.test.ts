/**
 * Issue 17, the call log poller: `callEvents` from a connection whose last hour holds more calls than one vendor page.
 * The engine tails the Manager API call list (`updated_at[from]`, `sort_column=updated_at`; notes §1 "Pagination") one
 * page per refresh. Through graphql-ws against the Apps API simulator over real sockets; no fixed sleeps.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Call } from '../../sim/apps-api';
import { KEY_A, startStack, type Stack } from '../support/stack';
import { waitUntil } from '../support/wait';

const CALLS = `subscription { callEvents(filter: { connectionIds: ["apps-a"] }) { type callNativeId call { id nativeId status } } }`;
const CALLS_PATH = '/manager/api/v1/calls';
/** Calls created (and last changed) in the hour before the test, 20 s apart: more than one page of 100. */
const RECENT = 160;
const GAP_MS = 20_000;

interface CallEventData {
  type: string;
  callNativeId: string;
  call: { id: string; nativeId: string; status: string } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('call events from the call log tail (more calls in the window than one page)', () => {
  let stack: Stack;
  let client: Client;
  let t0: number;
  const events: CallEventData[] = [];
  const errors: unknown[] = [];
  let dispose: () => void = () => undefined;

  const callReads = () => stack.sims.appsApi.requests.filter((r) => r.method === 'GET' && r.path === CALLS_PATH);
  /**
   * A copy of the last seeded call as a new record. Its `updated_at` is kept only before the simulator's first call
   * read (the history); a record appearing later is a write then, and the simulator stamps it when it next serves calls.
   */
  const newCall = (id: number, status: Call['status'], createdMs: number, updatedMs: number | null): Call => {
    const calls = stack.sims.appsApi.state.calls;
    return { ...structuredClone(calls[calls.length - 1]!), id, status, created_at: iso(createdMs), updated_at: updatedMs === null ? '' : iso(updatedMs), ends_at: null };
  };
  /**
   * Waits until `n` more reads of the call list have been answered and absorbed: the poller sends its next read only
   * after absorbing the last, so `n + 1` more reads in the log mean everything the `n` brought has been published.
   */
  const afterReads = (n: number) => {
    const want = callReads().length + n + 1;
    return waitUntil(`${n} more call list reads absorbed`, () => callReads().length >= want, 10_000);
  };

  beforeAll(async () => {
    stack = await startStack({
      sims: { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } },
      connection: { rateLimit: { requestsPerSecond: 10, spacingMarginMs: 0 }, cacheTtlMs: 0 },
      live: { budgetShare: 0.5, minIntervalMs: 10, queryInterestMs: 0 },
    });
    t0 = Date.now();
    // The seed's calls are from November 2nd: the last hour holds only these, oldest first, half connected, half finished.
    for (let i = 0; i < RECENT; i++) {
      const at = t0 - (RECENT - i) * GAP_MS;
      stack.sims.appsApi.state.calls.push(newCall(9_170_000 + i, i % 2 === 0 ? 'connected' : 'finished', at, at));
    }
    client = createClient({ url: stack.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${KEY_A}` } });
    dispose = client.subscribe<{ callEvents: CallEventData }>(
      { query: CALLS },
      { next: (v) => void (v.data ? events.push(v.data.callEvents) : errors.push(v.errors)), error: (e) => void errors.push(e), complete: () => undefined },
    );
    await waitUntil('the apps-a calls poller has its baseline', () => stack.gateway.live.engine.latest('tenant-a', 'apps-a', 'calls') !== null, 10_000);
  });
  afterAll(async () => {
    dispose();
    await client.dispose();
    await stack.close();
  });

  it('a new call and a status change of a call off the first page reach the subscriber, once each, with the id `calls` gives', async () => {
    // The baseline published nothing; a full hour of calls is history.
    await afterReads(2);
    expect(events).toEqual([]);

    // A new call reaching an agent: RINGING.
    const created = newCall(9_171_000, 'connecting', Date.now(), null);
    stack.sims.appsApi.state.calls.push(created);
    await waitUntil('the new call rang', () => events.length >= 1, 10_000);

    // The oldest of the 160 (last changed nearly an hour ago, never on the baseline's page of the newest 100) ends:
    // the simulator stamps its updated_at, and the tail reads it.
    const oldest = stack.sims.appsApi.state.calls.find((c) => c.id === 9_170_000)!;
    expect(oldest.status).toBe('connected');
    oldest.status = 'finished';
    await waitUntil('the old call ended', () => events.length >= 2, 10_000);
    await afterReads(2);

    const { data } = (await stack.gql(`{ calls(first: 5, filter: { connectionIds: ["apps-a"], createdAfter: "${created.created_at}" }) { edges { node { id nativeId } } } }`)).body;
    const listed = (data!['calls'] as { edges: Array<{ node: { id: string; nativeId: string } }> }).edges.map((e) => e.node);
    expect(listed.map((n) => n.nativeId)).toEqual(['9171000']);
    const { data: oldData } = (await stack.gql(`{ calls(first: 1, filter: { connectionIds: ["apps-a"], createdAfter: "${oldest.created_at}" }) { edges { node { id nativeId } } } }`)).body;
    const oldListed = (oldData!['calls'] as { edges: Array<{ node: { id: string; nativeId: string } }> }).edges.map((e) => e.node);
    expect(oldListed.map((n) => n.nativeId)).toEqual(['9170000']);

    expect(errors).toEqual([]);
    expect(events).toEqual([
      { type: 'RINGING', callNativeId: '9171000', call: { id: listed[0]!.id, nativeId: '9171000', status: 'CONNECTING' } },
      { type: 'ENDED', callNativeId: '9170000', call: { id: oldListed[0]!.id, nativeId: '9170000', status: 'FINISHED' } },
    ]);

    // The wire: one page per refresh, tailing from the newest change seen minus one second, ascending by updated_at.
    // The `calls` queries sent what they always did (no tailing parameters).
    expect(
      callReads()
        .filter((r) => !r.query['sort_column'])
        .map((r) => r.rawQuery),
    ).toEqual([
      new URLSearchParams({ 'created_at[from]': created.created_at, page: '1', per: '5' }).toString(),
      new URLSearchParams({ 'created_at[from]': oldest.created_at, page: '1', per: '1' }).toString(),
    ]);
    const reads = callReads().filter((r) => r.query['sort_column']);
    const baseline = reads[0]!;
    const baselineFrom = Date.parse(baseline.query['updated_at[from]']![0]!);
    expect(baselineFrom).toBeGreaterThanOrEqual(t0 - 3_600_000);
    expect(baselineFrom).toBeLessThanOrEqual(Date.now() - 3_600_000);
    expect(baseline.rawQuery).toBe(new URLSearchParams({ 'updated_at[from]': iso(baselineFrom), sort_column: 'updated_at', sort_direction: 'desc', page: '1', per: '100' }).toString());
    const tail = (fromMs: number) => new URLSearchParams({ 'updated_at[from]': iso(fromMs), sort_column: 'updated_at', sort_direction: 'asc', page: '1', per: '100' }).toString();
    const distinct = reads.slice(1).map((r) => r.rawQuery);
    expect(distinct.filter((q, i) => q !== distinct[i - 1])).toEqual([tail(t0 - GAP_MS - 1_000), tail(Date.parse(created.updated_at) - 1_000), tail(Date.parse(oldest.updated_at) - 1_000)]);
    expect(reads.slice(0, -1).every((r) => r.status === 200)).toBe(true);
  });

  it('more changes at one instant than one page: the next refreshes continue where the full page ended, each change once', async () => {
    // 60 calls end and 60 new ones ring at once: the simulator stamps all 120 with the same updated_at.
    const ending = stack.sims.appsApi.state.calls.filter((c) => c.id > 9_170_000 && c.id < 9_170_000 + RECENT && c.status === 'connected').slice(0, 60);
    const ringing = [...Array(60).keys()].map((i) => newCall(9_172_000 + i, 'assigned', Date.now(), null));
    const before = events.length;
    const readsBefore = callReads().length;
    for (const c of ending) c.status = 'finished';
    stack.sims.appsApi.state.calls.push(...ringing);
    await waitUntil('120 more events', () => events.length >= before + 120, 15_000);
    await afterReads(3);
    const stamped = new Set([...ending, ...ringing].map((c) => c.updated_at));
    expect(stamped.size).toBe(1);
    const news = events.slice(before);
    expect(news.length).toBe(120);
    expect(new Set(news.map((e) => e.callNativeId)).size).toBe(120);
    expect(news.filter((e) => e.type === 'ENDED').map((e) => e.callNativeId)).toEqual(ending.map((c) => String(c.id)));
    expect(news.filter((e) => e.type === 'RINGING').map((e) => e.callNativeId)).toEqual(ringing.map((c) => String(c.id)));
    // Still one request per refresh; a page past the first only when a full page ended at the newest change seen.
    const pages = callReads()
      .slice(readsBefore)
      .map((r) => r.query['page']![0]);
    expect(new Set(pages)).toEqual(new Set(['1', '2']));
  });
});
