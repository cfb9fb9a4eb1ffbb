import type { LayoutSweep } from './layout-sweep';

/** What a sharded run says about its shard, in the summary and the JSON summary file. */
export type ShardReport = {
  index: number;
  count: number;
  /** Projects this shard synced, of those in scope; undefined when the project listing failed. */
  projects: { synced: number; inScope: number } | undefined;
  /** Resources of the mapping left to shard 0 because their kind is organization-wide. */
  leftToShardZero: string[];
  /** Whether this run counts towards a full round (no errors, complete listings, no filters). */
  clean: boolean;
  /** Why it does not, when it does not. */
  notCleanBecause: string | undefined;
  /** The run's clean completion could not be recorded in Port (the reason), if so. */
  ledgerProblem: string | undefined;
  sweep: LayoutSweep;
};
