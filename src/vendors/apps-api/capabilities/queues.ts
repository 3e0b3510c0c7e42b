/** Apps API queue status: live per-menu status, estimated waits, and operation status (apps-api.txt "Queue Status Endpoint"). */
import type { QueueStatusSource } from '../../../domain/types';
import { wireQueueOperationStatus, wireQueueStatus, wireWaitTimes } from '../types';
import type { AppsApiContext } from './context';

export function createQueueStatus({ client, cid }: AppsApiContext): QueueStatusSource {
  return {
    async listQueues(lang, scope) {
      const res = await client.json('listQueueStatus', wireQueueStatus, scope, { query: { lang } });
      return res.queues.map((q) => ({
        connectionId: cid,
        vendor: 'apps-api' as const,
        nativeId: String(q.menu_id),
        name: q.materialized_path ?? null,
        lang: q.lang ?? lang,
        menuType: q.menu_type ?? null,
        currentWait: q.current_queue_ewt ?? null,
        scheduledCallbackWait: q.scheduled_callback_ewt ?? null,
        loggedInAgentCount: q.logged_in_agents ?? null,
        availableAgentCount: q.available_agents ?? null,
        extension: null,
        strategy: null,
        maxWait: null,
        agentCount: null,
        idleAgentCount: null,
        onCallAgentCount: null,
        loggedOutAgentCount: null,
        agents: null,
        raw: q,
      }));
    },
    async waitTimes(lang, scope) {
      const rows = await client.json('listWaitTimes', wireWaitTimes, scope, { query: { lang } });
      return new Map(rows.map((r) => [String(r.menu_id), { voice: r.voice_call ?? null, chat: r.chat ?? null }]));
    },
    async operationStatus(queueNativeId, lang, channel, scope) {
      const res = await client.json('getQueueOperationStatus', wireQueueOperationStatus, scope, {
        query: { menu_id: queueNativeId, lang, channel_type: channel === 'VOICE' ? 'call' : 'chat' },
      });
      return { afterHours: Boolean(res.after_hour ?? res.after_hours), overCapacity: Boolean(res.overcapacity) };
    },
  };
}
