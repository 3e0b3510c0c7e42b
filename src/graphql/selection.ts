/**
 * What a query asks for under the field being resolved: so a resolver can answer from what it already holds
 * when that covers the selection, instead of asking the vendor (issue 16, item 6: `calls { agent { name } }` needs
 * no agents request when the call record names its agent).
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Field names selected directly under the field being resolved, through fragment spreads and inline fragments. Type
 * conditions and `@skip`/`@include` are not evaluated, so the set may hold more than will run, never less: a
 * resolver that answers from a partial object when `selectsOnly` holds stays correct.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): ReadonlySet<string> {
  // A list's items share one `fieldNodes` array: compute once per list, not once per item.
  const cached = byFieldNodes.get(info.fieldNodes);
  if (cached) return cached;
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else if (!seenFragments.has(sel.name.value)) {
        seenFragments.add(sel.name.value);
        visit(info.fragments[sel.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  byFieldNodes.set(info.fieldNodes, names);
  return names;
}

const byFieldNodes = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/** True when everything selected under the field being resolved is in `available`. */
export function selectsOnly(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, available: ReadonlySet<string>): boolean {
  for (const name of selectedFieldNames(info)) if (!available.has(name)) return false;
  return true;
}
