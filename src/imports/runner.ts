/**
 * Works CSV lead import jobs (issue 18): takes each unfinished job's lease, reads the stored file from the job's
 * cursor, and hands the connection's `LeadImporter` one batch at a time, at bulk priority (`scope.background`:
 * interactive requests and mutations take the connection's budget first).
 *
 * One batch, exactly once (src/imports/store.ts):
 *
 *   1. read rows from the cursor; malformed rows and rows the mapping leaves without a phone become FAILED rows
 *      (never sent); the rest fill the batch up to the importer's `batch.rows` and `batch.maxBytes`;
 *   2. save the batch as `inflight` (write-ahead), then submit it;
 *   3. a vendor job id is saved as `inflight.vendorRef` as soon as the vendor answers, then its outcome is asked
 *      for until the vendor has one;
 *   4. settle: counters, error rows and the cursor after the batch, `inflight` cleared, in one save.
 *
 * A process that takes over a job with an `inflight` batch (after a restart, or another replica's lease ran out)
 * asks the vendor about it when it has a `vendorRef`, and otherwise reports its rows UNCERTAIN: they may have
 * reached the vendor, so they are never sent again. Every save is fenced by the lease: a process that lost it
 * writes nothing more. On shutdown a worker finishes the step it is in (bounded by the request deadline) and
 * stops; the next process resumes from the saved cursor.
 */
import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { memberAt } from '../domain/fanOut';
import type { ImportBatchOutcome, ImportLead, ImportRow, ImportRowVerdict, LeadImporter, RequestScope, Tenant } from '../domain/types';
import { isSwitchboardError } from '../errors';
import type { LiveBus } from '../live/bus';
import { readCsvRows, type CsvRow } from './csvFile';
import type { ImportColumns, ImportCursor, ImportRowError, LeadImportRecord, LeadImportStore } from './store';

/** How long a connection may keep refusing to take a batch (`notSent`: down, or its queue full) before the job fails. */
const MAX_NOT_SENT_MS = 10 * 60_000; // 10 min
/** Batches in a row whose fate is unknown (the vendor failing mid-request) before the job stops, instead of marking every row uncertain. */
const MAX_UNKNOWN_BATCHES = 3;
/** A vendor job's outcome is asked for at this interval, doubling up to `OUTCOME_POLL_MAX_MS`. */
const OUTCOME_POLL_FIRST_MS = 250;
const OUTCOME_POLL_MAX_MS = 10_000;
/** A vendor job that has no outcome after this long: its rows are reported uncertain. */
const OUTCOME_GIVE_UP_MS = 30 * 60_000; // 30 min
/** Wait before sending a batch again that was not sent, when the refusal gives no `retryAfterMs`. */
const NOT_SENT_RETRY_MS = 1_000;
/** Rows failed before sending that one read collects at most, so a file of bad rows is settled in bounded steps. */
const MAX_FAILED_PER_READ = 1_000;

const UNCERTAIN_AFTER_RESTART = 'the gateway stopped while this row was being sent, before the vendor answered: it may have been imported, and it was not sent again';

export interface RunnerOptions {
  store: LeadImportStore;
  /** Where the jobs' files are (`LeadImportRecord.file` is relative to it). */
  dir: string;
  tenants: ReadonlyMap<string, Tenant>;
  bus: LiveBus;
  /** A job's lease, renewed at a third of it. */
  leaseMs: number;
  /** Jobs worked on at once in this process. */
  workers: number;
  /** Deadline of one vendor call, queue wait included (`server.requestTimeoutMs`). */
  requestTimeoutMs: number;
  logger: Logger;
}

const jobKey = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Values at `i`, trimmed; '' when the row is shorter. */
const at = (values: readonly string[], i: number | null) => (i === null ? '' : (values[i] ?? '').trim());

/** The unified lead a row maps to, or why it cannot be sent. */
export function leadOf(values: readonly string[], columns: ImportColumns, header: readonly string[]): ImportLead | { problem: string } {
  const phones = columns.phones.map((i) => at(values, i)).filter((v) => v !== '');
  if (phones.length === 0) {
    return { problem: `no phone number in ${columns.phones.map((i) => `'${header[i]}'`).join(', ')}` };
  }
  const orNull = (i: number | null) => at(values, i) || null;
  const custom: Record<string, string> = {};
  for (const c of columns.custom) {
    const v = at(values, c.column);
    if (v !== '') custom[c.field] = v;
  }
  return { name: orNull(columns.name), phones, email: orNull(columns.email), externalId: orNull(columns.externalId), custom };
}

interface Batch {
  rows: ImportRow[];
  /** The file's values of every row read for the batch, sent or not, for error rows. */
  values: Map<number, string[]>;
  /** Rows failed before sending (malformed, no phone, too large). */
  failed: ImportRowError[];
  next: ImportCursor;
}

export class ImportRunner {
  /** This process, as a lease owner. */
  readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly working = new Map<string, JobWorker>();
  private readonly taking = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private closed = false;

  constructor(readonly opts: RunnerOptions) {}

  /** Looks for work now and then every third of a lease (jobs whose process stopped). */
  start(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), Math.max(250, Math.floor(this.opts.leaseMs / 3)));
    this.timer.unref();
  }

  /** Looks for work now (a job was created or cancelled). */
  kick(): void {
    if (this.closed) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = this.scan()
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'lead import: looking for jobs failed; trying again'))
      .finally(() => {
        this.scanning = null;
        if (this.rescan) {
          this.rescan = false;
          this.kick();
        }
      });
  }

  /** Jobs this process works on now (tests, metrics). */
  get active(): number {
    return this.working.size;
  }

  private async scan(): Promise<void> {
    if (this.working.size >= this.opts.workers) return;
    for (const { tenantId, id } of await this.opts.store.unfinished()) {
      if (this.closed || this.working.size >= this.opts.workers) return;
      await this.take(tenantId, id);
    }
  }

  /** Works on the job here if nobody does (its lease is free), whatever the worker count: a cancel asked for is not queued. */
  async take(tenantId: string, id: string): Promise<void> {
    const key = jobKey(tenantId, id);
    // Reserved before the lease is asked for: two callers here (a scan, a cancel) share one owner, so the store cannot tell them apart.
    if (this.closed || this.working.has(key) || this.taking.has(key) || !this.opts.tenants.has(tenantId)) return;
    this.taking.add(key);
    try {
      if (!(await this.opts.store.lease(tenantId, id, this.owner, this.opts.leaseMs))) return;
    } finally {
      this.taking.delete(key);
    }
    if (this.closed) return void (await this.opts.store.release(tenantId, id, this.owner));
    const worker = new JobWorker(this, tenantId, id);
    this.working.set(key, worker);
    void worker.run().finally(() => {
      this.working.delete(key);
      this.kick();
    });
  }

  /**
   * Stops taking jobs; each worker finishes the step it is in and stops. After `graceMs` the workers still busy are
   * aborted (their vendor calls cut: a batch in flight then has an unknown fate, reported uncertain on resume).
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
    const workers = [...this.working.values()];
    for (const w of workers) w.stop();
    const all = Promise.all(workers.map((w) => w.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([all, graceOver])) === 'late') {
      for (const w of workers) w.abort();
      await all;
    }
    clearTimeout(timer);
  }
}

/** One job, worked until it ends, this process stops, or its lease is lost. */
class JobWorker {
  done: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly aborter = new AbortController();
  private readonly log: Logger;
  private renewTimer: NodeJS.Timeout | null = null;
  /** The job's file, read on from batch to batch (opened again only where the cursor jumps). */
  private rows: RowReader | null = null;

  constructor(
    private readonly runner: ImportRunner,
    private readonly tenantId: string,
    private readonly id: string,
  ) {
    this.log = runner.opts.logger.child({ tenantId, importJob: id });
  }

  /** Finish the current step, then stop. */
  stop(): void {
    this.stopping = true;
  }

  /** Stop now, cutting vendor calls in flight. */
  abort(): void {
    this.stopping = true;
    this.aborter.abort();
  }

  run(): Promise<void> {
    this.done = this.work()
      .catch((err: unknown) => this.log.error({ err }, 'lead import: the job stopped on an unexpected error; another attempt resumes it'))
      .finally(async () => {
        if (this.renewTimer) clearInterval(this.renewTimer);
        await this.rows?.close();
        await this.runner.opts.store.release(this.tenantId, this.id, this.runner.owner).catch(() => undefined);
      });
    return this.done;
  }

  private get store(): LeadImportStore {
    return this.runner.opts.store;
  }

  private scope(): RequestScope {
    return { deadlineAt: Date.now() + this.runner.opts.requestTimeoutMs, signal: this.aborter.signal, background: true };
  }

  private keepLease(): void {
    const { leaseMs } = this.runner.opts;
    this.renewTimer = setInterval(
      () => {
        this.store.lease(this.tenantId, this.id, this.runner.owner, leaseMs).then(
          (held) => {
            if (!held) {
              this.log.warn('lead import: the job lease was taken over; stopping here');
              this.abort();
            }
          },
          (err: unknown) => this.log.warn({ err }, 'lead import: renewing the job lease failed; trying again'),
        );
      },
      Math.floor(leaseMs / 3),
    );
    this.renewTimer.unref();
  }

  /** Saves (fenced by the lease) and tells subscribers; false when the lease was lost. */
  private async save(job: LeadImportRecord, errors: readonly ImportRowError[] = []): Promise<boolean> {
    if (!(await this.store.save(job, errors, this.runner.owner))) {
      this.abort();
      return false;
    }
    this.runner.opts.bus.publish(this.tenantId, { topic: 'leadImport', connectionId: job.connectionId, job: structuredClone(job), at: new Date() });
    return true;
  }

  private async finish(job: LeadImportRecord, status: 'FINISHED' | 'CANCELLED' | 'FAILED', failure: string | null = null): Promise<void> {
    job.status = status;
    job.failure = failure;
    job.finishedAt = new Date();
    if (!(await this.save(job))) return;
    // The rows that did not make it are in the store with their values; the upload itself is no longer needed.
    await unlink(path.join(this.runner.opts.dir, job.file)).catch(() => undefined);
    this.log.info({ status, total: job.total, succeeded: job.succeeded, failed: job.failed, uncertain: job.uncertain }, 'lead import ended');
  }

  private async work(): Promise<void> {
    this.keepLease();
    const job = await this.store.get(this.tenantId, this.id);
    if (!job || (job.status !== 'QUEUED' && job.status !== 'RUNNING')) return;
    const tenant = this.runner.opts.tenants.get(this.tenantId);
    const importer = tenant ? memberAt(tenant, job.connectionId, 'LEAD_IMPORT') : null;
    if (!importer) return this.finish(job, 'FAILED', `connection '${job.connectionId}' is no longer configured for lead imports`);
    if (job.status === 'QUEUED') {
      job.status = 'RUNNING';
      job.startedAt = new Date();
      if (!(await this.save(job))) return;
    }
    if (job.inflight && !(await this.resume(job, importer))) return;

    let unknownInARow = 0;
    let notSentSince: number | null = null;
    while (!this.stopping) {
      // Cancelling is asked for in the store (any replica); read it before each batch.
      const latest = await this.store.get(this.tenantId, this.id);
      if (!latest) return;
      if (latest.cancelRequested) return this.finish(job, 'CANCELLED');
      const batch = await this.read(job, importer);
      if (batch.rows.length === 0) {
        job.failed += batch.failed.length;
        job.cursor = batch.next;
        if (batch.failed.length === 0) return this.finish(job, 'FINISHED');
        if (!(await this.save(job, batch.failed))) return;
        continue;
      }
      // Write-ahead: the batch is on record before any of it can reach the vendor. Its rows failed before sending are
      // settled with it (a resume reads them again from the cursor).
      job.inflight = { rowNumbers: batch.rows.map((r) => r.rowNumber), next: batch.next, vendorRef: null };
      job.sent += batch.rows.length;
      if (!(await this.save(job))) return;
      let outcome: ImportBatchOutcome | null;
      try {
        const submitted = await importer.submit(job.target, batch.rows, this.scope());
        notSentSince = null;
        if (submitted.outcome) outcome = submitted.outcome;
        else {
          job.inflight.vendorRef = submitted.vendorRef;
          if (!(await this.save(job))) return;
          outcome = await this.outcome(job, importer, submitted.vendorRef);
          if (outcome === null) return; // stopping: the vendor job is on record, the next process asks about it
        }
        unknownInARow = 0;
      } catch (err) {
        if (isSwitchboardError(err) && err.facts.notSent && !this.aborter.signal.aborted) {
          // Nothing reached the vendor: take the batch back and send it again later.
          job.inflight = null;
          job.sent -= batch.rows.length;
          if (!(await this.save(job))) return;
          notSentSince ??= Date.now();
          if (Date.now() - notSentSince > MAX_NOT_SENT_MS) {
            return this.finish(job, 'FAILED', `connection '${job.connectionId}' took no batch for ${MAX_NOT_SENT_MS / 60_000} minutes: ${err.message}`);
          }
          await delay(err.facts.retryAfterMs ?? NOT_SENT_RETRY_MS, this.aborter.signal);
          continue;
        }
        const reason = `the vendor's answer was lost (${err instanceof Error ? err.message : String(err)}): the row may have been imported, and it was not sent again`;
        outcome = { failed: [], uncertain: batch.rows.map((r) => ({ rowNumber: r.rowNumber, reason })) };
        unknownInARow++;
      }
      if (!(await this.settle(job, outcome, batch))) return;
      if (unknownInARow >= MAX_UNKNOWN_BATCHES) {
        return this.finish(job, 'FAILED', `${MAX_UNKNOWN_BATCHES} batches in a row got no answer from connection '${job.connectionId}'; the rest of the file was not sent`);
      }
    }
  }

  /** A batch in flight when the previous process stopped: asked about, or uncertain. False when this worker must stop. */
  private async resume(job: LeadImportRecord, importer: LeadImporter): Promise<boolean> {
    const inflight = job.inflight!;
    const batch = await this.read(job, importer, inflight.next);
    let outcome: ImportBatchOutcome | null;
    if (inflight.vendorRef === null) {
      outcome = { failed: [], uncertain: inflight.rowNumbers.map((rowNumber) => ({ rowNumber, reason: UNCERTAIN_AFTER_RESTART })) };
    } else {
      outcome = await this.outcome(job, importer, inflight.vendorRef);
      if (outcome === null) return false;
    }
    return this.settle(job, outcome, batch);
  }

  /** Asks for a vendor job's outcome until it has one; null when this worker is stopping first. */
  private async outcome(job: LeadImportRecord, importer: LeadImporter, vendorRef: string): Promise<ImportBatchOutcome | null> {
    const rowNumbers = job.inflight!.rowNumbers;
    const since = Date.now();
    let wait = OUTCOME_POLL_FIRST_MS;
    for (;;) {
      if (this.stopping) return null;
      try {
        const outcome = await importer.outcome(job.target, vendorRef, rowNumbers, this.scope());
        if (outcome) return outcome;
      } catch (err) {
        if (this.aborter.signal.aborted) return null;
        this.log.warn({ err, vendorRef }, 'lead import: reading the vendor job failed; asking again');
      }
      if (Date.now() - since > OUTCOME_GIVE_UP_MS) {
        const reason = `the vendor's job ${vendorRef} had no outcome after ${OUTCOME_GIVE_UP_MS / 60_000} minutes: the row may have been imported`;
        return { failed: [], uncertain: rowNumbers.map((rowNumber) => ({ rowNumber, reason })) };
      }
      await delay(wait, this.aborter.signal);
      wait = Math.min(wait * 2, OUTCOME_POLL_MAX_MS);
    }
  }

  /** Counts the batch's outcome and its rows failed before sending, writes their error rows and moves the cursor past it. */
  private async settle(job: LeadImportRecord, outcome: ImportBatchOutcome, batch: Batch): Promise<boolean> {
    const inflight = job.inflight!;
    const sent = new Set(inflight.rowNumbers);
    const rowError = (v: ImportRowVerdict, kind: ImportRowError['outcome']): ImportRowError => ({
      rowNumber: v.rowNumber,
      outcome: kind,
      reason: v.reason,
      values: batch.values.get(v.rowNumber) ?? [],
    });
    // Only rows of this batch count, each once (a vendor report naming others is not believed).
    const failed = dedupe(outcome.failed.filter((v) => sent.has(v.rowNumber)));
    const failedRows = new Set(failed.map((v) => v.rowNumber));
    const uncertain = dedupe(outcome.uncertain.filter((v) => sent.has(v.rowNumber) && !failedRows.has(v.rowNumber)));
    job.failed += batch.failed.length + failed.length;
    job.uncertain += uncertain.length;
    job.succeeded += inflight.rowNumbers.length - failed.length - uncertain.length;
    job.cursor = inflight.next;
    job.inflight = null;
    const errors = [...batch.failed, ...failed.map((v) => rowError(v, 'FAILED')), ...uncertain.map((v) => rowError(v, 'UNCERTAIN'))].sort((a, b) => a.rowNumber - b.rowNumber);
    return this.save(job, errors);
  }

  /**
   * The next batch from the cursor: the rows to send, and the rows that fail before sending. With `until` (a batch in
   * flight when the previous process stopped), the rows before it, read again: the same batch, for its values.
   */
  private async read(job: LeadImportRecord, importer: LeadImporter, until?: ImportCursor): Promise<Batch> {
    const { rows: maxRows, maxBytes, bytesOf } = importer.batch;
    const batch: Batch = { rows: [], values: new Map(), failed: [], next: job.cursor };
    let bytes = 0;
    const fail = (rowNumber: number, values: string[], reason: string) => batch.failed.push({ rowNumber, outcome: 'FAILED', reason, values });
    const inflight = until ? new Set(job.inflight?.rowNumbers ?? []) : null;
    this.rows ??= new RowReader(path.join(this.runner.opts.dir, job.file), job.header.length);
    for (;;) {
      const at = batch.next;
      const row = await this.rows.read(at);
      if (!row) break;
      if (until) {
        if (row.rowNumber >= until.row) {
          this.rows.unread(at, row);
          break;
        }
        batch.next = row.next;
        if (inflight!.has(row.rowNumber)) batch.values.set(row.rowNumber, row.values);
        else fail(row.rowNumber, row.values, row.problem ?? problemOf(rowOf(row.rowNumber, row.values, job, importer)));
        continue;
      }
      if (batch.failed.length >= MAX_FAILED_PER_READ) {
        this.rows.unread(at, row);
        break;
      }
      if (row.problem) {
        fail(row.rowNumber, row.values, row.problem);
        batch.next = row.next;
        continue;
      }
      const mapped = rowOf(row.rowNumber, row.values, job, importer);
      if ('problem' in mapped) {
        fail(row.rowNumber, row.values, mapped.problem);
        batch.next = row.next;
        continue;
      }
      const importRow = mapped;
      const size = maxBytes && bytesOf ? bytesOf(importRow) : 0;
      // Full: this row starts the next batch (the cursor stays before it).
      if (maxBytes && bytes + size > maxBytes) {
        this.rows.unread(at, row);
        break;
      }
      bytes += size;
      batch.rows.push(importRow);
      batch.values.set(row.rowNumber, row.values);
      batch.next = row.next;
      if (batch.rows.length >= maxRows) break;
    }
    return batch;
  }
}

const sameCursor = (a: ImportCursor, b: ImportCursor) => a.row === b.row && a.byte === b.byte;

/**
 * A job's rows from one open reader while batches follow each other: `read(at)` gives the row that starts at `at`,
 * from the reader already open when it is there, from a reader opened at `at` otherwise (after a batch was taken
 * back). Opening the file and parsing a chunk per batch cost ~10 ms a batch, which a one-row batch paid per row.
 */
class RowReader {
  private iterator: AsyncGenerator<CsvRow> | null = null;
  /** Where the iterator's next row starts. */
  private position: ImportCursor | null = null;
  /** A row read but not taken (it starts the next batch), and where it starts. */
  private held: { at: ImportCursor; row: CsvRow } | null = null;

  constructor(
    private readonly file: string,
    private readonly columns: number,
  ) {}

  /** The row that starts at `at`; null at the end of the file. */
  async read(at: ImportCursor): Promise<CsvRow | null> {
    const held = this.held;
    this.held = null;
    if (held && sameCursor(held.at, at)) return held.row;
    if (!this.iterator || !this.position || !sameCursor(this.position, at)) {
      await this.close();
      this.iterator = readCsvRows(this.file, at, this.columns);
    }
    const next = await this.iterator.next();
    if (next.done) {
      this.position = null;
      return null;
    }
    this.position = next.value.next;
    return next.value;
  }

  /** Keeps `row`, which starts at `at`, for the next `read(at)`. */
  unread(at: ImportCursor, row: CsvRow): void {
    this.held = { at, row };
  }

  async close(): Promise<void> {
    const iterator = this.iterator;
    this.iterator = null;
    this.position = null;
    await iterator?.return(undefined);
  }
}

/** The row to send, or why it cannot go in any batch of this vendor (no phone; larger than the vendor's file limit). */
function rowOf(rowNumber: number, values: readonly string[], job: LeadImportRecord, importer: LeadImporter): ImportRow | { problem: string } {
  const lead = leadOf(values, job.columns, job.header);
  if ('problem' in lead) return lead;
  const row = { rowNumber, lead };
  const { maxBytes, bytesOf } = importer.batch;
  if (maxBytes && bytesOf && bytesOf(row) > maxBytes) return { problem: `the row is larger than the vendor's import file limit (${maxBytes} bytes)` };
  return row;
}

/** A row read again after a restart that was not in the batch was failed before sending; its reason again. */
const problemOf = (mapped: ImportRow | { problem: string }) => ('problem' in mapped ? mapped.problem : 'the row was not sent');

function dedupe(verdicts: ImportRowVerdict[]): ImportRowVerdict[] {
  const seen = new Set<number>();
  return verdicts.filter((v) => !seen.has(v.rowNumber) && seen.add(v.rowNumber));
}
