import type { Shard } from './shard';

/**
 * FNV-1a (32 bit) of the lower-cased project id. Project ids are GUIDs that never change, even
 * when a project is renamed, so a project stays on its shard for as long as the shard count does.
 * The hash is spelled out rather than taken from a library so that every agent (Linux, Windows,
 * macOS, any Node version) and these docs agree on it forever: changing it moves every project.
 */
export function projectHash(projectId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(projectId.trim().toLowerCase(), 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 0-based shard that syncs a project when the organization is split `count` ways. */
export function shardOfProject(projectId: string, count: number): number {
  return count <= 1 ? 0 : projectHash(projectId) % count;
}

/** The predicate a shard applies to the project listing. */
export function projectPartition(shard: Shard): (project: { id: string }) => boolean {
  return (project) => shardOfProject(project.id, shard.count) === shard.index;
}
