/**
 * Poller leases (issue 17): in a fleet, one replica polls each (tenant, connection, resource) and the others
 * receive its events through the live bus. The lease is `<prefix><tenant>:<connection>:live:<resource>`, set
 * with `SET NX PX` by the replica that claims it and renewed (PEXPIRE) only by its holder; resigning is a
 * compare-and-delete, so a replica never removes a lease another one took after its own expired.
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './connection';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RESIGN = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Commands {
  switchboardLeaseRenew(key: string, owner: string, ms: string): Promise<number>;
  switchboardLeaseResign(key: string, owner: string): Promise<number>;
}

/** Who polls a live resource: `claim` answers true while this process holds (or has just taken) the lease. */
export interface PollerLeases {
  claim(tenantId: string, connectionId: string, resource: string, ms: number): Promise<boolean>;
  resign(tenantId: string, connectionId: string, resource: string): Promise<void>;
}

export class RedisPollerLeases implements PollerLeases {
  private readonly owner = randomUUID();
  private readonly commands: Commands;

  constructor(private readonly conn: RedisConnection) {
    const client = conn.client as unknown as Partial<Commands> & typeof conn.client;
    if (!client.switchboardLeaseRenew) client.defineCommand('switchboardLeaseRenew', { numberOfKeys: 1, lua: RENEW });
    if (!client.switchboardLeaseResign) client.defineCommand('switchboardLeaseResign', { numberOfKeys: 1, lua: RESIGN });
    this.commands = client as unknown as Commands;
  }

  private key(tenantId: string, connectionId: string, resource: string): string {
    return `${this.conn.keyPrefix}${tenantId}:${connectionId}:live:${resource}`;
  }

  /** Renews our lease, or takes a free one. Redis unreachable: false (nobody polls rather than everybody). */
  async claim(tenantId: string, connectionId: string, resource: string, ms: number): Promise<boolean> {
    const key = this.key(tenantId, connectionId, resource);
    try {
      if ((await this.commands.switchboardLeaseRenew(key, this.owner, String(Math.round(ms)))) === 1) return true;
      return (await this.conn.client.set(key, this.owner, 'PX', Math.round(ms), 'NX')) === 'OK';
    } catch {
      return false;
    }
  }

  async resign(tenantId: string, connectionId: string, resource: string): Promise<void> {
    try {
      await this.commands.switchboardLeaseResign(this.key(tenantId, connectionId, resource), this.owner);
    } catch {
      // It expires on its own.
    }
  }
}
