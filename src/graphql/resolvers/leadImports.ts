/** CSV lead imports (issue 18): the mutation, the job, its row errors, cancel and the progress subscription (src/imports/). */
import { filePath } from '../../fileLinks';
import { memberFor } from '../../domain/capabilities';
import type { InputProblem } from '../../domain/types';
import { checkFirst } from '../../domain/paging';
import { BadUserInputError, ForbiddenError } from '../../errors';
import type { Resolvers } from '../../generated/graphql';
import { hasRole } from '../../identity/principal';
import type { LeadImportRecord } from '../../imports/store';
import type { LeadImportEvent } from '../../live/events';
import { openUpload } from '../../uploads';
import { nodeKey, type GatewayContext } from '../context';
import { encodeGlobalId } from '../ids';
import { inputErrors, nodeRef, withUserErrors } from '../mutations';
import { listen } from './live';
import { loadNode } from './nodes';

const jobId = (j: LeadImportRecord) => encodeGlobalId('LeadImportJob', j.connectionId, j.id);
const ended = (j: LeadImportRecord) => j.status !== 'QUEUED' && j.status !== 'RUNNING';
/** How far a job got: a snapshot with less is older than one with more (every counter only grows). */
const progressOf = (j: LeadImportRecord) => j.sent + j.succeeded + j.failed + j.uncertain + (ended(j) ? 1 : 0) + (j.status === 'QUEUED' ? 0 : 1);

const ROW_CURSOR = /^r:(\d{1,10})$/;
const rowCursor = (rowNumber: number) => Buffer.from(`r:${rowNumber}`, 'utf8').toString('base64url');
function afterRow(after: string | null | undefined): number {
  if (after == null) return 0;
  const m = /^[A-Za-z0-9_-]{1,32}$/.test(after) ? ROW_CURSOR.exec(Buffer.from(after, 'base64url').toString('utf8')) : null;
  if (!m) throw new BadUserInputError(`expected \`after\` to be a cursor from this job's errors, got ${JSON.stringify(after.slice(0, 64))}`);
  return Number(m[1]);
}

/** The job now, then each newer snapshot of it, ending after the one that says it ended. */
async function* progress(first: LeadImportRecord, events: AsyncIterableIterator<LeadImportEvent>): AsyncGenerator<LeadImportRecord> {
  try {
    let last = first;
    yield last;
    if (ended(last)) return;
    for await (const e of events) {
      if (progressOf(e.job) <= progressOf(last)) continue;
      last = e.job;
      yield last;
      if (ended(last)) return;
    }
  } finally {
    await events.return?.();
  }
}

export const leadImportResolvers: Resolvers = {
  Query: {
    leadImportJob: (_root, { id }, ctx) => loadNode<LeadImportRecord>(id, ctx, 'LeadImportJob'),
  },

  Mutation: {
    leadsImport: async (_root, { input }, ctx) => {
      const campaign = nodeRef(ctx, input.campaignId, 'Campaign');
      const options = {
        updateDuplicates: input.options?.updateDuplicates ?? false,
        leadListNativeId: input.options?.leadListNativeId ?? null,
        vendorUserId: input.options?.vendorUserId ?? null,
      };
      // The domain's problems come back as user errors at their fields; a file it refuses (BAD_USER_INPUT) at input.file.
      let problems: readonly InputProblem[] = [];
      const out = await withUserErrors<{ job: LeadImportRecord | null }>(
        { job: null },
        async () => {
          const upload = await openUpload(input.file, 'file');
          const created = await ctx.imports
            .create(
              ctx.tenant,
              { connectionId: campaign.connectionId, campaignNativeId: campaign.nativeId, file: upload.stream, fileName: upload.file.filename, mapping: input.mapping, options },
              ctx.scope,
            )
            .catch((err: unknown) => {
              upload.stream.resume(); // a refusal before the file was read (UNSUPPORTED_BY_VENDOR) still drains it
              throw err;
            });
          if ('problems' in created) {
            problems = created.problems;
            return { job: null };
          }
          return { job: created.job };
        },
        { field: ['input', 'file'] },
      );
      return problems.length ? { job: null, userErrors: inputErrors(problems) } : out;
    },

    leadImportCancel: async (_root, { input }, ctx) => {
      const job = await loadNode<LeadImportRecord>(input.jobId, ctx, 'LeadImportJob');
      return withUserErrors<{ job: LeadImportRecord | null }>({ job: null }, async () => ({ job: await ctx.imports.cancel(ctx.tenant, job.id) }), {
        field: ['input', 'jobId'],
      });
    },
  },

  Subscription: {
    leadImportProgress: {
      // @requiresRole wraps `resolve`, which runs per event; the refusal belongs before anything is listened to.
      subscribe: async (_root, { jobId: id }, ctx: GatewayContext) => {
        if (!hasRole(ctx.principal, 'admin')) throw new ForbiddenError('Subscription.leadImportProgress needs the ADMIN role');
        const job = await loadNode<LeadImportRecord>(id, ctx, 'LeadImportJob');
        const events = listen<LeadImportEvent>(ctx, 'leadImport', [job.connectionId], (e) => e.job.id === job.id);
        // Read again once listening, so no step between the first read and the subscription is missed.
        const now = (await ctx.imports.get(ctx.tenant, job.id)) ?? job;
        return progress(now, events);
      },
      resolve: (job: LeadImportRecord) => job,
    },
  },

  LeadImportJob: {
    id: (j) => jobId(j),
    campaign: (j, _a, ctx) => ctx.loaders.campaign.load(nodeKey(j.connectionId, j.campaignNativeId)),
    columns: (j) => j.header,
    errors: async (j, { first, after, outcome }, ctx) => {
      const limit = checkFirst(first ?? 50);
      const rows = await ctx.imports.errors(ctx.tenant, j.id, afterRow(after), limit + 1, outcome ?? undefined);
      const page = rows.slice(0, limit);
      const edges = page.map((node) => ({ cursor: rowCursor(node.rowNumber), node }));
      return {
        edges,
        pageInfo: { hasNextPage: rows.length > limit, hasPreviousPage: after != null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
    errorFileUrl: (j, _a, ctx) => `${ctx.publicBaseUrl}${filePath('lead-import-errors', jobId(j))}`,
  },

  Connection: {
    leadImportFields: (c) => {
      const importer = memberFor(c, 'LEAD_IMPORT');
      return importer ? { ...importer.fields, custom: [...importer.fields.custom] } : null;
    },
  },
};
