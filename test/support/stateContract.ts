/**
 * Not public API. One contract for every implementation of a state-store interface (src/state/; issue 14):
 * the embedded implementations run these in `npm test` (test/unit/stateContract.test.ts), the Redis ones in
 * the fleet suite against a real Redis (test/fleet/stateContract.test.ts).
 */
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { runIdempotent, type IdempotencyPolicy, type IdempotencyRecords } from '../../src/domain/idempotency';
import { UpstreamTimeoutError } from '../../src/errors';
import { runInTenantScope } from '../../src/graphql/apq';
import type { SlotBudget } from '../../src/state/budget';
import type { AgentLegStore } from '../../src/state/agentLegs';
import type { CrmSessionStore } from '../../src/state/crmSessions';
import { waitUntil } from './wait';

export const POLICY: IdempotencyPolicy = { retentionMs: 60_000, maxKeys: 2 };

export interface MadeRecords {
  records: IdempotencyRecords;
  /** The store's clock (ms since the epoch); tests move it. */
  clock: { now: number };
  close(): void | Promise<void>;
}

/** The cases every store of idempotency records passes. `make` gives a fresh, empty store with `POLICY`. */
export function idempotencyRecordsContract(name: string, make: () => MadeRecords | Promise<MadeRecords>): void {
  describe(`idempotency records: ${name}`, () => {
    let s: MadeRecords;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(() => s.close());

    it('runs a new key once and replays its answer for the same input', async () => {
      let calls = 0;
      const work = async () => ({ dialled: ++calls });
      expect(await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, work)).toEqual({ dialled: 1 });
      expect(await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, work)).toEqual({ dialled: 1 });
      expect(calls).toBe(1);
    });

    it('refuses the same key with another input, and a key still running', async () => {
      await runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+1' }, async () => 'ok');
      await expect(runIdempotent(s.records, 't', 'k1', 'k1', { phone: '+2' }, async () => 'ok')).rejects.toThrow("idempotencyKey 'k1' was already used with a different input");
      expect(await s.records.claim('t', 'k2', 'f')).toEqual({ kind: 'claimed' });
      expect(await s.records.claim('t', 'k2', 'f')).toEqual({ kind: 'inProgress' });
    });

    it('of two claims of one key at the same moment, exactly one wins', async () => {
      const claims = await Promise.all([s.records.claim('t', 'race', 'f'), s.records.claim('t', 'race', 'f')]);
      expect(claims.map((c) => c.kind).sort()).toEqual(['claimed', 'inProgress']);
    });

    it('replays a failure that may have reached the vendor as the same error, and forgets one that was never sent', async () => {
      const timeout = new UpstreamTimeoutError('apps-api did not answer in time', { vendor: 'apps-api', connectionId: 'apps-a' });
      await expect(runIdempotent(s.records, 't', 'k1', 'k1', {}, async () => Promise.reject(timeout))).rejects.toBe(timeout);
      const replayed = await runIdempotent(s.records, 't', 'k1', 'k1', {}, async () => 'ran again').catch((e: unknown) => e);
      expect(replayed).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'apps-api did not answer in time', facts: { vendor: 'apps-api', connectionId: 'apps-a', retryable: true } });
      const notSent = new UpstreamTimeoutError('never left', { notSent: true });
      await expect(runIdempotent(s.records, 't', 'k2', 'k2', {}, async () => Promise.reject(notSent))).rejects.toBe(notSent);
      expect(await runIdempotent(s.records, 't', 'k2', 'k2', {}, async () => 'ran again')).toBe('ran again');
    });

    it('keeps each tenant to its bound without evicting, and frees room only when the oldest expires', async () => {
      expect(await s.records.claim('t', 'a', 'f')).toEqual({ kind: 'claimed' });
      s.clock.now += 10_000;
      expect(await s.records.claim('t', 'b', 'f')).toEqual({ kind: 'claimed' });
      expect(await s.records.claim('t', 'c', 'f')).toEqual({ kind: 'full', retryAfterMs: 50_000, policy: POLICY });
      // Another tenant is not touched.
      expect(await s.records.claim('u', 'c', 'f')).toEqual({ kind: 'claimed' });
      s.clock.now += 50_000;
      expect(await s.records.claim('t', 'c', 'f')).toEqual({ kind: 'claimed' });
    });

    it("keeps one tenant's key apart from the same key of another tenant", async () => {
      expect(await runIdempotent(s.records, 't', 'same', 'same', { phone: '+1' }, async () => 'for t')).toBe('for t');
      expect(await runIdempotent(s.records, 'u', 'same', 'same', { phone: '+2' }, async () => 'for u')).toBe('for u');
    });

    it("reads a finished record's outcome for its tenant only, and nothing for a running, released, unknown or expired key", async () => {
      await runIdempotent(s.records, 't', 'done', 'done', { phone: '+1' }, async () => ({ accepted: true }));
      expect(await s.records.read('t', 'done')).toEqual({ ok: true, value: { accepted: true } });
      expect(await s.records.read('u', 'done')).toBeNull();
      expect(await s.records.claim('t', 'running', 'f')).toEqual({ kind: 'claimed' });
      expect(await s.records.read('t', 'running')).toBeNull();
      await s.records.release('t', 'running');
      expect(await s.records.read('t', 'running')).toBeNull();
      expect(await s.records.read('t', 'never')).toBeNull();
      // Reading claims nothing: the key is still new afterwards.
      expect(await s.records.claim('t', 'never', 'f')).toEqual({ kind: 'claimed' });
      s.clock.now += POLICY.retentionMs;
      expect(await s.records.read('t', 'done')).toBeNull();
    });
  });
}

/** The cases every vendor budget passes. `make(intervalMs)` gives a fresh budget for one connection. */
export function slotBudgetContract(name: string, make: (intervalMs: number) => SlotBudget | Promise<SlotBudget>): void {
  describe(`vendor budget: ${name}`, () => {
    const ask = async (b: SlotBudget) => Promise.resolve(b.take());

    it('grants a slot, then makes the next wait about one interval', async () => {
      const b = await make(400);
      expect(await ask(b)).toBe(0);
      const wait = await ask(b);
      expect(wait).toBeGreaterThan(300);
      expect(wait).toBeLessThanOrEqual(400);
    });

    it('grants again once the interval has passed', async () => {
      const b = await make(100);
      expect(await ask(b)).toBe(0);
      await waitUntil('the next slot is granted', async () => (await ask(b)) === 0, 2_000);
    });

    it('of many askers at the same moment, exactly one gets the slot', async () => {
      const b = await make(1_000);
      const answers = await Promise.all(Array.from({ length: 20 }, () => ask(b)));
      expect(answers.filter((w) => w === 0)).toHaveLength(1);
    });

    it('a request that left late pushes the next slot to an interval after it left', async () => {
      const b = await make(300);
      expect(await ask(b)).toBe(0);
      await new Promise((r) => setTimeout(r, 100)); // the request leaves 100 ms after its slot (the case being tested)
      b.sent();
      await waitUntil('the push is visible', async () => (await ask(b)) > 200, 2_000);
    });

    it('a pause holds every slot for its length', async () => {
      const b = await make(100);
      b.pause(1_000);
      let wait = 0;
      await waitUntil('the pause is visible', async () => (wait = await ask(b)) > 800, 2_000);
      expect(wait).toBeLessThanOrEqual(1_000); // for its length, and no longer
    });
  });
}

/** The cases every persisted-query cache passes: one tenant never reads another's document. */
export function apqContract(name: string, make: () => KeyValueCache<string> | Promise<KeyValueCache<string>>): void {
  describe(`persisted queries: ${name}`, () => {
    it('keeps a document per tenant, refuses outside a tenant scope, and deletes', async () => {
      const cache = await make();
      await runInTenantScope('t', () => cache.set('h1', '{ a }'));
      expect(await runInTenantScope('t', () => cache.get('h1'))).toBe('{ a }');
      expect(await runInTenantScope('u', () => cache.get('h1'))).toBeUndefined();
      await expect(Promise.resolve().then(() => cache.get('h1'))).rejects.toThrow('no tenant scope');
      await runInTenantScope('t', () => cache.delete('h1'));
      expect(await runInTenantScope('t', () => cache.get('h1'))).toBeUndefined();
    });
  });
}

export interface MadeCrmSessions {
  sessions: CrmSessionStore;
  /** The store's clock (ms since the epoch); tests move it. */
  clock: { now: number };
  close(): void | Promise<void>;
}

const LIMITS = { ttlMs: 60_000, maxPerTenant: 2 };

/** The cases every store of CRM SSO sessions passes (src/state/crmSessions.ts). `make` gives a fresh, empty store. */
export function crmSessionsContract(name: string, make: () => MadeCrmSessions | Promise<MadeCrmSessions>): void {
  describe(`CRM SSO sessions: ${name}`, () => {
    let s: MadeCrmSessions;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(() => s.close());

    it('issues an unguessable id bound to tenant, connection and user, found there until it ends', async () => {
      const issued = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1' }, LIMITS);
      if (issued.kind !== 'issued') throw new Error('expected a session');
      expect(issued.id).toMatch(/^crm-[A-Za-z0-9_-]{43}$/);
      expect(issued.expiresAtMs).toBe(s.clock.now + 60_000);
      const other = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1' }, LIMITS);
      expect(other.kind === 'issued' && other.id).not.toBe(issued.id);
      const session = { tenantId: 't', connectionId: 'c', userId: 'agent1', expiresAtMs: issued.expiresAtMs, upstreamSessionId: null };
      expect(await s.sessions.find('t', 'c', issued.id)).toEqual(session);
      expect(await s.sessions.end('t', 'c', issued.id)).toEqual(session);
      expect(await s.sessions.find('t', 'c', issued.id)).toBeNull();
      expect(await s.sessions.end('t', 'c', issued.id)).toBeNull();
    });

    it("keeps the tenant CRM's own session id with the session: find and end answer it, end only once", async () => {
      const issued = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1', upstreamSessionId: 'crm sess norah 123 434343' }, LIMITS);
      if (issued.kind !== 'issued') throw new Error('expected a session');
      const session = { tenantId: 't', connectionId: 'c', userId: 'agent1', expiresAtMs: issued.expiresAtMs, upstreamSessionId: 'crm sess norah 123 434343' };
      expect(await s.sessions.find('t', 'c', issued.id)).toEqual(session);
      expect(await Promise.all([s.sessions.end('t', 'c', issued.id), s.sessions.end('t', 'c', issued.id)])).toEqual(expect.arrayContaining([session, null]));
      expect(await s.sessions.find('t', 'c', issued.id)).toBeNull();
    });

    it('never answers a session for another tenant or connection, nor ends it from there', async () => {
      const issued = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1' }, LIMITS);
      if (issued.kind !== 'issued') throw new Error('expected a session');
      expect(await s.sessions.find('u', 'c', issued.id)).toBeNull();
      expect(await s.sessions.find('t', 'd', issued.id)).toBeNull();
      expect(await s.sessions.end('u', 'c', issued.id)).toBeNull();
      expect(await s.sessions.end('t', 'd', issued.id)).toBeNull();
      expect(await s.sessions.find('t', 'c', issued.id)).not.toBeNull();
      expect(await s.sessions.find('t', 'c', 'crm-not-one-we-issued')).toBeNull();
    });

    it('expires a session after its ttl', async () => {
      const issued = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'agent1' }, LIMITS);
      if (issued.kind !== 'issued') throw new Error('expected a session');
      s.clock.now += 59_999;
      expect(await s.sessions.find('t', 'c', issued.id)).not.toBeNull();
      s.clock.now += 1;
      expect(await s.sessions.find('t', 'c', issued.id)).toBeNull();
    });

    it('keeps each tenant to its bound without evicting; room comes back when one ends or expires', async () => {
      const a = await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'a' }, LIMITS);
      s.clock.now += 10_000;
      await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'b' }, LIMITS);
      expect(await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'c' }, LIMITS)).toEqual({ kind: 'full' });
      expect((await s.sessions.issue({ tenantId: 'u', connectionId: 'c', userId: 'c' }, LIMITS)).kind).toBe('issued');
      if (a.kind !== 'issued') throw new Error('expected a session');
      expect(await s.sessions.end('t', 'c', a.id)).toMatchObject({ userId: 'a' });
      expect((await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'c' }, LIMITS)).kind).toBe('issued');
      expect(await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'd' }, LIMITS)).toEqual({ kind: 'full' });
      s.clock.now += 60_000; // b and c (issued at +10 s) expire
      expect((await s.sessions.issue({ tenantId: 't', connectionId: 'c', userId: 'd' }, LIMITS)).kind).toBe('issued');
    });
  });
}

export interface MadeAgentLegs {
  legs: AgentLegStore;
  /** The store's clock (ms since the epoch); tests move it. */
  clock: { now: number };
  close(): void | Promise<void>;
}

/** The cases every store of agents' voice legs passes (src/state/agentLegs.ts). `make` gives a fresh, empty store. */
export function agentLegsContract(name: string, make: () => MadeAgentLegs | Promise<MadeAgentLegs>): void {
  describe(`agents' voice legs: ${name}`, () => {
    let s: MadeAgentLegs;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(() => s.close());

    it('finds the leg recorded for the agent with its session, and the latest record wins', async () => {
      expect(await s.legs.find('t', 'c', 'agent1')).toBeNull();
      await s.legs.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
      expect(await s.legs.find('t', 'c', 'agent1')).toEqual({ legId: 'leg-1', sessionId: 'sess-1', expiresAtMs: s.clock.now + 60_000 });
      s.clock.now += 1_000;
      await s.legs.record('t', 'c', 'agent1', { legId: 'leg-2', sessionId: 'sess-2' }, 60_000);
      expect(await s.legs.find('t', 'c', 'agent1')).toEqual({ legId: 'leg-2', sessionId: 'sess-2', expiresAtMs: s.clock.now + 60_000 });
    });

    it('never answers a leg for another tenant, connection or agent', async () => {
      await s.legs.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
      expect(await s.legs.find('u', 'c', 'agent1')).toBeNull();
      expect(await s.legs.find('t', 'd', 'agent1')).toBeNull();
      expect(await s.legs.find('t', 'c', 'agent2')).toBeNull();
      await s.legs.record('u', 'c', 'agent1', { legId: 'leg-u', sessionId: 'sess-u' }, 60_000);
      expect(await s.legs.find('t', 'c', 'agent1')).toMatchObject({ legId: 'leg-1' });
      expect(await s.legs.find('u', 'c', 'agent1')).toMatchObject({ legId: 'leg-u' });
    });

    it('forgets a leg after its ttl from the last record', async () => {
      await s.legs.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
      s.clock.now += 30_000;
      await s.legs.record('t', 'c', 'agent1', { legId: 'leg-1', sessionId: 'sess-1' }, 60_000);
      s.clock.now += 59_999;
      expect(await s.legs.find('t', 'c', 'agent1')).not.toBeNull();
      s.clock.now += 1;
      expect(await s.legs.find('t', 'c', 'agent1')).toBeNull();
    });
  });
}
