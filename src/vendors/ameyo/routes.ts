/**
 * Every Ameyo endpoint the gateway calls, by API family (notes/vendors-real-world.md §3): `cms` for
 * /configuration and /v1/cc-list, `dataEngine` for /v4 monitoring, `appServer` for /ameyorestapi and
 * /ameyowebaccess.
 */
import type { RouteTable } from '../routes';

export type AmeyoFamily = 'cms' | 'dataEngine' | 'appServer';

export const ameyoRoutes = {
  /**
   * ameyo-contact-management-and-presence.txt "Generating a token for authentication": the CC admin's Bearer
   * token provisions a Basic user (./credentials.ts). Sent below the auth interceptor, so it never gets Basic.
   */
  basicAuth: { route: 'POST /configuration/basicauth', family: 'cms' },
  /** ameyo-contact-management-and-presence.txt "Agent Presence API's"; `table-name` picks the table. */
  monitoring: { route: 'GET /v4/cc-list/{ccId}/monitoring/user-session-information', family: 'dataEngine', cached: true },
  /** ameyo-contact-upload.txt "Upload Contacts via CSV": multipart, Basic auth. */
  uploadContacts: { route: 'POST /v1/cc-list/{ccId}/process-list/{processId}/leads/{leadId}/contact-upload-tasks', family: 'cms' },
  /** "Retrieve error CSV". The doc prints it without /v1; the upload has it (notes §3d: unconfirmed). */
  contactUploadErrorFile: { route: 'GET /v1/cc-list/{ccId}/process-list/{processId}/leads/{leadId}/contact-upload-tasks/{taskId}/error-file', family: 'cms' },
  /** ameyo-crm-url-integration.txt "Manual dial API": a web-access command (hash-key, policy-name, requesting-host). */
  clickToDial: { route: 'POST /ameyowebaccess/command/', family: 'appServer' },
  /** "Voice logs API": GET or POST with `data` JSON; wav by default, mp3 on request. */
  downloadVoiceLog: { route: 'GET /ameyowebaccess/command', family: 'appServer', alternates: { method: ['POST'] } },
  /** "Disposition url": `authorization` header token (the doc's sample). */
  disposeCallForUser: { route: 'POST /ameyorestapi/voice/disposeCallForUser', family: 'appServer' },
  /** "Dispose and manual dial API": `sessionId` header of the agent's session. */
  disposeAndManualDial: { route: 'POST /ameyorestapi/voice/disposeAndManualDial', family: 'appServer' },
} as const satisfies RouteTable<AmeyoFamily>;

/** The data-engine monitoring tables (the `table-name` query param). */
export type MonitoringTable = 'user-session-information' | 'user-runtime-information' | 'chat-information' | 'customer-information';
