/**
 * Queue settings export/import and version history (QUEUE_SETTINGS): the checks a caller can fix before anything is
 * sent, and the reads the node loader and the file route use.
 */
import { capabilityAt, memberAt } from './fanOut';
import { checkFirst, decodeOffsetCursor, pageOfList, type Page } from './paging';
import type { DownloadStream, InputProblem, QueueSettingsAdmin, QueueSettingsVersion, RequestScope, Tenant } from './types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Queue settings of one connection (UNSUPPORTED_BY_VENDOR without QUEUE_SETTINGS). */
export function queueSettingsAt(tenant: Tenant, connectionId: string): QueueSettingsAdmin {
  return capabilityAt(tenant, connectionId, 'QUEUE_SETTINGS').member;
}

/**
 * One Relay page of the connection's version history. The vendor documents no paging for "Retrieve version histories
 * list" (apps-api.txt "Export - Import Queues Settings 7": headers only, no query) and answers the whole list, so each
 * page is that one read, sliced here by offset as the merged catalogs are (`agents`, `campaigns`). `first` and `after`
 * are checked before the vendor is asked.
 */
export async function queueSettingsVersionsOf(tenant: Tenant, connectionId: string, first: number, after: string | null | undefined, scope: RequestScope): Promise<Page<QueueSettingsVersion>> {
  const admin = queueSettingsAt(tenant, connectionId);
  checkFirst(first);
  if (after) decodeOffsetCursor(after);
  return pageOfList(await admin.listVersions(scope), first, after);
}

/** One version; null when the connection has no queue settings or no such version. */
export async function getQueueSettingsVersion(tenant: Tenant, connectionId: string, nativeId: string, scope: RequestScope): Promise<QueueSettingsVersion | null> {
  const admin = memberAt(tenant, connectionId, 'QUEUE_SETTINGS');
  return admin ? admin.getVersion(nativeId, scope) : null;
}

/** A version's file as a stream; null when the connection has no queue settings or no such version. */
export async function openQueueSettingsVersion(tenant: Tenant, connectionId: string, nativeId: string, scope: RequestScope): Promise<DownloadStream | null> {
  const admin = memberAt(tenant, connectionId, 'QUEUE_SETTINGS');
  return admin ? admin.openVersion(nativeId, scope) : null;
}

/** The email every import and restore is made for: required (apps-api.txt "(Required) The email address of the User"). */
export function emailProblems(email: string): InputProblem[] {
  if (!email.trim()) return [{ field: ['email'], message: 'email must not be empty' }];
  if (!EMAIL.test(email.trim())) return [{ field: ['email'], message: `email must be an email address, got ${JSON.stringify(email.slice(0, 64))}` }];
  return [];
}

/** A restore's revision, where given: the vendor's "Version History Identifier", a UUID in the doc's sample. */
export function revisionProblems(revision: string | null | undefined): InputProblem[] {
  if (revision == null || UUID.test(revision)) return [];
  return [{ field: ['revision'], message: `revision must be a UUID, got ${JSON.stringify(revision.slice(0, 64))}` }];
}
