/**
 * Asking a tenant's connections: the one place that picks the connections with a capability, asks each,
 * and turns a connection that failed into a partial failure instead of failing the whole answer. Every
 * domain service reaches its connections through here; resolvers report the failures it returns, all at
 * the field's response path (src/graphql/partial.ts).
 */
import { BadUserInputError, InternalError, NotFoundError, UnsupportedByVendorError, isSwitchboardError, type SwitchboardError } from '../errors';
import { memberFor, type CapabilityMember } from './capabilities';
import type { Capability, Tenant, VendorAdapter } from './types';

/** One connection that did not answer, with why. */
export interface ConnectionFailure {
  connectionId: string;
  error: SwitchboardError;
}

/** What the connections that answered said, and a failure for each one that did not. */
export interface PartialResult<T> {
  value: T;
  failures: ConnectionFailure[];
}

/** A SwitchboardError as is; anything else masked as INTERNAL with the connection named. */
export function asConnectionFailure(adapter: VendorAdapter, err: unknown): ConnectionFailure {
  const error = isSwitchboardError(err) ? err : new InternalError(`connection '${adapter.connectionId}' failed`, { vendor: adapter.vendor, connectionId: adapter.connectionId }, { cause: err });
  return { connectionId: adapter.connectionId, error };
}

/** The tenant's connections named by `ids` (all when empty), refusing ids the tenant does not have. */
export function selectConnections(tenant: Tenant, ids: readonly string[] | null | undefined): VendorAdapter[] {
  if (!ids || ids.length === 0) return [...tenant.connections.values()];
  return ids.map((id) => {
    const adapter = tenant.connections.get(id);
    if (!adapter) throw new BadUserInputError(`unknown connection '${id}'`);
    return adapter;
  });
}

export interface FanOutOptions {
  /** Only these connections (configured ids); all when empty or absent. An id the tenant lacks is BAD_USER_INPUT. */
  connectionIds?: readonly string[] | null;
}

/** The selected connections that have `capability`, in config order, each with its member. */
export function connectionsWith<C extends Capability>(tenant: Tenant, capability: C, opts: FanOutOptions = {}): Array<{ adapter: VendorAdapter; member: CapabilityMember<C> }> {
  const out: Array<{ adapter: VendorAdapter; member: CapabilityMember<C> }> = [];
  for (const adapter of selectConnections(tenant, opts.connectionIds)) {
    const member = memberFor(adapter, capability);
    if (member) out.push({ adapter, member });
  }
  return out;
}

/**
 * Asks every selected connection that has `capability`, concurrently. `value` holds the answers of those
 * that answered, in config order; each one that threw is a failure.
 */
export async function fanOut<C extends Capability, T>(
  tenant: Tenant,
  capability: C,
  fn: (member: CapabilityMember<C>, adapter: VendorAdapter) => Promise<T>,
  opts: FanOutOptions = {},
): Promise<PartialResult<T[]>> {
  const targets = connectionsWith(tenant, capability, opts);
  const settled = await Promise.allSettled(targets.map((t) => fn(t.member, t.adapter)));
  const value: T[] = [];
  const failures: ConnectionFailure[] = [];
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') value.push(r.value);
    else failures.push(asConnectionFailure(targets[i]!.adapter, r.reason));
  });
  return { value, failures };
}

/**
 * The tenant's connection `connectionId` and its member for `capability`: NOT_FOUND for a connection the
 * tenant does not have, UNSUPPORTED_BY_VENDOR for one that cannot do it. What every mutation starts with.
 */
export function capabilityAt<C extends Capability>(tenant: Tenant, connectionId: string, capability: C): { adapter: VendorAdapter; member: CapabilityMember<C> } {
  const adapter = tenant.connections.get(connectionId);
  if (!adapter) throw new NotFoundError(`unknown connection '${connectionId}'`);
  const member = memberFor(adapter, capability);
  if (!member) {
    throw new UnsupportedByVendorError(`connection '${connectionId}' (${adapter.vendor}) cannot do ${capability}`, { vendor: adapter.vendor, connectionId });
  }
  return { adapter, member };
}

/** The member for `capability` of the tenant's connection `connectionId`, or null (for references, which never throw). */
export function memberAt<C extends Capability>(tenant: Tenant, connectionId: string, capability: C): CapabilityMember<C> | null {
  const adapter = tenant.connections.get(connectionId);
  return (adapter && memberFor(adapter, capability)) ?? null;
}
