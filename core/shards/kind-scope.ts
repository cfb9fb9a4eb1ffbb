import type { Shard } from './shard';

/**
 * Kinds whose items belong to no project: the organization's users, its graph groups and their
 * members. Shard 0 syncs them; every other kind is listed under projects (directly, or through
 * repositories, teams, pipelines and environments, which `ParentListings` derives from the
 * project listing) and is split by project. A test checks that every registered kind is classified.
 */
export const ORGANIZATION_KINDS: ReadonlySet<string> = new Set(['user', 'group', 'group-member']);

export const PROJECT_KINDS: ReadonlySet<string> = new Set([
  'project',
  'team',
  'member',
  'repository',
  'repository-policy',
  'branch',
  'pull-request',
  'pipeline',
  'pipeline-run',
  'build',
  'pipeline-stage',
  'environment',
  'pipeline-deployment',
  'release',
  'release-definition',
  'release-deployment',
  'board',
  'column',
  'work-item',
  'iteration',
  'area-path',
  'test-run',
  'wiki',
  'file',
  'folder',
  'advanced-security-alert',
]);

export type KindScope = 'organization' | 'project';

/**
 * A kind not known to be split by project is treated as organization-wide: listed whole, once,
 * by shard 0. That costs parallelism but never loses items.
 */
export function kindScope(kind: string): KindScope {
  return PROJECT_KINDS.has(kind) ? 'project' : 'organization';
}

/** Whether this shard lists the kind at all. */
export function shardSyncsKind(shard: Shard, kind: string): boolean {
  return shard.index === 0 || kindScope(kind) === 'project';
}
