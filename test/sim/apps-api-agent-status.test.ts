/** Apps API simulator: bulk agent status change and force logout; the seeded teams and login addresses. */
import { SEED_EPOCH_MS } from '../../sim/common/seed';
import { startAppsApiSim, type Agent, type AppsApiSim } from '../../sim/apps-api';
import { AUTH, MISSING } from '../support/appsApiSim';

const NOW = SEED_EPOCH_MS + 2 * 60 * 60_000;

let sim: AppsApiSim;
beforeEach(async () => {
  sim = await startAppsApiSim({ port: 0, requestsPerSecond: 0, now: () => NOW });
});
afterEach(async () => {
  await sim.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
async function agentsNow(query = ''): Promise<Agent[]> {
  const res = await fetch(`${sim.managerBaseUrl}/agents${query}`, { headers: { authorization: AUTH } });
  return (await res.json()) as Agent[];
}
const by = (status: string) => sim.state.agents.filter((a) => a.status === status);

describe('seed additions', () => {
  it('gives teams numeric ids and agents teams [{id, name}] and a last_login_ip', () => {
    expect(sim.state.teams).toEqual([
      { id: 1, name: 'Sales' },
      { id: 2, name: 'Support' },
      { id: 3, name: 'Billing' },
      { id: 4, name: 'Retention' },
    ]);
    for (const a of sim.state.agents) {
      for (const t of a.teams) expect(sim.state.teams).toContainEqual(t);
      expect(a.last_login_ip === null).toBe(a.last_login_time === null);
    }
    const office = sim.state.agents.filter((a) => a.last_login_ip?.startsWith('34.211.11.'));
    expect(office.length).toBeGreaterThanOrEqual(3);
  });
});

describe('POST /apps/api/v1/agent_statuses', () => {
  it('changes selected agents (ids plus team members) and reports system-status agents unchanged', async () => {
    const available = by('Available')[0]!;
    const inCall = by('In-call')[0]!;
    const offline = by('Offline')[0]!;
    const res = await post('/apps/api/v1/agent_statuses', { status: 'Break', agent_ids: [inCall.id, available.id, offline.id, 99_999], team_ids: [] });
    expect(res.status).toBe(200);
    const row = (a: Agent) => ({ agent_id: a.id, name: `${a.first_name} ${a.last_name}`, email: a.email, agent_number: a.agent_number });
    const expected = [
      { ...row(available), previous_status: 'Available', current_status: 'Break' },
      { ...row(inCall), previous_status: 'In-call', current_status: 'In-call', message: 'Cannot change status from system status In-call' },
      { ...row(offline), previous_status: 'Offline', current_status: 'Offline', message: 'Cannot change status from system status Offline' },
    ].sort((a, b) => a.agent_id - b.agent_id);
    expect(res.body).toEqual(expected);
    const after = (await agentsNow(`?id[]=${available.id}`))[0]!;
    expect(after).toMatchObject({ status: 'Break', status_id: 5, online: true, wrap_up: false, status_updated_at: new Date(NOW).toISOString() });
    expect((await agentsNow(`?id[]=${inCall.id}`))[0]!.status).toBe('In-call');
  });

  it('selects by team_ids, case-insensitive status names', async () => {
    const team = sim.state.agents.filter((a) => a.teams.some((t) => t.id === 2));
    const res = await post('/apps/api/v1/agent_statuses', { status: 'available', team_ids: [2] });
    expect(res.status).toBe(200);
    const body = res.body as Array<{ agent_id: number; current_status: string }>;
    expect(body.map((r) => r.agent_id)).toEqual(team.map((a) => a.id));
    const changeable = team.filter((a) => !['In-call', 'Wrap-up', 'Offline'].includes(a.status));
    expect(body.filter((r) => r.current_status === 'Available').length).toBe(changeable.length);
    for (const a of changeable) expect(a.status).toBe('Available');
  });

  it.each([
    [{ status: 'In-call', agent_ids: [12] }, { message: 'Cannot change agent status to system status In-call' }],
    [{ status: 'Offline', agent_ids: [12] }, { message: 'Cannot change agent status to system status Offline' }],
    [{ status: 'Wrap-up', team_ids: [1] }, { message: 'Cannot change agent status to system status Wrap-up' }],
    [{ status: 'Napping', agent_ids: [12] }, { message: 'status Napping is not found' }],
    [{ status: 'Break', agent_ids: [], team_ids: [] }, MISSING],
    [{ status: 'Break' }, MISSING],
    [{ agent_ids: [12] }, MISSING],
  ])('refuses %j', async (body, message) => {
    expect(await post('/apps/api/v1/agent_statuses', body)).toEqual({ status: 400, body: message });
  });
});

describe('POST /apps/api/v1/agent_statuses/force_logout', () => {
  it('logs out online agents by id and answers their ids with job_id null', async () => {
    const online = sim.state.agents.filter((a) => a.online).slice(0, 2);
    const offline = by('Offline')[0]!;
    const res = await post('/apps/api/v1/agent_statuses/force_logout', { agent_ids: [online[1]!.id, online[0]!.id, offline.id] });
    expect(res).toEqual({ status: 200, body: { agent_ids: online.map((a) => a.id), job_id: null } });
    const after = await agentsNow(`?id[]=${online[0]!.id}&id[]=${online[1]!.id}`);
    for (const a of after) expect(a).toMatchObject({ status: 'Offline', status_id: 8, online: false });
  });

  it('matches ip_addrs given as CIDR, single addresses and ranges', async () => {
    const office = sim.state.agents.filter((a) => a.online && a.last_login_ip?.startsWith('34.211.11.')).map((a) => a.id);
    expect(office.length).toBeGreaterThan(0);
    expect(office.length).toBeLessThanOrEqual(20);
    const res = await post('/apps/api/v1/agent_statuses/force_logout', { ip_addrs: ['34.211.11.0/24', '2001:db8::/32'] });
    expect(res).toEqual({ status: 200, body: { agent_ids: office, job_id: null } });

    const other = sim.state.agents.filter((a) => a.online && a.last_login_ip !== null);
    const [x, y] = other;
    const single = await post('/apps/api/v1/agent_statuses/force_logout', { ip_addrs: [x!.last_login_ip, `${y!.last_login_ip}-${y!.last_login_ip}`] });
    expect(single).toEqual({ status: 200, body: { agent_ids: [x!.id, y!.id].sort((a, b) => a - b), job_id: null } });
    // Nobody left to match: an empty list.
    expect(await post('/apps/api/v1/agent_statuses/force_logout', { ip_addrs: ['34.211.11.0/24'] })).toEqual({ status: 200, body: { agent_ids: [], job_id: null } });
  });

  it('answers 202 with a job id when more than 20 agents match, and still logs them out', async () => {
    const online = sim.state.agents.filter((a) => a.online).length;
    expect(online).toBeGreaterThan(20);
    const res = await post('/apps/api/v1/agent_statuses/force_logout', { team_ids: [1, 2, 3, 4] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ agent_ids: [], job_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    expect((await agentsNow('?online[]=true')).length).toBe(0);
  });

  it.each([
    [{}, MISSING],
    [{ agent_ids: [], team_ids: [], ip_addrs: [] }, MISSING],
    [{ ip_addrs: ['34.211.11.0/33'] }, { message: 'ip_addrs contains an invalid address: 34.211.11.0/33' }],
    [{ ip_addrs: ['10.0.0.1', '300.1.1.1'] }, { message: 'ip_addrs contains an invalid address: 300.1.1.1' }],
    [{ ip_addrs: ['10.0.0.9-10.0.0.1'] }, { message: 'ip_addrs contains an invalid address: 10.0.0.9-10.0.0.1' }],
    [{ ip_addrs: ['10.0.0.1-::1'] }, { message: 'ip_addrs contains an invalid address: 10.0.0.1-::1' }],
    [{ ip_addrs: ['fe80::zz'] }, { message: 'ip_addrs contains an invalid address: fe80::zz' }],
  ])('refuses %j', async (body, message) => {
    const before = sim.state.agents.filter((a) => a.online).length;
    expect(await post('/apps/api/v1/agent_statuses/force_logout', body)).toEqual({ status: 400, body: message });
    expect(sim.state.agents.filter((a) => a.online).length).toBe(before);
  });
});
