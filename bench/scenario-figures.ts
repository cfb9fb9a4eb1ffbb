/**
 * The arithmetic of the scale-out and incremental scenarios (issues 12 and 13), kept apart from
 * the processes so it can be unit-tested: which shard was slowest, how a round of `n` shards
 * compares with one job, and what share of a full run's Azure DevOps requests an incremental run
 * made.
 */

/** Target of issue 12: 4 shards finish in under 0.35× the single job's time. */
export const SHARD_TARGET_RATIO = 0.35;
/** Target of issue 13: an incremental run makes fewer than 5 % of a full run's Azure DevOps requests. */
export const INCREMENTAL_TARGET_SHARE = 0.05;

export type ShardTiming = { shard: string; wallSeconds: number };

/** The slowest shard of a round (a round is over when its last shard is), and how uneven the round was. */
export function slowestShard(shards: readonly ShardTiming[]): { shard: string; wallSeconds: number; fastestSeconds: number; spread: number } {
  if (shards.length === 0) throw new Error('A round needs at least one shard.');
  let slowest = shards[0] as ShardTiming;
  let fastest = slowest.wallSeconds;
  for (const s of shards) {
    if (s.wallSeconds > slowest.wallSeconds) slowest = s;
    fastest = Math.min(fastest, s.wallSeconds);
  }
  return { shard: slowest.shard, wallSeconds: slowest.wallSeconds, fastestSeconds: fastest, spread: fastest > 0 ? slowest.wallSeconds / fastest : Number.POSITIVE_INFINITY };
}

/**
 * The largest shard's share of the round's Azure DevOps requests. One project never spans
 * shards, so this share is fixed by the organization's projects: with time proportional to
 * requests (the budget pays for requests), no round of these shards can beat this ratio to one job.
 */
export function largestShare(requestsPerShard: readonly number[]): number {
  const total = requestsPerShard.reduce((a, b) => a + b, 0);
  return total > 0 ? Math.max(...requestsPerShard) / total : 0;
}

export type RoundTiming = { n: number; slowestSeconds: number };

/** Each round's slowest shard over the single job's (`n` = 1) time; undefined without a single-job round. */
export function ratiosToSingle(rounds: readonly RoundTiming[]): Map<number, number> | undefined {
  const single = rounds.find((r) => r.n === 1);
  if (!single || single.slowestSeconds <= 0) return undefined;
  return new Map(rounds.map((r) => [r.n, r.slowestSeconds / single.slowestSeconds]));
}

/** The shard target: met when the round of 4 finished in under 0.35× the single job's time. */
export function shardTargetMet(rounds: readonly RoundTiming[]): { ratio: number | undefined; met: boolean | null } {
  const ratio = ratiosToSingle(rounds)?.get(4);
  return { ratio, met: ratio === undefined ? null : ratio < SHARD_TARGET_RATIO };
}

/** Requests of an incremental run as a share of the full run's, and whether it is under 5 %. */
export function requestShare(incrementalRequests: number, fullRequests: number): { share: number; met: boolean } {
  if (fullRequests <= 0) throw new Error(`The full run made ${fullRequests} Azure DevOps requests; there is nothing to compare with.`);
  const share = incrementalRequests / fullRequests;
  return { share, met: share < INCREMENTAL_TARGET_SHARE };
}

export type CursorFigure = { kind: string; index: number; listing: string; changed: number; advanced: boolean };

/** Per listing type (`changes`, `full`, `skipped`): how many resources, and how many entities they changed. */
export function listingTally(cursors: readonly CursorFigure[]): Record<string, { resources: number; changed: number; advanced: number }> {
  const tally: Record<string, { resources: number; changed: number; advanced: number }> = {};
  for (const c of cursors) {
    const t = (tally[c.listing] ??= { resources: 0, changed: 0, advanced: 0 });
    t.resources++;
    t.changed += c.changed;
    if (c.advanced) t.advanced++;
  }
  return tally;
}
