/**
 * Every Ameyo endpoint the gateway calls, by API family (notes/vendors-real-world.md §3): `cms` for
 * /configuration and /v1/cc-list, `dataEngine` for /v4 monitoring, `appServer` for /ameyorestapi and
 * /ameyowebaccess. Each row's source carries the tags of docs/vendor-coverage.md: [D] the vendor document we were
 * given, [C] the vendor's own pages, [T] third-party code that calls the real API, [U] unconfirmed. The two
 * contact-center documents are developer.exotel.com's pages (notes §3 [C]); the CRM document is docs.exotel.com's
 * page, lowercased, so the casing of its paths and keys comes from client code [T] or is [U].
 */
import type { RouteTable } from '../routes';

export type AmeyoFamily = 'cms' | 'dataEngine' | 'appServer';

export const ameyoRoutes = {
  /**
   * [D] ameyo-contact-management-and-presence.txt "Generating a token for authentication"; [C] developer.exotel.com/api/
   * contact-center (notes §3d). The CC admin's Bearer token provisions a Basic user (./credentials.ts). Sent below
   * the auth interceptor, so it never gets Basic.
   */
  basicAuth: { route: 'POST /configuration/basicauth', family: 'cms' },
  /** [D] ameyo-contact-management-and-presence.txt "Agent Presence API's"; [C] developer.exotel.com/api/agent-presence-apis (notes §3d). `table-name` picks the table. */
  monitoring: { route: 'GET /v4/cc-list/{ccId}/monitoring/user-session-information', family: 'dataEngine', cached: true },
  /** [D] ameyo-contact-upload.txt "Upload Contacts via CSV": multipart, Basic auth; [C] developer.exotel.com/api/contact-center (notes §3d). */
  uploadContacts: { route: 'POST /v1/cc-list/{ccId}/process-list/{processId}/leads/{leadId}/contact-upload-tasks', family: 'cms' },
  /** [D] "Retrieve error CSV"; [C] the same page (notes §3d); [U] the /v1 prefix: both print the path without it, the upload has it. */
  contactUploadErrorFile: { route: 'GET /v1/cc-list/{ccId}/process-list/{processId}/leads/{leadId}/contact-upload-tasks/{taskId}/error-file', family: 'cms' },
  /**
   * [D] ameyo-crm-url-integration.txt "Manual dial API": command `clickToDialWithTokenAsync` with the sample's JSON
   * body; [T] the casing, and the web-access headers hash-key, policy-name, requesting-host (notes §3c).
   */
  clickToDial: { route: 'POST /ameyowebaccess/command/', family: 'appServer' },
  /** [D] "Voice logs API": GET or POST with `data` JSON, wav by default, mp3 on request; [T] the casing `downloadVoiceLog`, `crtObjectId` (notes §3c). */
  downloadVoiceLog: { route: 'GET /ameyowebaccess/command', family: 'appServer', alternates: { method: ['POST'] } },
  /**
   * [D] "Disposition url", the document's curl sample (its prose prints the path without /voice/), with the sample's
   * `authorization` header token; [U] the casing `disposeCallForUser` and the body's keys: the document is lowercased
   * and no client code was found (notes §3b).
   */
  disposeCallForUser: { route: 'POST /ameyorestapi/voice/disposeCallForUser', family: 'appServer' },
  /**
   * [D] "Dispose and manual dial API": `sessionId` header of the agent's session; [T] the casing and the body's keys
   * (notes §3b, production code). The agent's leg (`userCRTObjectId`) comes from the session row [U: the presence
   * document prints its `addition_details` empty, no key] or the agent's last CRM URL call [D: the CRM URLs'
   * `usercrtobjectid`, cased `userCrtObjectId` T, notes §3a].
   */
  disposeAndManualDial: { route: 'POST /ameyorestapi/voice/disposeAndManualDial', family: 'appServer' },
} as const satisfies RouteTable<AmeyoFamily>;

/** The data-engine monitoring tables (the `table-name` query param). */
export type MonitoringTable = 'user-session-information' | 'user-runtime-information' | 'chat-information' | 'customer-information';
