/** Apps API call records <-> domain calls: the sixteen documented call states, call types and directions. */
import type { AgentSummary, Call, CallDirection, CallStatus, CallType } from '../../domain/types';
import type { WireCall } from './types';

/**
 * apps-api.txt "The status field can be in any of the following states": the table's names, keyed in the
 * snake_case the API sends (`action_only_finished`); display names normalise to the same key.
 */
export const APPS_API_CALL_STATUSES: Readonly<Record<string, CallStatus>> = {
  selecting: 'SELECTING',
  queued: 'QUEUED',
  assigned: 'ASSIGNED',
  connecting: 'CONNECTING',
  connected: 'CONNECTED',
  finished: 'FINISHED',
  failed: 'FAILED',
  switching: 'SWITCHING',
  recovered: 'RECOVERED',
  scheduled: 'SCHEDULED',
  action_only: 'ACTION_ONLY',
  action_only_finished: 'ACTION_ONLY_FINISHED',
  deflected: 'DEFLECTED',
  voicemail: 'VOICEMAIL',
  voicemail_received: 'VOICEMAIL_RECEIVED',
  voicemail_read: 'VOICEMAIL_READ',
};

const snake = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function appsApiCallStatus(raw: string | null | undefined): CallStatus {
  return (raw && APPS_API_CALL_STATUSES[snake(raw)]) || 'UNKNOWN';
}

/** The wire value for a status filter. */
export function appsApiCallStatusValue(status: CallStatus): string | null {
  return Object.entries(APPS_API_CALL_STATUSES).find(([, s]) => s === status)?.[0] ?? null;
}

/** apps-api.txt "The call_type field": current names, and the deprecated ones the create API still accepts. */
export const APPS_API_CALL_TYPES: Readonly<Record<string, Exclude<CallType, 'UNKNOWN'>>> = {
  'Voice Outbound (API)': 'OUTBOUND',
  OutboundCall: 'OUTBOUND',
  'Voice Inbound (API)': 'INBOUND',
  IncomingCall: 'INBOUND',
  'Voice Scheduled (API)': 'SCHEDULED',
  ScheduledCall: 'SCHEDULED',
};

/** The current (non-deprecated) wire name of a call type. */
export const APPS_API_CALL_TYPE_VALUE: Readonly<Record<Exclude<CallType, 'UNKNOWN'>, string>> = {
  OUTBOUND: 'Voice Outbound (API)',
  INBOUND: 'Voice Inbound (API)',
  SCHEDULED: 'Voice Scheduled (API)',
};

export function appsApiCallType(raw: string | null | undefined): CallType {
  return (raw && APPS_API_CALL_TYPES[raw]) || 'UNKNOWN';
}

/** A scheduled call is the contact center calling the end user back: outbound. */
export function callDirection(type: CallType): CallDirection {
  if (type === 'OUTBOUND' || type === 'SCHEDULED') return 'OUTBOUND';
  if (type === 'INBOUND') return 'INBOUND';
  return 'UNKNOWN';
}

const date = (s: string | null | undefined): Date | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};
const str = (v: string | number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const menuPath = (m: { name?: string | null; materialized_path?: string | null } | null | undefined) => (m ? { name: m.name ?? null, materializedPath: m.materialized_path ?? null } : null);

/**
 * A call's `agent_info` (or a chat's `agent`) as the agent's name and number; the name as the agents list builds it
 * (first and last) when `name` is absent.
 */
export function agentSummaryOf(info: WireCall['agent_info']): AgentSummary | null {
  if (info?.id === null || info?.id === undefined) return null;
  const name = info.name?.trim() || [info.first_name, info.last_name].filter(Boolean).join(' ').trim();
  return name ? { name, extension: info.agent_number ?? null } : null;
}

export function toCall(connectionId: string, w: WireCall): Call {
  const type = appsApiCallType(w.call_type);
  return {
    connectionId,
    vendor: 'apps-api',
    nativeId: String(w.id),
    status: appsApiCallStatus(w.status),
    rawStatus: w.status,
    type,
    rawType: w.call_type ?? null,
    direction: callDirection(type),
    lang: w.lang ?? null,
    createdAt: date(w.created_at),
    queuedAt: date(w.queued_at),
    assignedAt: date(w.assigned_at),
    connectedAt: date(w.connected_at),
    endedAt: date(w.ends_at),
    scheduledAt: date(w.scheduled_at),
    waitDuration: w.wait_duration ?? null,
    callDuration: w.call_duration ?? null,
    holdDuration: w.hold_duration ?? null,
    agentNativeId: str(w.agent_info?.id),
    agentSummary: agentSummaryOf(w.agent_info),
    endUser: w.end_user ? { nativeId: str(w.end_user.id), identifier: w.end_user.identifier ?? null } : null,
    recording: w.recording_url ? { url: w.recording_url, permission: w.recording_permission ?? null } : null,
    transfers: (w.transfers ?? []).map((t) => ({
      connectionId,
      status: t.status ?? null,
      failReason: t.fail_reason ?? null,
      createdAt: date(t.created_at),
      fromMenu: menuPath(t.from_menu),
      toMenu: menuPath(t.to_menu),
      fromAgentNativeId: str(t.from_agent?.id),
      toAgentNativeId: str(t.to_agent?.id),
    })),
    participants: (w.participants ?? []).map((p) => ({
      connectionId,
      type: p.type ?? null,
      status: p.status ?? null,
      agentNativeId: str(p.user_id),
      endUserNativeId: str(p.end_user_id),
      callDuration: p.call_duration ?? null,
      holdDuration: p.hold_duration ?? null,
      connectedAt: date(p.connected_at),
      endedAt: date(p.ended_at),
      failReason: p.fail_reason ?? null,
    })),
    selectedMenu:
      w.selected_menu && w.selected_menu.id !== null && w.selected_menu.id !== undefined
        ? { id: String(w.selected_menu.id), name: w.selected_menu.name ?? null, menuType: w.selected_menu.menu_type ?? null }
        : null,
    menuPath: menuPath(w.menu_path),
    failReason: w.fail_reason ?? null,
    failDetails: w.fail_details ?? null,
    parentNativeId: str(w.parent_id),
    updatedAt: date(w.updated_at),
    raw: w,
  };
}
