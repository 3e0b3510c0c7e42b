/**
 * The shared response cache in Redis (src/state/responses.ts). Keys: `<prefix><tenant>:<connection>:resp:<hash>`
 * for the answer (expiring with the cache TTL) and `...:lead:<hash>` for the replica fetching it
 * (`SET NX PX`). A leader that stores or resigns publishes the key on `<prefix>settled`; each process has one
 * subscription and wakes its own waiters, so no replica polls. A store is also published on `<prefix>stored` with the
 * storing process's id, so the other processes drop their own cached copy (`onStoredElsewhere`).
 */
import { randomUUID } from 'node:crypto';
import type { SharedResponses, StoredResponse } from '../responses';
import type { RedisConnection } from './connection';

/** Compare-and-delete: only the leader that set the claim removes it. */
const RESIGN = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Commands {
  switchboardResign(lead: string, owner: string): Promise<number>;
}

interface Encoded {
  s: number;
  h: Record<string, string>;
  b: string;
}

/** One subscription per process, shared by every connection's cache. */
export class SettledChannel {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly storedListeners = new Set<(answerKey: string) => void>();
  private subscribed: Promise<unknown> | null = null;
  private storedSubscribed: Promise<unknown> | null = null;
  readonly name: string;
  readonly storedName: string;
  /** This gateway's state store, in `<prefix>stored` messages: its own stores are not news to it. */
  private readonly storeId = randomUUID();

  constructor(private readonly conn: RedisConnection) {
    this.name = `${conn.keyPrefix}settled`;
    this.storedName = `${conn.keyPrefix}stored`;
    conn.subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.storedName) {
        const space = key.indexOf(' ');
        if (space < 0 || key.slice(0, space) === this.storeId) return;
        for (const listener of this.storedListeners) listener(key.slice(space + 1));
        return;
      }
      if (channel !== this.name) return;
      const set = this.waiters.get(key);
      if (!set) return;
      this.waiters.delete(key);
      for (const wake of set) wake();
    });
  }

  /** The message `set` publishes on `storedName` for `answerKey`. */
  storedMessage = (answerKey: string) => `${this.storeId} ${answerKey}`;

  /** Calls `listener` with the answer key of every store another process makes (subscribing now, once per process). */
  onStoredElsewhere(listener: (answerKey: string) => void): void {
    this.storedListeners.add(listener);
    this.storedSubscribed ??= this.conn.subscriber.subscribe(this.storedName).catch(() => {
      // Without the subscription a process cache keeps its copies until their TTL, as before; the next listener retries.
      this.storedSubscribed = null;
    });
  }

  wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    this.subscribed ??= this.conn.subscriber.subscribe(this.name).catch(() => {
      this.subscribed = null; // subscribe again next time; meanwhile waits end at their timeout
    });
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const current = this.waiters.get(key);
        current?.delete(done);
        if (current?.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }
}

export class RedisResponses implements SharedResponses {
  private readonly owner = randomUUID();
  private readonly commands: Commands;

  constructor(
    private readonly conn: RedisConnection,
    private readonly channel: SettledChannel,
    /** `<prefix><tenant>:<connection>:` */
    private readonly base: string,
  ) {
    const client = conn.client as unknown as Partial<Commands> & typeof conn.client;
    if (!client.switchboardResign) client.defineCommand('switchboardResign', { numberOfKeys: 1, lua: RESIGN });
    this.commands = client as unknown as Commands;
  }

  private answerKey = (key: string) => `${this.base}resp:${key}`;
  private leadKey = (key: string) => `${this.base}lead:${key}`;

  async get(key: string): Promise<StoredResponse | null> {
    try {
      const [[, text], [, ttl]] = (await this.conn.client.multi().get(this.answerKey(key)).pttl(this.answerKey(key)).exec()) as [[unknown, string | null], [unknown, number]];
      if (text === null || ttl <= 0) return null;
      const e = JSON.parse(text) as Encoded;
      return { status: e.s, headers: e.h, body: Buffer.from(e.b, 'base64'), ttlMs: ttl };
    } catch {
      this.conn.failed('cache');
      return null;
    }
  }

  async set(key: string, res: Omit<StoredResponse, 'ttlMs'>, ttlMs: number): Promise<void> {
    const encoded: Encoded = { s: res.status, h: res.headers, b: res.body.toString('base64') };
    try {
      await this.conn.client
        .multi()
        .set(this.answerKey(key), JSON.stringify(encoded), 'PX', Math.max(1, Math.round(ttlMs)))
        .del(this.leadKey(key))
        .publish(this.channel.name, this.answerKey(key))
        .publish(this.channel.storedName, this.channel.storedMessage(this.answerKey(key)))
        .exec();
    } catch {
      this.conn.failed('cache');
    }
  }

  async lead(key: string, ms: number): Promise<boolean> {
    try {
      return (await this.conn.client.set(this.leadKey(key), this.owner, 'PX', Math.max(1, Math.round(ms)), 'NX')) === 'OK';
    } catch {
      this.conn.failed('cache');
      return true; // nobody can be asked: fetch (the budget still decides when)
    }
  }

  async resign(key: string): Promise<void> {
    try {
      await this.commands.switchboardResign(this.leadKey(key), this.owner);
      await this.conn.client.publish(this.channel.name, this.answerKey(key));
    } catch {
      this.conn.failed('cache');
    }
  }

  settled(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return this.channel.wait(this.answerKey(key), ms, signal);
  }

  onStoredElsewhere(listener: (key: string) => void): void {
    const prefix = this.answerKey('');
    this.channel.onStoredElsewhere((answerKey) => {
      if (answerKey.startsWith(prefix)) listener(answerKey.slice(prefix.length));
    });
  }
}
