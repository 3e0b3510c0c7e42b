/**
 * Persisted queries (APQ) shared by replicas: a client that registered a query's hash with one replica can
 * send the hash alone to any other. The process's own tenant-partitioned cache (src/graphql/apq.ts) stays in
 * front, so a hot query costs no Redis round trip; Redis keeps each document under
 * `<prefix><tenant>:apq:<sha256>` for `ttlSeconds`, so a tenant's documents cannot grow without bound there.
 * Redis unreachable: only the local cache answers, and a miss is APQ's normal PERSISTED_QUERY_NOT_FOUND (the
 * client sends the document again).
 */
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { currentTenantId, TenantApqCache } from '../../graphql/apq';
import type { RedisConnection } from './connection';

export interface RedisApqOptions {
  /** How long a document is kept in Redis after it was last registered. Default 24 h. */
  ttlSeconds?: number;
  /** Largest document kept in Redis, bytes. Default 256 KiB. */
  maxDocumentBytes?: number;
}

export class RedisApqCache implements KeyValueCache<string> {
  private readonly local = new TenantApqCache();
  private readonly ttlSeconds: number;
  private readonly maxDocumentBytes: number;

  constructor(
    private readonly conn: RedisConnection,
    opts: RedisApqOptions = {},
  ) {
    const { ttlSeconds = 86_400, maxDocumentBytes = 256 * 1024 } = opts; // 24 h, 256 KiB
    this.ttlSeconds = ttlSeconds;
    this.maxDocumentBytes = maxDocumentBytes;
  }

  private key(hash: string): string {
    return `${this.conn.keyPrefix}${currentTenantId()}:apq:${hash}`;
  }

  async get(hash: string): Promise<string | undefined> {
    const local = await this.local.get(hash);
    if (local !== undefined) return local;
    try {
      const doc = await this.conn.client.get(this.key(hash));
      if (doc === null) return undefined;
      await this.local.set(hash, doc);
      return doc;
    } catch {
      this.conn.failed('apq');
      return undefined;
    }
  }

  async set(hash: string, doc: string, options?: KeyValueCacheSetOptions): Promise<void> {
    await this.local.set(hash, doc, options);
    if (Buffer.byteLength(doc) > this.maxDocumentBytes) return;
    const ttl = typeof options?.ttl === 'number' && options.ttl > 0 ? Math.min(options.ttl, this.ttlSeconds) : this.ttlSeconds;
    try {
      await this.conn.client.set(this.key(hash), doc, 'EX', ttl);
    } catch {
      this.conn.failed('apq');
    }
  }

  async delete(hash: string): Promise<boolean> {
    const had = await this.local.delete(hash);
    try {
      await this.conn.client.del(this.key(hash));
    } catch {
      this.conn.failed('apq');
    }
    return had;
  }
}
