/**
 * CSV lead imports (issue 18): what the GraphQL resolvers and the file route ask for. `start` checks the mapping
 * against what the connection's vendor takes, stores the upload in the imports directory (streamed, never held
 * whole), checks the header against the mapping, and records a QUEUED job; the runner (runner.ts) does the rest.
 * Nothing reaches a vendor before the job exists.
 *
 * Every read and write names the tenant: a job id of another tenant is a job that does not exist.
 */
import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import { capabilityAt } from '../domain/fanOut';
import type { DownloadStream, InputProblem, LeadImportOptions, RequestScope, Tenant } from '../domain/types';
import { BadUserInputError } from '../errors';
import type { LiveBus } from '../live/bus';
import { csvLine, storeCsvFile } from './csvFile';
import { ImportRunner } from './runner';
import type { ImportColumns, ImportRowError, ImportRowOutcome, LeadImportRecord, LeadImportStore } from './store';

/** The client's mapping: CSV column names per unified lead field. */
export interface ImportMappingInput {
  name?: string | null;
  phones: readonly string[];
  email?: string | null;
  externalId?: string | null;
  custom?: ReadonlyArray<{ field: string; column: string }> | null;
}

export interface ImportRequest {
  connectionId: string;
  campaignNativeId: string;
  /** The upload, read once. */
  file: Readable;
  fileName: string;
  mapping: ImportMappingInput;
  options: LeadImportOptions;
}

export interface ImportLimits {
  maxFileBytes: number;
  maxRows: number;
  maxActiveJobs: number;
}

export interface LeadImportServiceOptions {
  store: LeadImportStore;
  /** Where uploads are kept until their job ends (`imports.dir`). */
  dir: string;
  tenants: ReadonlyMap<string, Tenant>;
  bus: LiveBus;
  /** `imports`, its file limit resolved. */
  imports: Config['imports'] & { maxFileBytes: number };
  /** Each tenant's overrides of the import limits (`tenants[].imports`). */
  tenantLimits: ReadonlyMap<string, Partial<ImportLimits>>;
  requestTimeoutMs: number;
  logger: Logger;
}

/** How long `leadImportCancel` waits for the job to stop before answering it as it stands. */
const CANCEL_WAIT_MS = 10_000;

/** Error rows read per page when the error file is written. */
const ERROR_FILE_PAGE = 1_000;

/** The mapping's columns in the order they are checked, with where each sits in the input. */
function mappedColumns(m: ImportMappingInput): Array<{ column: string; field: string[] }> {
  const out: Array<{ column: string; field: string[] }> = [];
  if (m.name != null) out.push({ column: m.name, field: ['mapping', 'name'] });
  m.phones.forEach((column, i) => out.push({ column, field: ['mapping', 'phones', String(i)] }));
  if (m.email != null) out.push({ column: m.email, field: ['mapping', 'email'] });
  if (m.externalId != null) out.push({ column: m.externalId, field: ['mapping', 'externalId'] });
  (m.custom ?? []).forEach((c, i) => out.push({ column: c.column, field: ['mapping', 'custom', String(i), 'column'] }));
  return out;
}

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

export class LeadImportService {
  readonly runner: ImportRunner;

  constructor(private readonly opts: LeadImportServiceOptions) {
    this.runner = new ImportRunner({
      store: opts.store,
      dir: opts.dir,
      tenants: opts.tenants,
      bus: opts.bus,
      leaseMs: opts.imports.leaseMs,
      workers: opts.imports.workers,
      requestTimeoutMs: opts.requestTimeoutMs,
      logger: opts.logger,
    });
  }

  /** Where uploads are kept until their job ends. */
  get dir(): string {
    return this.opts.dir;
  }

  /** Starts working on jobs: the unfinished ones of the previous run first. */
  startWorking(): void {
    this.runner.start();
  }

  close(graceMs: number): Promise<void> {
    return this.runner.close(graceMs);
  }

  limitsOf(tenantId: string): ImportLimits {
    const { maxFileBytes, maxRows, maxActiveJobs } = this.opts.imports;
    return { maxFileBytes, maxRows, maxActiveJobs, ...this.opts.tenantLimits.get(tenantId) };
  }

  /** Problems with the mapping on this vendor, before any of the file is read. */
  private mappingProblems(tenant: Tenant, connectionId: string, m: ImportMappingInput): InputProblem[] {
    const { member: importer, adapter } = capabilityAt(tenant, connectionId, 'LEAD_IMPORT');
    const { fields } = importer;
    const where = `connection '${connectionId}' (${adapter.vendor})`;
    const problems: InputProblem[] = [];
    if (m.phones.length === 0) problems.push({ field: ['mapping', 'phones'], message: 'phones must name at least one column' });
    if (m.phones.length > fields.maxPhones) {
      problems.push({ field: ['mapping', 'phones'], message: `${where} takes at most ${fields.maxPhones} phone number${fields.maxPhones === 1 ? '' : 's'} per lead; got ${m.phones.length}` });
    }
    for (const key of ['name', 'email', 'externalId'] as const) {
      if (m[key] != null && !fields[key]) problems.push({ field: ['mapping', key], message: `${where} has no lead field for ${key}` });
    }
    const seen = new Set<string>();
    (m.custom ?? []).forEach((c, i) => {
      if (!fields.custom.includes(c.field)) {
        const expected = fields.custom.length ? `expected one of ${fields.custom.join(', ')}` : 'it takes none';
        problems.push({ field: ['mapping', 'custom', String(i), 'field'], message: `${where} has no lead field '${c.field}' (${expected})` });
      } else if (seen.has(c.field)) {
        problems.push({ field: ['mapping', 'custom', String(i), 'field'], message: `lead field '${c.field}' is mapped twice` });
      }
      seen.add(c.field);
    });
    for (const { column, field } of mappedColumns(m)) {
      if (!column.trim()) problems.push({ field, message: 'column must not be empty' });
    }
    return problems;
  }

  /**
   * Creates a job: a user error (`problems`, field paths within the input) for what the caller can fix, with the
   * upload drained and nothing kept; BAD_USER_INPUT thrown for a file that cannot be taken (size, encoding, header:
   * `storeCsvFile`'s refusals). In this order, so a file refused is refused before any vendor call: the mapping against
   * the vendor's fields, the tenant's active jobs, the file (stored as it arrives), its header against the mapping,
   * and last the importer's target (which may read the campaign from the vendor).
   */
  async create(tenant: Tenant, req: ImportRequest, scope: RequestScope): Promise<{ job: LeadImportRecord } | { problems: InputProblem[] }> {
    const refuse = (problems: InputProblem[]) => {
      req.file.resume(); // drained: nothing of it goes anywhere
      return { problems };
    };
    const mappingProblems = this.mappingProblems(tenant, req.connectionId, req.mapping);
    if (mappingProblems.length) return refuse(mappingProblems);
    const limits = this.limitsOf(tenant.id);
    const active = await this.opts.store.activeCount(tenant.id);
    if (active >= limits.maxActiveJobs) {
      const jobs = `${active} lead import${active === 1 ? '' : 's'}`;
      return refuse([{ field: [], message: `this tenant has ${jobs} queued or running, the most it may: wait for one to end, or cancel one` }]);
    }
    const id = randomUUID();
    const file = path.join(tenant.id, `${id}.csv`);
    const full = path.join(this.opts.dir, file);
    const stored = await storeCsvFile(req.file, full, { maxBytes: limits.maxFileBytes, maxRows: limits.maxRows });
    const header = stored.header.map((h: string) => h.trim());
    const missing = mappedColumns(req.mapping).filter((c) => !header.includes(c.column.trim()));
    if (missing.length) {
      await unlink(full).catch(() => undefined);
      return { problems: missing.map(({ column, field }) => ({ field, message: `column '${column}' is not in the file's header (it has ${quoted(header)})` })) };
    }
    // Only a file that can be imported gets as far as the vendor (an importer may read the campaign to check it).
    const importer = capabilityAt(tenant, req.connectionId, 'LEAD_IMPORT').member;
    const target = await importer.target(req.campaignNativeId, req.options, scope).catch(async (err: unknown) => {
      await unlink(full).catch(() => undefined);
      throw err;
    });
    if ('problems' in target) {
      await unlink(full).catch(() => undefined);
      return { problems: target.problems };
    }
    const col = (name: string | null | undefined) => (name == null ? null : header.indexOf(name.trim()));
    const columns: ImportColumns = {
      name: col(req.mapping.name),
      phones: req.mapping.phones.map((p) => header.indexOf(p.trim())),
      email: col(req.mapping.email),
      externalId: col(req.mapping.externalId),
      custom: (req.mapping.custom ?? []).map((c) => ({ field: c.field, column: header.indexOf(c.column.trim()) })),
    };
    const job: LeadImportRecord = {
      tenantId: tenant.id,
      id,
      connectionId: req.connectionId,
      campaignNativeId: req.campaignNativeId,
      fileName: req.fileName,
      file,
      header: stored.header,
      columns,
      target: { ...target.target },
      status: 'QUEUED',
      total: stored.rows,
      sent: 0,
      succeeded: 0,
      failed: 0,
      uncertain: 0,
      cursor: { row: 1, byte: stored.dataStart },
      inflight: null,
      cancelRequested: false,
      failure: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    };
    try {
      await this.opts.store.create(job);
    } catch (err) {
      await unlink(full).catch(() => undefined);
      throw err;
    }
    this.opts.logger.info({ tenantId: tenant.id, importJob: id, connectionId: req.connectionId, rows: stored.rows, bytes: stored.bytes }, 'lead import queued');
    this.runner.kick();
    return { job };
  }

  get(tenant: Tenant, id: string): Promise<LeadImportRecord | null> {
    return this.opts.store.get(tenant.id, id);
  }

  /**
   * Asks whoever works on the job to stop before its next batch, and waits up to `waitMs` for it to say it stopped:
   * the job then (CANCELLED with what was sent, or still RUNNING when its batch in flight takes longer), or null when
   * there is no such job. A job nobody works on yet is taken up here at once, so its cancel is not queued behind others.
   */
  async cancel(tenant: Tenant, id: string, waitMs = CANCEL_WAIT_MS): Promise<LeadImportRecord | null> {
    const { store, bus } = this.opts;
    const job = await store.get(tenant.id, id);
    if (!job) return null;
    if (job.status !== 'QUEUED' && job.status !== 'RUNNING') {
      throw new BadUserInputError(`the lead import has already ended (${job.status})`);
    }
    let timer: NodeJS.Timeout | undefined;
    let off = () => {};
    const stopped = new Promise<void>((resolve) => {
      off = bus.subscribe(tenant.id, 'leadImport', (e) => {
        if (e.topic === 'leadImport' && e.job.id === id && e.job.status !== 'QUEUED' && e.job.status !== 'RUNNING') resolve();
      });
      timer = setTimeout(resolve, waitMs);
    });
    try {
      const asked = await store.requestCancel(tenant.id, id);
      if (asked?.status === 'QUEUED') await this.runner.take(tenant.id, id);
      else this.runner.kick();
      await stopped;
    } finally {
      clearTimeout(timer);
      off();
    }
    return store.get(tenant.id, id);
  }

  errors(tenant: Tenant, id: string, afterRow: number, limit: number, outcome?: ImportRowOutcome): Promise<ImportRowError[]> {
    return this.opts.store.errors(tenant.id, id, afterRow, limit, outcome);
  }

  /** The failed rows as CSV in the file's own columns, plus the row number and the reason; null when there is no such job. */
  async errorFile(tenant: Tenant, id: string): Promise<DownloadStream | null> {
    const job = await this.opts.store.get(tenant.id, id);
    if (!job) return null;
    const store = this.opts.store;
    async function* lines(): AsyncGenerator<string> {
      yield csvLine([...job!.header, 'import_row', 'import_error']);
      for (let after = 0; ;) {
        const page = await store.errors(tenant.id, id, after, ERROR_FILE_PAGE, 'FAILED');
        for (const e of page) {
          const values = job!.header.map((_h, i) => e.values[i] ?? '');
          yield csvLine([...values, String(e.rowNumber), e.reason]);
        }
        if (page.length < ERROR_FILE_PAGE) return;
        after = page[page.length - 1]!.rowNumber;
      }
    }
    const base = path.basename(job.fileName, path.extname(job.fileName)).replace(/[^\w.-]+/g, '_') || 'leads';
    return { stream: Readable.from(lines()), contentType: 'text/csv; charset=utf-8', contentLength: null, filename: `${base}-errors.csv` };
  }
}
