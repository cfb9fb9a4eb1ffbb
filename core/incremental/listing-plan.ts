import type { StoredCursor } from './cursor-store';

/** The incremental settings of the configuration (docs/incremental.md). */
export type IncrementalSettings = {
  /** Minutes listed again before the cursor: changes Azure DevOps indexes late, clock skew. */
  overlapMinutes: number;
  /** First run of a resource (no cursor): list what changed in the last this many days; unset lists everything. */
  lookBackDays?: number | undefined;
  /** Kinds without a change filter: listed in full every run, or left to the scheduled full sync. */
  unfilteredKinds: 'list' | 'skip';
};

export const DEFAULT_INCREMENTAL_SETTINGS: IncrementalSettings = { overlapMinutes: 5, unfilteredKinds: 'list' };

/** How one resource is listed in an incremental run. */
export type ListingPlan =
  | { listing: 'changes'; since: Date; basis: 'cursor' | 'look-back' }
  | { listing: 'full'; reason: string }
  | { listing: 'skipped'; reason: string };

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Decides how an incremental run lists a resource: what changed since its cursor minus the overlap
 * window; on its first run the look-back, or everything; a kind Azure DevOps cannot filter by change
 * time in full (or not at all, when the user leaves those to the full sync).
 */
export function planListing(input: { hasFilter: boolean; cursor: StoredCursor; settings: IncrementalSettings; startedAt: Date }): ListingPlan {
  const { cursor, settings, startedAt } = input;
  if (!input.hasFilter) {
    return settings.unfilteredKinds === 'skip'
      ? { listing: 'skipped', reason: 'no change filter; left to the scheduled full sync (incremental.unfilteredKinds: skip)' }
      : { listing: 'full', reason: 'no change filter in Azure DevOps' };
  }
  if (cursor.state === 'set') {
    // A cursor ahead of this run's clock (written by a machine whose clock runs fast) counts as now.
    const from = Math.min(cursor.at.getTime(), startedAt.getTime());
    return { listing: 'changes', since: new Date(from - settings.overlapMinutes * MINUTE), basis: 'cursor' };
  }
  if (settings.lookBackDays !== undefined) {
    return { listing: 'changes', since: new Date(startedAt.getTime() - settings.lookBackDays * DAY), basis: 'look-back' };
  }
  return { listing: 'full', reason: cursor.state === 'unreadable' ? 'the stored cursor is not a time' : 'first run: no cursor yet' };
}
