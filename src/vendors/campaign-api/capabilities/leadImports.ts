/**
 * Campaign-API CSV lead imports (issue 18): the API has no bulk path, so each row is one "Add Lead to campaign"
 * (campaign-api-9443.txt), sent through the lead store's own `createLead` at bulk priority: the connection's
 * rate limit paces the rows, and interactive requests go ahead of them.
 */
import type { ImportLead, ImportRow, LeadImporter, LeadInput } from '../../../domain/types';
import { allFailed, bulkScope, refusedBatch } from '../../leadImports';
import { createLeadStore } from './campaigns';
import type { CampaignApiContext } from './context';

/** The add-lead body's integer fields (campaign-api-9443.txt: `retries`, `priority`, `cool_off` are "int"). */
const INT_FIELDS = { retries: 'retries', priority: 'priority', cool_off: 'coolOff' } as const;
/** Its string fields, besides `number`. `first_name`/`last_name` given here win over the split `name`. */
const TEXT_FIELDS = { first_name: 'firstName', last_name: 'lastName', type: 'type', ticket_id: 'ticketId', note: 'note' } as const;

/**
 * A row as the add-lead input, or why it cannot be sent. The body has no `email` and no external id, so the
 * importer offers neither; a `name` is split at its first space into `first_name` and `last_name` (the inverse of
 * how a lead's name is read: first and last joined by a space).
 */
function leadInput(lead: ImportLead): LeadInput | string {
  const phone = lead.phones[0];
  if (!phone) return 'the row has no phone number (the add-lead body requires `number`)';
  const input: LeadInput = { phoneNumber: phone };
  const [first, ...rest] = (lead.name ?? '').split(/\s+/).filter(Boolean);
  if (first) input.firstName = first;
  if (rest.length) input.lastName = rest.join(' ');
  for (const [field, value] of Object.entries(lead.custom)) {
    if (field in INT_FIELDS) {
      if (!/^-?\d{1,15}$/.test(value.trim())) return `${field} must be an integer, got '${value}'`;
      input[INT_FIELDS[field as keyof typeof INT_FIELDS]] = Number(value.trim());
    } else if (field in TEXT_FIELDS) {
      input[TEXT_FIELDS[field as keyof typeof TEXT_FIELDS]] = value;
    }
  }
  return input;
}

export function createLeadImporter(ctx: CampaignApiContext): LeadImporter {
  const store = createLeadStore(ctx);
  return {
    fields: { name: true, email: false, externalId: false, maxPhones: 1, custom: [...Object.keys(TEXT_FIELDS), ...Object.keys(INT_FIELDS)] },
    // One add-lead per row: the API takes leads one at a time.
    batch: { rows: 1 },
    async target(campaignNativeId, _options, scope) {
      // The (cached) leads-by-status report names every campaign: one read saves a job of rows each refused.
      const known = (await ctx.listCampaigns(scope)).some((c) => c.nativeId === campaignNativeId);
      if (!known) return { problems: [{ field: ['campaignId'], message: `campaign '${campaignNativeId}' is not a campaign of connection '${ctx.cid}'` }] };
      return { target: { campaignNativeId } };
    },
    async submit(target, rows, scope) {
      if (rows.length !== 1) throw new TypeError(`expected a batch of 1 row (batch.rows), got ${rows.length}`);
      const row: ImportRow = rows[0]!;
      const input = leadInput(row.lead);
      // A row the body cannot carry is refused here, without spending the vendor's budget on a certain 400.
      if (typeof input === 'string') return { outcome: allFailed([row.rowNumber], input) };
      try {
        await store.createLead(String(target['campaignNativeId']), input, bulkScope(scope));
        return { outcome: { failed: [], uncertain: [] } };
      } catch (err) {
        // The vendor answered and refused (400 "The information sent is invalid."): the row failed. `notSent`
        // errors and everything else (5xx, timeouts, an unreadable 2xx) go up: sent again, or marked uncertain.
        return refusedBatch(err, rows);
      }
    },
    async outcome() {
      throw new TypeError('campaign-api lead imports settle each row when it is submitted; there is no vendor job to ask about');
    },
  };
}
