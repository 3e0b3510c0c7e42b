/** Contract of QUEUE_STATUS. */
import { defineContract } from './support';

export const defineQueueStatusContract = defineContract('QUEUE_STATUS', [
  {
    id: 'QS-1',
    name: "MUST list the connection's queues, each once, tagged with the connection and vendor",
    async fn(s) {
      const queues = await s.adapter.queues!.listQueues('en', s.scope());
      expect(queues.length).toBeGreaterThan(0);
      expect(new Set(queues.map((q) => q.nativeId)).size).toBe(queues.length);
      for (const q of queues) expect(q).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
    },
  },
  {
    id: 'QS-2',
    name: "MUST list a queue's agents, where it lists them, as agents of the same connection",
    async fn(s) {
      for (const q of await s.adapter.queues!.listQueues('en', s.scope())) {
        for (const a of q.agents ?? []) expect(a).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
      }
    },
  },
  {
    id: 'QS-3',
    name: 'MUST key wait times, where it reports them, by the native ids of its queues',
    async fn(s) {
      const source = s.adapter.queues!;
      if (!source.waitTimes) return;
      const queues = new Set((await source.listQueues('en', s.scope())).map((q) => q.nativeId));
      for (const id of (await source.waitTimes('en', s.scope())).keys()) expect(queues.has(id)).toBe(true);
    },
  },
  {
    id: 'QS-4',
    name: 'MUST report after-hours and over-capacity flags, where it reports them, as booleans',
    async fn(s) {
      const source = s.adapter.queues!;
      if (!source.operationStatus) return;
      const [q] = await source.listQueues('en', s.scope());
      const status = await source.operationStatus(q!.nativeId, 'en', 'VOICE', s.scope());
      expect(typeof status.afterHours).toBe('boolean');
      expect(typeof status.overCapacity).toBe('boolean');
    },
  },
]);
