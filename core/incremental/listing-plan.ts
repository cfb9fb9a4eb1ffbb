import type { StoredCursor } from './cursor-store';

/** The incremental settings of the configuration (docs/incremental.md). */
export type IncrementalSettings = {
  /** Minutes listed again before the cursor: changes Azure DevOps indexes late, clock skew. */
  overlapMinutes: number;
  /** First run of a resource (no cursor): list what changed in the last this many days; unset lists everything. */
  lookBackDays?: number | undefined;
  /**
   * Kinds without a change filter: listed in full once their last complete listing is older than
   * `unfilteredMaxAgeMinutes` (`when-stale`), in full every run (`list`), or left to the scheduled
   * full sync (`skip`).
   */
  unfilteredKinds: 'when-stale' | 'list' | 'skip';
  /** With `when-stale`: the age of a cursor after which its kind is listed again. */
  unfilteredMaxAgeMinutes: number;
};

export const DEFAULT_INCREMENTAL_SETTINGS: IncrementalSettings = { overlapMinutes: 5, unfilteredKinds: 'when-stale', unfilteredMaxAgeMinutes: 240 };

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
  if (!input.hasFilter) return planUnfiltered(cursor, settings, startedAt);
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

/**
 * A kind without a change filter can only be listed in full. Its cursor is the start of its last
 * complete listing (a full run's, or an incremental run's that listed it), so with `when-stale` it
 * is listed again only once that is older than the maximum age: most runs of a 15-minute schedule
 * skip it, and it is still refreshed during the day, between the nightly full runs.
 */
function planUnfiltered(cursor: StoredCursor, settings: IncrementalSettings, startedAt: Date): ListingPlan {
  if (settings.unfilteredKinds === 'skip') return { listing: 'skipped', reason: 'no change filter; left to the scheduled full sync (incremental.unfilteredKinds: skip)' };
  if (settings.unfilteredKinds === 'list') return { listing: 'full', reason: 'no change filter in Azure DevOps' };
  if (cursor.state !== 'set') return { listing: 'full', reason: `no change filter, and ${cursor.state === 'unreadable' ? 'the stored cursor is not a time' : 'no cursor yet'}` };
  const ageMinutes = Math.max(0, Math.floor((startedAt.getTime() - cursor.at.getTime()) / MINUTE));
  const maxAge = settings.unfilteredMaxAgeMinutes;
  return ageMinutes >= maxAge
    ? { listing: 'full', reason: `no change filter; last listed ${ageMinutes} min ago, at least incremental.unfilteredMaxAgeMinutes (${maxAge})` }
    : { listing: 'skipped', reason: `no change filter; last listed ${ageMinutes} min ago, under incremental.unfilteredMaxAgeMinutes (${maxAge})` };
}
