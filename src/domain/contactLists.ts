/**
 * Contact lists (CONTACT_LISTS): custom lists and the entries of custom and global lists. The vendor documents no
 * list or read of them, so there is no fan-out and no node: each operation names its connection and the vendor's ids.
 */
import { capabilityAt } from './fanOut';
import type { ContactListAdmin, ContactListEntryInput, InputProblem, Tenant } from './types';

/** Contact lists of one connection (UNSUPPORTED_BY_VENDOR without CONTACT_LISTS). */
export function contactListsAt(tenant: Tenant, connectionId: string): ContactListAdmin {
  return capabilityAt(tenant, connectionId, 'CONTACT_LISTS').member;
}

/** A list's name: not blank. */
export function listNameProblems(name: string): InputProblem[] {
  return name.trim() ? [] : [{ field: ['name'], message: 'name must not be empty' }];
}

/** Entries to add: each with a name and a phone number (the vendor checks the number's form). */
export function entryProblems(entries: readonly ContactListEntryInput[], opts: { required: boolean }): InputProblem[] {
  const problems: InputProblem[] = [];
  if (opts.required && entries.length === 0) problems.push({ field: ['entries'], message: 'entries must not be empty' });
  entries.forEach((e, i) => {
    if (!e.name.trim()) problems.push({ field: ['entries', String(i), 'name'], message: 'name must not be empty' });
    if (!e.phoneNumber.trim()) problems.push({ field: ['entries', String(i), 'phoneNumber'], message: 'phoneNumber must not be empty' });
  });
  return problems;
}

/** An entry change: at least one of name and phone number, neither blank. */
export function entryChangeProblems(change: { name?: string | null; phoneNumber?: string | null }): InputProblem[] {
  if (change.name == null && change.phoneNumber == null) return [{ field: [], message: 'give name, phoneNumber or both' }];
  const problems: InputProblem[] = [];
  if (change.name != null && !change.name.trim()) problems.push({ field: ['name'], message: 'name must not be empty' });
  if (change.phoneNumber != null && !change.phoneNumber.trim()) problems.push({ field: ['phoneNumber'], message: 'phoneNumber must not be empty' });
  return problems;
}

/** A vendor id named in an input: not blank. */
export function nativeIdProblems(ids: Record<string, string>): InputProblem[] {
  return Object.entries(ids).flatMap(([field, v]) => (v.trim() ? [] : [{ field: [field], message: `${field} must not be empty` }]));
}
