import type { RunResult } from '../sync/stats';
import type { ShardReport } from './shard-report';

/** `Shard 1/3`, the prefix of a sharded run's headline. */
export function shardHeadline(shard: ShardReport): string {
  return `Shard ${shard.index}/${shard.count}`;
}

/** The summary lines about the shard: its share, what it left to shard 0, the round and the sweep. */
export function shardLines(result: RunResult): string[] {
  const shard = result.shard;
  if (!shard) return [];
  const plan = result.mode === 'plan';
  const lines: string[] = [];
  const share = shard.projects ? `${shard.projects.synced} of ${shard.projects.inScope} projects` : 'its share of the projects (the project listing did not complete)';
  lines.push(`This is shard ${shard.index} of ${shard.count} (0-based): ${share}${shard.index === 0 ? ', plus the organization-level kinds' : ''}.`);
  if (shard.leftToShardZero.length > 0) lines.push(`Left to shard 0 (organization-level): ${shard.leftToShardZero.join(', ')}.`);
  if (!plan) lines.push(shard.clean ? 'Clean run: recorded towards the round of this layout.' : `Not counted towards the round: ${shard.notCleanBecause ?? 'see above'}.`);
  if (shard.ledgerProblem) lines.push(`The round ledger in Port could not be updated: ${shard.ledgerProblem}.`);
  const sweep = shard.sweep;
  if (!sweep.ran) {
    lines.push(`Entities of earlier shard layouts: not swept (${sweep.reason}).`);
  } else {
    const d = sweep.deletions;
    const stale = d.blueprints.reduce((n, b) => n + (b.held ? 0 : b.stale), 0);
    const deleted = d.blueprints.reduce((n, b) => n + b.deleted, 0);
    if (d.skipped) lines.push(`Entities of earlier shard layouts (last written before ${sweep.upTo}): none deleted, ${d.skipped}.`);
    else if (stale === 0) lines.push(`Entities of earlier shard layouts: none left (swept up to ${sweep.upTo}).`);
    else lines.push(`Entities of earlier shard layouts (last written before ${sweep.upTo}): ${plan ? `${stale} would be deleted` : `${deleted} of ${stale} deleted`}.`);
    for (const b of d.blueprints) {
      if (b.held) lines.push(`  ${b.blueprint}: ${b.stale} kept, ${b.held}.`);
      else if (b.error) lines.push(`  ${b.blueprint}: deleting ${b.stale} failed: ${b.error}`);
      else if (b.stale > 0) lines.push(`  ${b.blueprint}: ${plan ? `${b.stale} would be deleted` : `${b.deleted} deleted`}${b.samples.length ? ` (e.g. ${b.samples.slice(0, 3).join(', ')})` : ''}.`);
    }
  }
  return lines;
}
