/**
 * The durable state of CSV lead import jobs (issue 18): one record per job, its row errors, and the lease that
 * lets exactly one process work on it. SQLite in `state.dataDir` by default (src/state/leadImports.ts), Redis in
 * a fleet (src/state/redis/leadImports.ts); both pass test/unit/leadImportStore.test.ts.
 *
 * Exactly once: a batch is written as `inflight` before it is sent and settled (cursor moved, counters and
 * error rows written, `inflight` cleared) in one `save` after its outcome. A process that finds a job with an
 * `inflight` batch after a restart asks the vendor about it when it has a `vendorRef`, and otherwise reports its
 * rows uncertain: it never sends them again.
 */

export type LeadImportStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'CANCELLED' | 'FAILED';

/** The mapping, as column indexes into the stored file's header. */
export interface ImportColumns {
  name: number | null;
  phones: number[];
  email: number | null;
  externalId: number | null;
  custom: Array<{ field: string; column: number }>;
}

/** Where reading resumes: the next data row (1-based) and the byte offset in the stored file where it starts. */
export interface ImportCursor {
  row: number;
  byte: number;
}

/** A batch sent (or about to be) and not yet settled. */
export interface InflightBatch {
  /** The data rows sent, in order. */
  rowNumbers: number[];
  /** The cursor once the batch is settled (after its last row, and any malformed rows read with it). */
  next: ImportCursor;
  /** The vendor's job or task id, once the vendor has answered the submission; null until then. */
  vendorRef: string | null;
}

export interface LeadImportRecord {
  tenantId: string;
  /** Our job id (a UUID). */
  id: string;
  connectionId: string;
  campaignNativeId: string;
  /** The client's file name, for messages and the error file's name only; never a path. */
  fileName: string;
  /** The stored file's path, relative to the imports directory. */
  file: string;
  header: string[];
  columns: ImportColumns;
  /** What the vendor importer resolved (`LeadImporter.target`). */
  target: Record<string, string | number | boolean | null>;
  status: LeadImportStatus;
  /** Data rows in the file. */
  total: number;
  /** Rows handed to the vendor (settled or in flight). */
  sent: number;
  succeeded: number;
  /** Rows refused: malformed in the file, or by the vendor. */
  failed: number;
  /** Rows whose vendor answer was lost: maybe imported, never resent. */
  uncertain: number;
  cursor: ImportCursor;
  inflight: InflightBatch | null;
  /** Set by `requestCancel` from any process; `save` never clears it. */
  cancelRequested: boolean;
  /** Why the job failed as a whole (FAILED), in words for the client. */
  failure: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type ImportRowOutcome = 'FAILED' | 'UNCERTAIN';

export interface ImportRowError {
  rowNumber: number;
  outcome: ImportRowOutcome;
  reason: string;
  /** The row as the file has it, in the header's columns. */
  values: string[];
}

export interface LeadImportStore {
  /** Stores a new job (QUEUED, no lease). */
  create(job: LeadImportRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<LeadImportRecord | null>;
  /**
   * Writes the job's state and appends `errors`, in one step, only while `owner` holds the job's lease. False when
   * it does not (the lease expired and another process took the job): nothing is written. `cancelRequested` is
   * never written here.
   */
  save(job: LeadImportRecord, errors: readonly ImportRowError[], owner: string): Promise<boolean>;
  /** Marks the job for cancelling (whoever works on it stops before its next batch); the job after, or null when there is none. */
  requestCancel(tenantId: string, id: string): Promise<LeadImportRecord | null>;
  /** The job's row errors in row order, after row `afterRow` (0: from the first), at most `limit`. */
  errors(tenantId: string, id: string, afterRow: number, limit: number, outcome?: ImportRowOutcome): Promise<ImportRowError[]>;
  /** Every tenant's jobs that are QUEUED or RUNNING: the work to take up. */
  unfinished(): Promise<Array<{ tenantId: string; id: string }>>;
  /** QUEUED or RUNNING jobs of one tenant (the per-tenant limit). */
  activeCount(tenantId: string): Promise<number>;
  /** Takes the job's lease for `owner`, or renews it, for `ms`; false while another owner holds an unexpired lease. */
  lease(tenantId: string, id: string, owner: string, ms: number): Promise<boolean>;
  /** Gives the lease up (only when `owner` holds it). */
  release(tenantId: string, id: string, owner: string): Promise<void>;
  close(): Promise<void>;
}
