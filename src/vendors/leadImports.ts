/**
 * What every vendor's LEAD_IMPORT module (src/vendors/<key>/capabilities/leadImports.ts) shares: reading a vendor's
 * refusal, and the scope a batch is sent under. Not public API; no vendor knowledge here.
 */
import type { ImportBatchOutcome, ImportRow, ImportRowVerdict, RequestScope } from '../domain/types';
import { isSwitchboardError } from '../errors';

/**
 * The vendor's answer refused the request for good, so nothing it carried was imported: a 4xx other than 408
 * (a timeout: fate unknown) and 429 (`notSent`: sent again later). 401/403 count too: the vendor answered
 * without acting, and a row it never took is failed, not uncertain (the reason names the credentials).
 */
export function isVendorRefusal(err: unknown): err is Error & { facts: { upstreamStatus: number } } {
  if (!isSwitchboardError(err) || err.facts.notSent) return false;
  const status = err.facts.upstreamStatus;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Every row of `rowNumbers` with one verdict. */
export const everyRow = (rowNumbers: readonly number[], reason: string): ImportRowVerdict[] => rowNumbers.map((rowNumber) => ({ rowNumber, reason }));

/** The batch refused as a whole. */
export const allFailed = (rowNumbers: readonly number[], reason: string): ImportBatchOutcome => ({ failed: everyRow(rowNumbers, reason), uncertain: [] });

/** Import traffic waits behind every interactive request of the connection (DESIGN.md "Upstream rules"), whatever the caller set. */
export const bulkScope = (scope: RequestScope): RequestScope => ({ ...scope, background: true });

/**
 * A batch the vendor refused as a whole (a file, upload or lead it did not take: `isVendorRefusal`) as its rows
 * failed with the vendor's message; anything else is rethrown for the import service to judge (`LeadImporter`).
 */
export function refusedBatch(err: unknown, rows: readonly ImportRow[]): { outcome: ImportBatchOutcome } {
  if (!isVendorRefusal(err)) throw err;
  return {
    outcome: allFailed(
      rows.map((r) => r.rowNumber),
      err.message,
    ),
  };
}
