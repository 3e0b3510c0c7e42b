/**
 * The idempotency store (issue 11, item 2): records partitioned by tenant, each tenant with its own bound,
 * a record never evicted before its retention ends, and a full partition refusing a NEW key with the exact
 * RATE_LIMITED message while repeats are still answered. Time is a parameter (`now`), not fake timers.
 */
import { validateConfig } from '../../src/config/load';
import { createIdempotencyStore, fingerprintOf, IdempotencyStore, runIdempotent, type IdempotencyStoreOptions } from '../../src/domain/idempotency';
import { isSwitchboardError, UpstreamTimeoutError, UpstreamUnavailableError, type SwitchboardError } from '../../src/errors';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/** A store on a clock the test moves, and `run` counting how often work really ran. */
function setup(opts: Omit<IdempotencyStoreOptions, 'now'> = {}) {
  let now = T0;
  const store = new IdempotencyStore({ ...opts, now: () => now });
  const calls: string[] = [];
  const run = <T>(tenant: string, key: string, input: unknown, work: () => Promise<T> = async () => `done ${key}` as T) =>
    runIdempotent(store, tenant, key, key, input, async () => {
      calls.push(`${tenant}/${key}`);
      return work();
    });
  return {
    store,
    calls,
    run,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function caught(p: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await p;
  } catch (err) {
    if (isSwitchboardError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const fullMessage = (max: number, hours: string) =>
  `this tenant has ${max} idempotency records younger than their ${hours} h retention, the most it may keep: ` +
  'a new idempotencyKey is refused until the oldest expires (retry after retryAfterMs); a repeat of a recorded key is still answered';

describe('runIdempotent over the in-memory store', () => {
  it('replays a success: the work runs once, both answers are the first', async () => {
    const { run, calls } = setup();
    expect(await run('a', 'k1', { phone: '1' })).toBe('done k1');
    expect(await run('a', 'k1', { phone: '1' })).toBe('done k1');
    expect(calls).toEqual(['a/k1']);
  });

  it('replays a vendor refusal (an answer, not an error) and a failure that may have reached the vendor', async () => {
    const { run, calls } = setup();
    const refusal = { accepted: false, vendorReason: 'User u1 is not logged in' };
    expect(await run('a', 'refused', {}, async () => refusal)).toBe(refusal);
    expect(await run('a', 'refused', {}, async () => ({ accepted: true }))).toBe(refusal);
    const timeout = new UpstreamTimeoutError('ameyo did not answer', { vendor: 'ameyo' });
    expect(await caught(run('a', 'timed-out', {}, () => Promise.reject(timeout)))).toBe(timeout);
    expect(await caught(run('a', 'timed-out', {}))).toBe(timeout);
    expect(calls).toEqual(['a/refused', 'a/timed-out']);
  });

  it('forgets a failure that provably never left (notSent), so a plain retry runs again', async () => {
    const { run, calls, store } = setup({ maxKeysPerTenant: 1 });
    const refused = new UpstreamUnavailableError('connection refused', { vendor: 'ameyo', notSent: true });
    expect(await caught(run('a', 'k1', {}, () => Promise.reject(refused)))).toBe(refused);
    expect(store.size('a')).toBe(0);
    // It took no room either: another key fits in a partition of one.
    expect(await run('a', 'k2', {})).toBe('done k2');
    expect(calls).toEqual(['a/k1', 'a/k2']);
  });

  it.each<[string, (r: ReturnType<typeof setup>) => Promise<unknown>, string]>([
    [
      'the same key with another input',
      async ({ run }) => {
        await run('a', 'dial-0001', { phone: '1' });
        return run('a', 'dial-0001', { phone: '2' });
      },
      "idempotencyKey 'dial-0001' was already used with a different input",
    ],
    [
      'the same key while the first is still running',
      async ({ run }) => {
        let finish!: () => void;
        const first = run('a', 'dial-0002', {}, () => new Promise<string>((r) => (finish = () => r('first'))));
        const second = run('a', 'dial-0002', {});
        const result = await caught(second);
        finish();
        expect(await first).toBe('first');
        throw result;
      },
      "a request with idempotencyKey 'dial-0002' is still in progress",
    ],
  ])('%s is IDEMPOTENCY_CONFLICT', async (_title, act, message) => {
    const r = setup();
    const err = await caught(act(r));
    expect({ code: err.code, message: err.message, extensions: err.extensions() }).toEqual({ code: 'IDEMPOTENCY_CONFLICT', message, extensions: { code: 'IDEMPOTENCY_CONFLICT' } });
    expect(r.calls).toHaveLength(1);
  });

  it('the fingerprint ignores key order and reads dates as ISO strings', () => {
    expect(fingerprintOf({ a: 1, b: { c: 2, d: new Date(T0) } })).toBe(fingerprintOf({ b: { d: '2026-01-01T00:00:00.000Z', c: 2 }, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});

describe('a full partition (never evict a live record)', () => {
  it('refuses a NEW key with the exact RATE_LIMITED message and the time until the oldest expires, without running it', async () => {
    const { run, calls, advance } = setup({ maxKeysPerTenant: 3 });
    await run('a', 'k1', {});
    advance(HOUR);
    await run('a', 'k2', {});
    await run('a', 'k3', {});
    advance(HOUR);
    const err = await caught(run('a', 'k4', {}));
    expect({ code: err.code, message: err.message, facts: err.facts, extensions: err.extensions() }).toEqual({
      code: 'RATE_LIMITED',
      message: fullMessage(3, '24'),
      // k1 was recorded 2 h ago with a 24 h retention.
      facts: { retryable: true, retryAfterMs: 22 * HOUR, notSent: true },
      extensions: { code: 'RATE_LIMITED', retryable: true, retryAfterMs: 22 * HOUR },
    });
    expect(calls).toEqual(['a/k1', 'a/k2', 'a/k3']);
  });

  it('still answers a repeat of a recorded key (and still refuses its reuse with another input)', async () => {
    const { run, calls } = setup({ maxKeysPerTenant: 2 });
    await run('a', 'k1', { n: 1 });
    await run('a', 'k2', { n: 2 });
    expect((await caught(run('a', 'k3', {}))).code).toBe('RATE_LIMITED');
    expect(await run('a', 'k1', { n: 1 })).toBe('done k1');
    expect((await caught(run('a', 'k2', { n: 3 }))).code).toBe('IDEMPOTENCY_CONFLICT');
    expect(calls).toEqual(['a/k1', 'a/k2']);
  });

  it("leaves other tenants alone: B's record survives A's flood, and B still records new keys", async () => {
    const { run, calls, store } = setup({ maxKeysPerTenant: 100 });
    await run('b', 'b-original', { phone: 'b' });
    for (let i = 0; i < 100; i++) await run('a', `a-${i}`, { i });
    expect((await caught(run('a', 'a-100', {}))).code).toBe('RATE_LIMITED');
    // The attack of issue 11: B's retry with its original key must replay, not dial a second time.
    expect(await run('b', 'b-original', { phone: 'b' })).toBe('done b-original');
    expect(await run('b', 'b-new', {})).toBe('done b-new');
    expect(calls.filter((c) => c.startsWith('b/'))).toEqual(['b/b-original', 'b/b-new']);
    expect([store.size('a'), store.size('b')]).toEqual([100, 2]);
  });

  it('keys are per tenant: the same client key in two tenants is two records, with their own inputs', async () => {
    const { run, calls } = setup();
    expect(await run('a', 'same-key-0001', { phone: '1' })).toBe('done same-key-0001');
    expect(await run('b', 'same-key-0001', { phone: '2' })).toBe('done same-key-0001');
    expect(calls).toEqual(['a/same-key-0001', 'b/same-key-0001']);
  });

  it('sweeps expired records from the front first: a new key fits once the oldest has expired', async () => {
    const { run, calls, store, advance } = setup({ maxKeysPerTenant: 3, retentionMs: 10 * HOUR });
    await run('a', 'k1', {});
    advance(HOUR);
    await run('a', 'k2', {});
    advance(HOUR);
    await run('a', 'k3', {});
    advance(8 * HOUR - 1); // k1 expires in 1 ms
    expect((await caught(run('a', 'k4', {}))).facts.retryAfterMs).toBe(1);
    advance(HOUR + 1); // k1 and k2 have expired
    expect(await run('a', 'k4', {})).toBe('done k4');
    expect(store.size('a')).toBe(2); // k3 and k4: both expired records went, the live one stayed
    // An expired key is a new request: it runs again.
    expect(await run('a', 'k1', {})).toBe('done k1');
    expect(calls).toEqual(['a/k1', 'a/k2', 'a/k3', 'a/k4', 'a/k1']);
    // Full again (k3, k4, k1): the oldest live record, k3, expires 12 h after the start, 1 h from now.
    expect((await caught(run('a', 'k5', {}))).facts.retryAfterMs).toBe(HOUR);
  });

  it('counts running work: a partition full of running records refuses a new key', async () => {
    const { run } = setup({ maxKeysPerTenant: 1 });
    let finish!: () => void;
    const running = run('a', 'slow', {}, () => new Promise<string>((r) => (finish = () => r('slow'))));
    expect((await caught(run('a', 'other', {}))).code).toBe('RATE_LIMITED');
    finish();
    expect(await running).toBe('slow');
  });

  it('applies a per-tenant bound and retention over the defaults, and says so in the message', async () => {
    const { run, store } = setup({ maxKeysPerTenant: 5, tenants: { small: { maxKeys: 1, retentionMs: HOUR / 2 } } });
    expect(store.policyFor('small')).toEqual({ maxKeys: 1, retentionMs: HOUR / 2 });
    expect(store.policyFor('anyone')).toEqual({ maxKeys: 5, retentionMs: 24 * HOUR });
    await run('small', 'k1', {});
    const err = await caught(run('small', 'k2', {}));
    expect([err.message, err.facts.retryAfterMs]).toEqual([fullMessage(1, '0.5'), HOUR / 2]);
    for (let i = 0; i < 5; i++) await run('big', `k${i}`, {});
  });
});

describe('configuration', () => {
  it.each<[string, IdempotencyStoreOptions, string]>([
    ['a zero bound', { maxKeysPerTenant: 0 }, 'expected opts.maxKeysPerTenant to be a positive integer, got 0'],
    ['a fractional bound', { maxKeysPerTenant: 1.5 }, 'expected opts.maxKeysPerTenant to be a positive integer, got 1.5'],
    ['a negative retention', { retentionMs: -1 }, 'expected opts.retentionMs to be a positive number, got -1'],
    ['a bad tenant override', { tenants: { acme: { maxKeys: 0 } } }, "expected opts.tenants['acme'].maxKeys to be a positive integer, got 0"],
  ])('refuses %s', (_title, opts, message) => {
    expect(() => new IdempotencyStore(opts)).toThrow(new TypeError(message));
  });

  it('createIdempotencyStore reads server.idempotency and each tenant override', () => {
    const config = validateConfig({
      server: { idempotency: { retentionHours: 48, maxKeysPerTenant: 500 } },
      tenants: [
        { id: 'acme', apiKeys: ['acme-key-0123456789abcdef'], idempotency: { maxKeysPerTenant: 20_000 } },
        { id: 'globex', apiKeys: ['globex-key-0123456789abcdef'], idempotency: { retentionHours: 1 } },
        { id: 'initech', apiKeys: ['initech-key-0123456789abcdef'] },
      ],
    });
    const store = createIdempotencyStore(config);
    expect(['acme', 'globex', 'initech', 'unknown'].map((t) => store.policyFor(t))).toEqual([
      { retentionMs: 48 * HOUR, maxKeys: 20_000 },
      { retentionMs: HOUR, maxKeys: 500 },
      { retentionMs: 48 * HOUR, maxKeys: 500 },
      { retentionMs: 48 * HOUR, maxKeys: 500 },
    ]);
  });

  it('the default store keeps 10,000 records per tenant for 24 h', () => {
    expect(new IdempotencyStore().policyFor('any')).toEqual({ retentionMs: 24 * HOUR, maxKeys: 10_000 });
  });
});
