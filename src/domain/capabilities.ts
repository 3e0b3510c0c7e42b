/**
 * Capabilities are derived from what an adapter implements: each capability is provided by one member of
 * `VendorAdapter`, and a connection has it exactly when that member is present. Nothing else records them,
 * so the feature table `Query.connections` serves, the mutations' UNSUPPORTED_BY_VENDOR checks and the
 * queries' fan-out cannot disagree (issue 15, item 3).
 */
import type { Capability, CapabilityMembers, VendorAdapter } from './types';

/**
 * The member that provides each capability. AGENT_PRESENCE shares the directory: every directory reports
 * each agent's state (`Agent.status` is required), so a connection that lists agents reports presence.
 * Within one member, capabilities are listed in this order.
 */
export const CAPABILITY_MEMBERS = {
  AGENT_DIRECTORY: 'agents',
  AGENT_PRESENCE: 'agents',
  AGENT_CONTROL: 'agentControl',
  CALL_LOG: 'calls',
  CALL_CREATE: 'callCreator',
  CALL_DATA: 'callData',
  CAMPAIGN_CATALOG: 'campaigns',
  LEAD_STORE: 'leads',
  SMS: 'sms',
  QUEUE_STATUS: 'queues',
  END_USERS: 'endUsers',
  DNC: 'dnc',
  CRM_DATA: 'crm',
  BULK_USERS: 'bulkUsers',
  LEAD_STATUS: 'leadStatus',
  CAMPAIGN_ACTIVITY: 'activity',
  CALL_DISPOSITION: 'dispositions',
  CONTACT_UPLOAD: 'contactUploads',
  DIALER: 'dialer',
  RECORDINGS: 'recordings',
  PRESENCE_TABLES: 'presence',
  CHAT_LOG: 'chats',
  CHAT_CONTROL: 'chatControl',
  QUEUE_SETTINGS: 'queueSettings',
  CONTACT_LISTS: 'contactLists',
  LEAD_IMPORT: 'leadImports',
} as const satisfies Record<Capability, keyof CapabilityMembers>;

/** The interface a connection with capability `C` implements (`AgentDirectory` for AGENT_DIRECTORY). */
export type CapabilityMember<C extends Capability> = NonNullable<CapabilityMembers[(typeof CAPABILITY_MEMBERS)[C]]>;

const CAPABILITIES_OF_MEMBER = new Map<string, Capability[]>();
for (const [capability, member] of Object.entries(CAPABILITY_MEMBERS) as Array<[Capability, string]>) {
  const list = CAPABILITIES_OF_MEMBER.get(member) ?? [];
  list.push(capability);
  CAPABILITIES_OF_MEMBER.set(member, list);
}

/** The adapter's member for `capability`, or undefined when the adapter does not implement it. */
export function memberFor<C extends Capability>(adapter: VendorAdapter, capability: C): CapabilityMember<C> | undefined {
  return adapter[CAPABILITY_MEMBERS[capability]] as CapabilityMember<C> | undefined;
}

/**
 * What a connection can do, in the order its adapter declares its members (the order `Query.connections`
 * has always served: test/integration/cli.test.ts pins it). An adapter composes its members in that order.
 */
export function capabilitiesOf(adapter: VendorAdapter): Capability[] {
  const out: Capability[] = [];
  for (const key of Object.keys(adapter)) {
    if (adapter[key as keyof VendorAdapter] === undefined) continue;
    for (const c of CAPABILITIES_OF_MEMBER.get(key) ?? []) out.push(c);
  }
  return out;
}
