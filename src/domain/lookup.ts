/** Answers lookups by id from one full list read, for vendors without a lookup endpoint. */
export function pickByNativeId<T extends { nativeId: string }>(items: readonly T[], nativeIds: readonly string[]): Array<T | null> {
  const byId = new Map(items.map((i) => [i.nativeId, i]));
  return nativeIds.map((id) => byId.get(id) ?? null);
}
