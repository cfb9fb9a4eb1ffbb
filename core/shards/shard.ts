/**
 * A shard: job `index` (0-based) of `count` parallel jobs that together sync one organization.
 * `count` 1 is the ordinary, unsharded run.
 */
export type Shard = { readonly index: number; readonly count: number };

export const UNSHARDED: Shard = { index: 0, count: 1 };

/** More jobs than this gain nothing (an organization's projects are the unit) and make rounds fragile. */
export const MAX_SHARDS = 64;

export type ShardParse = { ok: true; value: Shard } | { ok: false; message: string };

/**
 * `i/n` (0-based `i`, as `--shard 0/3`), or `none` for an explicit "no sharding" that overrides a
 * default taken from the CI's parallel-job variables. The message never quotes the text.
 */
export function parseShardText(text: string): ShardParse {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'none' || trimmed === 'off') return { ok: true, value: UNSHARDED };
  const match = /^(\d{1,4})\s*\/\s*(\d{1,4})$/.exec(trimmed);
  if (!match) return { ok: false, message: 'must be <index>/<count> with a 0-based index, e.g. 0/3, 1/3, 2/3 (or none)' };
  const index = Number(match[1]);
  const count = Number(match[2]);
  return checkShard(index, count);
}

export function checkShard(index: number, count: number): ShardParse {
  if (!Number.isInteger(count) || count < 1) return { ok: false, message: 'the shard count must be at least 1' };
  if (count > MAX_SHARDS) return { ok: false, message: `the shard count must be at most ${MAX_SHARDS}` };
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    return { ok: false, message: `the shard index is 0-based and must be below the count (0 to ${count - 1} for ${count} shards)` };
  }
  return { ok: true, value: { index, count } };
}

/**
 * Azure Pipelines numbers parallel jobs from 1 (`System.JobPositionInPhase`) out of
 * `System.TotalJobsInPhase`; a single job is 1 of 1. Undefined when the variables do not describe
 * several jobs.
 */
export function shardFromJobPosition(position: string | undefined, total: string | undefined): Shard | undefined {
  if (position === undefined || total === undefined) return undefined;
  if (!/^\d+$/.test(position.trim()) || !/^\d+$/.test(total.trim())) return undefined;
  const count = Number(total);
  if (count <= 1) return undefined;
  const parsed = checkShard(Number(position) - 1, count);
  return parsed.ok ? parsed.value : undefined;
}

export const isSharded = (shard: Shard | undefined): shard is Shard => shard !== undefined && shard.count > 1;

export const shardText = (shard: Shard): string => `${shard.index}/${shard.count}`;
