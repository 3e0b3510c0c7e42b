/** Contracts of AGENT_DIRECTORY, AGENT_PRESENCE and AGENT_CONTROL. */
import { matchesCriteria } from '../../src/domain/agents';
import type { AgentCriteria, AgentStatus } from '../../src/domain/types';
import { loadTypeDefs } from '../../src/graphql/schema';
import { defineContract, UNKNOWN_ID, type ContractSubject } from './support';

const STATUSES: readonly AgentStatus[] = ['AVAILABLE', 'ON_CALL', 'WRAP_UP', 'AWAY', 'OFFLINE', 'UNKNOWN'];
const directory = (s: ContractSubject) => s.adapter.agents!;
const ids = (list: ReadonlyArray<{ nativeId: string }>) => list.map((a) => a.nativeId);

export const defineAgentDirectoryContract = defineContract('AGENT_DIRECTORY', [
  {
    id: 'AD-1',
    name: "MUST list the connection's agents, each once, tagged with the connection and vendor",
    async fn(s) {
      const agents = await directory(s).listAgents(s.scope());
      expect(agents.length).toBeGreaterThan(0);
      expect(new Set(ids(agents)).size).toBe(agents.length);
      for (const a of agents) {
        expect(a).toMatchObject({ connectionId: s.adapter.connectionId, vendor: s.adapter.vendor });
        expect(typeof a.nativeId === 'string' && a.nativeId.length > 0).toBe(true);
        expect(typeof a.name === 'string' && a.name.length > 0).toBe(true);
      }
    },
  },
  {
    id: 'AD-2',
    name: 'MUST look agents up by native id in key order, with null for an id it does not have',
    async fn(s) {
      const [a, b] = await directory(s).listAgents(s.scope());
      const found = await directory(s).getAgents([b!.nativeId, UNKNOWN_ID, a!.nativeId], s.scope());
      expect(found.map((x) => x?.nativeId ?? null)).toEqual([b!.nativeId, null, a!.nativeId]);
    },
  },
  {
    id: 'AD-3',
    name: 'MUST, where it filters on the vendor side, answer every listed agent that meets the criteria',
    async fn(s) {
      const dir = directory(s);
      if (!dir.filterAgents) return; // the agent service filters this vendor's list itself
      const listed = await dir.listAgents(s.scope());
      const withExtension = listed.find((a) => a.extension !== null);
      const criteria: AgentCriteria[] = [{ online: true }, { online: false }, { statusChangedBefore: new Date() }, ...(withExtension ? [{ extensions: [withExtension.extension!] }] : [])];
      for (const c of criteria) {
        const filtered = ids(await dir.filterAgents(c, s.scope()));
        for (const a of listed.filter((x) => matchesCriteria(x, c))) expect(filtered).toContain(a.nativeId);
      }
    },
  },
  {
    id: 'AD-4',
    name: 'MUST offer its own filter language only under a field of the schema input AgentVendorFilter',
    async fn(s) {
      const field = directory(s).vendorFilter?.field;
      if (field === undefined) return;
      const input = /input AgentVendorFilter \{([^}]*)\}/.exec(loadTypeDefs().join('\n'))?.[1] ?? '';
      expect(input).toMatch(new RegExp(`^\\s*${field}:`, 'm'));
    },
  },
]);

export const defineAgentPresenceContract = defineContract('AGENT_PRESENCE', [
  {
    id: 'AP-1',
    name: "MUST report each agent's state as a normalised status with the vendor's own value beside it",
    async fn(s) {
      for (const a of await s.adapter.agents!.listAgents(s.scope())) {
        expect(STATUSES).toContain(a.status);
        expect(typeof a.rawStatus).toBe('string');
      }
    },
  },
  {
    id: 'AP-2',
    name: 'MUST report when the state began as a valid time, or null',
    async fn(s) {
      for (const a of await s.adapter.agents!.listAgents(s.scope())) {
        if (a.statusChangedAt !== null) expect(Number.isNaN(a.statusChangedAt.getTime())).toBe(false);
      }
    },
  },
]);

export const defineAgentControlContract = defineContract('AGENT_CONTROL', [
  {
    id: 'AC-1',
    name: "MUST set a listed agent's status and report the change per agent, by native id",
    async fn(s) {
      const agent = (await s.adapter.agents!.listAgents(s.scope())).find((a) => a.status === 'AVAILABLE' || a.status === 'AWAY')!;
      const changes = await s.adapter.agentControl!.updateStatuses({ status: 'Available', agentIds: [agent.nativeId], teamIds: [] }, s.scope());
      expect(changes.map((c) => c.agentNativeId)).toContain(agent.nativeId);
    },
  },
  {
    id: 'AC-2',
    name: 'MUST log a listed agent out, answering the agents logged out or a background job',
    async fn(s) {
      const agent = (await s.adapter.agents!.listAgents(s.scope())).find((a) => a.status !== 'OFFLINE')!;
      const res = await s.adapter.agentControl!.forceLogout({ agentIds: [agent.nativeId], teamIds: [], ipAddresses: [] }, s.scope());
      expect(res.agentNativeIds?.includes(agent.nativeId) || res.jobId !== null).toBe(true);
    },
  },
]);
