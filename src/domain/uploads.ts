/**
 * The upload service: contact files (CSV) streamed to the vendor after their header is checked against
 * the mapping, with the vendor's error report; and bulk user management from files (CSV lead imports are src/imports/).
 */
import type { Readable } from 'node:stream';
import { peekCsvHeader } from '../csv';
import { BadUserInputError } from '../errors';
import { limitBytes } from '../upstream/multipart';
import { capabilityAt, memberAt } from './fanOut';
import type { BulkUserAdmin, BulkUserJob, ContactUploadErrorRow, ContactUploadRequest, ContactUploadTask, DownloadStream, InputProblem, RequestScope, Tenant } from './types';

export interface ContactUploadInput extends Omit<ContactUploadRequest, 'content' | 'filename'> {
  /** The CSV as the client sends it; read once. */
  file: Readable;
}

/** Contact uploads on one connection (UNSUPPORTED_BY_VENDOR without CONTACT_UPLOAD). */
export function contactUploaderAt(tenant: Tenant, connectionId: string) {
  const uploader = capabilityAt(tenant, connectionId, 'CONTACT_UPLOAD').member;
  return {
    /** Problems with the request before any of the file is read: the user, and the mapping onto this vendor's contact fields. */
    inputProblems(req: { userNativeId: string; headerMapping: ReadonlyArray<{ field: string; column: string }> }): InputProblem[] {
      const problems: InputProblem[] = [];
      if (!req.userNativeId.trim()) problems.push({ field: ['userNativeId'], message: 'userNativeId must not be empty' });
      const fields = req.headerMapping.map((m) => m.field);
      req.headerMapping.forEach((m, i) => {
        if (!uploader.contactFields.includes(m.field)) {
          problems.push({ field: ['headerMapping', String(i), 'field'], message: `unknown contact field '${m.field}' (expected one of ${uploader.contactFields.join(', ')})` });
        } else if (fields.indexOf(m.field) !== i) {
          problems.push({ field: ['headerMapping', String(i), 'field'], message: `contact field '${m.field}' is mapped twice` });
        }
        if (!m.column.trim()) problems.push({ field: ['headerMapping', String(i), 'column'], message: 'column must not be empty' });
      });
      if (req.headerMapping.length === 0) problems.push({ field: ['headerMapping'], message: 'headerMapping must map at least one field' });
      return problems;
    },

    /**
     * Streams the file to the vendor. The header row is read and checked against the mapping before
     * anything is sent; the rest streams through under `maxBytes`. BAD_USER_INPUT for a file the caller can fix.
     */
    async upload(req: ContactUploadInput, maxBytes: number, scope: RequestScope): Promise<ContactUploadTask> {
      let exceeded = false;
      const tooLarge = () => new BadUserInputError(`file is larger than ${maxBytes} bytes`);
      // Our own byte limit: graphql-upload-minimal truncates silently past its own (notes §1.5).
      const limited = limitBytes(req.file, maxBytes, () => {
        exceeded = true;
        return tooLarge();
      });
      const { header, body } = await peekCsvHeader(limited, 65_536, 'file');
      const missing = req.headerMapping.filter((m) => !header.includes(m.column.trim())).map((m) => m.column);
      if (missing.length) {
        req.file.resume();
        throw new BadUserInputError(`the file's header has no column ${missing.map((c) => `'${c}'`).join(', ')} (it has ${header.map((c) => `'${c}'`).join(', ')})`);
      }
      const { file: _file, ...rest } = req;
      try {
        return await uploader.upload({ ...rest, headerMapping: req.headerMapping.map((m) => ({ field: m.field, column: m.column.trim() })), filename: 'contacts.csv', content: body }, scope);
      } catch (err) {
        // The vendor got a cut-off body, which it discards; the caller learns why.
        if (exceeded) throw tooLarge();
        throw err;
      }
    },
  };
}

/** Whether the connection can hold upload tasks (an upload task id names one). */
export const hasContactUploads = (tenant: Tenant, connectionId: string) => memberAt(tenant, connectionId, 'CONTACT_UPLOAD') !== null;

/** The vendor's rows that failed in an upload task. */
export async function contactUploadErrorRows(tenant: Tenant, task: ContactUploadTask, scope: RequestScope): Promise<ContactUploadErrorRow[]> {
  return capabilityAt(tenant, task.connectionId, 'CONTACT_UPLOAD').member.errorRows(task, scope);
}

/** An upload task's error file as a stream, or null when the connection has no contact uploads. */
export async function openContactUploadErrors(tenant: Tenant, task: ContactUploadTask, scope: RequestScope): Promise<DownloadStream | null> {
  const uploader = memberAt(tenant, task.connectionId, 'CONTACT_UPLOAD');
  return uploader ? uploader.openErrorFile(task, scope) : null;
}

/** Bulk user management of one connection (UNSUPPORTED_BY_VENDOR without BULK_USERS). */
export function bulkUsersAt(tenant: Tenant, connectionId: string): BulkUserAdmin {
  return capabilityAt(tenant, connectionId, 'BULK_USERS').member;
}

/** One bulk user job; null when the connection has no bulk user management or no such job. */
export async function getBulkUserJob(tenant: Tenant, connectionId: string, jobNativeId: string, scope: RequestScope): Promise<BulkUserJob | null> {
  const admin = memberAt(tenant, connectionId, 'BULK_USERS');
  return admin ? admin.getJob(jobNativeId, scope) : null;
}
