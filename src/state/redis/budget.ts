/**
 * The shared vendor budget (src/state/budget.ts, GCRA) in Redis: one key per connection holding the earliest
 * time, on the Redis server's clock, the next request of any replica may leave. Each operation is one Lua
 * script, so reading and moving that time is atomic across replicas, and the clocks of the replicas never
 * matter. The key expires a minute after it was last moved: an idle connection leaves nothing behind.
 */
import type { RedisConnection } from './connection';
import type { SlotBudget } from '../budget';

/** Redis time in ms. `TIME` inside a script is allowed from Redis 5 (effects replication, the default since 5). */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const KEEP_MS = 60_000;

/** KEYS[1] the budget; ARGV[1] interval ms. Returns 0 (granted) or the ms to wait. */
const TAKE = `${NOW}
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if next > now then return next - now end
redis.call('SET', KEYS[1], now + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + ${KEEP_MS})
return 0`;

/** KEYS[1] the budget; ARGV[1] ms from now before which nobody may send. Moves the time forward only. */
const HOLD = `${NOW}
local at = now + tonumber(ARGV[1])
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if at > next then redis.call('SET', KEYS[1], at, 'PX', tonumber(ARGV[1]) + ${KEEP_MS}) end
return 0`;

/** The scripts as commands of the client (ioredis sends EVALSHA, and the script itself once after a NOSCRIPT). */
interface BudgetCommands {
  switchboardTake(key: string, intervalMs: number): Promise<number>;
  switchboardHold(key: string, ms: number): Promise<number>;
}

function budgetCommands(conn: RedisConnection): BudgetCommands {
  const client = conn.client as unknown as Partial<BudgetCommands> & typeof conn.client;
  if (!client.switchboardTake) {
    client.defineCommand('switchboardTake', { numberOfKeys: 1, lua: TAKE });
    client.defineCommand('switchboardHold', { numberOfKeys: 1, lua: HOLD });
  }
  return client as unknown as BudgetCommands;
}

export class RedisSlots implements SlotBudget {
  /** The last wait Redis answered, and when: the local estimate for deadlines. */
  private lastWait = { ms: 0, at: 0 };
  private readonly commands: BudgetCommands;

  constructor(
    private readonly conn: RedisConnection,
    private readonly key: string,
    private readonly intervalMs: number,
  ) {
    this.commands = budgetCommands(conn);
  }

  async take(): Promise<number> {
    let wait: number;
    try {
      wait = Number(await this.commands.switchboardTake(this.key, Math.ceil(this.intervalMs)));
    } catch (err) {
      this.conn.failed('budget');
      throw err;
    }
    this.lastWait = { ms: wait, at: Date.now() };
    return wait;
  }

  sent(): void {
    this.hold(this.intervalMs);
  }

  pause(ms: number): void {
    this.hold(ms);
  }

  estimateWaitMs(now = Date.now()): number {
    return Math.max(0, this.lastWait.at + this.lastWait.ms - now);
  }

  /**
   * Fire and forget: the request has already left. If Redis cannot be told, the next `take` of this
   * connection fails anyway (fails closed), and other replicas' grants were already at least one interval
   * after this request's own grant.
   */
  private hold(ms: number): void {
    this.commands.switchboardHold(this.key, Math.ceil(ms)).catch(() => this.conn.failed('budget'));
  }
}
