/** The domain objects that schema types resolve from (codegen.yml `mappers`). */
import type { AgentStatusChange } from '../domain/agents';
import type { CommandUserError, DialAttempt } from '../domain/dialing';
import type { LeadImportRecord } from '../imports/store';
import type {
  Agent,
  AgentPresence,
  AgentRuntime,
  BulkUserJob,
  CampaignActivityEvent,
  Chat,
  ChatEntry,
  ChatEscalation,
  ChatInteraction,
  ContactUploadTask,
  Call,
  CallParticipant,
  CallTransfer,
  Campaign,
  CustomerFlags,
  CustomerInteraction,
  EndUser,
  Lead,
  PresenceCustomer,
  Queue,
  VendorAdapter,
  QueueSettingsVersion,
  ContactList,
  ContactListEntry,
} from '../domain/types';
import type { LazyPage, Page } from '../domain/paging';

export type AgentModel = Agent;
export type ConnectionModel = VendorAdapter;
export type AgentPageModel = Page<Agent>;
export type CallModel = Call;
export type CallPageModel = LazyPage<Call>;
export type CallTransferModel = CallTransfer;
export type CallParticipantModel = CallParticipant;
export type CallMenuModel = NonNullable<Call['selectedMenu']>;
export type CampaignModel = Campaign;
export type CampaignPageModel = Page<Campaign>;
export type LeadModel = Lead;
export type LeadPageModel = LazyPage<Lead>;
export type QueueModel = Queue;
export type EndUserModel = EndUser;
export type AgentStatusChangeModel = AgentStatusChange;
export type ForceLogoutModel = { connectionId: string; agentNativeIds: string[] | null; jobId: string | null; userErrors: CommandUserError[] };
/** Our durable job (src/imports/store.ts), not a vendor's. */
export type LeadImportJobModel = LeadImportRecord;
export type BulkUserJobModel = BulkUserJob;
export type CampaignActivityEventModel = CampaignActivityEvent;
export type CampaignActivityPageModel = LazyPage<CampaignActivityEvent>;
export type ContactUploadTaskModel = ContactUploadTask;
export type DialAttemptModel = DialAttempt;
/** An object a payload names by its connection and native id, read only when the payload's field is asked for. */
type NodeRef = { connectionId: string; nativeId: string };
/** `agentRef`: the agent the disposition was for. */
export type CallDisposeModel = { accepted: boolean; vendorReason: string | null; agentRef: NodeRef | null; userErrors: CommandUserError[] };
/** A call-data mutation's answer; `callRef` is the call. */
type CallRefModel = { callRef: NodeRef | null; userErrors: CommandUserError[] };
export type CallEndUserUpdateModel = CallRefModel & { accepted: boolean };
export type CallCustomerFlagsUpdateModel = CallRefModel & { flags: CustomerFlags | null };
export type CallCustomDataSendModel = CallRefModel & { sent: boolean };
export type AgentPresenceModel = AgentPresence & { connectionId: string };
export type PresenceCustomerModel = PresenceCustomer;
export type AgentRuntimeModel = AgentRuntime;
export type ChatInteractionModel = ChatInteraction;
export type CustomerInteractionModel = CustomerInteraction;
export type AgentRuntimePageModel = LazyPage<AgentRuntime>;
export type ChatInteractionPageModel = LazyPage<ChatInteraction>;
export type CustomerInteractionPageModel = LazyPage<CustomerInteraction>;

export type ChatModel = Chat;
export type ChatPageModel = LazyPage<Chat>;
/** A chat command's answer; `chatRef` is the chat, read only when the payload's `chat` is asked for. */
type ChatRefModel = { chatRef: NodeRef | null; userErrors: CommandUserError[] };
export type ChatMessageSendModel = ChatRefModel & { message: ChatEntry | null };
export type ChatEscalateModel = ChatRefModel & { escalation: ChatEscalation | null };
export type ChatEndUserUpdateModel = ChatRefModel & { accepted: boolean };
export type ChatCustomerFlagsUpdateModel = ChatRefModel & { flags: CustomerFlags | null };
export type ChatCustomDataSendModel = ChatRefModel & { sent: boolean };
export type QueueSettingsVersionModel = QueueSettingsVersion;
export type QueueSettingsVersionPageModel = Page<QueueSettingsVersion>;
export type ContactListModel = ContactList;
export type ContactListEntryModel = ContactListEntry;

/** Live events (issue 17): the bus's domain objects, resolved field by field (src/graphql/resolvers/live.ts). */
export type { AgentPresenceEvent as AgentPresenceChangeModel, QueueStatusEvent as QueueStatusChangeModel, CallLiveEvent as CallEventModel, ScreenPopContext as ScreenPopModel } from '../live/events';
