/**
 * Global IDs: opaque base64url of `[type, connectionId, nativeId]`. They are resolved only against the
 * caller's own tenant, so another tenant's ID names a connection the caller does not have and answers
 * exactly like an ID that never existed.
 */
import { BadUserInputError } from '../errors';

export type NodeType = 'Agent';
const NODE_TYPES: readonly NodeType[] = ['Agent'];

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
  if (
    !Array.isArray(parts) ||
    parts.length !== 3 ||
    !NODE_TYPES.includes(parts[0]) ||
    typeof parts[1] !== 'string' ||
    typeof parts[2] !== 'string' ||
    parts[2] === ''
  ) {
    throw new BadUserInputError(`expected a Switchboard global ID, got ${JSON.stringify(id.slice(0, 64))}`);
  }
  return { type: parts[0] as NodeType, connectionId: parts[1], nativeId: parts[2] };
}
