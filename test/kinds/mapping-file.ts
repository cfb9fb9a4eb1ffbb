import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findKind } from '../../core/kinds/registry';

/**
 * A port-app-config file for `--mapping`, built from kinds' default resources with selector keys
 * or mapping fields overridden: how the per-kind tests try selector options end to end.
 */
export async function mappingFile(
  /** `selectorAsIs`: the selector is exactly `selector` (as in a mapping brought from Ocean), not merged into the built-in one. */
  resources: { kind: string; selector?: Record<string, unknown>; selectorAsIs?: boolean; mappings?: Record<string, unknown>; properties?: Record<string, string> }[],
  options: { entityDeletionThreshold?: number; createMissingRelatedEntities?: boolean } = {},
): Promise<string> {
  const config = {
    deleteDependentEntities: true,
    createMissingRelatedEntities: options.createMissingRelatedEntities ?? true,
    enableMergeEntity: true,
    entityDeletionThreshold: options.entityDeletionThreshold ?? 0.9,
    resources: resources.map(({ kind, selector, selectorAsIs, mappings, properties }) => {
      const base = findKind(kind)?.defaults.resources[0];
      if (!base) throw new Error(`no default resource for kind ${kind}`);
      const baseMappings = base.port.entity.mappings as { properties?: Record<string, string> };
      return {
        kind,
        selector: selectorAsIs ? { query: 'true', ...selector } : { ...base.selector, ...selector },
        port: { entity: { mappings: { ...baseMappings, ...mappings, properties: { ...baseMappings.properties, ...properties } } } },
      };
    }),
  };
  const dir = await mkdtemp(join(tmpdir(), 'kind-mapping-'));
  const path = join(dir, 'port-app-config.yml');
  await writeFile(path, stringify(config, { lineWidth: 0 }));
  return path;
}
