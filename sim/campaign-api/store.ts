// Reads and in-place mutations of the campaign-API state, shared by the route handlers and the tests.
import { randomBytes } from 'node:crypto';
import type { CallDetailRecord, CampaignActivity, CampaignApiState, Lead, LeadExtras, LeadStatus, SeedCampaign } from './seed';

export function findCampaign(state: CampaignApiState, campaignId: string): SeedCampaign | undefined {
  return state.campaigns.find((c) => c.id === campaignId);
}

/** A campaign's leads in stored (creation) order. */
export function campaignLeads(state: CampaignApiState, campaignId: string): Lead[] {
  return state.leads.filter((l) => l.campaign_id === campaignId);
}

export function findLead(state: CampaignApiState, leadId: string): Lead | undefined {
  return state.leads.find((l) => l.id === leadId);
}

export function findCdr(state: CampaignApiState, cdrId: string): CallDetailRecord | undefined {
  return state.cdrs.find((c) => c.id === cdrId);
}

/** The call uuid of an activity record (= its CDR id): every `lead_history` entry of a record carries the same one. */
export function activityCallUuid(record: CampaignActivity): string | undefined {
  return record.lead_history[0]?.uuid;
}

/** A 32-hex id no lead has yet (the vendor doc's id format). */
function newLeadId(state: CampaignApiState): string {
  const taken = new Set(state.leads.map((l) => l.id));
  let id: string;
  do id = randomBytes(16).toString('hex');
  while (taken.has(id));
  return id;
}

export interface NewLead {
  number: string;
  retries: number;
  first_name: string;
  last_name: string;
  priority: number;
  extras: LeadExtras;
}

/**
 * Appends a lead to `campaignId` (status "new", `created` = now in Unix seconds, a fresh 32-hex id) and returns
 * it. Appending to `state.leads` puts it last in its campaign's list, after every existing lead.
 */
export function addLead(state: CampaignApiState, campaignId: string, input: NewLead, nowMs: number = Date.now()): Lead {
  const lead: Lead = {
    created: Math.floor(nowMs / 1000),
    campaign_id: campaignId,
    number: input.number,
    status: 'new',
    retries: input.retries,
    first_name: input.first_name,
    last_name: input.last_name,
    priority: input.priority,
    id: newLeadId(state),
  };
  state.leads.push(lead);
  state.leadExtras[lead.id] = { ...input.extras };
  return lead;
}

/** Sets a lead's status in place; false when there is no such lead. */
export function setLeadStatus(state: CampaignApiState, leadId: string, status: LeadStatus): boolean {
  const lead = findLead(state, leadId);
  if (!lead) return false;
  lead.status = status;
  return true;
}

/** Removes a lead (in place, so `state.leads` stays the same array); false when there is no such lead. */
export function deleteLead(state: CampaignApiState, leadId: string): boolean {
  const index = state.leads.findIndex((l) => l.id === leadId);
  if (index < 0) return false;
  state.leads.splice(index, 1);
  delete state.leadExtras[leadId];
  return true;
}

/** Marks a CDR's disposition "voicemail"; false when there is no such CDR. Idempotent. */
export function setVoicemailDisposition(state: CampaignApiState, cdrId: string): boolean {
  const cdr = findCdr(state, cdrId);
  if (!cdr) return false;
  cdr.disposition = 'voicemail';
  return true;
}
