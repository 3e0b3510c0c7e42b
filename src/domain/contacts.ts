/** The contact service: end users, SMS, the company Do Not Call list and CRM contact data, each on one connection. */
import { capabilityAt, memberAt } from './fanOut';
import type { CrmDataSink, DncList, EndUser, EndUserDirectory, RequestScope, SmsSender, Tenant } from './types';

/** End users of one connection (UNSUPPORTED_BY_VENDOR without END_USERS). */
export const endUsersAt = (tenant: Tenant, connectionId: string): EndUserDirectory => capabilityAt(tenant, connectionId, 'END_USERS').member;

/** One end user by the vendor's id; null when the connection has no end users or no such one. */
export async function getEndUser(tenant: Tenant, connectionId: string, nativeId: string, scope: RequestScope): Promise<EndUser | null> {
  const endUsers = memberAt(tenant, connectionId, 'END_USERS');
  return endUsers ? endUsers.findEndUser({ nativeId }, scope) : null;
}

/** SMS from one connection (UNSUPPORTED_BY_VENDOR without SMS). */
export const smsAt = (tenant: Tenant, connectionId: string): SmsSender => capabilityAt(tenant, connectionId, 'SMS').member;

/** The Do Not Call list of one connection (UNSUPPORTED_BY_VENDOR without DNC). */
export const dncAt = (tenant: Tenant, connectionId: string): DncList => capabilityAt(tenant, connectionId, 'DNC').member;

/** CRM contact data to one connection (UNSUPPORTED_BY_VENDOR without CRM_DATA). */
export const crmAt = (tenant: Tenant, connectionId: string): CrmDataSink => capabilityAt(tenant, connectionId, 'CRM_DATA').member;
