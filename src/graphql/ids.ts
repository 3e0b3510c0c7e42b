/**
 * Global IDs: opaque base64url of `[type, connectionId, nativeId]`. They are resolved only against the
 * caller's own tenant, so another tenant's ID names a connection the caller does not have and answers
 * exactly like an ID that never existed.
 */
import { BadUserInputError } from '../errors';

export type NodeType = 'Agent' | 'Call' | 'Campaign' | 'Lead' | 'Queue' | 'ContactUploadTask' | 'DialAttempt' | 'EndUser' | 'BulkUserJob' | 'LeadImportJob' | 'Chat' | 'QueueSettingsVersion';
const NODE_TYPES: readonly NodeType[] = ['Agent', 'Call', 'Campaign', 'Lead', 'Queue', 'ContactUploadTask', 'DialAttempt', 'EndUser', 'BulkUserJob', 'LeadImportJob', 'Chat', 'QueueSettingsVersion'];

/** An upload task's native part: the campaign, the lead list and the vendor's task id. */
export const uploadTaskNativeKey = (campaignId: string, leadListId: string, taskId: string) => [campaignId, leadListId, taskId].map(encodeURIComponent).join('/');
export function splitUploadTaskNativeKey(key: string): { campaignNativeId: string; leadListNativeId: string; taskId: string } | null {
  const parts = key.split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  try {
    const [campaignNativeId, leadListNativeId, taskId] = parts.map(decodeURIComponent) as [string, string, string];
    return { campaignNativeId, leadListNativeId, taskId };
  } catch {
    return null;
  }
}

/** A lead's native part holds its campaign too: the vendors address leads within a campaign. */
export const leadNativeKey = (campaignNativeId: string, leadNativeId: string) => `${campaignNativeId}/${leadNativeId}`;
export function splitLeadNativeKey(key: string): { campaignNativeId: string; leadNativeId: string } | null {
  const i = key.lastIndexOf('/');
  return i > 0 && i < key.length - 1 ? { campaignNativeId: key.slice(0, i), leadNativeId: key.slice(i + 1) } : null;
}

/** A queue's native part holds its language: the Apps API reads queue status per language. */
export const queueNativeKey = (lang: string, queueNativeId: string) => `${lang}/${queueNativeId}`;
export function splitQueueNativeKey(key: string): { lang: string; queueNativeId: string } | null {
  const i = key.indexOf('/');
  return i > 0 && i < key.length - 1 ? { lang: key.slice(0, i), queueNativeId: key.slice(i + 1) } : null;
}

/**
 * A dial attempt has no vendor id (the vendors answer a dial without one): its native part is the command
 * and the client's idempotency key, which name its idempotency record (src/domain/dialing.ts).
 */
export const dialAttemptNativeKey = (command: string, idempotencyKey: string) => `${command}/${idempotencyKey}`;
export function splitDialAttemptNativeKey(key: string): { command: string; idempotencyKey: string } | null {
  const i = key.indexOf('/');
  return i > 0 && i < key.length - 1 ? { command: key.slice(0, i), idempotencyKey: key.slice(i + 1) } : null;
}

export interface GlobalId {
  type: NodeType;
  connectionId: string;
  nativeId: string;
}

export function encodeGlobalId(type: NodeType, connectionId: string, nativeId: string): string {
  return Buffer.from(JSON.stringify([type, connectionId, nativeId]), 'utf8').toString('base64url');
}

/** Decodes a global ID; throws BAD_USER_INPUT when it is not one of ours. */
export function decodeGlobalId(id: string): GlobalId {
  let parts: unknown;
  try {
    if (id.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(id)) throw new Error('not base64url');
    parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    throw new BadUserInputError(`expected a Switchboard global ID, got ${JSON.stringify(id.slice(0, 64))}`);
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !NODE_TYPES.includes(parts[0] as NodeType) || typeof parts[1] !== 'string' || typeof parts[2] !== 'string' || parts[2] === '') {
    throw new BadUserInputError(`expected a Switchboard global ID, got ${JSON.stringify(id.slice(0, 64))}`);
  }
  return { type: parts[0] as NodeType, connectionId: parts[1], nativeId: parts[2] };
}
