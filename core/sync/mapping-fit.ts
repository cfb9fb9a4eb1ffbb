import { literalBlueprint } from './resource-sync';
import { mappingFieldPath, resourcePathText, type ResourceConfig } from '../mapping/app-config';

/** What a blueprint accepts, as far as a mapping's keys go. */
export type BlueprintKeys = { properties: readonly string[]; relations: readonly string[] };

/** A property or relation the mapping writes that its blueprint does not have: Port refuses every such entity. */
export type MisfitKey = { blueprint: string; key: string; field: 'properties' | 'relations'; path: string; file: string; line?: number };

/**
 * The mapped property and relation names each literal blueprint lacks. Blueprints without keys
 * here (not in Port, or computed by jq) are not judged.
 */
export function misfitKeys(resources: readonly ResourceConfig[], keysOf: (blueprint: string) => BlueprintKeys | undefined): MisfitKey[] {
  const out: MisfitKey[] = [];
  for (const resource of resources) {
    resource.port.entity.mappings.forEach((mapping, index) => {
      const blueprint = literalBlueprint(mapping.blueprint);
      const keys = blueprint === undefined ? undefined : keysOf(blueprint);
      if (blueprint === undefined || keys === undefined) return;
      for (const field of ['properties', 'relations'] as const) {
        const have = new Set(keys[field]);
        for (const key of Object.keys(mapping[field] ?? {})) {
          if (have.has(key)) continue;
          const path = mappingFieldPath(resource, index, [field, key]);
          const at = resource.lineOf(path);
          out.push({ blueprint, key, field, path: resourcePathText(resource, path), file: at.file, ...(at.line ? { line: at.line } : {}) });
        }
      }
    });
  }
  return out;
}

/** The blueprints a mapping names as literals, each once; those jq computes are left out. */
export function literalBlueprints(resources: readonly ResourceConfig[]): string[] {
  return [...new Set(resources.flatMap((r) => r.port.entity.mappings.map((m) => literalBlueprint(m.blueprint))).filter((b): b is string => b !== undefined))];
}

/** `azureDevopsRepository.codeowners, azureDevopsRepository.slack, … (12 in all)`. */
export function describeMisfits(misfits: readonly MisfitKey[], shown = 5): string {
  const names = misfits.map((m) => `${m.blueprint}.${m.key}`);
  return `${names.slice(0, shown).join(', ')}${names.length > shown ? `, … (${names.length} in all)` : ''}`;
}
