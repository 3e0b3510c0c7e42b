/**
 * Every Apps API / Manager API endpoint the gateway calls. Paths are relative to the family's base URL:
 * `apps` = https://{subdomain}.{domain}/apps/api/v1, `manager` = https://{subdomain}.{domain}/manager/api/v1.
 * Sources: vendor-docs/apps-api.txt and notes/vendors-real-world.md §1 (its endpoint map). Each row's source
 * carries the tags of docs/vendor-coverage.md: [C] the vendor's own pages (cloud.google.com/contact-center/
 * ccai-platform/docs/<page>, named), [T] third-party code that calls the real API, [U] paths the notes could not
 * confirm; those follow the vendor doc's names and live only here, so a wrong guess is a one-line fix (or a
 * connection's `routes`).
 */
import type { RouteTable } from '../routes';

export type AppsApiFamily = 'apps' | 'manager';

export const appsApiRoutes = {
  // Agents and statuses (Manager API lists; notes §1 "Users list").
  /** [C] manager-api-agent: the doc's "Users" filters are this list's (`/apps/api/v1/users` not found). */
  listAgents: { route: 'GET /agents', family: 'manager', cached: true },
  /** [T] tap-ujet streams.py (notes §1 "Agent status: list statuses"). */
  listUserStatuses: { route: 'GET /user_statuses', family: 'manager', cached: true },
  /** [C] apps-api-agent-status. */
  updateAgentStatuses: { route: 'POST /agent_statuses', family: 'apps' },
  /** [C] the CCaaS release note "New force logout endpoint in the Apps API"; [T] (notes §1). */
  forceLogoutAgents: { route: 'POST /agent_statuses/force_logout', family: 'apps' },

  // Calls: created through the Apps API, listed through the Manager API (notes §1 "Calls: list / get").
  /** [C] apps-api-call. */
  createCall: { route: 'POST /calls', family: 'apps' },
  /**
   * [C] manager-api-pagination-tailing prints it (notes §1 "Pagination"); [T] tap-ujet. Also tailed by the freshness
   * engine: `updated_at[from]` with `sort_column=updated_at` [C].
   */
  listCalls: { route: 'GET /calls', family: 'manager' },
  /** [U] by analogy with the list (notes §1 "Calls: list / get"). */
  getCall: { route: 'GET /calls/{id}', family: 'manager' },
  /** [C] apps-api-call. */
  getCustomerFlags: { route: 'GET /calls/{id}/customer_flag', family: 'apps' },
  /** [C] apps-api-call: PATCH, request key `repeat_customers`; the doc's third customer_flag variant is probably PUT [U]. */
  updateCustomerFlags: { route: 'PATCH /calls/{id}/customer_flag', family: 'apps', alternates: { method: ['PUT'] } },
  /** [C] mid-session-authentication-apps-api. */
  updateCallEndUser: { route: 'POST /calls/{id}/end_user', family: 'apps' },
  /** [U] path: the body is the vendor doc's "Send a custom data in a call". */
  sendCallCustomData: { route: 'POST /calls/{id}/custom_data', family: 'apps' },

  // Campaigns (Manager API) and their contacts (Apps API). [T] rows: notes §1 "third-party sources" (a Node server
  // that calls CCAI).
  /** [T] (notes §1 "Campaigns: list"); the campaign object [C] manager-api-campaign. */
  listCampaigns: { route: 'GET /outbound_dialer/campaigns', family: 'manager', cached: true },
  /** [U] by analogy with the list: no source prints a campaign read. */
  getCampaign: { route: 'GET /outbound_dialer/campaigns/{id}', family: 'manager' },
  /** [T] a bare array of contacts. */
  listCampaignContacts: { route: 'GET /outbound_dialer/campaigns/{campaignId}/contacts', family: 'apps' },
  /** [C] apps-api-campaign. */
  addCampaignContact: { route: 'POST /outbound_dialer/campaigns/{campaignId}/contacts', family: 'apps' },
  /** [T] `/contact`, singular, body `{contact_id, ...}`. */
  updateCampaignContact: { route: 'PATCH /outbound_dialer/campaigns/{campaignId}/contact', family: 'apps' },
  deleteCampaignContact: { route: 'DELETE /outbound_dialer/campaigns/{campaignId}/contact', family: 'apps' },
  /** [T] the JSON import (multipart `file`, a JSON array of contacts) and its job. */
  importCampaignContacts: { route: 'POST /outbound_dialer/campaigns/{campaignId}/contacts/import', family: 'apps' },
  getContactImportJob: { route: 'GET /outbound_dialer/campaigns/{campaignId}/contacts/jobs/{jobId}', family: 'apps' },

  // SMS, queues, CRM data.
  /** [C] apps-api-sms. */
  sendSms: { route: 'POST /sms', family: 'apps' },
  /** [C] apps-api-wait-time. */
  listWaitTimes: { route: 'GET /wait_times', family: 'apps', cached: true },
  /** [C] apps-api-queue-endpoints. */
  listQueueStatus: { route: 'GET /queues/status', family: 'apps', cached: true },
  /** [C] apps-api-queue-operation-statuses. */
  getQueueOperationStatus: { route: 'GET /queue_operation_statuses', family: 'apps', cached: true },
  /** [C] apps-api-contact-data. */
  sendCrmContactData: { route: 'POST /crm/contact_data', family: 'apps' },

  // End users: [C] apps-api-end-user.
  upsertEndUser: { route: 'POST /end_users', family: 'apps' },
  findEndUser: { route: 'GET /end_users', family: 'apps' },

  // Company DNC (notes §1).
  /** [C] apps-api-dnc. */
  addDnc: { route: 'POST /outbound_dialer/dnc', family: 'apps' },
  /** [U] remove and check: probably the same path ("3 DNC endpoints"; the doc's check uses `?phone_number=`). */
  removeDnc: { route: 'DELETE /outbound_dialer/dnc', family: 'apps' },
  checkDnc: { route: 'GET /outbound_dialer/dnc', family: 'apps' },

  // Bulk user management: [C] bulk-user-management-api (notes §1).
  getBulkUserTemplate: { route: 'GET /bulk/users/template', family: 'apps' },
  uploadBulkUsers: { route: 'POST /bulk/users/upload', family: 'apps', alternates: { method: ['PUT'] } },
  proceedBulkUsers: { route: 'POST /bulk/users/proceed', family: 'apps' },
  getBulkUserJob: { route: 'GET /bulk/users/jobs/{jobId}', family: 'apps' },
  getBulkUserSchemeErrors: { route: 'GET /bulk/users/errors/scheme/{jobId}', family: 'apps' },
  getBulkUserUpdateErrors: { route: 'GET /bulk/users/errors/update/{jobId}', family: 'apps' },
  // Chats (issue 16, row 21): apps-api.txt "Chats" (18 operations: bodies, no paths) and the Manager API list.
  // Sources: notes §1 "Chats: ..." rows; the vendor's pages docs.cloud.google.com/contact-center/ccai-platform/docs/
  // `resume-a-chat` (PATCH .../chats/CHAT_ID/resume, empty body; "This chat is not in dismissed state."),
  // `mid-session-authentication-apps-api` (end_user), `agent-attachments-chat-api` (media), and `chat-platform-api-endpoints`
  // (the operation names "Update a chat", "Send a message in a chat", "Escalate virtual agent chat", "Update escalation",
  // "Add uploaded photo to the chat", "Fetch all photos from the chat", "Get pre-signed photo upload URL", ... but not
  // their paths). [U] rows follow the document's names.
  /** [T] tap-ujet streams.py (the path); [C] pagination-tailing (tailing chats by `updated_at`) (notes §1 "Chats: list"). */
  listChats: { route: 'GET /chats', family: 'manager' },
  /** [U] by analogy with `getCall` (notes §1 "Calls: list / get"). */
  getChat: { route: 'GET /chats/{id}', family: 'manager' },
  /** [U] path; the doc's "Start a new chat" body `{chat: {menu_id, end_user_id, lang, email, context, transcript}}`. */
  createChat: { route: 'POST /chats', family: 'apps' },
  /** [U] path ("Update a chat"); the doc's first body `{finished_by_user_id, chat: {deflection_channel, status, escalation_id}}`. */
  updateChat: { route: 'PATCH /chats/{id}', family: 'apps', alternates: { method: ['PUT'] } },
  /** [C] resume-a-chat: PATCH with an empty body; only a "dismissed" or "va_dismissed" chat. */
  resumeChat: { route: 'PATCH /chats/{id}/resume', family: 'apps' },
  /** [U] path ("Send a message in a chat"). */
  sendChatMessage: { route: 'POST /chats/{id}/messages', family: 'apps' },
  /** [U] path ("Escalate virtual agent chat"): body `{reason, force_escalate}`. */
  escalateChat: { route: 'POST /chats/{chatId}/escalations', family: 'apps' },
  /** [U] path ("Update escalation", "used only for selecting deflection channel currently"). */
  updateChatEscalation: { route: 'PATCH /chats/{chatId}/escalations/{id}', family: 'apps', alternates: { method: ['PUT'] } },
  /** [U] paths: the photo and video operations. */
  addChatPhotos: { route: 'POST /chats/{chatId}/photos', family: 'apps' },
  listChatPhotos: { route: 'GET /chats/{chatId}/photos', family: 'apps' },
  getChatPhotoUploadUrl: { route: 'GET /chats/{chatId}/photos/upload_url', family: 'apps' },
  addChatVideo: { route: 'POST /chats/{chatId}/videos', family: 'apps' },
  listChatVideos: { route: 'GET /chats/{chatId}/videos', family: 'apps' },
  getChatVideoUploadUrl: { route: 'GET /chats/{chatId}/videos/upload_url', family: 'apps' },
  /** [C] agent-attachments-chat-api: `GET /chats/{chat_id}/media/{media_id}`. */
  getChatMedia: { route: 'GET /chats/{chatId}/media/{mediaId}', family: 'apps' },
  /** [U] the doc's two "Accept + id" reads: a chat (Apps API) and its customer flags, by analogy with the call rows. */
  getAppsChat: { route: 'GET /chats/{id}', family: 'apps' },
  getChatCustomerFlags: { route: 'GET /chats/{id}/customer_flag', family: 'apps' },
  /** [U] the doc's two identical flag bodies: PATCH, and (probably) PUT, as for calls. */
  updateChatCustomerFlags: { route: 'PATCH /chats/{id}/customer_flag', family: 'apps', alternates: { method: ['PUT'] } },
  /** [U] path ("Send custom data in a chat"): `signed`/`data` or `signed`/`signed_data` (HS256 with the company secret). */
  sendChatCustomData: { route: 'POST /chats/{id}/custom_data', family: 'apps' },
  /** [C] mid-session-authentication-apps-api: same as the call variant (202 `{"message":"accepted"}`). */
  updateChatEndUser: { route: 'POST /chats/{id}/end_user', family: 'apps' },

  // Queue settings export/import and version history (issue 16 item 9, "Row 23"): apps-api.txt "Export - Import
  // Queues Settings 7" gives the seven operations' names, query, URL variables and bodies but no paths; notes §1
  // "paths not found". Google's "Settings version control" page (cloud.google.com/contact-center/ccai-platform/docs/
  // settings-version-control) describes the feature (queue settings, chat shortcuts and contact lists; Admin role)
  // but prints no API path. Every row is [U]: paths follow the doc's names; the methods we are least sure of keep
  // `alternates`. The export answering the version it saved (not the file) is our reading of "auto-save ... without
  // creating an export" [U].
  exportQueueSettings: { route: 'POST /queue_settings/export', family: 'apps', alternates: { method: ['GET'] } },
  importQueueSettings: { route: 'POST /queue_settings/import', family: 'apps', alternates: { method: ['PUT'] } },
  listQueueSettingsVersions: { route: 'GET /queue_settings/version_histories', family: 'apps' },
  getQueueSettingsVersion: { route: 'GET /queue_settings/version_histories/{id}', family: 'apps' },
  downloadQueueSettingsVersion: { route: 'GET /queue_settings/version_histories/{id}/download', family: 'apps' },
  autoSaveQueueSettings: { route: 'POST /queue_settings/version_histories/auto_saved', family: 'apps' },
  restoreQueueSettingsVersion: { route: 'POST /queue_settings/version_histories/restore', family: 'apps', alternates: { method: ['PUT'] } },

  // Contact lists (issue 16 item 10, "Row 24"): apps-api.txt "Contact Lists 6" gives the operations and URL variables
  // (`id`, `contact_list_id`) but no paths and no bodies; notes §1 "paths not found". Nothing public confirms them:
  // every row is [U], and so are the bodies ({name, entries: [{name, phone_number}]}, sim/apps-api/contact-lists.ts).
  // The vendor has no documented list or read of contact lists, so none is called.
  createContactList: { route: 'POST /contact_lists', family: 'apps' },
  updateContactList: { route: 'PATCH /contact_lists/{id}', family: 'apps', alternates: { method: ['PUT'] } },
  deleteContactList: { route: 'DELETE /contact_lists/{id}', family: 'apps' },
  addContactListEntries: { route: 'POST /contact_lists/{contactListId}/entries', family: 'apps' },
  updateContactListEntry: { route: 'PATCH /contact_lists/{contactListId}/entries/{id}', family: 'apps', alternates: { method: ['PUT'] } },
  deleteContactListEntry: { route: 'DELETE /contact_lists/{contactListId}/entries/{id}', family: 'apps' },
} as const satisfies RouteTable<AppsApiFamily>;

export type AppsApiRoute = keyof typeof appsApiRoutes;
