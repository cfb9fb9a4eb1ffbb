import type { KindScope } from '../kinds/kind';
import { findKind } from '../kinds/registry';
import type { Shard } from './shard';

export type { KindScope } from '../kinds/kind';

/**
 * Where a kind's items live, as its module declares (`scope` in core/kinds/kind.ts, `project` when
 * unset). Organization kinds (the organization's users, its graph groups and their members) belong
 * to no project: shard 0 syncs them. Every other kind is listed under projects (directly, or through
 * repositories, teams, pipelines and environments, which `ParentListings` derives from the project
 * listing) and is split by project.
 *
 * A kind the registry does not know is treated as organization-wide: listed whole, once, by
 * shard 0. That costs parallelism but never loses items.
 */
export function kindScope(kind: string): KindScope {
  const definition = findKind(kind);
  return definition ? (definition.scope ?? 'project') : 'organization';
}

/** Whether this shard lists the kind at all. */
export function shardSyncsKind(shard: Shard, kind: string): boolean {
  return shard.index === 0 || kindScope(kind) === 'project';
}
