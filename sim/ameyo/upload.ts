/**
 * CMS contact upload (vendor doc "Upload Contacts via CSV"; notes §3d):
 *   POST /v1/cc-list/:ccId/process-list/:processId/leads/:leadId/contact-upload-tasks            (multipart)
 *   GET  [/v1]/cc-list/:ccId/process-list/:processId/leads/:leadId/contact-upload-tasks/:taskId/error-file
 * Both use HTTP Basic like the monitoring API (routes.ts).
 */
import { createHash } from 'node:crypto';
import type { SimContext, SimReply, SimRoute } from '../common/server';
import { formatCsvLine, parseCsv } from './csv';
import { badRequest, forbidden, notFound } from './errors';
import { parseMultipart, type MultipartPart } from '../common/multipart';
import type { AmeyoRuntime } from './runtime';
import type { AmeyoCampaign, AmeyoUploadTask } from './seed';

/** The `header_mapping` keys: exactly the doc's example keys (our assumption: no more, no fewer). */
export const CONTACT_UPLOAD_FIELDS = ['name', 'phone1', 'phone2', 'phone3', 'phone4', 'phone5', 'email', 'twitter', 'facebook', 'timezone'] as const;
export type ContactUploadField = (typeof CONTACT_UPLOAD_FIELDS)[number];

/** Files up to this size are kept byte for byte in the task (`fileBytes`); larger ones only by hash. */
const KEEP_BYTES_MAX = 1024 * 1024;

/** Phone check for uploads and dials (our assumption): spaces/dashes dropped, then optional `+` and 7–15 digits. */
export const isValidPhone = (v: string) => /^\+?\d{7,15}$/.test(v.replace(/[\s-]/g, ''));
const isValidEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

/** A validation failure inside a helper: carries the reply the handler answers with. */
class Reject {
  constructor(readonly reply: SimReply) {}
}

/** Runs a handler body; a thrown Reject becomes its reply. */
function rejecting(run: () => SimReply): SimReply {
  try {
    return run();
  } catch (err) {
    if (err instanceof Reject) return err.reply;
    throw err;
  }
}

/** The path's contact center, campaign (process) and lead list, or the error reply. */
function resolvePath(rt: AmeyoRuntime, ctx: SimContext): { campaign: AmeyoCampaign; leadId: number } {
  const ccIdRaw = ctx.params.ccId ?? '';
  // As in the monitoring API: a non-integer ccId is 400, another contact center 404.
  if (!/^-?\d+$/.test(ccIdRaw)) throw new Reject(badRequest("Path parameter 'cc-id' must be an integer."));
  if (Number(ccIdRaw) !== rt.state.ccId) throw new Reject(notFound());
  // A processId that is no seeded campaign, or a leadId that is not one of its lists: 404 (non-digits included).
  const campaign = rt.state.campaigns.find((c) => String(c.campaignId) === ctx.params.processId);
  if (!campaign) throw new Reject(notFound());
  const leadId = campaign.leadListIds.find((l) => String(l) === ctx.params.leadId);
  if (leadId === undefined) throw new Reject(notFound());
  return { campaign, leadId };
}

/** The one part named `name`; a 400 reply when it is sent more than once (our assumption). */
function singlePart(parts: MultipartPart[], name: string): MultipartPart | null {
  const found = parts.filter((p) => p.name === name);
  if (found.length > 1) throw new Reject(badRequest(`Part '${name}' must be sent only once.`));
  return found[0] ?? null;
}

/** An optional boolean part: "true" / "false" exactly (our assumption); null when not sent. */
function booleanPart(parts: MultipartPart[], name: string): boolean | null {
  const part = singlePart(parts, name);
  if (part === null) return null;
  const text = part.data.toString('utf8');
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Reject(badRequest(`Part '${name}' must be 'true' or 'false'.`));
}

/** `header_mapping`: a JSON object with exactly CONTACT_UPLOAD_FIELDS as keys and string values. */
function headerMapping(parts: MultipartPart[]): Record<ContactUploadField, string> {
  const part = singlePart(parts, 'header_mapping');
  if (part === null) throw new Reject(badRequest("Missing required part 'header_mapping'."));
  let parsed: unknown;
  try {
    parsed = JSON.parse(part.data.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Reject(badRequest("Part 'header_mapping' must be a JSON object."));
  }
  const mapping = parsed as Record<string, unknown>;
  for (const key of Object.keys(mapping)) {
    if (!(CONTACT_UPLOAD_FIELDS as readonly string[]).includes(key)) {
      throw new Reject(badRequest(`Part 'header_mapping' has an unknown key '${key}'; the keys must be exactly ${CONTACT_UPLOAD_FIELDS.join(', ')}.`));
    }
  }
  for (const key of CONTACT_UPLOAD_FIELDS) {
    if (!(key in mapping)) {
      throw new Reject(badRequest(`Part 'header_mapping' is missing the key '${key}'; the keys must be exactly ${CONTACT_UPLOAD_FIELDS.join(', ')}.`));
    }
    if (typeof mapping[key] !== 'string') throw new Reject(badRequest(`Part 'header_mapping' value of '${key}' must be a string (a CSV column name or "").`));
  }
  // Our assumption: a lead needs a number, and each row's phone1 is validated, so phone1 must be mapped.
  if ((mapping.phone1 as string).trim() === '') throw new Reject(badRequest("Part 'header_mapping' must map 'phone1' to a CSV column."));
  return mapping as Record<ContactUploadField, string>;
}

/** The JSON text of the doc's envelope, by hand: `task_id` is written as digits, beyond 2^53 if need be. */
function uploadAnswer(taskId: string): SimReply {
  // The doc's example, key for key and in its order, with `request_id: null` as printed there.
  const body = `{"metadata":null,"method":"POST","response":[{"data":{"task_id":${taskId}},"http_code":200,"error_data":null}],"http_code":200,"request_id":null}`;
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function uploadRoute(rt: AmeyoRuntime): SimRoute {
  return {
    route: 'POST /v1/cc-list/:ccId/process-list/:processId/leads/:leadId/contact-upload-tasks',
    handler: (ctx) =>
      rejecting(() => {
        const target = resolvePath(rt, ctx);
        // ameyo-contact-upload.txt lists `origin` among the request's headers ("typically used for CORS validation"):
        // an upload without one is refused as the documented 403 (our assumption for the status), any origin is taken.
        if (!(ctx.headers.origin ?? '').trim()) return forbidden();

        const parts = parseMultipart(ctx);
        if (parts === null) return badRequest('The request body must be multipart/form-data with a boundary.');

        // Parts in the doc's table order. Unknown parts are ignored (our assumption).
        const file = singlePart(parts, 'file');
        if (file === null) return badRequest("Missing required part 'file'.");
        const userIdPart = singlePart(parts, 'user_id');
        const userId = userIdPart?.data.toString('utf8').trim() ?? '';
        if (userId === '') return badRequest("Missing required part 'user_id'.");
        const flags: Record<'update_duplicate' | 'churn_updated_records' | 'migrate', boolean | null> = {
          update_duplicate: null,
          churn_updated_records: null,
          migrate: null,
        };
        for (const name of ['update_duplicate', 'churn_updated_records', 'migrate'] as const) flags[name] = booleanPart(parts, name);
        const mapping = headerMapping(parts);

        // The CSV: UTF-8 (our assumption), parsed for real.
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.data);
        } catch {
          return badRequest("Part 'file' must be UTF-8 encoded CSV text.");
        }
        const csv = parseCsv(text);
        if ('error' in csv) return badRequest(`Part 'file' is not valid CSV: ${csv.error}.`);
        const [header, ...rows] = csv.records;
        if (!header) return badRequest("Part 'file' must be a CSV file with a header row.");
        const names = header.map((h) => h.trim());
        const column: Partial<Record<ContactUploadField, number>> = {};
        for (const key of CONTACT_UPLOAD_FIELDS) {
          const wanted = mapping[key].trim();
          if (wanted === '') continue;
          const index = names.indexOf(wanted);
          if (index < 0) return badRequest(`Column '${wanted}' (mapped to '${key}' in part 'header_mapping') is not in the header of part 'file'.`);
          column[key] = index;
        }

        // Row checks, first failure wins: column count, then phone1, then email. Other rows are accepted.
        const badRows: AmeyoUploadTask['badRows'] = [];
        rows.forEach((values, i) => {
          const row = i + 1; // the first row after the header is 1
          let reason: string | null = null;
          if (values.length !== header.length) reason = 'Column count mismatch';
          else if (!isValidPhone(values[column.phone1!]!.trim())) reason = 'Invalid phone1';
          else if (column.email !== undefined && values[column.email]!.trim() !== '' && !isValidEmail(values[column.email]!.trim())) {
            reason = 'Invalid email';
          }
          if (reason) badRows.push({ row, values, reason });
        });

        const taskId = rt.state.nextUploadTaskId;
        rt.state.nextUploadTaskId = (BigInt(taskId) + 2n).toString();
        rt.state.uploadTasks.push({
          taskId,
          ccId: rt.state.ccId,
          processId: target.campaign.campaignId,
          leadId: target.leadId,
          fields: { user_id: userId, ...flags, header_mapping: { ...mapping } },
          fileName: file.filename,
          contentType: file.contentType,
          byteLength: file.data.length,
          sha256: createHash('sha256').update(file.data).digest('hex'),
          fileBytes: file.data.length <= KEEP_BYTES_MAX ? Buffer.from(file.data) : null,
          header,
          rowCount: rows.length,
          phones: rows.map((values) => (values[column.phone1!] ?? '').trim()),
          badRows,
          createdAtMs: rt.wallNow(),
        });
        return uploadAnswer(taskId);
      }),
  };
}

/**
 * The error CSV (vendor doc "Retrieve error CSV for uploaded contacts"): only the failed rows "and why they
 * failed". The doc gives no format; OURS: header `row_number,<the upload's header columns>,error_reason`, then one
 * line per bad row (`row_number` 1-based over data rows, the row's original values, the reason), RFC 4180 quoting,
 * CRLF after every line. No bad rows → the header line only. A task of another process/lead → 404.
 */
function errorFileRoute(rt: AmeyoRuntime, prefix: '' | '/v1'): SimRoute {
  return {
    route: `GET ${prefix}/cc-list/:ccId/process-list/:processId/leads/:leadId/contact-upload-tasks/:taskId/error-file`,
    handler: (ctx) =>
      rejecting(() => {
        const target = resolvePath(rt, ctx);
        const task = rt.state.uploadTasks.find((t) => t.taskId === ctx.params.taskId && t.processId === target.campaign.campaignId && t.leadId === target.leadId);
        if (!task) return notFound();
        const lines = [formatCsvLine(['row_number', ...task.header, 'error_reason']), ...task.badRows.map((b) => formatCsvLine([String(b.row), ...b.values, b.reason]))];
        return {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            // Our assumption: offered as a download, like the voice logs.
            'content-disposition': `attachment; filename="error-file-${task.taskId}.csv"`,
          },
          body: lines.map((l) => `${l}\r\n`).join(''),
        };
      }),
  };
}

/**
 * Upload and error-file routes. The error file is served with and without `/v1`: the doc prints it without,
 * next to an upload path with `/v1` (notes §3d: whether `/v1` is needed is unconfirmed), so we accept both.
 */
export function uploadRoutes(rt: AmeyoRuntime): SimRoute[] {
  return [uploadRoute(rt), errorFileRoute(rt, '/v1'), errorFileRoute(rt, '')];
}
