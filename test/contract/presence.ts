/** Contract of PRESENCE_TABLES. */
import type { PresenceTables } from '../../src/domain/types';
import { defineContract } from './support';

const TABLES = ['agentRuntimes', 'chatInteractions', 'customerInteractions'] as const satisfies ReadonlyArray<keyof PresenceTables>;

export const definePresenceTablesContract = defineContract('PRESENCE_TABLES', [
  {
    id: 'PT-1',
    name: 'MUST read each table by offset and limit, rows tagged with the connection, the total at least the rows',
    async fn(s) {
      for (const table of TABLES) {
        const res = await s.adapter.presence![table]({}, 0, 3, s.scope());
        expect(res.items.length).toBeLessThanOrEqual(3);
        for (const r of res.items) expect(r.connectionId).toBe(s.adapter.connectionId);
        if (res.total !== null) expect(res.total).toBeGreaterThanOrEqual(res.items.length);
      }
    },
  },
  {
    id: 'PT-2',
    name: 'MUST read consecutive offsets without repeating a row',
    async fn(s) {
      const first = await s.adapter.presence!.agentRuntimes({}, 0, 2, s.scope());
      const second = await s.adapter.presence!.agentRuntimes({}, 2, 2, s.scope());
      expect(first.items).toHaveLength(2);
      const seen = new Set(first.items.map((r) => r.userId));
      for (const r of second.items) expect(seen.has(r.userId)).toBe(false);
    },
  },
  {
    id: 'PT-3',
    name: 'MUST apply the user filter: runtime rows of the users asked for only',
    async fn(s) {
      const [row] = (await s.adapter.presence!.agentRuntimes({}, 0, 1, s.scope())).items;
      const res = await s.adapter.presence!.agentRuntimes({ userIds: [row!.userId] }, 0, 10, s.scope());
      expect(res.items.map((r) => r.userId)).toEqual([row!.userId]);
    },
  },
]);
