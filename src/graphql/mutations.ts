/**
 * Shared by every mutation: find the connection the input addresses and check it can do the job, and turn
 * problems the caller can fix into `userErrors` (DESIGN.md: faults of the system or the vendor stay
 * top-level errors).
 */
import type { Capability, VendorAdapter } from '../domain/types';
import { NotFoundError, UnsupportedByVendorError, isSwitchboardError } from '../errors';
import type { GatewayContext } from './context';
import { decodeGlobalId, type NodeType } from './ids';

export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

/** The tenant's connection `connectionId`, which must have `capability`. */
export function connectionWith(ctx: GatewayContext, connectionId: string, capability: Capability): VendorAdapter {
  const adapter = ctx.tenant.connections.get(connectionId);
  if (!adapter) throw new NotFoundError(`unknown connection '${connectionId}'`);
  if (!adapter.capabilities.includes(capability)) {
    throw new UnsupportedByVendorError(`connection '${connectionId}' (${adapter.vendor}) cannot do ${capability}`, {
      vendor: adapter.vendor,
      connectionId,
    });
  }
  return adapter;
}

/** Decodes a global ID of `type` and returns its connection (with `capability`) and native id. */
export function nodeWith(ctx: GatewayContext, id: string, type: NodeType, capability: Capability): { adapter: VendorAdapter; nativeId: string } {
  const gid = decodeGlobalId(id);
  if (gid.type !== type || !ctx.tenant.connections.has(gid.connectionId)) {
    throw new NotFoundError(`could not resolve to a ${type} with id ${JSON.stringify(id)}`);
  }
  return { adapter: connectionWith(ctx, gid.connectionId, capability), nativeId: gid.nativeId };
}

/**
 * A global ID given in an input (not the mutation's target): it must be of `type` and belong to
 * `connectionId`. Answers the vendor's id, or a user error at `field` (malformed IDs included: the caller
 * can fix those).
 */
export function inputNodeId(id: string, type: NodeType, connectionId: string, field: string[]): { nativeId: string } | { error: UserError } {
  let gid;
  try {
    gid = decodeGlobalId(id);
  } catch (err) {
    return { error: inputError(field, (err as Error).message) };
  }
  if (gid.type !== type || gid.connectionId !== connectionId) {
    return { error: inputError(field, `expected ${type === 'Agent' ? 'an' : 'a'} ${type} of connection '${connectionId}'`) };
  }
  return { nativeId: gid.nativeId };
}

/** True for null, undefined and strings of only white space. */
export const isBlank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';

/**
 * Runs a mutation's work. A BAD_USER_INPUT from it (our validation, or the vendor's 400 with its message
 * carried through) becomes a user error on the payload; everything else is thrown as a top-level error.
 */
export async function withUserErrors<T extends object>(
  empty: T,
  work: () => Promise<T>,
  opts: { field?: string[] | null; target?: { id: string; type: NodeType } } = {},
): Promise<T & { userErrors: UserError[] }> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (err) {
    if (isSwitchboardError(err) && err.code === 'BAD_USER_INPUT') {
      return { ...empty, userErrors: [{ field: opts.field ?? null, message: err.message, code: 'BAD_USER_INPUT' }] };
    }
    // The vendor's bare "Not Found" says nothing of what; name the mutation's target instead.
    if (isSwitchboardError(err) && err.code === 'NOT_FOUND' && opts.target) {
      throw new NotFoundError(`could not resolve to a ${opts.target.type} with id ${JSON.stringify(opts.target.id)}`, err.facts, { cause: err });
    }
    throw err;
  }
}

/** A user error found before anything is sent. */
export const inputError = (field: string[], message: string): UserError => ({ field, message, code: 'BAD_USER_INPUT' });
