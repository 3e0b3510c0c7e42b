/** Apps API bulk user management: the template, upload (validated by the vendor), proceed, and job status (notes §1 "Bulk users"). */
import { z } from 'zod';
import type { BulkUserAdmin, BulkUserJob, BulkUserJobStatus } from '../../../domain/types';
import { wireBulkUploaded, wireBulkUserJob, type WireBulkUserJob } from '../types';
import { idNumber, jsonFilePart, orNull, toDate, type AppsApiContext } from './context';

const BULK_STATUS: Readonly<Record<string, BulkUserJobStatus>> = {
  created: 'CREATED',
  valid_scheme: 'VALID_SCHEME',
  invalid_scheme: 'INVALID_SCHEME',
  in_progress: 'IN_PROGRESS',
  finished: 'FINISHED',
};

function toBulkUserJob(connectionId: string, w: WireBulkUserJob): BulkUserJob {
  const errs = (list: WireBulkUserJob['scheme_errors']) => (list ?? []).map((e) => ({ row: e.row ?? null, column: e.column ?? null, message: e.message, errorType: e.error_type ?? null }));
  return {
    connectionId,
    nativeId: String(w.id),
    status: BULK_STATUS[w.status] ?? 'UNKNOWN',
    rawStatus: w.status,
    filename: w.filename ?? null,
    totalRows: w.total_rows ?? null,
    affectedRows: w.affected_rows ?? null,
    failedRows: w.failed_rows ?? null,
    createdAt: toDate(w.created_at),
    processRequestedAt: toDate(w.process_requested_at),
    schemeErrors: errs(w.scheme_errors),
    updateErrors: errs(w.update_errors),
    raw: w,
  };
}

export function createBulkUserAdmin({ client, cid }: AppsApiContext): BulkUserAdmin {
  return {
    template: (scope) => client.json('getBulkUserTemplate', z.unknown(), scope),
    async upload(file, jobNativeId, scope) {
      // PUT with the job id re-uploads into that job (notes §1 "Bulk users: upload").
      const { contentType, body } = jobNativeId ? jsonFilePart(file, { id: jobNativeId }) : jsonFilePart(file);
      const uploaded = await client.json('uploadBulkUsers', wireBulkUploaded, scope, {
        headers: { 'content-type': contentType },
        body,
        ...(jobNativeId ? { method: 'PUT' as const } : {}),
      });
      // The job as the upload answer has it; its validation runs at the vendor and is read with getJob.
      return toBulkUserJob(cid, { ...uploaded, id: uploaded.id, status: uploaded.status ?? 'created' });
    },
    proceed: async (jobNativeId, scope) => toBulkUserJob(cid, await client.write('proceedBulkUsers', wireBulkUserJob, scope, { id: idNumber(jobNativeId) })),
    async getJob(jobNativeId, scope) {
      const w = await orNull(client.json('getBulkUserJob', wireBulkUserJob, scope, { params: { jobId: jobNativeId } }));
      return w ? toBulkUserJob(cid, w) : null;
    },
  };
}
