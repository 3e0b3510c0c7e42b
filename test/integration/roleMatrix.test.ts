/**
 * Issue 13, "Must show": the role matrix. Every mutation of the schema and every sensitive query, run over
 * real HTTP as an agent (acting as themselves, and on another agent), a supervisor, an admin and the API key,
 * against the default rules. The expected outcome of each cell is written below as a table, not read from the
 * schema's directives, so a rule that changes in the schema fails here until the table says so too.
 *
 * A FORBIDDEN cell checks the exact message and path, that the field is null while the rest of the request is
 * answered, and (the point of checking before the resolver) that no simulator received any request for it;
 * only `call` and `node` of another agent's call send one read first (whose call it is is known only then).
 * An allowed cell checks that the operation was not refused and reached the vendor.
 *
 * Two regressions at the end: a refused download is a 403 (it was a 502), and `node(id)` does not show an
 * agent a contact upload's error rows (it did).
 *
 * One gateway with tenant R, whose end users' tokens come from a local identity provider (sim/idp.ts); the
 * simulators have no rate limit and the connections allow 200 requests/second, so the ~170 calls take seconds.
 */
import { startIdentityProvider, type IdentityProvider } from '../../sim/idp';
import { encodeGlobalId, leadNativeKey } from '../../src/graphql/ids';
import { bodyOf } from '../support/graphqlBody';
import { connectionsFor, requestLines, startStack, type GqlResult, type Stack } from '../support/stack';

const KEY_R = 'test-key-tenant-r-roles-0007';
const AUDIENCE = 'switchboard-role-matrix';
const FAST = { ameyo: { requestsPerSecond: 0 }, appsApi: { requestsPerSecond: 0 }, campaignApi: { requestsPerSecond: 0 } };
const CONNECTION = { rateLimit: { requestsPerSecond: 200 }, cacheTtlMs: 0 };

let idp: IdentityProvider;
let stack: Stack;
const tokens: Record<'agent' | 'supervisor' | 'admin', string> = { agent: '', supervisor: '', admin: '' };
/** DialAttempt ids of a dial for the agent's own vendor agent and for another's (made as the API key). */
const attempts: Record<'agent as self' | 'agent on another', string> = { 'agent as self': '', 'agent on another': '' };
/** The lead import job `beforeAll` starts, for the rows that read one. */
let importJobId = '';

beforeAll(async () => {
  idp = await startIdentityProvider({ audience: AUDIENCE });
  stack = await startStack({
    sims: FAST,
    connection: CONNECTION,
    server: { introspection: true },
    moreTenants: (sims) => [
      {
        id: 'tenant-r',
        apiKeys: [KEY_R],
        auth: { jwt: { issuer: idp.issuer, audiences: [AUDIENCE], jwks: { url: idp.jwksUrl } } },
        connections: connectionsFor(sims, CONNECTION),
      },
    ],
  });
  // The agent is one seeded agent of each connection, named by the `agent_id` claim (as the demo agent is).
  tokens.agent = await idp.sign({
    sub: 'matrix-agent',
    roles: ['agent'],
    email: me.apps().email,
    agent_id: { 'ameyo-a': me.ameyo(), 'apps-a': String(me.apps().id), 'dialer-a': me.dialer() },
  });
  tokens.supervisor = await idp.sign({ sub: 'matrix-supervisor', roles: ['supervisor'] });
  tokens.admin = await idp.sign({ sub: 'matrix-admin', roles: ['admin'] });
  // A lead import job and a bulk user job for the rows that read or proceed one.
  for (const row of ['Mutation.leadsImport', 'Mutation.bulkUsersUpload'] as const) {
    const res = await send(row, 'API key', OPS[row]('API key'));
    expect(res.body.errors).toBeUndefined();
    if (row === 'Mutation.leadsImport') importJobId = res.body.data!['leadsImport'].job.id;
  }
  // A dial attempt of the agent's own and one of another agent's, for the rows that read one back.
  for (const who of ['agent as self', 'agent on another'] as const) {
    const res = await send('Mutation.callDial', 'API key', OPS['Mutation.callDial'](who));
    attempts[who] = res.body.data!['callDial'].dialAttempt.id;
  }
});
afterAll(async () => {
  await stack?.close();
  await idp?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// the expected outcomes
// ---------------------------------------------------------------------------------------------------------------

type Caller = 'agent as self' | 'agent on another' | 'supervisor' | 'admin' | 'API key';
const CALLERS: readonly Caller[] = ['agent as self', 'agent on another', 'supervisor', 'admin', 'API key'];
type Cell = 'allowed' | 'FORBIDDEN';
const A = 'allowed' as Cell;
const F = 'FORBIDDEN' as Cell;

/**
 * "agent as self" names the agent's own vendor agent where the operation names one (or their own call, where
 * it names a call); "agent on another" names another agent (or another agent's call). Where an operation names
 * neither, both agent columns send the same request. The supervisor, admin and API key act on another agent.
 */
//                                          agent as self  agent on another  supervisor  admin  API key
const EXPECTED = {
  'Mutation.callDial': [A, F, A, A, A],
  'Mutation.callDispose': [A, F, A, A, A],
  'Mutation.callDisposeAndDial': [A, F, A, A, A],
  'Mutation.agentStatusUpdate': [A, F, A, A, A],
  'Mutation.agentsForceLogout': [A, F, F, A, A],
  'Mutation.callCreate': [F, F, A, A, A],
  'Mutation.callDispositionSet': [F, F, A, A, A],
  'Mutation.callEndUserUpdate': [A, F, A, A, A],
  'Mutation.callCustomerFlagsUpdate': [A, F, A, A, A],
  'Mutation.callCustomDataSend': [A, F, A, A, A],
  'Mutation.crmContactDataSend': [A, A, A, A, A],
  'Mutation.endUserUpsert': [A, A, A, A, A],
  'Mutation.smsSend': [A, A, A, A, A],
  'Mutation.dncAdd': [F, F, A, A, A],
  'Mutation.dncRemove': [F, F, A, A, A],
  'Mutation.leadCreate': [F, F, A, A, A],
  'Mutation.leadUpdate': [F, F, A, A, A],
  'Mutation.leadStatusUpdate': [F, F, A, A, A],
  'Mutation.leadDelete': [F, F, A, A, A],
  'Mutation.leadsImport': [F, F, F, A, A],
  'Mutation.leadImportCancel': [F, F, F, A, A],
  'Mutation.contactsUpload': [F, F, F, A, A],
  'Mutation.bulkUsersUpload': [F, F, F, A, A],
  'Mutation.bulkUsersProceed': [F, F, F, A, A],
  'Query.calls': [F, F, A, A, A],
  'Query.call': [A, F, A, A, A],
  'Query.node (a Call)': [A, F, A, A, A],
  'Query.dialAttempt': [A, F, A, A, A],
  'Query.node (a DialAttempt)': [A, F, A, A, A],
  'Query.recording': [F, F, A, A, A],
  'Query.agentRuntimes': [F, F, A, A, A],
  'Query.campaignActivity': [F, F, A, A, A],
  'Query.chatInteractions': [F, F, A, A, A],
  'Query.customerInteractions': [F, F, A, A, A],
  'Query.leadImportJob': [F, F, F, A, A],
  'Query.bulkUserTemplate': [F, F, F, A, A],
  'Query.bulkUserJob': [F, F, F, A, A],
  'Mutation.chatCreate': [F, F, A, A, A],
  'Mutation.chatFinish': [F, F, A, A, A],
  'Mutation.chatResume': [F, F, A, A, A],
  'Mutation.chatMessageSend': [F, F, A, A, A],
  'Mutation.chatEscalate': [F, F, A, A, A],
  'Mutation.chatEscalationUpdate': [F, F, A, A, A],
  'Mutation.chatPhotosAdd': [F, F, A, A, A],
  'Mutation.chatVideoAdd': [F, F, A, A, A],
  'Mutation.chatMediaUploadUrlCreate': [F, F, A, A, A],
  'Mutation.chatEndUserUpdate': [F, F, A, A, A],
  'Mutation.chatCustomerFlagsUpdate': [F, F, A, A, A],
  'Mutation.chatCustomDataSend': [F, F, A, A, A],
  'Query.chats': [F, F, A, A, A],
  'Query.chat': [F, F, A, A, A],
  'Query.chatMedia': [F, F, A, A, A],
  // Issue 16 items 9 and 10: queue settings and contact lists are ADMIN's.
  'Mutation.queueSettingsExport': [F, F, F, A, A],
  'Mutation.queueSettingsImport': [F, F, F, A, A],
  'Mutation.queueSettingsAutoSave': [F, F, F, A, A],
  'Mutation.queueSettingsRestore': [F, F, F, A, A],
  'Mutation.contactListCreate': [F, F, F, A, A],
  'Mutation.contactListUpdate': [F, F, F, A, A],
  'Mutation.contactListDelete': [F, F, F, A, A],
  'Mutation.contactListEntriesAdd': [F, F, F, A, A],
  'Mutation.contactListEntryUpdate': [F, F, F, A, A],
  'Mutation.contactListEntryDelete': [F, F, F, A, A],
  'Query.queueSettingsVersions': [F, F, F, A, A],
  'Query.queueSettingsVersion': [F, F, F, A, A],
} as const satisfies Record<string, readonly [Cell, Cell, Cell, Cell, Cell]>;
type Row = keyof typeof EXPECTED;
const ROWS = Object.keys(EXPECTED) as Row[];

const OWN_AGENT = (path: string) => `, or any role for the caller's own agent (\`${path}\`)`;
const OWN_CALLS = ", or any role for the caller's own calls";

/** Each guarded row's rule, as the refusal states it and as the field's description ends (`Authorization: <rule>.`). */
const RULES: Partial<Record<Row, string>> = {
  'Mutation.callDial': `needs the SUPERVISOR role${OWN_AGENT('input.agentId')}`,
  'Mutation.callDispose': `needs the SUPERVISOR role${OWN_AGENT('input.agentId')}`,
  'Mutation.callDisposeAndDial': `needs the SUPERVISOR role${OWN_AGENT('input.agentId')}`,
  'Mutation.agentStatusUpdate': "needs the SUPERVISOR role, or any role for the caller's own agent (`input.agentIds`, with `input.teamNativeIds` empty)",
  'Mutation.agentsForceLogout': "needs the ADMIN role, or any role for the caller's own agent (`input.agentIds`, with `input.teamNativeIds` and `input.ipAddresses` empty)",
  'Mutation.callCreate': 'needs the SUPERVISOR role',
  'Mutation.callDispositionSet': 'needs the SUPERVISOR role',
  'Mutation.dncAdd': 'needs the SUPERVISOR role',
  'Mutation.dncRemove': 'needs the SUPERVISOR role',
  'Mutation.leadCreate': 'needs the SUPERVISOR role',
  'Mutation.leadUpdate': 'needs the SUPERVISOR role',
  'Mutation.leadStatusUpdate': 'needs the SUPERVISOR role',
  'Mutation.leadDelete': 'needs the SUPERVISOR role',
  'Mutation.leadsImport': 'needs the ADMIN role',
  'Mutation.leadImportCancel': 'needs the ADMIN role',
  'Mutation.contactsUpload': 'needs the ADMIN role',
  'Mutation.bulkUsersUpload': 'needs the ADMIN role',
  'Mutation.bulkUsersProceed': 'needs the ADMIN role',
  'Query.calls': 'needs the SUPERVISOR role',
  'Query.call': `needs the SUPERVISOR role${OWN_CALLS}`,
  'Query.node (a Call)': `needs the SUPERVISOR role${OWN_CALLS}`,
  'Query.dialAttempt': `needs the SUPERVISOR role${OWN_CALLS}`,
  'Query.node (a DialAttempt)': `needs the SUPERVISOR role${OWN_CALLS}`,
  'Query.recording': 'needs the SUPERVISOR role',
  'Query.agentRuntimes': 'needs the SUPERVISOR role',
  'Query.campaignActivity': 'needs the SUPERVISOR role',
  'Mutation.callEndUserUpdate': "needs the SUPERVISOR role, or any role on the caller's own call (`input.callId`)",
  'Mutation.callCustomerFlagsUpdate': "needs the SUPERVISOR role, or any role on the caller's own call (`input.callId`)",
  'Mutation.callCustomDataSend': "needs the SUPERVISOR role, or any role on the caller's own call (`input.callId`)",
  'Query.chatInteractions': 'needs the SUPERVISOR role',
  'Query.customerInteractions': 'needs the SUPERVISOR role',
  'Query.leadImportJob': 'needs the ADMIN role',
  'Query.bulkUserTemplate': 'needs the ADMIN role',
  'Query.bulkUserJob': 'needs the ADMIN role',
  'Mutation.chatCreate': 'needs the SUPERVISOR role',
  'Mutation.chatFinish': 'needs the SUPERVISOR role',
  'Mutation.chatResume': 'needs the SUPERVISOR role',
  'Mutation.chatMessageSend': 'needs the SUPERVISOR role',
  'Mutation.chatEscalate': 'needs the SUPERVISOR role',
  'Mutation.chatEscalationUpdate': 'needs the SUPERVISOR role',
  'Mutation.chatPhotosAdd': 'needs the SUPERVISOR role',
  'Mutation.chatVideoAdd': 'needs the SUPERVISOR role',
  'Mutation.chatMediaUploadUrlCreate': 'needs the SUPERVISOR role',
  'Mutation.chatEndUserUpdate': 'needs the SUPERVISOR role',
  'Mutation.chatCustomerFlagsUpdate': 'needs the SUPERVISOR role',
  'Mutation.chatCustomDataSend': 'needs the SUPERVISOR role',
  'Query.chats': 'needs the SUPERVISOR role',
  'Query.chat': 'needs the SUPERVISOR role',
  'Query.chatMedia': 'needs the SUPERVISOR role',
  'Mutation.queueSettingsExport': 'needs the ADMIN role',
  'Mutation.queueSettingsImport': 'needs the ADMIN role',
  'Mutation.queueSettingsAutoSave': 'needs the ADMIN role',
  'Mutation.queueSettingsRestore': 'needs the ADMIN role',
  'Mutation.contactListCreate': 'needs the ADMIN role',
  'Mutation.contactListUpdate': 'needs the ADMIN role',
  'Mutation.contactListDelete': 'needs the ADMIN role',
  'Mutation.contactListEntriesAdd': 'needs the ADMIN role',
  'Mutation.contactListEntryUpdate': 'needs the ADMIN role',
  'Mutation.contactListEntryDelete': 'needs the ADMIN role',
  'Query.queueSettingsVersions': 'needs the ADMIN role',
  'Query.queueSettingsVersion': 'needs the ADMIN role',
};

/**
 * Rows whose refusal comes after one vendor read: whose call it is is only known once the call is read, so
 * the read is sent and nothing else (src/graphql/authorization.ts, `ownCall`). Every other refusal sends nothing.
 */
/**
 * Rows the gateway answers from its own state (the lead import jobs of issue 18): allowed means answered without an
 * error; no vendor request is part of the answer (a job sends its rows later, in the background).
 */
const GATEWAY_ROWS: ReadonlySet<Row> = new Set<Row>(['Mutation.leadsImport', 'Mutation.leadImportCancel', 'Query.leadImportJob']);
const REFUSED_AFTER_READ: ReadonlySet<Row> = new Set<Row>(['Query.call', 'Query.node (a Call)', 'Mutation.callEndUserUpdate', 'Mutation.callCustomerFlagsUpdate', 'Mutation.callCustomDataSend']);

// ---------------------------------------------------------------------------------------------------------------
// who is who in the simulators' seeded data
// ---------------------------------------------------------------------------------------------------------------

const sims = () => stack.sims;
const OPEN_CALL = ['queued', 'connected', 'assigned', 'connecting', 'selecting'];

/** The agent's own vendor agent on each connection. */
const me = {
  ameyo: () => sims().ameyo.state.sessions[0]!.userId,
  apps: () => sims().appsApi.state.agents[0]!,
  dialer: () => String(sims().campaignApi.state.queues.flatMap((q) => q.agentIds)[0]!),
};
/** Another agent of the same connection. */
const other = {
  ameyoSession: () => sims().ameyo.state.sessions.find((s) => s.userId !== me.ameyo() && s.userStatus === 'Ready') ?? sims().ameyo.state.sessions[1]!,
  apps: () => sims().appsApi.state.agents.find((a) => a.id !== me.apps().id && a.deactivated_at === null)!,
};
const isSelf = (who: Caller) => who === 'agent as self';

const agentGid = (connectionId: string, nativeId: string | number) => encodeGlobalId('Agent', connectionId, String(nativeId));
const callGid = (connectionId: string, nativeId: string | number) => encodeGlobalId('Call', connectionId, String(nativeId));
const myAppsCall = () => sims().appsApi.state.calls.find((c) => c.agent_info?.id === me.apps().id && OPEN_CALL.includes(c.status))!;
const othersAppsCall = () => sims().appsApi.state.calls.find((c) => c.agent_info !== null && c.agent_info.id !== me.apps().id && OPEN_CALL.includes(c.status))!;
/** An Apps API call of the agent (self) or of another agent. */
const appsCallOf = (who: Caller) => (isSelf(who) ? myAppsCall() : othersAppsCall());

/** The Ameyo agent a caller names: the agent's own, or another logged-in one. */
const ameyoSessionOf = (who: Caller) => (isSelf(who) ? sims().ameyo.state.sessions[0]! : other.ameyoSession());

let serial = 0;
/** Unique per request: idempotency keys, phone numbers and identifiers never repeat. */
const next = () => ++serial;
const phone = () => `+1415556${String(next()).padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------------------------
// the request of each row
// ---------------------------------------------------------------------------------------------------------------

interface Op {
  /** Variable definitions, e.g. `$input: CallDialInput!`. */
  decl: string;
  /** The field with its arguments and a small selection. */
  selection: string;
  variables: Record<string, unknown>;
  /** A multipart upload: the file and where it goes in the variables. */
  upload?: { path: string; name: string; type: string; content: string };
}

const input = (type: string, selection: string, value: Record<string, unknown>, upload?: Op['upload']): Op => ({
  decl: `$input: ${type}!`,
  selection: selection.replace('(input)', '(input: $input)'),
  variables: { input: value },
  ...(upload ? { upload } : {}),
});
const COMMAND = '{ accepted vendorReason userErrors { field message code } }';
const DIAL = '{ dialAttempt { id accepted vendorReason } userErrors { field message code } }';
const campaignGid = (connectionId: string, nativeId: string | number) => encodeGlobalId('Campaign', connectionId, String(nativeId));

const OPS: Record<Row, (who: Caller) => Op> = {
  'Mutation.callDial': (who) => {
    const s = ameyoSessionOf(who);
    return input('CallDialInput', `callDial(input) ${DIAL}`, {
      agentId: agentGid('ameyo-a', s.userId),
      campaignId: campaignGid('ameyo-a', s.campaignId),
      phoneNumber: phone(),
      idempotencyKey: `matrix-dial-${next()}`,
    });
  },
  'Mutation.callDispose': (who) => {
    const s = ameyoSessionOf(who);
    const plan = sims().ameyo.state.dispositionPlans[s.campaignId] as string[];
    return input('CallDisposeInput', `callDispose(input) ${COMMAND}`, {
      agentId: agentGid('ameyo-a', s.userId),
      dispositionCode: plan[0],
      idempotencyKey: `matrix-dispose-${next()}`,
    });
  },
  'Mutation.callDisposeAndDial': (who) => {
    const s = ameyoSessionOf(who);
    const plan = sims().ameyo.state.dispositionPlans[s.campaignId] as string[];
    const call = sims().ameyo.state.interactions.find((i) => i.sessionId === s.sessionId && i.channelType === 'VOICE') ?? sims().ameyo.state.interactions[0]!;
    return input('CallDisposeAndDialInput', `callDisposeAndDial(input) ${DIAL}`, {
      agentId: agentGid('ameyo-a', s.userId),
      campaignId: campaignGid('ameyo-a', s.campaignId),
      callId: callGid('ameyo-a', call.crtObjectId),
      dispositionCode: plan[0],
      phoneNumber: phone(),
      idempotencyKey: `matrix-dad-${next()}`,
    });
  },
  'Mutation.agentStatusUpdate': (who) =>
    input('AgentStatusUpdateInput', 'agentStatusUpdate(input) { changes { agentNativeId currentStatus } userErrors { field message code } }', {
      connectionId: 'apps-a',
      status: 'Lunch',
      agentIds: [agentGid('apps-a', isSelf(who) ? me.apps().id : other.apps().id)],
    }),
  'Mutation.agentsForceLogout': (who) => {
    // Each allowed logout takes a different colleague offline, so later rows still find online agents.
    const target = isSelf(who)
      ? me.apps()
      : sims()
          .appsApi.state.agents.filter((a) => a.online && a.id !== me.apps().id && a.id !== other.apps().id)
          .at(-1)!;
    return input('AgentsForceLogoutInput', 'agentsForceLogout(input) { agents { id } jobNativeId userErrors { field message code } }', {
      connectionId: 'apps-a',
      agentIds: [agentGid('apps-a', target.id)],
    });
  },
  'Mutation.callCreate': (who) =>
    input('CallCreateInput', 'callCreate(input) { call { id } accepted userErrors { field message code } }', {
      connectionId: 'apps-a',
      type: 'OUTBOUND',
      agentEmail: (isSelf(who) ? me.apps() : other.apps()).email,
      endUserNumber: phone(),
    }),
  'Mutation.callDispositionSet': () => {
    const record = sims().campaignApi.state.activity[next() % sims().campaignApi.state.activity.length]!;
    return input('CallDispositionSetInput', 'callDispositionSet(input) { callId disposition userErrors { field message code } }', {
      callId: callGid('dialer-a', record.lead_history[0]!.uuid),
      disposition: 'VOICEMAIL',
    });
  },
  'Mutation.callEndUserUpdate': (who) =>
    input('CallEndUserUpdateInput', 'callEndUserUpdate(input) { accepted userErrors { field message code } }', {
      callId: callGid('apps-a', appsCallOf(who).id),
      identifier: `crm-matrix-${next()}`,
      name: 'Matrix Caller',
    }),
  'Mutation.callCustomerFlagsUpdate': (who) =>
    input('CallCustomerFlagsUpdateInput', 'callCustomerFlagsUpdate(input) { flags { verifiedCustomer } userErrors { field message code } }', {
      callId: callGid('apps-a', appsCallOf(who).id),
      verifiedCustomer: true,
    }),
  'Mutation.callCustomDataSend': (who) =>
    input('CallCustomDataSendInput', 'callCustomDataSend(input) { sent userErrors { field message code } }', {
      callId: callGid('apps-a', appsCallOf(who).id),
      fields: [{ key: 'field1', label: 'Order', value: `A-${next()}` }],
    }),
  'Mutation.crmContactDataSend': (who) => {
    const call = appsCallOf(who);
    return input('CrmContactDataSendInput', 'crmContactDataSend(input) { sent userErrors { field message code } }', {
      callId: callGid('apps-a', call.id),
      agentId: agentGid('apps-a', call.agent_info!.id),
      contact: { first_name: 'Ada', last_name: 'Lovelace', phone: phone() },
    });
  },
  'Mutation.endUserUpsert': () =>
    input('EndUserUpsertInput', 'endUserUpsert(input) { endUser { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      identifier: `crm-matrix-${next()}`,
      name: 'Matrix Caller',
    }),
  'Mutation.smsSend': (who) =>
    input('SmsSendInput', 'smsSend(input) { sms { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      endUserNumber: phone(),
      outboundNumber: '+18005550100',
      message: 'Your appointment is confirmed',
      agentId: agentGid('apps-a', isSelf(who) ? me.apps().id : other.apps().id),
    }),
  'Mutation.dncAdd': () => input('DncAddInput', 'dncAdd(input) { entries { phoneNumber listed } userErrors { field message code } }', { connectionId: 'apps-a', entries: [{ phoneNumber: phone() }] }),
  'Mutation.dncRemove': () => input('DncRemoveInput', 'dncRemove(input) { entries { phoneNumber listed } userErrors { field message code } }', { connectionId: 'apps-a', phoneNumbers: [phone()] }),
  'Mutation.leadCreate': () =>
    input('LeadCreateInput', 'leadCreate(input) { lead { id } userErrors { field message code } }', {
      campaignId: encodeGlobalId('Campaign', 'dialer-a', sims().campaignApi.state.campaigns[0]!.id),
      phoneNumber: phone(),
      firstName: 'Matrix',
    }),
  'Mutation.leadUpdate': () => {
    const campaign = sims().appsApi.state.campaigns[0]!;
    const contacts = sims().appsApi.state.campaignContacts.filter((c) => c.campaign_id === campaign.id);
    const contact = contacts[next() % contacts.length]!;
    return input('LeadUpdateInput', 'leadUpdate(input) { lead { id } userErrors { field message code } }', {
      leadId: encodeGlobalId('Lead', 'apps-a', leadNativeKey(String(campaign.id), String(contact.id))),
      name: `Matrix ${next()}`,
    });
  },
  'Mutation.leadStatusUpdate': () => {
    const leads = sims().campaignApi.state.leads;
    const lead = leads[next() % leads.length]!;
    return input('LeadStatusUpdateInput', 'leadStatusUpdate(input) { leadId status userErrors { field message code } }', {
      leadId: encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, lead.id)),
      status: 'NO_ANSWER',
    });
  },
  'Mutation.leadDelete': () => {
    // The last lead: each allowed delete removes it, so the next request names one that still exists.
    const lead = sims().campaignApi.state.leads.at(-1)!;
    return input('LeadDeleteInput', 'leadDelete(input) { deletedLeadId userErrors { field message code } }', {
      leadId: encodeGlobalId('Lead', 'dialer-a', leadNativeKey(lead.campaign_id, lead.id)),
    });
  },
  // Into an Ameyo campaign (named in config: nothing is read to check it) with a row without a phone: the job fails
  // the row and finishes without a vendor call, so the other rows' request logs stay their own.
  'Mutation.leadsImport': () =>
    input(
      'LeadsImportInput',
      'leadsImport(input) { job { id } userErrors { field message code } }',
      { campaignId: campaignGid('ameyo-a', sims().ameyo.state.leadLists[0]!.campaignId), mapping: { name: 'name', phones: ['phone'] }, file: null },
      { path: 'variables.input.file', name: 'leads.csv', type: 'text/csv', content: `name,phone\r\nMatrix ${next()},\r\n` },
    ),
  'Mutation.contactsUpload': () => {
    const list = sims().ameyo.state.leadLists[0]!;
    return input(
      'ContactsUploadInput',
      'contactsUpload(input) { task { nativeId } userErrors { field message code } }',
      {
        campaignId: campaignGid('ameyo-a', list.campaignId),
        leadListNativeId: String(list.leadId),
        userNativeId: 'supervisor1',
        headerMapping: [
          { field: 'name', column: 'customer_name' },
          { field: 'phone1', column: 'phone1' },
        ],
        file: null,
      },
      { path: 'variables.input.file', name: 'contacts.csv', type: 'text/csv', content: `customer_name,phone1\r\nAda Lovelace,${phone()}\r\n` },
    );
  },
  'Mutation.bulkUsersUpload': () =>
    input(
      'BulkUsersUploadInput',
      'bulkUsersUpload(input) { job { nativeId status } userErrors { field message code } }',
      { connectionId: 'apps-a', file: null },
      { path: 'variables.input.file', name: 'users.json', type: 'application/json', content: JSON.stringify([{ email: `matrix.${next()}@example.com`, first_name: 'New', last_name: 'Agent' }]) },
    ),
  'Mutation.bulkUsersProceed': () => input('BulkUsersProceedInput', 'bulkUsersProceed(input) { job { status } userErrors { field message code } }', { jobId: bulkJobId() }),
  'Query.calls': () => ({ decl: '', selection: 'calls(first: 2, filter: { connectionIds: ["apps-a"] }) { edges { node { id } } }', variables: {} }),
  'Query.call': (who) => ({ decl: '$id: ID!', selection: 'call(id: $id) { id nativeId }', variables: { id: callGid('apps-a', appsCallOf(who).id) } }),
  'Query.node (a Call)': (who) => ({ decl: '$id: ID!', selection: 'node(id: $id) { id ... on Call { nativeId } }', variables: { id: callGid('apps-a', appsCallOf(who).id) } }),
  // Read from the idempotency record; its agent is what reaches the vendor once the attempt is allowed.
  'Query.dialAttempt': (who) => ({ decl: '$id: ID!', selection: 'dialAttempt(id: $id) { id agent { id } }', variables: { id: attempts[isSelf(who) ? 'agent as self' : 'agent on another'] } }),
  'Query.node (a DialAttempt)': (who) => ({
    decl: '$id: ID!',
    selection: 'node(id: $id) { id ... on DialAttempt { agent { id } } }',
    variables: { id: attempts[isSelf(who) ? 'agent as self' : 'agent on another'] },
  }),
  'Query.recording': () => ({ decl: '$id: ID!', selection: 'recording(callId: $id) { url contentType }', variables: { id: callGid('ameyo-a', recordedAmeyoCall()) } }),
  'Query.agentRuntimes': () => ({ decl: '', selection: 'agentRuntimes(connectionId: "ameyo-a", first: 2) { totalCount }', variables: {} }),
  'Query.campaignActivity': () => ({
    decl: '',
    selection: 'campaignActivity(filter: { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" }, first: 2) { edges { node { campaignName } } }',
    variables: {},
  }),
  'Query.chatInteractions': () => ({ decl: '', selection: 'chatInteractions(connectionId: "ameyo-a", first: 2) { totalCount }', variables: {} }),
  'Query.customerInteractions': () => ({ decl: '', selection: 'customerInteractions(connectionId: "ameyo-a", first: 2) { totalCount }', variables: {} }),
  // The job beforeAll started has ended (its one row had no phone): the cancel is a user error, not a refusal.
  'Mutation.leadImportCancel': () => input('LeadImportCancelInput', 'leadImportCancel(input) { job { id } userErrors { field message code } }', { jobId: importJobId }),
  'Query.leadImportJob': () => ({ decl: '$j: ID!', selection: 'leadImportJob(id: $j) { status }', variables: { j: importJobId } }),
  'Query.bulkUserTemplate': () => ({ decl: '', selection: 'bulkUserTemplate(connectionId: "apps-a")', variables: {} }),
  'Query.bulkUserJob': () => ({ decl: '$j: ID!', selection: 'bulkUserJob(id: $j) { status }', variables: { j: bulkJobId() } }),
  'Mutation.chatCreate': () =>
    input('ChatCreateInput', 'chatCreate(input) { chat { id } userErrors { field message code } }', {
      connectionId: 'apps-a',
      queueId: encodeGlobalId('Queue', 'apps-a', 'en/63'),
      endUserId: encodeGlobalId('EndUser', 'apps-a', String(sims().appsApi.state.endUsers[0]!.id)),
    }),
  'Mutation.chatFinish': () => input('ChatFinishInput', 'chatFinish(input) { chat { id } userErrors { field message code } }', { chatId: openChatGid() }),
  'Mutation.chatResume': () => input('ChatResumeInput', 'chatResume(input) { chat { id } userErrors { field message code } }', { chatId: openChatGid() }),
  'Mutation.chatMessageSend': () =>
    input('ChatMessageSendInput', 'chatMessageSend(input) { message { content } userErrors { field message code } }', {
      chatId: openChatGid(),
      fromId: encodeGlobalId('EndUser', 'apps-a', String(openChat().end_user.id)),
      content: `hello ${next()}`,
    }),
  'Mutation.chatEscalate': () => input('ChatEscalateInput', 'chatEscalate(input) { escalation { nativeId } userErrors { field message code } }', { chatId: openChatGid(), force: true }),
  'Mutation.chatEscalationUpdate': () =>
    input('ChatEscalationUpdateInput', 'chatEscalationUpdate(input) { escalation { nativeId } userErrors { field message code } }', {
      chatId: openChatGid(),
      escalationNativeId: '1',
      deflectionChannel: 'email',
    }),
  'Mutation.chatPhotosAdd': () =>
    input('ChatPhotosAddInput', 'chatPhotosAdd(input) { media { mediaId } userErrors { field message code } }', { chatId: openChatGid(), photos: [{ storagePath: `p/${next()}.png` }] }),
  'Mutation.chatVideoAdd': () => input('ChatVideoAddInput', 'chatVideoAdd(input) { media { mediaId } userErrors { field message code } }', { chatId: openChatGid(), storagePath: `v/${next()}.mp4` }),
  'Mutation.chatMediaUploadUrlCreate': () =>
    input('ChatMediaUploadUrlCreateInput', 'chatMediaUploadUrlCreate(input) { uploadUrl { url } userErrors { field message code } }', { chatId: openChatGid(), kind: 'PHOTO' }),
  'Mutation.chatEndUserUpdate': () =>
    input('ChatEndUserUpdateInput', 'chatEndUserUpdate(input) { accepted userErrors { field message code } }', { chatId: openChatGid(), identifier: `crm-matrix-${next()}` }),
  'Mutation.chatCustomerFlagsUpdate': () =>
    input('ChatCustomerFlagsUpdateInput', 'chatCustomerFlagsUpdate(input) { flags { badActor } userErrors { field message code } }', { chatId: openChatGid(), badActor: false }),
  'Mutation.chatCustomDataSend': () =>
    input('ChatCustomDataSendInput', 'chatCustomDataSend(input) { sent userErrors { field message code } }', { chatId: openChatGid(), fields: [{ key: 'field1', value: `A-${next()}` }] }),
  'Query.chats': () => ({ decl: '', selection: 'chats(first: 2) { totalCount }', variables: {} }),
  'Query.chat': () => ({ decl: '$c: ID!', selection: 'chat(id: $c) { status }', variables: { c: openChatGid() } }),
  'Query.chatMedia': () => ({ decl: '$c: ID!', selection: 'chatMedia(chatId: $c, mediaId: "none") { mediaId }', variables: { c: openChatGid() } }),
  'Mutation.queueSettingsExport': () =>
    input('QueueSettingsExportInput', 'queueSettingsExport(input) { version { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      includeAudioFiles: false,
      includeAttachedFiles: false,
    }),
  'Mutation.queueSettingsImport': () =>
    input(
      'QueueSettingsImportInput',
      'queueSettingsImport(input) { version { nativeId } userErrors { field message code } }',
      { connectionId: 'apps-a', email: 'admin@demo.example.com', file: null },
      { path: 'variables.input.file', name: 'settings.json', type: 'application/json', content: '{"format":"queue_settings"}' },
    ),
  'Mutation.queueSettingsAutoSave': () =>
    input('QueueSettingsAutoSaveInput', 'queueSettingsAutoSave(input) { version { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      includeAudioFiles: false,
      includeAttachedFiles: true,
    }),
  'Mutation.queueSettingsRestore': () =>
    input('QueueSettingsRestoreInput', 'queueSettingsRestore(input) { version { nativeId } userErrors { field message code } }', { connectionId: 'apps-a', email: 'admin@demo.example.com' }),
  'Mutation.contactListCreate': () =>
    input('ContactListCreateInput', 'contactListCreate(input) { contactList { nativeId } userErrors { field message code } }', { connectionId: 'apps-a', name: `Matrix list ${next()}` }),
  'Mutation.contactListUpdate': () =>
    input('ContactListUpdateInput', 'contactListUpdate(input) { contactList { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      contactListNativeId: '3',
      name: `Matrix rename ${next()}`,
    }),
  // An id the simulator does not have: the delete reaches the vendor (and answers NOT_FOUND) without removing a seeded list.
  'Mutation.contactListDelete': () =>
    input('ContactListDeleteInput', 'contactListDelete(input) { deletedContactListNativeId userErrors { field message code } }', { connectionId: 'apps-a', contactListNativeId: '998' }),
  'Mutation.contactListEntriesAdd': () =>
    input('ContactListEntriesAddInput', 'contactListEntriesAdd(input) { entries { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      contactListNativeId: '2',
      entries: [{ name: 'Matrix entry', phoneNumber: phone() }],
    }),
  'Mutation.contactListEntryUpdate': () =>
    input('ContactListEntryUpdateInput', 'contactListEntryUpdate(input) { entry { nativeId } userErrors { field message code } }', {
      connectionId: 'apps-a',
      contactListNativeId: '1',
      entryNativeId: '101',
      name: `Front desk ${next()}`,
    }),
  'Mutation.contactListEntryDelete': () =>
    input('ContactListEntryDeleteInput', 'contactListEntryDelete(input) { deletedEntryNativeId userErrors { field message code } }', {
      connectionId: 'apps-a',
      contactListNativeId: '2',
      entryNativeId: '998',
    }),
  'Query.queueSettingsVersions': () => ({ decl: '', selection: 'queueSettingsVersions(connectionId: "apps-a", first: 2) { totalCount }', variables: {} }),
  'Query.queueSettingsVersion': () => ({
    decl: '$v: ID!',
    selection: 'queueSettingsVersion(id: $v) { nativeId }',
    variables: { v: encodeGlobalId('QueueSettingsVersion', 'apps-a', String(sims().appsApi.state.queueSettingsVersions[0]!.id)) },
  }),
};

/** A chat that the commands may still change (queued, with no human agent yet). */
const openChat = () => sims().appsApi.state.chatSessions.find((c) => c.status === 'queued')!;
const openChatGid = () => encodeGlobalId('Chat', 'apps-a', String(openChat().id));

const recordedAmeyoCall = () => (sims().ameyo.state.calls as Array<{ crtObjectId: string; hasRecording?: boolean }>).find((c) => c.hasRecording !== false)!.crtObjectId;
const bulkJobId = () => encodeGlobalId('BulkUserJob', 'apps-a', String(sims().appsApi.state.bulkUserJobs[0]!.id));

// ---------------------------------------------------------------------------------------------------------------
// sending and checking
// ---------------------------------------------------------------------------------------------------------------

const bearerOf = (who: Caller) => (who === 'API key' ? KEY_R : who === 'agent as self' || who === 'agent on another' ? tokens.agent : tokens[who]);

const kindOf = (row: Row) => (row.startsWith('Mutation.') ? 'mutation' : 'query');
const fieldOf = (row: Row) => /^\w+\.(\w+)/.exec(row)![1]!;
/** A sibling that no rule guards and no vendor answers: it must still come back when the row's field is refused. */
const SIBLING = {
  mutation: { selection: '__typename', data: { __typename: 'Mutation' } },
  query: { selection: 'connections { id }', data: { connections: [{ id: 'ameyo-a' }, { id: 'apps-a' }, { id: 'dialer-a' }] } },
};

function documentOf(row: Row, op: Op): string {
  const kind = kindOf(row);
  return `${kind} RoleMatrix${op.decl ? `(${op.decl})` : ''} { ${op.selection} ${SIBLING[kind].selection} }`;
}

/** Sends the row's request as `who`: JSON, or a GraphQL multipart request for uploads. */
async function send(row: Row, who: Caller, op: Op): Promise<Pick<GqlResult, 'status' | 'body'>> {
  const query = documentOf(row, op);
  const authorization = `Bearer ${bearerOf(who)}`;
  if (!op.upload) return stack.gql(query, { apiKey: bearerOf(who), variables: op.variables });
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: op.variables }));
  form.append('map', JSON.stringify({ 0: [op.upload.path] }));
  form.append('0', new Blob([op.upload.content], { type: op.upload.type }), op.upload.name);
  const res = await fetch(stack.graphqlUrl, { method: 'POST', headers: { authorization, 'apollo-require-preflight': 'true' }, body: form });
  return { status: res.status, body: await bodyOf<GqlResult['body']>(res) };
}

const allSims = () => [sims().ameyo, sims().appsApi, sims().campaignApi];
const clearLogs = () => allSims().forEach((s) => s.clearRequests());
/** Everything the three simulators received, as 'METHOD /path'. */
const sentLines = () => allSims().flatMap((s) => requestLines(s));

// ---------------------------------------------------------------------------------------------------------------
// the matrix
// ---------------------------------------------------------------------------------------------------------------

describe.each(ROWS)('%s', (row) => {
  it.each(CALLERS.map((who, i) => [who, EXPECTED[row][i]!] as const))('as %s: %s', async (who, cell) => {
    const field = fieldOf(row);
    const kind = kindOf(row);
    const op = OPS[row](who);
    clearLogs();
    const res = await send(row, who, op);
    expect(res.status).toBe(200);

    if (cell === F) {
      expect(res.body.errors).toEqual([
        { message: `${kind === 'mutation' ? 'Mutation' : 'Query'}.${field} ${RULES[row]}`, locations: [expect.any(Object)], path: [field], extensions: { code: 'FORBIDDEN' } },
      ]);
      expect(res.body.data).toEqual({ [field]: null, ...SIBLING[kind].data });
      if (REFUSED_AFTER_READ.has(row)) {
        // The call is read to learn whose it is; nothing else is sent.
        expect(sentLines()).toEqual([`GET /manager/api/v1/calls/${appsCallOf(who).id}`]);
      } else {
        expect(sentLines()).toEqual([]);
      }
    } else {
      const codes = (res.body.errors ?? []).map((e) => e.extensions?.['code']);
      expect(codes).not.toContain('FORBIDDEN');
      expect(res.body.data).toMatchObject(SIBLING[kind].data);
      if (GATEWAY_ROWS.has(row)) {
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data![field]).not.toBeNull();
      } else {
        // Not refused, and it reached the vendor (whatever the vendor then said).
        expect(sentLines().length).toBeGreaterThan(0);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// the table against the schema
// ---------------------------------------------------------------------------------------------------------------

interface IntrospectedField {
  name: string;
  description: string | null;
}
async function introspect(): Promise<{ query: IntrospectedField[]; mutation: IntrospectedField[] }> {
  const res = await stack.gql('{ __schema { queryType { fields { name description } } mutationType { fields { name description } } } }', { apiKey: KEY_R });
  expect(res.body.errors).toBeUndefined();
  const schema = res.body.data!['__schema'];
  return { query: schema.queryType.fields, mutation: schema.mutationType.fields };
}

describe('the table', () => {
  it('has a row for every Mutation field of the schema (a new mutation fails here until it is classified)', async () => {
    const { mutation } = await introspect();
    const rows = ROWS.filter((r) => r.startsWith('Mutation.')).map(fieldOf);
    expect([...rows].sort()).toEqual(mutation.map((f) => f.name).sort());
  });

  it('names the rule of every row that refuses someone, and of no row that refuses nobody', () => {
    for (const row of ROWS) {
      expect([row, EXPECTED[row].includes(F)]).toEqual([row, RULES[row] !== undefined]);
    }
  });

  it("ends each guarded field's description with its rule, for the IDE's Docs pane; unguarded fields have none", async () => {
    const fields = await introspect();
    const descriptionOf = (row: Row) => {
      const list = kindOf(row) === 'mutation' ? fields.mutation : fields.query;
      const found = list.find((f) => f.name === fieldOf(row));
      expect([row, found === undefined]).toEqual([row, false]);
      return found!.description ?? '';
    };
    for (const row of ROWS) {
      const rule = RULES[row];
      if (rule) expect([row, descriptionOf(row).endsWith(`Authorization: ${rule}.`)]).toEqual([row, true]);
      else expect([row, descriptionOf(row)]).not.toEqual([row, expect.stringContaining('Authorization:')]);
    }
    const nodes = fields.query.find((f) => f.name === 'nodes')!;
    expect(nodes.description).toMatch(/\n\nAuthorization: needs the SUPERVISOR role, or any role for the caller's own calls\.$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// own calls, other people, and refusals that leave nothing behind
// ---------------------------------------------------------------------------------------------------------------

describe("an agent reads their own calls and not another's", () => {
  it("call(id): own call answered, another agent's null with FORBIDDEN on its alias, the rest kept", async () => {
    const own = callGid('apps-a', myAppsCall().id);
    const theirs = callGid('apps-a', othersAppsCall().id);
    const res = await stack.gql(`query($own: ID!, $theirs: ID!) { own: call(id: $own) { id agent { nativeId } } theirs: call(id: $theirs) { id } connections { id } }`, {
      apiKey: tokens.agent,
      variables: { own, theirs },
    });
    expect(res.body).toEqual({
      data: { own: { id: own, agent: { nativeId: String(me.apps().id) } }, theirs: null, connections: SIBLING.query.data.connections },
      errors: [{ message: "Query.call needs the SUPERVISOR role, or any role for the caller's own calls", locations: [{ line: 1, column: 80 }], path: ['theirs'], extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it("nodes(ids): own call and an agent answered, another agent's call null with FORBIDDEN at its index", async () => {
    const own = callGid('apps-a', myAppsCall().id);
    const theirs = callGid('apps-a', othersAppsCall().id);
    const colleague = agentGid('apps-a', other.apps().id);
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Call { nativeId } ... on Agent { nativeId } } }`;
    const asAgent = await stack.gql(query, { apiKey: tokens.agent, variables: { ids: [own, theirs, colleague] } });
    expect(asAgent.body).toEqual({
      data: { nodes: [{ id: own, nativeId: String(myAppsCall().id) }, null, { id: colleague, nativeId: String(other.apps().id) }] },
      errors: [
        { message: "Query.nodes needs the SUPERVISOR role, or any role for the caller's own calls", locations: [{ line: 1, column: 23 }], path: ['nodes', 1], extensions: { code: 'FORBIDDEN' } },
      ],
    });
    const asSupervisor = await stack.gql(query, { apiKey: tokens.supervisor, variables: { ids: [own, theirs, colleague] } });
    expect(asSupervisor.body).toEqual({
      data: {
        nodes: [
          { id: own, nativeId: String(myAppsCall().id) },
          { id: theirs, nativeId: String(othersAppsCall().id) },
          { id: colleague, nativeId: String(other.apps().id) },
        ],
      },
    });
  });
});

describe('acting as oneself means naming only oneself', () => {
  const STATUS = `mutation($input: AgentStatusUpdateInput!) { agentStatusUpdate(input: $input) { userErrors { message } } }`;
  const LOGOUT = `mutation($input: AgentsForceLogoutInput!) { agentsForceLogout(input: $input) { userErrors { message } } }`;
  const refused = (field: string, rule: string) => ({
    data: { [field]: null },
    errors: [{ message: `Mutation.${field} ${rule}`, locations: [{ line: 1, column: expect.any(Number) }], path: [field], extensions: { code: 'FORBIDDEN' } }],
  });

  const STATUS_UPDATE = { query: STATUS, field: 'agentStatusUpdate', input: { status: 'Lunch' } };
  const FORCE_LOGOUT = { query: LOGOUT, field: 'agentsForceLogout', input: {} };
  it.each([
    ['agentStatusUpdate', 'own agent and a colleague', STATUS_UPDATE, () => ({ agentIds: [agentGid('apps-a', me.apps().id), agentGid('apps-a', other.apps().id)] })],
    ['agentStatusUpdate', 'own agent and a team', STATUS_UPDATE, () => ({ agentIds: [agentGid('apps-a', me.apps().id)], teamNativeIds: ['3'] })],
    ['agentStatusUpdate', 'a team only', STATUS_UPDATE, () => ({ teamNativeIds: ['3'] })],
    // The agent's own vendor id, but under another connection: whose it is depends on the connection.
    ['agentStatusUpdate', "own Ameyo id as an Apps API agent's", STATUS_UPDATE, () => ({ agentIds: [agentGid('apps-a', me.ameyo())] })],
    ['agentsForceLogout', 'own agent and an IP range', FORCE_LOGOUT, () => ({ agentIds: [agentGid('apps-a', me.apps().id)], ipAddresses: ['0.0.0.0/0'] })],
    ['agentsForceLogout', 'own agent and a team', FORCE_LOGOUT, () => ({ agentIds: [agentGid('apps-a', me.apps().id)], teamNativeIds: ['3'] })],
  ])('%s naming %s: FORBIDDEN, nothing sent', async (_field, _what, op, names) => {
    clearLogs();
    const res = await stack.gql(op.query, { apiKey: tokens.agent, variables: { input: { connectionId: 'apps-a', ...op.input, ...names() } } });
    expect(res.body).toEqual(refused(op.field, RULES[`Mutation.${op.field}` as Row]!));
    expect(sentLines()).toEqual([]);
  });

  it("a refused dial leaves no idempotency record: the supervisor's dial with the same key and input goes out once", async () => {
    const op = OPS['Mutation.callDial']('agent on another');
    const query = documentOf('Mutation.callDial', op);
    clearLogs();
    const refusedDial = await stack.gql(query, { apiKey: tokens.agent, variables: op.variables });
    expect(refusedDial.body.errors!.map((e) => e.extensions!['code'])).toEqual(['FORBIDDEN']);
    const dial = await stack.gql(query, { apiKey: tokens.supervisor, variables: op.variables });
    expect(dial.body.errors).toBeUndefined();
    const again = await stack.gql(query, { apiKey: tokens.supervisor, variables: op.variables });
    expect(again.body).toEqual(dial.body);
    expect(sentLines().filter((l) => l.startsWith('POST /ameyowebaccess/command'))).toEqual(['POST /ameyowebaccess/command/']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// downloads: the same roles as the fields that lead to them
// ---------------------------------------------------------------------------------------------------------------

describe('downloads', () => {
  type DownloadCaller = 'agent' | 'supervisor' | 'admin' | 'API key';
  //                                               agent  supervisor  admin  API key
  const DOWNLOADS = {
    recordings: [F, A, A, A],
    'contact-upload-errors': [F, F, A, A],
    'queue-settings-versions': [F, F, A, A],
    'lead-import-errors': [F, F, A, A],
  } as const satisfies Record<string, readonly [Cell, Cell, Cell, Cell]>;
  const ROLE = { recordings: 'SUPERVISOR', 'contact-upload-errors': 'ADMIN', 'queue-settings-versions': 'ADMIN', 'lead-import-errors': 'ADMIN' } as const;
  const WHO: readonly DownloadCaller[] = ['agent', 'supervisor', 'admin', 'API key'];
  let uploadTaskId = '';

  beforeAll(async () => {
    const op = OPS['Mutation.contactsUpload']('API key');
    op.upload!.content = 'customer_name,phone1\r\nAda Lovelace,+14155550101\r\nBad Phone,12\r\n';
    const res = await send('Mutation.contactsUpload', 'API key', { ...op, selection: 'contactsUpload(input: $input) { task { id } userErrors { message } }' });
    uploadTaskId = res.body.data!['contactsUpload'].task.id;
  });

  const URLS: Record<keyof typeof DOWNLOADS, () => string> = {
    recordings: () => `/files/recordings/${encodeURIComponent(callGid('ameyo-a', recordedAmeyoCall()))}?format=wav`,
    'contact-upload-errors': () => `/files/contact-upload-errors/${encodeURIComponent(uploadTaskId)}`,
    'queue-settings-versions': () =>
      `/files/queue-settings-versions/${encodeURIComponent(encodeGlobalId('QueueSettingsVersion', 'apps-a', String(sims().appsApi.state.queueSettingsVersions[0]!.id)))}`,
    'lead-import-errors': () => `/files/lead-import-errors/${encodeURIComponent(importJobId)}`,
  };
  const urlOf = (kind: keyof typeof DOWNLOADS) => URLS[kind]();
  const download = (kind: keyof typeof DOWNLOADS, who: DownloadCaller) =>
    fetch(`${stack.gateway.url}${urlOf(kind)}`, { headers: { authorization: `Bearer ${who === 'API key' ? KEY_R : tokens[who]}` } });

  describe.each(Object.keys(DOWNLOADS) as Array<keyof typeof DOWNLOADS>)('GET /files/%s', (kind) => {
    it.each(WHO.map((who, i) => [who, DOWNLOADS[kind][i]!] as const))('as %s: %s', async (who, cell) => {
      clearLogs();
      const res = await download(kind, who);
      if (cell === F) {
        expect(await bodyOf(res)).toEqual({ errors: [{ message: `downloading ${kind} needs the ${ROLE[kind]} role`, extensions: { code: 'FORBIDDEN' } }] });
        expect(sentLines()).toEqual([]);
      } else {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        // The gateway writes a lead import's error file from its own store; the others stream from the vendor.
        if (kind !== 'lead-import-errors') expect(sentLines().length).toBeGreaterThan(0);
      }
    });
  });

  // Regression: the files route had no status for FORBIDDEN (src/http/routes/files.ts `statusOf` fell
  // through to 502), so a refused download answered 502 Bad Gateway, as if the vendor had failed.
  it('answers a refused download with 403, not 502', async () => {
    const res = await download('recordings', 'agent');
    await res.arrayBuffer();
    expect(res.status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// regressions found by this matrix
// ---------------------------------------------------------------------------------------------------------------

describe('regressions', () => {
  // `ContactUploadTask.errorReport` had no rule and `node(id)` lets an agent read any node that is not a call,
  // so an agent (or supervisor) read the rows of an upload's error report (uploaded contacts' names and
  // numbers) that the download route keeps for ADMIN. The field now needs ADMIN, checked before any vendor call.
  it("an agent cannot read a contact upload's error rows through node(id)", async () => {
    const op = OPS['Mutation.contactsUpload']('API key');
    op.upload!.content = 'customer_name,phone1\r\nAda Lovelace,+14155550101\r\nBad Phone,12\r\n';
    const up = await send('Mutation.contactsUpload', 'API key', { ...op, selection: 'contactsUpload(input: $input) { task { id } userErrors { message } }' });
    const id = up.body.data!['contactsUpload'].task.id as string;
    clearLogs();
    const res = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on ContactUploadTask { errorReport { rows { values { column value } } } } } }`, {
      apiKey: tokens.agent,
      variables: { id },
    });
    expect(JSON.stringify(res.body.data)).not.toContain('Bad Phone');
    expect(res.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    expect(sentLines()).toEqual([]);
  });

  // Issue 15 made jobs nodes: `node(id)` answers any type, so a job's own rule (ADMIN) holds there too.
  it.each(['agent', 'supervisor'] as const)('a %s cannot read a bulk user job or a lead import job through node(id) or nodes(ids)', async (role) => {
    const importJob = importJobId;
    const one = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on BulkUserJob { status } } }`, { apiKey: tokens[role], variables: { id: bulkJobId() } });
    expect(one.body).toEqual({
      data: { node: null },
      errors: [{ message: 'Query.node: a BulkUserJob needs the ADMIN role', locations: [{ line: 1, column: 19 }], path: ['node'], extensions: { code: 'FORBIDDEN' } }],
    });
    const agentId = agentGid('apps-a', me.apps().id);
    const many = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { apiKey: tokens[role], variables: { ids: [importJob, agentId] } });
    expect(many.body).toEqual({
      data: { nodes: [null, { id: agentId }] },
      errors: [{ message: 'Query.nodes: a LeadImportJob needs the ADMIN role', locations: [{ line: 1, column: 23 }], path: ['nodes', 0], extensions: { code: 'FORBIDDEN' } }],
    });
    const asAdmin = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { apiKey: tokens.admin, variables: { id: importJob } });
    expect(asAdmin.body).toEqual({ data: { node: { id: importJob } } });
  });

  // Issue 16: a chat (its transcript) is a supervisor's to read, as `chat(id)` says; node(id) does not open it to agents.
  it('an agent cannot read a chat through node(id); a supervisor can', async () => {
    const id = openChatGid();
    const asAgent = await stack.gql(`query($id: ID!) { node(id: $id) { id ... on Chat { transcript { content } } } }`, { apiKey: tokens.agent, variables: { id } });
    expect(asAgent.body).toEqual({
      data: { node: null },
      errors: [{ message: 'Query.node: a Chat needs the SUPERVISOR role', locations: [{ line: 1, column: 19 }], path: ['node'], extensions: { code: 'FORBIDDEN' } }],
    });
    const asSupervisor = await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { apiKey: tokens.supervisor, variables: { id } });
    expect(asSupervisor.body).toEqual({ data: { node: { id } } });
  });
});
