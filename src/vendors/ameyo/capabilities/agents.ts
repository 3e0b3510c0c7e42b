/**
 * Ameyo agents: the data engine's user-session table as the agent directory, each agent with what its
 * session says it is doing (ameyo-contact-management-and-presence.txt "Agent Presence API's").
 */
import type { Agent, AgentDirectory, AgentPresence, AgentStatus, RequestScope } from '../../../domain/types';
import type { QueryValue } from '../../routes';
import { AMEYO_MONITORING_PAGE } from '../client';
import { wireUserSession, type WireUserSession } from '../types';
import { str, type AmeyoContext } from './context';

/** Pages read at most for one full listing (10,000 sessions). */
const MAX_PAGES = 100;

/**
 * Ameyo user states (the doc names Ready, On Call and Wrap-up; Break, Not Ready, Auto Call Off and the
 * logged-off states are the other values seen in Ameyo consoles).
 */
export function ameyoAgentStatus(userStatus: string | null | undefined): AgentStatus {
  const s = userStatus
    ?.trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  if (!s) return 'UNKNOWN';
  if (s === 'ready' || s === 'available' || s === 'idle') return 'AVAILABLE';
  if (s === 'on call' || s === 'busy' || s === 'in call' || s === 'connected' || s === 'ringing') return 'ON_CALL';
  if (s === 'wrap up' || s === 'wrapup' || s === 'acw') return 'WRAP_UP';
  if (s === 'break' || s === 'not ready' || s === 'auto call off' || s === 'lunch' || s === 'away') return 'AWAY';
  if (s === 'logged off' || s === 'logged out' || s === 'offline' || s === 'inactive') return 'OFFLINE';
  return 'UNKNOWN';
}

/**
 * The agent's own voice leg (disposeAndManualDial's `userCRTObjectId`). The presence document prints
 * `channel_details.addition_details` empty and names no key for it, so it is read under the names Ameyo uses for it
 * elsewhere (`userCrtObjectId` in its CRM URLs, snake_case in the data engine); null when none is there.
 */
function agentLegOf(channel: Record<string, unknown> | null): string | null {
  const details = channel?.['addition_details'];
  if (!details || typeof details !== 'object') return null;
  const d = details as Record<string, unknown>;
  return str(d['user_crt_object_id']) ?? str(d['userCrtObjectId']) ?? str(d['userCRTObjectId']);
}

/** What the session row says the agent is doing (ameyo-contact-management-and-presence.txt example). */
function presenceOf(w: WireUserSession): AgentPresence {
  const r = w as Record<string, unknown>;
  const customer = (r['customer_details'] ?? null) as Record<string, unknown> | null;
  const phone = (customer?.['phone_info'] ?? null) as Record<string, unknown> | null;
  const channel = (r['channel_details'] ?? null) as Record<string, unknown> | null;
  const hasCustomer = customer && (customer['id'] != null || customer['name'] != null || phone?.['phone'] != null);
  return {
    sessionId: str(r['session_id']),
    campaign: w.campaign_id != null ? { nativeId: String(w.campaign_id), name: w.campaign_name ?? null } : null,
    queue: r['queue_id'] != null ? { nativeId: String(r['queue_id']), name: str(r['queue_name']) } : null,
    interactionId: str(r['interaction_id']),
    channel: str(channel?.['channel_type']),
    customerStatus: str(r['customer_status']),
    customer: hasCustomer ? { nativeId: str(customer['id']), name: str(customer['name']), phone: str(phone?.['phone']), crtObjectId: str(customer['crt_object_id']) } : null,
    callNativeId: str(customer?.['crt_object_id']) ?? str(r['call_id']),
    waiting: typeof r['waiting'] === 'boolean' ? r['waiting'] : null,
    agentLegNativeId: agentLegOf(channel),
  };
}

function toAgent(connectionId: string, w: WireUserSession, now: number): Agent {
  return {
    connectionId,
    vendor: 'ameyo',
    nativeId: w.user_id,
    name: w.user_name || w.user_id,
    email: null,
    extension: null,
    status: ameyoAgentStatus(w.user_status),
    rawStatus: w.user_status ?? '',
    // user_status_duration is how long the user has been in the state, in seconds.
    statusChangedAt: typeof w.user_status_duration === 'number' ? new Date(now - w.user_status_duration * 1000) : null,
    presence: presenceOf(w),
    raw: w,
  };
}

/** Every session row matching `filters` (documented kebab-case monitoring filters), as agents. */
export function createSessionReader({ client, cid }: AmeyoContext) {
  return async (scope: RequestScope, filters: Record<string, QueryValue> = {}): Promise<Agent[]> => {
    const out: Agent[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const res = await client.monitoring(scope, 'user-session-information', { offset, limit: AMEYO_MONITORING_PAGE, filters }, wireUserSession);
      const now = Date.now();
      for (const row of res.rows) out.push(toAgent(cid, row, now));
      offset += res.rows.length;
      if (res.rows.length === 0 || (res.total !== null ? offset >= res.total : res.rows.length < AMEYO_MONITORING_PAGE)) break;
    }
    return out;
  };
}

export function createAgentDirectory(sessionsOf: ReturnType<typeof createSessionReader>): AgentDirectory {
  return {
    listAgents: (scope) => sessionsOf(scope),
    async getAgents(nativeIds, scope) {
      const found = new Map<string, Agent>();
      for (let i = 0; i < nativeIds.length; i += AMEYO_MONITORING_PAGE) {
        for (const a of await sessionsOf(scope, { 'user-ids': nativeIds.slice(i, i + AMEYO_MONITORING_PAGE) })) found.set(a.nativeId, a);
      }
      return nativeIds.map((id) => found.get(id) ?? null);
    },
  };
}
