/**
 * Not public API. The contract of `LeadImportStore` (src/imports/store.ts, issue 18), run against every
 * implementation: the SQLite store in `npm test` (test/unit/leadImportStore.test.ts), the Redis store in the fleet
 * suite against a real Redis (test/fleet/leadImportStore.test.ts), as for the other state stores
 * (test/support/stateContract.ts). Leases run on real time (Redis expires its keys on its own clock), so the
 * cases that need one to end take it for 50 ms and wait until another owner can take it, never a fixed sleep.
 */
import type { ImportRowError, LeadImportRecord, LeadImportStore } from '../../src/imports/store';
import { waitUntil } from './wait';

export interface MadeLeadImports {
  store: LeadImportStore;
  close(): void | Promise<void>;
}

export const JOB_A = '0b7e9a52-3f1d-4c8e-9a51-6d2f0c1e4a01';
export const JOB_B = '0b7e9a52-3f1d-4c8e-9a51-6d2f0c1e4a02';
export const JOB_C = '0b7e9a52-3f1d-4c8e-9a51-6d2f0c1e4a03';

/** A job as a worker holds it: tenant `t`, QUEUED, nothing sent. */
export function leadImportJob(over: Partial<LeadImportRecord> = {}): LeadImportRecord {
  return {
    tenantId: 't',
    id: JOB_A,
    connectionId: 'apps-a',
    campaignNativeId: '42',
    fileName: 'leads, March "final".csv',
    file: `t/${JOB_A}.csv`,
    header: ['name', 'phone', 'email', 'tier'],
    columns: { name: 0, phones: [1], email: 2, externalId: null, custom: [{ field: 'tier', column: 3 }] },
    target: { listId: 'L-9', dedupe: true, priority: 2, note: null },
    status: 'QUEUED',
    total: 250,
    sent: 0,
    succeeded: 0,
    failed: 0,
    uncertain: 0,
    cursor: { row: 1, byte: 27 },
    inflight: null,
    cancelRequested: false,
    failure: null,
    createdAt: new Date('2026-12-06T06:00:00.123Z'),
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

const running = (over: Partial<LeadImportRecord> = {}): LeadImportRecord =>
  leadImportJob({ status: 'RUNNING', startedAt: new Date('2026-12-06T06:00:01.500Z'), sent: 100, succeeded: 97, failed: 3, cursor: { row: 101, byte: 5_120 }, ...over });

const rowError = (rowNumber: number, outcome: ImportRowError['outcome'], reason: string): ImportRowError => ({
  rowNumber,
  outcome,
  reason,
  values: [`Ana ${rowNumber}, "Q"`, '+1 555 0100', 'ana@example.com', 'gold ✓'],
});

/** The cases every `LeadImportStore` passes. `make` gives a fresh, empty store. */
export function leadImportStoreContract(name: string, make: () => MadeLeadImports | Promise<MadeLeadImports>): void {
  describe(`lead import store: ${name}`, () => {
    let s: MadeLeadImports;
    let store: LeadImportStore;
    beforeEach(async () => {
      s = await make();
      store = s.store;
    });
    afterEach(() => s.close());

    it.each<[string, LeadImportRecord]>([
      ['a QUEUED job with nothing in flight', leadImportJob()],
      ['a RUNNING job with a batch in flight and no vendor answer yet', running({ inflight: { rowNumbers: [101, 102, 104], next: { row: 105, byte: 5_400 }, vendorRef: null } })],
      ['a RUNNING job whose batch the vendor took as job-77', running({ inflight: { rowNumbers: [101], next: { row: 102, byte: 5_160 }, vendorRef: 'job-77' } })],
      [
        'a FAILED job with every date set',
        running({ status: 'FAILED', failure: 'the campaign was deleted', finishedAt: new Date('2026-12-06T06:09:59.999Z'), target: { listId: 'L-9', dedupe: false, priority: 0, note: 'é' } }),
      ],
    ])('create then get answers %s exactly, its dates as Dates', async (_case, job) => {
      await store.create(job);
      const got = await store.get('t', job.id);
      expect(got).toEqual(job);
      expect(got!.createdAt).toBeInstanceOf(Date);
      expect(got!.startedAt === null || got!.startedAt instanceof Date).toBe(true);
      expect(await store.get('t', JOB_B)).toBeNull();
    });

    it('refuses to create a job id the tenant already has, and keeps the first', async () => {
      await store.create(leadImportJob());
      await expect(store.create(leadImportJob({ total: 1 }))).rejects.toThrow(`lead import job '${JOB_A}' already exists for tenant 't'`);
      expect(await store.get('t', JOB_A)).toEqual(leadImportJob());
    });

    it("never shows or changes one tenant's job from another tenant", async () => {
      await store.create(leadImportJob());
      expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
      expect(await store.save(leadImportJob({ status: 'RUNNING' }), [rowError(3, 'FAILED', 'no phone')], 'worker-1')).toBe(true);
      expect(await store.get('u', JOB_A)).toBeNull();
      expect(await store.requestCancel('u', JOB_A)).toBeNull();
      expect(await store.lease('u', JOB_A, 'worker-2', 60_000)).toBe(false);
      expect(await store.save(leadImportJob({ tenantId: 'u', status: 'FINISHED' }), [], 'worker-1')).toBe(false);
      expect(await store.errors('u', JOB_A, 0, 10)).toEqual([]);
      expect(await store.activeCount('u')).toBe(0);
      expect(await store.get('u', JOB_A)).toBeNull();
      expect(await store.get('t', JOB_A)).toEqual(leadImportJob({ status: 'RUNNING' }));
    });

    it.each<[string, boolean, string, (st: LeadImportStore) => Promise<unknown>]>([
      ['nobody holds the lease', false, 'worker-1', async () => undefined],
      ['the owner holds the lease', true, 'worker-1', (st) => st.lease('t', JOB_A, 'worker-1', 60_000)],
      ['another owner holds the lease', false, 'worker-1', (st) => st.lease('t', JOB_A, 'worker-2', 60_000)],
      ['the owner released its lease', false, 'worker-1', async (st) => (await st.lease('t', JOB_A, 'worker-1', 60_000), await st.release('t', JOB_A, 'worker-1'))],
    ])('save when %s: written %s', async (_case, written, owner, arrange) => {
      await store.create(leadImportJob());
      await arrange(store);
      const next = running();
      expect(await store.save(next, [rowError(7, 'FAILED', 'no phone')], owner)).toBe(written);
      expect(await store.get('t', JOB_A)).toEqual(written ? next : leadImportJob());
      expect((await store.errors('t', JOB_A, 0, 10)).map((e) => e.rowNumber)).toEqual(written ? [7] : []);
    });

    it('save by an owner whose lease expired and was taken over writes nothing; the new owner saves', async () => {
      await store.create(leadImportJob());
      expect(await store.lease('t', JOB_A, 'worker-1', 50)).toBe(true);
      expect(await store.lease('t', JOB_A, 'worker-2', 60_000)).toBe(false);
      await waitUntil('worker-2 takes the expired lease', () => store.lease('t', JOB_A, 'worker-2', 60_000), 5_000);
      expect(await store.save(running({ sent: 200 }), [rowError(150, 'UNCERTAIN', 'lost')], 'worker-1')).toBe(false);
      expect(await store.get('t', JOB_A)).toEqual(leadImportJob());
      expect(await store.errors('t', JOB_A, 0, 10)).toEqual([]);
      expect(await store.save(running(), [], 'worker-2')).toBe(true);
      expect(await store.get('t', JOB_A)).toEqual(running());
    });

    it('save by an owner whose lease expired, even when nobody took it since, writes nothing', async () => {
      await store.create(leadImportJob({ id: JOB_A }));
      await store.create(leadImportJob({ id: JOB_B }));
      expect(await store.lease('t', JOB_A, 'worker-1', 50)).toBe(true);
      expect(await store.lease('t', JOB_B, 'worker-9', 50)).toBe(true);
      await waitUntil("job B's 50 ms lease, taken after job A's, ends", () => store.lease('t', JOB_B, 'worker-2', 60_000), 5_000);
      expect(await store.save(running(), [rowError(7, 'FAILED', 'no phone')], 'worker-1')).toBe(false);
      expect(await store.get('t', JOB_A)).toEqual(leadImportJob());
      expect(await store.errors('t', JOB_A, 0, 10)).toEqual([]);
    });

    it('save never clears a cancel that requestCancel set, and requestCancel answers the job after', async () => {
      await store.create(leadImportJob());
      expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
      expect(await store.requestCancel('t', JOB_A)).toEqual(leadImportJob({ cancelRequested: true }));
      expect(await store.save(running({ cancelRequested: false }), [], 'worker-1')).toBe(true);
      expect(await store.get('t', JOB_A)).toEqual(running({ cancelRequested: true }));
      expect(await store.requestCancel('t', JOB_B)).toBeNull();
      expect(await store.get('t', JOB_B)).toBeNull();
    });

    describe('row errors', () => {
      beforeEach(async () => {
        await store.create(leadImportJob());
        expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
        expect(await store.save(running(), [rowError(9, 'FAILED', 'no phone'), rowError(2, 'UNCERTAIN', 'no answer'), rowError(5, 'FAILED', 'bad email')], 'worker-1')).toBe(true);
        // Row 5 again (with another reason) and two new rows: row 5 keeps its first record.
        expect(await store.save(running({ sent: 150 }), [rowError(5, 'UNCERTAIN', 'second'), rowError(12, 'UNCERTAIN', 'no answer'), rowError(10, 'FAILED', 'duplicate')], 'worker-1')).toBe(true);
      });

      it('keeps each row once, its first record, in row order', async () => {
        expect(await store.errors('t', JOB_A, 0, 100)).toEqual([
          rowError(2, 'UNCERTAIN', 'no answer'),
          rowError(5, 'FAILED', 'bad email'),
          rowError(9, 'FAILED', 'no phone'),
          rowError(10, 'FAILED', 'duplicate'),
          rowError(12, 'UNCERTAIN', 'no answer'),
        ]);
      });

      it.each<[number, number, 'FAILED' | 'UNCERTAIN' | undefined, number[]]>([
        [0, 2, undefined, [2, 5]],
        [5, 2, undefined, [9, 10]],
        [10, 2, undefined, [12]],
        [12, 2, undefined, []],
        [4, 1, undefined, [5]],
        [0, 100, 'FAILED', [5, 9, 10]],
        [5, 1, 'FAILED', [9]],
        [0, 100, 'UNCERTAIN', [2, 12]],
        [2, 100, 'UNCERTAIN', [12]],
      ])('after row %i, at most %i, outcome %s: rows %j', async (afterRow, limit, outcome, rows) => {
        expect((await store.errors('t', JOB_A, afterRow, limit, outcome)).map((e) => e.rowNumber)).toEqual(rows);
      });
    });

    it('lists unfinished jobs of every tenant and counts active ones per tenant as statuses change', async () => {
      await store.create(leadImportJob({ id: JOB_A }));
      await store.create(leadImportJob({ id: JOB_B }));
      await store.create(leadImportJob({ id: JOB_C, tenantId: 'u' }));
      const counts = async () => ({ unfinished: await store.unfinished(), t: await store.activeCount('t'), u: await store.activeCount('u'), v: await store.activeCount('v') });
      const settle = async (tenantId: string, id: string, status: LeadImportRecord['status']) => {
        expect(await store.lease(tenantId, id, 'worker-1', 60_000)).toBe(true);
        expect(await store.save(leadImportJob({ tenantId, id, status }), [], 'worker-1')).toBe(true);
      };
      const steps: Array<[() => Promise<void>, Awaited<ReturnType<typeof counts>>]> = [
        [
          async () => undefined,
          {
            unfinished: [
              { tenantId: 't', id: JOB_A },
              { tenantId: 't', id: JOB_B },
              { tenantId: 'u', id: JOB_C },
            ],
            t: 2,
            u: 1,
            v: 0,
          },
        ],
        [
          () => settle('t', JOB_A, 'RUNNING'),
          {
            unfinished: [
              { tenantId: 't', id: JOB_A },
              { tenantId: 't', id: JOB_B },
              { tenantId: 'u', id: JOB_C },
            ],
            t: 2,
            u: 1,
            v: 0,
          },
        ],
        [
          () => settle('t', JOB_A, 'FINISHED'),
          {
            unfinished: [
              { tenantId: 't', id: JOB_B },
              { tenantId: 'u', id: JOB_C },
            ],
            t: 1,
            u: 1,
            v: 0,
          },
        ],
        [() => settle('t', JOB_B, 'CANCELLED'), { unfinished: [{ tenantId: 'u', id: JOB_C }], t: 0, u: 1, v: 0 }],
        [() => settle('u', JOB_C, 'FAILED'), { unfinished: [], t: 0, u: 0, v: 0 }],
      ];
      for (const [step, expected] of steps) {
        await step();
        expect(await counts()).toEqual(expected);
      }
    });

    it('gives the lease to one owner, renewed by it, refused to others until it expires, released only by its owner', async () => {
      await store.create(leadImportJob({ id: JOB_A }));
      await store.create(leadImportJob({ id: JOB_B }));
      expect(await store.lease('t', JOB_C, 'worker-1', 60_000)).toBe(false); // no such job
      expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(true);
      expect(await store.lease('t', JOB_A, 'worker-2', 60_000)).toBe(false);
      await store.release('t', JOB_A, 'worker-2'); // not its lease: nothing happens
      expect(await store.lease('t', JOB_A, 'worker-2', 60_000)).toBe(false);
      // A renewal sets the lease's end anew: shortened to 50 ms, it ends soon.
      expect(await store.lease('t', JOB_A, 'worker-1', 50)).toBe(true);
      await waitUntil('worker-2 takes the lease worker-1 shortened', () => store.lease('t', JOB_A, 'worker-2', 60_000), 5_000);
      expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(false);
      await store.release('t', JOB_A, 'worker-1');
      expect(await store.lease('t', JOB_A, 'worker-3', 60_000)).toBe(false);
      await store.release('t', JOB_A, 'worker-2');
      expect(await store.lease('t', JOB_A, 'worker-3', 60_000)).toBe(true);
      // Lengthened, it outlives a 50 ms lease taken after it (job B is the clock).
      expect(await store.lease('t', JOB_A, 'worker-3', 50)).toBe(true);
      expect(await store.lease('t', JOB_B, 'worker-1', 50)).toBe(true);
      expect(await store.lease('t', JOB_A, 'worker-3', 60_000)).toBe(true);
      await waitUntil("job B's 50 ms lease ends", () => store.lease('t', JOB_B, 'worker-2', 60_000), 5_000);
      expect(await store.lease('t', JOB_A, 'worker-1', 60_000)).toBe(false);
    });

    it.each<[string, (st: LeadImportStore) => Promise<unknown>, string]>([
      ['a lease of 0 ms', (st) => st.lease('t', JOB_A, 'worker-1', 0), 'expected ms to be a positive integer, got 0'],
      ['a lease of 1.5 ms', (st) => st.lease('t', JOB_A, 'worker-1', 1.5), 'expected ms to be a positive integer, got 1.5'],
      ['a page of 0 errors', (st) => st.errors('t', JOB_A, 0, 0), 'expected limit to be a positive integer, got 0'],
      ['a page after row -1', (st) => st.errors('t', JOB_A, -1, 10), 'expected afterRow to be an integer >= 0, got -1'],
    ])('refuses %s, naming what it expected', async (_case, call, message) => {
      await expect(call(store)).rejects.toThrow(message);
    });
  });
}
