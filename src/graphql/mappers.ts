/** The domain objects that schema types resolve from (codegen.yml `mappers`). */
import type { Agent, AgentPresence, BulkUserJob, CampaignActivityEvent, ContactUploadTask, Call, CallParticipant, CallTransfer, Campaign, EndUser, Lead, LeadImportJob, Queue, VendorAdapter } from '../domain/types';
import type { LazyPage, Page } from './pagination';

export type AgentModel = Agent;
export type ConnectionModel = VendorAdapter;
export type AgentPageModel = Page<Agent>;
export type CallModel = Call;
export type CallPageModel = LazyPage<Call>;
export type CallTransferModel = CallTransfer;
export type CallParticipantModel = CallParticipant;
export type CampaignModel = Campaign;
export type CampaignPageModel = Page<Campaign>;
export type LeadModel = Lead;
export type LeadPageModel = LazyPage<Lead>;
export type QueueModel = Queue;
export type EndUserModel = EndUser;
export type AgentStatusChangeModel = { connectionId: string; agentNativeId: string; previousStatus: string | null; currentStatus: string | null; message: string | null };
export type ForceLogoutModel = { connectionId: string; agentNativeIds: string[]; jobId: string | null; userErrors: Array<{ field: string[] | null; message: string; code: string }> };
export type LeadImportJobModel = LeadImportJob;
export type BulkUserJobModel = BulkUserJob;
export type CampaignActivityEventModel = CampaignActivityEvent;
export type CampaignActivityPageModel = LazyPage<CampaignActivityEvent>;
export type ContactUploadTaskModel = ContactUploadTask;
export type AgentPresenceModel = AgentPresence & { connectionId: string };
/** A monitoring-table row, with the connection it came from. */
export type PresenceRowModel = { connectionId: string; row: Record<string, unknown> };
export type PresencePageModel = LazyPage<PresenceRowModel>;
