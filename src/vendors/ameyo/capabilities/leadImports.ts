/**
 * Ameyo CSV lead imports (issue 18): each batch is one native contact upload (ameyo-contact-upload.txt "Upload
 * Contacts via CSV"), its CSV written as it streams, through the contact uploader's own `upload`; the batch's
 * outcome is the task's error CSV ("Retrieve error CSV for uploaded contacts"), read through its `errorRows`.
 *
 * The document has no endpoint for a task's status: the outcome is what the error file says when it is read. A
 * row it does not list counts as imported; the file is read once, when the import service first asks.
 */
import { csvField } from '../../../csv';
import type { ImportRow, ImportRowVerdict, LeadImporter } from '../../../domain/types';
import { isSwitchboardError } from '../../../errors';
import { bulkScope, everyRow, refusedBatch } from '../../leadImports';
import { createContactUploader } from './contactUploads';
import type { AmeyoContext } from './context';

/**
 * Rows per upload task: 1,000. The document gives no file limit; a task whose answer is lost leaves at most this many
 * rows uncertain, and its error file (read whole) stays small, while a 100,000-row file is still only 100 uploads.
 */
export const AMEYO_IMPORT_ROWS = 1000;

const PHONE_FIELD = /^phone(\d+)$/;

/** A row's value for one Ameyo field: the fields the mapping fills are `name`, `email`, `phone<n>` and the custom ones. */
function valueOf(row: ImportRow, field: string): string {
  const { lead } = row;
  if (field === 'name') return lead.name ?? '';
  if (field === 'email') return lead.email ?? '';
  const phone = PHONE_FIELD.exec(field);
  if (phone) return lead.phones[Number(phone[1]) - 1] ?? '';
  return lead.custom[field] ?? '';
}

export function createLeadImporter(ctx: AmeyoContext): LeadImporter {
  const { config, cid } = ctx;
  const uploader = createContactUploader(ctx);
  const fieldsOf = config.contactFields;
  const phoneFields = fieldsOf.filter((f) => PHONE_FIELD.test(f));
  const custom = fieldsOf.filter((f) => f !== 'name' && f !== 'email' && !PHONE_FIELD.test(f));

  /** The columns of a batch's file: the connection's contact fields that some row fills, and always `phone1`. */
  const columnsOf = (rows: readonly ImportRow[]) => fieldsOf.filter((f) => f === 'phone1' || rows.some((r) => valueOf(r, f) !== ''));

  async function* csvOf(columns: readonly string[], rows: readonly ImportRow[]): AsyncGenerator<Buffer> {
    yield Buffer.from(`${columns.map(csvField).join(',')}\r\n`);
    for (const row of rows) {
      const line = columns.map((f) => csvField(valueOf(row, f))).join(',');
      // An all-empty row is written `""`: a blank line is no record to a CSV reader, and would shift every row number after it.
      yield Buffer.from(`${line.replace(/,/g, '') === '' ? `""${line}` : line}\r\n`);
    }
  }

  const task = (target: Record<string, unknown>, taskId: string) => ({
    connectionId: cid,
    campaignNativeId: String(target['campaignNativeId']),
    leadListNativeId: String(target['leadListNativeId']),
    taskId,
  });

  return {
    fields: { name: fieldsOf.includes('name'), email: fieldsOf.includes('email'), externalId: false, maxPhones: Math.max(1, phoneFields.length), custom },
    batch: { rows: AMEYO_IMPORT_ROWS },
    async target(campaignNativeId, options) {
      // Nothing to ask Ameyo: its APIs list neither campaigns nor lead lists (notes §3); the config names both.
      const campaign = config.campaigns.find((c) => c.id === campaignNativeId);
      if (!campaign) {
        return { problems: [{ field: ['campaignId'], message: `campaign '${campaignNativeId}' is not one of connection '${cid}''s campaigns (its config's campaigns[])` }] };
      }
      const leadListNativeId = options.leadListNativeId ?? campaign.leadListId ?? null;
      const userId = options.vendorUserId ?? config.contactUploadUserId ?? null;
      const problems = [];
      if (leadListNativeId === null) {
        problems.push({
          field: ['options', 'leadListNativeId'],
          message: `Ameyo imports into a lead list: set options.leadListNativeId, or leadListId of campaign '${campaignNativeId}' in connection '${cid}''s config`,
        });
      }
      if (userId === null) {
        problems.push({
          field: ['options', 'vendorUserId'],
          message: `Ameyo uploads run as one of its users: set options.vendorUserId, or contactUploadUserId in connection '${cid}''s config`,
        });
      }
      if (problems.length) return { problems };
      return { target: { campaignNativeId, leadListNativeId, userId, updateDuplicates: options.updateDuplicates } };
    },
    async submit(target, rows, scope) {
      const columns = columnsOf(rows);
      try {
        const uploaded = await uploader.upload(
          {
            campaignNativeId: String(target['campaignNativeId']),
            leadListNativeId: String(target['leadListNativeId']),
            userId: String(target['userId']),
            // Each column is named for the Ameyo field it fills; the fields not in the file map to "".
            headerMapping: columns.map((field) => ({ field, column: field })),
            updateDuplicates: target['updateDuplicates'] === true,
            // The document's example values: an import adds leads, it neither re-dials updated ones nor moves others.
            churnUpdatedRecords: false,
            migrate: false,
            filename: 'leads.csv',
            content: csvOf(columns, rows),
          },
          bulkScope(scope),
        );
        return { vendorRef: uploaded.taskId };
      } catch (err) {
        // Ameyo answered and refused the upload (400 bad part, 403, 404 lead list): none of its rows was taken.
        return refusedBatch(err, rows);
      }
    },
    async outcome(target, vendorRef, rowNumbers, scope) {
      let errorRows;
      try {
        errorRows = await uploader.errorRows(task(target, vendorRef), bulkScope(scope));
      } catch (err) {
        // Ameyo no longer knows the task it gave us: what became of its rows cannot be learnt.
        if (isSwitchboardError(err) && err.code === 'NOT_FOUND') return { failed: [], uncertain: everyRow(rowNumbers, `Ameyo has no error file for upload task ${vendorRef}`) };
        throw err;
      }
      // `row_number` is 1-based over the file's data rows: row n is `rowNumbers[n - 1]`.
      const failed = new Map<number, ImportRowVerdict>();
      let unplaced = 0;
      for (const e of errorRows) {
        const n = e.rowNumber;
        const rowNumber = n !== null && n >= 1 && n <= rowNumbers.length ? rowNumbers[n - 1]! : null;
        if (rowNumber === null) unplaced++;
        else if (!failed.has(rowNumber)) failed.set(rowNumber, { rowNumber, reason: e.reason || 'refused by Ameyo (no reason given)' });
      }
      // An error line we cannot place means some row failed, and which one is unknown: the unlisted rows are uncertain.
      const uncertain = unplaced
        ? everyRow(
            rowNumbers.filter((n) => !failed.has(n)),
            `Ameyo's error file for upload task ${vendorRef} lists ${unplaced} row(s) without a row number we sent`,
          )
        : [];
      return { failed: [...failed.values()], uncertain };
    },
  };
}
