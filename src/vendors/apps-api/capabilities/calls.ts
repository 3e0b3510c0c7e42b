/**
 * Apps API calls: the call log, creating calls under the document's per-type rules, and a call's data
 * (end user, customer flags, custom data). apps-api.txt "Calls Endpoints".
 */
import type { CallCreateRequest, CallCreator, CallData, CallLog, InputProblem } from '../../../domain/types';
import type { QueryValue } from '../../routes';
import { readWire } from '../../wire';
import { appsApiCallStatusValue, APPS_API_CALL_TYPE_VALUE, toCall } from '../calls';
import { wireCall, wireCallList } from '../types';
import { orNull, type AppsApiContext } from './context';
import { createSessionData } from './sessionData';

export function createCallLog({ client, cid }: AppsApiContext): CallLog {
  return {
    async listCalls(q, offset, limit, scope) {
      const query: Record<string, QueryValue> = {
        'status[]': q.statuses?.map(appsApiCallStatusValue).filter((v): v is string => v !== null),
        'call_type[]': q.types?.filter((t) => t !== 'UNKNOWN').map((t) => APPS_API_CALL_TYPE_VALUE[t]),
        'created_at[from]': q.createdAfter?.toISOString(),
        'created_at[to]': q.createdBefore?.toISOString(),
        // Tailing the log (notes §1 "Pagination": "tail them: updated_at[from]=<ts>&sort_column=<field>&sort_direction=<asc|desc>" [C]).
        'updated_at[from]': q.updatedAfter?.toISOString(),
        ...(q.order ? { sort_column: 'updated_at', sort_direction: q.order === 'UPDATED_ASC' ? 'asc' : 'desc' } : {}),
      };
      const res = await client.slice('listCalls', wireCallList, scope, offset, limit, { query });
      return { items: res.items.map((w) => toCall(cid, w)), total: res.total };
    },
    getCall: async (nativeId, scope) => {
      const w = await orNull(client.json('getCall', wireCall, scope, { params: { id: nativeId } }));
      return w ? toCall(cid, w) : null;
    },
  };
}

const isBlank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';

/**
 * The create-call request's per-type rules (apps-api.txt "Calls Endpoints": which fields each
 * `call_type` needs), checked before anything is sent so the caller learns every problem at once.
 */
export function callCreateProblems(req: CallCreateRequest, now = Date.now()): InputProblem[] {
  const problems: InputProblem[] = [];
  const need = (field: string, message: string) => problems.push({ field: [field], message });
  switch (req.type) {
    case 'OUTBOUND':
      if (isBlank(req.agentEmail)) need('agentEmail', 'agentEmail is required for an OUTBOUND call');
      if (isBlank(req.endUserNumber) && isBlank(req.ticketId)) need('endUserNumber', 'endUserNumber or ticketId is required for an OUTBOUND call');
      break;
    case 'INBOUND':
      if (isBlank(req.queueNativeId)) need('queueNativeId', 'queueId is required for an INBOUND call');
      if (isBlank(req.endUserNumber)) need('endUserNumber', 'endUserNumber is required for an INBOUND call');
      break;
    case 'SCHEDULED':
      if (isBlank(req.endUserNumber)) need('endUserNumber', 'endUserNumber is required for a SCHEDULED call');
      if (isBlank(req.queueNativeId) && isBlank(req.parentCallNativeId)) need('queueNativeId', 'queueId is required for a SCHEDULED call unless parentCallId is given');
      if (!req.scheduledAt) need('scheduledAt', 'scheduledAt is required for a SCHEDULED call');
      else if (req.scheduledAt.getTime() <= now) need('scheduledAt', 'scheduledAt must be in the future');
      break;
  }
  return problems;
}

const RECORDING_PERMISSION = { NOT_ASKED: 'recording_permission_not_asked', DENIED: 'recording_permission_denied', GRANTED: 'recording_permission_granted' } as const;

/** The create-call body of apps-api.txt "Calls Endpoints", with only the fields the caller gave. */
function createCallBody(req: CallCreateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { call_type: APPS_API_CALL_TYPE_VALUE[req.type], lang: req.lang };
  const set = (key: string, v: unknown) => {
    if (v !== null && v !== undefined) body[key] = v;
  };
  set('agent_email', req.agentEmail);
  set('end_user_number', req.endUserNumber);
  set('ticket_id', req.ticketId);
  set('menu_id', req.queueNativeId !== null && req.queueNativeId !== undefined && /^\d+$/.test(req.queueNativeId) ? Number(req.queueNativeId) : req.queueNativeId);
  set('outbound_number', req.outboundNumber);
  set('recording_permission', req.recordingPermission ? RECORDING_PERMISSION[req.recordingPermission] : null);
  set('scheduled_at', req.scheduledAt?.toISOString());
  set('call_id', req.parentCallNativeId !== null && req.parentCallNativeId !== undefined ? Number(req.parentCallNativeId) : null);
  return body;
}

export function createCallCreator({ client, cid }: AppsApiContext): CallCreator {
  return {
    inputProblems: (req) => callCreateProblems(req),
    async createCall(req, scope) {
      const res = await client.send('createCall', scope, { json: createCallBody(req) });
      // 202: "manual intervention is required inside of the widget", sometimes with no body (notes §1).
      if (res.status === 202) return { kind: 'accepted' };
      const facts = { vendor: 'apps-api' as const, connectionId: cid, route: 'createCall' };
      return { kind: 'created', call: toCall(cid, readWire(res, wireCall, facts)) };
    },
  };
}

export function createCallData(ctx: AppsApiContext): CallData {
  return createSessionData(ctx, {
    updateEndUser: 'updateCallEndUser',
    getCustomerFlags: 'getCustomerFlags',
    updateCustomerFlags: 'updateCustomerFlags',
    sendCustomData: 'sendCallCustomData',
  });
}
