/**
 * The live bus: how an event about one tenant's data reaches every subscriber of that tenant, in this process and,
 * in a fleet, in every replica (issue 17). Publishers are the freshness engine's pollers (src/live/engine.ts) and
 * Ameyo's CRM URL calls; subscribers are the GraphQL subscriptions. Channels are per tenant and topic, so no
 * subscriber ever receives another tenant's events.
 *
 * `LocalBus` is the embedded default; `RedisBus` adds Redis pub/sub (one channel per tenant and topic under the
 * state store's key prefix), delivering this process's own events locally at once and the other replicas' as they
 * arrive. Events are JSON on the wire with their Dates kept (`encodeLive`/`decodeLive`).
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../state/redis/connection';
import type { LiveEvent, LiveTopic } from './events';

export type LiveListener = (event: LiveEvent) => void;

export interface LiveBus {
  /** Delivers `event` to every subscriber of its topic in `tenantId`, here and in the other replicas. */
  publish(tenantId: string, event: LiveEvent): void;
  /** Calls `listener` with the tenant's events on `topic` until the returned function is called. */
  subscribe(tenantId: string, topic: LiveTopic, listener: LiveListener): () => void;
  close(): Promise<void>;
}

const channelKey = (tenantId: string, topic: LiveTopic) => `${tenantId}\u0000${topic}`;

/** Subscribers in this process, by tenant and topic. A listener that throws does not stop the others. */
export class LocalBus implements LiveBus {
  private readonly listeners = new Map<string, Set<LiveListener>>();

  /** How many listeners a tenant's topic has here (for tests and the engine's interest). */
  listenerCount(tenantId: string, topic: LiveTopic): number {
    return this.listeners.get(channelKey(tenantId, topic))?.size ?? 0;
  }

  publish(tenantId: string, event: LiveEvent): void {
    this.deliver(tenantId, event);
  }

  /** Delivers to this process's listeners only. */
  deliver(tenantId: string, event: LiveEvent): void {
    const set = this.listeners.get(channelKey(tenantId, event.topic));
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // A subscriber's failure is its own (its stream ends with its error); the others still get the event.
      }
    }
  }

  subscribe(tenantId: string, topic: LiveTopic, listener: LiveListener): () => void {
    const key = channelKey(tenantId, topic);
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(key);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Dates survive the trip through Redis: `{"$date": "<ISO 8601>"}` on the wire. */
export function encodeLive(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key];
    return original instanceof Date ? { $date: original.toISOString() } : v;
  });
}

export function decodeLive(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o['$date'] === 'string' && Object.keys(o).length === 1) return new Date(o['$date']);
    }
    return v;
  });
}

interface Envelope {
  /** The publishing process, so it does not deliver its own event twice. */
  o: string;
  t: string;
  e: LiveEvent;
}

/**
 * Redis pub/sub under `<keyPrefix>live:<tenant>:<topic>`: one SUBSCRIBE per tenant and topic with listeners here,
 * dropped when the last one goes. Publishing while Redis is down loses the event for the other replicas (pub/sub
 * keeps nothing); this process's subscribers still get it, and the pollers' next diff carries the state again.
 */
export class RedisBus implements LiveBus {
  private readonly local = new LocalBus();
  private readonly origin = randomUUID();
  private readonly channels = new Map<string, { tenantId: string; topic: LiveTopic }>();

  constructor(private readonly conn: RedisConnection) {
    conn.subscriber.on('message', (channel: string, message: string) => {
      if (!this.channels.has(channel)) return;
      let env: Envelope;
      try {
        env = decodeLive(message) as Envelope;
      } catch {
        return;
      }
      if (env.o === this.origin) return;
      this.local.deliver(env.t, env.e);
    });
  }

  private channel(tenantId: string, topic: LiveTopic): string {
    return `${this.conn.keyPrefix}live:${tenantId}:${topic}`;
  }

  publish(tenantId: string, event: LiveEvent): void {
    this.local.deliver(tenantId, event);
    const env: Envelope = { o: this.origin, t: tenantId, e: event };
    this.conn.client.publish(this.channel(tenantId, event.topic), encodeLive(env)).catch(() => undefined);
  }

  subscribe(tenantId: string, topic: LiveTopic, listener: LiveListener): () => void {
    const name = this.channel(tenantId, topic);
    if (!this.channels.has(name)) {
      this.channels.set(name, { tenantId, topic });
      this.conn.subscriber.subscribe(name).catch(() => undefined);
    }
    const off = this.local.subscribe(tenantId, topic, listener);
    return () => {
      off();
      if (this.local.listenerCount(tenantId, topic) === 0 && this.channels.delete(name)) {
        this.conn.subscriber.unsubscribe(name).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    this.channels.clear();
  }
}
