/** Vendor agent states -> our AgentStatus, for every value the simulators use, plus the edges. */
import { AMEYO_LOGGED_OFF, AMEYO_USER_STATUSES } from '../../sim/ameyo';
import { buildAppsApiState, USER_STATUSES, APPS_API_SIM_DEFAULTS } from '../../sim/apps-api';
import { AGENT_STATUSES, CAMPAIGN_API_SIM_DEFAULTS, createCampaignApiState } from '../../sim/campaign-api';
import { queuesStatusView } from '../../sim/campaign-api/views';
import type { AgentStatus } from '../../src/domain/types';
import { ameyoAgentStatus } from '../../src/vendors/ameyo/adapter';
import { appsApiAgentStatus } from '../../src/vendors/apps-api/adapter';
import { agentsOfQueues, campaignApiAgentStatus } from '../../src/vendors/campaign-api/adapter';
import type { WireQueue } from '../../src/vendors/campaign-api/types';

describe('appsApiAgentStatus', () => {
  // The simulator's statuses with the `online` / `wrap_up` flags it sends with each (sim/apps-api/seed.ts).
  const SIM: Array<[string, boolean, boolean, AgentStatus]> = [
    ['Available', true, false, 'AVAILABLE'],
    ['Unavailable', true, false, 'AWAY'],
    ['In-call', true, false, 'ON_CALL'],
    ['Wrap-up', true, true, 'WRAP_UP'],
    ['Break', true, false, 'AWAY'],
    ['Lunch', true, false, 'AWAY'],
    ['Meeting', true, false, 'AWAY'],
    ['Offline', false, false, 'OFFLINE'],
  ];

  it('the table covers every simulator status', () => {
    expect(SIM.map((r) => r[0]).sort()).toEqual(USER_STATUSES.map((s) => s.name).sort());
  });

  it.each(SIM)('%s (online %s, wrap_up %s) -> %s', (status, online, wrap_up, expected) => {
    expect(appsApiAgentStatus({ status, online, wrap_up })).toBe(expected);
  });

  it.each<[{ status?: string | null; online?: boolean | null; wrap_up?: boolean | null }, AgentStatus]>([
    [{ status: 'Available', online: false, wrap_up: false }, 'OFFLINE'], // offline wins
    [{ status: 'In-call', online: true, wrap_up: true }, 'WRAP_UP'], // the wrap_up flag wins over the name
    [{ status: 'Wrap-up', online: true, wrap_up: false }, 'WRAP_UP'], // the name alone is enough
    [{ status: ' in call ' }, 'ON_CALL'],
    [{ status: 'IN_CALL' }, 'ON_CALL'],
    [{ status: 'On-Call' }, 'ON_CALL'],
    [{ status: 'wrap_up' }, 'WRAP_UP'],
    [{ status: 'AVAILABLE' }, 'AVAILABLE'],
    [{ status: 'offline', online: null }, 'OFFLINE'],
    [{ status: 'Coffee', online: true }, 'AWAY'], // any other name is a custom "not taking calls" status
    [{ status: '', online: true }, 'UNKNOWN'],
    [{ status: '   ' }, 'UNKNOWN'],
    [{ status: null }, 'UNKNOWN'],
    [{}, 'UNKNOWN'],
  ])('%j -> %s', (agent, expected) => {
    expect(appsApiAgentStatus(agent)).toBe(expected);
  });

  it('maps every seeded simulator agent to a known status that agrees with its flags', () => {
    const state = buildAppsApiState(APPS_API_SIM_DEFAULTS.seed);
    expect(state.agents.length).toBeGreaterThan(0);
    for (const a of state.agents) {
      const s = appsApiAgentStatus(a);
      expect(s).not.toBe('UNKNOWN');
      expect(s === 'OFFLINE').toBe(!a.online);
      if (a.wrap_up) expect(s).toBe('WRAP_UP');
    }
  });
});

describe('ameyoAgentStatus', () => {
  const SIM: Array<[string, AgentStatus]> = [
    ['Ready', 'AVAILABLE'],
    ['On Call', 'ON_CALL'],
    ['Wrap-up', 'WRAP_UP'],
    ['Break', 'AWAY'],
    ['Not Ready', 'AWAY'],
    [AMEYO_LOGGED_OFF, 'OFFLINE'],
  ];

  it('the table covers every simulator status', () => {
    expect(SIM.map((r) => r[0]).sort()).toEqual([...AMEYO_USER_STATUSES, AMEYO_LOGGED_OFF].sort());
    expect(AMEYO_LOGGED_OFF).toBe('Logged Off');
  });

  it.each(SIM)('%j -> %s', (status, expected) => {
    expect(ameyoAgentStatus(status)).toBe(expected);
  });

  it.each<[string | null | undefined, AgentStatus]>([
    ['READY', 'AVAILABLE'],
    ['on_call', 'ON_CALL'],
    ['wrap up', 'WRAP_UP'],
    ['WrapUp', 'WRAP_UP'],
    ['ACW', 'WRAP_UP'],
    ['not-ready', 'AWAY'],
    ['Auto Call Off', 'AWAY'],
    ['logged out', 'OFFLINE'],
    ['  Logged   Off ', 'OFFLINE'],
    ['Mystery', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    [' ', 'UNKNOWN'],
    [null, 'UNKNOWN'],
    [undefined, 'UNKNOWN'],
  ])('%j -> %s', (status, expected) => {
    expect(ameyoAgentStatus(status)).toBe(expected);
  });
});

describe('campaignApiAgentStatus', () => {
  const SIM: Array<[string, AgentStatus]> = [
    ['idle', 'AVAILABLE'],
    ['ringing', 'ON_CALL'],
    ['in_call', 'ON_CALL'],
    ['wrap_up', 'WRAP_UP'],
    ['paused', 'AWAY'],
  ];

  it('the table covers every simulator status', () => {
    expect(SIM.map((r) => r[0]).sort()).toEqual([...AGENT_STATUSES].sort());
  });

  it.each(SIM)('logged in, %j -> %s', (status, expected) => {
    expect(campaignApiAgentStatus({ logged_in: true, status })).toBe(expected);
  });

  it.each(AGENT_STATUSES)('logged_in false with %j -> OFFLINE', (status) => {
    expect(campaignApiAgentStatus({ logged_in: false, status })).toBe('OFFLINE');
  });

  it.each<[{ logged_in?: boolean | null; status?: string | null }, AgentStatus]>([
    [{ logged_in: null, status: 'idle' }, 'AVAILABLE'], // unknown login state does not mean offline
    [{ status: 'In Call' }, 'ON_CALL'],
    [{ status: 'WRAP-UP' }, 'WRAP_UP'],
    [{ status: 'logged_out' }, 'OFFLINE'],
    [{ logged_in: true, status: 'mystery' }, 'UNKNOWN'],
    [{ logged_in: true, status: '' }, 'UNKNOWN'],
    [{ logged_in: true, status: null }, 'UNKNOWN'],
    [{ logged_in: true }, 'UNKNOWN'],
    [{ logged_in: false, status: null }, 'OFFLINE'],
  ])('%j -> %s', (agent, expected) => {
    expect(campaignApiAgentStatus(agent)).toBe(expected);
  });
});

describe('agentsOfQueues', () => {
  const queues: WireQueue[] = [
    {
      id: 'q1',
      name: 'Sales',
      agents: [
        { id: 'a1', name: 'Ann', extension: '1001', logged_in: true, status: 'in_call' },
        { id: 'a2', name: '', extension: '1002', logged_in: false, status: 'idle' },
      ],
    },
    { id: 'q2', name: 'Empty', agents: null },
    {
      id: 'q3',
      name: 'Support',
      agents: [
        // a1 again, as the queue-status read lists an agent once per queue
        { id: 'a1', name: 'Ann', extension: '1001', logged_in: true, status: 'in_call' },
        { id: 'a3', logged_in: true },
      ],
    },
  ];

  it('lists each agent once, in first-seen order, with its status', () => {
    const agents = agentsOfQueues('dialer', queues);
    expect(agents.map((a) => [a.nativeId, a.name, a.extension, a.status, a.rawStatus])).toEqual([
      ['a1', 'Ann', '1001', 'ON_CALL', 'in_call'],
      ['a2', '1002', '1002', 'OFFLINE', 'idle'], // no name: the extension stands in
      ['a3', 'a3', null, 'UNKNOWN', ''], // neither: the id
    ]);
    expect(agents[0]).toMatchObject({ connectionId: 'dialer', vendor: 'campaign-api', email: null, statusChangedAt: null });
    expect(agents[0]!.raw).toBe(queues[0]!.agents![0]);
  });

  it('an empty list gives no agents', () => {
    expect(agentsOfQueues('dialer', [])).toEqual([]);
  });

  it('the simulator seed: one agent per id, none UNKNOWN', () => {
    const d = CAMPAIGN_API_SIM_DEFAULTS;
    const state = createCampaignApiState(d.seed, [{ accountId: d.accountId, domain: d.domain, username: d.username, password: d.password, apiKey: d.apiKey }]);
    const view = queuesStatusView(state) as unknown as WireQueue[];
    const listed = view.flatMap((q) => (q.agents ?? []).map((a) => a.id));
    const agents = agentsOfQueues('dialer', view);
    expect(agents.map((a) => a.nativeId)).toEqual([...new Set(listed)]);
    expect(listed.length).toBeGreaterThan(agents.length); // some agents really are in several queues
    expect(agents.filter((a) => a.status === 'UNKNOWN')).toEqual([]);
  });
});
