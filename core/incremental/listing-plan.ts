import type { StoredCursor } from './cursor-store';

/** What the run knows of a resource's cursor: what Port holds, or that Port could not say. */
export type CursorReading = StoredCursor | { state: 'unavailable' };

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
/** A cursor this far past the run's start is not a clock difference worth trusting. */
const AHEAD_TOLERANCE_MS = MINUTE;

/**
 * Decides how an incremental run lists a resource: what changed since its cursor minus the overlap
 * window; on its first run the look-back, or everything; a kind Azure DevOps cannot filter by change
 * time in full (or not at all, when the user leaves those to the full sync). `startedAt` is the
 * run's start on Azure DevOps' clock. Only a cursor the run can trust narrows a listing: one it
 * could not read, or one later than the run's start (written by a tool whose clock ran fast), may
 * be past changes never listed, so the resource is listed in full (the look-back is for a
 * resource that has no cursor at all).
 */
export function planListing(input: { hasFilter: boolean; cursor: CursorReading; settings: IncrementalSettings; startedAt: Date }): ListingPlan {
  const { cursor, settings, startedAt } = input;
  const distrust = cursorDistrust(cursor, startedAt);
  if (!input.hasFilter) return planUnfiltered(cursor, distrust, settings, startedAt);
  if (cursor.state === 'set' && distrust === undefined) {
    return { listing: 'changes', since: new Date(cursor.at.getTime() - settings.overlapMinutes * MINUTE), basis: 'cursor' };
  }
  if (cursor.state === 'none' && settings.lookBackDays !== undefined) {
    return { listing: 'changes', since: new Date(startedAt.getTime() - settings.lookBackDays * DAY), basis: 'look-back' };
  }
  return { listing: 'full', reason: distrust ?? 'first run: no cursor yet' };
}

/** Why a cursor cannot be trusted to narrow a listing; undefined when it can (or there is none). */
export function cursorDistrust(cursor: CursorReading, startedAt: Date): string | undefined {
  switch (cursor.state) {
    case 'unavailable':
      return 'the cursor could not be read from Port';
    case 'unreadable':
      return 'the stored cursor is not a time';
    case 'set':
      return cursor.at.getTime() - startedAt.getTime() > AHEAD_TOLERANCE_MS ? `the stored cursor ${cursor.text} is later than Azure DevOps' clock (${startedAt.toISOString()})` : undefined;
    case 'none':
      return undefined;
  }
}

/**
 * A kind without a change filter can only be listed in full. Its cursor is the start of its last
 * complete listing (a full run's, or an incremental run's that listed it), so with `when-stale` it
 * is listed again only once that is older than the maximum age: most runs of a 15-minute schedule
 * skip it, and it is still refreshed during the day, between the nightly full runs.
 */
function planUnfiltered(cursor: CursorReading, distrust: string | undefined, settings: IncrementalSettings, startedAt: Date): ListingPlan {
  if (settings.unfilteredKinds === 'skip') return { listing: 'skipped', reason: 'no change filter; left to the scheduled full sync (incremental.unfilteredKinds: skip)' };
  if (settings.unfilteredKinds === 'list') return { listing: 'full', reason: 'no change filter in Azure DevOps' };
  if (cursor.state !== 'set' || distrust !== undefined) return { listing: 'full', reason: `no change filter, and ${distrust ?? 'no cursor yet'}` };
  const ageMinutes = Math.max(0, Math.floor((startedAt.getTime() - cursor.at.getTime()) / MINUTE));
  const maxAge = settings.unfilteredMaxAgeMinutes;
  return ageMinutes >= maxAge
    ? { listing: 'full', reason: `no change filter; last listed ${ageMinutes} min ago, at least incremental.unfilteredMaxAgeMinutes (${maxAge})` }
    : { listing: 'skipped', reason: `no change filter; last listed ${ageMinutes} min ago, under incremental.unfilteredMaxAgeMinutes (${maxAge})` };
}
