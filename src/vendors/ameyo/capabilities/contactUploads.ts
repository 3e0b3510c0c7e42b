/** Ameyo contact uploads: the CSV streamed as multipart, and the task's error file (ameyo-contact-upload.txt). */
import { parseCsv } from '../../../csv';
import type { ContactUploader, ContactUploadTask, DownloadStream, RequestScope } from '../../../domain/types';
import { multipartStream } from '../../../upstream/multipart';
import type { AmeyoContext } from './context';

/** How long a contact upload may take end to end. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000; // 30 min

export function createContactUploader({ client, config, cid }: AmeyoContext): ContactUploader {
  const errorFileOf = (task: ContactUploadTask, scope: RequestScope, stream: boolean) => client.errorFile(scope, task.campaignNativeId, task.leadListNativeId, task.taskId, stream);
  return {
    contactFields: config.contactFields,
    async upload(req, scope) {
      const mapping: Record<string, string> = Object.fromEntries(config.contactFields.map((f) => [f, '']));
      for (const m of req.headerMapping) mapping[m.field] = m.column;
      const { contentType, body } = multipartStream([
        { name: 'user_id', value: req.userId },
        { name: 'update_duplicate', value: String(req.updateDuplicates) },
        { name: 'churn_updated_records', value: String(req.churnUpdatedRecords) },
        { name: 'migrate', value: String(req.migrate) },
        { name: 'header_mapping', value: JSON.stringify(mapping) },
        { name: 'file', filename: req.filename, contentType: 'text/csv', content: req.content },
      ]);
      const taskId = await client.uploadContacts(scope, req.campaignNativeId, req.leadListNativeId, contentType, body, UPLOAD_TIMEOUT_MS);
      return { connectionId: cid, campaignNativeId: req.campaignNativeId, leadListNativeId: req.leadListNativeId, taskId };
    },
    async errorRows(task, scope) {
      const res = await errorFileOf(task, scope, false);
      // `row_number,<the upload's columns>,error_reason` (our simulator; the doc shows no sample).
      const [header, ...rows] = parseCsv(res.body.toString('utf8'));
      if (!header) return [];
      const rowCol = header.findIndex((h) => /^row(_?number)?$/i.test(h.trim()));
      const reasonCol = header.findIndex((h) => /^(error_?reason|reason|error)$/i.test(h.trim()));
      return rows
        .filter((r) => r.some((v) => v !== ''))
        .map((r) => ({
          rowNumber: rowCol >= 0 && /^\d+$/.test(r[rowCol] ?? '') ? Number(r[rowCol]) : null,
          reason: reasonCol >= 0 ? (r[reasonCol] ?? '') : '',
          values: header.map((column, i) => ({ column, value: r[i] ?? '' })).filter((_, i) => i !== rowCol && i !== reasonCol),
        }));
    },
    async openErrorFile(task, scope): Promise<DownloadStream> {
      const res = await errorFileOf(task, scope, true);
      return {
        stream: res.stream!,
        contentType: res.headers['content-type'] ?? 'text/csv',
        contentLength: res.headers['content-length'] ? Number(res.headers['content-length']) : null,
        filename: `contact-upload-${task.taskId}-errors.csv`,
      };
    },
  };
}
