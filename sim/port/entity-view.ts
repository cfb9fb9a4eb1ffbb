import type { StoredEntity } from './model';

/** An entity as Port answers with it: unset properties and relations are absent, team is an array. */
export function entityView(entity: StoredEntity): Record<string, unknown> {
  const view: Record<string, unknown> = {
    identifier: entity.identifier,
    title: entity.title,
    blueprint: entity.blueprint,
    team: [...entity.team],
    properties: { ...entity.properties },
    relations: { ...entity.relations },
    createdAt: entity.createdAt,
    createdBy: entity.createdBy,
    updatedAt: entity.updatedAt,
    updatedBy: entity.updatedBy,
  };
  if (entity.icon !== null) view['icon'] = entity.icon;
  return view;
}

/** The inspection view: Port's view plus the datasource the simulator recorded. */
export function inspectionView(entity: StoredEntity): Record<string, unknown> {
  return { ...entityView(entity), datasource: entity.datasource };
}

/**
 * `include` / `exclude` query parameters of the search route: top-level keys, or
 * `properties.<id>` / `relations.<id>` for single values.
 */
export function projectEntity(view: Record<string, unknown>, include: string[], exclude: string[]): Record<string, unknown> {
  let result: Record<string, unknown>;
  if (include.length === 0) {
    result = { ...view };
  } else {
    result = {};
    for (const path of include) {
      const dot = path.indexOf('.');
      if (dot < 0) {
        if (path in view) result[path] = view[path];
        continue;
      }
      const group = path.slice(0, dot);
      const key = path.slice(dot + 1);
      const source = view[group] as Record<string, unknown> | undefined;
      if (!source || typeof source !== 'object') continue;
      const target = (result[group] ??= {}) as Record<string, unknown>;
      if (key in source) target[key] = source[key];
    }
  }
  for (const path of exclude) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      delete result[path];
      continue;
    }
    const group = result[path.slice(0, dot)] as Record<string, unknown> | undefined;
    if (group && typeof group === 'object') {
      const copy = { ...group };
      delete copy[path.slice(dot + 1)];
      result[path.slice(0, dot)] = copy;
    }
  }
  return result;
}
