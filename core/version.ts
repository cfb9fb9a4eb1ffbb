import packageJson from '../package.json';

/** This tool's version: the middle part of the datasource User-Agent, and the integration version in Port. */
export const VERSION: string = packageJson.version;

export const INTEGRATION_TYPE = 'azure-devops';

/** Job `index` (0-based) of `count`; see core/shards. */
type ShardId = { readonly index: number; readonly count: number };

/**
 * Port records the writer's User-Agent as each entity's datasource and matches ownership by the
 * prefix `port-ocean/azure-devops/` and the suffix `/<identifier>/exporter` (port-api-and-ocean-core.md
 * §2.13), so entities written by Ocean's docker step stay ours after the switch, and vice versa.
 *
 * A shard of a split run (docs/scale-out.md) puts `shard-<i>-of-<n>+` in front of the version: the
 * integration's prefix and suffix still match (an unsharded run, or Ocean, keeps owning everything
 * the shards wrote), and the shard's own prefix `port-ocean/azure-devops/shard-<i>-of-<n>+` picks
 * out exactly its entities whatever the version. The `+` ends the tag so shard 1 of 3 is not a
 * prefix of shard 1 of 30; the segment count stays Ocean's type/version/identifier/feature.
 */
export function datasourceUserAgent(identifier: string, shard?: ShardId): string {
  return `port-ocean/${INTEGRATION_TYPE}/${shardTag(shard)}${VERSION}/${identifier}/exporter`;
}

/** Ownership of the whole integration (every shard, every version, Ocean), or of one shard. */
export function datasourceOf(identifier: string, shard?: ShardId): { prefix: string; suffix: string } {
  return { prefix: `port-ocean/${INTEGRATION_TYPE}/${shardTag(shard)}`, suffix: `/${identifier}/exporter` };
}

function shardTag(shard: ShardId | undefined): string {
  return shard && shard.count > 1 ? `shard-${shard.index}-of-${shard.count}+` : '';
}
