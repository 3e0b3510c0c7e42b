/**
 * The freshness engine (issue 17, item 2): one poller per (tenant, connection, resource) while anyone is
 * interested, for subscriptions and queries alike.
 *
 * - Interest: a subscriber holds the key (`hold` returns its release); a query touches it (`LiveReads`) and
 *   keeps it for `live.queryInterestMs`. When neither remains, the poller stops at its next tick.
 * - Budget: a connection's pollers together use at most `live.budgetShare` of its requests/second. Each
 *   refresh counts the vendor requests it made, and the next one waits `requests * pollers / (rps * share)`.
 *   Their requests are background work (`RequestScope.background`): the rate limiter serves every
 *   interactive request and mutation before them. They skip the response caches (`fresh`), and refresh them.
 * - Diffs: each refresh is compared with the last by native id; only what changed is published on the bus
 *   (agents: presence; queues: status; calls: RINGING, CONNECTED, ENDED). The first read is the baseline.
 * - Calls are tailed, not re-read: the log can hold more calls than one page, so each refresh asks for the calls
 *   changed since the last change it saw (`CallTail`), one page, and merges them into a bounded copy.
 * - Queries: `agents`/`queues` for a connection with a fresh copy (read within two refresh intervals) are
 *   answered from it, with no vendor request and no wait: their data age is bounded by the refresh interval.
 * - Fleet (`leases`): only the replica holding the Redis lease of a key polls and publishes; the others
 *   deliver its events through RedisBus to their own subscribers, and answer queries the ordinary way
 *   (shared response cache). Embedded: this process always polls.
 */
import type { Logger } from 'pino';
import type { Agent, Call, CallQuery, CallStatus, LiveReads, Queue, RequestScope, Tenant } from '../domain/types';
import { memberAt } from '../domain/fanOut';
import { liveEventsPublished, livePollers, liveRefreshes } from '../metrics';
import type { PollerLeases } from '../state/redis/leases';
import type { LiveBus } from './bus';
import type { CallEventType, LiveEvent } from './events';

export type LiveResource = 'agents' | 'queues' | 'calls';
export const LIVE_RESOURCES: readonly LiveResource[] = ['agents', 'queues', 'calls'];

/** The language queues are polled in (the queries' default). */
export const LIVE_QUEUE_LANG = 'en';
/** How far back the call poller's baseline looks, and how long it keeps a call it has not seen change since. */
const CALL_WINDOW_MS = 3_600_000; // 1 h
/** Calls per refresh: one page, the vendor's largest. A full page means the next refresh continues where it ended. */
const CALL_PAGE = 100;
/**
 * Each tailing read starts this far before the newest change it saw: calls stamped in the same second (the vendor's
 * examples carry whole seconds) or committed slightly out of order are read again, and the diff drops what is unchanged.
 */
const CALL_OVERLAP_MS = 1_000; // 1 s
/**
 * The most calls the poller remembers. It needs a call's last state to tell a new event from a repeat; a forgotten
 * call that changes again still yields its event (only a change that keeps the event type could repeat one). Ten
 * pages is far more than the overlap re-reads, and bounds the copy at about 1000 call records per connection.
 */
const CALL_COPY_MAX = 1_000;

export interface LiveEngineOptions {
  tenants: ReadonlyMap<string, Tenant>;
  bus: LiveBus;
  /** The fleet's leases; null: this process polls everything it is interested in. */
  leases: PollerLeases | null;
  /** The connection's configured requests/second. */
  requestsPerSecond(tenantId: string, connectionId: string): number;
  budgetShare: number;
  queryInterestMs: number;
  minIntervalMs: number;
  leaseMs: number;
  /** A poller's read must finish within this (its rate-limit wait included). */
  requestTimeoutMs: number;
  logger: Logger;
}

interface Item {
  nativeId: string;
}

/** Where the call poller's next read starts (issue 17 calls tailing). */
interface CallTail {
  /** The newest `updatedAt` seen (ms); the next read asks from here minus `CALL_OVERLAP_MS`. */
  markMs: number;
  /** The baseline's newest change: an unknown call changed no later than this is history, not an event. */
  baselineMs: number;
  /** The page offset within the same `from`: past 0 only when a full page ended at the mark (ties past one page). */
  offset: number;
}

/** One key's poller. */
class Poller {
  holds = 0;
  queryUntil = 0;
  /**
   * The last read, by native id, and when it finished; null until the first read (or while not the leader). Calls: every
   * call read within the window (`seenAt`), not only the last read.
   */
  copy: Map<string, { item: Item; sig: string; seenAt?: number }> | null = null;
  list: Item[] | null = null;
  copyAt = 0;
  /** Calls only: the tailing cursor; null until the baseline. */
  tail: CallTail | null = null;
  intervalMs: number;
  leader = false;
  timer: NodeJS.Timeout | null = null;
  stopped = false;
  readonly abort = new AbortController();
  /** Queries waiting for the first read (a cold start): that read is then theirs, sent at their priority. */
  waiting = 0;
  /** Settles when the first read has ended, however it ended (or the poller stopped first). */
  readonly firstRead: Promise<void>;
  settleFirstRead: () => void = () => undefined;

  constructor(
    readonly tenantId: string,
    readonly connectionId: string,
    readonly resource: LiveResource,
    initialIntervalMs: number,
  ) {
    this.intervalMs = initialIntervalMs;
    this.firstRead = new Promise<void>((resolve) => (this.settleFirstRead = resolve));
  }

  get label(): string {
    return `${this.tenantId}/${this.connectionId}`;
  }
}

const keyOf = (tenantId: string, connectionId: string, resource: LiveResource) => `${tenantId}\u0000${connectionId}\u0000${resource}`;

/** What counts as a change: everything but the raw record (and, for queues, the agents' own raw records). */
function signature(resource: LiveResource, item: Item): string {
  if (resource === 'agents') {
    const a = item as Agent;
    return JSON.stringify([a.status, a.rawStatus, a.statusChangedAt?.toISOString() ?? null, a.name, a.extension, a.email, a.presence ?? null]);
  }
  if (resource === 'queues') {
    const { raw: _raw, agents, ...rest } = item as Queue;
    return JSON.stringify([rest, agents?.map((a) => [a.nativeId, a.status]) ?? null]);
  }
  const c = item as Call;
  return JSON.stringify([c.status, c.agentNativeId]);
}

/** The call event a status means, or null for statuses before a call reaches an agent. */
export function callEventTypeOf(status: CallStatus): CallEventType | null {
  switch (status) {
    case 'ASSIGNED':
    case 'CONNECTING':
      return 'RINGING';
    case 'CONNECTED':
    case 'RECOVERED':
      return 'CONNECTED';
    case 'FINISHED':
    case 'FAILED':
    case 'DEFLECTED':
    case 'ACTION_ONLY_FINISHED':
      return 'ENDED';
    default:
      return null;
  }
}

export class LiveEngine {
  private readonly pollers = new Map<string, Poller>();
  private closed = false;

  constructor(private readonly opts: LiveEngineOptions) {}

  /** Whether the connection can serve `resource` at all (it has the capability). */
  supports(tenantId: string, connectionId: string, resource: LiveResource): boolean {
    const tenant = this.opts.tenants.get(tenantId);
    if (!tenant) return false;
    const capability = resource === 'agents' ? 'AGENT_DIRECTORY' : resource === 'queues' ? 'QUEUE_STATUS' : 'CALL_LOG';
    return memberAt(tenant, connectionId, capability) !== null;
  }

  /** A subscriber's interest: the key's poller runs until the returned release is called (once). */
  hold(tenantId: string, connectionId: string, resource: LiveResource): () => void {
    if (this.closed || !this.supports(tenantId, connectionId, resource)) return () => undefined;
    const poller = this.pollerFor(tenantId, connectionId, resource);
    poller.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      poller.holds--;
      if (!this.interested(poller)) this.stop(poller);
    };
  }

  /** A query's interest: the poller runs for `queryInterestMs` more. */
  touch(tenantId: string, connectionId: string, resource: LiveResource): void {
    if (this.closed || this.opts.queryInterestMs <= 0 || !this.supports(tenantId, connectionId, resource)) return;
    this.pollerFor(tenantId, connectionId, resource).queryUntil = Date.now() + this.opts.queryInterestMs;
  }

  /** The key's last read, when it is fresh (within two refresh intervals), else null. */
  latest<T>(tenantId: string, connectionId: string, resource: LiveResource): T[] | null {
    const poller = this.pollers.get(keyOf(tenantId, connectionId, resource));
    if (!poller?.leader || !poller.list) return null;
    return Date.now() - poller.copyAt <= 2 * poller.intervalMs ? (poller.list as T[]) : null;
  }

  /** Pollers running now (tests, the bench). */
  get size(): number {
    return this.pollers.size;
  }

  /**
   * Subscriptions holding a key's poller now (tests, the bench). A subscription holds it only once it listens on the
   * bus, so a positive count means a change read from now on reaches it; a query's interest is not counted.
   */
  holders(tenantId: string, connectionId: string, resource: LiveResource): number {
    return this.pollers.get(keyOf(tenantId, connectionId, resource))?.holds ?? 0;
  }

  /** The refresh interval of a key's poller, or null when none runs. */
  intervalOf(tenantId: string, connectionId: string, resource: LiveResource): number | null {
    return this.pollers.get(keyOf(tenantId, connectionId, resource))?.intervalMs ?? null;
  }

  /**
   * The reads queries use for one tenant: each registers interest, and answers the fresh copy, or null (the caller
   * reads the vendor itself). A poller that has not read yet (a cold start) is waited for, up to `deadlineAt`: its first
   * read, sent at the query's priority, answers every query that came meanwhile with one vendor request, where each
   * query's own read would have been a second request a rate-limit interval later.
   */
  readsFor(tenantId: string): LiveReads {
    return {
      agents: (connectionId, deadlineAt) => this.fresh<Agent>(tenantId, connectionId, 'agents', deadlineAt),
      queues: (connectionId, lang, deadlineAt) => (lang === LIVE_QUEUE_LANG ? this.fresh<Queue>(tenantId, connectionId, 'queues', deadlineAt) : Promise.resolve(null)),
    };
  }

  private async fresh<T>(tenantId: string, connectionId: string, resource: LiveResource, deadlineAt: number): Promise<T[] | null> {
    this.touch(tenantId, connectionId, resource);
    const now = this.latest<T>(tenantId, connectionId, resource);
    const poller = this.pollers.get(keyOf(tenantId, connectionId, resource));
    if (now || !poller || poller.list || poller.stopped) return now;
    poller.waiting++;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([poller.firstRead, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadlineAt - Date.now()))))]);
    } finally {
      clearTimeout(timer);
      poller.waiting--;
    }
    return this.latest<T>(tenantId, connectionId, resource);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const poller of [...this.pollers.values()]) this.stop(poller);
  }

  private interested(p: Poller): boolean {
    return !this.closed && (p.holds > 0 || p.queryUntil > Date.now());
  }

  private pollerFor(tenantId: string, connectionId: string, resource: LiveResource): Poller {
    const key = keyOf(tenantId, connectionId, resource);
    let poller = this.pollers.get(key);
    if (!poller) {
      poller = new Poller(tenantId, connectionId, resource, this.baseIntervalMs(tenantId, connectionId));
      this.pollers.set(key, poller);
      livePollers.inc({ resource });
      this.schedule(poller, 0);
    }
    return poller;
  }

  /** The interval of one request per refresh with the connection's pollers sharing its budget share. */
  private baseIntervalMs(tenantId: string, connectionId: string, requests = 1): number {
    let pollers = 0;
    for (const p of this.pollers.values()) if (p.tenantId === tenantId && p.connectionId === connectionId && p.leader) pollers++;
    const share = this.opts.requestsPerSecond(tenantId, connectionId) * this.opts.budgetShare;
    return Math.max(this.opts.minIntervalMs, Math.ceil((Math.max(1, requests) * Math.max(1, pollers) * 1000) / share));
  }

  private stop(p: Poller): void {
    if (p.stopped) return;
    p.stopped = true;
    p.settleFirstRead();
    if (p.timer) clearTimeout(p.timer);
    p.abort.abort();
    this.pollers.delete(keyOf(p.tenantId, p.connectionId, p.resource));
    livePollers.dec({ resource: p.resource });
    if (p.leader && this.opts.leases) void this.opts.leases.resign(p.tenantId, p.connectionId, p.resource);
  }

  private schedule(p: Poller, ms: number): void {
    if (p.stopped) return;
    p.timer = setTimeout(() => {
      p.timer = null;
      void this.tick(p);
    }, ms);
    p.timer.unref?.();
  }

  private async tick(p: Poller): Promise<void> {
    if (!this.interested(p)) return this.stop(p);
    const { leases, leaseMs } = this.opts;
    if (leases) {
      const leader = await leases.claim(p.tenantId, p.connectionId, p.resource, leaseMs);
      if (p.stopped) return;
      if (!leader) {
        // Another replica polls: its events reach our subscribers through the bus. Ask again later.
        p.leader = false;
        p.list = null;
        p.copy = null;
        p.tail = null;
        p.settleFirstRead(); // the queries waiting read for themselves (the leader's answers reach them through the shared cache)
        return this.schedule(p, Math.ceil(leaseMs / 3));
      }
    }
    p.leader = true;
    let requests = 0;
    const scope: RequestScope = {
      deadlineAt: Date.now() + this.opts.requestTimeoutMs,
      signal: p.abort.signal,
      // A first read that queries wait for is theirs: it goes at their priority, not behind them.
      background: !(p.list === null && p.waiting > 0),
      fresh: true,
      onUpstreamCall: () => {
        requests++;
      },
    };
    try {
      const items = await this.read(p, scope);
      if (p.stopped) return;
      this.absorb(p, items);
      liveRefreshes.inc({ connection: p.label, resource: p.resource, outcome: 'ok' });
    } catch (err) {
      if (p.stopped) return;
      liveRefreshes.inc({ connection: p.label, resource: p.resource, outcome: 'error' });
      this.opts.logger.debug({ err, tenant: p.tenantId, connection: p.connectionId, resource: p.resource }, 'live poller read failed');
    } finally {
      p.settleFirstRead();
    }
    p.intervalMs = this.baseIntervalMs(p.tenantId, p.connectionId, requests);
    this.schedule(p, p.intervalMs);
  }

  private async read(p: Poller, scope: RequestScope): Promise<Item[]> {
    const tenant = this.opts.tenants.get(p.tenantId)!;
    if (p.resource === 'agents') return memberAt(tenant, p.connectionId, 'AGENT_DIRECTORY')!.listAgents(scope);
    if (p.resource === 'queues') return memberAt(tenant, p.connectionId, 'QUEUE_STATUS')!.listQueues(LIVE_QUEUE_LANG, scope);
    // The baseline: the latest changes of the window, newest first; then each refresh tails from the newest it saw.
    const { tail } = p;
    const q: CallQuery = tail ? { updatedAfter: new Date(tail.markMs - CALL_OVERLAP_MS), order: 'UPDATED_ASC' } : { updatedAfter: new Date(Date.now() - CALL_WINDOW_MS), order: 'UPDATED_DESC' };
    return (await memberAt(tenant, p.connectionId, 'CALL_LOG')!.listCalls(q, tail?.offset ?? 0, CALL_PAGE, scope)).items;
  }

  /** Keeps the new read and publishes what changed since the last one (nothing on the first). */
  private absorb(p: Poller, items: Item[]): void {
    if (p.resource === 'calls') return this.absorbCalls(p, items as Call[]);
    const next = new Map<string, { item: Item; sig: string }>();
    for (const item of items) next.set(item.nativeId, { item, sig: signature(p.resource, item) });
    const before = p.copy;
    p.copy = next;
    p.list = items;
    p.copyAt = Date.now();
    if (!before) return;
    const at = new Date();
    for (const [id, now] of next) {
      const was = before.get(id);
      if (was?.sig === now.sig) continue;
      const event = this.eventOf(p, now.item, was?.item ?? null, at);
      if (!event) continue;
      liveEventsPublished.inc({ connection: p.label, resource: p.resource });
      this.opts.bus.publish(p.tenantId, event);
    }
  }

  /**
   * Merges a tailing read into the copy and publishes each call whose event type changed; moves the cursor. The first
   * read is the baseline. The copy keeps calls seen within `CALL_WINDOW_MS`, at most `CALL_COPY_MAX`, oldest seen dropped first.
   */
  private absorbCalls(p: Poller, calls: Call[]): void {
    const nowMs = Date.now();
    const seen = p.copy ?? new Map<string, { item: Item; sig: string; seenAt?: number }>();
    const at = new Date(nowMs);
    let newestMs: number | null = null;
    for (const call of calls) {
      const updatedMs = call.updatedAt?.getTime() ?? null;
      if (updatedMs !== null && (newestMs === null || updatedMs > newestMs)) newestMs = updatedMs;
      const sig = signature('calls', call);
      const was = seen.get(call.nativeId);
      const wasUpdatedMs = (was?.item as Call | undefined)?.updatedAt?.getTime() ?? null;
      if (was && updatedMs !== null && wasUpdatedMs !== null && updatedMs < wasUpdatedMs) continue; // an older version than ours
      seen.delete(call.nativeId); // re-inserted last: the map runs from the least recently seen
      seen.set(call.nativeId, { item: call, sig, seenAt: nowMs });
      if (!p.tail || was?.sig === sig) continue;
      // A call the baseline's page did not hold, unchanged since before it: history, not news.
      if (!was && updatedMs !== null && updatedMs <= p.tail.baselineMs) continue;
      const event = this.eventOf(p, call, was?.item ?? null, at);
      if (!event) continue;
      liveEventsPublished.inc({ connection: p.label, resource: p.resource });
      this.opts.bus.publish(p.tenantId, event);
    }
    if (!p.tail) {
      // Vendor time from here on. An empty window keeps the baseline's own start (about), not our clock: a vendor clock
      // running behind ours by more than the overlap would otherwise hide the first calls that come.
      const markMs = newestMs ?? nowMs - CALL_WINDOW_MS;
      p.tail = { markMs, baselineMs: markMs, offset: 0 };
    } else if (calls.length >= CALL_PAGE && (newestMs === null || newestMs <= p.tail.markMs)) {
      p.tail.offset += CALL_PAGE; // a full page of ties at the mark: the next read takes the next page of the same query
    } else {
      p.tail.markMs = Math.max(p.tail.markMs, newestMs ?? p.tail.markMs);
      p.tail.offset = 0;
    }
    for (const [id, entry] of seen) {
      if (seen.size <= CALL_COPY_MAX && (entry.seenAt ?? nowMs) >= nowMs - CALL_WINDOW_MS) break;
      seen.delete(id);
    }
    p.copy = seen;
    p.list = [...seen.values()].map((e) => e.item);
    p.copyAt = nowMs;
  }

  private eventOf(p: Poller, item: Item, was: Item | null, at: Date): LiveEvent | null {
    if (p.resource === 'agents') {
      return { topic: 'agentPresence', connectionId: p.connectionId, agent: item as Agent, previousStatus: (was as Agent | null)?.status ?? null, at };
    }
    if (p.resource === 'queues') return { topic: 'queueStatus', connectionId: p.connectionId, queue: item as Queue, at };
    const call = item as Call;
    const type = callEventTypeOf(call.status);
    const before = was ? callEventTypeOf((was as Call).status) : null;
    if (!type || type === before) return null;
    return { topic: 'callEvents', connectionId: p.connectionId, type, at, callNativeId: call.nativeId, agentNativeId: call.agentNativeId, call, screenPop: null };
  }
}
