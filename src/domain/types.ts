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
  | 'PRESENCE_TABLES';

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
  waiting: boolean | null;
}

/** Lists and fetches a connection's agents, with their current presence. */
export interface AgentDirectory {
  /** Every agent of the connection (the adapter pages through the vendor's list). */
  listAgents(scope: RequestScope): Promise<Agent[]>;
  /** Agents by native id, in key order; null where the vendor has no such agent. */
  getAgents(nativeIds: readonly string[], scope: RequestScope): Promise<Array<Agent | null>>;
}

/** Vendor-side agent filters (Apps API Manager API; apps-api.txt "Users"). */
export interface AppsApiAgentQuery {
  nativeIds?: readonly string[] | null;
  agentNumbers?: readonly string[] | null;
  statusIds?: readonly string[] | null;
  online?: boolean | null;
  wrapUp?: boolean | null;
  locations?: readonly string[] | null;
  lastLoginAfter?: Date | null;
  lastLoginBefore?: Date | null;
  statusUpdatedAfter?: Date | null;
  statusUpdatedBefore?: Date | null;
}

/** Sets statuses and logs agents out. */
export interface AgentControl {
  updateStatuses(
    req: { status: string; agentIds: readonly string[]; teamIds: readonly string[] },
    scope: RequestScope,
  ): Promise<Array<{ agentNativeId: string; previousStatus: string | null; currentStatus: string | null; message: string | null }>>;
  forceLogout(
    req: { agentIds: readonly string[]; teamIds: readonly string[]; ipAddresses: readonly string[] },
    scope: RequestScope,
  ): Promise<{ agentNativeIds: string[]; jobId: string | null }>;
}

// ---------------------------------------------------------------------------------------------- calls

export type CallStatus =
  | 'SELECTING' | 'QUEUED' | 'ASSIGNED' | 'CONNECTING' | 'CONNECTED' | 'FINISHED' | 'FAILED' | 'SWITCHING'
  | 'RECOVERED' | 'SCHEDULED' | 'ACTION_ONLY' | 'ACTION_ONLY_FINISHED' | 'DEFLECTED' | 'VOICEMAIL'
  | 'VOICEMAIL_RECEIVED' | 'VOICEMAIL_READ' | 'UNKNOWN';
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
  endUser: { nativeId: string | null; identifier: string | null } | null;
  recording: { url: string; permission: string | null } | null;
  transfers: CallTransfer[];
  participants: CallParticipant[];
  selectedMenu: { id: string; name: string | null; menuType: string | null } | null;
  menuPath: MenuPath | null;
  failReason: string | null;
  failDetails: string | null;
  parentNativeId: string | null;
  raw: unknown;
}

export interface CallQuery {
  statuses?: readonly CallStatus[] | null;
  types?: readonly CallType[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
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
  menuId?: string | null;
  outboundNumber?: string | null;
  lang: string;
  recordingPermission?: 'NOT_ASKED' | 'DENIED' | 'GRANTED' | null;
  scheduledAt?: Date | null;
  parentCallNativeId?: string | null;
}

/** `accepted`: the vendor took the request but an agent must complete it (Apps API 202). */
export type CallCreateResult = { kind: 'created'; call: Call } | { kind: 'accepted' };

export interface CallCreator {
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

// ------------------------------------------------------------------------------- campaigns and leads

export type CampaignStatus = 'ACTIVE' | 'PAUSED' | 'STOPPED' | 'COMPLETED' | 'DRAFT' | 'UNKNOWN';

export type LeadStatus =
  | 'NEW' | 'DIALING' | 'QUEUED' | 'CONNECTED' | 'COMPLETED' | 'TRANSFERRED' | 'NO_ANSWER' | 'BUSY' | 'ABANDONED'
  | 'SKIPPED' | 'CLOSED' | 'VOICEMAIL' | 'INVALID_NUMBER' | 'FAILED' | 'RETRY_SCHEDULED' | 'DO_NOT_CALL' | 'UNKNOWN';

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
  leadStats: LeadStats | null;
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

export type LeadImportJobStatus = 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'UNKNOWN';

export interface ImportRowError {
  row: number | null;
  column: string | null;
  message: string;
}

export interface LeadImportJob {
  connectionId: string;
  campaignNativeId: string;
  nativeId: string;
  status: LeadImportJobStatus;
  rawStatus: string;
  totalRows: number | null;
  importedRows: number | null;
  failedRows: number | null;
  errors: ImportRowError[];
  raw: unknown;
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
  /** Sets a lead's status, where the vendor allows it (campaign API). */
  setLeadStatus?(campaignNativeId: string, leadNativeId: string, status: LeadStatus, scope: RequestScope): Promise<void>;
  /** Starts a bulk import of a JSON array of leads. */
  importLeads?(campaignNativeId: string, file: UploadedFile, scope: RequestScope): Promise<LeadImportJob>;
  getImportJob?(campaignNativeId: string, jobNativeId: string, scope: RequestScope): Promise<LeadImportJob | null>;
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
  listActivity(q: { from: Date; to: Date; campaignNativeIds?: readonly string[] | null }, startKey: string | null, limit: number, scope: RequestScope): Promise<KeyedPage<CampaignActivityEvent>>;
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
  dial(
    req: { userId: string; campaignId: string; phone: string; customerRecord?: unknown; extraParams?: unknown; shouldAddCustomer?: boolean | null },
    scope: RequestScope,
  ): Promise<DialResult>;
  dispose(
    req: { userId: string; dispositionCode: string; callbackTime?: Date | null; selfCallback?: boolean | null; phone?: string | null; notes?: string | null; requestId: string },
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
}

export type PresenceTable = 'user-runtime-information' | 'user-session-information' | 'chat-information' | 'customer-information';

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
  /** `field:asc` / `field:desc`, in the vendor's (snake_case) field names. */
  sortBy?: readonly string[] | null;
}

export interface PresenceTables {
  page(table: PresenceTable, q: PresenceQuery, offset: number, limit: number, scope: RequestScope): Promise<{ rows: Array<Record<string, unknown>>; total: number | null }>;
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

/** One configured connection with its vendor adapter; each capability it has is one optional member. */
export interface VendorAdapter {
  readonly vendor: VendorKey;
  readonly connectionId: string;
  readonly capabilities: readonly Capability[];
  readonly upstream: Upstream;
  readonly agents?: AgentDirectory;
  readonly agentControl?: AgentControl;
  /** Vendor-side agent filters, for adapters that have them. */
  readonly filterAgents?: (q: AppsApiAgentQuery, scope: RequestScope) => Promise<Agent[]>;
  readonly calls?: CallLog;
  readonly callCreator?: CallCreator;
  readonly callData?: CallData;
  readonly campaigns?: CampaignCatalog;
  readonly leads?: LeadStore;
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
}

export interface Tenant {
  id: string;
  /** Query limits for this tenant (server defaults with the tenant's overrides). */
  limits: Config['server']['limits'];
  /** The tenant's connections, in config order, by id. */
  connections: Map<string, VendorAdapter>;
}
