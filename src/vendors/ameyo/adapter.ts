/** Ameyo adapter: data-engine user sessions <-> domain agents. */
import type { AmeyoConnectionConfig } from '../../config/schema';
import type { Agent, AgentDirectory, AgentStatus, RequestScope, VendorAdapter } from '../../domain/types';
import { basicAuthHeader, createStaticHeadersInterceptor } from '../../upstream/auth';
import { createUpstream } from '../../upstream/createUpstream';
import type { PoolRegistry } from '../../upstream/transport';
import { parseWire } from '../wire';
import { AMEYO_MONITORING_PAGE, AmeyoClient } from './client';
import { ameyoError } from './errors';
import { wireUserSession, type WireUserSession } from './types';

/** Pages read at most for one full listing (10,000 sessions). */
const MAX_PAGES = 100;

/**
 * Ameyo user states (the doc names Ready, On Call and Wrap-up; Break, Not Ready, Auto Call Off and the
 * logged-off states are the other values seen in Ameyo consoles).
 */
export function ameyoAgentStatus(userStatus: string | null | undefined): AgentStatus {
  const s = userStatus?.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
  if (!s) return 'UNKNOWN';
  if (s === 'ready' || s === 'available' || s === 'idle') return 'AVAILABLE';
  if (s === 'on call' || s === 'busy' || s === 'in call' || s === 'connected' || s === 'ringing') return 'ON_CALL';
  if (s === 'wrap up' || s === 'wrapup' || s === 'acw') return 'WRAP_UP';
  if (s === 'break' || s === 'not ready' || s === 'auto call off' || s === 'lunch' || s === 'away') return 'AWAY';
  if (s === 'logged off' || s === 'logged out' || s === 'offline' || s === 'inactive') return 'OFFLINE';
  return 'UNKNOWN';
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
    raw: w,
  };
}

export function createAmeyoAdapter(tenantId: string, pools: PoolRegistry, config: AmeyoConnectionConfig): VendorAdapter {
  const upstream = createUpstream(tenantId, config, pools, {
    toError: ameyoError,
    createAuth: () => createStaticHeadersInterceptor({ authorization: basicAuthHeader(config.credentials.username, config.credentials.password) }),
  });
  const client = new AmeyoClient(upstream, config);
  const facts = { vendor: 'ameyo' as const, connectionId: config.id, route: 'monitoring' };

  const agents: AgentDirectory = {
    async listAgents(scope: RequestScope) {
      const out: Agent[] = [];
      for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
        const res = await client.monitoring(scope, 'user-session-information', { offset, limit: AMEYO_MONITORING_PAGE });
        const now = Date.now();
        for (const row of res.rows) out.push(toAgent(config.id, parseWire(wireUserSession, row, facts), now));
        offset += res.rows.length;
        if (res.rows.length === 0 || (res.total !== null ? offset >= res.total : res.rows.length < AMEYO_MONITORING_PAGE)) break;
      }
      return out;
    },
    async getAgents(nativeIds, scope) {
      const found = new Map<string, Agent>();
      for (let i = 0; i < nativeIds.length; i += AMEYO_MONITORING_PAGE) {
        const ids = nativeIds.slice(i, i + AMEYO_MONITORING_PAGE);
        const res = await client.monitoring(scope, 'user-session-information', { limit: AMEYO_MONITORING_PAGE, filters: { 'user-ids': ids } });
        const now = Date.now();
        for (const row of res.rows) {
          const a = toAgent(config.id, parseWire(wireUserSession, row, facts), now);
          found.set(a.nativeId, a);
        }
      }
      return nativeIds.map((id) => found.get(id) ?? null);
    },
  };

  return { vendor: 'ameyo', connectionId: config.id, capabilities: ['AGENT_DIRECTORY', 'AGENT_PRESENCE'], upstream, agents };
}
