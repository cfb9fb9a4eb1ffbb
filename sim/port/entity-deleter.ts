import { PortApiError } from './errors';
import type { PortStore } from './store';

const key = (blueprint: string, identifier: string) => `${blueprint}\u0000${identifier}`;

/**
 * Deletes entities with Port's dependents rule (§5.1): an entity other entities relate to may
 * only go with `delete_dependents=true`, which takes those dependents (transitively) with it;
 * otherwise nothing is deleted.
 */
export function deleteEntities(store: PortStore, blueprint: string, identifiers: string[], deleteDependents: boolean): string[] {
  const requested = [...new Set(identifiers)].filter((id) => store.getEntity(blueprint, id));
  const doomed = new Set(requested.map((id) => key(blueprint, id)));
  if (doomed.size === 0) return [];

  const dependentsOf = reverseRelations(store);
  const queue = [...doomed];
  const outside: string[] = [];
  while (queue.length > 0) {
    const current = queue.pop() as string;
    for (const dependent of dependentsOf.get(current) ?? []) {
      if (doomed.has(dependent)) continue;
      if (!deleteDependents) {
        outside.push(dependent);
        continue;
      }
      doomed.add(dependent);
      queue.push(dependent);
    }
  }
  if (outside.length > 0) {
    const names = [...new Set(outside)].slice(0, 5).map((k) => k.replace('\u0000', '/'));
    throw new PortApiError(
      409,
      'has_dependents',
      `Cannot delete: other entities relate to the entities being deleted (${names.join(', ')}${outside.length > 5 ? ', …' : ''}). Delete them first or use delete_dependents=true.`,
    );
  }
  for (const k of doomed) {
    const [bp, id] = k.split('\u0000') as [string, string];
    store.entities.get(bp)?.delete(id);
  }
  return requested;
}

/** target entity key → keys of the entities whose relations point at it. */
function reverseRelations(store: PortStore): Map<string, string[]> {
  const reverse = new Map<string, string[]>();
  for (const entity of store.allEntities()) {
    const blueprint = store.blueprints.get(entity.blueprint);
    if (!blueprint) continue;
    for (const [relationId, value] of Object.entries(entity.relations)) {
      const target = blueprint.relations[relationId]?.target;
      if (!target) continue;
      for (const id of Array.isArray(value) ? value : [value]) {
        const k = key(target, id);
        const list = reverse.get(k);
        const self = key(entity.blueprint, entity.identifier);
        if (k === self) continue;
        if (list) list.push(self);
        else reverse.set(k, [self]);
      }
    }
  }
  return reverse;
}
