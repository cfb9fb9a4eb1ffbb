import { KINDS } from './registry';
import type { BlueprintDefinition, DefaultResource } from './kind';

/**
 * The built-in catalog: every kind's default blueprints and resources, in registry order. Written
 * for consistency: each relation's value is built exactly like its target's identifier.
 */
export function defaultBlueprints(): BlueprintDefinition[] {
  return KINDS.flatMap((kind) => kind.defaults.blueprints);
}

/**
 * The built-in mapping. On Azure DevOps Server it leaves out the cloud-only kinds (graph,
 * entitlements, Advanced Security): they cannot work there, and a default that fails every run
 * would also block every deletion.
 */
export function defaultPortAppConfig(deployment: 'cloud' | 'server' = 'cloud'): { deleteDependentEntities: boolean; createMissingRelatedEntities: boolean; enableMergeEntity: boolean; entityDeletionThreshold: number; resources: DefaultResource[] } {
  return {
    deleteDependentEntities: true,
    createMissingRelatedEntities: true,
    enableMergeEntity: true,
    entityDeletionThreshold: 0.9,
    resources: KINDS.filter((kind) => deployment === 'cloud' || kind.availability !== 'cloud-only').flatMap((kind) => kind.defaults.resources),
  };
}
