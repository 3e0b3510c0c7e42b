/**
 * Vendor-neutral types and the capability interfaces vendor adapters implement. Nothing here knows a
 * URL, a wire field or GraphQL.
 */
import type { Config } from '../config/schema';
import type { VendorKey } from '../errors';
import type { RequestScope } from '../upstream/types';
import type { Upstream } from '../upstream/createUpstream';

export type { VendorKey, RequestScope };

export type AgentStatus = 'AVAILABLE' | 'ON_CALL' | 'WRAP_UP' | 'AWAY' | 'OFFLINE' | 'UNKNOWN';

/** What a connection can do; served by `Query.connections` as the feature table (schema/connections.graphql). */
export type Capability =
  | 'AGENT_DIRECTORY'
  | 'AGENT_PRESENCE'
  | 'AGENT_CONTROL'
  | 'CALL_LOG'
  | 'CALL_CREATE'
  | 'CALL_DATA'
  | 'CAMPAIGN_CATALOG'
  | 'LEAD_STORE'
  | 'SMS'
  | 'QUEUE_STATUS'
  | 'END_USERS'
  | 'DNC'
  | 'CRM_DATA'
  | 'BULK_USERS'
  | 'LEAD_STATUS'
  | 'CAMPAIGN_ACTIVITY'
  | 'CALL_DISPOSITION'
  | 'CONTACT_UPLOAD'
  | 'DIALER'
  | 'RECORDINGS'
  | 'PRESENCE_TABLES'
  | 'CHAT_LOG'
  | 'CHAT_CONTROL'
  | 'QUEUE_SETTINGS'
  | 'CONTACT_LISTS'
  | 'LEAD_IMPORT';

export interface Agent {
  connectionId: string;
  vendor: VendorKey;
  /** The vendor's own id, as a string (numeric ids are stringified). */
  nativeId: string;
  name: string;
  email: string | null;
  /** Phone extension or agent number, where the vendor has one. */
  extension: string | null;
  status: AgentStatus;
  /** The vendor's status value as it came (`'Wrap-up'`, `'idle'`, `'On Call'`). */
  rawStatus: string;
  statusChangedAt: Date | null;
  /** What the agent is doing now, where the vendor reports it (Ameyo user sessions). */
  presence?: AgentPresence | null;
  /** The wire record, for the `raw: JSON` escape hatch. */
  raw: unknown;
}

export interface AgentPresence {
  sessionId: string | null;
  campaign: { nativeId: string; name: string | null } | null;
  queue: { nativeId: string; name: string | null } | null;
  interactionId: string | null;
  /** VOICE, CHAT, ... as the vendor names the channel. */
  channel: string | null;
  customerStatus: string | null;
  customer: { nativeId: string | null; name: string | null; phone: string | null; crtObjectId: string | null } | null;
  /** The vendor's id of the current call (Ameyo crt object id), when on one. */
  callNativeId: string | null;
  /** The vendor's id of the agent's own voice leg (Ameyo userCRTObjectId), when the vendor reports it. */
  agentLegNativeId: string | null;
  waiting: boolean | null;
}

/**
 * Agent filters shaped by what an agent is, not by any vendor's query language: the agent service applies
 * each one to every agent a connection returns (src/domain/agents.ts `matchesCriteria`), and a directory
 * that can filter on the vendor's side (`AgentDirectory.filterAgents`) narrows its read with them first.
 * An empty list or a null sets no condition.
 */
export interface AgentCriteria {
  /** `Agent.extension` is one of these. */
  extensions?: readonly string[] | null;
  /** Logged in (any status but OFFLINE) when true; OFFLINE when false. */
  online?: boolean | null;
  /** `Agent.statusChangedAt` at or after this time. */
  statusChangedAfter?: Date | null;
  /** `Agent.statusChangedAt` at or before this time. */
  statusChangedBefore?: Date | null;
}

/** Lists and fetches a connection's agents, with their current presence. */
export interface AgentDirectory {
  /** Every agent of the connection (the adapter pages through the vendor's list). */
  listAgents(scope: RequestScope): Promise<Agent[]>;
  /** Agents by native id, in key order; null where the vendor has no such agent. */
  getAgents(nativeIds: readonly string[], scope: RequestScope): Promise<Array<Agent | null>>;
  /**
   * Vendor-side filtering, where the vendor has it: every agent of `listAgents` that matches `criteria`,
   * and possibly others (the service applies `criteria` again, so a vendor may narrow by some fields only).
   */
  filterAgents?(criteria: AgentCriteria, scope: RequestScope): Promise<Agent[]>;
  /**
   * The vendor's own filter language, offered as the escape hatch `AgentFilter.vendorFilter.<field>` of the
   * schema (schema/agents.graphql): `raw` is that input object as the client sent it. When a client sets it,
   * only connections whose directory declares that `field` answer.
   */
  readonly vendorFilter?: {
    readonly field: string;
    filterAgents(raw: unknown, criteria: AgentCriteria, scope: RequestScope): Promise<Agent[]>;
  };
}

/** Sets statuses and logs agents out. */
export interface AgentControl {
  updateStatuses(
    req: { status: string; agentIds: readonly string[]; teamIds: readonly string[] },
    scope: RequestScope,
  ): Promise<Array<{ agentNativeId: string; previousStatus: string | null; currentStatus: string | null; message: string | null }>>;
  /**
   * Logs agents out. `agentNativeIds`: who was logged out now; empty when the vendor runs it as a background job
   * (`jobId`); null when the vendor accepted the logout with an answer that does not say who.
   */
  forceLogout(
    req: { agentIds: readonly string[]; teamIds: readonly string[]; ipAddresses: readonly string[] },
    scope: RequestScope,
  ): Promise<{ agentNativeIds: string[] | null; jobId: string | null }>;
}

// ---------------------------------------------------------------------------------------------- calls

export type CallStatus =
  | 'SELECTING'
  | 'QUEUED'
  | 'ASSIGNED'
  | 'CONNECTING'
  | 'CONNECTED'
  | 'FINISHED'
  | 'FAILED'
  | 'SWITCHING'
  | 'RECOVERED'
  | 'SCHEDULED'
  | 'ACTION_ONLY'
  | 'ACTION_ONLY_FINISHED'
  | 'DEFLECTED'
  | 'VOICEMAIL'
  | 'VOICEMAIL_RECEIVED'
  | 'VOICEMAIL_READ'
  | 'UNKNOWN';
export type CallType = 'OUTBOUND' | 'INBOUND' | 'SCHEDULED' | 'UNKNOWN';
export type CallDirection = 'INBOUND' | 'OUTBOUND' | 'UNKNOWN';

export interface MenuPath {
  name: string | null;
  materializedPath: string | null;
}

export interface CallTransfer {
  connectionId: string;
  status: string | null;
  failReason: string | null;
  createdAt: Date | null;
  fromMenu: MenuPath | null;
  toMenu: MenuPath | null;
  fromAgentNativeId: string | null;
  toAgentNativeId: string | null;
}

/**
 * What a record (a call, a chat) itself says of its agent: enough to answer `agent { name }` without reading the
 * agent. Null on the record when it names no agent or carries no name.
 */
export interface AgentSummary {
  name: string;
  extension: string | null;
}

export interface CallParticipant {
  connectionId: string;
  type: string | null;
  status: string | null;
  agentNativeId: string | null;
  endUserNativeId: string | null;
  callDuration: number | null;
  holdDuration: number | null;
  connectedAt: Date | null;
  endedAt: Date | null;
  failReason: string | null;
}

export interface Call {
  connectionId: string;
  vendor: VendorKey;
  nativeId: string;
  status: CallStatus;
  rawStatus: string;
  type: CallType;
  rawType: string | null;
  direction: CallDirection;
  lang: string | null;
  createdAt: Date | null;
  queuedAt: Date | null;
  assignedAt: Date | null;
  connectedAt: Date | null;
  endedAt: Date | null;
  scheduledAt: Date | null;
  waitDuration: number | null;
  callDuration: number | null;
  holdDuration: number | null;
  /** The handling agent's native id; resolved to an Agent through the loader. */
  agentNativeId: string | null;
  /** What the call record itself says of that agent (the Apps API's `agent_info`). */
  agentSummary: AgentSummary | null;
  endUser: { nativeId: string | null; identifier: string | null } | null;
  recording: { url: string; permission: string | null } | null;
  transfers: CallTransfer[];
  participants: CallParticipant[];
  selectedMenu: { id: string; name: string | null; menuType: string | null } | null;
  menuPath: MenuPath | null;
  failReason: string | null;
  failDetails: string | null;
  parentNativeId: string | null;
  /** When the vendor last changed the record (the call log's tailing key); null when it does not say. */
  updatedAt: Date | null;
  raw: unknown;
}

/** The order of a call log read: the vendor's own (null), or by when each call last changed. */
export type CallOrder = 'UPDATED_ASC' | 'UPDATED_DESC';

export interface CallQuery {
  statuses?: readonly CallStatus[] | null;
  types?: readonly CallType[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  /** Only calls changed at or after this instant (tailing the log); all when null or absent. */
  updatedAfter?: Date | null;
  /** Default null: the vendor's default order. */
  order?: CallOrder | null;
}

/** A slice of a vendor list: `items` from `offset`, and the vendor's total when it says. */
export interface PageResult<T> {
  items: T[];
  total: number | null;
}

export interface CallLog {
  listCalls(q: CallQuery, offset: number, limit: number, scope: RequestScope): Promise<PageResult<Call>>;
  getCall(nativeId: string, scope: RequestScope): Promise<Call | null>;
}

export interface CallCreateRequest {
  type: Exclude<CallType, 'UNKNOWN'>;
  agentEmail?: string | null;
  endUserNumber?: string | null;
  ticketId?: string | null;
  /** The menu the call belongs to (a Queue's native id; the Apps API's `menu_id`). */
  queueNativeId?: string | null;
  outboundNumber?: string | null;
  lang: string;
  recordingPermission?: 'NOT_ASKED' | 'DENIED' | 'GRANTED' | null;
  scheduledAt?: Date | null;
  parentCallNativeId?: string | null;
}

/** `accepted`: the vendor took the request but an agent must complete it (Apps API 202). */
export type CallCreateResult = { kind: 'created'; call: Call } | { kind: 'accepted' };

/** A problem with a request that the caller can fix; `field` is the path within the request (`['queueNativeId']`). */
export interface InputProblem {
  field: string[];
  message: string;
}

export interface CallCreator {
  /** The vendor's rules for a request, checked before anything is sent; empty when it may be sent. */
  inputProblems(req: CallCreateRequest): InputProblem[];
  createCall(req: CallCreateRequest, scope: RequestScope): Promise<CallCreateResult>;
}

export interface CustomerFlags {
  verifiedCustomer: boolean;
  badActor: boolean;
  repeatCustomer: boolean;
}

export interface CallData {
  updateEndUser(callNativeId: string, endUser: { identifier: string; name?: string | null; email?: string | null; phone?: string | null }, scope: RequestScope): Promise<void>;
  getCustomerFlags(callNativeId: string, scope: RequestScope): Promise<CustomerFlags>;
  updateCustomerFlags(callNativeId: string, flags: Partial<CustomerFlags>, scope: RequestScope): Promise<CustomerFlags>;
  sendCustomData(callNativeId: string, fields: ReadonlyArray<{ key: string; label?: string | null; value: unknown }>, signed: boolean, scope: RequestScope): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- chats

/** A chat's state, normalised; `rawStatus` keeps the vendor value. */
export type ChatStatus = 'SELECTING' | 'VIRTUAL_AGENT' | 'QUEUED' | 'ASSIGNED' | 'FINISHED' | 'FAILED' | 'DISMISSED' | 'VIRTUAL_AGENT_DISMISSED' | 'DEFLECTED' | 'UNKNOWN';

/** One line of a chat: a message sent in it, or a line of the transcript imported when it was created. */
export interface ChatEntry {
  nativeId: string | null;
  /** Who wrote it, as the vendor says (`end_user`, `agent`, `virtual_agent`). */
  from: string | null;
  /** The vendor's id of the writer (an agent's or the end user's). */
  fromNativeId: string | null;
  type: string | null;
  content: string | null;
  mediaId: string | null;
  sentAt: Date | null;
}

export interface Chat {
  connectionId: string;
  vendor: VendorKey;
  nativeId: string;
  status: ChatStatus;
  rawStatus: string;
  statusText: string | null;
  /** `web`, `mobile`, ... as the vendor says. */
  channel: string | null;
  lang: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  endedAt: Date | null;
  /** The human agent's native id; resolved to an Agent through the loader. */
  agentNativeId: string | null;
  /** What the chat record itself says of that agent (the Apps API's `agent`). */
  agentSummary: AgentSummary | null;
  endUser: { nativeId: string | null; identifier: string | null } | null;
  queue: { nativeId: string; name: string | null } | null;
  /** The transcript the vendor gives (imported at creation); null where it gives none. */
  transcript: ChatEntry[] | null;
  messages: ChatEntry[];
  deflectionChannel: string | null;
  raw: unknown;
}

export interface ChatQuery {
  statuses?: readonly ChatStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export interface ChatLog {
  listChats(q: ChatQuery, offset: number, limit: number, scope: RequestScope): Promise<PageResult<Chat>>;
  getChat(nativeId: string, scope: RequestScope): Promise<Chat | null>;
}

export interface ChatMedia {
  mediaId: string;
  url: string | null;
  kind: 'PHOTO' | 'VIDEO' | null;
  storagePath: string | null;
  photoType: string | null;
}

export interface ChatEscalation {
  nativeId: string;
  reason: string | null;
  forced: boolean | null;
  deflectionChannel: string | null;
  createdAt: Date | null;
}

export interface ChatCreateRequest {
  queueNativeId: string;
  endUserNativeId: string;
  lang?: string | null;
  email?: string | null;
  context?: Record<string, unknown> | null;
  transcript?: Record<string, unknown> | null;
}

/** The commands on a chat: create, finish, resume, messages, escalation, media, and the chat's data. */
export interface ChatControl {
  /** The chat as the commands' API reports it now (a command payload's `chat`); null when the vendor has no such chat. */
  readChat(chatNativeId: string, scope: RequestScope): Promise<Chat | null>;
  createChat(req: ChatCreateRequest, scope: RequestScope): Promise<Chat>;
  finishChat(chatNativeId: string, req: { finishedByAgentNativeId?: string | null; deflectionChannel?: string | null; escalationNativeId?: string | null }, scope: RequestScope): Promise<Chat>;
  resumeChat(chatNativeId: string, scope: RequestScope): Promise<Chat>;
  sendMessage(chatNativeId: string, req: { fromUserNativeId: string; type: string; content?: string | null; mediaId?: string | null }, scope: RequestScope): Promise<ChatEntry>;
  escalate(chatNativeId: string, req: { reason?: string | null; force?: boolean | null }, scope: RequestScope): Promise<ChatEscalation>;
  setEscalationDeflection(chatNativeId: string, escalationNativeId: string, deflectionChannel: string, scope: RequestScope): Promise<ChatEscalation>;
  addPhotos(chatNativeId: string, photos: ReadonlyArray<{ storagePath: string; photoType?: string | null }>, scope: RequestScope): Promise<ChatMedia[]>;
  addVideo(chatNativeId: string, storagePath: string, scope: RequestScope): Promise<ChatMedia>;
  listMedia(chatNativeId: string, kind: 'PHOTO' | 'VIDEO', scope: RequestScope): Promise<ChatMedia[]>;
  getMedia(chatNativeId: string, mediaId: string, scope: RequestScope): Promise<ChatMedia | null>;
  mediaUploadUrl(chatNativeId: string, kind: 'PHOTO' | 'VIDEO', scope: RequestScope): Promise<{ url: string; storagePath: string | null; expiresAt: Date | null }>;
  updateEndUser(chatNativeId: string, endUser: { identifier: string; name?: string | null; email?: string | null; phone?: string | null }, scope: RequestScope): Promise<void>;
  getCustomerFlags(chatNativeId: string, scope: RequestScope): Promise<CustomerFlags>;
  updateCustomerFlags(chatNativeId: string, flags: Partial<CustomerFlags>, scope: RequestScope): Promise<CustomerFlags>;
  sendCustomData(chatNativeId: string, fields: ReadonlyArray<{ key: string; label?: string | null; value: unknown }>, signed: boolean, scope: RequestScope): Promise<void>;
}

// ------------------------------------------------------------------------------- campaigns and leads

export type CampaignStatus = 'ACTIVE' | 'PAUSED' | 'STOPPED' | 'COMPLETED' | 'DRAFT' | 'UNKNOWN';

export type LeadStatus =
  | 'NEW'
  | 'DIALING'
  | 'QUEUED'
  | 'CONNECTED'
  | 'COMPLETED'
  | 'TRANSFERRED'
  | 'NO_ANSWER'
  | 'BUSY'
  | 'ABANDONED'
  | 'SKIPPED'
  | 'CLOSED'
  | 'VOICEMAIL'
  | 'INVALID_NUMBER'
  | 'FAILED'
  | 'RETRY_SCHEDULED'
  | 'DO_NOT_CALL'
  | 'UNKNOWN';

/**
 * A value the vendor sent in a shape the gateway cannot read, with the reason: the field it would fill answers an
 * UPSTREAM_ERROR instead of a guess (never a silent zero).
 */
export interface Unreadable {
  readonly unreadable: string;
}

export interface LeadStats {
  total: number;
  byStatus: Array<{ status: LeadStatus; rawStatus: string; count: number }>;
}

export interface Campaign {
  connectionId: string;
  vendor: VendorKey;
  nativeId: string;
  name: string;
  status: CampaignStatus;
  rawStatus: string;
  mode: string | null;
  /** Null when the vendor gives none. */
  leadStats: LeadStats | Unreadable | null;
  raw: unknown;
}

export interface CampaignCatalog {
  listCampaigns(scope: RequestScope): Promise<Campaign[]>;
  getCampaigns(nativeIds: readonly string[], scope: RequestScope): Promise<Array<Campaign | null>>;
}

export interface Lead {
  connectionId: string;
  vendor: VendorKey;
  nativeId: string;
  campaignNativeId: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phoneNumber: string | null;
  status: LeadStatus;
  rawStatus: string;
  priority: number | null;
  retries: number | null;
  externalId: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  raw: unknown;
}

export interface LeadInput {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
  outboundNumber?: string | null;
  externalId?: string | null;
  retries?: number | null;
  type?: string | null;
  priority?: number | null;
  ticketId?: string | null;
  note?: string | null;
  coolOff?: number | null;
}

/** One page of a vendor list read from an opaque start key (page/per offsets and `next_start_key` alike). */
export interface KeyedPage<T> {
  items: T[];
  /** Where the next page starts; null after the last page. */
  nextKey: string | null;
  /** The list's total, read only when asked for; null when the vendor does not say. */
  total: () => Promise<number | null>;
}

/** A problem a vendor reports with a row of an uploaded file (bulk users). */
export interface ImportRowError {
  row: number | null;
  column: string | null;
  message: string;
}

/** A file received from a client: `filename` is for messages only, never a path. */
export interface UploadedFile {
  filename: string;
  content: Buffer;
}

export interface LeadStore {
  /** Input fields this vendor takes for a lead; others are refused with a user error. */
  readonly inputFields: ReadonlyArray<keyof LeadInput>;
  /** Leads from `startKey` (null: the first page). Status filters the vendor cannot apply are applied to each page. */
  listLeads(campaignNativeId: string, q: { statuses?: readonly LeadStatus[] | null }, startKey: string | null, limit: number, scope: RequestScope): Promise<KeyedPage<Lead>>;
  getLead(campaignNativeId: string, leadNativeId: string, scope: RequestScope): Promise<Lead | null>;
  createLead(campaignNativeId: string, input: LeadInput, scope: RequestScope): Promise<Lead>;
  updateLead(campaignNativeId: string, leadNativeId: string, input: LeadInput, scope: RequestScope): Promise<Lead>;
  deleteLead(campaignNativeId: string, leadNativeId: string, scope: RequestScope): Promise<void>;
}

/** Sets a lead's status, where the vendor allows it. */
export interface LeadStatusSetter {
  setLeadStatus(campaignNativeId: string, leadNativeId: string, status: LeadStatus, scope: RequestScope): Promise<void>;
}

export type BulkUserJobStatus = 'CREATED' | 'VALID_SCHEME' | 'INVALID_SCHEME' | 'IN_PROGRESS' | 'FINISHED' | 'UNKNOWN';

export interface BulkUserJob {
  connectionId: string;
  nativeId: string;
  status: BulkUserJobStatus;
  rawStatus: string;
  filename: string | null;
  totalRows: number | null;
  affectedRows: number | null;
  failedRows: number | null;
  createdAt: Date | null;
  processRequestedAt: Date | null;
  schemeErrors: Array<ImportRowError & { errorType: string | null }>;
  updateErrors: Array<ImportRowError & { errorType: string | null }>;
  raw: unknown;
}

/** Bulk user management: a template, upload (validated by the vendor), proceed, and job status. */
export interface BulkUserAdmin {
  template(scope: RequestScope): Promise<unknown>;
  upload(file: UploadedFile, jobNativeId: string | null, scope: RequestScope): Promise<BulkUserJob>;
  proceed(jobNativeId: string, scope: RequestScope): Promise<BulkUserJob>;
  getJob(jobNativeId: string, scope: RequestScope): Promise<BulkUserJob | null>;
}

// ------------------------------------------------------------------------------- queue settings (issue 16)

/** A saved copy of a tenant's queue settings (queue menus, audio files, chat shortcuts, contact lists). */
export interface QueueSettingsVersion {
  connectionId: string;
  nativeId: string;
  /** The vendor's version identifier (a UUID), which a restore may name. */
  revision: string | null;
  createdAt: Date | null;
  /** Saved by an auto-save rather than an export or import. */
  autoSaved: boolean | null;
  /** The user the version was saved for. */
  email: string | null;
  includesAudioFiles: boolean | null;
  includesAttachedFiles: boolean | null;
  raw: unknown;
}

export interface QueueSettingsFileOptions {
  audioFiles: boolean;
  attachedFiles: boolean;
}

/** Export, import and version history of a tenant's queue settings. */
export interface QueueSettingsAdmin {
  listVersions(scope: RequestScope): Promise<QueueSettingsVersion[]>;
  getVersion(nativeId: string, scope: RequestScope): Promise<QueueSettingsVersion | null>;
  /** The version's settings file (JSON or ZIP), streamed; null when there is no such version. */
  openVersion(nativeId: string, scope: RequestScope): Promise<DownloadStream | null>;
  /** Exports the settings; answers the version the export saved. */
  exportSettings(opts: QueueSettingsFileOptions, scope: RequestScope): Promise<QueueSettingsVersion>;
  /** Imports a settings file (a JSON object, or a ZIP that streams) for the user `email`; answers the version it saved. */
  importSettings(file: { contentType: 'application/json' | 'application/zip'; content: Buffer | AsyncIterable<Buffer> }, email: string, scope: RequestScope): Promise<QueueSettingsVersion>;
  autoSave(opts: QueueSettingsFileOptions, scope: RequestScope): Promise<QueueSettingsVersion>;
  /** Restores a version (by id and/or revision; neither: the last saved one); answers the version restored. */
  restore(req: { versionNativeId: string | null; revision: string | null; email: string }, scope: RequestScope): Promise<QueueSettingsVersion>;
}

// -------------------------------------------------------------------------------- contact lists (issue 16)

export type ContactListKind = 'CUSTOM' | 'GLOBAL' | 'UNKNOWN';

export interface ContactListEntry {
  connectionId: string;
  contactListNativeId: string;
  nativeId: string;
  name: string | null;
  phoneNumber: string | null;
  raw: unknown;
}

export interface ContactList {
  connectionId: string;
  nativeId: string;
  name: string | null;
  kind: ContactListKind;
  rawKind: string | null;
  entries: ContactListEntry[];
  raw: unknown;
}

export interface ContactListEntryInput {
  name: string;
  phoneNumber: string;
}

/** Custom contact lists, and the entries of custom and global lists. The vendor documents no list or read of them. */
export interface ContactListAdmin {
  createList(input: { name: string; entries: readonly ContactListEntryInput[] }, scope: RequestScope): Promise<ContactList>;
  updateList(nativeId: string, input: { name: string }, scope: RequestScope): Promise<ContactList>;
  deleteList(nativeId: string, scope: RequestScope): Promise<void>;
  addEntries(listNativeId: string, entries: readonly ContactListEntryInput[], scope: RequestScope): Promise<ContactListEntry[]>;
  updateEntry(listNativeId: string, entryNativeId: string, input: Partial<ContactListEntryInput>, scope: RequestScope): Promise<ContactListEntry>;
  deleteEntry(listNativeId: string, entryNativeId: string, scope: RequestScope): Promise<void>;
}

// ------------------------------------------------------------------------------------------- queues

export type QueueChannel = 'VOICE' | 'CHAT';

export interface Queue {
  connectionId: string;
  vendor: VendorKey;
  nativeId: string;
  name: string | null;
  lang: string | null;
  menuType: string | null;
  currentWait: number | null;
  scheduledCallbackWait: number | null;
  loggedInAgentCount: number | null;
  availableAgentCount: number | null;
  extension: string | null;
  strategy: string | null;
  /** Longest a caller may wait in the queue, in seconds. */
  maxWait: number | null;
  agentCount: number | null;
  idleAgentCount: number | null;
  onCallAgentCount: number | null;
  loggedOutAgentCount: number | null;
  /** The queue's agents, when the vendor lists them with the queue (the same Agent objects `agents` returns). */
  agents: Agent[] | null;
  raw: unknown;
}

export interface QueueStatusSource {
  listQueues(lang: string, scope: RequestScope): Promise<Queue[]>;
  /** Per-queue estimated waits, where the vendor reports them. */
  waitTimes?(lang: string, scope: RequestScope): Promise<Map<string, { voice: number | null; chat: number | null }>>;
  /** After-hours and over-capacity flags, where the vendor reports them. */
  operationStatus?(queueNativeId: string, lang: string, channel: QueueChannel, scope: RequestScope): Promise<{ afterHours: boolean; overCapacity: boolean }>;
}

export type CallDisposition = 'VOICEMAIL' | 'NO_ANSWER' | 'BUSY' | 'CALLBACK' | 'COMPLETED' | 'WRONG_NUMBER' | 'DO_NOT_CALL';

export interface CallDisposer {
  /** The dispositions this vendor can set; others are UNSUPPORTED_BY_VENDOR. */
  readonly dispositions: readonly CallDisposition[];
  setDisposition(callNativeId: string, disposition: CallDisposition, scope: RequestScope): Promise<void>;
}

/** One lead-history record of a campaign (campaign-api-9443.txt "Get Campaigns activity"). */
export interface CampaignActivityEvent {
  connectionId: string;
  time: Date;
  campaignNativeId: string | null;
  campaignName: string | null;
  leadName: string | null;
  leadNumber: string | null;
  agentNativeId: string | null;
  agentName: string | null;
  agentExtension: string | null;
  eventType: string | null;
  type: string | null;
  callUuid: string | null;
  raw: unknown;
}

export interface CampaignActivitySource {
  listActivity(q: { from: Date; to: Date }, startKey: string | null, limit: number, scope: RequestScope): Promise<KeyedPage<CampaignActivityEvent>>;
  /**
   * Which events belong to these campaigns. The activity service keeps only those, page by page, so a
   * vendor that cannot filter by campaign (or whose events name their campaign but carry no id) can.
   */
  campaignFilter(campaignNativeIds: readonly string[], scope: RequestScope): Promise<(e: CampaignActivityEvent) => boolean>;
  /** The campaign an event belongs to, where the connection can tell. */
  campaignOf(e: CampaignActivityEvent, scope: RequestScope): Promise<Campaign | null>;
  /** The agent an event names, where the connection can tell. */
  agentOf(e: CampaignActivityEvent, scope: RequestScope): Promise<Agent | null>;
}

// --------------------------------------------------------- contact uploads, dialing, recordings, presence

export interface ContactUploadTask {
  connectionId: string;
  campaignNativeId: string;
  leadListNativeId: string;
  /** The vendor's task id, exactly as it printed it (Ameyo's are near or past 2^53). */
  taskId: string;
}

export interface ContactUploadRequest {
  campaignNativeId: string;
  leadListNativeId: string;
  userId: string;
  /** Vendor field -> CSV column. */
  headerMapping: ReadonlyArray<{ field: string; column: string }>;
  updateDuplicates: boolean;
  churnUpdatedRecords: boolean;
  migrate: boolean;
  filename: string;
  /** The CSV, streamed; read once. */
  content: AsyncIterable<Buffer>;
}

export interface ContactUploadErrorRow {
  /** 1-based data row of the uploaded file. */
  rowNumber: number | null;
  reason: string;
  values: Array<{ column: string; value: string }>;
}

export interface ContactUploader {
  /** The vendor fields a header mapping may target. */
  readonly contactFields: readonly string[];
  upload(req: ContactUploadRequest, scope: RequestScope): Promise<ContactUploadTask>;
  errorRows(task: ContactUploadTask, scope: RequestScope): Promise<ContactUploadErrorRow[]>;
  openErrorFile(task: ContactUploadTask, scope: RequestScope): Promise<DownloadStream>;
}

/** A body streamed from the vendor to the client. */
export interface DownloadStream {
  stream: import('node:stream').Readable;
  contentType: string;
  contentLength: number | null;
  filename: string;
}

/** The vendor's answer to a dial or dispose command: Ameyo's `{result, reason}`. */
export interface DialResult {
  success: boolean;
  reason: string | null;
}

export interface Dialer {
  dial(req: { userId: string; campaignId: string; phone: string; customerRecord?: unknown; extraParams?: unknown; shouldAddCustomer?: boolean | null }, scope: RequestScope): Promise<DialResult>;
  dispose(
    req: {
      userId: string;
      dispositionCode: string;
      callbackTime?: Date | null;
      selfCallback?: boolean | null;
      phone?: string | null;
      notes?: string | null;
      requestId: string;
      /** The call meant, when the caller knows it (Ameyo's CRM dispose URL names it): the vendor refuses to dispose any other. */
      crtObjectId?: string | null;
    },
    scope: RequestScope,
  ): Promise<DialResult>;
  disposeAndDial(
    req: { userId: string; campaignContextId: string; crtObjectId: string; userCrtObjectId?: string | null; dispositionCode: string; phone: string; customerId?: string | null; requestId: string },
    scope: RequestScope,
  ): Promise<DialResult>;
}

export type RecordingFormat = 'WAV' | 'MP3';

export interface RecordingSource {
  /** The recording as a stream, or null when the vendor has none. */
  open(callNativeId: string, format: RecordingFormat, scope: RequestScope): Promise<DownloadStream | null>;
  /** Whether the vendor has the recording, with its type and size, without downloading it; null when it has none. */
  probe(callNativeId: string, format: RecordingFormat, scope: RequestScope): Promise<{ contentType: string; contentLength: number | null } | null>;
}

/** A campaign or queue an interaction belongs to. */
export interface PresenceRef {
  nativeId: string;
  name: string | null;
}

export interface PresenceCustomer {
  nativeId: string | null;
  name: string | null;
  phone: string | null;
  /** The vendor's call object id (Ameyo crt object id). */
  crtObjectId: string | null;
}

/** A row of the runtime table: one per user, logged in or not. */
export interface AgentRuntime {
  connectionId: string;
  userId: string;
  userName: string | null;
  userType: string | null;
  status: AgentStatus;
  rawStatus: string | null;
  /** Seconds in the current status. */
  statusDuration: number | null;
  sessionId: string | null;
  loginTime: Date | null;
  logoutTime: Date | null;
  campaign: PresenceRef | null;
  queue: PresenceRef | null;
  channel: string | null;
  callNativeId: string | null;
  chatId: string | null;
  customerStatus: string | null;
  callsHandled: number | null;
  /** Seconds. */
  talkTime: number | null;
  /** The user, as an agent of the connection's directory. */
  agentNativeId: string | null;
  raw: Record<string, unknown>;
}

/** A live or queued chat. */
export interface ChatInteraction {
  connectionId: string;
  chatId: string;
  sessionId: string | null;
  userId: string | null;
  agentNativeId: string | null;
  campaign: PresenceRef | null;
  queue: PresenceRef | null;
  customerStatus: string | null;
  customerStatusDuration: number | null;
  startedAt: Date | null;
  duration: number | null;
  customer: PresenceCustomer | null;
  waiting: boolean | null;
  raw: Record<string, unknown>;
}

/** A customer in a live or queued call or chat. */
export interface CustomerInteraction {
  connectionId: string;
  customerId: string | null;
  name: string | null;
  phone: string | null;
  crtObjectId: string | null;
  channel: string | null;
  /** The call, when on a voice channel (its native id, as call logs and recordings take it). */
  callNativeId: string | null;
  chatId: string | null;
  sessionId: string | null;
  userId: string | null;
  agentNativeId: string | null;
  campaign: PresenceRef | null;
  queue: PresenceRef | null;
  customerStatus: string | null;
  customerStatusDuration: number | null;
  waiting: boolean | null;
  raw: Record<string, unknown>;
}

export interface PresenceQuery {
  campaignIds?: readonly string[] | null;
  userIds?: readonly string[] | null;
  userName?: string | null;
  statuses?: readonly string[] | null;
  queueIds?: readonly string[] | null;
  userTypes?: readonly string[] | null;
  sessionIds?: readonly string[] | null;
  callIds?: readonly string[] | null;
  chatIds?: readonly string[] | null;
  /** Sort keys, first first, in the vendor's own field names (the schema says so: `PresenceSort.field`). */
  sort?: ReadonlyArray<{ field: string; direction: 'ASC' | 'DESC' }> | null;
}

/** Live monitoring tables, read by offset and limit. */
export interface PresenceTables {
  agentRuntimes(q: PresenceQuery, offset: number, limit: number, scope: RequestScope): Promise<PageResult<AgentRuntime>>;
  chatInteractions(q: PresenceQuery, offset: number, limit: number, scope: RequestScope): Promise<PageResult<ChatInteraction>>;
  customerInteractions(q: PresenceQuery, offset: number, limit: number, scope: RequestScope): Promise<PageResult<CustomerInteraction>>;
}

// ------------------------------------------------------------------------- SMS, end users, DNC, CRM

export interface SmsSender {
  sendSms(
    req: { endUserNumber: string; outboundNumber: string; message: string; ticketId?: string | null; agentNativeId?: string | null },
    scope: RequestScope,
  ): Promise<{ nativeId: string; status: string | null; createdAt: Date | null; raw: unknown }>;
}

export interface EndUser {
  connectionId: string;
  nativeId: string;
  identifier: string | null;
}

export interface EndUserDirectory {
  upsertEndUser(req: { identifier: string; email?: string | null; name?: string | null; phone?: string | null }, scope: RequestScope): Promise<EndUser>;
  findEndUser(by: { nativeId: string } | { identifier: string }, scope: RequestScope): Promise<EndUser | null>;
}

export interface DncEntry {
  phoneNumber: string;
  listed: boolean;
  expiresAt: Date | null;
}

export interface DncList {
  add(entries: ReadonlyArray<{ phoneNumber: string; expiresAt?: Date | null }>, scope: RequestScope): Promise<DncEntry[]>;
  remove(phoneNumbers: readonly string[], scope: RequestScope): Promise<DncEntry[]>;
  check(phoneNumber: string, scope: RequestScope): Promise<DncEntry>;
}

export interface CrmContactData {
  callNativeId: string;
  agentNativeId?: string | null;
  lcmKey?: string | null;
  dnis?: string | null;
  orgId?: string | null;
  contact: Record<string, unknown>;
  pacingMode?: string | null;
  callType?: string | null;
}

export interface CrmDataSink {
  sendContactData(data: CrmContactData, scope: RequestScope): Promise<void>;
}

/**
 * The capability interfaces an adapter may implement, one optional member each. Which capability each
 * member provides is src/domain/capabilities.ts; a connection's capabilities are the members present.
 */
export interface CapabilityMembers {
  readonly agents?: AgentDirectory;
  readonly agentControl?: AgentControl;
  readonly calls?: CallLog;
  readonly callCreator?: CallCreator;
  readonly callData?: CallData;
  readonly campaigns?: CampaignCatalog;
  readonly leads?: LeadStore;
  readonly leadStatus?: LeadStatusSetter;
  readonly queues?: QueueStatusSource;
  readonly sms?: SmsSender;
  readonly endUsers?: EndUserDirectory;
  readonly dnc?: DncList;
  readonly crm?: CrmDataSink;
  readonly bulkUsers?: BulkUserAdmin;
  readonly dispositions?: CallDisposer;
  readonly activity?: CampaignActivitySource;
  readonly contactUploads?: ContactUploader;
  readonly dialer?: Dialer;
  readonly recordings?: RecordingSource;
  readonly presence?: PresenceTables;
  readonly chats?: ChatLog;
  readonly chatControl?: ChatControl;
  readonly queueSettings?: QueueSettingsAdmin;
  readonly contactLists?: ContactListAdmin;
  readonly leadImports?: LeadImporter;
}

// ------------------------------------------------------------------------------- CSV lead imports (issue 18)

/** One CSV row as the import's mapping reads it: the unified lead fields. */
export interface ImportLead {
  name: string | null;
  /** The non-empty phone numbers of the mapped columns, in mapping order; the first is the lead's number. */
  phones: string[];
  email: string | null;
  externalId: string | null;
  /** Vendor field -> value, for the fields `LeadImporter.fields.custom` names (empty values left out). */
  custom: Record<string, string>;
}

export interface ImportRow {
  /** 1-based data row of the uploaded file (the header is row 0). */
  rowNumber: number;
  lead: ImportLead;
}

/** A row the vendor refused, or whose fate its answer does not tell, with why. */
export interface ImportRowVerdict {
  rowNumber: number;
  reason: string;
}

/** What the vendor made of one batch: the rows it lists in neither array succeeded. */
export interface ImportBatchOutcome {
  failed: ImportRowVerdict[];
  uncertain: ImportRowVerdict[];
}

/**
 * How the vendor took a batch: settled at once (`outcome`), or as a vendor job (`vendorRef`) whose outcome
 * `LeadImporter.outcome` reads later, also after a restart.
 */
export type ImportSubmission = { outcome: ImportBatchOutcome; vendorRef?: undefined } | { vendorRef: string; outcome?: undefined };

/** Where a job's rows go on the vendor (lead list, user, flags), resolved when the job is created and stored with it as JSON. */
export type ImportTarget = Readonly<Record<string, string | number | boolean | null>>;

/** The client's `LeadsImportInput.options`, with defaults applied. */
export interface LeadImportOptions {
  /** Update leads that already exist where the vendor can (Ameyo's `update_duplicate`). */
  updateDuplicates: boolean;
  /** The vendor's lead list within the campaign (Ameyo); null: the connection's configured one. */
  leadListNativeId: string | null;
  /** The vendor user an upload runs as (Ameyo's `user_id`); null: the connection's configured one. */
  vendorUserId: string | null;
}

/**
 * CSV lead imports into one connection's campaigns, the vendor's best path (issue 18): the import service
 * (src/imports/) reads the stored file, maps each row to an `ImportLead`, and hands the importer batches of
 * at most `batch.rows` rows (and `batch.maxBytes` by `batch.bytesOf`), one at a time, in row order.
 *
 * Error contract of `submit` and `outcome`: a vendor refusal of rows is an outcome (`failed`), not a throw. A
 * thrown SwitchboardError whose facts say `notSent` means the vendor received nothing: the batch is sent again
 * later. Any other throw from `submit` leaves the batch's fate unknown: its rows are reported uncertain, never
 * resent. A throw from `outcome` is asked again later.
 */
export interface LeadImporter {
  /** What a mapping may fill on this vendor; a mapping beyond it is a user error before the file is stored. */
  readonly fields: {
    name: boolean;
    email: boolean;
    externalId: boolean;
    /** How many phone columns the vendor takes per lead (at least 1). */
    maxPhones: number;
    /** Vendor fields a mapping's `custom` entries may name. */
    custom: readonly string[];
  };
  /** Batch size: rows per vendor request (1: one call per lead), and a byte cap the vendor's file limit sets. */
  readonly batch: { rows: number; maxBytes?: number; bytesOf?: (row: ImportRow) => number };
  /**
   * Checks the campaign and options before the file is stored and resolves what `submit` needs. Problems the
   * caller can fix come back as `problems` (`field` within `LeadsImportInput`); nothing here is sent to the vendor
   * unless the vendor must be asked (then at interactive priority, under `scope`).
   */
  target(campaignNativeId: string, options: LeadImportOptions, scope: RequestScope): Promise<{ target: ImportTarget } | { problems: InputProblem[] }>;
  /** Sends one batch (at bulk priority: `scope.background` is set). */
  submit(target: ImportTarget, rows: readonly ImportRow[], scope: RequestScope): Promise<ImportSubmission>;
  /**
   * The outcome of a batch the vendor took as `vendorRef`; null while the vendor is still working on it.
   * `rowNumbers` are the batch's rows in the order they were sent (vendor row 1 is `rowNumbers[0]`).
   */
  outcome(target: ImportTarget, vendorRef: string, rowNumbers: readonly number[], scope: RequestScope): Promise<ImportBatchOutcome | null>;
}

/**
 * One configured connection with its vendor adapter. Its capabilities are the members present, in the
 * order the adapter declares them (`capabilitiesOf`); there is no separate list to keep in step.
 */
export interface VendorAdapter extends CapabilityMembers {
  readonly vendor: VendorKey;
  readonly connectionId: string;
  readonly upstream: Upstream;
}

export interface Tenant {
  id: string;
  /** Query limits for this tenant (server defaults with the tenant's overrides). */
  limits: Config['server']['limits'];
  /** The tenant's connections, in config order, by id. */
  connections: Map<string, VendorAdapter>;
  /** The freshness engine's copies (src/live/engine.ts); absent in tools that run without it. */
  live?: LiveReads;
}

/**
 * What queries read from the freshness engine (issue 17): a connection's list as its poller last read it, when
 * that is fresh, or null. Asking registers the query's interest, so the poller runs for a while after.
 */
export interface LiveReads {
  /** The fresh copy, or null; on a cold start it waits (at most until `deadlineAt`) for the poller's first read. */
  agents(connectionId: string, deadlineAt: number): Promise<Agent[] | null>;
  queues(connectionId: string, lang: string, deadlineAt: number): Promise<Queue[] | null>;
}
