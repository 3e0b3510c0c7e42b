/** Contracts of CAMPAIGN_ACTIVITY and CALL_DISPOSITION. */
import type { CallDisposition, CampaignActivityEvent } from '../../src/domain/types';
import { defineContract, type ContractSubject } from './support';

const WINDOW = { from: new Date('2000-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z') };
const DISPOSITIONS: readonly CallDisposition[] = ['VOICEMAIL', 'NO_ANSWER', 'BUSY', 'CALLBACK', 'COMPLETED', 'WRONG_NUMBER', 'DO_NOT_CALL'];

const firstPage = async (s: ContractSubject, limit: number) => s.adapter.activity!.listActivity(WINDOW, null, limit, s.scope());
const identity = (e: CampaignActivityEvent) => JSON.stringify(e.raw);

export const defineCampaignActivityContract = defineContract('CAMPAIGN_ACTIVITY', [
  {
    id: 'CAC-1',
    name: 'MUST page the activity between two times from its start keys without repeating an event',
    async fn(s) {
      const first = await firstPage(s, 5);
      expect(first.items).toHaveLength(5);
      expect(first.nextKey).not.toBeNull();
      const second = await s.adapter.activity!.listActivity(WINDOW, first.nextKey, 5, s.scope());
      const seen = new Set(first.items.map(identity));
      for (const e of second.items) expect(seen.has(identity(e))).toBe(false);
      for (const e of [...first.items, ...second.items]) {
        expect(e.connectionId).toBe(s.adapter.connectionId);
        expect(e.time.getTime()).toBeGreaterThanOrEqual(WINDOW.from.getTime());
      }
    },
  },
  {
    id: 'CAC-2',
    name: 'MUST keep, for a campaign filter, exactly the events whose campaign is one of those campaigns',
    async fn(s) {
      const { items } = await firstPage(s, 20);
      const campaigns = await Promise.all(items.map((e) => s.adapter.activity!.campaignOf(e, s.scope())));
      const wanted = campaigns.find((c) => c !== null)!;
      const keep = await s.adapter.activity!.campaignFilter([wanted.nativeId], s.scope());
      items.forEach((e, i) => expect(keep(e)).toBe(campaigns[i]?.nativeId === wanted.nativeId));
    },
  },
  {
    id: 'CAC-3',
    name: 'MUST name the agent of an event, where it can tell, as an agent of the same connection',
    async fn(s) {
      const { items } = await firstPage(s, 20);
      const agents = (await Promise.all(items.map((e) => s.adapter.activity!.agentOf(e, s.scope())))).filter((a) => a !== null);
      expect(agents.length).toBeGreaterThan(0);
      for (const a of agents) expect(a.connectionId).toBe(s.adapter.connectionId);
    },
  },
]);

export const defineCallDispositionContract = defineContract('CALL_DISPOSITION', [
  {
    id: 'CDI-1',
    name: 'MUST name the dispositions it can set, each a domain disposition',
    async fn(s) {
      expect(s.adapter.dispositions!.dispositions.length).toBeGreaterThan(0);
      for (const d of s.adapter.dispositions!.dispositions) expect(DISPOSITIONS).toContain(d);
    },
  },
  {
    id: 'CDI-2',
    name: 'MUST set each disposition it names on a call it reported',
    async fn(s) {
      // The calls a connection reports: its call log, or the calls its campaign activity names.
      const callId = s.adapter.calls ? (await s.adapter.calls.listCalls({}, 0, 1, s.scope())).items[0]!.nativeId : (await firstPage(s, 1)).items[0]!.callUuid!;
      for (const d of s.adapter.dispositions!.dispositions) await s.adapter.dispositions!.setDisposition(callId, d, s.scope());
    },
  },
]);
