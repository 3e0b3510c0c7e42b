/**
 * Shared by every mutation: name the object the input addresses, and turn problems the caller can fix into
 * `userErrors` (DESIGN.md: faults of the system or the vendor stay top-level errors). Which connection can
 * do the job is the domain's to check (src/domain/fanOut.ts `capabilityAt`).
 */
import type { InputProblem } from '../domain/types';
import { NotFoundError, isSwitchboardError } from '../errors';
import type { UserErrorCode } from '../generated/graphql';
import type { GatewayContext } from './context';
import { decodeGlobalId, type NodeType } from './ids';

/** A problem the caller can fix; `code` is one of the schema's `UserErrorCode` values. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: UserErrorCode;
}

/**
 * Decodes the global ID of a mutation's target: its connection and native id. NOT_FOUND unless it is of
 * `type` and names one of the caller's tenant's connections.
 */
export function nodeRef(ctx: GatewayContext, id: string, type: NodeType): { connectionId: string; nativeId: string } {
  const gid = decodeGlobalId(id);
  if (gid.type !== type || !ctx.tenant.connections.has(gid.connectionId)) {
    throw new NotFoundError(`could not resolve to a ${type} with id ${JSON.stringify(id)}`);
  }
  return { connectionId: gid.connectionId, nativeId: gid.nativeId };
}

/** The domain's problems with an input, as user errors at `['input', ...field]`. */
export const inputErrors = (problems: readonly InputProblem[]): UserError[] => problems.map((p) => inputError(['input', ...p.field], p.message));

/**
 * A global ID given in an input (not the mutation's target, whose id names the connection): it must be of
 * `type` and belong to `connectionId`. Answers the vendor's id, or a user error at `field` (malformed IDs
 * included: the caller can fix those).
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
