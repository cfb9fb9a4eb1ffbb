import type { EngineConfig } from './engine-config';
import { literalBlueprint } from './resource-sync';

/** What the rule reads of a mapped resource: its kind and the blueprints it writes to. */
export type MappedResource = { kind: string; port: { entity: { mappings: readonly { blueprint: string }[] } } };

/** A blueprint none of whose entities may be deleted this run, and why; `blueprint` undefined: every blueprint. */
export type DeletionHold = { blueprint: string | undefined; reason: string };

export type DeletionBlockers = {
  /** Why reconciliation deletes nothing at all this run; undefined when it may delete. */
  reconciliation: string | undefined;
  /**
   * Blueprints of the kinds the kinds filter leaves out: every entity of theirs looks stale to a
   * run that did not list them, so they are held rather than deleted.
   */
  held: DeletionHold[];
  /**
   * The filter (projects, else kinds) that makes this run list less than it otherwise would.
   * A kinds filter alone blocks no reconciliation (its kinds are held above), but a shard's run
   * narrowed by either is not clean: it does not advance the round ledger or sweep earlier layouts.
   */
  narrowedByFilter: string | undefined;
};

/**
 * Why a projects filter makes a listing partial, or undefined without one. It is also why the
 * incremental cursors are held (run.ts).
 */
export function projectsFilterNarrowing(filters: EngineConfig['filters']): string | undefined {
  return filters.projects?.length ? 'a projects filter is set, so the listings do not cover the whole organization' : undefined;
}

/**
 * What keeps reconciliation from deleting this run (docs/architecture.md, "Completeness decides
 * deletions"): an incremental run proves nothing is gone; a run with errors deletes nothing until a
 * clean one; a projects filter lists only part of the organization. The kinds filter holds only
 * the blueprints of the kinds it leaves out.
 */
export function deletionBlockers(
  config: Pick<EngineConfig, 'mode' | 'filters'>,
  run: { failedResources: readonly { label: string }[]; mappedResources: readonly MappedResource[] },
): DeletionBlockers {
  const { filters } = config;
  const reconciliation =
    config.mode === 'incremental'
      ? 'an incremental run lists only what changed, which cannot prove anything is gone; the scheduled full sync deletes'
      : run.failedResources.length > 0
        ? `the run had errors (${run.failedResources.map((r) => r.label).join(', ')}); nothing is deleted until a clean run`
        : projectsFilterNarrowing(filters);
  const held: DeletionHold[] = [];
  if (filters.kinds?.length) {
    for (const resource of run.mappedResources) {
      if (filters.kinds.includes(resource.kind)) continue;
      for (const m of resource.port.entity.mappings) {
        const blueprint = literalBlueprint(m.blueprint);
        held.push(
          blueprint
            ? { blueprint, reason: `kind '${resource.kind}' is left out by the kinds filter` }
            : { blueprint: undefined, reason: `kind '${resource.kind}' (left out by the kinds filter) writes to a blueprint computed by jq` },
        );
      }
    }
  }
  const narrowedByFilter = projectsFilterNarrowing(filters) ?? (filters.kinds?.length ? 'a kinds filter is set' : undefined);
  return { reconciliation, held, narrowedByFilter };
}
