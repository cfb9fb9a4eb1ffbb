import { KINDS } from './registry';
import type { BlueprintDefinition, DefaultResource } from './kind';

/**
 * The built-in catalog: every kind's default blueprints and resources, in registry order. Written
 * for consistency: each relation's value is built exactly like its target's identifier.
 */
export function defaultBlueprints(): BlueprintDefinition[] {
  return KINDS.flatMap((kind) => kind.defaults.blueprints);
}

export function defaultPortAppConfig(): { deleteDependentEntities: boolean; createMissingRelatedEntities: boolean; enableMergeEntity: boolean; entityDeletionThreshold: number; resources: DefaultResource[] } {
  return {
    deleteDependentEntities: true,
    createMissingRelatedEntities: true,
    enableMergeEntity: true,
    entityDeletionThreshold: 0.9,
    resources: KINDS.flatMap((kind) => kind.defaults.resources),
  };
}
