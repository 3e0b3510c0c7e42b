/**
 * The fleet store's connection to Redis (ioredis): one client for commands and one for pub/sub.
 *
 * Redis being unreachable is a state the gateway runs in, not a crash: ioredis reconnects by itself (backoff
 * up to 2 s, for ever), commands fail at once while it is down (`enableOfflineQueue: false`: a queued
 * command would hold a request for as long as the outage lasts) and after `commandTimeoutMs` when it does
 * not answer, and every caller decides what a failure means for it (the budget fails closed, the cache
 * reads as a miss, idempotent mutations are refused). `up` tells readiness; each change is logged once,
 * with the URL's password replaced by `***`.
 */
import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { stateStoreErrors, stateStoreUp } from '../../metrics';

export type StateArea = 'budget' | 'cache' | 'idempotency' | 'apq';

export interface RedisConnectionOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
}

/** The URL with any password (and user name) replaced: safe for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.username) u.username = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}

export class RedisConnection {
  readonly client: Redis;
  /** For SUBSCRIBE only: a connection in subscriber mode can run no other command. */
  readonly subscriber: Redis;
  readonly keyPrefix: string;
  private readonly logger: Logger;
  private readonly where: string;
  private wasUp: boolean | null = null;

  constructor(opts: RedisConnectionOptions) {
    this.keyPrefix = opts.keyPrefix;
    this.logger = opts.logger;
    this.where = redactRedisUrl(opts.url);
    const options: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs,
      connectTimeout: Math.max(opts.commandTimeoutMs, 2_000),
      // Reconnect for ever: 100 ms, 200 ms, ... at most every 2 s.
      retryStrategy: (times) => Math.min(times * 100, 2_000),
      // The ready check (INFO) would fail against a Redis that forbids INFO; PING on connect is enough.
      enableReadyCheck: false,
    };
    this.client = new Redis(opts.url, options);
    this.subscriber = new Redis(opts.url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    stateStoreUp.set(0);
    this.client.on('ready', () => this.changed(true));
    this.client.on('close', () => this.changed(false));
    // Without a listener an 'error' event would crash the process; the state change is what matters.
    this.client.on('error', (err: Error) => this.lastError(err));
    this.subscriber.on('error', () => undefined);
  }

  /** True while commands can be sent. */
  get up(): boolean {
    return this.client.status === 'ready';
  }

  /** Resolves true once connected, false after `ms` (for the start-up report). */
  async waitUp(ms: number): Promise<boolean> {
    if (this.up) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, ms);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  /** Counts a failed operation of `area`. */
  failed(area: StateArea): void {
    stateStoreErrors.inc({ area });
  }

  private lastErrorText: string | null = null;
  private lastError(err: Error): void {
    this.lastErrorText = (err as NodeJS.ErrnoException).code ?? err.message;
  }

  private changed(up: boolean): void {
    stateStoreUp.set(up ? 1 : 0);
    if (this.wasUp === up) return;
    const first = this.wasUp === null;
    this.wasUp = up;
    if (up) this.logger.info({ redis: this.where }, first ? 'state store: connected to Redis' : 'state store: Redis answers again');
    else if (first) this.logger.warn({ field: 'state.redis.url', redis: this.where, cause: this.lastErrorText }, 'state.redis.url: cannot reach Redis; started, but not ready until it answers');
    else this.logger.warn({ redis: this.where, cause: this.lastErrorText }, 'state store: lost Redis; not ready until it answers (vendor budget closed, idempotent mutations refused)');
  }

  async close(): Promise<void> {
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}
