/**
 * Apps API contact imports (notes/vendors-real-world.md §1 "Campaign contacts: bulk import" and "import job" [T];
 * apps-api.txt "Campaign Endpoints": a multipart `file`, `multi_contacts.json`):
 *   POST /outbound_dialer/campaigns/{id}/contacts/import   multipart `file`: a JSON array of contacts -> a job id
 *   GET  /outbound_dialer/campaigns/{id}/contacts/jobs/{job_id}
 * The CSV lead import (LEAD_IMPORT, issue 18) converts each batch of CSV rows to the JSON file as it streams, one
 * vendor job per batch.
 */
import type { ImportBatchOutcome, ImportRow, ImportRowVerdict, LeadImporter } from '../../../domain/types';
import { UpstreamError } from '../../../errors';
import { multipartStream } from '../../../upstream/multipart';
import { allFailed, bulkScope, everyRow, refusedBatch } from '../../leadImports';
import { expectJson } from '../../wire';
import { wireCampaign } from '../types';
import { orNull, type AppsApiContext } from './context';

/**
 * The largest import file we send: 1 MiB. Neither apps-api.txt nor the notes give a limit for the import file;
 * HTTP APIs refuse large bodies (413), and a file of 1 MiB holds about 8,000 contacts of the documented fields,
 * several batches of `APPS_API_IMPORT_ROWS`. Our assumption, chosen low so a real limit is unlikely to be below
 * it; sim/apps-api refuses a larger file with 413 the same way.
 */
export const APPS_API_IMPORT_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Contacts per vendor job: 1,000. Small enough that a job whose answer is lost leaves at most 1,000 rows
 * uncertain, large enough that a 100,000-row file is 100 jobs (two requests each, plus polls) at 1 request/s.
 */
export const APPS_API_IMPORT_ROWS = 1000;

/** A contact of the import file: the add-one body's fields (apps-api.txt "Campaign Endpoints"), in its order, empty ones left out. */
function contactOf(row: ImportRow): Record<string, string> {
  const { lead } = row;
  const c: Record<string, string> = {};
  if (lead.name) c['name'] = lead.name;
  if (lead.email) c['email'] = lead.email;
  if (lead.phones[0]) c['phone_number'] = lead.phones[0];
  if (lead.custom['outbound_number']) c['outbound_number'] = lead.custom['outbound_number'];
  if (lead.externalId) c['external_unique_id'] = lead.externalId;
  return c;
}

/** A row's share of the file: its JSON and the `,` (or `]`) after it. The file's `[` is the one byte left over. */
const bytesOf = (row: ImportRow) => Buffer.byteLength(JSON.stringify(contactOf(row))) + 1;

/** The file `[c1,c2,...]`, one contact per chunk, converted as the socket drains. */
async function* jsonArray(rows: readonly ImportRow[]): AsyncGenerator<Buffer> {
  yield Buffer.from('[');
  for (let i = 0; i < rows.length; i++) yield Buffer.from((i ? ',' : '') + JSON.stringify(contactOf(rows[i]!)));
  yield Buffer.from(']');
}

const JOB_PENDING = new Set(['created', 'queued', 'pending', 'in_progress', 'processing', 'running']);
const JOB_FINISHED = new Set(['finished', 'completed', 'done']);
const JOB_FAILED = new Set(['failed', 'error', 'errored', 'cancelled', 'canceled', 'aborted']);

const numberOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
const textOf = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * The job's answer read defensively: the notes give the path only ([T]), so every field is optional here and a
 * field we cannot read counts as not said. What is not said is never read as success.
 */
function readJob(body: unknown) {
  const o = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const errors = (Array.isArray(o['errors']) ? o['errors'] : []).map((e) => {
    const r = e !== null && typeof e === 'object' ? (e as Record<string, unknown>) : {};
    return { row: numberOf(r['row']), message: textOf(r['message']) ?? textOf(r['error']) ?? textOf(r['reason']) ?? 'refused by the Apps API (no message)' };
  });
  return {
    status: textOf(o['status'])?.toLowerCase() ?? null,
    total: numberOf(o['total_rows']),
    imported: numberOf(o['imported_rows']),
    failed: numberOf(o['failed_rows']),
    reason: textOf(o['error']) ?? textOf(o['message']) ?? textOf(o['reason']),
    errors,
  };
}

/** A job's answer as the batch's outcome (null while it runs); `rowNumbers[i]` is the file's row i + 1. */
export function jobOutcome(jobId: string, body: unknown, rowNumbers: readonly number[]): ImportBatchOutcome | null {
  const job = readJob(body);
  if (job.status !== null && JOB_PENDING.has(job.status)) return null;
  if (job.status !== null && JOB_FAILED.has(job.status)) return allFailed(rowNumbers, job.reason ?? `the Apps API import job ${jobId} ended '${job.status}'`);
  const failed = new Map<number, ImportRowVerdict>();
  let unplaced = 0;
  for (const e of job.errors) {
    const rowNumber = e.row !== null && e.row >= 1 && e.row <= rowNumbers.length ? rowNumbers[e.row - 1]! : null;
    if (rowNumber === null) unplaced++;
    else if (!failed.has(rowNumber)) failed.set(rowNumber, { rowNumber, reason: e.message });
  }
  const rest = rowNumbers.filter((n) => !failed.has(n));
  const uncertain = (reason: string): ImportBatchOutcome => ({ failed: [...failed.values()], uncertain: everyRow(rest, reason) });
  if (job.status === null || !JOB_FINISHED.has(job.status)) {
    return uncertain(`the Apps API import job ${jobId} answered status '${job.status ?? '(none)'}', which does not say whether the row was imported`);
  }
  // Finished: the rows it lists failed; the rest succeeded only when its counters account for every row sent.
  const imported = job.imported ?? (job.total !== null && job.failed !== null ? job.total - job.failed : null);
  if (unplaced === 0 && imported !== null && imported + failed.size === rowNumbers.length) return { failed: [...failed.values()], uncertain: [] };
  const said = `imported ${imported ?? '?'}, failed ${job.failed ?? failed.size} of ${job.total ?? '?'}`;
  return uncertain(`the Apps API import job ${jobId} finished, but its counters (${said}) do not account for all ${rowNumbers.length} rows sent`);
}

/** The job id of the import's answer: `id` in our simulator, `job_id` or `job.id` read too (the notes say only "returns a job id"). */
function startedJobId(body: unknown): string | null {
  const o = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const job = o['job'] !== null && typeof o['job'] === 'object' ? (o['job'] as Record<string, unknown>) : {};
  for (const v of [o['id'], o['job_id'], job['id']]) if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v !== '')) return String(v);
  return null;
}

export function createLeadImporter({ client, cid }: AppsApiContext): LeadImporter {
  const facts = { vendor: 'apps-api' as const, connectionId: cid };
  return {
    fields: { name: true, email: true, externalId: true, maxPhones: 1, custom: ['outbound_number'] },
    // `maxBytes`: the rows' shares (`bytesOf`) plus the file's opening `[` stay within the file limit.
    batch: { rows: APPS_API_IMPORT_ROWS, maxBytes: APPS_API_IMPORT_FILE_MAX_BYTES - 1, bytesOf },
    async target(campaignNativeId, _options, scope) {
      const campaign = await orNull(client.json('getCampaign', wireCampaign, scope, { params: { id: campaignNativeId } }));
      if (!campaign) return { problems: [{ field: ['campaignId'], message: `the Apps API has no campaign '${campaignNativeId}' on connection '${cid}'` }] };
      return { target: { campaignNativeId } };
    },
    async submit(target, rows, scope) {
      const size = 1 + rows.reduce((n, r) => n + bytesOf(r), 0);
      if (size > APPS_API_IMPORT_FILE_MAX_BYTES) {
        // One lead larger than the file limit can never be imported; a batch over it is the caller's bug.
        if (rows.length === 1) return { outcome: allFailed([rows[0]!.rowNumber], `the lead is ${size} bytes as JSON, over the import file limit of ${APPS_API_IMPORT_FILE_MAX_BYTES}`) };
        throw new TypeError(`expected a batch within batch.maxBytes (${APPS_API_IMPORT_FILE_MAX_BYTES - 1}), got ${size - 1} bytes in ${rows.length} rows`);
      }
      const { contentType, body } = multipartStream([{ name: 'file', filename: 'contacts.json', contentType: 'application/json', content: jsonArray(rows) }]);
      let res;
      try {
        res = await client.send('importCampaignContacts', bulkScope(scope), {
          params: { campaignId: String(target['campaignNativeId']) },
          headers: { 'content-type': contentType },
          body,
        });
      } catch (err) {
        // A refusal (400 bad file, 404 campaign, 413 too large): no contact of the file was imported.
        return refusedBatch(err, rows);
      }
      const jobId = startedJobId(expectJson(res, { ...facts, route: 'importCampaignContacts', upstreamStatus: res.status }));
      if (jobId === null) {
        throw new UpstreamError('apps-api took the import file but its answer has no job id: the contacts may be imported', {
          ...facts,
          route: 'importCampaignContacts',
          upstreamStatus: res.status,
        });
      }
      return { vendorRef: jobId };
    },
    async outcome(target, vendorRef, rowNumbers, scope) {
      const campaignId = String(target['campaignNativeId']);
      const res = await orNull(client.send('getContactImportJob', bulkScope(scope), { params: { campaignId, jobId: vendorRef } }));
      // The vendor no longer knows the job it gave us: what became of its rows cannot be learnt.
      if (!res) return { failed: [], uncertain: everyRow(rowNumbers, `the Apps API no longer knows import job ${vendorRef}`) };
      return jobOutcome(vendorRef, expectJson(res, { ...facts, route: 'getContactImportJob', upstreamStatus: res.status }), rowNumbers);
    },
  };
}
