/**
 * Items grouped by key, groups and their items in first-seen order (Map.groupBy arrives with
 * Node 21). Each group grows in place: copying it at every item made grouping quadratic.
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
