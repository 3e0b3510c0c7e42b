/** Contract of LEAD_IMPORT (issue 18): each vendor's best path for a CSV lead import, settled batch by batch. */
import type { ImportBatchOutcome, ImportRow, ImportTarget, LeadImporter, LeadImportOptions, RequestScope } from '../../src/domain/types';
import { waitUntil } from '../support/wait';
import { fixture } from './fixtures';
import { defineContract, UNKNOWN_ID, type ContractSubject } from './support';

const DEFAULTS: LeadImportOptions = { updateDuplicates: false, leadListNativeId: null, vendorUserId: null };

let serial = 0;
/** A phone number no simulator has seeded or seen (+1 303 7xx xxxx, counted per run). */
const freshPhone = () => `+13037${String(Date.now() % 100_000).padStart(5, '0')}${String(serial++ % 100).padStart(2, '0')}`;

function row(rowNumber: number, phone: string | null, name = `Lead ${rowNumber}`): ImportRow {
  return { rowNumber, lead: { name, phones: phone ? [phone] : [], email: null, externalId: null, custom: {} } };
}

/** A batch's outcome: at once, or by asking about its vendor job until the vendor has one. */
async function settle(importer: LeadImporter, target: ImportTarget, rows: readonly ImportRow[], scope: () => RequestScope): Promise<ImportBatchOutcome> {
  const sub = await importer.submit(target, rows, { ...scope(), background: true });
  if (sub.outcome) return sub.outcome;
  let out: ImportBatchOutcome | null = null;
  await waitUntil(
    `the vendor settles job ${sub.vendorRef}`,
    async () =>
      (out = await importer.outcome(
        target,
        sub.vendorRef,
        rows.map((r) => r.rowNumber),
        scope(),
      )) !== null,
    10_000,
  );
  return out!;
}

/** Every row, in batches of the importer's size (its byte cap too), each settled before the next is sent. */
async function importRows(s: ContractSubject, rows: readonly ImportRow[]): Promise<ImportBatchOutcome> {
  const importer = s.adapter.leadImports!;
  const found = await importer.target(fixture(s, 'leadImport').campaignNativeId, DEFAULTS, s.scope());
  if (!('target' in found)) throw new Error(`expected a target, got ${JSON.stringify(found.problems)}`);
  const all: ImportBatchOutcome = { failed: [], uncertain: [] };
  for (let i = 0; i < rows.length; i += importer.batch.rows) {
    const out = await settle(importer, found.target, rows.slice(i, i + importer.batch.rows), s.scope);
    all.failed.push(...out.failed);
    all.uncertain.push(...out.uncertain);
  }
  return all;
}

export const defineLeadImportContract = defineContract('LEAD_IMPORT', [
  {
    id: 'LI-1',
    name: 'MUST declare what a mapping may fill and a batch size, with a byte measure wherever it has a byte cap',
    async fn(s) {
      const { fields, batch } = s.adapter.leadImports!;
      expect(fields.maxPhones).toBeGreaterThanOrEqual(1);
      expect(new Set(fields.custom).size).toBe(fields.custom.length);
      expect(Number.isInteger(batch.rows) && batch.rows >= 1).toBe(true);
      if (batch.maxBytes !== undefined) expect(typeof batch.bytesOf).toBe('function');
    },
  },
  {
    id: 'LI-2',
    name: "MUST answer a campaign the connection does not have as a problem on 'campaignId', not a throw",
    async fn(s) {
      const found = await s.adapter.leadImports!.target(UNKNOWN_ID, DEFAULTS, s.scope());
      expect(found).toEqual({ problems: [{ field: ['campaignId'], message: expect.stringContaining(UNKNOWN_ID) }] });
    },
  },
  {
    id: 'LI-3',
    name: 'MUST send every row to the vendor exactly once, and report none failed when the vendor took them all',
    async fn(s) {
      const phones = [freshPhone(), freshPhone(), freshPhone()];
      const out = await importRows(
        s,
        phones.map((p, i) => row(i + 1, p)),
      );
      expect(out).toEqual({ failed: [], uncertain: [] });
      const received = fixture(s, 'leadImport').receivedPhones();
      for (const p of phones) expect(received.filter((r) => r === p)).toEqual([p]);
    },
  },
  {
    id: 'LI-4',
    name: "MUST report a row the vendor refuses as failed, under our row number with the vendor's reason, and the others as imported",
    async fn(s) {
      const [a, b] = [freshPhone(), freshPhone()];
      const out = await importRows(s, [row(7, a), row(8, 'not-a-number'), row(9, b)]);
      expect(out.uncertain).toEqual([]);
      expect(out.failed).toEqual([{ rowNumber: 8, reason: expect.stringMatching(/\S/) }]);
      const received = fixture(s, 'leadImport').receivedPhones();
      for (const p of [a, b]) expect(received.filter((r) => r === p)).toEqual([p]);
    },
  },
]);
