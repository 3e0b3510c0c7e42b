/**
 * Agents' voice legs in Redis (src/state/agentLegs.ts): one key per agent, `<prefix><tenant>:<connection>:agentleg:<userId>`,
 * holding the leg, its session and expiry with a matching PX, so Redis forgets a record by itself. Every replica reads
 * what any replica recorded. Redis unreachable: every call rejects (the route logs a record it could not keep; the
 * dialer's lookup fails as the store's other readers do).
 */
import type { AgentLeg, AgentLegStore } from '../agentLegs';
import type { RedisConnection } from './connection';

interface Stored {
  l: string;
  s: string;
  e: number;
}

export class RedisAgentLegs implements AgentLegStore {
  private readonly now: () => number;

  constructor(
    private readonly conn: RedisConnection,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private key(tenantId: string, connectionId: string, userId: string): string {
    return `${this.conn.keyPrefix}${tenantId}:${connectionId}:agentleg:${userId}`;
  }

  async record(tenantId: string, connectionId: string, userId: string, leg: Omit<AgentLeg, 'expiresAtMs'>, ttlMs: number): Promise<void> {
    const value: Stored = { l: leg.legId, s: leg.sessionId, e: this.now() + ttlMs };
    await this.conn.client.set(this.key(tenantId, connectionId, userId), JSON.stringify(value), 'PX', ttlMs);
  }

  async find(tenantId: string, connectionId: string, userId: string): Promise<AgentLeg | null> {
    const raw = await this.conn.client.get(this.key(tenantId, connectionId, userId));
    if (raw === null) return null;
    const s = JSON.parse(raw) as Stored;
    // The store's clock decides, as PX does on Redis's (tests move it).
    if (s.e <= this.now()) return null;
    return { legId: s.l, sessionId: s.s, expiresAtMs: s.e };
  }
}
