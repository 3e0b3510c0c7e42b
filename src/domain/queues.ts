/** The queue service: live status of every connection's queues, with wait times and operation status on demand. */
import { fanOut, memberAt, type PartialResult } from './fanOut';
import type { Queue, QueueChannel, RequestScope, Tenant } from './types';

export async function listQueues(tenant: Tenant, connectionIds: readonly string[] | null | undefined, lang: string, scope: RequestScope): Promise<PartialResult<Queue[]>> {
  // The freshness engine's copy when it is fresh (issue 17): no vendor request, no wait.
  const answered = await fanOut(tenant, 'QUEUE_STATUS', async (source, adapter) => (await tenant.live?.queues(adapter.connectionId, lang, scope.deadlineAt)) ?? source.listQueues(lang, scope), {
    connectionIds,
  });
  return { value: answered.value.flat(), failures: answered.failures };
}

/** One queue of a connection in a language, or null. */
export async function getQueue(tenant: Tenant, connectionId: string, lang: string, nativeId: string, scope: RequestScope): Promise<Queue | null> {
  const source = memberAt(tenant, connectionId, 'QUEUE_STATUS');
  if (!source) return null;
  return (await source.listQueues(lang, scope)).find((q) => q.nativeId === nativeId) ?? null;
}

/** The queue's estimated waits, where its vendor reports them. One read per connection and language answers every queue (the route is cached and coalesced). */
export async function waitTimesOf(tenant: Tenant, queue: Queue, scope: RequestScope): Promise<{ voice: number | null; chat: number | null } | null> {
  const source = memberAt(tenant, queue.connectionId, 'QUEUE_STATUS');
  if (!source?.waitTimes) return null;
  return (await source.waitTimes(queue.lang ?? 'en', scope)).get(queue.nativeId) ?? null;
}

/** After-hours and over-capacity flags for a channel, where the queue's vendor reports them. */
export async function operationStatusOf(
  tenant: Tenant,
  queue: Queue,
  channel: QueueChannel,
  scope: RequestScope,
): Promise<{ channel: QueueChannel; afterHours: boolean; overCapacity: boolean } | null> {
  const source = memberAt(tenant, queue.connectionId, 'QUEUE_STATUS');
  if (!source?.operationStatus) return null;
  return { channel, ...(await source.operationStatus(queue.nativeId, queue.lang ?? 'en', channel, scope)) };
}
