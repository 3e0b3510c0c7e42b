/** Contracts of CONTACT_UPLOAD and BULK_USERS. */
import { Readable } from 'node:stream';
import { fixture } from './fixtures';
import { defineContract, UNKNOWN_ID, type ContractSubject } from './support';

async function uploadFixture(s: ContractSubject) {
  const f = fixture(s, 'contactUpload');
  return s.adapter.contactUploads!.upload(
    {
      campaignNativeId: f.campaignNativeId,
      leadListNativeId: f.leadListNativeId,
      userId: f.userId,
      headerMapping: f.headerMapping,
      updateDuplicates: false,
      churnUpdatedRecords: false,
      migrate: false,
      filename: 'contacts.csv',
      content: Readable.from([Buffer.from(f.csv)]),
    },
    s.scope(),
  );
}

export const defineContactUploadContract = defineContract('CONTACT_UPLOAD', [
  {
    id: 'CU-1',
    name: 'MUST name the contact fields a header mapping may target, each once',
    async fn(s) {
      const fields = s.adapter.contactUploads!.contactFields;
      expect(fields.length).toBeGreaterThan(0);
      expect(new Set(fields).size).toBe(fields.length);
    },
  },
  {
    id: 'CU-2',
    name: "MUST stream a CSV to a lead list and answer the vendor's task, of this connection",
    async fn(s) {
      const f = fixture(s, 'contactUpload');
      const task = await uploadFixture(s);
      expect(task).toMatchObject({ connectionId: s.adapter.connectionId, campaignNativeId: f.campaignNativeId, leadListNativeId: f.leadListNativeId });
      expect(task.taskId.length).toBeGreaterThan(0);
    },
  },
  {
    id: 'CU-3',
    name: "MUST read a task's failed rows, and stream its error file",
    async fn(s) {
      const task = await uploadFixture(s);
      const rows = await s.adapter.contactUploads!.errorRows(task, s.scope());
      for (const r of rows) expect(typeof r.reason).toBe('string');
      const file = await s.adapter.contactUploads!.openErrorFile(task, s.scope());
      const chunks: Buffer[] = [];
      for await (const c of file.stream) chunks.push(c as Buffer);
      expect(file.filename.length).toBeGreaterThan(0);
    },
  },
]);

export const defineBulkUsersContract = defineContract('BULK_USERS', [
  {
    id: 'BU-1',
    name: 'MUST serve the template of a bulk user file',
    async fn(s) {
      expect(await s.adapter.bulkUsers!.template(s.scope())).toBeTruthy();
    },
  },
  {
    id: 'BU-2',
    name: 'MUST answer null for a job it does not have',
    async fn(s) {
      expect(await s.adapter.bulkUsers!.getJob(UNKNOWN_ID, s.scope())).toBeNull();
    },
  },
]);
